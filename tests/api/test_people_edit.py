"""PATCH /api/people/{id} (seed 001 §2.1 编辑) and the change log it writes (001 §2.3)."""

import datetime as dt

from server.services.idcard import make_id_number
from server.tables import Account, Person, PersonYear
from server.services.demo import DEMO_PASSWORD
from tests.api.conftest import login
from tests.api.people_helpers import db, department_id, person_of


def test_dept_admin_promotes_a_person_and_the_log_shows_before_and_after(client):
    dept1 = login(client, "dept1")
    pid = person_of(client, "trainee1")
    response = client.patch(f"/api/people/{pid}", headers=dept1, json={"title": "副主任医师"})
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "副主任医师" and response.json()["title_level"] == "副高"
    year = db(client, lambda: PersonYear.select(PersonYear.title_level).where(
        (PersonYear.person == pid) & (PersonYear.year == dt.date.today().year)).first())
    assert year["title_level"] == "副高"
    log = client.get(f"/api/people/{pid}/changes", headers=dept1).json()
    newest = log["items"][0]
    assert newest["account"] == "dept1" and newest["ip"]
    assert newest["before"] == {"title": "主治医师", "title_level": "中级"}
    assert newest["after"] == {"title": "副主任医师", "title_level": "副高"}
    assert "主治医师 → 副主任医师" in newest["summary"]


def test_a_new_id_number_brings_its_sex_birth_date_and_username(client):
    pid = person_of(client, "trainee1")
    new_id = make_id_number("990102", dt.date(1987, 3, 4), 122)  # even → 女
    response = client.patch(f"/api/people/{pid}", headers=login(client, "unit1"), json={"id_number": new_id})
    assert response.status_code == 200, response.text
    assert response.json()["sex"] == "女" and response.json()["birth_date"] == "1987-03-04"
    row = db(client, lambda: Person.select(Person.id_number).where(Person.id == pid).first())
    assert row["id_number"] == new_id
    log = client.get(f"/api/people/{pid}/changes", headers=login(client, "unit1")).json()["items"][0]
    assert new_id not in str(log)  # masked in the log


def test_another_departments_person_is_404_and_unchanged(client):
    pid = person_of(client, "trainee3")  # 外科
    response = client.patch(f"/api/people/{pid}", headers=login(client, "dept1"), json={"title": "主任医师"})
    assert response.status_code == 404 and response.json()["code"] == "person_not_found"
    assert db(client, lambda: Person.select(Person.title).where(Person.id == pid).first())["title"] == "副主任医师"


def test_another_units_admin_gets_404(client):
    pid = person_of(client, "trainee1")
    response = client.patch(f"/api/people/{pid}", headers=login(client, "unit2"), json={"position": "科主任"})
    assert response.status_code == 404 and response.json()["code"] == "person_not_found"


def test_region_admin_and_trainee_may_not_edit(client):
    pid = person_of(client, "trainee1")
    for user in ("region1", "trainee1"):
        response = client.patch(f"/api/people/{pid}", headers=login(client, user), json={"position": "科主任"})
        assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_duplicate_id_number_is_409(client):
    pid = person_of(client, "trainee1")
    second = person_of(client, "trainee2")
    other = db(client, lambda: Person.select(Person.id_number).where(Person.id == second).first())["id_number"]
    response = client.patch(f"/api/people/{pid}", headers=login(client, "dept1"), json={"id_number": other})
    assert response.status_code == 409 and response.json()["code"] == "duplicate"


def test_bad_check_digit_is_422_naming_the_field(client):
    pid = person_of(client, "trainee1")
    good = make_id_number("990102", dt.date(1987, 3, 4), 122)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = client.patch(f"/api/people/{pid}", headers=login(client, "dept1"), json={"id_number": bad})
    assert response.status_code == 422 and response.json()["field"] == "id_number"


def test_title_outside_the_list_or_a_wrong_level_is_422(client):
    dept1 = login(client, "dept1")
    pid = person_of(client, "trainee1")
    unknown = client.patch(f"/api/people/{pid}", headers=dept1, json={"title": "大医师"})
    assert unknown.status_code == 422 and unknown.json()["field"] == "title"
    mismatch = client.patch(f"/api/people/{pid}", headers=dept1, json={"title": "主任医师", "title_level": "中级"})
    assert mismatch.status_code == 422 and mismatch.json()["field"] == "title_level"


def test_phone_of_another_account_is_422(client):
    pid = person_of(client, "trainee1")
    response = client.patch(f"/api/people/{pid}", headers=login(client, "dept1"), json={"phone": "13800000002"})
    assert response.status_code == 422 and response.json()["code"] == "phone_taken"


def test_phone_change_follows_into_the_account(client):
    pid = person_of(client, "trainee1")
    response = client.patch(f"/api/people/{pid}", headers=login(client, "dept1"), json={"phone": "13912340000"})
    assert response.status_code == 200
    account = db(client, lambda: Account.select(Account.phone).where(Account.person == pid).first())
    assert account["phone"] == "13912340000"


def test_unit_admin_moves_a_person_to_another_department_of_the_unit(client):
    pid = person_of(client, "trainee1")
    surgery = department_id(client, "9901001", "外科")
    response = client.patch(f"/api/people/{pid}", headers=login(client, "unit1"), json={"department_id": surgery})
    assert response.status_code == 200 and response.json()["department_name"] == "外科"
    log = client.get(f"/api/people/{pid}/changes", headers=login(client, "unit1")).json()["items"][0]
    assert log["before"] == {"department_id": "内科"} and log["after"] == {"department_id": "外科"}


def test_department_of_another_unit_is_422(client):
    pid = person_of(client, "trainee1")
    other = department_id(client, "9901002", "内科")
    response = client.patch(f"/api/people/{pid}", headers=login(client, "unit1"), json={"department_id": other})
    assert response.status_code == 422 and response.json()["field"] == "department_id"


def test_unknown_and_derived_fields_are_refused(client):
    pid = person_of(client, "trainee1")
    response = client.patch(f"/api/people/{pid}", headers=login(client, "dept1"), json={"sex": "女"})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_not_appointed_is_null(client):
    pid = person_of(client, "trainee1")
    response = client.patch(f"/api/people/{pid}", headers=login(client, "dept1"), json={"appointment_year": None})
    assert response.status_code == 200 and response.json()["appointment_year"] is None


def test_change_log_is_not_for_trainees_or_other_units(client):
    pid = person_of(client, "trainee1")
    expected = {"trainee1": (403, "forbidden"), "unit2": (404, "person_not_found"), "dept2": (404, "person_not_found")}
    for user, answer in expected.items():
        response = client.get(f"/api/people/{pid}/changes", headers=login(client, user))
        assert (response.status_code, response.json()["code"]) == answer, user


def test_change_log_screen_filters_by_account_and_person(client):
    dept1 = login(client, "dept1")
    pid = person_of(client, "trainee1")
    client.patch(f"/api/people/{pid}", headers=dept1, json={"position": "住院总"})
    client.patch(f"/api/people/{person_of(client, 'trainee2')}", headers=dept1, json={"position": "秘书"})
    everything = client.get("/api/people/changes", headers=dept1, params={"account": "dept1"}).json()
    assert everything["total"] == 2
    one = client.get("/api/people/changes", headers=dept1, params={"q": "张伟"}).json()
    assert [i["person_name"] for i in one["items"]] == ["张伟"]
    assert client.get("/api/people/changes", headers=login(client, "dept2")).json()["total"] == 0
    unknown = client.get("/api/people/changes", headers=dept1, params={"action": "nonsense"})
    assert unknown.status_code == 422 and unknown.json()["field"] == "action"


def test_change_log_department_filter_in_reach_narrows_and_out_of_reach_is_422(client):
    unit1, dept1 = login(client, "unit1"), login(client, "dept1")
    client.patch(f"/api/people/{person_of(client, 'trainee1')}", headers=dept1, json={"position": "住院总"})
    medicine = client.get(f"/api/people/{person_of(client, 'trainee1')}", headers=unit1).json()["department_id"]
    mine = client.get("/api/people/changes", headers=unit1, params={"department_id": medicine}).json()
    assert mine["total"] == 1 and mine["items"][0]["person_name"] == "张伟"
    surgery = client.get(f"/api/people/{person_of(client, 'trainee3')}", headers=unit1).json()["department_id"]
    for department_id in (surgery, 987654):  # another department, one that doesn't exist: the same answer
        response = client.get("/api/people/changes", headers=dept1, params={"department_id": department_id})
        assert response.status_code == 422 and response.json()["field"] == "department_id"


def test_correcting_the_id_of_an_account_never_logged_in_moves_its_first_password_too(client):
    """The first password is the ID's last six: after a wrong ID is corrected, the right ID's last six
    log in (and still owe a change); an account whose password was already changed keeps it."""
    from tests.api.test_people_create import FIELDS, NEW_ID

    dept1 = login(client, "dept1")
    pid = client.post("/api/people", headers=dept1, json=FIELDS).json()["id"]
    right = make_id_number("990102", dt.date(1985, 7, 9), 248)
    assert client.patch(f"/api/people/{pid}", headers=dept1, json={"id_number": right}).status_code == 200
    assert client.post("/api/auth/login", json={"username": right, "password": NEW_ID[-6:]}).status_code == 401
    first = client.post("/api/auth/login", json={"username": right, "password": right[-6:]})
    assert first.status_code == 200 and first.json()["user"]["must_change_password"] is True

    trainee = person_of(client, "trainee1")
    corrected = make_id_number("990102", dt.date(1990, 1, 2), 131)
    assert client.patch(f"/api/people/{trainee}", headers=dept1, json={"id_number": corrected}).status_code == 200
    assert client.post("/api/auth/login", json={"username": "trainee1", "password": DEMO_PASSWORD}).status_code == 200
