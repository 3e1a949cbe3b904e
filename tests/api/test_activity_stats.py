"""Held-activity statistics (001 §4.2): approval, held or not, sessions, attendance per session and
department, credits, no-shows, and the workbook export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from tests.api.attendance_helpers import CHINA, add_session, create_training, current_code
from tests.api.project_helpers import add_project_session, cached_logins, delegated


@pytest.fixture
def as_user(client):
    return cached_logins(client)


def _approved_training(client, as_user, **overrides):
    dept = as_user("dept1")
    training = create_training(client, dept, **overrides)
    first = add_session(client, dept, training["id"])
    later = dt.datetime.now(CHINA).replace(microsecond=0) + dt.timedelta(days=1)
    second = client.post(f"/api/trainings/{training['id']}/sessions", headers=dept, json={
        "starts_at": later.isoformat(), "ends_at": (later + dt.timedelta(hours=2)).isoformat(),
        "location": "住院部五楼示教室"}).json()
    client.post(f"/api/trainings/{training['id']}/submit", headers=dept)
    client.post(f"/api/trainings/{training['id']}/approve", headers=as_user("unit1"))
    return training, first, second


def _check_in(client, as_user, session_id, trainee, organiser="dept1"):
    response = client.post("/api/checkins", headers=as_user(trainee), json={
        "session_id": session_id, "code": current_code(client, as_user(organiser), session_id)})
    assert response.status_code == 201, response.text
    return response.json()


def _staff(client, department_name):
    """Active people of 示例第一医院's department who join CME, read from the database."""
    from server.tables import Person

    async def count():
        return await Person.count().where((Person.department.name == department_name)
                                          & (Person.unit.name == "示例第一医院") & (Person.status == "正常")
                                          & (Person.joins_cme == True))  # noqa: E712

    return client.blocking_portal.call(count)


@pytest.fixture
def held_training(client, as_user):
    """内科's training: 张伟 at the first session, 李娜 at both, 外科's 王强 at the first."""
    training, first, second = _approved_training(client, as_user)
    _check_in(client, as_user, first["id"], "trainee1")
    _check_in(client, as_user, first["id"], "trainee2")
    _check_in(client, as_user, second["id"], "trainee2")
    _check_in(client, as_user, first["id"], "trainee3")
    return training, first, second


def _row(client, headers, activity_id, **params):
    body = client.get("/api/activity-stats", headers=headers, params=params).json()
    return next(r for r in body["items"] if r["id"] == activity_id)


def test_a_held_training_counts_sessions_people_and_check_ins(client, as_user, held_training):
    training, _, _ = held_training
    row = _row(client, as_user("dept1"), training["id"])
    assert (row["status"], row["held"], row["sessions"], row["attendees"], row["checkins"]) == (
        "approved", True, 2, 3, 4)


def test_no_shows_are_the_departments_staff_who_came_to_no_session(client, as_user, held_training):
    training, _, _ = held_training
    row = _row(client, as_user("dept1"), training["id"])
    staff = _staff(client, "内科")
    assert (row["expected"], row["no_shows"]) == (staff, staff - 2)


def test_a_training_whose_sessions_are_ahead_is_not_held(client, as_user):
    dept = as_user("dept1")
    training = create_training(client, dept)
    later = dt.datetime.now(CHINA).replace(microsecond=0) + dt.timedelta(days=2)
    client.post(f"/api/trainings/{training['id']}/sessions", headers=dept, json={
        "starts_at": later.isoformat(), "ends_at": (later + dt.timedelta(hours=1)).isoformat()})
    row = _row(client, dept, training["id"])
    assert (row["status"], row["held"], row["sessions"], row["attendees"]) == ("draft", False, 1, 0)
    assert row["no_shows"] is None  # nobody has missed what has not begun


def test_credits_are_split_into_effective_and_in_review(client, as_user, held_training):
    training, _, _ = held_training
    credits = client.get("/api/credits", headers=as_user("dept1"), params={"training_id": training["id"]}).json()
    mine = next(c for c in credits["items"] if c["person_name"] == "张伟")
    client.post(f"/api/credits/{mine['id']}/approve", headers=as_user("dept1"))
    client.post(f"/api/credits/{mine['id']}/approve", headers=as_user("unit1"))
    row = _row(client, as_user("unit1"), training["id"])
    # 0.5 credits each: 张伟's effective, 李娜's and 王强's still in review.
    assert (row["credits_effective"], row["credits_pending"]) == (0.5, 1.0)


def test_the_detail_counts_each_session_and_department(client, as_user, held_training):
    training, first, second = held_training
    body = client.get(f"/api/activity-stats/inhouse/{training['id']}", headers=as_user("dept1")).json()
    staff = _staff(client, "内科")
    # The second session starts tomorrow: its no-shows are not counted yet.
    assert [(s["id"], s["attended"], s["no_shows"]) for s in body["sessions"]] == [
        (first["id"], 3, staff - 2), (second["id"], 1, None)]
    assert [(d["department_name"], d["attended"]) for d in body["departments"]] == [("内科", 2), ("外科", 1)]


def test_the_detail_lists_the_absent_staff(client, as_user, held_training):
    training, _, _ = held_training
    body = client.get(f"/api/activity-stats/inhouse/{training['id']}", headers=as_user("dept1")).json()
    names = [p["name"] for p in body["absent"]]
    assert len(names) == _staff(client, "内科") - 2 and "张伟" not in names and "李娜" not in names


def test_a_project_counts_its_intake_and_attendees_from_other_units(client, as_user):
    project = delegated(client, as_user, intake=50)
    session = add_project_session(client, as_user("dept1"), project["id"]).json()
    _check_in(client, as_user, session["id"], "trainee1")
    _check_in(client, as_user, session["id"], "trainee4")
    row = _row(client, as_user("unit1"), project["id"], kind="project")
    assert (row["status"], row["project_no"], row["attendees"], row["expected"], row["no_shows"]) == (
        "published", project["project_no"], 2, 50, 48)
    body = client.get(f"/api/activity-stats/project/{project['id']}", headers=as_user("unit1")).json()
    assert sorted((d["unit_name"], d["attended"]) for d in body["departments"]) == [
        ("示例第一医院", 1), ("示例第二医院", 1)]


def test_another_department_does_not_see_the_training(client, as_user, held_training):
    training, _, _ = held_training
    response = client.get(f"/api/activity-stats/inhouse/{training['id']}", headers=as_user("dept2"))
    assert response.status_code == 404 and response.json()["code"] == "activity_not_found"
    listed = client.get("/api/activity-stats", headers=as_user("dept2")).json()["items"]
    assert training["id"] not in [r["id"] for r in listed]


def test_a_trainee_cannot_read_the_statistics(client, as_user):
    response = client.get("/api/activity-stats", headers=as_user("trainee1"))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_an_unknown_kind_is_refused(client, as_user):
    response = client.get("/api/activity-stats", headers=as_user("dept1"), params={"kind": "course"})
    assert response.status_code == 400 or response.status_code == 422
    assert response.json()["code"] in ("validation_error", "bad_request")


def test_the_export_is_a_workbook_of_activities_sessions_and_departments(client, as_user, held_training):
    training, _, _ = held_training
    response = client.get("/api/activity-stats.xlsx", headers=as_user("dept1"), params={"year": 2026})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["活动", "场次", "科室"]
    activities = list(book["活动"].iter_rows(values_only=True))
    line = next(r for r in activities[1:] if r[1] == training["title"])
    assert (line[0], line[6], line[7], line[8], line[9], line[10]) == ("院内培训", "已通过", "已举办", 2, 3, 4)
    assert [r[4] for r in list(book["场次"].iter_rows(values_only=True))[1:]] == [3, 1]
    assert sorted(r[2:] for r in list(book["科室"].iter_rows(values_only=True))[1:]) == [("内科", 2), ("外科", 1)]


def test_the_export_neutralises_formulas_typed_as_titles(client, as_user):
    dept = as_user("dept1")
    training = create_training(client, dept, title='=HYPERLINK("http://example.invalid","点我")')
    response = client.get("/api/activity-stats.xlsx", headers=dept)
    book = load_workbook(io.BytesIO(response.content))
    titles = [row[1].value for row in book["活动"].iter_rows(min_row=2)]
    assert "'" + training["title"] in titles
    assert all(row[1].data_type != "f" for row in book["活动"].iter_rows(min_row=2))
