"""CME projects in real Chromium, from the department's application to a trainee's project credit.

dept1 applies through the five-step wizard (with a course and an attachment) and submits; unit1
approves it from its queue; region1 publishes it (立项) and it gets its number; unit1 delegates it
to 内科 (dept1), which adds a session; trainee1 opens the session's check-in link on a phone and
finds the class I project credit among their credits. A second test reads the published list as
an admin of the other hospital, and the held-activity statistics.

Accounts: dept1, unit1, region1, trainee1; dept3 reads. Each test works on a project of its own.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import log_in, page_width_overflow
from tests.browser.trainee_api import api_client, bearer, code_now, credits_of, this_year, unique_title

pytestmark = pytest.mark.browser
from playwright.sync_api import expect

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _open_project(page, base_url: str, title: str, path: str = "/projects") -> None:
    page.goto(base_url + path)
    page.get_by_test_id("project-link").filter(has_text=title).click()
    expect(page.get_by_test_id("project-title")).to_have_text(title)


def _apply(page, base_url: str, title: str, screenshot_dir) -> None:
    """dept1 fills the wizard's five steps and submits."""
    year = this_year()
    log_in(page, base_url, "dept1")
    page.goto(base_url + "/projects")
    page.get_by_test_id("project-new").click()
    expect(page.get_by_test_id("pf-step-title")).to_have_text("第 1 步 · 基本信息")
    page.get_by_test_id("pf-title").fill(title)
    page.get_by_test_id("pf-level").select_option("provincial")
    page.get_by_test_id("pf-year").select_option(str(year))
    page.get_by_test_id("pf-credits").fill("2")
    page.get_by_test_id("pf-hours").fill("12")
    expect(page.get_by_test_id("pf-rule")).to_contain_text("每位学员可获 2 学分")
    page.get_by_test_id("pf-starts-on").fill(f"{year}-12-28")
    page.get_by_test_id("pf-ends-on").fill(f"{year}-12-29")
    page.get_by_test_id("pf-location").fill("示例第一医院学术报告厅")
    page.get_by_test_id("pf-leader").fill("王主任")
    page.get_by_test_id("pf-discipline").fill("内科学")
    page.screenshot(path=str(screenshot_dir / "project-wizard-1.png"), full_page=True)
    page.get_by_test_id("pf-next").click()

    expect(page.get_by_test_id("pf-step-title")).to_have_text("第 2 步 · 课程安排")
    assert re.search(r"/projects/\d+/edit$", page.url)  # the draft exists from the first step on
    page.get_by_test_id("pf-course-add").click()
    page.get_by_test_id("pf-course-title").fill("心力衰竭指南解读")
    page.get_by_test_id("pf-course-hours").fill("6")
    page.get_by_test_id("pf-course-speaker").fill("省人民医院专家")
    page.get_by_test_id("pf-next").click()

    expect(page.get_by_test_id("pf-step-title")).to_have_text("第 3 步 · 教学对象与招生")
    page.get_by_test_id("pf-audience").fill("基层医院内科医师")
    page.get_by_test_id("pf-intake").fill("60")
    page.get_by_test_id("pf-next").click()
    expect(page.get_by_test_id("pf-step-title")).to_have_text("第 4 步 · 经费说明")
    page.get_by_test_id("pf-budget").fill("学会资助，不收取学员费用")
    page.get_by_test_id("pf-next").click()

    expect(page.get_by_test_id("pf-step-title")).to_have_text("第 5 步 · 附件与提交")
    page.get_by_test_id("pf-file").set_input_files(files=[{"name": "申报书.pdf", "mimeType": "application/pdf",
                                                          "buffer": PDF}])
    expect(page.get_by_test_id("pf-file-row")).to_contain_text("申报书.pdf")
    page.screenshot(path=str(screenshot_dir / "project-wizard-5.png"), full_page=True)
    page.get_by_test_id("pf-next").click()
    page.get_by_test_id("pf-submit-dialog-submit").click()
    expect(page.get_by_test_id("project-detail-status")).to_have_text("待单位审核")
    expect(page.get_by_test_id("project-course-row")).to_contain_text("心力衰竭指南解读")
    expect(page.get_by_test_id("project-file")).to_contain_text("申报书.pdf")


def test_from_application_to_a_trainees_project_credit(new_context, live_server, screenshot_dir):
    title = unique_title("心衰规范化诊治培训班")
    dept = new_context("desktop")
    _apply(dept, live_server, title, screenshot_dir)

    # The unit approves from its queue (its first tab is 待单位审核).
    unit = new_context("desktop")
    log_in(unit, live_server, "unit1")
    _open_project(unit, live_server, title)
    unit.get_by_test_id("project-approve").click()
    expect(unit.get_by_test_id("project-detail-status")).to_have_text("待卫健委立项")

    # The commission publishes it (立项) and it is numbered.
    region = new_context("desktop")
    log_in(region, live_server, "region1")
    _open_project(region, live_server, title)
    region.get_by_test_id("project-publish").click()
    expect(region.get_by_test_id("project-detail-status")).to_have_text("已立项")
    expect(region.get_by_test_id("project-number")).to_have_text(re.compile(rf"^{this_year()}-P99-\d{{4}}$"))
    events = region.get_by_test_id("project-events").locator("li")
    expect(events).to_have_count(4)
    region.screenshot(path=str(screenshot_dir / "project-published.png"), full_page=True)

    # The unit hands it to 内科.
    unit.reload()
    unit.get_by_test_id("project-delegate").click()
    unit.get_by_test_id("dd-department").select_option(label="内科")
    unit.get_by_test_id("delegate-dialog-submit").click()
    expect(unit.get_by_test_id("project-prep")).to_contain_text("内科")

    # 内科 finds it among its delegated projects and plans a session.
    _open_project(dept, live_server, title, "/projects/delegated")
    dept.get_by_test_id("project-session-add").click()
    dept.get_by_test_id("project-session-dialog-submit").click()
    expect(dept.get_by_test_id("project-session-row")).to_have_count(1)
    expect(dept.get_by_test_id("project-session-screen")).to_be_visible()
    session_id = int(dept.get_by_test_id("project-session-row").get_attribute("data-id"))
    dept.screenshot(path=str(screenshot_dir / "project-delegated.png"), full_page=True)

    # trainee1 opens what the QR encodes, logged in, on a phone.
    phone = new_context("phone")
    log_in(phone, live_server, "trainee1")
    with api_client(live_server) as client:
        phone.goto(f"{live_server}/c/{session_id}?t={code_now(client, bearer(client, 'dept1'), session_id)}")
        expect(phone.get_by_test_id("checkin-status")).to_have_attribute("data-state", "created")
        phone.goto(live_server + "/credits")
        row = phone.get_by_test_id("credit-row").filter(has_text=title)
        expect(row).to_contain_text("继教项目")
        expect(row).to_contain_text("I类")
        expect(row).to_contain_text("2 分")
        assert page_width_overflow(phone) == 0
        phone.screenshot(path=str(screenshot_dir / "project-credit.png"), full_page=True)
        mine = [c for c in credits_of(client, bearer(client, "trainee1")) if c["title"] == title]
    assert [(c["source"], c["credit_class"], c["credits"], c["status"]) for c in mine] == [
        ("project", "I", 2, "pending_dept")]


def test_published_list_and_statistics_for_other_admins(new_context, live_server, screenshot_dir):
    title = unique_title("社区慢病管理培训班")
    with api_client(live_server) as client:
        dept, unit, region = (bearer(client, name) for name in ("dept1", "unit1", "region1"))
        year = this_year()
        created = client.post("/api/projects", headers=dept, json={
            "title": title, "level": "city", "year": year, "credits": 1, "hours": 6, "starts_on": f"{year}-12-20",
            "ends_on": f"{year}-12-20", "location": "社区卫生服务中心", "leader": "李主任", "discipline": "全科医学",
            "intake": 40}).json()
        for headers, action in ((dept, "submit"), (unit, "approve"), (region, "approve")):
            assert client.post(f"/api/projects/{created['id']}/{action}", headers=headers).status_code == 200

    # An admin of the other hospital sees it in the province's published list, filtered by level.
    other = new_context("desktop")
    log_in(other, live_server, "dept3")
    other.goto(live_server + "/projects/published")
    other.get_by_test_id("projects-level").select_option("city")
    row = other.get_by_test_id("project-row").filter(has_text=title)
    expect(row).to_contain_text("地市级")
    expect(row.get_by_test_id("project-no")).to_have_text(re.compile(rf"^{year}-C9901-\d{{4}}$"))
    other.get_by_test_id("projects-level").select_option("provincial")
    expect(other.get_by_test_id("project-row").filter(has_text=title)).to_have_count(0)

    # On a phone the list scrolls inside its table, never the page sideways.
    phone = new_context("phone")
    log_in(phone, live_server, "dept3")
    phone.goto(live_server + "/projects/published?level=city")
    expect(phone.get_by_test_id("project-row").filter(has_text=title)).to_have_count(1)
    assert page_width_overflow(phone) == 0
    phone.screenshot(path=str(screenshot_dir / "projects-published-phone.png"), full_page=True)

    # The unit's statistics list it as not yet held: its intake expected, nobody missing yet.
    stats = new_context("desktop")
    log_in(stats, live_server, "unit1")
    stats.goto(live_server + "/activity-stats?kind=project")
    line = stats.get_by_test_id("stats-row").filter(has_text=title)
    expect(line.get_by_test_id("stats-held")).to_have_text("未举办")
    expect(line.get_by_test_id("stats-expected")).to_have_text("40")
    expect(line.get_by_test_id("stats-no-shows")).to_have_text("—")
    expect(stats.get_by_test_id("stats-export")).to_have_attribute("href", re.compile(r"^/api/activity-stats\.xlsx\?kind=project"))
    stats.screenshot(path=str(screenshot_dir / "activity-stats.png"), full_page=True)
