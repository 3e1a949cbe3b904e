"""First login: a trainee completes the basic profile (seed 000 §7.1) before anything else."""

import datetime as dt

from server.services.idcard import make_id_number
from server.services.masking import mask_id_number
from server.tables import Account, Person, PersonYear
from tests.api.conftest import login

NEW_ID = make_id_number("990102", dt.date(1991, 6, 2), 318)
PASSWORD = "Profile2026"
PROFILE = {"title": "住院医师", "title_level": "初级", "title_assessed_on": "2020-12-01", "appointment_year": 2021,
           "staffing": "编外", "phone": "13966667777", "specialty": "内科学", "position": "住院总"}


def _db(client, fn):
    async def run():
        return await fn()

    return client.blocking_portal.call(run)


def new_trainee(client) -> dict[str, str]:
    """A department-made account (ID number and name only), its password already changed."""
    created = client.post("/api/people", headers=login(client, "dept1"), json={"id_number": NEW_ID, "name": "孙新"})
    assert created.status_code == 201, created.text
    first = login(client, NEW_ID, NEW_ID[-6:])
    changed = client.post("/api/auth/password", headers=first,
                          json={"old_password": NEW_ID[-6:], "new_password": PASSWORD})
    assert changed.status_code == 204
    return first


def test_demo_trainees_are_complete(client):
    for name in ("trainee1", "trainee4"):
        assert client.get("/api/me", headers=login(client, name)).json()["profile_complete"] is True


def test_admins_are_never_held(client):
    assert client.get("/api/me", headers=login(client, "dept1")).json()["profile_complete"] is True


def test_login_response_leaves_the_flag_out(client):
    body = client.post("/api/auth/login", json={"username": "trainee1", "password": "Demo@2026"}).json()
    assert "profile_complete" not in body["user"] and body["user"]["must_change_password"] is False


def test_new_trainee_is_incomplete_and_names_what_is_missing(client):
    headers = new_trainee(client)
    assert client.get("/api/me", headers=headers).json()["profile_complete"] is False
    body = client.get("/api/me/profile", headers=headers).json()
    assert body["complete"] is False and body["name"] == "孙新" and body["id_number"] == mask_id_number(NEW_ID)
    assert body["missing"] == ["title", "specialty", "phone"]


def test_completing_the_profile_lifts_the_gate_and_waits_for_the_unit(client):
    headers = new_trainee(client)
    response = client.put("/api/me/profile", headers=headers, json=PROFILE)
    assert response.status_code == 200, response.text
    body = response.json()
    # Saved for the unit's approval (seed 000 §7.1 请等待审核): the gate lifts, the record waits.
    assert body["complete"] is True and body["title"] == "" and body["pending_change"]["after"]["title"] == "住院医师"
    assert client.get("/api/me", headers=headers).json()["profile_complete"] is True
    unit1 = login(client, "unit1")
    change = client.get("/api/archive-changes", headers=unit1, params={"status": "pending"}).json()["items"][0]
    assert change["section"] == "basic" and change["person_name"] == "孙新"
    assert client.post(f"/api/archive-changes/{change['id']}/approve", headers=unit1).status_code == 200
    body = client.get("/api/me/profile", headers=headers).json()
    assert body["title"] == "住院医师" and body["staffing"] == "编外" and body["pending_change"] is None
    assert body["department_name"] == "内科"  # kept: the department made the account
    phone = _db(client, lambda: Account.select(Account.phone).where(Account.username == NEW_ID).first())
    assert phone["phone"] == "13966667777"
    year = _db(client, lambda: PersonYear.select(PersonYear.title).where(
        (PersonYear.person.id_number == NEW_ID) & (PersonYear.year == dt.date.today().year)).first())
    assert year["title"] == "住院医师"


def test_bad_fields_are_named(client):
    headers = new_trainee(client)
    cases = [({"title": " "}, "title"), ({"title_assessed_on": None}, "title_assessed_on"),
             ({"specialty": ""}, "specialty"), ({"phone": "12345"}, "phone"),
             ({"title_assessed_on": "2999-01-01"}, "title_assessed_on"), ({"appointment_year": 1800}, "appointment_year")]
    for change, field in cases:
        response = client.put("/api/me/profile", headers=headers, json={**PROFILE, **change})
        assert response.status_code == 422 and response.json()["field"] == field, (change, response.text)
    bad_level = client.put("/api/me/profile", headers=headers, json={**PROFILE, "title_level": "特级"})
    assert bad_level.status_code == 422 and bad_level.json()["field"] == "title_level"
    assert _db(client, lambda: Person.select(Person.title).where(Person.id_number == NEW_ID).first())["title"] == ""


def test_no_title_level_needs_no_assessment_date(client):
    headers = new_trainee(client)
    body = {**PROFILE, "title": "无", "title_level": "无", "title_assessed_on": None}
    response = client.put("/api/me/profile", headers=headers, json=body)
    assert response.status_code == 200 and response.json()["complete"] is True


def test_phone_of_another_account_is_refused(client):
    headers = new_trainee(client)
    response = client.put("/api/me/profile", headers=headers, json={**PROFILE, "phone": "13800000001"})
    assert response.status_code == 422 and response.json()["code"] == "phone_taken"


def test_department_change_needs_a_binding_request(client):
    headers = new_trainee(client)
    surgery = _db(client, lambda: Person.select(Person.department).where(Person.name == "王强").first())["department"]
    response = client.put("/api/me/profile", headers=headers, json={**PROFILE, "department_id": surgery})
    assert response.status_code == 422 and response.json()["field"] == "department_id"


def test_unknown_fields_cannot_touch_name_or_unit(client):
    headers = new_trainee(client)
    response = client.put("/api/me/profile", headers=headers, json={**PROFILE, "name": "别人", "unit_id": 2,
                                                                     "id_number": "X"})
    assert response.status_code == 200
    assert set(response.json()["pending_change"]["after"]) <= {"department_id", "title", "title_level",
                                                              "title_assessed_on", "appointment_year", "staffing",
                                                              "phone", "specialty", "position"}
    row = _db(client, lambda: Person.select(Person.name, Person.id_number).where(Person.id_number == NEW_ID).first())
    assert row["name"] == "孙新"


def test_admin_has_no_profile_of_their_own(client):
    assert client.get("/api/me/profile", headers=login(client, "unit1")).status_code == 403
    assert client.put("/api/me/profile", headers=login(client, "unit1"), json=PROFILE).status_code == 403


def test_profile_needs_login(client):
    assert client.get("/api/me/profile").status_code == 401
