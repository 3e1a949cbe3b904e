"""SMS-code login: admins listed on 管理员信息 (seed 001 §8) and any account by its own phone."""

from server.tables import AuditLog
from tests.api.conftest import login as login_headers
from tests.api.login_security_helpers import code_for, enable_totp, forget_last_step
from tests.api.registration_helpers import last_code, outbox, send_code

PHONE = "13700000001"
URL = "/api/auth/sms-login"


def _list(client, username="dept1", phone=PHONE):
    response = client.put("/api/me/admin-contacts", headers=login_headers(client, username),
                          json={"contacts": [{"name": "张主任", "phone": phone}]})
    assert response.status_code == 200


def _code(client, settings, phone=PHONE):
    assert send_code(client, phone, "login").status_code == 202
    return last_code(settings, phone, "login")


def test_listed_admin_logs_in_with_an_sms_code(client, fresh_settings):
    _list(client)
    response = client.post(URL, json={"phone": PHONE, "sms_code": _code(client, fresh_settings)})
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["username"] == "dept1"
    assert client.get("/api/me", headers={"Authorization": f"Bearer {body['token']}"}).status_code == 200
    assert any(c.startswith("jijiao_session=") for c in response.headers.get_list("set-cookie"))

    async def audit():
        return await AuditLog.select(AuditLog.action, AuditLog.detail).where(AuditLog.action == "sms_login")

    [row] = client.blocking_portal.call(audit)
    assert PHONE not in row["detail"]


def test_a_code_works_only_once(client, fresh_settings):
    _list(client)
    code = _code(client, fresh_settings)
    assert client.post(URL, json={"phone": PHONE, "sms_code": code}).status_code == 200
    again = client.post(URL, json={"phone": PHONE, "sms_code": code})
    assert again.status_code == 422
    assert again.json()["code"] == "sms_code_expired"


def test_login_code_for_a_phone_of_no_account_is_202_but_not_sent(client, fresh_settings):
    assert send_code(client, "13999999999", "login").status_code == 202
    assert outbox(fresh_settings) == []


def test_phone_of_no_account_fails_like_a_wrong_code(client):
    response = client.post(URL, json={"phone": "13999999999", "sms_code": "123456"})
    assert response.status_code == 422
    assert response.json()["code"] == "sms_code_expired"


def test_wrong_code_is_422(client, fresh_settings):
    _list(client)
    _code(client, fresh_settings)
    response = client.post(URL, json={"phone": PHONE, "sms_code": "000000"})
    assert response.status_code == 422
    assert response.json()["code"] == "wrong_sms_code"


def test_expired_code_is_422(client, fresh_settings):
    import datetime as dt

    from server.tables import SmsCode

    _list(client)
    code = _code(client, fresh_settings)

    async def expire():
        await SmsCode.update({SmsCode.expires_at: dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)},
                             force=True)

    client.blocking_portal.call(expire)
    assert client.post(URL, json={"phone": PHONE, "sms_code": code}).json()["code"] == "sms_code_expired"


def test_delisted_phone_can_no_longer_use_its_code(client, fresh_settings):
    _list(client)
    code = _code(client, fresh_settings)
    client.put("/api/me/admin-contacts", headers=login_headers(client, "dept1"), json={"contacts": []})
    assert client.post(URL, json={"phone": PHONE, "sms_code": code}).json()["code"] == "sms_code_expired"


def test_malformed_phone_is_422(client):
    response = client.post(URL, json={"phone": "12345", "sms_code": "123456"})
    assert response.status_code == 422
    assert response.json()["field"] == "phone"


def test_repeated_failures_are_throttled(client):
    for _ in range(5):
        assert client.post(URL, json={"phone": PHONE, "sms_code": "123456"}).status_code == 422
    response = client.post(URL, json={"phone": PHONE, "sms_code": "123456"})
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"


def test_totp_is_still_required_and_keeps_the_sms_code_alive(client, fresh_settings):
    _list(client)
    secret = enable_totp(client, login_headers(client, "dept1"))
    forget_last_step(client, "dept1")
    code = _code(client, fresh_settings)
    missing = client.post(URL, json={"phone": PHONE, "sms_code": code})
    assert missing.status_code == 401
    assert missing.json()["code"] == "totp_required"
    wrong = client.post(URL, json={"phone": PHONE, "sms_code": code, "totp_code": "000000"})
    assert wrong.json()["code"] == "totp_invalid"
    ok = client.post(URL, json={"phone": PHONE, "sms_code": code, "totp_code": code_for(secret)})
    assert ok.status_code == 200


def test_disabled_account_cannot_log_in_by_sms(client, fresh_settings):
    from server.tables import Account

    _list(client)
    code = _code(client, fresh_settings)

    async def disable():
        await Account.update({Account.status: "disabled"}).where(Account.username == "dept1")

    client.blocking_portal.call(disable)
    response = client.post(URL, json={"phone": PHONE, "sms_code": code})
    assert response.status_code == 403
    assert response.json()["code"] == "account_disabled"
