"""Admin pages in a real browser: trainings, the organiser's tablet screen, reverse mode, review.

Desktop contexts (1280x800) for the secretaries and the CME office, a landscape tablet (1180x820)
for the screen at the front of the hall. Every test sets up its own training (unique title), so
the accounts are shared with other tests without their data meeting:

    dept1 / unit1   create, approve and run trainings; review their credits
    trainee2        checks in by the QR (API), is scanned in reverse mode
    trainee3        is scanned in reverse mode (another department: no name in dept1's roster)
    demo people     added by 补签 (no accounts)
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from tests.api.attendance_helpers import CHINA, open_session
from tests.browser.conftest import (
    DEMO_PASSWORD,
    log_in,
    page_width_overflow,
    wait_for_service_worker,
)

pytestmark = pytest.mark.browser
from playwright.sync_api import expect

ZBARIMG = shutil.which("zbarimg")


# ---------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture
def api(live_server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server, timeout=10) as client:
        yield client


def bearer(client: httpx.Client, username: str) -> dict[str, str]:
    response = client.post("/api/auth/login", json={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    client.cookies.clear()  # bearer only: no cookie (and so no CSRF) on later calls
    return {"Authorization": f"Bearer {response.json()['token']}"}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def approved_training(client: httpx.Client, title: str) -> tuple[dict, dict]:
    """A dept1 training, approved by unit1, with one session that started a few minutes ago."""
    dept, unit = bearer(client, "dept1"), bearer(client, "unit1")
    return open_session(client, dept, unit, title=title, year=dt.datetime.now(CHINA).year)


def demo_person(client: httpx.Client, headers: dict, exclude: set[str]) -> dict:
    """A person of dept1's department without a login account (not one of the named trainees)."""
    people = client.get("/api/people", params={"page_size": 100}, headers=headers).json()["items"]
    return next(p for p in people if p["name"] not in exclude)


def img_code(src: str) -> str:
    return parse_qs(urlparse(src).query)["v"][0]


# ---------------------------------------------------------------------------- trainings and the screen


def test_training_from_form_to_tablet_screen(live_server, new_context, api, screenshot_dir, tmp_path):
    title = unique("浏览器测试·心衰规范化管理")
    dept = new_context("desktop")
    log_in(dept, live_server, "dept1")
    # Home: quick links for an admin.
    # 院内培训, 继教项目, 举办统计, 学分审核, 人员, 统计查询, 未达标提醒, 学分打印, 学分修改, 学分规则, 达标标准, 账号与设备, 修改密码
    expect(dept.locator("[data-action]")).to_have_count(13)
    expect(dept.get_by_test_id("nav").get_by_role("link")).to_have_text(["首页", "培训", "项目", "审核", "人员"])

    # The list, then the form.
    dept.get_by_test_id("nav-trainings").click()
    expect(dept.get_by_test_id("trainings-title")).to_have_text("院内培训")
    expect(dept.get_by_test_id("trainings-count-all")).to_have_text(re.compile(r"^\(\d+\)$"))
    dept.get_by_test_id("training-new").click()
    dept.get_by_test_id("tf-title").fill(title)
    dept.get_by_test_id("tf-class").select_option("II")
    dept.get_by_test_id("tf-credits").fill("0.5")
    dept.get_by_test_id("tf-hours").fill("2")
    dept.get_by_test_id("tf-discipline").fill("内科学")
    dept.get_by_test_id("tf-assessment").select_option("问卷")
    dept.get_by_test_id("tf-next").click()

    # The detail page: add a session that started a few minutes ago (today, local time).
    expect(dept.get_by_test_id("training-title")).to_have_text(title)
    expect(dept.get_by_test_id("training-detail-status")).to_have_text("草稿")
    training_id = int(re.search(r"/trainings/(\d+)$", dept.url).group(1))
    now = dt.datetime.now(CHINA)
    start = max(now - dt.timedelta(minutes=10), now.replace(hour=0, minute=0, second=0, microsecond=0))
    end = min(start + dt.timedelta(hours=2), now.replace(hour=23, minute=59, second=0, microsecond=0))
    dept.get_by_test_id("session-add").click()
    dept.get_by_test_id("sd-date").fill(start.strftime("%Y-%m-%d"))
    dept.get_by_test_id("sd-start").fill(start.strftime("%H:%M"))
    dept.get_by_test_id("sd-end").fill(end.strftime("%H:%M"))
    dept.get_by_test_id("sd-location").fill("门诊楼三楼学术报告厅")
    dept.get_by_test_id("session-dialog-submit").click()
    expect(dept.get_by_test_id("session-row")).to_have_count(1)
    expect(dept.get_by_test_id("session-row")).to_contain_text(start.strftime("%Y-%m-%d %H:%M"))
    dept.get_by_test_id("course-add").click()
    dept.get_by_test_id("cd-title").fill("心衰的药物治疗")
    dept.get_by_test_id("cd-hours").fill("1")
    dept.get_by_test_id("cd-mode-free").check()
    dept.get_by_test_id("cd-speaker-name").fill("外院专家")
    dept.get_by_test_id("course-dialog-submit").click()
    expect(dept.get_by_test_id("course-row")).to_contain_text("外院专家")
    dept.get_by_test_id("training-submit").click()
    expect(dept.get_by_test_id("training-detail-status")).to_have_text("待单位审核")
    assert page_width_overflow(dept) == 0
    dept.screenshot(path=str(screenshot_dir / "admin-training-detail.png"), full_page=True)

    # The session was sent with the browser's offset, as the wall-clock time typed in.
    detail = api.get(f"/api/trainings/{training_id}", headers=bearer(api, "dept1")).json()
    starts_at = dt.datetime.fromisoformat(detail["sessions"][0]["starts_at"])
    assert starts_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") == start.strftime("%Y-%m-%d %H:%M")

    # unit1 approves it from its list.
    unit = new_context("desktop")
    log_in(unit, live_server, "unit1")
    unit.goto(live_server + "/trainings?q=" + title)
    row = unit.get_by_test_id("training-row").filter(has_text=title)
    expect(row.get_by_test_id("training-status")).to_have_text("待单位审核")
    expect(row).to_contain_text("内科")
    unit.screenshot(path=str(screenshot_dir / "admin-trainings-list.png"))
    row.get_by_test_id("training-link").click()
    expect(unit.get_by_test_id("training-submit")).to_have_count(0)  # not the unit's to submit
    unit.get_by_test_id("training-approve").click()
    expect(unit.get_by_test_id("training-detail-status")).to_have_text("已通过")

    # dept1 opens the screen on the tablet from the training page.
    tablet = new_context("tablet")
    log_in(tablet, live_server, "dept1")
    tablet.goto(f"{live_server}/trainings/{training_id}")
    tablet.get_by_test_id("session-screen").click()
    session_id = int(re.search(r"/sessions/(\d+)/screen", tablet.url).group(1))
    expect(tablet.get_by_test_id("screen-title")).to_have_text(title)
    expect(tablet.get_by_test_id("screen-when")).to_contain_text("门诊楼三楼学术报告厅")
    expect(tablet.get_by_test_id("nav")).to_be_hidden()
    qr = tablet.get_by_test_id("screen-qr")
    expect(qr).to_be_visible()
    expect(qr).to_have_attribute("src", re.compile(rf"^/api/sessions/{session_id}/qr\.svg\?v=\w+$"))
    assert tablet.evaluate("document.querySelector('[data-testid=screen-qr]').naturalWidth") > 0
    box = qr.bounding_box()
    assert box["width"] >= 600 and box["height"] >= 600, box  # as large as the tablet allows
    expect(tablet.get_by_test_id("screen-count")).to_have_text("0")

    # The image's code is the session's: the /qr JSON encodes /c/{session}?t={code}, and the code
    # in the image's URL is accepted for that session (current or previous step).
    state = tablet.request.get(f"{live_server}/api/sessions/{session_id}/qr").json()
    assert state["url"] == f"{live_server}/c/{session_id}?t={state['code']}"
    shown = img_code(qr.get_attribute("src"))
    claim = api.post("/api/claims", json={"session_id": session_id, "code": shown})
    assert claim.status_code == 201, claim.text
    assert claim.json()["training"]["title"] == title
    # And what the screen shows really decodes to that check-in URL.
    assert ZBARIMG is not None, "zbarimg is not installed (`make test` installs zbar-tools)"
    png = tmp_path / "screen-qr.png"
    qr.screenshot(path=str(png))
    decoded = subprocess.run([ZBARIMG, "--raw", "-q", str(png)], check=False, capture_output=True, text=True).stdout.strip()
    match = re.fullmatch(rf"{re.escape(live_server)}/c/{session_id}\?t=(\w+)", decoded)
    assert match, decoded
    assert api.post("/api/claims", json={"session_id": session_id, "code": match.group(1)}).status_code == 201

    # A trainee checks in with the current code: the live stream tells the screen at once (its
    # fallback poll is 15 s once the stream is open, so 5 s can only be the stream).
    expect(tablet.get_by_test_id("screen")).to_have_attribute("data-live", "on")
    trainee = bearer(api, "trainee2")
    checkin = api.post("/api/checkins", json={"session_id": session_id, "code": state["code"]}, headers=trainee)
    if checkin.status_code == 400:  # rotated in between: take the new code
        code = tablet.request.get(f"{live_server}/api/sessions/{session_id}/qr").json()["code"]
        checkin = api.post("/api/checkins", json={"session_id": session_id, "code": code}, headers=trainee)
    assert checkin.status_code == 201, checkin.text
    expect(tablet.get_by_test_id("screen-count")).to_have_text("1", timeout=5000)
    expect(tablet.get_by_test_id("screen-name").first).to_contain_text("李娜")

    # 补签 with a reason: the name shows at the top.
    person = demo_person(api, bearer(api, "dept1"), {"张伟", "李娜"})
    tablet.get_by_test_id("screen-manual").click()
    tablet.get_by_test_id("picker-search").fill(person["name"])
    tablet.get_by_test_id("picker-row").filter(has_text=person["name"]).first.click()
    tablet.get_by_test_id("manual-dialog").get_by_test_id("reason-input").fill("手机没电")
    tablet.get_by_test_id("manual-dialog-submit").click()
    expect(tablet.get_by_test_id("screen-msg")).to_have_text("已补签：" + person["name"])
    expect(tablet.get_by_test_id("screen-count")).to_have_text("2")
    top = tablet.get_by_test_id("screen-name").first
    expect(top).to_contain_text(person["name"])
    expect(top).to_contain_text("补签")
    assert page_width_overflow(tablet) == 0
    tablet.screenshot(path=str(screenshot_dir / "admin-tablet-screen.png"))

    # 撤销 that row, with a reason.
    top.get_by_test_id("screen-undo").click()
    tablet.get_by_test_id("undo-dialog").get_by_test_id("reason-input").fill("误操作")
    tablet.get_by_test_id("undo-dialog-submit").click()
    expect(tablet.get_by_test_id("screen-count")).to_have_text("1")

    # The checkout phase shows the checkout QR.
    tablet.get_by_test_id("phase-checkout").click()
    expect(tablet.get_by_test_id("screen-qr")).to_have_attribute("src", re.compile(r"phase=checkout"))
    expect(tablet.get_by_test_id("qr-hint")).to_contain_text("签退")

    # Offline: the last QR stays, with a banner; back online, it goes away.
    tablet.context.set_offline(True)
    expect(tablet.get_by_test_id("screen-offline")).to_contain_text("网络已断开")
    expect(tablet.get_by_test_id("screen-qr")).to_be_visible()
    tablet.screenshot(path=str(screenshot_dir / "admin-tablet-offline.png"))
    tablet.context.set_offline(False)
    expect(tablet.get_by_test_id("screen-offline")).to_be_hidden()

    csv = tablet.request.get(live_server + tablet.get_by_test_id("screen-export").get_attribute("href"))
    assert csv.status == 200 and "李娜" in csv.text()


def test_another_departments_session_is_refused(live_server, new_context, api):
    # dept2 (外科) opens a link to dept1's session: the pages say so instead of showing a QR.
    _training, session = approved_training(api, unique("浏览器测试·他科"))
    page = new_context("tablet")
    log_in(page, live_server, "dept2")
    page.goto(f"{live_server}/sessions/{session['id']}/screen")
    expect(page.get_by_test_id("screen-missing")).to_contain_text("无法打开签到屏")
    expect(page.get_by_test_id("screen-qr")).to_have_count(0)
    page.goto(f"{live_server}/sessions/{session['id']}/reverse")
    expect(page.get_by_test_id("reverse-missing")).to_contain_text("无法使用反扫签到")
    assert page.evaluate(f"localStorage.getItem('jijiao.reverse.{session['id']}')") is None


def test_training_form_marks_the_field_the_server_refuses(live_server, new_context):
    page = new_context("desktop")
    log_in(page, live_server, "dept1")
    page.goto(live_server + "/trainings/new")
    page.get_by_test_id("tf-title").fill(unique("浏览器测试·字段"))
    page.get_by_test_id("tf-class").select_option("II")
    page.get_by_test_id("tf-credits").fill("1")
    # A value this form would stop itself: lift its limit, so that the server is the one to refuse.
    hours = page.get_by_test_id("tf-hours")
    hours.evaluate("(el) => el.removeAttribute('max')")
    hours.fill("1001")
    expect(hours).not_to_have_attribute("aria-invalid", "true")
    page.get_by_test_id("tf-save").click()

    expect(page.get_by_test_id("tf-error")).to_contain_text("hours")
    expect(hours).to_have_attribute("aria-invalid", "true")
    expect(hours).to_have_attribute("aria-describedby", "tf-error")
    expect(hours).to_be_focused()
    assert page.url == live_server + "/trainings/new"
    # Editing the field takes the mark off.
    hours.fill("2")
    expect(hours).not_to_have_attribute("aria-invalid", "true")


# ---------------------------------------------------------------------------- review


def test_two_level_review_with_a_conflict(live_server, new_context, api, screenshot_dir):
    title = unique("浏览器测试·审核")
    training, session = approved_training(api, title)
    dept_h, unit_h = bearer(api, "dept1"), bearer(api, "unit1")
    person = demo_person(api, dept_h, {"张伟", "李娜"})
    for person_id in (person["id"], demo_person(api, dept_h, {"张伟", "李娜", person["name"]})["id"]):
        added = api.post(f"/api/sessions/{session['id']}/checkins", json={"person_id": person_id, "reason": "测试补签"},
                         headers=dept_h)
        assert added.status_code == 201, added.text
    credits = api.get("/api/credits", params={"training_id": training["id"]}, headers=dept_h).json()["items"]
    assert len(credits) == 2 and {c["status"] for c in credits} == {"pending_dept"}

    dept = new_context("desktop")
    log_in(dept, live_server, "dept1")
    pending = api.get("/api/credits", params={"status": "pending_dept", "page_size": 1}, headers=dept_h).json()["total"]
    expect(dept.locator('[data-action="review"]')).to_contain_text(f"{pending} 条学分待审核")
    dept.locator('[data-action="review"]').click()
    expect(dept.get_by_test_id("review-title")).to_have_text("学分审核")
    # A lecture's check-ins are one row of the queue; its list opens from there.
    group = dept.get_by_test_id("review-group").filter(has_text=title)
    expect(group.get_by_test_id("review-group-count")).to_have_text("2 人")
    group.get_by_test_id("review-group-open").click()
    rows = dept.get_by_test_id("review-row").filter(has_text=title)
    expect(rows).to_have_count(2)
    for row in rows.all():
        row.get_by_test_id("review-check").check()
    expect(dept.get_by_test_id("review-selected")).to_have_text("已选 2 条")
    dept.screenshot(path=str(screenshot_dir / "admin-review.png"))

    # Someone else approves one of them first: the batch reports it, the other goes through.
    first = credits[0]
    assert api.post(f"/api/credits/{first['id']}/approve", headers=dept_h).json()["status"] == "pending_unit"
    dept.get_by_test_id("review-batch-approve").click()
    dept.get_by_test_id("review-approve-dialog-submit").click()
    expect(dept.get_by_test_id("review-result")).to_contain_text("成功 1 条，失败 1 条")
    expect(dept.get_by_test_id("review-failure")).to_have_count(1)
    expect(dept.get_by_test_id("review-failure")).to_contain_text(first["person_name"])
    expect(rows).to_have_count(0)
    dept.screenshot(path=str(screenshot_dir / "admin-review-result.png"))

    # unit1: select all on a page narrowed to one person, then a single-row approve.
    unit = new_context("desktop")
    log_in(unit, live_server, "unit1")
    unit.goto(live_server + "/review")
    expect(unit.get_by_test_id("review-title")).to_have_text("学分审核")
    unit.get_by_test_id("review-group").filter(has_text=title).get_by_test_id("review-group-open").click()
    unit_rows = unit.get_by_test_id("review-row").filter(has_text=title)
    expect(unit_rows).to_have_count(2)
    unit.get_by_test_id("review-search").fill(first["person_no"])
    expect(unit.get_by_test_id("review-row")).to_have_count(1)
    expect(unit.get_by_test_id("review-row")).to_contain_text(title)
    unit.get_by_test_id("review-select-all").check()
    expect(unit.get_by_test_id("review-selected")).to_have_text("已选 1 条")
    unit.get_by_test_id("review-batch-approve").click()
    unit.get_by_test_id("review-approve-dialog-submit").click()
    expect(unit.get_by_test_id("review-result")).to_contain_text("成功 1 条")
    unit.get_by_test_id("review-search").fill("")
    other = unit.get_by_test_id("review-row").filter(has_text=title)
    expect(other).to_have_count(1)
    other.get_by_test_id("review-approve").click()
    expect(unit.get_by_test_id("review-result")).to_contain_text("成功 1 条")
    expect(other).to_have_count(0)

    after = api.get("/api/credits", params={"training_id": training["id"]}, headers=unit_h).json()["items"]
    assert [c["status"] for c in after] == ["effective", "effective"]


def test_rejecting_needs_a_reason_and_returns_to_the_list(live_server, new_context, api):
    title = unique("浏览器测试·退回")
    training, session = approved_training(api, title)
    dept_h = bearer(api, "dept1")
    person = demo_person(api, dept_h, {"张伟", "李娜"})
    assert api.post(f"/api/sessions/{session['id']}/checkins", json={"person_id": person["id"], "reason": "测试"},
                    headers=dept_h).status_code == 201

    dept = new_context("desktop")
    log_in(dept, live_server, "dept1")
    dept.goto(live_server + "/review")
    dept.get_by_test_id("review-group").filter(has_text=title).get_by_test_id("review-group-open").click()
    row = dept.get_by_test_id("review-row").filter(has_text=title)
    row.get_by_test_id("review-return").click()
    dialog = dept.get_by_test_id("review-return-dialog")
    dialog.get_by_test_id("review-return-dialog-submit").click()
    expect(dialog.get_by_test_id("review-return-dialog-error")).to_have_text("请填写退回原因。")
    dialog.get_by_test_id("reason-input").fill("请补充签到照片")
    dialog.get_by_test_id("review-return-dialog-submit").click()
    expect(dept.get_by_test_id("review-result")).to_contain_text("退回：成功 1 条")
    expect(row).to_have_count(0)
    credit = api.get("/api/credits", params={"training_id": training["id"]}, headers=dept_h).json()["items"][0]
    assert (credit["status"], credit["reason"]) == ("returned", "请补充签到照片")


def test_a_lecture_is_approved_in_one_row(live_server, new_context, api):
    """Issue 13: a training's check-ins are one review row ("N 人") with 全部通过."""
    title = unique("浏览器测试·整场通过")
    training, session = approved_training(api, title)
    dept_h = bearer(api, "dept1")
    first = demo_person(api, dept_h, {"张伟", "李娜"})
    second = demo_person(api, dept_h, {"张伟", "李娜", first["name"]})
    for person in (first, second):
        api.post(f"/api/sessions/{session['id']}/checkins", json={"person_id": person["id"], "reason": "测试补签"},
                 headers=dept_h)
    dept = new_context("phone")
    log_in(dept, live_server, "dept1")
    dept.goto(live_server + "/review")
    group = dept.get_by_test_id("review-group").filter(has_text=title)
    expect(group.get_by_test_id("review-group-count")).to_have_text("2 人")
    assert page_width_overflow(dept) == 0  # the row and its actions fit a phone
    group.get_by_test_id("review-group-approve").click()
    dept.get_by_test_id("review-group-dialog-submit").click()
    expect(dept.get_by_test_id("review-result")).to_contain_text("通过：成功 2 条")
    expect(group).to_have_count(0)
    statuses = {c["status"] for c in api.get("/api/credits", params={"training_id": training["id"]}, headers=dept_h).json()["items"]}
    assert statuses == {"pending_unit"}


def test_the_review_actions_fit_a_phone(live_server, new_context, api):
    title = unique("浏览器测试·手机审核")
    training, session = approved_training(api, title)
    dept_h = bearer(api, "dept1")
    person = demo_person(api, dept_h, {"张伟", "李娜"})
    api.post(f"/api/sessions/{session['id']}/checkins", json={"person_id": person["id"], "reason": "测试"}, headers=dept_h)
    dept = new_context("phone")
    log_in(dept, live_server, "dept1")
    dept.goto(live_server + "/review")
    dept.get_by_test_id("review-group").filter(has_text=title).get_by_test_id("review-group-open").click()
    row = dept.get_by_test_id("review-row").filter(has_text=title)
    approve = row.get_by_test_id("review-approve")
    expect(approve).to_be_visible()
    box = approve.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] >= 40  # on screen, a thumb's size
    assert page_width_overflow(dept) == 0


# ---------------------------------------------------------------------------- reverse mode


def personal_payload(client: httpx.Client, username: str) -> tuple[int, str]:
    response = client.get("/api/me/personal-code", headers=bearer(client, username))
    assert response.status_code == 200, response.text
    body = response.json()
    return body["person_id"], body["payload"]


def test_reverse_mode_queues_offline_and_syncs_once(live_server, new_context, api, screenshot_dir):
    title = unique("浏览器测试·反扫")
    training, session = approved_training(api, title)
    sid = session["id"]
    page = new_context("tablet", test_mode=True)
    log_in(page, live_server, "dept1")
    page.goto(f"{live_server}/sessions/{sid}/reverse")  # the title, time and place from /api/sessions/{sid}
    expect(page.get_by_test_id("reverse-title")).to_have_text(title)
    expect(page.get_by_test_id("screen-back")).to_have_attribute("href", f"/trainings/{training['id']}")
    expect(page.get_by_test_id("reverse-roster")).to_contain_text("已缓存人员名单")
    # No camera in headless Chromium: said on the page, the rest still works.
    expect(page.get_by_test_id("reverse-camera")).not_to_have_text("正在打开摄像头…")

    wait_for_service_worker(page)  # the shell is cached: the page can be reloaded offline

    # The scans endpoint unreachable (a flaky network): the scan is queued.
    page.route("**/api/sessions/*/scans", lambda route: route.abort("internetdisconnected"))
    li_id, li_payload = personal_payload(api, "trainee2")
    assert page.evaluate("(text) => window.__jijiaoTestScan(text)", li_payload) is True
    expect(page.get_by_test_id("reverse-last")).to_have_text("李娜")  # from the cached roster
    expect(page.get_by_test_id("reverse-pending")).to_have_text("1")
    expect(page.locator("html")).to_have_attribute("data-beeps", "1")  # a good scan beeps (issue 13)
    # The same person again within a minute: ignored.
    assert page.evaluate("(text) => window.__jijiaoTestScan(text)", li_payload) is False
    expect(page.get_by_test_id("reverse-last-sub")).to_contain_text("刚刚已扫过")
    assert page.evaluate("(text) => window.__jijiaoTestScan(text)", "https://example.com/not-ours") is False
    expect(page.get_by_test_id("reverse-last")).to_have_text("无法识别")
    assert page.locator("html").get_attribute("data-beeps") == "1"  # neither a repeat nor a bad one
    stored = page.evaluate(f"JSON.parse(localStorage.getItem('jijiao.scans.{sid}'))")
    assert [(s["payload"], s["state"]) for s in stored] == [(li_payload, "pending")]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", stored[0]["scanned_at"])

    # Offline, the page reloaded (from the service worker): the unsynced scan is still there, and
    # the session as this device last saw it.
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("reverse-title")).to_have_text(title)
    expect(page.get_by_test_id("screen-back")).to_have_attribute("href", f"/trainings/{training['id']}")
    expect(page.get_by_test_id("reverse-net")).to_contain_text("离线")
    expect(page.get_by_test_id("reverse-pending")).to_have_text("1")
    expect(page.get_by_test_id("reverse-row")).to_have_count(1)

    # Another scan offline (someone outside dept1's roster) is queued too.
    wang_id, wang_payload = personal_payload(api, "trainee3")
    assert page.evaluate("(text) => window.__jijiaoTestScan(text)", wang_payload) is True
    expect(page.get_by_test_id("reverse-last")).to_have_text("已记录")
    expect(page.get_by_test_id("reverse-pending")).to_have_text("2")
    page.screenshot(path=str(screenshot_dir / "admin-reverse-offline.png"))

    # Back online: both go up in one batch, and the names come back from the server.
    page.unroute("**/api/sessions/*/scans")
    page.context.set_offline(False)
    expect(page.get_by_test_id("reverse-pending")).to_have_text("0")
    expect(page.get_by_test_id("reverse-synced")).to_have_text("2")
    expect(page.get_by_test_id("reverse-row").filter(has_text="王强")).to_have_attribute("data-state", "synced")
    expect(page.get_by_test_id("reverse-last")).to_have_text("王强")  # the last scan, named by the server
    page.screenshot(path=str(screenshot_dir / "admin-reverse.png"))

    dept_h = bearer(api, "dept1")
    attendance = api.get(f"/api/sessions/{sid}/attendance", headers=dept_h).json()
    assert sorted(r["person_id"] for r in attendance["items"]) == sorted([li_id, wang_id])
    assert {r["method"] for r in attendance["items"]} == {"reverse"}

    # Resending the stored queue (say, a second tablet syncing late) adds nobody.
    stored = page.evaluate(f"JSON.parse(localStorage.getItem('jijiao.scans.{sid}'))")
    items = [{k: s[k] for k in ("payload", "scanned_at", "client_id")} for s in stored]
    again = api.post(f"/api/sessions/{sid}/scans", json={"items": items}, headers=dept_h).json()["results"]
    assert [r["created"] for r in again] == [False, False]
    assert api.get(f"/api/sessions/{sid}/attendance", headers=dept_h).json()["total"] == 2


def test_a_pdf_proof_shows_every_page_and_zooms(live_server, new_context, api):
    """Issue 13: the reviewer sees each page of a PDF proof, and zooms in."""
    from tests.api.entry_helpers import entry
    from tests.api.test_evidence_pages import three_pages

    trainee_h = bearer(api, "trainee1")
    title = unique("浏览器测试·三页证明")
    created = api.post("/api/credits", json=entry("paper_core", quantity=None, title=title, author_position=1,
                                                  draft=True), headers=trainee_h)
    assert created.status_code == 201, created.text
    credit_id = created.json()["id"]
    uploaded = api.post(f"/api/credits/{credit_id}/evidence", headers=trainee_h,
                        files={"file": ("会议证书.pdf", three_pages(), "application/pdf")})
    assert uploaded.status_code == 201, uploaded.text
    assert api.post(f"/api/credits/{credit_id}/submit", headers=trainee_h).status_code == 200

    dept = new_context("desktop")
    log_in(dept, live_server, "dept1")
    dept.goto(live_server + "/review")
    dept.get_by_test_id("review-row").filter(has_text=title).get_by_test_id("review-detail").click()
    dept.get_by_test_id("review-pane").get_by_test_id("evidence-file").click()
    viewer = dept.get_by_test_id("lightbox")
    expect(viewer.get_by_test_id("lightbox-page")).to_have_count(3)
    expect(viewer.get_by_test_id("lightbox-count")).to_have_text("共 3 页")
    viewer.get_by_test_id("lightbox-zoom-in").click()
    expect(viewer.get_by_test_id("lightbox-zoom")).to_have_text("150%")
    # The server drew the page (1400 px wide): the picture really arrived.
    dept.wait_for_function("() => { const img = document.querySelector('[data-testid=lightbox-page]');"
                           " return img && img.complete && img.naturalWidth >= 1399; }")
    viewer.get_by_test_id("lightbox-close").click()
