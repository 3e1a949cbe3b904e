"""Admin side of personal credit entries in a real browser (desktop 1280x800): review with the
evidence beside the record, corrections with their history, entering on behalf.

Accounts (each test works on entries with a unique title, so they share the demo accounts):

    trainee1   declares a personal entry through the API (with a JPEG proof)
    dept1      reviews it, corrects records, enters a credit on behalf of trainee1
    unit1      gives the final approval
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.api.attendance_helpers import CHINA
from tests.browser.conftest import DEMO_PASSWORD, log_in

pytestmark = pytest.mark.browser
from playwright.sync_api import expect


@pytest.fixture
def api(live_server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server, timeout=10) as client:
        yield client


def bearer(client: httpx.Client, username: str) -> dict[str, str]:
    response = client.post("/api/auth/login", json={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    client.cookies.clear()  # bearer only: no cookie (and so no CSRF) on later calls
    return {"Authorization": f"Bearer {response.json()['token']}"}


def jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 110)).save(out, "JPEG", quality=80)
    return out.getvalue()


def personal_entry(client: httpx.Client, title: str, *, hours: float = 3) -> dict:
    """trainee1's entry under 赴外省获得学分（国家级）(每3小时 1分) with a JPEG proof, sent to the department."""
    me = bearer(client, "trainee1")
    yesterday = (dt.datetime.now(CHINA) - dt.timedelta(days=1)).date().isoformat()
    created = client.post("/api/credits", headers=me, json={
        "rule_code": "out_national", "quantity": hours, "activity_date": yesterday, "title": title,
        "organiser": "外省医学会", "draft": True})
    assert created.status_code == 201, created.text
    credit_id = created.json()["id"]
    uploaded = client.post(f"/api/credits/{credit_id}/evidence", headers=me,
                           files={"file": ("学分证书.jpg", jpeg(), "image/jpeg")})
    assert uploaded.status_code == 201, uploaded.text
    submitted = client.post(f"/api/credits/{credit_id}/submit", headers=me)
    assert submitted.status_code == 200 and submitted.json()["status"] == "pending_dept", submitted.text
    return client.get(f"/api/credits/{credit_id}", headers=me).json()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def test_review_shows_the_proof_beside_the_record_then_two_approvals(live_server, new_context, api,
                                                                       screenshot_dir):
    title = unique("浏览器测试·外省会议")
    credit = personal_entry(api, title)

    dept = new_context("desktop")
    log_in(dept, live_server, "dept1")
    dept.goto(live_server + "/review?q=" + credit["person_no"])
    row = dept.get_by_test_id("review-row").filter(has_text=title)
    expect(row).to_contain_text("1 份")
    row.get_by_test_id("review-detail").click()
    pane = dept.get_by_test_id("review-pane")
    expect(pane.get_by_test_id("pane-title")).to_have_text(title)
    expect(pane.get_by_test_id("detail-facts")).to_contain_text("外省医学会")
    thumb = pane.get_by_test_id("evidence-thumb").locator("img")
    expect(thumb).to_have_count(1)
    dept.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    # Beside the table on a desktop, not under it.
    table_box = dept.get_by_test_id("review-table").bounding_box()
    pane_box = pane.bounding_box()
    assert pane_box["x"] >= table_box["x"] + table_box["width"] - 1
    dept.screenshot(path=str(screenshot_dir / "admin-review-evidence.png"))

    pane.get_by_test_id("evidence-thumb").click()
    full = dept.get_by_test_id("lightbox").locator("img")
    dept.wait_for_function("(img) => img.complete && img.naturalWidth === 640", arg=full.element_handle())
    dept.get_by_test_id("lightbox-close").click()
    expect(dept.get_by_test_id("lightbox")).to_have_count(0)

    pane.get_by_test_id("pane-approve").click()
    expect(dept.get_by_test_id("review-result")).to_contain_text("通过：成功 1 条")
    expect(row).to_have_count(0)
    expect(pane.get_by_test_id("detail-status")).to_have_text("待单位审核")

    unit = new_context("desktop")
    log_in(unit, live_server, "unit1")
    unit.goto(live_server + "/review?q=" + credit["person_no"])
    unit_row = unit.get_by_test_id("review-row").filter(has_text=title)
    unit_row.get_by_test_id("review-detail").click()
    expect(unit.get_by_test_id("evidence-thumb")).to_have_count(1)
    unit.get_by_test_id("pane-approve").click()
    expect(unit.get_by_test_id("review-result")).to_contain_text("通过：成功 1 条")
    expect(unit_row).to_have_count(0)
    after = api.get(f"/api/credits/{credit['id']}", headers=bearer(api, "unit1")).json()
    assert after["status"] == "effective"


def test_correction_needs_a_reason_and_is_logged(live_server, new_context, api):
    title = unique("浏览器测试·更正")
    credit = personal_entry(api, title, hours=3)

    dept = new_context("desktop")
    log_in(dept, live_server, "dept1")
    dept.goto(live_server + "/corrections?tab=personal&q=" + credit["person_no"])
    row = dept.get_by_test_id("corr-row").filter(has_text=title)
    expect(row.get_by_test_id("corr-status")).to_have_text("待科室审核")
    row.get_by_test_id("corr-edit").click()
    dialog = dept.get_by_test_id("corr-edit-dialog")
    dialog.get_by_test_id("ce-quantity").fill("6")
    dialog.get_by_test_id("corr-edit-dialog-submit").click()
    expect(dialog.get_by_test_id("corr-edit-dialog-error")).to_have_text("请填写修改原因。")
    dialog.get_by_test_id("reason-input").fill("按会议通知核对为 6 学时")
    dialog.get_by_test_id("corr-edit-dialog-submit").click()
    expect(dept.get_by_test_id("corr-result")).to_contain_text("已修改")
    expect(row).to_contain_text("I类 2")  # 每3小时 1分: 6 hours, 2 credits

    row.get_by_test_id("corr-detail").click()
    history = dept.get_by_test_id("credit-detail").get_by_test_id("detail-event")
    expect(history.filter(has_text="按会议通知核对为 6 学时")).to_have_count(1)
    expect(history.filter(has_text="按会议通知核对为 6 学时")).to_contain_text("数量 3→6")


def test_entered_on_behalf_waits_for_the_unit_marked_without_proof(live_server, new_context, api):
    title = unique("浏览器测试·代录入")
    dept = new_context("desktop")
    log_in(dept, live_server, "dept1")
    dept.goto(live_server + "/corrections/entry")
    dept.get_by_test_id("picker-search").fill("张伟")
    dept.get_by_test_id("picker-row").first.locator("input").check()
    dept.locator('[data-testid="entry-rule"][data-code="out_provincial"] input').check()
    expect(dept.get_by_test_id("entry-guidance")).to_contain_text("证明材料")
    dept.get_by_test_id("entry-title-input").fill(title)
    dept.get_by_test_id("entry-date").fill((dt.datetime.now(CHINA) - dt.timedelta(days=2)).date().isoformat())
    dept.get_by_test_id("entry-quantity").fill("2")
    expect(dept.get_by_test_id("entry-preview")).to_have_text("I类 2 分")  # 每1小时 1分
    dept.get_by_test_id("entry-submit").click()
    expect(dept.get_by_test_id("entry-done")).to_contain_text("待单位审核")

    unit = new_context("desktop")
    log_in(unit, live_server, "unit1")
    unit.goto(live_server + "/review?source=personal")
    row = unit.get_by_test_id("review-row").filter(has_text=title)
    expect(row.get_by_test_id("review-missing")).to_have_text("缺少证明材料")


def test_region_admin_adds_and_edits_a_rule_others_only_read(live_server, new_context):
    # Next year's catalogue, with a code of its own: the rules other tests use stay as they are.
    year = str(dt.datetime.now(CHINA).year + 1)
    code = "t_" + uuid.uuid4().hex[:8]
    region = new_context("desktop")
    log_in(region, live_server, "region1")
    region.goto(f"{live_server}/rules?year={year}")
    region.get_by_test_id("rule-add").click()
    region.get_by_test_id("rd-code").fill(code)
    region.get_by_test_id("rd-name").fill("浏览器测试规则")
    region.get_by_test_id("rd-unit").select_option("authorship")
    region.get_by_test_id("rd-author_credits").fill("5，3")
    region.get_by_test_id("rule-dialog-submit").click()
    row = region.locator(f'[data-testid="rule-row"][data-code="{code}"]')
    expect(row).to_contain_text("第一作者（通讯作者）5分 第二作者3分")

    row.get_by_test_id("rule-edit").click()
    region.get_by_test_id("rd-unit").select_option("hour")
    region.get_by_test_id("rd-unit_size").fill("2")
    region.get_by_test_id("rd-credits_per_step").fill("1")
    region.get_by_test_id("rd-cap").fill("4")
    region.get_by_test_id("rule-dialog-submit").click()
    expect(row).to_contain_text("每2小时 授予1分（最高限分4）")

    dept = new_context("desktop")
    log_in(dept, live_server, "dept1")
    dept.goto(f"{live_server}/rules?year={year}")
    expect(dept.locator(f'[data-testid="rule-row"][data-code="{code}"]')).to_contain_text("每2小时 授予1分")
    expect(dept.get_by_test_id("rule-edit")).to_have_count(0)
    expect(dept.get_by_test_id("rule-add")).to_have_count(0)
