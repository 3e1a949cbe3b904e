"""CME projects (001 §3.1–3.2): the application, the unit's and the region's approvals, the published list."""

from __future__ import annotations

import asyncio

import pytest

from tests.api.project_helpers import (
    YEAR,
    act,
    cached_logins,
    create_project,
    department_id,
    pending_region,
    project_body,
    published,
    region_admin,
    submitted,
)


@pytest.fixture
def as_user(client):
    return cached_logins(client)


def _status(client, headers, project_id, action, reason=None):
    body = None if reason is None else {"reason": reason}
    return client.post(f"/api/projects/{project_id}/{action}", headers=headers, json=body)


# -- the application -------------------------------------------------------------------


def test_department_admin_creates_a_draft(client, as_user):
    project = create_project(client, as_user("dept1"))
    assert project["status"] == "draft" and project["project_no"] is None
    assert (project["department_name"], project["unit_name"], project["level"]) == ("内科", "示例第一医院", "provincial")
    assert (project["credits"], project["hours"], project["starts_on"]) == (2, 12, f"{YEAR}-05-10")


def test_trainee_cannot_apply(client, as_user):
    response = client.post("/api/projects", headers=as_user("trainee1"), json=project_body())
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_unit_admin_cannot_apply(client, as_user):
    response = client.post("/api/projects", headers=as_user("unit1"), json=project_body())
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_level_must_be_provincial_or_city(client, as_user):
    response = client.post("/api/projects", headers=as_user("dept1"), json=project_body(level="national"))
    assert response.status_code == 422 and response.json()["field"] == "level"


def test_end_before_start_is_refused(client, as_user):
    response = client.post("/api/projects", headers=as_user("dept1"),
                           json=project_body(starts_on=f"{YEAR}-05-10", ends_on=f"{YEAR}-05-09"))
    assert response.status_code == 422 and response.json()["field"] == "ends_on"


def test_start_outside_the_year_is_refused(client, as_user):
    response = client.post("/api/projects", headers=as_user("dept1"),
                           json=project_body(starts_on=f"{YEAR + 1}-01-10", ends_on=f"{YEAR + 1}-01-11"))
    assert response.status_code == 422 and response.json()["field"] == "starts_on"


def test_more_than_ten_credits_are_refused(client, as_user):
    response = client.post("/api/projects", headers=as_user("dept1"), json=project_body(credits=10.5))
    assert response.status_code == 422 and response.json()["field"] == "credits"


def test_missing_leader_is_refused(client, as_user):
    response = client.post("/api/projects", headers=as_user("dept1"), json=project_body(leader="  "))
    assert response.status_code == 422 and response.json()["field"] == "leader"


def test_the_course_schedule_is_saved_whole_and_replaced(client, as_user):
    dept = as_user("dept1")
    project = create_project(client, dept, courses=[
        {"title": "心衰指南解读", "hours": 3, "speaker_name": "外院专家", "speaker_unit": "省人民医院"},
        {"title": "病例讨论", "hours": 3, "speaker_name": "王主任"}])
    response = client.patch(f"/api/projects/{project['id']}", headers=dept,
                            json={"courses": [{"title": "超声心动图", "hours": 2, "speaker_name": "李医生"}]})
    assert response.status_code == 200, response.text
    courses = client.get(f"/api/projects/{project['id']}", headers=dept).json()["courses"]
    assert [(c["title"], c["hours"], c["speaker_name"]) for c in courses] == [("超声心动图", 2, "李医生")]


def test_a_speaker_picked_from_another_unit_is_refused(client, as_user):
    person_id = client.get("/api/people", headers=as_user("dept3")).json()["items"][0]["id"]  # 示例第二医院
    response = client.post("/api/projects", headers=as_user("dept1"), json=project_body(
        courses=[{"title": "心衰指南解读", "hours": 3, "speaker_id": person_id}]))
    assert response.status_code == 422 and response.json()["field"] == "courses[0].speaker_id"


def test_a_submitted_application_cannot_be_edited(client, as_user):
    project = submitted(client, as_user)
    response = client.patch(f"/api/projects/{project['id']}", headers=as_user("dept1"), json={"title": "改名"})
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"


def test_another_department_cannot_see_a_draft(client, as_user):
    project = create_project(client, as_user("dept1"))
    response = client.get(f"/api/projects/{project['id']}", headers=as_user("dept2"))
    assert response.status_code == 404 and response.json()["code"] == "project_not_found"


# -- the two approvals -----------------------------------------------------------------------


def test_draft_to_published_through_unit_and_region(client, as_user):
    dept, unit, region = as_user("dept1"), as_user("unit1"), as_user("region1")
    project = create_project(client, dept)
    assert act(client, dept, project["id"], "submit")["status"] == "submitted"
    assert act(client, unit, project["id"], "approve")["status"] == "pending_region"
    body = act(client, region, project["id"], "approve")
    assert body == {"id": project["id"], "status": "published", "project_no": f"{YEAR}-P99-0001"}
    detail = client.get(f"/api/projects/{project['id']}", headers=dept).json()
    assert [(e["action"], e["to_status"]) for e in detail["events"]] == [
        ("create", "draft"), ("submit", "submitted"), ("unit_approve", "pending_region"),
        ("region_approve", "published")]


def test_approving_a_draft_is_409(client, as_user):
    project = create_project(client, as_user("dept1"))
    response = _status(client, as_user("unit1"), project["id"], "approve")
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"


def test_region_approving_before_the_unit_is_409(client, as_user):
    project = submitted(client, as_user)
    response = _status(client, as_user("region1"), project["id"], "approve")
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"


def test_unit_approving_twice_is_409(client, as_user):
    project = pending_region(client, as_user)
    response = _status(client, as_user("unit1"), project["id"], "approve")
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"


def test_department_cannot_approve_its_own_application(client, as_user):
    project = submitted(client, as_user)
    response = _status(client, as_user("dept1"), project["id"], "approve")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_another_unit_cannot_approve(client, as_user):
    project = submitted(client, as_user)
    response = _status(client, as_user("unit2"), project["id"], "approve")
    assert response.status_code == 404 and response.json()["code"] == "project_not_found"


def test_region_admin_of_another_province_cannot_approve(client, as_user):
    project = pending_region(client, as_user)
    elsewhere = region_admin(client, "region_other", "980000", "另一省")
    response = _status(client, elsewhere, project["id"], "approve")
    assert response.status_code == 404 and response.json()["code"] == "project_not_found"


def test_city_commission_cannot_publish_a_provincial_project(client, as_user):
    project = pending_region(client, as_user)
    city = region_admin(client, "city1", "990100", "示例市")
    response = _status(client, city, project["id"], "approve")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_city_commission_publishes_a_city_level_project(client, as_user):
    project = pending_region(client, as_user, level="city")
    city = region_admin(client, "city1", "990100", "示例市")
    assert act(client, city, project["id"], "approve")["project_no"] == f"{YEAR}-C9901-0001"


def test_district_commission_cannot_publish_a_city_level_project(client, as_user):
    # 示例第二医院 is in 示例区 (990102): the district sees its project but is below the city.
    dept3 = as_user("dept3")
    project = create_project(client, dept3, level="city")
    act(client, dept3, project["id"], "submit")
    act(client, as_user("unit2"), project["id"], "approve")
    district = region_admin(client, "district1", "990102", "示例区")
    response = _status(client, district, project["id"], "approve")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_numbers_run_on_per_year_and_level(client, as_user):
    first = published(client, as_user)
    second = published(client, as_user, title="第二个项目")
    assert (first["project_no"], second["project_no"]) == (f"{YEAR}-P99-0001", f"{YEAR}-P99-0002")


def _principal(username: str):
    from server.services import auth
    from server.tables import Account

    async def load():
        account = await Account.select(Account.id).where(Account.username == username).first()
        return await auth.load_principal(account["id"])

    return load


def test_two_commission_approvals_at_once_give_one_success_and_one_409(client, as_user):
    from server.services import projects
    from server.services.errors import Conflict

    project = pending_region(client, as_user)

    async def race():
        principal = await _principal("region1")()
        return await asyncio.gather(*(projects.approve(principal, project["id"]) for _ in range(2)),
                                    return_exceptions=True)

    results = client.blocking_portal.call(race)
    assert sum(isinstance(r, projects.ProjectStatusRead) for r in results) == 1
    assert sum(isinstance(r, Conflict) and r.code == "invalid_state" for r in results) == 1


def test_projects_published_at_once_get_different_numbers(client, as_user):
    from server.services import projects

    ids = [pending_region(client, as_user, title=f"并发立项{i}")["id"] for i in range(3)]

    async def race():
        principal = await _principal("region1")()
        return await asyncio.gather(*(projects.approve(principal, project_id) for project_id in ids))

    numbers = sorted(r.project_no for r in client.blocking_portal.call(race))
    assert numbers == [f"{YEAR}-P99-000{i}" for i in (1, 2, 3)]


def test_unit_reject_without_a_reason_is_422(client, as_user):
    project = submitted(client, as_user)
    response = _status(client, as_user("unit1"), project["id"], "reject", "  ")
    assert response.status_code == 422 and response.json()["field"] == "reason"


def test_region_reject_without_a_reason_is_422(client, as_user):
    project = pending_region(client, as_user)
    response = client.post(f"/api/projects/{project['id']}/reject", headers=as_user("region1"))
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_unit_rejects_with_a_reason(client, as_user):
    project = submitted(client, as_user)
    assert act(client, as_user("unit1"), project["id"], "reject", "经费预算不合理")["status"] == "rejected"
    detail = client.get(f"/api/projects/{project['id']}", headers=as_user("dept1")).json()
    assert detail["review_reason"] == "经费预算不合理"
    assert (detail["events"][-1]["action"], detail["events"][-1]["reason"]) == ("unit_reject", "经费预算不合理")


def test_region_rejects_with_a_reason(client, as_user):
    project = pending_region(client, as_user)
    assert act(client, as_user("region1"), project["id"], "reject", "与已立项项目重复")["status"] == "rejected"
    detail = client.get(f"/api/projects/{project['id']}", headers=as_user("dept1")).json()
    assert (detail["status"], detail["project_no"], detail["events"][-1]["action"]) == (
        "rejected", None, "region_reject")


def test_a_rejected_application_cannot_be_resubmitted(client, as_user):
    project = submitted(client, as_user)
    act(client, as_user("unit1"), project["id"], "reject", "不符合申报条件")
    response = _status(client, as_user("dept1"), project["id"], "submit")
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"


def test_unit_returns_and_the_department_corrects_and_resubmits(client, as_user):
    dept = as_user("dept1")
    project = submitted(client, as_user)
    assert act(client, as_user("unit1"), project["id"], "return", "请补充课程安排")["status"] == "returned"
    assert client.patch(f"/api/projects/{project['id']}", headers=dept, json={"intake": 120}).status_code == 200
    assert act(client, dept, project["id"], "submit")["status"] == "submitted"


# -- the published list ----------------------------------------------------------------------


def test_published_projects_are_listed_for_every_admin_of_the_province(client, as_user):
    project = published(client, as_user)
    create_project(client, as_user("dept1"), title="仍是草稿的项目")
    for username in ("dept3", "unit2", "dept2", "region1"):
        body = client.get("/api/projects", headers=as_user(username),
                          params={"status": "published", "year": YEAR}).json()
        assert [p["id"] for p in body["items"]] == [project["id"]] and body["total"] == 1, username


def test_a_published_project_opens_for_an_admin_of_another_unit(client, as_user):
    project = published(client, as_user)
    response = client.get(f"/api/projects/{project['id']}", headers=as_user("dept3"))
    assert response.status_code == 200 and response.json()["project_no"] == project["project_no"]


def test_the_published_list_is_empty_for_another_province(client, as_user):
    published(client, as_user)
    elsewhere = region_admin(client, "region_other", "980000", "另一省")
    body = client.get("/api/projects", headers=elsewhere, params={"status": "published"}).json()
    assert body == {"items": [], "total": 0}


def test_a_trainee_cannot_list_projects(client, as_user):
    response = client.get("/api/projects", headers=as_user("trainee1"), params={"status": "published"})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_published_list_filters_by_level_discipline_unit_and_dates(client, as_user):
    heart = published(client, as_user, discipline="心血管病学")
    city = published(client, as_user, title="社区慢病管理", level="city", discipline="全科医学",
                     starts_on=f"{YEAR}-09-01", ends_on=f"{YEAR}-09-02")
    # A city-level project is published by the province too (it is above the city).
    headers = as_user("dept3")

    def ids(**params):
        body = client.get("/api/projects", headers=headers, params={"status": "published", **params}).json()
        return sorted(p["id"] for p in body["items"])

    unit1 = client.get("/api/projects/" + str(heart["id"]), headers=headers).json()["unit_id"]
    assert ids(level="city") == [city["id"]]
    assert ids(discipline="心血管") == [heart["id"]]
    assert ids(unit_id=unit1) == sorted([heart["id"], city["id"]])
    assert ids(date_from=f"{YEAR}-08-01") == [city["id"]]
    assert ids(date_to=f"{YEAR}-06-30") == [heart["id"]]


def test_a_department_sees_whether_its_application_was_published(client, as_user):
    mine = published(client, as_user)
    dept2 = as_user("dept2")
    other = create_project(client, dept2, title="外科项目")
    act(client, dept2, other["id"], "submit")
    surgery = department_id(client, as_user, "外科")
    body = client.get("/api/projects", headers=dept2, params={"status": "published", "department_id": surgery}).json()
    assert body["total"] == 0
    internal = department_id(client, as_user, "内科")
    body = client.get("/api/projects", headers=dept2, params={"status": "published", "department_id": internal}).json()
    assert [p["id"] for p in body["items"]] == [mine["id"]]


def test_the_unit_queue_lists_submitted_applications_of_its_own_unit(client, as_user):
    project = submitted(client, as_user)
    create_project(client, as_user("dept3"), title="第二医院的草稿")
    body = client.get("/api/projects", headers=as_user("unit1"), params={"status": "submitted"}).json()
    assert [p["id"] for p in body["items"]] == [project["id"]]
    assert client.get("/api/projects", headers=as_user("unit2"), params={"status": "submitted"}).json()["total"] == 0
