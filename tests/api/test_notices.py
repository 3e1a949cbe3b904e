"""Nothing missed (issue 13): returned and rejected credits reach the trainee (home card, SMS), and the
organiser reminds the unit to review a training; the organiser's agenda of sessions."""

import datetime as dt

from server.tables import Notice
from tests.api.attendance_helpers import CHINA, add_session, create_training, current_code, open_session
from tests.api import entry_helpers
from tests.api.conftest import login
from tests.api.registration_helpers import outbox


def _checked_in_credit(client, trainee="trainee1"):
    dept, unit = login(client, "dept1"), login(client, "unit1")
    _, session = open_session(client, dept, unit, title="心衰管理新进展")
    body = client.post("/api/checkins", headers=login(client, trainee),
                       json={"session_id": session["id"], "code": current_code(client, dept, session["id"])}).json()
    return dept, body["credit"]["id"]


def test_a_returned_credit_is_on_the_trainees_attention_list(client):
    dept, credit_id = _checked_in_credit(client)
    assert client.post(f"/api/credits/{credit_id}/return", headers=dept, json={"reason": "签到时间不足"}).status_code == 200
    body = client.get("/api/me/attention", headers=login(client, "trainee1")).json()
    assert body["count"] == 1
    assert body["returned"] == [{"credit_id": credit_id, "title": "心衰管理新进展", "reason": "签到时间不足"}]
    assert body["notices"] == []


def test_a_returned_credit_texts_the_trainee(client, fresh_settings):
    dept, credit_id = _checked_in_credit(client)
    client.post(f"/api/credits/{credit_id}/return", headers=dept, json={"reason": "签到时间不足"})
    [message] = [m for m in outbox(fresh_settings) if m["purpose"] == "notice"]
    assert message["phone"] == "13800000001"
    assert "心衰管理新进展" in message["text"] and "签到时间不足" in message["text"]


def test_each_sms_goes_out_once(client, fresh_settings):
    dept, credit_id = _checked_in_credit(client)
    client.post(f"/api/credits/{credit_id}/return", headers=dept, json={"reason": "签到时间不足"})
    # Another request that delivers pending notices sends nothing again.
    _, other = _checked_in_credit(client, "trainee2")
    client.post("/api/credits/batch", headers=dept, json={"ids": [other], "action": "approve", "reason": ""})
    assert len([m for m in outbox(fresh_settings) if m["purpose"] == "notice"]) == 1


def test_a_batch_return_notifies_each_trainee(client, fresh_settings):
    dept, first = _checked_in_credit(client, "trainee1")
    _, second = _checked_in_credit(client, "trainee2")
    client.post("/api/credits/batch", headers=dept, json={"ids": [first, second], "action": "return", "reason": "请补充"})
    phones = sorted(m["phone"] for m in outbox(fresh_settings) if m["purpose"] == "notice")
    assert phones == ["13800000001", "13800000002"]


def test_a_resubmitted_credit_leaves_the_list(client):
    trainee = login(client, "trainee1")
    credit_id = entry_helpers.create(client, trainee)["id"]
    entry_helpers.attach(client, trainee, credit_id)
    client.post(f"/api/credits/{credit_id}/return", headers=login(client, "dept1"), json={"reason": "请补充"})
    assert client.get("/api/me/attention", headers=trainee).json()["count"] == 1
    assert client.post(f"/api/credits/{credit_id}/submit", headers=trainee).status_code == 200
    assert client.get("/api/me/attention", headers=trainee).json()["count"] == 0


def test_a_rejected_credit_stays_until_read(client):
    dept, credit_id = _checked_in_credit(client)
    client.post(f"/api/credits/{credit_id}/reject", headers=dept, json={"reason": "非本人参加"})
    trainee = login(client, "trainee1")
    [notice] = client.get("/api/me/attention", headers=trainee).json()["notices"]
    assert (notice["kind"], notice["credit_id"], notice["detail"]) == ("credit_rejected", credit_id, "非本人参加")
    assert client.post("/api/me/notices/read", headers=trainee, json={"credit_id": credit_id}).status_code == 204
    assert client.get("/api/me/attention", headers=trainee).json()["count"] == 0


def test_approving_makes_no_notice(client):
    dept, credit_id = _checked_in_credit(client)
    client.post(f"/api/credits/{credit_id}/approve", headers=dept)
    assert client.get("/api/me/attention", headers=login(client, "trainee1")).json()["count"] == 0


def test_another_accounts_notice_cannot_be_read_by_id(client):
    dept, credit_id = _checked_in_credit(client)
    client.post(f"/api/credits/{credit_id}/reject", headers=dept, json={"reason": "非本人参加"})

    async def notice_id():
        return (await Notice.select(Notice.id).first())["id"]

    response = client.post(f"/api/me/notices/{client.blocking_portal.call(notice_id)}/read",
                           headers=login(client, "trainee2"))
    assert response.status_code == 404
    assert response.json()["code"] == "notice_not_found"


def test_a_gateway_failure_keeps_the_sms_pending(client, fresh_settings):
    import asyncio

    from server.services import notices

    dept, credit_id = _checked_in_credit(client)

    class Down:
        async def send(self, *args):
            raise OSError("gateway down")

    # The request's own delivery goes through the working log gateway; make a second notice undelivered.
    client.post(f"/api/credits/{credit_id}/reject", headers=dept, json={"reason": "非本人参加"})

    async def pending():
        await Notice.update({Notice.sms_sent_at: None}, force=True)
        sent = await notices.deliver_pending(Down())
        return sent, await Notice.count().where(Notice.sms_sent_at.is_null())

    assert client.blocking_portal.call(pending) == (0, 1)
    assert asyncio  # the portal runs the coroutine on the app's loop


# -- the reminder to the unit -------------------------------------------------------------


def _submitted(client, **overrides):
    dept = login(client, "dept1")
    training = create_training(client, dept, title="明日讲座", **overrides)
    add_session(client, dept, training["id"])
    client.post(f"/api/trainings/{training['id']}/submit", headers=dept)
    return dept, training


def _list_unit_contact(client, phone="13700000009"):
    response = client.put("/api/me/admin-contacts", headers=login(client, "unit1"),
                          json={"contacts": [{"name": "科教科王老师", "phone": phone}]})
    assert response.status_code == 200


def test_the_organiser_reminds_the_unit_by_notice_and_sms(client, fresh_settings):
    _list_unit_contact(client)
    dept, training = _submitted(client)
    response = client.post(f"/api/trainings/{training['id']}/remind", headers=dept)
    assert response.status_code == 200
    assert response.json() == {"told": 1}
    [notice] = client.get("/api/me/attention", headers=login(client, "unit1")).json()["notices"]
    assert notice["kind"] == "training_reminder" and "明日讲座" in notice["title"]
    [message] = [m for m in outbox(fresh_settings) if m["purpose"] == "notice"]
    assert message["phone"] == "13700000009"


def test_a_second_reminder_the_same_day_is_409(client):
    dept, training = _submitted(client)
    client.post(f"/api/trainings/{training['id']}/remind", headers=dept)
    response = client.post(f"/api/trainings/{training['id']}/remind", headers=dept)
    assert response.status_code == 409
    assert response.json()["code"] == "already_reminded"


def test_a_draft_cannot_be_reminded_about(client):
    dept = login(client, "dept1")
    training = create_training(client, dept, title="草稿讲座")
    response = client.post(f"/api/trainings/{training['id']}/remind", headers=dept)
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"


def test_another_department_cannot_remind(client):
    _, training = _submitted(client)
    response = client.post(f"/api/trainings/{training['id']}/remind", headers=login(client, "dept2"))
    assert response.status_code == 404
    assert response.json()["code"] == "training_not_found"


# -- the organiser's agenda ----------------------------------------------------------------


def _today():
    return dt.datetime.now(CHINA).date().isoformat()


def test_todays_sessions_are_on_the_organisers_agenda(client):
    dept, unit = login(client, "dept1"), login(client, "unit1")
    training, session = open_session(client, dept, unit, title="今日讲座")
    items = client.get("/api/sessions", headers=dept, params={"from": _today(), "to": _today()}).json()["items"]
    assert [(i["id"], i["title"], i["status"]) for i in items] == [(session["id"], "今日讲座", "approved")]
    assert client.get("/api/sessions", headers=unit, params={"from": _today(), "to": _today()}).json()["total"] == 1


def test_another_departments_sessions_are_not_on_the_agenda(client):
    dept, unit = login(client, "dept1"), login(client, "unit1")
    open_session(client, dept, unit, title="今日讲座")
    body = client.get("/api/sessions", headers=login(client, "dept2"), params={"from": _today(), "to": _today()})
    assert body.json()["total"] == 0


def test_a_trainee_has_no_agenda(client):
    response = client.get("/api/sessions", headers=login(client, "trainee1"), params={"from": _today(), "to": _today()})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_an_agenda_of_more_than_a_month_is_refused(client):
    response = client.get("/api/sessions", headers=login(client, "dept1"), params={"from": "2026-01-01", "to": "2026-03-01"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
