"""Building blocks for the Guangdong flows: a provider's class, enrolments, public courses."""

from __future__ import annotations

import datetime as dt

from litestar.testing import TestClient

CHINA = dt.timezone(dt.timedelta(hours=8))
YEAR = 2026


def create_class(client: TestClient, provider: dict, **overrides) -> dict:
    body = {"title": "基层医生慢病管理培训班", "year": YEAR, "category": "professional", "hours": 16,
            "starts_on": f"{YEAR}-06-01", "ends_on": f"{YEAR}-06-02", "capacity": 30}
    body.update(overrides)
    response = client.post("/api/classes", json=body, headers=provider)
    assert response.status_code == 201, response.text
    return response.json()


def open_class(client: TestClient, provider: dict, **overrides) -> dict:
    """A class created and opened for enrolment (接受报名)."""
    klass = create_class(client, provider, **overrides)
    response = client.post(f"/api/classes/{klass['id']}/open", headers=provider)
    assert response.json() == {"id": klass["id"], "status": "accepting"}, response.text
    return klass


def enrol(client: TestClient, trainee: dict, class_id: int) -> dict:
    response = client.post(f"/api/classes/{class_id}/enrolments", headers=trainee)
    assert response.status_code == 201, response.text
    return response.json()


def confirmed(client: TestClient, provider: dict, trainee: dict, **overrides) -> tuple[dict, dict]:
    """An open class with the trainee's enrolment confirmed (报名成功)."""
    klass = open_class(client, provider, **overrides)
    enrolment = enrol(client, trainee, klass["id"])
    response = client.post(f"/api/enrolments/{enrolment['id']}/confirm", headers=provider)
    assert response.json() == {"id": enrolment["id"], "status": "enrolled"}, response.text
    return klass, enrolment


def add_session(client: TestClient, provider: dict, class_id: int) -> dict:
    start = dt.datetime.now(CHINA).replace(microsecond=0)
    response = client.post(f"/api/classes/{class_id}/sessions", headers=provider, json={
        "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
        "location": "培训中心二楼"})
    assert response.status_code == 201, response.text
    return response.json()


def person_id(client: TestClient, headers: dict) -> int:
    return client.get("/api/me", headers=headers).json()["person_id"]


def demo_course(client: TestClient, trainee: dict, title: str = "专业技术人员职业道德与诚信建设") -> dict:
    items = client.get("/api/courses", headers=trainee).json()["items"]
    course = next(c for c in items if c["title"] == title)
    return client.get(f"/api/courses/{course['id']}", headers=trainee).json()


def study(client: TestClient, trainee: dict, course: dict) -> None:
    """Every (text) lesson of the course marked complete."""
    for lesson in course["lessons"]:
        response = client.post(f"/api/courses/{course['id']}/lessons/{lesson['id']}/complete", headers=trainee)
        assert response.status_code == 200, response.text


def stored_answers(client: TestClient, course_id: int) -> dict[int, list[str]]:
    """The stored answer of each question of a course (what only the server knows)."""
    import json

    from server.tables import Question

    async def read() -> dict[int, list[str]]:
        rows = await Question.select(Question.id, Question.answer).where(Question.course == course_id)
        return {r["id"]: json.loads(r["answer"]) for r in rows}

    return client.blocking_portal.call(read)


def sheet(paper: dict, answers: dict[int, list[str]], *, wrong: int = 0) -> dict[str, object]:
    """An answer sheet for a served paper: right on every question but the first ``wrong`` ones."""
    out: dict[str, object] = {}
    for index, question in enumerate(paper["questions"]):
        right = answers[question["id"]]
        if index < wrong:
            other = [o["id"] for o in question["options"] if o["id"] not in right]
            out[str(question["id"])] = other[0]
        else:
            out[str(question["id"])] = right[0] if question["kind"] == "single" else right
    return out


def second_provider(client: TestClient, region_admin: dict, *, region_code: str = "990000",
                    username: str = "provider2") -> dict:
    """Another provider registered by the region admin, its admin logged in with a changed password."""
    response = client.post("/api/providers", headers=region_admin, json={
        "name": f"第二培训机构{username}", "region_code": region_code, "admin_username": username,
        "admin_password": "Start@2026", "admin_name": "第二机构管理员"})
    assert response.status_code == 201, response.text
    token = client.post("/api/auth/login", json={"username": username, "password": "Start@2026"}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    changed = client.post("/api/auth/password", headers=headers,
                          json={"old_password": "Start@2026", "new_password": "Second@2026"})
    assert changed.status_code == 204, changed.text
    return headers
