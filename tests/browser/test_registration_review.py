"""注册审核 through the UI: a unit admin approves a registration; a rejected one is edited and resubmitted.

Accounts: unit1 reviews; the registrations are new (random usernames, phones and ID numbers).
trainee4 asks to move to 示例第一医院 and unit1 rejects it, so no one moves (unit2 belongs to
test_login_security.py).
"""

from __future__ import annotations

import random
import urllib.request

import pytest

from tests.browser import test_registration as registration
from tests.browser.conftest import log_in
from tests.browser.test_registration import (
    PASSWORD,
    call,
    id_number,
    login_token,
    new_phone_number,
    sms_code,
)

# The registration module's fixtures: the probe for the endpoints and the SMS outbox.
registration_api = registration.registration_api
outbox = registration.outbox

pytestmark = pytest.mark.browser
from playwright.sync_api import expect


def pending_registration(base, outbox_path, name: str) -> dict:
    mobile = new_phone_number()
    account = {"username": f"rev{random.randrange(10**6):06d}", "id_number": id_number("19870606", "男"), "name": name}
    assert call(base, "POST", "/api/sms/codes", {"phone": mobile, "purpose": "register"})[0] == 202
    unit_id = call(base, "GET", "/api/units?q=" + urllib.request.quote("示例第一医院"))[1]["items"][0]["id"]
    department_id = call(base, "GET", f"/api/units/{unit_id}/departments")[1]["items"][0]["id"]
    status, body = call(base, "POST", "/api/registrations", {
        "phone": mobile, "sms_code": sms_code(outbox_path, mobile, "register"), "unit_id": unit_id,
        "department_id": department_id, "username": account["username"], "name": name,
        "id_number": account["id_number"], "password": PASSWORD, "joins_cme": True,
    })
    assert status == 201, body
    return {**account, "id": body["id"]}


def status_of(base, account) -> str:
    query = f"/api/registrations/status?username={account['username']}&id_number={account['id_number']}"
    return call(base, "GET", query)[1]["status"]


def test_unit_admin_approves_a_registration(registration_api, outbox, new_context, screenshot_dir):
    account = pending_registration(registration_api, outbox, "郑审")
    page = new_context("desktop")
    log_in(page, registration_api, "unit1")
    page.get_by_test_id("home-action").and_(page.locator('[data-action="registrations"]')).click()
    row = page.get_by_test_id("registrations-row").filter(has_text=account["username"])
    expect(row).to_contain_text("郑审")
    expect(row).to_contain_text("*")  # the ID number is masked
    page.screenshot(path=str(screenshot_dir / "registrations-queue.png"))
    row.get_by_test_id("registrations-approve").click()
    page.get_by_test_id("registrations-approve-dialog-submit").click()
    expect(page.get_by_test_id("registrations-result")).to_contain_text("成功 1 条")
    expect(row).to_have_count(0)
    assert status_of(registration_api, account) == "approved"


def test_rejected_registration_is_edited_and_resubmitted(registration_api, outbox, phone):
    account = pending_registration(registration_api, outbox, "冯改")
    status, body = call(registration_api, "POST", f"/api/registrations/{account['id']}/reject",
                        {"reason": "科室选错了"}, token=login_token(registration_api, "unit1"))
    assert status == 200, body

    phone.goto(registration_api + "/register/status")
    phone.get_by_test_id("reg-status-username").fill(account["username"])
    phone.get_by_test_id("reg-status-id").fill(account["id_number"])
    phone.get_by_test_id("reg-status-submit").click()
    expect(phone.get_by_test_id("reg-status-label")).to_have_text("单位审核不过")
    phone.get_by_test_id("reg-edit-password").fill(PASSWORD)
    phone.get_by_test_id("reg-edit-open").click()
    expect(phone.get_by_test_id("reg-edit-name")).to_have_value("冯改")
    expect(phone.get_by_test_id("reg-edit-unit-selected")).to_have_text("示例第一医院")
    phone.get_by_test_id("reg-edit-department").select_option(label="外科")
    phone.get_by_test_id("reg-edit-submit").click()
    expect(phone.get_by_test_id("reg-edit-done")).to_be_visible()
    expect(phone.get_by_test_id("reg-status-label")).to_have_text("单位待审")
    assert status_of(registration_api, account) == "pending"


def test_binding_request_from_trainee_to_the_new_units_queue(live_server, new_context, phone):
    """trainee4 asks to move to 示例第一医院 / 外科; unit1 sees it under 单位变更申请 and rejects it (no one moves)."""
    log_in(phone, live_server, "trainee4")
    phone.goto(live_server + "/binding")
    phone.get_by_test_id("binding-unit-q").fill("第一")
    phone.get_by_test_id("binding-unit-option").filter(has_text="示例第一医院").click()
    phone.get_by_test_id("binding-department").select_option(label="外科")
    phone.get_by_test_id("binding-submit").click()
    expect(phone.get_by_test_id("binding-pending")).to_be_visible()
    expect(phone.get_by_test_id("binding-item").first).to_have_attribute("data-status", "pending")

    admin = new_context("desktop")
    log_in(admin, live_server, "unit1")
    admin.goto(live_server + "/registrations?kind=binding")
    row = admin.get_by_test_id("registrations-row").filter(has_text="刘芳")
    expect(row).to_contain_text("示例第二医院 / 内科")
    row.get_by_test_id("registrations-check").check()
    admin.get_by_test_id("registrations-batch-reject").click()
    admin.get_by_test_id("reason-input").fill("未在本院任职")
    admin.get_by_test_id("registrations-reject-dialog-submit").click()
    expect(admin.get_by_test_id("registrations-result")).to_contain_text("成功 1 条")

    phone.reload()
    expect(phone.get_by_test_id("binding-item").first).to_have_attribute("data-status", "rejected")
    expect(phone.get_by_test_id("binding-reason").first).to_have_text("原因：未在本院任职")
    expect(phone.get_by_test_id("binding-form")).to_be_visible()
