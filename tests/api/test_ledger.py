"""One place where credits are born (services/ledger.py): every source, its first event, its category."""

import datetime as dt
from decimal import Decimal

from tests.api.attendance_helpers import add_session, create_training, current_code, open_session
from tests.api.entry_helpers import create as create_entry


def _events(client, credit_id):
    from server.tables import CreditEvent

    async def read():
        return await CreditEvent.select(CreditEvent.from_status, CreditEvent.to_status, CreditEvent.reason).where(
            CreditEvent.credit == credit_id)

    return client.blocking_portal.call(read)


def _run(client, new):
    from server import db
    from server.services import ledger
    from server.tables import Credit

    async def run():
        return await db.run_write(Credit._meta.db, ledger.create(new))

    return client.blocking_portal.call(run)


def _new(person_id, unit_id, **overrides):
    from server.services.ledger import NewCredit
    from server.tables.enums import CreditCategory, CreditClass, CreditSource, CreditStatus

    values = dict(person_id=person_id, unit_id=unit_id, department_id=None, year=2026,
                  activity_date=dt.date(2026, 5, 4), credit_class=CreditClass.class_ii, title="公需科目：法治教育",
                  credits=Decimal("0.33"), hours=Decimal("3"), source=CreditSource.course,
                  status=CreditStatus.effective, created_by=None, category=CreditCategory.public,
                  dedupe_key="course:test:1", event_reason="考试合格")
    values.update(overrides)
    return NewCredit(**values)


def _trainee(client, as_user):
    headers = as_user("trainee1")
    me = client.get("/api/me", headers=headers).json()
    person = client.get(f"/api/people/{me['person_id']}", headers=headers).json()
    return headers, me["person_id"], person["unit_id"]


def test_a_check_in_credit_takes_the_training_category_and_one_event(client, as_user):
    dept = as_user("dept1")
    _, session = open_session(client, dept, as_user("unit1"), category="elective")
    body = client.post("/api/checkins", headers=as_user("trainee1"), json={
        "session_id": session["id"], "code": current_code(client, dept, session["id"])}).json()
    credit = client.get(f"/api/credits/{body['credit']['id']}", headers=as_user("trainee1")).json()
    assert credit["category"] == "elective" and credit["source"] == "attendance"
    assert [(e["from_status"], e["to_status"], e["reason"]) for e in _events(client, credit["id"])] == [
        ("", "pending_dept", "签到")]


def test_a_personal_entry_takes_the_rule_category(client, as_user):
    made = create_entry(client, as_user("trainee1"))
    credit = client.get(f"/api/credits/{made['id']}", headers=as_user("trainee1")).json()
    assert credit["category"] == "professional" and credit["source"] == "personal"
    assert [(e["from_status"], e["to_status"]) for e in _events(client, made["id"])] == [("", "pending_dept")]


def test_speaker_credit_is_born_once_with_its_event(client, as_user):
    dept, unit = as_user("dept1"), as_user("unit1")
    speaker = client.get("/api/me", headers=as_user("trainee3")).json()["person_id"]
    training = create_training(client, dept, credit_class="I", category="public")
    client.post(f"/api/trainings/{training['id']}/courses", headers=dept,
                json={"title": "医德医风", "hours": 1, "speaker_id": speaker})
    add_session(client, dept, training["id"])
    client.post(f"/api/trainings/{training['id']}/submit", headers=dept)
    client.post(f"/api/trainings/{training['id']}/approve", headers=unit)
    assert client.post(f"/api/trainings/{training['id']}/close", headers=dept).status_code == 200
    mine = client.get("/api/credits", params={"source": "speaker"}, headers=as_user("trainee3")).json()["items"]
    assert [(c["category"], c["credits"]) for c in mine] == [("public", 2.0)]
    assert [(e["to_status"], e["reason"]) for e in _events(client, mine[0]["id"])] == [("pending_dept", "授课学分")]


def test_an_effective_at_birth_record_counts_with_its_first_event(client, as_user):
    headers, person_id, unit_id = _trainee(client, as_user)
    born = _run(client, _new(person_id, unit_id))
    assert born.status == "effective" and born.credits == Decimal("0.33")
    credit = client.get(f"/api/credits/{born.id}", headers=headers).json()
    assert (credit["category"], credit["source"], credit["hours"]) == ("public", "course", 3.0)
    assert [(e["from_status"], e["to_status"], e["reason"]) for e in _events(client, born.id)] == [
        ("", "effective", "考试合格")]


def test_the_same_key_twice_makes_nothing_more(client, as_user):
    headers, person_id, unit_id = _trainee(client, as_user)
    first = _run(client, _new(person_id, unit_id))
    assert _run(client, _new(person_id, unit_id, title="另一个名称")) is None
    listed = client.get("/api/credits", params={"source": "course"}, headers=headers).json()
    assert [c["id"] for c in listed["items"]] == [first.id] and len(_events(client, first.id)) == 1
