"""Check-out phase, reverse mode (the tablet scans personal codes), speaker credits, export."""

import datetime as dt
import time

import qr
from tests.api.attendance_helpers import current_code, open_session


def _backdate_checkins(client, minutes):
    from server.tables import Checkin

    async def move():
        past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=minutes)
        await Checkin.update({Checkin.checked_in_at: past}).where(Checkin.id > 0)

    client.blocking_portal.call(move)


def test_checkout_training_gives_no_credit_at_check_in(client, as_user):
    dept = as_user("dept1")
    _, session = open_session(client, dept, as_user("unit1"), requires_checkout=True, min_minutes=30)
    body = client.post("/api/checkins", headers=as_user("trainee1"), json={
        "session_id": session["id"], "code": current_code(client, dept, session["id"])}).json()
    assert body["credit"] is None and body["requires_checkout"] is True


def test_checkout_too_early_is_409(client, as_user):
    dept = as_user("dept1")
    _, session = open_session(client, dept, as_user("unit1"), requires_checkout=True, min_minutes=30)
    trainee = as_user("trainee1")
    code = current_code(client, dept, session["id"])
    client.post("/api/checkins", headers=trainee, json={"session_id": session["id"], "code": code})
    response = client.post("/api/checkouts", headers=trainee, json={"session_id": session["id"], "code": code})
    assert response.status_code == 409 and response.json()["code"] == "too_early"


def test_checkout_after_minimum_time_creates_the_credit(client, as_user):
    dept = as_user("dept1")
    _, session = open_session(client, dept, as_user("unit1"), requires_checkout=True, min_minutes=30)
    trainee = as_user("trainee1")
    client.post("/api/checkins", headers=trainee, json={
        "session_id": session["id"], "code": current_code(client, dept, session["id"])})
    _backdate_checkins(client, 31)
    response = client.post("/api/checkouts", headers=trainee, json={
        "session_id": session["id"], "code": current_code(client, dept, session["id"])})
    assert response.status_code == 200
    assert response.json()["checked_out_at"] is not None
    assert response.json()["credit"]["status"] == "pending_dept"


def test_checkout_without_check_in_is_409(client, as_user):
    dept = as_user("dept1")
    _, session = open_session(client, dept, as_user("unit1"), requires_checkout=True, min_minutes=30)
    response = client.post("/api/checkouts", headers=as_user("trainee1"), json={
        "session_id": session["id"], "code": current_code(client, dept, session["id"])})
    assert response.status_code == 409 and response.json()["code"] == "not_checked_in"


def test_checkout_qr_url_carries_the_phase(client, as_user):
    dept = as_user("dept1")
    _, session = open_session(client, dept, as_user("unit1"))
    url = client.get(f"/api/sessions/{session['id']}/qr", params={"phase": "checkout"}, headers=dept).json()["url"]
    assert url.endswith("&p=out")


def _personal(client, headers):
    response = client.get("/api/me/personal-code", headers=headers)
    assert response.status_code == 200
    return response.json()


def test_personal_code_is_stable_within_its_step(client, as_user):
    first, second = _personal(client, as_user("trainee1")), _personal(client, as_user("trainee1"))
    assert first["secret"] == second["secret"]
    assert first["payload"].startswith(f"JJ1.{first['person_id']}.")


def test_admin_has_no_personal_code(client, as_user):
    assert client.get("/api/me/personal-code", headers=as_user("dept1")).status_code == 403


def test_tablet_syncs_offline_scans_without_duplicates(client, as_user):
    dept = as_user("dept1")
    _, session = open_session(client, dept, as_user("unit1"))
    personal = _personal(client, as_user("trainee2"))
    scanned_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=5)
    payload = qr.personal_payload(personal["person_id"], personal["secret"], scanned_at.timestamp())
    item = {"payload": payload, "scanned_at": scanned_at.isoformat(), "client_id": "a1"}
    url = f"/api/sessions/{session['id']}/scans"
    first = client.post(url, headers=dept, json={"items": [item, {**item, "client_id": "a2"}]}).json()["results"]
    assert first[0]["ok"] and first[0]["created"] and first[0]["name"] == "李娜"
    assert first[1]["ok"] and not first[1]["created"]
    again = client.post(url, headers=dept, json={"items": [item]}).json()["results"]
    assert again[0]["ok"] and not again[0]["created"]
    rows = client.get(f"/api/sessions/{session['id']}/attendance", headers=dept).json()["items"]
    assert len(rows) == 1 and rows[0]["method"] == "reverse"


def test_synced_scan_keeps_the_time_it_was_scanned(client, as_user):
    dept = as_user("dept1")
    _, session = open_session(client, dept, as_user("unit1"))
    personal = _personal(client, as_user("trainee2"))
    scanned_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(minutes=20)
    payload = qr.personal_payload(personal["person_id"], personal["secret"], scanned_at.timestamp())
    client.post(f"/api/sessions/{session['id']}/scans", headers=dept,
                json={"items": [{"payload": payload, "scanned_at": scanned_at.isoformat()}]})
    row = client.get(f"/api/sessions/{session['id']}/attendance", headers=dept).json()["items"][0]
    assert dt.datetime.fromisoformat(row["checked_in_at"]) == scanned_at


def test_forged_personal_code_is_refused(client, as_user):
    dept = as_user("dept1")
    _, session = open_session(client, dept, as_user("unit1"))
    personal = _personal(client, as_user("trainee2"))
    now = time.time()
    forged = qr.personal_payload(personal["person_id"], qr.new_secret(), now)
    result = client.post(f"/api/sessions/{session['id']}/scans", headers=dept, json={"items": [
        {"payload": forged, "scanned_at": dt.datetime.now(dt.timezone.utc).isoformat()}]}).json()["results"][0]
    assert not result["ok"] and result["code"] == "invalid_code"


def test_code_scanned_in_the_future_is_refused(client, as_user):
    dept = as_user("dept1")
    _, session = open_session(client, dept, as_user("unit1"))
    personal = _personal(client, as_user("trainee2"))
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)
    payload = qr.personal_payload(personal["person_id"], personal["secret"], later.timestamp())
    result = client.post(f"/api/sessions/{session['id']}/scans", headers=dept, json={"items": [
        {"payload": payload, "scanned_at": later.isoformat()}]}).json()["results"][0]
    assert not result["ok"] and result["code"] == "invalid_time"


def test_other_units_trainee_is_not_recorded(client, as_user):
    dept = as_user("dept1")
    _, session = open_session(client, dept, as_user("unit1"))
    personal = _personal(client, as_user("trainee4"))
    now = dt.datetime.now(dt.timezone.utc)
    payload = qr.personal_payload(personal["person_id"], personal["secret"], now.timestamp())
    result = client.post(f"/api/sessions/{session['id']}/scans", headers=dept, json={"items": [
        {"payload": payload, "scanned_at": now.isoformat()}]}).json()["results"][0]
    assert result["code"] == "not_eligible"


def test_closing_a_training_awards_speaker_credits(client, as_user):
    dept, unit = as_user("dept1"), as_user("unit1")
    speaker = client.get("/api/me", headers=as_user("trainee3")).json()["person_id"]
    from tests.api.attendance_helpers import add_session, create_training

    training = create_training(client, dept, credit_class="I")
    client.post(f"/api/trainings/{training['id']}/courses", headers=dept,
                json={"title": "急腹症鉴别", "hours": 1.5, "speaker_id": speaker})
    add_session(client, dept, training["id"])
    client.post(f"/api/trainings/{training['id']}/submit", headers=dept)
    client.post(f"/api/trainings/{training['id']}/approve", headers=unit)
    assert client.post(f"/api/trainings/{training['id']}/close", headers=dept).status_code == 200
    mine = client.get("/api/credits", params={"source": "speaker"}, headers=as_user("trainee3")).json()["items"]
    assert len(mine) == 1
    assert mine[0]["credits"] == 3.0 and mine[0]["hours"] == 1.5 and mine[0]["status"] == "pending_dept"


def test_speaker_from_another_unit_is_refused(client, as_user):
    dept = as_user("dept1")
    outsider = client.get("/api/me", headers=as_user("trainee4")).json()["person_id"]
    from tests.api.attendance_helpers import create_training

    training = create_training(client, dept)
    response = client.post(f"/api/trainings/{training['id']}/courses", headers=dept,
                           json={"title": "x", "hours": 1, "speaker_id": outsider})
    assert response.status_code == 422 and response.json()["field"] == "speaker_id"


def test_attendance_export_is_csv_for_excel(client, as_user):
    dept = as_user("dept1")
    _, session = open_session(client, dept, as_user("unit1"))
    client.post("/api/checkins", headers=as_user("trainee1"), json={
        "session_id": session["id"], "code": current_code(client, dept, session["id"])})
    response = client.get(f"/api/sessions/{session['id']}/attendance.csv", headers=dept)
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("序号,姓名") and "张伟" in lines[1]
    assert "attachment" in response.headers["content-disposition"]
