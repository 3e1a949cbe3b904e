"""Binding requests (单位变更申请): the trainee asks, the target unit's admin confirms (seed 002 §3.2.1)."""

import datetime as dt

from server.tables import AuditLog, BindingRequest, Person, PersonYear
from tests.api.conftest import login
from tests.api.registration_helpers import unit_and_department
from tests.api.test_profile import new_trainee


def _db(client, fn):
    async def run():
        return await fn()

    return client.blocking_portal.call(run)


def _second_hospital(client):
    return unit_and_department(client, "9901002", "外科")


def _ask(client, user="trainee1"):
    unit_id, department_id = _second_hospital(client)
    return client.post("/api/me/binding-requests", headers=login(client, user),
                       json={"unit_id": unit_id, "department_id": department_id})


def _person(client, name="张伟"):
    return _db(client, lambda: Person.select(Person.id, Person.unit, Person.department).where(
        Person.name == name).first())


def test_trainee_asks_and_sees_the_request(client):
    response = _ask(client)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "pending" and body["unit_name"] == "示例第二医院" and body["department_name"] == "外科"
    assert body["from_unit_name"] == "示例第一医院" and body["from_department_name"] == "内科"
    mine = client.get("/api/me/binding-requests", headers=login(client, "trainee1")).json()
    assert [r["id"] for r in mine] == [body["id"]]


def test_one_pending_at_a_time(client):
    assert _ask(client).status_code == 201
    again = _ask(client)
    assert again.status_code == 409 and again.json()["code"] == "pending_exists"
    assert _db(client, lambda: BindingRequest.count()) == 1


def test_department_of_another_unit_is_422(client):
    unit_id, _ = _second_hospital(client)
    _, first_surgery = unit_and_department(client, "9901001", "外科")
    response = client.post("/api/me/binding-requests", headers=login(client, "trainee1"),
                           json={"unit_id": unit_id, "department_id": first_surgery})
    assert response.status_code == 422 and response.json()["field"] == "department_id"
    missing = client.post("/api/me/binding-requests", headers=login(client, "trainee1"),
                          json={"unit_id": 999999, "department_id": first_surgery})
    assert missing.status_code == 422 and missing.json()["field"] == "unit_id"


def test_where_one_already_is_is_422(client):
    unit_id, department_id = unit_and_department(client, "9901001", "内科")
    response = client.post("/api/me/binding-requests", headers=login(client, "trainee1"),
                           json={"unit_id": unit_id, "department_id": department_id})
    assert response.status_code == 422 and response.json()["field"] == "department_id"


def test_non_trainee_cannot_ask(client):
    unit_id, department_id = _second_hospital(client)
    response = client.post("/api/me/binding-requests", headers=login(client, "dept1"),
                           json={"unit_id": unit_id, "department_id": department_id})
    assert response.status_code == 403
    assert client.get("/api/me/binding-requests", headers=login(client, "unit1")).status_code == 403


def test_incomplete_profile_cannot_ask(client):
    headers = new_trainee(client)
    unit_id, department_id = _second_hospital(client)
    response = client.post("/api/me/binding-requests", headers=headers,
                           json={"unit_id": unit_id, "department_id": department_id})
    assert response.status_code == 403 and response.json()["code"] == "profile_incomplete"


def test_target_unit_approves_and_the_person_moves(client):
    request_id = _ask(client).json()["id"]
    unit2 = login(client, "unit2")
    queue = client.get("/api/binding-requests", headers=unit2).json()
    assert queue["total"] == 1 and queue["items"][0]["name"] == "张伟" and "*" in queue["items"][0]["id_number"]
    assert "*" in queue["items"][0]["phone"]
    approved = client.post(f"/api/binding-requests/{request_id}/approve", headers=unit2)
    assert approved.status_code == 200 and approved.json() == {"id": request_id, "status": "approved"}
    unit_id, department_id = _second_hospital(client)
    person = _person(client)
    assert (person["unit"], person["department"]) == (unit_id, department_id)
    year = _db(client, lambda: PersonYear.select(PersonYear.unit, PersonYear.remark).where(
        (PersonYear.person == person["id"]) & (PersonYear.year == dt.date.today().year)).first())
    assert year["unit"] == unit_id and "示例第二医院" in year["remark"]
    actions = {a["action"] for a in _db(client, lambda: AuditLog.select(AuditLog.action))}
    assert {"binding_request", "binding_approve"} <= actions
    # The trainee's scope follows the person: the new unit's admin now sees them.
    people = client.get("/api/people", params={"q": "张伟"}, headers=unit2).json()["items"]
    assert [p["name"] for p in people] == ["张伟"]


def test_double_approval_is_409(client):
    request_id = _ask(client).json()["id"]
    unit2 = login(client, "unit2")
    assert client.post(f"/api/binding-requests/{request_id}/approve", headers=unit2).status_code == 200
    again = client.post(f"/api/binding-requests/{request_id}/approve", headers=unit2)
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"


def test_other_units_admin_can_neither_see_nor_approve(client):
    request_id = _ask(client).json()["id"]
    unit1 = login(client, "unit1")  # the unit the trainee is leaving
    assert client.get("/api/binding-requests", headers=unit1).json() == {"items": [], "total": 0}
    response = client.post(f"/api/binding-requests/{request_id}/approve", headers=unit1)
    assert response.status_code == 404 and response.json()["code"] == "binding_request_not_found"
    assert _db(client, lambda: BindingRequest.select(BindingRequest.status).first())["status"] == "pending"


def test_dept_admin_and_trainee_cannot_review(client):
    request_id = _ask(client).json()["id"]
    for user in ("dept3", "trainee4"):
        assert client.post(f"/api/binding-requests/{request_id}/approve", headers=login(client, user)).status_code == 403
        assert client.get("/api/binding-requests", headers=login(client, user)).status_code == 403


def test_reject_needs_a_reason_and_then_a_new_request_is_allowed(client):
    request_id = _ask(client).json()["id"]
    unit2 = login(client, "unit2")
    no_reason = client.post(f"/api/binding-requests/{request_id}/reject", headers=unit2, json={"reason": " "})
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    rejected = client.post(f"/api/binding-requests/{request_id}/reject", headers=unit2, json={"reason": "查无此人"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert _person(client)["unit"] != _second_hospital(client)[0]
    mine = client.get("/api/me/binding-requests", headers=login(client, "trainee1")).json()
    assert mine[0]["reason"] == "查无此人"
    assert _ask(client).status_code == 201
    rejected_only = client.get("/api/binding-requests", params={"status": "rejected"}, headers=unit2).json()
    assert [r["id"] for r in rejected_only["items"]] == [request_id]


def test_batch_review(client):
    first = _ask(client, "trainee1").json()["id"]
    second = _ask(client, "trainee2").json()["id"]
    unit2 = login(client, "unit2")
    assert client.post(f"/api/binding-requests/{second}/approve", headers=unit2).status_code == 200
    result = client.post("/api/binding-requests/batch", headers=unit2,
                         json={"ids": [first, second, 999999], "action": "approve"})
    assert result.status_code == 200
    rows = {r["id"]: r for r in result.json()["results"]}
    assert rows[first] == {"id": first, "ok": True, "status": "approved"}
    assert rows[second]["ok"] is False and rows[second]["code"] == "invalid_state"
    assert rows[999999]["code"] == "binding_request_not_found"
    no_reason = client.post("/api/binding-requests/batch", headers=unit2, json={"ids": [first], "action": "reject"})
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"


def test_a_race_past_the_checks_is_409_and_moves_no_one(client, monkeypatch):
    from server.services import binding as service

    request_id = _ask(client).json()["id"]
    unit2 = login(client, "unit2")
    assert client.post(f"/api/binding-requests/{request_id}/reject", headers=unit2,
                       json={"reason": "不是本院"}).status_code == 200
    before = _person(client)
    real = service._reviewable

    async def stale(*args):
        return {**await real(*args), "status": "pending"}  # read before the other reviewer wrote

    monkeypatch.setattr(service, "_reviewable", stale)
    response = client.post(f"/api/binding-requests/{request_id}/approve", headers=unit2)
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    assert _person(client) == before
