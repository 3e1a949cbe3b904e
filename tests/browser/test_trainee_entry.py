"""Personal credit entry on a phone (/credits/new, /credits/{id}): rule picker, form, photo evidence.

Account: trainee1 (entries of the paper rule "中文核心期刊" with unique titles).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest

from tests.api.attendance_helpers import CHINA
from tests.browser.conftest import WECHAT_UA, log_in, page_width_overflow
from tests.browser.trainee_api import api_client, bearer, unique_title

pytestmark = pytest.mark.browser
from playwright.sync_api import expect
from PIL import Image

PAPER_RULE = "paper_core"  # 发表学术论文（发表当年）-中文核心期刊: first author 15, second 10
TAKEN_AT = "2026:01:02 10:20:30"


def _photo_jpeg() -> bytes:
    """A landscape phone photo, larger than the page keeps (2000 px), with EXIF DateTimeOriginal."""
    image = Image.new("RGB", (2400, 1600), (230, 236, 240))
    for x in range(0, 2400, 40):  # some detail, so it is a real picture to encode
        image.paste((40, 110 + x % 120, 100), (x, (x * 2) % 1500, x + 20, (x * 2) % 1500 + 100))
    exif = Image.Exif()
    exif[0x0110] = "Test Phone"  # Model
    exif.get_ifd(0x8769)[0x9003] = TAKEN_AT  # DateTimeOriginal
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def _today() -> str:
    return dt.datetime.now(CHINA).date().isoformat()


def _open_form(phone, screenshot=None) -> None:
    """From the home page to the paper rule's entry form, through the list and the searchable picker."""
    phone.get_by_test_id("nav-credits").click()
    phone.get_by_test_id("credits-new").click()
    expect(phone.get_by_test_id("rule-row").first).to_be_visible()
    if screenshot:
        assert page_width_overflow(phone) == 0
        phone.screenshot(path=str(screenshot), full_page=True)
    phone.get_by_test_id("rule-search").fill("中文核心")
    rows = phone.get_by_test_id("rule-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-code", PAPER_RULE)
    rows.first.click()
    expect(phone.get_by_test_id("entry-rule-name")).to_contain_text("中文核心期刊")


def _fill(phone, title: str, position: str = "1") -> None:
    phone.get_by_test_id("entry-title-input").fill(title)
    phone.get_by_test_id("entry-date").fill(_today())
    phone.get_by_test_id("entry-position").select_option(position)


def test_entry_with_a_photo_is_submitted(new_phone, live_server, screenshot_dir):
    phone = new_phone(WECHAT_UA)
    title = unique_title("论文录入")
    log_in(phone, live_server, "trainee1")
    _open_form(phone, screenshot_dir / "trainee-entry-rules.png")
    expect(phone.get_by_test_id("entry-guidance")).to_contain_text("证明材料")

    _fill(phone, title)
    expect(phone.get_by_test_id("entry-preview")).to_have_text("15 分")

    camera = phone.get_by_test_id("evidence-camera")
    assert camera.get_attribute("capture") == "environment"
    camera.set_input_files(files=[{"name": "IMG_0001.JPG", "mimeType": "image/jpeg", "buffer": _photo_jpeg()}])
    item = phone.get_by_test_id("evidence-item")
    expect(item).to_have_attribute("data-status", "ready")
    expect(item).to_contain_text("IMG_0001.jpg")
    thumb = item.get_by_test_id("evidence-thumb")
    expect(thumb).to_be_visible()
    assert thumb.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(item.get_by_test_id("evidence-progress")).to_have_attribute("aria-valuenow", "0")
    assert page_width_overflow(phone) == 0
    phone.screenshot(path=str(screenshot_dir / "trainee-entry-form.png"), full_page=True)

    phone.get_by_test_id("entry-submit").click()
    phone.wait_for_url("**/credits/*?saved=submitted")
    credit_id = int(phone.url.split("/credits/")[1].split("?")[0])
    detail = phone.get_by_test_id("credit-detail")
    expect(detail.get_by_test_id("credit-title")).to_have_text(title)
    expect(detail.get_by_test_id("status-chip")).to_have_text("待科室审核")
    expect(phone.get_by_test_id("credit-credits")).to_have_text("II类 15 分")
    expect(phone.get_by_test_id("credit-quantity")).to_have_text("第一作者（通讯作者）")
    shown = phone.get_by_test_id("credit-evidence-thumb")
    expect(shown).to_have_count(1)
    phone.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=shown.element_handle())
    expect(phone.get_by_test_id("credit-edit")).to_be_visible()
    expect(phone.get_by_test_id("credit-submit")).to_have_count(0)  # already submitted
    phone.screenshot(path=str(screenshot_dir / "trainee-entry-detail.png"), full_page=True)

    # The photo travelled shrunk in the browser (long side 2000 px), with the time it was taken.
    with api_client(live_server) as client:
        response = client.get(f"/api/credits/{credit_id}", headers=bearer(client, "trainee1"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "pending_dept"
    assert body["credits"] == 15
    [evidence] = body["evidence"]
    assert (evidence["width"], evidence["height"]) == (2000, 1333)
    assert evidence["captured_at"] is not None and evidence["captured_at"].startswith("2026-01-02")


def test_second_entry_of_the_same_rule_date_and_title_is_caught(phone, live_server):
    title = unique_title("重复录入")
    with api_client(live_server) as client:
        response = client.post("/api/credits", headers=bearer(client, "trainee1"), json={
            "rule_code": PAPER_RULE, "activity_date": _today(), "title": title, "author_position": 2, "draft": True})
    assert response.status_code == 201, response.text

    log_in(phone, live_server, "trainee1")
    _open_form(phone)
    _fill(phone, title, position="2")
    expect(phone.get_by_test_id("entry-preview")).to_have_text("10 分")
    phone.get_by_test_id("entry-save").click()
    expect(phone.get_by_test_id("entry-message")).to_have_text("已录入过相同规则、日期和名称的学分")
    assert "/credits/new" in phone.url  # nothing was saved: still the new entry's form
    expect(phone.get_by_test_id("entry-title-input")).to_have_value(title)  # what was typed stays


def _small_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 60, 60)).save(out, "JPEG", quality=80)
    return out.getvalue()


def _pdf() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 280), (255, 255, 255)).save(out, "PDF")
    return out.getvalue()


def _entry(client, headers: dict, title: str, *, position: int = 1) -> int:
    """A draft of trainee1 through the API; its id."""
    response = client.post("/api/credits", headers=headers, json={
        "rule_code": PAPER_RULE, "activity_date": _today(), "title": title, "author_position": position, "draft": True})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_returned_entry_is_corrected_and_sent_again_after_a_failed_upload(phone, live_server):
    title = unique_title("退回修改")
    with api_client(live_server) as client:
        trainee = bearer(client, "trainee1")
        credit_id = _entry(client, trainee, title)
        response = client.post(f"/api/credits/{credit_id}/evidence", headers=trainee,
                               files={"file": ("cover.jpg", _small_jpeg(), "image/jpeg")})
        assert response.status_code == 201, response.text
        assert client.post(f"/api/credits/{credit_id}/submit", headers=trainee).status_code == 200
        response = client.post(f"/api/credits/{credit_id}/return", headers=bearer(client, "dept1"),
                               json={"reason": "请补充目录页"})
        assert response.status_code == 200, response.text

    log_in(phone, live_server, "trainee1")
    phone.get_by_test_id("nav-credits").click()
    phone.get_by_test_id("credits-status").select_option("returned")
    row = phone.get_by_test_id("credit-row").filter(has_text=title)
    expect(row.get_by_test_id("credit-row-note")).to_have_text("原因：请补充目录页")
    row.click()
    expect(phone.get_by_test_id("credit-reason")).to_contain_text("请补充目录页")
    phone.get_by_test_id("credit-edit").click()
    phone.wait_for_url(f"**/credits/{credit_id}/edit")
    expect(phone.get_by_test_id("entry-title-input")).to_have_value(title)
    expect(phone.get_by_test_id("entry-position")).to_have_value("1")
    expect(phone.get_by_test_id("evidence-item")).to_have_count(1)  # the photo already attached

    phone.get_by_test_id("entry-organiser").fill("中华医学杂志社")
    phone.get_by_test_id("evidence-album").set_input_files(
        files=[{"name": "目录页.pdf", "mimeType": "application/pdf", "buffer": _pdf()}])
    pdf_item = phone.get_by_test_id("evidence-item").nth(1)
    expect(pdf_item).to_have_attribute("data-status", "ready")

    # The network drops during the upload: the record is saved, the file waits for a retry.
    phone.route("**/api/credits/*/evidence", lambda route: route.abort("internetdisconnected"))
    phone.get_by_test_id("entry-submit").click()
    expect(pdf_item).to_have_attribute("data-status", "failed")
    expect(phone.get_by_test_id("entry-message")).to_contain_text("上传失败")
    phone.unroute("**/api/credits/*/evidence")
    phone.get_by_test_id("entry-retry").click()

    phone.wait_for_url(f"**/credits/{credit_id}?saved=submitted")
    expect(phone.get_by_test_id("credit-detail").get_by_test_id("status-chip")).to_have_text("待科室审核")
    expect(phone.get_by_test_id("credit-organiser")).to_have_text("中华医学杂志社")
    expect(phone.get_by_test_id("credit-evidence")).to_have_count(2)
    expect(phone.get_by_test_id("credit-evidence-link")).to_contain_text("PDF")
    expect(phone.get_by_test_id("credit-reason")).to_have_count(0)


def test_own_credits_are_searched_by_title_and_a_draft_deleted(phone, live_server):
    title = unique_title("草稿删除")
    with api_client(live_server) as client:
        _entry(client, bearer(client, "trainee1"), title, position=2)

    log_in(phone, live_server, "trainee1")
    phone.get_by_test_id("nav-credits").click()
    phone.get_by_test_id("credits-search").fill(title)
    rows = phone.get_by_test_id("credit-row")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_test_id("status-chip")).to_have_text("草稿")
    expect(phone.get_by_test_id("credits-total")).to_have_text("找到 1 条")
    rows.first.click()

    expect(phone.get_by_test_id("credit-quantity")).to_have_text("第二作者")
    expect(phone.get_by_test_id("credit-evidence-none")).to_be_visible()
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_test_id("credit-delete").click()
    phone.wait_for_url("**/credits?year=*")
    phone.get_by_test_id("credits-search").fill(title)
    expect(phone.get_by_test_id("credits-empty")).to_have_text("没有符合条件的学分记录。")


def test_approved_entry_says_it_counts_from_the_next_day(phone, live_server):
    title = unique_title("次日生效")
    with api_client(live_server) as client:
        trainee = bearer(client, "trainee1")
        credit_id = _entry(client, trainee, title)
        response = client.post(f"/api/credits/{credit_id}/evidence", headers=trainee,
                               files={"file": ("cover.jpg", _small_jpeg(), "image/jpeg")})
        assert response.status_code == 201, response.text
        assert client.post(f"/api/credits/{credit_id}/submit", headers=trainee).status_code == 200
        for approver in ("dept1", "unit1"):
            response = client.post(f"/api/credits/{credit_id}/approve", headers=bearer(client, approver))
            assert response.status_code == 200, response.text
        body = client.get(f"/api/credits/{credit_id}", headers=trainee).json()
    assert body["status"] == "effective" and body["editable"] is False

    log_in(phone, live_server, "trainee1")
    phone.goto(f"{live_server}/credits/{credit_id}")
    expect(phone.get_by_test_id("credit-detail").get_by_test_id("status-chip")).to_have_text("次日生效")
    expect(phone.get_by_test_id("credit-next-day")).to_be_visible()
    expect(phone.get_by_test_id("credit-actions")).to_have_count(0)
    thumb = phone.get_by_test_id("credit-evidence-thumb")
    expect(thumb.locator("xpath=..")).to_have_attribute("href", f"/api/evidence/{body['evidence'][0]['id']}")


def test_hours_over_the_days_limit_mark_the_quantity_field(phone, live_server):
    """self_training: 每3小时 1分, at most 6 hours a day across entries; the server names the field."""
    with api_client(live_server) as client:
        response = client.post("/api/credits", headers=bearer(client, "trainee1"), json={
            "rule_code": "self_training", "activity_date": _today(), "title": unique_title("院内培训"),
            "quantity": 4, "draft": True})
    assert response.status_code == 201, response.text

    log_in(phone, live_server, "trainee1")
    phone.goto(f"{live_server}/credits/new?rule=self_training")
    expect(phone.locator("label[for=entry-quantity-field]")).to_have_text("学时（小时）")
    phone.get_by_test_id("entry-title-input").fill(unique_title("院内培训"))
    phone.get_by_test_id("entry-date").fill(_today())
    quantity = phone.get_by_test_id("entry-quantity")
    quantity.fill("3")
    expect(phone.get_by_test_id("entry-preview")).to_have_text("1 分")
    phone.get_by_test_id("entry-save").click()
    expect(quantity).to_have_attribute("aria-invalid", "true")
    expect(phone.get_by_test_id("entry-quantity-field-error")).to_contain_text("当天还可申报 2 学时")


def test_the_entry_form_shows_every_error_at_once(phone, live_server):
    """Issue 13: an empty form submitted names each missing field, not the first one only."""
    log_in(phone, live_server, "trainee1")
    _open_form(phone)
    phone.get_by_test_id("entry-submit").click()
    expect(phone.get_by_test_id("entry-title-field-error")).to_have_text("请填写项目名称。")
    expect(phone.get_by_test_id("entry-date-field-error")).to_have_text("请选择活动日期。")
    expect(phone.get_by_test_id("entry-position-field-error")).to_have_text("请选择作者位次。")
    expect(phone.get_by_test_id("evidence-error")).to_contain_text("请上传证明材料")
    expect(phone.get_by_test_id("entry-title-input")).to_be_focused()
