"""/c/{session}?t={code}: what the lecture-hall QR opens, in any phone browser, logged in or not.

Accounts: trainee2 checks in after logging in on the way (WeChat's in-app browser).
"""

from __future__ import annotations

import json
import re

import pytest

from tests.browser.conftest import DEMO_PASSWORD, WECHAT_UA, log_in, page_width_overflow
from tests.browser.trainee_api import (
    api_client,
    bearer,
    code_now,
    credits_of,
    open_training,
    unique_title,
)

pytestmark = pytest.mark.browser
from playwright.sync_api import expect


def test_logged_out_scan_logs_in_and_checks_in_with_the_claim(new_phone, live_server, screenshot_dir):
    page = new_phone(user_agent=WECHAT_UA)
    title = unique_title("院内培训签到")
    posts: list[tuple[str, dict]] = []
    page.on("request", lambda r: posts.append((r.url, json.loads(r.post_data or "{}"))) if r.method == "POST" and "/api/" in r.url else None)

    with api_client(live_server) as client:
        training, session, dept = open_training(client, title, credit_class="I", credits=1, hours=3)
        code = code_now(client, dept, session["id"])
        page.goto(f"{live_server}/c/{session['id']}?t={code}")

        # The confirmation card names the session before anything else happens.
        expect(page.get_by_test_id("checkin-training-title")).to_have_text(title)
        expect(page.get_by_test_id("checkin-where")).to_have_text("门诊楼三楼学术报告厅")
        expect(page.get_by_test_id("checkin-credits")).to_have_text("I类 1 分 · 3 学时")
        status = page.get_by_test_id("checkin-status")
        expect(status).to_have_attribute("data-state", "login")
        expect(status).to_contain_text("请先登录完成签到")
        assert page.url == f"{live_server}/c/{session['id']}"  # the code left the address bar
        assert page_width_overflow(page) == 0
        page.screenshot(path=str(screenshot_dir / "trainee-checkin-login.png"), full_page=True)

        page.get_by_test_id("checkin-login").click()
        page.wait_for_url("**/login?next=*")
        page.get_by_test_id("login-username").fill("trainee2")
        page.get_by_test_id("login-password").fill(DEMO_PASSWORD)
        page.get_by_test_id("login-submit").click()

        page.wait_for_url(f"{live_server}/c/{session['id']}")
        expect(status).to_have_attribute("data-state", "created")
        expect(status).to_contain_text("签到成功")
        expect(page.get_by_test_id("checkin-credit")).to_contain_text("待科室审核")
        expect(page.get_by_test_id("checkin-training-title")).to_have_text(title)

        # The code went to the server once, for the claim; the check-in used the claim.
        claims = [body for url, body in posts if url.endswith("/api/claims")]
        checkins = [body for url, body in posts if url.endswith("/api/checkins")]
        assert claims == [{"session_id": session["id"], "code": code}]
        assert len(checkins) == 1 and set(checkins[0]) == {"claim"}

        # A reload is idempotent: the same check-in, with its original time.
        first_time = page.get_by_test_id("checkin-time").text_content()
        page.reload()
        expect(status).to_have_attribute("data-state", "existing")
        expect(status).to_contain_text("您已签到")
        assert first_time.split(" ")[-1][:5] in page.get_by_test_id("checkin-time").text_content()

        mine = credits_of(client, bearer(client, "trainee2"), training_id=training["id"])
    assert [(c["status"], c["credits"], c["credit_class"]) for c in mine] == [("pending_dept", 1, "I")]


def test_a_stale_code_asks_to_scan_again(phone, live_server):
    phone.goto(f"{live_server}/c/987654321?t=00000000")
    status = phone.get_by_test_id("checkin-status")
    expect(status).to_have_attribute("data-state", "invalid_code")
    expect(status).to_contain_text("二维码已过期或无效，请重新扫描现场二维码")
    assert not re.search(r"[?&]t=", phone.url)


def test_checkout_logged_out_asks_to_log_in_and_rescan(phone, live_server):
    phone.goto(f"{live_server}/c/987654321?t=12345678&p=out")
    status = phone.get_by_test_id("checkin-status")
    expect(status).to_contain_text("请登录后重新扫码签退")
    expect(phone.get_by_test_id("checkin-heading")).to_have_text("扫码签退")
    assert phone.url == f"{live_server}/c/987654321?p=out"


def test_a_wrong_account_is_told_why_and_can_switch(phone, live_server):
    # dept3 and trainee4 belong to another hospital: neither may check in, and nothing is written.
    with api_client(live_server) as client:
        _training, session, dept = open_training(client, unique_title("本院培训"))
        log_in(phone, live_server, "dept3")
        phone.goto(f"{live_server}/c/{session['id']}?t={code_now(client, dept, session['id'])}")
    status = phone.get_by_test_id("checkin-status")
    expect(status).to_have_attribute("data-state", "not_eligible")
    expect(status).to_contain_text("只有学员账号可以签到")

    phone.get_by_test_id("checkin-switch").click()
    phone.wait_for_url("**/login?next=*")
    phone.get_by_test_id("login-username").fill("trainee4")
    phone.get_by_test_id("login-password").fill(DEMO_PASSWORD)
    phone.get_by_test_id("login-submit").click()
    phone.wait_for_url(f"{live_server}/c/{session['id']}")
    expect(status).to_have_attribute("data-state", "not_eligible")  # the claim was kept for the new account
    expect(status).to_contain_text("您不是本单位人员")
