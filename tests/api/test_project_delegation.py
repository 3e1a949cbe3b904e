"""Delegated projects (代办, 001 §3.3): the unit hands a published project to a department, which runs
its pre-event work, sessions and QR attendance; each check-in makes a class I project credit."""

from __future__ import annotations

import pytest

from tests.api.attendance_helpers import current_code
from tests.api.project_helpers import (
    YEAR,
    act,
    add_project_session,
    cached_logins,
    create_project,
    delegated,
    department_id,
    published,
    submitted,
)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def as_user(client):
    return cached_logins(client)


def _upload(client, headers, project_id, kind="notice", content=PDF, name="举办通知.pdf"):
    return client.post(f"/api/projects/{project_id}/files", headers=headers, data={"kind": kind},
                       files={"file": (name, content, "application/pdf")})


def _check_in(client, as_user, project, trainee="trainee1"):
    session = add_project_session(client, as_user("dept1"), project["id"])
    assert session.status_code == 201, session.text
    session_id = session.json()["id"]
    return client.post("/api/checkins", headers=as_user(trainee), json={
        "session_id": session_id, "code": current_code(client, as_user("dept1"), session_id)})


# -- delegation -------------------------------------------------------------------------------


def test_unit_delegates_a_published_project_to_its_department(client, as_user):
    project = delegated(client, as_user)
    assert project["delegated_department_name"] == "内科" and project["training_id"] is not None
    events = client.get(f"/api/projects/{project['id']}", headers=as_user("dept1")).json()["events"]
    assert (events[-1]["action"], events[-1]["reason"]) == ("delegate", "内科")


def test_delegating_an_unpublished_project_is_409(client, as_user):
    project = submitted(client, as_user)
    response = client.post(f"/api/projects/{project['id']}/delegate", headers=as_user("unit1"),
                           json={"department_id": department_id(client, as_user, "内科")})
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"


def test_a_department_of_another_unit_cannot_be_chosen(client, as_user):
    project = published(client, as_user)
    other = department_id(client, as_user, "内科", unit="unit2")
    response = client.post(f"/api/projects/{project['id']}/delegate", headers=as_user("unit1"),
                           json={"department_id": other})
    assert response.status_code == 422 and response.json()["field"] == "department_id"


def test_a_department_cannot_delegate(client, as_user):
    project = published(client, as_user)
    response = client.post(f"/api/projects/{project['id']}/delegate", headers=as_user("dept1"),
                           json={"department_id": department_id(client, as_user, "内科")})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_another_unit_cannot_delegate(client, as_user):
    project = published(client, as_user)
    response = client.post(f"/api/projects/{project['id']}/delegate", headers=as_user("unit2"),
                           json={"department_id": department_id(client, as_user, "内科")})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_delegation_moves_to_another_department_until_a_session_is_planned(client, as_user):
    project = delegated(client, as_user)
    surgery = department_id(client, as_user, "外科")
    moved = client.post(f"/api/projects/{project['id']}/delegate", headers=as_user("unit1"),
                        json={"department_id": surgery})
    assert moved.status_code == 200 and moved.json()["delegated_department_name"] == "外科"
    assert add_project_session(client, as_user("dept2"), project["id"]).status_code == 201
    again = client.post(f"/api/projects/{project['id']}/delegate", headers=as_user("unit1"),
                        json={"department_id": department_id(client, as_user, "内科")})
    assert again.status_code == 409 and again.json()["code"] == "already_running"


def test_the_delegated_list_shows_the_departments_projects(client, as_user):
    project = delegated(client, as_user)
    published(client, as_user, title="未代办的项目")
    body = client.get("/api/projects", headers=as_user("dept1"), params={"delegated": "true"}).json()
    assert [p["id"] for p in body["items"]] == [project["id"]]
    assert client.get("/api/projects", headers=as_user("dept2"), params={"delegated": "true"}).json()["total"] == 0


# -- sessions -----------------------------------------------------------------------------------


def test_sessions_on_an_unpublished_project_are_409(client, as_user):
    project = submitted(client, as_user)
    response = add_project_session(client, as_user("dept1"), project["id"])
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"


def test_sessions_on_an_undelegated_project_are_409(client, as_user):
    project = published(client, as_user)
    response = add_project_session(client, as_user("dept1"), project["id"])
    assert response.status_code == 409 and response.json()["code"] == "not_delegated"


def test_another_department_of_the_unit_cannot_add_sessions(client, as_user):
    project = delegated(client, as_user)
    response = add_project_session(client, as_user("dept2"), project["id"])
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_a_department_of_another_unit_cannot_add_sessions(client, as_user):
    project = delegated(client, as_user)
    response = add_project_session(client, as_user("dept3"), project["id"])
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_the_delegated_department_adds_a_session(client, as_user):
    project = delegated(client, as_user)
    response = add_project_session(client, as_user("dept1"), project["id"])
    assert response.status_code == 201
    assert response.json()["training_id"] == project["training_id"]
    detail = client.get(f"/api/projects/{project['id']}", headers=as_user("dept1")).json()
    assert [s["id"] for s in detail["sessions"]] == [response.json()["id"]]


def test_the_projects_training_is_not_approved_through_trainings(client, as_user):
    project = delegated(client, as_user)
    response = client.post(f"/api/trainings/{project['training_id']}/reject", headers=as_user("unit1"),
                           json={"reason": "x"})
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"


def test_the_projects_training_is_not_an_in_house_training(client, as_user):
    project = delegated(client, as_user)
    listed = client.get("/api/trainings", headers=as_user("dept1"), params={"year": YEAR}).json()["items"]
    assert project["training_id"] not in [t["id"] for t in listed]


# -- attendance and credits ----------------------------------------------------------------------


def test_a_check_in_makes_a_class_i_project_credit(client, as_user):
    project = delegated(client, as_user)
    response = _check_in(client, as_user, project)
    assert response.status_code == 201, response.text
    credit = client.get(f"/api/credits/{response.json()['credit']['id']}", headers=as_user("trainee1")).json()
    assert (credit["source"], credit["credit_class"], credit["status"]) == ("project", "I", "pending_dept")
    # Provincial: 12 hours at 6 hours a credit.
    assert (credit["credits"], credit["hours"], credit["title"]) == (2, 12, project["title"])


def test_the_project_credit_goes_through_both_approvals(client, as_user):
    project = delegated(client, as_user)
    credit_id = _check_in(client, as_user, project).json()["credit"]["id"]
    assert act_credit(client, as_user("dept1"), credit_id) == "pending_unit"
    assert act_credit(client, as_user("unit1"), credit_id) == "effective"


def act_credit(client, headers, credit_id):
    response = client.post(f"/api/credits/{credit_id}/approve", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["status"]


def test_a_trainee_of_another_unit_may_attend_and_is_reviewed_at_home(client, as_user):
    project = delegated(client, as_user)
    response = _check_in(client, as_user, project, trainee="trainee4")
    assert response.status_code == 201, response.text
    queue = client.get("/api/credits", headers=as_user("dept3"), params={"status": "pending_dept"}).json()
    assert [(c["source"], c["training_id"]) for c in queue["items"]] == [("project", project["training_id"])]


def test_attendee_credits_never_exceed_what_was_approved(client, as_user):
    # 30 hours would give 5 credits by the provincial rule; 3 were approved.
    project = delegated(client, as_user, credits=3, hours=30)
    assert _check_in(client, as_user, project).json()["credit"]["credits"] == 3


def test_attendee_credits_follow_the_rule_when_more_was_asked(client, as_user):
    # 9 hours give 1.5 credits at 6 hours a credit, however many were asked for.
    project = delegated(client, as_user, level="city", credits=5, hours=9)
    assert _check_in(client, as_user, project).json()["credit"]["credits"] == 1.5


def test_the_attendance_list_shows_the_project_credit(client, as_user):
    project = delegated(client, as_user)
    session_id = _check_in(client, as_user, project).json()["session_id"]
    rows = client.get(f"/api/sessions/{session_id}/attendance", headers=as_user("dept1")).json()["items"]
    assert [(r["name"], r["credit_status"]) for r in rows] == [("张伟", "pending_dept")]


# -- the pre-event information (举办前) ------------------------------------------------------------


def test_the_pre_event_information_needs_the_notice(client, as_user):
    project = delegated(client, as_user)
    add_project_session(client, as_user("dept1"), project["id"])
    response = client.post(f"/api/projects/{project['id']}/prep/submit", headers=as_user("dept1"))
    assert response.status_code == 409 and response.json()["code"] == "notice_missing"


def test_the_pre_event_information_needs_a_session(client, as_user):
    project = delegated(client, as_user)
    assert _upload(client, as_user("dept1"), project["id"]).status_code == 201
    response = client.post(f"/api/projects/{project['id']}/prep/submit", headers=as_user("dept1"))
    assert response.status_code == 409 and response.json()["code"] == "no_sessions"


def test_department_submits_the_pre_event_information_and_the_unit_checks_it(client, as_user):
    dept = as_user("dept1")
    project = delegated(client, as_user)
    assert _upload(client, dept, project["id"]).status_code == 201
    add_project_session(client, dept, project["id"])
    assert act(client, dept, project["id"], "prep/submit")["prep_status"] == "submitted"
    assert act(client, as_user("unit1"), project["id"], "prep/approve")["prep_status"] == "checked"
    actions = [e["action"] for e in client.get(f"/api/projects/{project['id']}", headers=dept).json()["events"]]
    assert actions[-2:] == ["prep_submit", "prep_check"]


def test_returning_the_pre_event_information_needs_a_reason(client, as_user):
    dept = as_user("dept1")
    project = delegated(client, as_user)
    _upload(client, dept, project["id"])
    add_project_session(client, dept, project["id"])
    act(client, dept, project["id"], "prep/submit")
    response = client.post(f"/api/projects/{project['id']}/prep/return", headers=as_user("unit1"), json={"reason": ""})
    assert response.status_code == 422 and response.json()["field"] == "reason"


def test_the_delegated_department_keeps_the_place_and_dates(client, as_user):
    project = delegated(client, as_user)
    response = client.patch(f"/api/projects/{project['id']}", headers=as_user("dept1"),
                            json={"location": "新院区报告厅", "starts_on": f"{YEAR}-05-12", "ends_on": f"{YEAR}-05-13"})
    assert response.status_code == 200 and response.json()["location"] == "新院区报告厅"


def test_the_delegated_department_cannot_change_what_was_approved(client, as_user):
    project = delegated(client, as_user)
    response = client.patch(f"/api/projects/{project['id']}", headers=as_user("dept1"), json={"credits": 5})
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"


# -- files ---------------------------------------------------------------------------------------


def test_an_attachment_is_stored_and_read_back(client, as_user):
    dept = as_user("dept1")
    project = create_project(client, dept)
    response = _upload(client, dept, project["id"], kind="attachment", name="申报书.pdf")
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["kind"], body["filename"], body["size"]) == ("attachment", "申报书.pdf", len(PDF))
    download = client.get(body["url"], headers=as_user("unit1"))
    assert download.status_code == 200 and download.content == PDF


def test_a_deleted_files_id_is_never_given_to_the_next_upload(client, as_user):
    # SQLite without AUTOINCREMENT hands the largest deleted id to the next row: a kept
    # link to the deleted file would open the new one.
    dept = as_user("dept1")
    project = create_project(client, dept)
    first = _upload(client, dept, project["id"], kind="attachment").json()
    assert client.delete(f"/api/project-files/{first['id']}", headers=dept).status_code == 204
    second = _upload(client, dept, project["id"], kind="attachment").json()
    assert second["id"] > first["id"]
    assert client.get(first["url"], headers=dept).status_code == 404


def test_an_attachment_that_is_not_an_image_or_pdf_is_415(client, as_user):
    dept = as_user("dept1")
    project = create_project(client, dept)
    response = _upload(client, dept, project["id"], kind="attachment", content=b"MZ\x90\x00 not a pdf", name="a.exe")
    assert response.status_code == 415 and response.json()["code"] == "unsupported_type"


def test_a_file_is_not_found_outside_the_projects_scope(client, as_user):
    dept = as_user("dept1")
    project = create_project(client, dept)
    url = _upload(client, dept, project["id"], kind="attachment").json()["url"]
    response = client.get(url, headers=as_user("dept3"))
    assert response.status_code == 404 and response.json()["code"] == "file_not_found"


def test_another_department_cannot_upload_the_notice(client, as_user):
    project = delegated(client, as_user)
    response = _upload(client, as_user("dept2"), project["id"])
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_attachments_are_frozen_once_submitted(client, as_user):
    project = submitted(client, as_user)
    response = _upload(client, as_user("dept1"), project["id"], kind="attachment")
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"


# -- closing: the speakers' credits --------------------------------------------------------------


def _speaker(client, as_user, name="张伟"):
    return client.get("/api/people", headers=as_user("dept1"), params={"q": name}).json()["items"][0]["id"]


def test_closing_gives_speakers_class_i_credits_at_the_provincial_rate(client, as_user):
    speaker = _speaker(client, as_user)
    project = delegated(client, as_user, courses=[
        {"title": "心衰指南解读", "hours": 2, "speaker_id": speaker}, {"title": "病例讨论", "hours": 1.5,
                                                                  "speaker_id": speaker}])
    add_project_session(client, as_user("dept1"), project["id"])
    assert act(client, as_user("dept1"), project["id"], "close")["training_status"] == "closed"
    credits = client.get("/api/credits", headers=as_user("trainee1"), params={"source": "speaker"}).json()["items"]
    # 3.5 hours taught at 1 credit an hour (provincial speakers).
    assert [(c["credit_class"], c["credits"], c["hours"], c["status"]) for c in credits] == [
        ("I", 3.5, 3.5, "pending_dept")]


def test_a_speakers_project_credits_stop_at_ten(client, as_user):
    speaker = _speaker(client, as_user)
    project = delegated(client, as_user, courses=[{"title": "全天授课", "hours": 12, "speaker_id": speaker}])
    add_project_session(client, as_user("dept1"), project["id"])
    act(client, as_user("unit1"), project["id"], "close")
    credits = client.get("/api/credits", headers=as_user("trainee1"), params={"source": "speaker"}).json()["items"]
    assert [c["credits"] for c in credits] == [10]


def test_closing_an_undelegated_project_is_409(client, as_user):
    project = published(client, as_user)
    response = client.post(f"/api/projects/{project['id']}/close", headers=as_user("unit1"))
    assert response.status_code == 409 and response.json()["code"] == "not_delegated"
