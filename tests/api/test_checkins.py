"""Scanning the rotating QR: codes, claims, idempotency, eligibility."""

import time

import qr
from tests.api.attendance_helpers import add_session, create_training, current_code, open_session


def _open(client, as_user, **overrides):
    dept, unit = as_user("dept1"), as_user("unit1")
    training, session = open_session(client, dept, unit, **overrides)
    return training, session, dept, unit


def test_qr_state_has_url_code_interval_and_expiry(client, as_user):
    _, session, dept, _ = _open(client, as_user)
    body = client.get(f"/api/sessions/{session['id']}/qr", headers=dept).json()
    assert body["url"].endswith(f"/c/{session['id']}?t={body['code']}")
    assert len(body["code"]) == 8 and body["interval"] == 20 and 1 <= body["expires_in"] <= 20


def test_qr_state_is_the_same_on_every_screen(client, as_user):
    _, session, dept, unit = _open(client, as_user)
    first = client.get(f"/api/sessions/{session['id']}/qr", headers=dept).json()
    if first["expires_in"] <= 2:
        # Too close to a step boundary for two requests: wait for the next code, which then has
        # ~20 s left (an unconditional assert below, whatever the moment the test runs at).
        time.sleep(first["expires_in"])
        first = client.get(f"/api/sessions/{session['id']}/qr", headers=dept).json()
    assert first["expires_in"] > 2
    second = client.get(f"/api/sessions/{session['id']}/qr", headers=unit).json()
    assert first["code"] == second["code"] and first["url"] == second["url"]


def test_qr_is_for_organisers_only(client, as_user):
    _, session, _, _ = _open(client, as_user)
    assert client.get(f"/api/sessions/{session['id']}/qr", headers=as_user("trainee1")).status_code == 404
    assert client.get(f"/api/sessions/{session['id']}/qr", headers=as_user("dept2")).status_code == 404


def test_qr_images(client, as_user):
    _, session, dept, _ = _open(client, as_user)
    png = client.get(f"/api/sessions/{session['id']}/qr.png", headers=dept)
    assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert png.headers["cache-control"] == "no-store"
    svg = client.get(f"/api/sessions/{session['id']}/qr.svg", headers=dept)
    assert svg.headers["content-type"].startswith("image/svg+xml") and "<svg" in svg.text


def test_first_check_in_is_201_with_a_pending_credit(client, as_user):
    training, session, dept, _ = _open(client, as_user)
    response = client.post("/api/checkins", headers=as_user("trainee1"),
                           json={"session_id": session["id"], "code": current_code(client, dept, session["id"])})
    assert response.status_code == 201
    body = response.json()
    assert body["session_id"] == session["id"]
    assert body["credit"]["status"] == "pending_dept" and body["credit"]["credits"] == 0.5
    assert body["training"]["title"] == training["title"]


def test_second_check_in_is_200_with_the_same_body(client, as_user):
    _, session, dept, _ = _open(client, as_user)
    trainee = as_user("trainee1")
    payload = {"session_id": session["id"], "code": current_code(client, dept, session["id"])}
    first = client.post("/api/checkins", headers=trainee, json=payload)
    second = client.post("/api/checkins", headers=trainee, json=payload)
    assert second.status_code == 200
    assert second.json() == first.json()


def test_a_second_session_of_the_training_shows_the_credit_the_first_earned(client, as_user):
    dept, unit = as_user("dept1"), as_user("unit1")
    training = create_training(client, dept)
    first, second = add_session(client, dept, training["id"]), add_session(client, dept, training["id"])
    assert client.post(f"/api/trainings/{training['id']}/submit", headers=dept).status_code == 200
    assert client.post(f"/api/trainings/{training['id']}/approve", headers=unit).status_code == 200
    trainee = as_user("trainee1")
    answers = [client.post("/api/checkins", headers=trainee, json={
        "session_id": s["id"], "code": current_code(client, dept, s["id"])}) for s in (first, second)]
    assert [a.status_code for a in answers] == [201, 201]
    # One credit per training: the second check-in is new, its credit the one the first made.
    assert answers[1].json()["credit"] == answers[0].json()["credit"] is not None


def test_forged_code_is_400_invalid_code(client, as_user):
    _, session, dept, _ = _open(client, as_user)
    real = current_code(client, dept, session["id"])
    forged = "0" * 8 if real != "0" * 8 else "1" * 8
    response = client.post("/api/checkins", headers=as_user("trainee1"),
                           json={"session_id": session["id"], "code": forged})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_code"


def _secret(client, session_id):
    from server.tables import TrainingSession

    async def read():
        return (await TrainingSession.select(TrainingSession.secret).where(TrainingSession.id == session_id).first())[
            "secret"]

    return client.blocking_portal.call(read)


def test_old_code_is_400(client, as_user):
    _, session, _, _ = _open(client, as_user)
    old = qr.code_at(_secret(client, session["id"]), time.time() - 60)
    response = client.post("/api/checkins", headers=as_user("trainee1"), json={"session_id": session["id"], "code": old})
    assert response.status_code == 400


def test_future_code_is_400(client, as_user):
    _, session, _, _ = _open(client, as_user)
    future = qr.code_at(_secret(client, session["id"]), time.time() + 40)
    response = client.post("/api/checkins", headers=as_user("trainee1"),
                           json={"session_id": session["id"], "code": future})
    assert response.status_code == 400


def test_unknown_session_is_400_invalid_code(client, as_user):
    response = client.post("/api/checkins", headers=as_user("trainee1"), json={"session_id": 999999, "code": "12345678"})
    assert response.status_code == 400


def test_closed_training_is_409_training_not_open(client, as_user):
    training, session, dept, _ = _open(client, as_user)
    code = current_code(client, dept, session["id"])
    assert client.post(f"/api/trainings/{training['id']}/close", headers=dept).json()["status"] == "closed"
    response = client.post("/api/checkins", headers=as_user("trainee1"), json={"session_id": session["id"], "code": code})
    assert response.status_code == 409
    assert response.json()["code"] == "training_not_open"


def test_unapproved_training_is_409(client, as_user):
    from tests.api.attendance_helpers import add_session, create_training

    dept = as_user("dept1")
    training = create_training(client, dept)
    session = add_session(client, dept, training["id"])
    response = client.post("/api/checkins", headers=as_user("trainee1"),
                           json={"session_id": session["id"], "code": current_code(client, dept, session["id"])})
    assert response.status_code == 409


def test_trainee_of_another_unit_is_403_not_eligible(client, as_user):
    _, session, dept, _ = _open(client, as_user)
    response = client.post("/api/checkins", headers=as_user("trainee4"),
                           json={"session_id": session["id"], "code": current_code(client, dept, session["id"])})
    assert response.status_code == 403
    assert response.json()["code"] == "not_eligible"


def test_trainee_of_another_department_in_the_unit_may_attend(client, as_user):
    _, session, dept, _ = _open(client, as_user)
    response = client.post("/api/checkins", headers=as_user("trainee3"),
                           json={"session_id": session["id"], "code": current_code(client, dept, session["id"])})
    assert response.status_code == 201


def test_admin_without_person_is_not_eligible(client, as_user):
    _, session, dept, _ = _open(client, as_user)
    response = client.post("/api/checkins", headers=dept,
                           json={"session_id": session["id"], "code": current_code(client, dept, session["id"])})
    assert response.status_code == 403


def test_check_in_needs_login(client, as_user):
    _, session, dept, _ = _open(client, as_user)
    client.cookies.clear()
    response = client.post("/api/checkins", json={"session_id": session["id"], "code": "12345678"})
    assert response.status_code == 401


def test_claim_without_login_then_check_in(client, as_user):
    training, session, dept, _ = _open(client, as_user)
    code = current_code(client, dept, session["id"])
    claim = client.post("/api/claims", json={"session_id": session["id"], "code": code})
    assert claim.status_code == 201
    assert claim.json()["training"]["title"] == training["title"]
    response = client.post("/api/checkins", headers=as_user("trainee2"), json={"claim": claim.json()["claim"]})
    assert response.status_code == 201
    assert response.json()["credit"]["status"] == "pending_dept"


def test_claim_with_bad_code_is_400(client, as_user):
    _, session, _, _ = _open(client, as_user)
    response = client.post("/api/claims", json={"session_id": session["id"], "code": "abc"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_code"


def test_claim_is_single_use(client, as_user):
    _, session, dept, _ = _open(client, as_user)
    claim = client.post("/api/claims", json={"session_id": session["id"],
                                             "code": current_code(client, dept, session["id"])}).json()["claim"]
    assert client.post("/api/checkins", headers=as_user("trainee1"), json={"claim": claim}).status_code == 201
    other = client.post("/api/checkins", headers=as_user("trainee2"), json={"claim": claim})
    assert other.status_code == 400


def test_reposting_own_claim_returns_the_check_in(client, as_user):
    _, session, dept, _ = _open(client, as_user)
    claim = client.post("/api/claims", json={"session_id": session["id"],
                                             "code": current_code(client, dept, session["id"])}).json()["claim"]
    trainee = as_user("trainee1")
    first = client.post("/api/checkins", headers=trainee, json={"claim": claim})
    again = client.post("/api/checkins", headers=trainee, json={"claim": claim})
    assert again.status_code == 200 and again.json() == first.json()


def test_claim_not_consumed_by_an_ineligible_trainee(client, as_user):
    _, session, dept, _ = _open(client, as_user)
    claim = client.post("/api/claims", json={"session_id": session["id"],
                                             "code": current_code(client, dept, session["id"])}).json()["claim"]
    assert client.post("/api/checkins", headers=as_user("trainee4"), json={"claim": claim}).status_code == 403
    assert client.post("/api/checkins", headers=as_user("trainee1"), json={"claim": claim}).status_code == 201


def test_attendance_lists_check_ins(client, as_user):
    _, session, dept, _ = _open(client, as_user)
    code = current_code(client, dept, session["id"])
    for user in ("trainee1", "trainee2"):
        client.post("/api/checkins", headers=as_user(user), json={"session_id": session["id"], "code": code})
    body = client.get(f"/api/sessions/{session['id']}/attendance", headers=dept).json()
    assert body["total"] == 2 and {r["name"] for r in body["items"]} == {"张伟", "李娜"}
    assert all(r["credit_status"] == "pending_dept" for r in body["items"])


def test_attendance_is_hidden_from_other_departments(client, as_user):
    _, session, _, _ = _open(client, as_user)
    assert client.get(f"/api/sessions/{session['id']}/attendance", headers=as_user("dept2")).status_code == 404


def test_manual_add_needs_a_reason_and_is_listed(client, as_user):
    _, session, dept, _ = _open(client, as_user)
    me = client.get("/api/me", headers=as_user("trainee2")).json()
    url = f"/api/sessions/{session['id']}/checkins"
    assert client.post(url, headers=dept, json={"person_id": me["person_id"], "reason": " "}).status_code == 422
    added = client.post(url, headers=dept, json={"person_id": me["person_id"], "reason": "手机没电"})
    assert added.status_code == 201
    rows = client.get(f"/api/sessions/{session['id']}/attendance", headers=dept).json()["items"]
    assert rows[0]["method"] == "manual" and rows[0]["reason"] == "手机没电"


def test_undo_removes_the_check_in_and_its_pending_credit(client, as_user):
    _, session, dept, _ = _open(client, as_user)
    trainee = as_user("trainee1")
    checkin = client.post("/api/checkins", headers=trainee, json={
        "session_id": session["id"], "code": current_code(client, dept, session["id"])}).json()
    assert client.post(f"/api/checkins/{checkin['id']}/undo", headers=dept, json={"reason": "误签"}).status_code == 204
    assert client.get(f"/api/sessions/{session['id']}/attendance", headers=dept).json()["total"] == 0
    assert client.get("/api/credits", headers=trainee).json()["total"] == 0


def test_ids_beyond_64_bits_are_refused_not_crashed(client, as_user):
    huge = 2**63
    trainee = as_user("trainee1")
    assert client.post("/api/claims", json={"session_id": huge, "code": "12345678"}).status_code == 422
    assert client.post("/api/checkins", headers=trainee, json={"session_id": huge, "code": "12345678"}).status_code == 422
    assert client.get(f"/api/credits/{huge}", headers=trainee).status_code == 404
    assert client.get(f"/api/sessions/{huge}/qr", headers=as_user("dept1")).status_code == 404
    assert client.get("/api/people", params={"department_id": huge}, headers=as_user("unit1")).status_code == 422


def test_closing_is_seen_by_the_very_next_scan(client, as_user):
    training, session, dept, _ = _open(client, as_user)
    code = current_code(client, dept, session["id"])
    payload = {"session_id": session["id"], "code": code}
    assert client.post("/api/checkins", headers=as_user("trainee1"), json=payload).status_code == 201
    client.post(f"/api/trainings/{training['id']}/close", headers=dept)
    assert client.post("/api/checkins", headers=as_user("trainee2"), json=payload).status_code == 409


def test_check_in_body_has_the_documented_shape(client, as_user):
    import msgspec

    from server.controllers.attendance import CheckinRead

    _, session, dept, _ = _open(client, as_user)
    body = client.post("/api/checkins", headers=as_user("trainee1"), json={
        "session_id": session["id"], "code": current_code(client, dept, session["id"])}).json()
    assert set(body) == set(CheckinRead.__struct_fields__)
    msgspec.convert(body, CheckinRead, strict=False)  # raises if any field has the wrong type


def test_a_dept_admin_who_is_also_a_trainee_checks_in_with_the_same_login(client, as_user):
    """Issue 13: one account with both roles checks in without logging out or switching."""
    from server.tables import Account, Department, RoleGrant

    async def make_dept_admin():
        account = await Account.select(Account.id).where(Account.username == "trainee2").first()
        department = await Department.select(Department.id).where(Department.name == "外科").first()
        await RoleGrant.insert(RoleGrant(account=account["id"], role="dept_admin", department=department["id"]))

    client.blocking_portal.call(make_dept_admin)
    _, session, dept, _ = _open(client, as_user)
    both = as_user("trainee2")
    assert {r["role"] for r in client.get("/api/me", headers=both).json()["roles"]} == {"trainee", "dept_admin"}
    response = client.post("/api/checkins", headers=both,
                           json={"session_id": session["id"], "code": current_code(client, dept, session["id"])})
    assert response.status_code == 201
    assert response.json()["credit"]["status"] == "pending_dept"
