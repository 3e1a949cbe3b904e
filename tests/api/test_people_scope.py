"""Every admin sees exactly the people of its scope; anything else is 404."""

import pytest

from tests.api.conftest import login
from server.tables import Department, Person, Unit


def _db(client, coro_fn):
    return client.blocking_portal.call(coro_fn)


def _expected_ids(client, where_fn):
    async def ids():
        rows = await Person.select(Person.id).where(await where_fn())
        return {r["id"] for r in rows}

    return _db(client, ids)


async def _department(unit_name, name):
    row = await Department.select(Department.id).where(
        (Department.unit.name == unit_name) & (Department.name == name)
    ).first()
    return row["id"]


def _all_visible(client, headers):
    response = client.get("/api/people", params={"page_size": 100}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return {p["id"] for p in body["items"]}


SCOPES = {
    "dept1": lambda: _in_department("示例第一医院", "内科"),
    "dept2": lambda: _in_department("示例第一医院", "外科"),
    "dept3": lambda: _in_department("示例第二医院", "内科"),
    "unit1": lambda: _in_unit("示例第一医院"),
    "unit2": lambda: _in_unit("示例第二医院"),
    "region1": lambda: _everyone(),
}


async def _in_department(unit, name):
    return Person.department == await _department(unit, name)


async def _in_unit(name):
    unit = await Unit.select(Unit.id).where(Unit.name == name).first()
    return Person.unit == unit["id"]


async def _everyone():
    return Person.id > 0


@pytest.mark.parametrize("username", sorted(SCOPES))
def test_admin_sees_exactly_its_own_people(client, username):
    expected = _expected_ids(client, SCOPES[username])
    assert expected, "demo data must give every admin someone to see"
    assert _all_visible(client, login(client, username)) == expected


def test_department_admin_gets_404_for_another_departments_person(client):
    surgery = _expected_ids(client, SCOPES["dept2"])
    headers = login(client, "dept1")
    response = client.get(f"/api/people/{min(surgery)}", headers=headers)
    assert response.status_code == 404
    assert response.json()["code"] == "person_not_found"


def test_unit_admin_gets_404_for_another_units_person(client):
    other = _expected_ids(client, SCOPES["unit2"])
    response = client.get(f"/api/people/{min(other)}", headers=login(client, "unit1"))
    assert response.status_code == 404


def test_search_cannot_reach_outside_the_scope(client):
    headers = login(client, "dept1")
    response = client.get("/api/people", params={"q": "王强"}, headers=headers)  # trainee3, 外科
    assert response.json() == {"items": [], "total": 0}


def test_department_filter_outside_scope_or_unknown_is_422(client):
    """An unknown filter value is 422 (contract); a department out of reach answers exactly as one that
    does not exist, so the answer tells nothing about other departments."""
    async def surgery():
        return await _department("示例第一医院", "外科")

    headers = login(client, "dept1")
    answers = [client.get(path, params={"department_id": department_id}, headers=headers)
               for department_id in (_db(client, surgery), 987654) for path in ("/api/people", "/api/people.xlsx")]
    assert {(r.status_code, r.json()["field"], r.json()["detail"]) for r in answers} == {
        (422, "department_id", "科室不存在或不在您的管理范围内")}


def test_region_admin_can_filter_by_a_department_in_the_region(client):
    async def surgery():
        return await _department("示例第二医院", "内科")

    department_id = _db(client, surgery)
    body = client.get("/api/people", params={"department_id": department_id, "page_size": 100},
                      headers=login(client, "region1")).json()
    assert body["total"] > 0 and {p["department_id"] for p in body["items"]} == {department_id}


def test_unit_admin_can_filter_by_department(client):
    async def surgery():
        return await _department("示例第一医院", "外科")

    department_id = _db(client, surgery)
    body = client.get("/api/people", params={"department_id": department_id, "page_size": 100},
                      headers=login(client, "unit1")).json()
    assert body["total"] > 0
    assert {p["department_id"] for p in body["items"]} == {department_id}


def test_search_by_name_substring(client):
    body = client.get("/api/people", params={"q": "张"}, headers=login(client, "dept1")).json()
    assert body["total"] >= 1
    assert all("张" in p["name"] for p in body["items"])


def test_list_masks_id_numbers_and_phones(client):
    body = client.get("/api/people", params={"page_size": 100}, headers=login(client, "unit1")).json()
    assert len(body["items"]) >= 10

    async def raw():
        rows = await Person.select(Person.id, Person.id_number, Person.phone).where(
            Person.id.is_in([p["id"] for p in body["items"]]))
        return {r["id"]: r for r in rows}

    stored = _db(client, raw)
    # Seed 001 shows 320*****65: the first three and the last two of the ID number; the phone
    # keeps its first three and last four. Every listed person, and at least one with a phone.
    for person in body["items"]:
        id_number, phone = stored[person["id"]]["id_number"], stored[person["id"]]["phone"]
        assert len(id_number) == 18
        assert person["id_number"] == id_number[:3] + "*****" + id_number[-2:]
        assert person["phone"] == (phone[:3] + "****" + phone[-4:] if phone else "")
    assert any(stored[p["id"]]["phone"] for p in body["items"])


def test_paging(client):
    headers = login(client, "unit1")
    first = client.get("/api/people", params={"page_size": 5, "page": 1}, headers=headers).json()
    second = client.get("/api/people", params={"page_size": 5, "page": 2}, headers=headers).json()
    assert len(first["items"]) == 5 and len(second["items"]) == 5
    assert not {p["id"] for p in first["items"]} & {p["id"] for p in second["items"]}
    assert first["total"] == second["total"]


def test_page_size_over_limit_is_422(client):
    response = client.get("/api/people", params={"page_size": 1000}, headers=login(client, "unit1"))
    assert response.status_code == 422
    assert response.json()["field"] == "page_size"


def test_trainee_cannot_list_people(client):
    response = client.get("/api/people", headers=login(client, "trainee1"))
    assert response.status_code == 403


def test_trainee_reads_own_record_with_the_id_number_masked_and_the_phone_whole(client):
    headers = login(client, "trainee1")
    me = client.get("/api/me", headers=headers).json()
    person = client.get(f"/api/people/{me['person_id']}", headers=headers).json()
    assert person["name"] == "张伟"
    assert "*****" in person["id_number"] and len(person["id_number"]) == 10
    assert person["phone"] == "13800000001"


def test_trainee_gets_404_for_a_colleague(client):
    me = client.get("/api/me", headers=login(client, "trainee2")).json()
    response = client.get(f"/api/people/{me['person_id']}", headers=login(client, "trainee1"))
    assert response.status_code == 404


def test_admin_sees_masked_id_in_detail(client):
    me = client.get("/api/me", headers=login(client, "trainee1")).json()
    person = client.get(f"/api/people/{me['person_id']}", headers=login(client, "dept1")).json()
    assert person["id_number"].count("*") == 5
