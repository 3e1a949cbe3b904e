"""Guangdong's flows in a real browser: a provider's class from enrolment to hours, a public course
with a video lesson and its exam, and a dishonesty record from the region to the trainee.

Every test makes its own class or course (a unique title), so the shared demo accounts meet no
other test's data: trainee1 enrols and studies, provider1 runs the class and the course, region1
records a dishonesty of trainee4 whose period lies in the future (it bars nothing meanwhile).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.attendance_helpers import CHINA
from tests.browser.conftest import DEMO_PASSWORD, log_in, page_width_overflow

pytestmark = pytest.mark.browser
from playwright.sync_api import expect

VIDEO = Path(__file__).resolve().parents[2] / "server" / "assets" / "media" / "demo-lesson.webm"


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


def this_year() -> int:
    return dt.datetime.now(CHINA).year


def _guangdong_standard_chosen(client: httpx.Client, trainee: dict, year: int) -> tuple[dict, int]:
    """A 示例省 copy of the seeded Guangdong standard's lines (公需 ≥ 30, 专业 ≥ 42, 选修 ≥ 18 学时), chosen by
    the trainee for ``year``: the seeded one is for 广东 (440000) and a 示例省 trainee may not choose it.
    Applied only by that choice (auto_apply false), so no one else is judged by it. → (standard, choice id)."""
    region = bearer(client, "region1")
    seeded = [s for s in client.get("/api/standards", params={"year": year, "page_size": 200}, headers=region)
              .json()["items"] if s["region_code"] == "440000"]
    assert len(seeded) == 1, seeded
    made = client.post("/api/standards", headers=region, json={
        "year": year, "name": unique("浏览器测试·广东标准"), "scheme": "hours", "auto_apply": False,
        "requirements": [{k: r[k] for k in ("measure", "category", "min")} for r in seeded[0]["requirements"]]})
    assert made.status_code == 201, made.text
    chosen = client.post("/api/me/standards", headers=trainee, json={"year": year, "standard_id": made.json()["id"]})
    assert chosen.status_code == 201, chosen.text
    return made.json(), chosen.json()["id"]


def _elective_earned(client: httpx.Client, trainee: dict, year: int, standard_id: int) -> float:
    body = client.get("/api/me/compliance", headers=trainee, params={"year": year, "standard_id": standard_id}).json()
    (line,) = [l for l in body["results"][0]["lines"] if l["category"] == "elective"]
    return line["earned"]


def test_trainee_enrols_the_provider_confirms_and_completes_and_the_hours_appear(live_server, new_context, api):
    title = unique("浏览器测试·社区慢病管理培训班")
    year = this_year()
    trainee = bearer(api, "trainee1")
    standard, choice_id = _guangdong_standard_chosen(api, trainee, year)
    try:
        _enrol_confirm_complete_and_see_the_hours(live_server, new_context, api, title, year, trainee, standard)
    finally:
        # trainee1's hours choice for this year goes, so later tests meet the demo province's standards only.
        api.delete(f"/api/me/standards/{choice_id}", headers=trainee)
        api.delete(f"/api/standards/{standard['id']}", headers=bearer(api, "region1"))


def _enrol_confirm_complete_and_see_the_hours(live_server, new_context, api, title, year, trainee, standard):
    # Elective hours trainee1 already has this year (other tests may have given some): the line moves by 12.
    before = _elective_earned(api, trainee, year, standard["id"])
    provider = bearer(api, "provider1")
    klass = api.post("/api/classes", headers=provider, json={
        "title": title, "year": year, "category": "elective", "hours": 16, "starts_on": f"{year}-01-10",
        "ends_on": f"{year}-01-11", "capacity": 30, "place": "培训中心二楼"}).json()
    assert api.post(f"/api/classes/{klass['id']}/open", headers=provider).json()["status"] == "accepting"

    # The trainee finds the class on 培训班报名申请 and enrols.
    phone = new_context("phone")
    log_in(phone, live_server, "trainee1")
    phone.locator('[data-action="classes"]').click()
    phone.get_by_test_id("class-row").filter(has_text=title).click()
    expect(phone.get_by_test_id("class-title")).to_have_text(title)
    phone.get_by_test_id("class-enrol").click()
    row = phone.get_by_test_id("enrolment-row").filter(has_text=title)
    expect(row.get_by_test_id("enrolment-status")).to_have_text("已报名待确认")
    assert page_width_overflow(phone) == 0

    # The provider confirms it, then confirms 12 of the 16 hours.
    desk = new_context("desktop")
    log_in(desk, live_server, "provider1")
    desk.goto(f"{live_server}/provider/classes/{klass['id']}")
    person = desk.get_by_test_id("enrolment-row").filter(has_text="张伟")
    person.get_by_test_id("enrolment-confirm").click()
    expect(person.get_by_test_id("enrolment-pill")).to_have_text("报名成功")
    person.get_by_test_id("enrolment-complete").click()
    desk.get_by_test_id("hours-input").fill("12")
    desk.get_by_test_id("complete-dialog-submit").click()
    expect(person.get_by_test_id("enrolment-pill")).to_have_text("已获得学时")

    # The trainee sees 已获得学时, and the hours among the effective credits.
    phone.reload()
    row = phone.get_by_test_id("enrolment-row").filter(has_text=title)
    expect(row.get_by_test_id("enrolment-status")).to_have_text("已获得学时")
    expect(row.get_by_test_id("enrolment-hours")).to_contain_text("12 学时")
    phone.goto(f"{live_server}/credits?year={year}")
    credit = phone.get_by_test_id("credit-row").filter(has_text=title)
    expect(credit).to_contain_text("12 学时")
    expect(credit.get_by_test_id("status-chip")).to_have_text("已生效")

    # 达标情况 under the Guangdong lines: the 12 hours count at once on 选修 (an effective record, in
    # force from the provider's confirmation), listed behind that line; 公需 and 专业 do not move.
    phone.goto(f"{live_server}/compliance?year={year}")
    result = phone.locator(f"[data-testid=compliance-result][data-standard='{standard['id']}']")
    elective = result.locator("[data-testid=compliance-line][data-category=elective]")
    expected = before + 12
    expect(elective.get_by_test_id("compliance-line-value")).to_have_text(f"{expected:g} / 18")
    expect(elective).to_have_attribute("data-met", "true" if expected >= 18 else "false")
    # The records behind a line sit beside its bar, in the same block.
    behind = result.locator(".cexplain-line").filter(
        has=phone.locator("[data-testid=compliance-line][data-category=elective]")).get_by_test_id("compliance-record")
    expect(behind.filter(has_text=title)).to_have_count(1)
    expect(behind.filter(has_text=title)).to_contain_text("选修科目")
    body = api.get("/api/me/compliance", headers=trainee, params={"year": year, "standard_id": standard["id"]}).json()
    assert [l["earned"] for l in body["results"][0]["lines"] if l["category"] == "elective"] == [expected]
    expect(result.get_by_test_id("compliance-passed")).to_have_attribute(
        "data-passed", str(body["results"][0]["passed"]).lower())
    assert page_width_overflow(phone) == 0


def _course_with_a_video(client: httpx.Client, provider: dict, title: str) -> dict:
    """A published course: a text lesson, the 4-second demo video uploaded, two questions."""
    course = client.post("/api/courses", headers=provider, json={
        "title": title, "hours": 6, "pass_mark": 100, "max_attempts": 2, "time_limit_minutes": 10}).json()
    base = f"/api/courses/{course['id']}"
    client.post(f"{base}/lessons", headers=provider, json={"title": "第一讲 总则", "kind": "text",
                                                            "body": "依法执业是医务人员的基本要求。"})
    video = client.post(f"{base}/lessons", headers=provider, json={
        "title": "第二讲 视频", "kind": "video", "duration_seconds": 4}).json()
    uploaded = client.put(f"{base}/lessons/{video['id']}/video", headers=provider, content=VIDEO.read_bytes())
    assert uploaded.status_code == 200, uploaded.text
    client.post(f"{base}/questions", headers=provider, json={
        "text": "医务人员执业应当？", "kind": "single", "options": ["依法执业", "随意执业"], "answers": [0]})
    client.post(f"{base}/questions", headers=provider, json={
        "text": "以下哪些属于核心制度？", "kind": "multiple", "options": ["首诊负责", "三级查房", "末位淘汰"],
        "answers": [0, 1]})
    assert client.post(f"{base}/publish", headers=provider).json()["status"] == "published"
    return course


def test_trainee_watches_the_video_to_the_end_and_passes_the_exam(live_server, new_context, api):
    title = unique("浏览器测试·卫生法规")
    course = _course_with_a_video(api, bearer(api, "provider1"), title)
    phone = new_context("phone")
    log_in(phone, live_server, "trainee1")
    phone.goto(f"{live_server}/courses")
    phone.get_by_test_id("course-row").filter(has_text=title).click()
    expect(phone.get_by_test_id("course-exam-locked")).to_be_visible()

    phone.get_by_test_id("course-study").click()
    phone.get_by_test_id("lesson-complete").click()
    phone.get_by_test_id("lesson-next").click()
    # The video lesson is done by the player reaching the end, not by a button.
    video = phone.get_by_test_id("lesson-video")
    expect(phone.get_by_test_id("lesson-complete")).to_have_count(0)
    video.evaluate("v => v.play()")
    expect(phone.get_by_test_id("lesson-status")).to_have_text("本课时已学完。", timeout=20_000)
    assert video.evaluate("v => v.ended") is True

    phone.goto(f"{live_server}/courses/{course['id']}")
    phone.get_by_test_id("course-exam").click()
    for question, answers in (("医务人员执业应当？", ["依法执业"]), ("以下哪些属于核心制度？", ["首诊负责", "三级查房"])):
        box = phone.get_by_test_id("exam-question").filter(has_text=question)
        for text in answers:
            box.locator("label").filter(has_text=text).click()
    phone.get_by_test_id("exam-submit").click()
    expect(phone.get_by_test_id("exam-result")).to_have_attribute("data-passed", "true")
    expect(phone.get_by_test_id("exam-score")).to_have_text("100")
    phone.get_by_test_id("exam-after").click()
    expect(phone.get_by_test_id("credit-row").filter(has_text=title)).to_contain_text("6 学时")


def test_region_records_a_dishonesty_and_the_trainee_sees_it(live_server, new_context):
    year = this_year()
    reason = unique("浏览器测试·伪造学时证明")
    desk = new_context("desktop")
    log_in(desk, live_server, "region1")
    desk.locator('[data-action="dishonesty-records"]').click()
    desk.get_by_test_id("dishonesty-new").click()
    desk.get_by_test_id("picker-search").fill("刘芳")
    desk.get_by_test_id("picker-results").get_by_text("刘芳").first.click()
    desk.get_by_test_id("dr-reason").fill(reason)
    # A period in the future: it bars nothing while the other tests run.
    desk.get_by_test_id("dr-starts").fill(f"{year + 3}-01-01")
    desk.get_by_test_id("dr-ends").fill(f"{year + 3}-12-31")
    desk.get_by_test_id("dishonesty-dialog-submit").click()
    expect(desk.get_by_test_id("dishonesty-record").filter(has_text=reason)).to_be_visible()

    phone = new_context("phone")
    log_in(phone, live_server, "trainee4")
    phone.locator('[data-action="dishonesty"]').click()
    card = phone.get_by_test_id("dishonesty-row").filter(has_text=reason)
    expect(card).to_contain_text(f"{year + 3}-01-01 至 {year + 3}-12-31")
    expect(card.get_by_test_id("dishonesty-state")).to_have_text("不在惩戒期")
