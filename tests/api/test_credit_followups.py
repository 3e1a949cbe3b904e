"""Credits that used to leave people stuck or misinformed (issue 9 §9)."""

from __future__ import annotations

from tests.api.attendance_helpers import current_code, open_session
from tests.api.entry_helpers import attach, create


def _checked_in_credit(client, as_user) -> int:
    dept = as_user("dept1")
    _, session = open_session(client, dept, as_user("unit1"))
    body = client.post("/api/checkins", headers=as_user("trainee1"), json={
        "session_id": session["id"], "code": current_code(client, dept, session["id"])}).json()
    return body["credit"]["id"]


def test_a_returned_check_in_credit_goes_back_with_the_trainees_note(client, as_user):
    credit_id = _checked_in_credit(client, as_user)
    trainee = as_user("trainee1")
    returned = client.post(f"/api/credits/{credit_id}/return", headers=as_user("dept1"), json={"reason": "未见签退"})
    assert returned.json()["status"] == "returned"
    response = client.post(f"/api/credits/{credit_id}/submit", headers=trainee,
                           json={"note": "全程在场，签退时手机没电"})
    assert response.status_code == 200 and response.json()["status"] == "pending_dept"
    events = client.get(f"/api/credits/{credit_id}", headers=trainee).json()["events"]
    assert events[-1]["reason"] == "重新上报：全程在场，签退时手机没电"


def test_sending_a_returned_check_in_credit_back_needs_a_note(client, as_user):
    credit_id = _checked_in_credit(client, as_user)
    client.post(f"/api/credits/{credit_id}/return", headers=as_user("dept1"), json={"reason": "未见签退"})
    response = client.post(f"/api/credits/{credit_id}/submit", headers=as_user("trainee1"), json={"note": "  "})
    assert response.status_code == 422
    assert response.json()["field"] == "note"


def test_a_check_in_credit_stays_uneditable_by_its_owner(client, as_user):
    credit_id = _checked_in_credit(client, as_user)
    client.post(f"/api/credits/{credit_id}/return", headers=as_user("dept1"), json={"reason": "未见签退"})
    response = client.put(f"/api/credits/{credit_id}", headers=as_user("trainee1"), json={"title": "改名"})
    assert response.status_code == 403


def test_another_trainee_cannot_send_it_back(client, as_user):
    credit_id = _checked_in_credit(client, as_user)
    client.post(f"/api/credits/{credit_id}/return", headers=as_user("dept1"), json={"reason": "未见签退"})
    response = client.post(f"/api/credits/{credit_id}/submit", headers=as_user("trainee2"), json={"note": "x"})
    assert response.status_code == 404


def test_revoking_an_effective_credit_as_a_department_says_who_may(client, as_user):
    trainee = as_user("trainee1")
    credit_id = create(client, trainee)["id"]
    attach(client, trainee, credit_id)
    for admin in ("dept1", "unit1"):
        assert client.post(f"/api/credits/{credit_id}/approve", headers=as_user(admin)).status_code == 200
    response = client.post(f"/api/credits/{credit_id}/revoke", headers=as_user("dept1"), json={"reason": "重复"})
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    assert "等待" not in response.json()["detail"]
    assert response.json()["detail"] == "该记录已生效，只有单位管理员可以撤销"
