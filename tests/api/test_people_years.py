"""Per-year title and status (seed 001 §2.2): the history rows, and the batch change."""

import datetime as dt

from server.tables import Person, PersonYear
from tests.api.conftest import login
from tests.api.people_helpers import db, person_of

THIS_YEAR = dt.date.today().year


def test_add_a_past_year_and_read_it_back_with_the_unit(client):
    dept1 = login(client, "dept1")
    pid = person_of(client, "trainee1")
    response = client.post(f"/api/people/{pid}/years", headers=dept1, json={
        "year": THIS_YEAR - 2, "title": "住院医师", "title_level": "初级", "status": "正常", "remark": "补录"})
    assert response.status_code == 201, response.text
    years = client.get(f"/api/people/{pid}/years", headers=dept1).json()
    row = next(r for r in years["items"] if r["year"] == THIS_YEAR - 2)
    assert row["title"] == "住院医师" and row["unit_name"] == "示例第一医院" and row["unit_code"] == "9901001"
    assert row["unit_level"] == "市直属" and row["remark"] == "补录"
    assert [r["year"] for r in years["items"]] == sorted((r["year"] for r in years["items"]), reverse=True)


def test_a_year_twice_is_409(client):
    dept1 = login(client, "dept1")
    pid = person_of(client, "trainee1")
    body = {"year": 2019, "title": "住院医师", "status": "正常"}
    assert client.post(f"/api/people/{pid}/years", headers=dept1, json=body).status_code == 201
    again = client.post(f"/api/people/{pid}/years", headers=dept1, json=body)
    assert again.status_code == 409 and again.json()["code"] == "duplicate"


def test_editing_this_years_row_changes_the_current_status(client):
    dept1 = login(client, "dept1")
    pid = person_of(client, "trainee1")
    response = client.put(f"/api/people/{pid}/years/{THIS_YEAR}", headers=dept1,
                          json={"title": "主治医师", "status": "退休", "title_assessed_on": "2018-12-01",
                                "remark": "机构添加人员"})
    assert response.status_code == 200 and response.json()["status"] == "退休"
    assert db(client, lambda: Person.select(Person.status).where(Person.id == pid).first())["status"] == "退休"
    log = client.get(f"/api/people/{pid}/changes", headers=dept1).json()["items"][0]
    assert log["before"] == {"year": THIS_YEAR, "status": "正常"} and log["after"]["status"] == "退休"


def test_edit_or_delete_a_missing_year_is_404(client):
    dept1 = login(client, "dept1")
    pid = person_of(client, "trainee1")
    put = client.put(f"/api/people/{pid}/years/2001", headers=dept1, json={"title": "主治医师", "status": "正常"})
    assert put.status_code == 404 and put.json()["code"] == "year_not_found"
    gone = client.delete(f"/api/people/{pid}/years/2001", headers=dept1)
    assert gone.status_code == 404 and gone.json()["code"] == "year_not_found"


def test_delete_a_year(client):
    dept1 = login(client, "dept1")
    pid = person_of(client, "trainee1")
    client.post(f"/api/people/{pid}/years", headers=dept1, json={"year": 2018, "title": "住院医师", "status": "正常"})
    assert client.delete(f"/api/people/{pid}/years/2018", headers=dept1).status_code == 204
    assert not db(client, lambda: PersonYear.exists().where((PersonYear.person == pid) & (PersonYear.year == 2018)))


def test_years_of_another_departments_person_are_404(client):
    pid = person_of(client, "trainee3")
    dept1 = login(client, "dept1")
    assert client.get(f"/api/people/{pid}/years", headers=dept1).status_code == 404
    add = client.post(f"/api/people/{pid}/years", headers=dept1, json={"year": 2020, "title": "住院医师",
                                                                         "status": "正常"})
    assert add.status_code == 404 and add.json()["code"] == "person_not_found"


def test_trainee_reads_own_years_but_cannot_add(client):
    trainee1 = login(client, "trainee1")
    pid = person_of(client, "trainee1")
    assert client.get(f"/api/people/{pid}/years", headers=trainee1).status_code == 200
    add = client.post(f"/api/people/{pid}/years", headers=trainee1, json={"year": 2020, "title": "住院医师",
                                                                            "status": "正常"})
    assert add.status_code == 403 and add.json()["code"] == "forbidden"


def test_bad_year_or_status_is_422(client):
    dept1 = login(client, "dept1")
    pid = person_of(client, "trainee1")
    future = client.post(f"/api/people/{pid}/years", headers=dept1,
                         json={"year": THIS_YEAR + 5, "title": "住院医师", "status": "正常"})
    assert future.status_code == 422 and future.json()["field"] == "year"
    status = client.post(f"/api/people/{pid}/years", headers=dept1,
                         json={"year": 2020, "title": "住院医师", "status": "在岗"})
    assert status.status_code == 422 and status.json()["field"] == "status"


def test_batch_changes_this_years_title_of_the_selected(client):
    dept1 = login(client, "dept1")
    ids = [person_of(client, "trainee1"), person_of(client, "trainee2")]
    preview = client.post("/api/people/batch/preview", headers=dept1, json={"ids": ids, "year": THIS_YEAR,
                                                                            "title": "主治医师"})
    # trainee1 is already 主治医师 (中级); trainee2 moves from 初级.
    assert preview.status_code == 200 and preview.json() == {"selected": 2, "changed": 1, "affected": 1}
    response = client.post("/api/people/batch", headers=dept1, json={"ids": ids, "year": THIS_YEAR,
                                                                     "title": "主治医师"})
    assert response.status_code == 200 and response.json() == {"updated": 1}
    rows = db(client, lambda: Person.select(Person.title_level).where(Person.id.is_in(ids)))
    assert {r["title_level"] for r in rows} == {"中级"}


def test_batch_of_a_past_year_adds_the_missing_rows(client):
    dept1 = login(client, "dept1")
    ids = [person_of(client, "trainee1"), person_of(client, "trainee2")]
    response = client.post("/api/people/batch", headers=dept1, json={"ids": ids, "year": 2020, "status": "停用"})
    assert response.json() == {"updated": 2}
    rows = db(client, lambda: PersonYear.select(PersonYear.status).where(
        PersonYear.person.is_in(ids) & (PersonYear.year == 2020)))
    assert [r["status"] for r in rows] == ["停用", "停用"]
    current = db(client, lambda: Person.select(Person.status).where(Person.id.is_in(ids)))
    assert {r["status"] for r in current} == {"正常"}  # a past year leaves the current status alone


def test_batch_including_someone_out_of_scope_is_404_and_changes_nobody(client):
    dept1 = login(client, "dept1")
    ids = [person_of(client, "trainee1"), person_of(client, "trainee3")]
    response = client.post("/api/people/batch", headers=dept1, json={"ids": ids, "year": THIS_YEAR,
                                                                     "status": "退休"})
    assert response.status_code == 404 and response.json()["code"] == "person_not_found"
    rows = db(client, lambda: Person.select(Person.status).where(Person.id.is_in(ids)))
    assert {r["status"] for r in rows} == {"正常"}


def test_batch_without_a_change_is_422(client):
    response = client.post("/api/people/batch", headers=login(client, "dept1"),
                           json={"ids": [person_of(client, "trainee1")], "year": THIS_YEAR})
    assert response.status_code == 422 and response.json()["field"] == "title"
