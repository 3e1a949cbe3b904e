"""Department-made accounts: username is the ID number, first password its last six characters."""

import datetime as dt

from server.services.idcard import make_id_number
from server.tables import Account, Department, Person, RoleGrant
from tests.api.conftest import login

NEW_ID = make_id_number("990102", dt.date(1985, 7, 9), 246)  # even sequence → 女
FIELDS = {"id_number": NEW_ID, "name": "钱新", "title": "主治医师", "title_level": "中级",
          "title_assessed_on": "2019-12-01", "appointment_year": 2020, "staffing": "编外", "status": "正常",
          "phone": "13955556666", "specialty": "内科学"}


def _db(client, fn):
    async def run():
        return await fn()

    return client.blocking_portal.call(run)


def _department(client, unit_code, name):
    return _db(client, lambda: Department.select(Department.id).where(
        (Department.unit.code == unit_code) & (Department.name == name)).first())["id"]


def test_dept_admin_adds_a_person_who_must_change_the_password(client):
    response = client.post("/api/people", headers=login(client, "dept1"), json=FIELDS)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "钱新" and body["sex"] == "女" and body["birth_date"] == "1985-07-09"
    assert body["department_name"] == "内科" and body["staffing"] == "编外" and body["person_no"]
    assert body["id_number"] != NEW_ID  # masked

    first = client.post("/api/auth/login", json={"username": NEW_ID, "password": NEW_ID[-6:]})
    assert first.status_code == 200
    assert first.json()["user"]["must_change_password"] is True
    headers = {"Authorization": f"Bearer {first.json()['token']}"}
    blocked = client.get("/api/credits", headers=headers)
    assert blocked.status_code == 403 and blocked.json()["code"] == "password_change_required"
    changed = client.post("/api/auth/password", headers=headers,
                          json={"old_password": NEW_ID[-6:], "new_password": "Changed2026"})
    assert changed.status_code == 204
    grants = _db(client, lambda: RoleGrant.select(RoleGrant.role).where(RoleGrant.account.username == NEW_ID))
    assert [g["role"] for g in grants] == ["trainee"]


def test_unit_admin_names_the_department(client):
    unit1 = login(client, "unit1")
    missing = client.post("/api/people", headers=unit1, json=FIELDS)
    assert missing.status_code == 422 and missing.json()["field"] == "department_id"
    surgery = _department(client, "9901001", "外科")
    response = client.post("/api/people", headers=unit1, json={**FIELDS, "department_id": surgery,
                                                                "person_no": "X0001"})
    assert response.status_code == 201 and response.json()["person_no"] == "X0001"
    assert response.json()["department_name"] == "外科"


def test_out_of_scope_department_is_422(client):
    other = _department(client, "9901002", "内科")
    for user in ("dept1", "unit1"):
        response = client.post("/api/people", headers=login(client, user), json={**FIELDS, "department_id": other})
        assert response.status_code == 422 and response.json()["field"] == "department_id"
    assert _db(client, lambda: Person.count().where(Person.id_number == NEW_ID)) == 0


def test_duplicate_id_number_is_409(client):
    dept1 = login(client, "dept1")
    assert client.post("/api/people", headers=dept1, json=FIELDS).status_code == 201
    again = client.post("/api/people", headers=dept1, json={**FIELDS, "name": "别人"})
    assert again.status_code == 409 and again.json()["code"] == "duplicate"
    assert _db(client, lambda: Account.count().where(Account.username == NEW_ID)) == 1


def test_bad_id_number_is_422(client):
    bad = NEW_ID[:17] + ("0" if NEW_ID[17] != "0" else "1")
    response = client.post("/api/people", headers=login(client, "dept1"), json={**FIELDS, "id_number": bad})
    assert response.status_code == 422 and response.json()["field"] == "id_number"


def test_trainee_cannot_add_people(client):
    response = client.post("/api/people", headers=login(client, "trainee1"), json=FIELDS)
    assert response.status_code == 403
