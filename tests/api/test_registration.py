"""Registration (phone first), its status, resubmission and the unit's review."""

from tests.api.conftest import login
from tests.api.registration_helpers import (
    last_code,
    NEW_ID, NEW_PASSWORD, NEW_PHONE, form, register, send_code, unit_and_department,
)
from server.services.idcard import make_id_number
from server.tables import Account, AuditLog, Person, Registration, RoleGrant, SmsCode


def _db(client, fn):
    async def run():
        return await fn()

    return client.blocking_portal.call(run)


def _login(client, username, password=NEW_PASSWORD):
    return client.post("/api/auth/login", json={"username": username, "password": password})


def test_happy_path_register_review_login_reset(client, fresh_settings):
    response = register(client, fresh_settings)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "pending" and isinstance(body["id"], int)

    person = _db(client, lambda: Person.select(Person.sex, Person.birth_date, Person.phone).where(
        Person.id_number == NEW_ID).first())
    assert person["sex"] == "男" and str(person["birth_date"]) == "1992-03-14" and person["phone"] == NEW_PHONE
    grants = _db(client, lambda: RoleGrant.select(RoleGrant.role).where(RoleGrant.account.username == "newdoc"))
    assert [g["role"] for g in grants] == ["trainee"]

    status = client.get("/api/registrations/status", params={"username": "newdoc", "id_number": NEW_ID})
    assert status.json() == {"status": "pending", "reason": ""}

    refused = _login(client, "newdoc")
    assert refused.status_code == 403 and refused.json()["code"] == "registration_pending"

    unit1 = login(client, "unit1")
    queue = client.get("/api/registrations", headers=unit1).json()
    assert [r["username"] for r in queue["items"]] == ["newdoc"]
    assert "*" in queue["items"][0]["id_number"]
    approved = client.post(f"/api/registrations/{body['id']}/approve", headers=unit1)
    assert approved.status_code == 200 and approved.json() == {"id": body["id"], "status": "approved"}
    assert client.get("/api/registrations/status",
                      params={"username": "newdoc", "id_number": NEW_ID}).json()["status"] == "approved"

    first = _login(client, "newdoc")
    assert first.status_code == 200
    old = {"Authorization": f"Bearer {first.json()['token']}"}
    assert client.get("/api/me", headers=old).status_code == 200

    from tests.api.registration_helpers import last_code
    assert send_code(client, NEW_PHONE, "reset_password").status_code == 202
    code = last_code(fresh_settings, NEW_PHONE, "reset_password")
    reset = client.post("/api/auth/password-reset",
                        json={"phone": NEW_PHONE, "sms_code": code, "new_password": "Another2027"})
    assert reset.status_code == 204, reset.text
    assert client.get("/api/me", headers=old).status_code == 401
    assert _login(client, "newdoc").status_code == 401
    assert _login(client, "newdoc", "Another2027").status_code == 200
    actions = _db(client, lambda: AuditLog.select(AuditLog.action))
    assert {"registration_submit", "registration_approve", "password_reset"} <= {a["action"] for a in actions}


def test_bad_check_digit_is_422_id_number_and_writes_nothing(client, fresh_settings):
    body = form(client, fresh_settings)
    bad = NEW_ID[:17] + ("0" if NEW_ID[17] != "0" else "1")
    response = client.post("/api/registrations", json={**body, "id_number": bad})
    assert response.status_code == 422
    assert response.json()["field"] == "id_number"
    assert _db(client, lambda: Account.count().where(Account.username == "newdoc")) == 0
    assert _db(client, lambda: Person.count().where(Person.phone == NEW_PHONE)) == 0
    # The code was not used up: the corrected form goes through with it.
    assert client.post("/api/registrations", json=body).status_code == 201


def test_failed_registration_keeps_the_code(client, fresh_settings):
    body = form(client, fresh_settings)
    taken = client.post("/api/registrations", json={**body, "username": "trainee1"})
    assert taken.status_code == 422 and taken.json()["field"] == "username"
    assert client.post("/api/registrations", json=body).status_code == 201
    used = _db(client, lambda: SmsCode.select(SmsCode.used_at).where(SmsCode.phone == NEW_PHONE).first())
    assert used["used_at"] is not None
    again = client.post("/api/registrations", json={**body, "username": "other1",
                                                    "id_number": make_id_number("990102", __import__("datetime").date(1990, 1, 1), 3)})
    assert again.status_code == 422 and again.json()["code"] == "sms_code_expired"


def test_without_a_right_code_taken_names_are_not_revealed(client, fresh_settings):
    body = form(client, fresh_settings)
    wrong = "000000" if body["sms_code"] != "000000" else "111111"
    taken_id = _db(client, lambda: Person.select(Person.id_number).where(Person.name == "张伟").first())
    for taken in ({"username": "trainee1"}, {"phone": "13800000001"}, {"id_number": taken_id["id_number"]}):
        response = client.post("/api/registrations", json={**body, **taken, "sms_code": wrong})
        assert response.status_code == 422, taken
        assert response.json()["code"] in ("wrong_sms_code", "sms_code_expired", "sms_code_exhausted"), taken


def test_reused_phone_is_422_phone(client, fresh_settings):
    response = register(client, fresh_settings, phone="13800000001")  # trainee1's phone
    assert response.status_code == 422
    assert response.json()["field"] == "phone"


def test_wrong_code_is_422_sms_code(client, fresh_settings):
    send_code(client, NEW_PHONE, "register")
    body = form(client, fresh_settings, sms_code="000000")
    from tests.api.registration_helpers import last_code
    if last_code(fresh_settings, NEW_PHONE, "register") == "000000":
        body["sms_code"] = "111111"
    response = client.post("/api/registrations", json=body)
    assert response.status_code == 422
    assert response.json()["field"] == "sms_code"
    assert response.json()["code"] == "wrong_sms_code"


def test_expired_code_is_422_sms_code(client, fresh_settings):
    body = form(client, fresh_settings)
    import datetime as dt

    _db(client, lambda: SmsCode.update({SmsCode.expires_at: dt.datetime.now(dt.timezone.utc)
                                        - dt.timedelta(seconds=1)}).where(SmsCode.phone == NEW_PHONE))
    response = client.post("/api/registrations", json=body)
    assert response.status_code == 422
    assert response.json()["field"] == "sms_code" and response.json()["code"] == "sms_code_expired"


def test_code_dies_after_five_wrong_tries(client, fresh_settings):
    body = form(client, fresh_settings)
    wrong = "000000" if body["sms_code"] != "000000" else "111111"
    for _ in range(5):
        response = client.post("/api/registrations", json={**body, "sms_code": wrong})
        assert response.status_code == 422
    assert response.json()["code"] == "sms_code_exhausted"
    right = client.post("/api/registrations", json=body)
    assert right.status_code == 422 and right.json()["code"] == "sms_code_exhausted"


def test_other_bad_fields_are_named(client, fresh_settings):
    weak = register(client, fresh_settings, password="short")
    assert weak.status_code == 422 and weak.json()["field"] == "password"
    body = form(client, fresh_settings, sms_code="123456")
    _, other_department = unit_and_department(client, "9901002", "内科")
    assert client.post("/api/registrations", json={**body, "department_id": other_department}).json()["field"] \
        == "department_id"
    assert client.post("/api/registrations", json={**body, "unit_id": 999999}).json()["field"] == "unit_id"
    assert client.post("/api/registrations", json={**body, "phone": "12345"}).json()["field"] == "phone"
    taken_id = _db(client, lambda: Person.select(Person.id_number).where(Person.name == "张伟").first())
    body["sms_code"] = last_code(fresh_settings, NEW_PHONE, "register")
    assert client.post("/api/registrations", json={**body, "id_number": taken_id["id_number"]}).json()["field"] \
        == "id_number"


def test_status_mismatch_is_404(client, fresh_settings):
    assert register(client, fresh_settings).status_code == 201
    response = client.get("/api/registrations/status", params={"username": "newdoc", "id_number": "110101199003070011"})
    assert response.status_code == 404
    assert response.json() == {"code": "mismatch", "detail": "用户名和身份证号码不匹配"}
    assert client.get("/api/registrations/status", params={"username": "nobody", "id_number": NEW_ID}).status_code == 404


def test_reject_then_edit_and_resubmit(client, fresh_settings):
    reg_id = register(client, fresh_settings).json()["id"]
    unit1 = login(client, "unit1")
    no_reason = client.post(f"/api/registrations/{reg_id}/reject", headers=unit1, json={"reason": ""})
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    rejected = client.post(f"/api/registrations/{reg_id}/reject", headers=unit1, json={"reason": "科室填写有误"})
    assert rejected.json()["status"] == "rejected"
    assert client.get("/api/registrations/status", params={"username": "newdoc", "id_number": NEW_ID}).json() == {
        "status": "rejected", "reason": "科室填写有误"}
    refused = _login(client, "newdoc")
    assert refused.status_code == 403 and refused.json()["code"] == "registration_rejected"
    again = client.post(f"/api/registrations/{reg_id}/approve", headers=unit1)
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"

    unit_id, _ = unit_and_department(client)
    _, surgery = unit_and_department(client, "9901001", "外科")
    edit = {"username": "newdoc", "id_number": NEW_ID, "password": NEW_PASSWORD, "unit_id": unit_id,
            "department_id": surgery, "name": "赵新", "joins_cme": True}
    wrong_password = client.put(f"/api/registrations/{reg_id}", json={**edit, "password": "Wrong12345"})
    assert wrong_password.status_code == 422 and wrong_password.json()["field"] == "password"
    wrong_owner = client.put(f"/api/registrations/{reg_id}", json={**edit, "username": "trainee1"})
    assert wrong_owner.status_code == 404 and wrong_owner.json()["code"] == "mismatch"
    resubmitted = client.put(f"/api/registrations/{reg_id}", json=edit)
    assert resubmitted.status_code == 200 and resubmitted.json()["status"] == "pending"
    assert _db(client, lambda: Person.select(Person.department).where(Person.id_number == NEW_ID).first())[
        "department"] == surgery
    assert client.post(f"/api/registrations/{reg_id}/approve", headers=unit1).status_code == 200
    assert client.put(f"/api/registrations/{reg_id}", json=edit).status_code == 409


def test_other_units_admin_gets_404_and_trainees_403(client, fresh_settings):
    reg_id = register(client, fresh_settings).json()["id"]
    unit2 = login(client, "unit2")
    assert client.post(f"/api/registrations/{reg_id}/approve", headers=unit2).status_code == 404
    assert client.get("/api/registrations", headers=unit2).json()["items"] == []
    trainee = login(client, "trainee1")
    assert client.post(f"/api/registrations/{reg_id}/approve", headers=trainee).status_code == 403
    client.cookies.clear()
    assert client.post(f"/api/registrations/{reg_id}/approve").status_code == 401


def test_batch_review(client, fresh_settings):
    first = register(client, fresh_settings).json()["id"]
    import datetime as dt

    second = register(client, fresh_settings, phone="13912345679", username="newdoc2",
                      id_number=make_id_number("990102", dt.date(1993, 4, 5), 28)).json()["id"]
    unit1 = login(client, "unit1")
    result = client.post("/api/registrations/batch", headers=unit1,
                         json={"ids": [first, second, 999999], "action": "approve", "reason": ""})
    assert result.status_code == 200
    rows = {r["id"]: r for r in result.json()["results"]}
    assert rows[first]["ok"] and rows[second]["ok"] and rows[first]["status"] == "approved"
    assert rows[999999]["ok"] is False and rows[999999]["code"] == "registration_not_found"
    statuses = _db(client, lambda: Account.select(Account.status).where(Account.username.is_in(["newdoc", "newdoc2"])))
    assert {s["status"] for s in statuses} == {"active"}
    assert _db(client, lambda: Registration.count().where(Registration.status == "approved")) == 2


def test_a_race_past_the_checks_is_409_and_writes_nothing(client, fresh_settings, monkeypatch):
    from server.services import registration as service

    async def no_checks(*args):
        return None

    monkeypatch.setattr(service, "_check_unique", no_checks)
    body = form(client, fresh_settings, username="trainee1")
    response = client.post("/api/registrations", json=body)
    assert response.status_code == 409 and response.json()["code"] == "duplicate"
    assert _db(client, lambda: Person.count().where(Person.id_number == NEW_ID)) == 0
    code = _db(client, lambda: SmsCode.select(SmsCode.used_at).where(SmsCode.phone == NEW_PHONE).first())
    assert code["used_at"] is None
