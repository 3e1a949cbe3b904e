"""Two-level review of credits: department, then unit; one winner under contention."""

import asyncio

from tests.api.attendance_helpers import current_code, open_session


def _pending_credit(client, as_user, trainee="trainee1"):
    dept, unit = as_user("dept1"), as_user("unit1")
    _, session = open_session(client, dept, unit)
    body = client.post("/api/checkins", headers=as_user(trainee), json={
        "session_id": session["id"], "code": current_code(client, dept, session["id"])}).json()
    return body["credit"]["id"], dept, unit


def test_department_then_unit_makes_it_effective(client, as_user):
    credit_id, dept, unit = _pending_credit(client, as_user)
    assert client.post(f"/api/credits/{credit_id}/approve", headers=dept).json() == {
        "id": credit_id, "status": "pending_unit"}
    assert client.post(f"/api/credits/{credit_id}/approve", headers=unit).json() == {
        "id": credit_id, "status": "effective"}


def test_approving_twice_is_409_invalid_state(client, as_user):
    credit_id, dept, _ = _pending_credit(client, as_user)
    assert client.post(f"/api/credits/{credit_id}/approve", headers=dept).status_code == 200
    again = client.post(f"/api/credits/{credit_id}/approve", headers=dept)
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"


def test_unit_cannot_skip_the_department(client, as_user):
    credit_id, _, unit = _pending_credit(client, as_user)
    response = client.post(f"/api/credits/{credit_id}/approve", headers=unit)
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"


def test_effective_credit_cannot_be_approved_again(client, as_user):
    credit_id, dept, unit = _pending_credit(client, as_user)
    client.post(f"/api/credits/{credit_id}/approve", headers=dept)
    client.post(f"/api/credits/{credit_id}/approve", headers=unit)
    assert client.post(f"/api/credits/{credit_id}/approve", headers=unit).status_code == 409


def test_other_department_cannot_see_or_approve(client, as_user):
    credit_id, _, _ = _pending_credit(client, as_user)
    dept2 = as_user("dept2")
    assert client.post(f"/api/credits/{credit_id}/approve", headers=dept2).status_code == 404
    assert credit_id not in {c["id"] for c in client.get("/api/credits", headers=dept2).json()["items"]}
    assert client.get(f"/api/credits/{credit_id}", headers=dept2).status_code == 404


def test_trainee_cannot_approve_own_credit(client, as_user):
    credit_id, _, _ = _pending_credit(client, as_user)
    assert client.post(f"/api/credits/{credit_id}/approve", headers=as_user("trainee1")).status_code == 403


def test_other_trainee_gets_404(client, as_user):
    credit_id, _, _ = _pending_credit(client, as_user)
    assert client.post(f"/api/credits/{credit_id}/approve", headers=as_user("trainee2")).status_code == 404


def test_trainee_lists_own_credits_only(client, as_user):
    credit_id, _, _ = _pending_credit(client, as_user)
    mine = client.get("/api/credits", headers=as_user("trainee1")).json()
    assert [c["id"] for c in mine["items"]] == [credit_id]
    assert client.get("/api/credits", headers=as_user("trainee2")).json()["total"] == 0


def test_filters_by_status_and_year(client, as_user):
    credit_id, dept, _ = _pending_credit(client, as_user)
    assert client.get("/api/credits", params={"status": "pending_dept"}, headers=dept).json()["total"] == 1
    assert client.get("/api/credits", params={"status": "effective"}, headers=dept).json()["total"] == 0
    assert client.get("/api/credits", params={"year": 2025}, headers=dept).json()["total"] == 0
    assert client.get("/api/credits", params={"status": "bogus"}, headers=dept).status_code == 422


def test_return_needs_a_reason(client, as_user):
    credit_id, dept, _ = _pending_credit(client, as_user)
    response = client.post(f"/api/credits/{credit_id}/return", headers=dept, json={"reason": ""})
    assert response.status_code == 422 and response.json()["field"] == "reason"


def test_return_and_reject(client, as_user):
    credit_id, dept, _ = _pending_credit(client, as_user)
    assert client.post(f"/api/credits/{credit_id}/return", headers=dept,
                       json={"reason": "证明材料不清晰"}).json()["status"] == "returned"
    other, _, _ = _pending_credit(client, as_user, trainee="trainee2")
    assert client.post(f"/api/credits/{other}/reject", headers=dept,
                       json={"reason": "未实际参加"}).json()["status"] == "rejected"
    assert client.post(f"/api/credits/{other}/approve", headers=dept).status_code == 409


def test_every_transition_is_an_event(client, as_user):
    credit_id, dept, unit = _pending_credit(client, as_user)
    client.post(f"/api/credits/{credit_id}/approve", headers=dept)
    client.post(f"/api/credits/{credit_id}/approve", headers=unit)
    events = client.get(f"/api/credits/{credit_id}", headers=unit).json()["events"]
    assert [(e["from_status"], e["to_status"]) for e in events] == [
        ("", "pending_dept"), ("pending_dept", "pending_unit"), ("pending_unit", "effective")]


def test_batch_approve_reports_each_record(client, as_user):
    first, dept, _ = _pending_credit(client, as_user)
    second, _, _ = _pending_credit(client, as_user, trainee="trainee2")
    client.post(f"/api/credits/{second}/approve", headers=dept)
    body = client.post("/api/credits/batch", headers=dept,
                       json={"ids": [first, second], "action": "approve"}).json()
    by_id = {r["id"]: r for r in body["results"]}
    assert by_id[first]["ok"] and by_id[first]["status"] == "pending_unit"
    assert not by_id[second]["ok"] and by_id[second]["code"] == "invalid_state"


def test_concurrent_approvals_give_one_success_and_one_conflict(client, as_user):
    credit_id, dept, _ = _pending_credit(client, as_user)
    from server.services import auth, credits
    from server.services.errors import Conflict
    from server.services.results import StatusRead
    from server.tables import Account

    async def race():
        account = await Account.select(Account.id).where(Account.username == "dept1").first()
        principal = await auth.load_principal(account["id"])
        return await asyncio.gather(*(credits.transition(principal, credit_id, "approve") for _ in range(2)),
                                    return_exceptions=True)

    results = client.blocking_portal.call(race)
    assert sum(isinstance(r, StatusRead) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1


def test_queue_search_by_name_and_person_number(client, as_user):
    _pending_credit(client, as_user, trainee="trainee1")
    _pending_credit(client, as_user, trainee="trainee2")
    dept = as_user("dept1")
    by_name = client.get("/api/credits", params={"q": "李"}, headers=dept).json()["items"]
    assert [c["person_name"] for c in by_name] == ["李娜"]
    by_number = client.get("/api/credits", params={"q": by_name[0]["person_no"]}, headers=dept).json()["items"]
    assert [c["person_name"] for c in by_number] == ["李娜"]


def test_queue_date_range(client, as_user):
    _pending_credit(client, as_user)
    dept = as_user("dept1")
    assert client.get("/api/credits", params={"date_from": "2000-01-01"}, headers=dept).json()["total"] == 1
    assert client.get("/api/credits", params={"date_to": "2000-01-01"}, headers=dept).json()["total"] == 0
    assert client.get("/api/credits", params={"date_to": "not-a-date"}, headers=dept).status_code == 422


def test_unit_queue_filters_by_department(client, as_user):
    _pending_credit(client, as_user)  # trainee1, 内科
    unit = as_user("unit1")
    me = client.get("/api/people", params={"q": "张伟"}, headers=unit).json()["items"][0]
    assert client.get("/api/credits", params={"department_id": me["department_id"]}, headers=unit).json()["total"] == 1
    other = client.get("/api/people", params={"q": "王强"}, headers=unit).json()["items"][0]["department_id"]
    assert client.get("/api/credits", params={"department_id": other}, headers=unit).json()["total"] == 0


def test_attendance_credits_are_grouped_by_training_for_review(client):
    """Issue 13: a lecture's check-ins are one review row ("N 人"), not one row each."""
    from tests.api.attendance_helpers import current_code, open_session
    from tests.api.conftest import login

    dept, unit = login(client, "dept1"), login(client, "unit1")
    _, session = open_session(client, dept, unit, title="全院讲座")
    code = current_code(client, dept, session["id"])
    for trainee in ("trainee1", "trainee2", "trainee3"):
        client.post("/api/checkins", headers=login(client, trainee), json={"session_id": session["id"], "code": code})
    groups = client.get("/api/credits/groups", params={"status": "pending_dept"}, headers=dept).json()["items"]
    assert [(g["title"], g["count"]) for g in groups] == [("全院讲座", 2)]  # dept1 reviews 内科: trainee3 is 外科
    assert client.get("/api/credits/groups", params={"status": "pending_dept"},
                      headers=login(client, "dept2")).json()["items"][0]["count"] == 1


def test_credit_groups_need_a_known_status(client):
    from tests.api.conftest import login

    response = client.get("/api/credits/groups", params={"status": "everything"}, headers=login(client, "dept1"))
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    missing = client.get("/api/credits/groups", headers=login(client, "dept1"))
    assert missing.status_code == 422 and missing.json()["field"] == "status"
    assert missing.json()["detail"] == "缺少必填参数 status"  # not "请提交 JSON 数据": there is no body


def test_sources_may_be_listed_together(client):
    """The review queue shows personal entries and the rest, lectures' check-ins being grouped."""
    from tests.api import entry_helpers
    from tests.api.attendance_helpers import current_code, open_session
    from tests.api.conftest import login

    dept, unit = login(client, "dept1"), login(client, "unit1")
    _, session = open_session(client, dept, unit, title="讲座")
    trainee = login(client, "trainee1")
    client.post("/api/checkins", headers=trainee, json={"session_id": session["id"],
                                                        "code": current_code(client, dept, session["id"])})
    entry = entry_helpers.create(client, trainee)
    entry_helpers.attach(client, trainee, entry["id"])
    client.post(f"/api/credits/{entry['id']}/submit", headers=trainee)
    items = client.get("/api/credits", params={"status": "pending_dept", "source": "personal,speaker"},
                       headers=dept).json()["items"]
    assert [i["id"] for i in items] == [entry["id"]]
