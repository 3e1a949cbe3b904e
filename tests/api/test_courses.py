"""Public courses (公需课): lessons, the exam and its wrong paths, the automatic hours, the editor."""

import asyncio
import datetime as dt
from pathlib import Path

from tests.api.guangdong_helpers import YEAR, demo_course, second_provider, sheet, stored_answers, study

VIDEO = Path(__file__).resolve().parents[2] / "server" / "assets" / "media" / "demo-lesson.webm"


def _exam(client, trainee, course):
    response = client.get(f"/api/courses/{course['id']}/exam", headers=trainee)
    assert response.status_code == 200, response.text
    return response.json()


def _submit(client, trainee, course, answers, year=YEAR):
    return client.post(f"/api/courses/{course['id']}/exam", headers=trainee, json={"year": year, "answers": answers})


def _studied(client, as_user, name="trainee1"):
    trainee = as_user(name)
    course = demo_course(client, trainee)
    study(client, trainee, course)
    return trainee, course


# -- listing and studying ---------------------------------------------------------------------


def test_trainee_lists_the_published_public_courses(client, as_user):
    items = client.get("/api/courses", headers=as_user("trainee1")).json()["items"]
    assert [c["title"] for c in items] == ["专业技术人员职业道德与诚信建设", "健康中国战略与数字健康"]
    assert items[0]["lesson_count"] == 3 and items[0]["hours"] == 10


def test_course_detail_shows_lessons_and_progress(client, as_user):
    trainee = as_user("trainee1")
    course = demo_course(client, trainee)
    assert course["progress"]["lessons_total"] == 3 and course["progress"]["lessons_completed"] == 0
    client.post(f"/api/courses/{course['id']}/lessons/{course['lessons'][0]['id']}/complete", headers=trainee)
    again = demo_course(client, trainee)
    assert again["progress"]["lessons_completed"] == 1 and again["lessons"][0]["completed_at"] is not None


def test_exam_before_the_lessons_is_409_lessons_incomplete(client, as_user):
    trainee = as_user("trainee1")
    course = demo_course(client, trainee)
    study(client, trainee, {**course, "lessons": course["lessons"][:2]})
    response = client.get(f"/api/courses/{course['id']}/exam", headers=trainee)
    assert response.status_code == 409 and response.json()["code"] == "lessons_incomplete"


def test_answers_before_the_lessons_are_409_lessons_incomplete(client, as_user):
    trainee = as_user("trainee1")
    course = demo_course(client, trainee)
    response = _submit(client, trainee, course, {})
    assert response.status_code == 409 and response.json()["code"] == "lessons_incomplete"


def test_a_video_lesson_is_not_complete_before_it_was_played(client, as_user):
    trainee = as_user("trainee1")
    course = demo_course(client, trainee, "健康中国战略与数字健康")
    video = next(lesson for lesson in course["lessons"] if lesson["kind"] == "video")
    never_opened = client.post(f"/api/courses/{course['id']}/lessons/{video['id']}/complete", headers=trainee)
    assert never_opened.status_code == 409 and never_opened.json()["code"] == "lesson_not_watched"
    client.get(f"/api/courses/{course['id']}/lessons/{video['id']}", headers=trainee)
    too_soon = client.post(f"/api/courses/{course['id']}/lessons/{video['id']}/complete", headers=trainee)
    assert too_soon.status_code == 409 and too_soon.json()["code"] == "lesson_not_watched"


def test_a_video_lesson_opened_for_its_length_completes(client, as_user):
    from server.tables import LessonProgress

    trainee = as_user("trainee1")
    course = demo_course(client, trainee, "健康中国战略与数字健康")
    video = next(lesson for lesson in course["lessons"] if lesson["kind"] == "video")
    opened = client.get(f"/api/courses/{course['id']}/lessons/{video['id']}", headers=trainee).json()
    assert opened["video_url"].endswith(f"/lessons/{video['id']}/video")

    async def five_seconds_ago():  # the 4-second demo video has played out
        await LessonProgress.update({LessonProgress.opened_at: dt.datetime.now(dt.timezone.utc)
                                     - dt.timedelta(seconds=5)}).where(LessonProgress.lesson == video["id"])

    client.blocking_portal.call(five_seconds_ago)
    response = client.post(f"/api/courses/{course['id']}/lessons/{video['id']}/complete", headers=trainee)
    assert response.status_code == 200 and response.json()["completed"] is True


# -- the video file -------------------------------------------------------------------------


def _video_url(client, trainee):
    course = demo_course(client, trainee, "健康中国战略与数字健康")
    return next(lesson for lesson in course["lessons"] if lesson["kind"] == "video")["video_url"]


def test_the_video_answers_a_range_request_with_206(client, as_user):
    trainee = as_user("trainee1")
    response = client.get(_video_url(client, trainee), headers={**trainee, "Range": "bytes=100-299"})
    assert response.status_code == 206
    size = VIDEO.stat().st_size
    assert response.headers["content-range"] == f"bytes 100-299/{size}"
    assert response.content == VIDEO.read_bytes()[100:300]


def test_the_whole_video_says_it_accepts_ranges(client, as_user):
    trainee = as_user("trainee1")
    response = client.get(_video_url(client, trainee), headers=trainee)
    assert response.status_code == 200 and response.headers["accept-ranges"] == "bytes"
    assert response.headers["content-type"] == "video/webm" and response.content == VIDEO.read_bytes()


def test_a_range_past_the_end_is_416(client, as_user):
    trainee = as_user("trainee1")
    response = client.get(_video_url(client, trainee), headers={**trainee, "Range": "bytes=99999999-"})
    assert response.status_code == 416 and response.json()["code"] == "range_not_satisfiable"


def test_the_video_is_not_served_to_another_provider(client, as_user):
    url = _video_url(client, as_user("trainee1"))
    response = client.get(url, headers=second_provider(client, as_user("region1")))
    assert response.status_code == 404 and response.json()["code"] == "course_not_found"


# -- the exam ----------------------------------------------------------------------------------


def test_the_paper_has_every_question_without_answers(client, as_user):
    trainee, course = _studied(client, as_user)
    paper = _exam(client, trainee, course)
    assert sorted(q["id"] for q in paper["questions"]) == sorted(stored_answers(client, course["id"]))
    assert all(set(q) == {"id", "kind", "text", "options"} for q in paper["questions"])
    assert all(set(o) == {"id", "text"} for q in paper["questions"] for o in q["options"])
    assert paper["time_limit_minutes"] == 30 and paper["attempts_left"] == 2


def test_papers_are_shuffled(client, as_user):
    first, course = _studied(client, as_user, "trainee1")
    second, _ = _studied(client, as_user, "trainee2")
    one, other = _exam(client, first, course), _exam(client, second, course)

    def order(paper):
        return [(q["id"], [o["id"] for o in q["options"]]) for q in paper["questions"]]

    # 5 questions of 4 options: the same order twice has odds of about 1 in 40 million.
    assert order(one) != order(other)


def test_the_same_paper_comes_back_while_the_attempt_is_open(client, as_user):
    trainee, course = _studied(client, as_user)
    assert _exam(client, trainee, course) == _exam(client, trainee, course)


def test_wrong_answers_fail_and_record_nothing(client, as_user):
    trainee, course = _studied(client, as_user)
    paper = _exam(client, trainee, course)
    response = _submit(client, trainee, course, sheet(paper, stored_answers(client, course["id"]), wrong=3))
    assert response.status_code == 200
    assert response.json()["score"] == 40 and response.json()["passed"] is False
    assert response.json()["credit"] is None
    assert client.get("/api/credits", params={"source": "course"}, headers=trainee).json()["total"] == 0


def test_a_pass_records_the_public_hours_for_the_chosen_year(client, as_user):
    trainee, course = _studied(client, as_user)
    paper = _exam(client, trainee, course)
    response = _submit(client, trainee, course, sheet(paper, stored_answers(client, course["id"])))
    body = response.json()
    assert body["score"] == 100 and body["passed"] is True
    assert (body["credit"]["status"], body["credit"]["hours"], body["credit"]["category"], body["credit"]["year"]) \
        == ("effective", 10, "public", YEAR)
    records = client.get("/api/credits", params={"source": "course"}, headers=trainee).json()["items"]
    assert [(r["id"], r["status"], r["hours"], r["year"]) for r in records] == [
        (body["credit"]["id"], "effective", 10, YEAR)]
    assert client.get(f"/api/credits/{records[0]['id']}", headers=trainee).json()["category"] == "public"


def test_a_pass_replayed_creates_nothing_more(client, as_user):
    trainee, course = _studied(client, as_user)
    answers = stored_answers(client, course["id"])
    _submit(client, trainee, course, sheet(_exam(client, trainee, course), answers))
    again = _submit(client, trainee, course, sheet(_exam(client, trainee, course), answers))
    assert again.status_code == 200
    assert again.json()["passed"] is True and again.json()["credit"] is None and again.json()["already_recorded"]
    assert client.get("/api/credits", params={"source": "course"}, headers=trainee).json()["total"] == 1


def test_a_verdict_sent_by_the_client_is_ignored(client, as_user):
    trainee, course = _studied(client, as_user)
    paper = _exam(client, trainee, course)
    wrong = sheet(paper, stored_answers(client, course["id"]), wrong=5)
    response = client.post(f"/api/courses/{course['id']}/exam", headers=trainee,
                           json={"year": YEAR, "answers": wrong, "score": 100, "passed": True})
    assert response.status_code == 200 and response.json()["passed"] is False and response.json()["score"] == 0


def test_answers_to_questions_not_served_are_422_and_the_attempt_stays_open(client, as_user):
    trainee, course = _studied(client, as_user)
    paper = _exam(client, trainee, course)
    tampered = {**sheet(paper, stored_answers(client, course["id"])), "999999": "ffffff"}
    response = _submit(client, trainee, course, tampered)
    assert response.status_code == 422 and response.json()["code"] == "unknown_question"
    assert _exam(client, trainee, course)["attempt_id"] == paper["attempt_id"]


def test_attempts_are_limited(client, as_user):
    trainee, course = _studied(client, as_user)
    answers = stored_answers(client, course["id"])
    for _ in range(3):
        _submit(client, trainee, course, sheet(_exam(client, trainee, course), answers, wrong=5))
    response = client.get(f"/api/courses/{course['id']}/exam", headers=trainee)
    assert response.status_code == 409 and response.json()["code"] == "no_attempts_left"


def test_a_late_answer_sheet_is_409_and_spends_the_attempt(client, as_user):
    from server.tables import ExamAttempt

    trainee, course = _studied(client, as_user)
    paper = _exam(client, trainee, course)

    async def run_out():
        await ExamAttempt.update({ExamAttempt.deadline: dt.datetime.now(dt.timezone.utc)
                                  - dt.timedelta(minutes=1)}).where(ExamAttempt.id == paper["attempt_id"])

    client.blocking_portal.call(run_out)
    response = _submit(client, trainee, course, sheet(paper, stored_answers(client, course["id"])))
    assert response.status_code == 409 and response.json()["code"] == "exam_time_over"
    assert demo_course(client, trainee)["progress"]["attempts_used"] == 1
    assert client.get("/api/credits", params={"source": "course"}, headers=trainee).json()["total"] == 0


def test_a_declaration_year_far_off_is_422(client, as_user):
    trainee, course = _studied(client, as_user)
    response = _submit(client, trainee, course, {}, year=YEAR - 5)
    assert response.status_code == 422 and response.json()["field"] == "year"


def test_concurrent_papers_open_one_attempt(client, as_user):
    from server.services import auth, courses
    from server.tables import Account

    trainee, course = _studied(client, as_user)

    async def race():
        account = await Account.select(Account.id).where(Account.username == "trainee1").first()
        principal = await auth.load_principal(account["id"])
        return await asyncio.gather(*(courses.start_exam(principal, course["id"]) for _ in range(4)))

    papers = client.blocking_portal.call(race)
    assert len({p.attempt_id for p in papers}) == 1


# -- the provider's editor ---------------------------------------------------------------------------


def _draft_course(client, provider):
    response = client.post("/api/courses", headers=provider, json={
        "title": "医疗卫生法律法规", "hours": 6, "pass_mark": 80, "max_attempts": 2, "time_limit_minutes": 20})
    assert response.status_code == 201, response.text
    return response.json()


def test_provider_builds_and_publishes_a_course(client, as_user):
    provider = as_user("provider1")
    course = _draft_course(client, provider)
    assert course["status"] == "draft"
    lesson = client.post(f"/api/courses/{course['id']}/lessons", headers=provider,
                         json={"title": "第一讲 医师法", "kind": "text", "body": "医师法要点……"})
    assert lesson.status_code == 201
    question = client.post(f"/api/courses/{course['id']}/questions", headers=provider, json={
        "text": "医师在执业活动中应当？", "kind": "single", "options": ["遵守法律法规", "随意开药"], "answers": [0]})
    assert question.status_code == 201 and len(question.json()["answers"]) == 1
    assert client.post(f"/api/courses/{course['id']}/publish", headers=provider).json()["status"] == "published"
    titles = [c["title"] for c in client.get("/api/courses", headers=as_user("trainee1")).json()["items"]]
    assert "医疗卫生法律法规" in titles


def test_a_course_without_questions_cannot_be_published(client, as_user):
    provider = as_user("provider1")
    course = _draft_course(client, provider)
    client.post(f"/api/courses/{course['id']}/lessons", headers=provider,
                json={"title": "第一讲", "kind": "text", "body": "内容"})
    response = client.post(f"/api/courses/{course['id']}/publish", headers=provider)
    assert response.status_code == 409 and response.json()["code"] == "no_questions"


def test_a_single_choice_question_needs_one_answer(client, as_user):
    provider = as_user("provider1")
    course = _draft_course(client, provider)
    response = client.post(f"/api/courses/{course['id']}/questions", headers=provider, json={
        "text": "题干", "kind": "single", "options": ["甲", "乙", "丙"], "answers": [0, 1]})
    assert response.status_code == 422 and response.json()["field"] == "answers"


def test_provider_uploads_a_video_as_the_request_body(client, as_user):
    provider = as_user("provider1")
    course = _draft_course(client, provider)
    lesson = client.post(f"/api/courses/{course['id']}/lessons", headers=provider, json={
        "title": "视频课", "kind": "video", "duration_seconds": 4}).json()
    response = client.put(f"/api/courses/{course['id']}/lessons/{lesson['id']}/video", headers=provider,
                          content=VIDEO.read_bytes())
    assert response.status_code == 200 and response.json()["has_file"] is True
    served = client.get(response.json()["video_url"], headers={**provider, "Range": "bytes=0-3"})
    assert served.status_code == 206 and served.content == b"\x1a\x45\xdf\xa3"


def test_a_file_that_is_not_a_video_is_415(client, as_user):
    provider = as_user("provider1")
    course = _draft_course(client, provider)
    lesson = client.post(f"/api/courses/{course['id']}/lessons", headers=provider, json={
        "title": "视频课", "kind": "video", "duration_seconds": 4}).json()
    response = client.put(f"/api/courses/{course['id']}/lessons/{lesson['id']}/video", headers=provider,
                          content=b"%PDF-1.4 not a video at all")
    assert response.status_code == 415 and response.json()["code"] == "unsupported_type"


def test_the_editor_sees_answers_and_a_trainee_does_not_reach_them(client, as_user):
    course = demo_course(client, as_user("trainee1"))
    editor = client.get(f"/api/courses/{course['id']}/questions", headers=as_user("provider1")).json()
    assert editor and all(q["answers"] for q in editor)
    assert client.get(f"/api/courses/{course['id']}/questions", headers=as_user("trainee1")).status_code == 404


def test_a_published_course_cannot_be_edited(client, as_user):
    course = demo_course(client, as_user("trainee1"))
    response = client.post(f"/api/courses/{course['id']}/questions", headers=as_user("provider1"), json={
        "text": "新题", "kind": "single", "options": ["甲", "乙"], "answers": [0]})
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"


def test_provider_sees_exam_results(client, as_user):
    trainee, course = _studied(client, as_user)
    _submit(client, trainee, course, sheet(_exam(client, trainee, course), stored_answers(client, course["id"])))
    results = client.get(f"/api/courses/{course['id']}/results", headers=as_user("provider1")).json()["items"]
    assert [(r["person_name"], r["score"], r["passed"]) for r in results] == [("张伟", 100, True)]
    assert client.get(f"/api/courses/{course['id']}/results", headers=trainee).status_code == 404
