"""Forgotten password and username by SMS code."""

from server.services.demo import DEMO_PASSWORD
from server.tables import Person
from tests.api.conftest import login
from tests.api.registration_helpers import last_code, send_code

PHONE = "13800000001"  # trainee1


def _id_number(client, name="张伟"):
    async def find():
        return (await Person.select(Person.id_number).where(Person.name == name).first())["id_number"]

    return client.blocking_portal.call(find)


def _reset(client, code, password="Fresh2026pw", phone=PHONE):
    return client.post("/api/auth/password-reset", json={"phone": phone, "sms_code": code, "new_password": password})


def test_reset_ends_sessions_and_changes_password(client, fresh_settings):
    old = login(client, "trainee1")
    send_code(client, PHONE, "reset_password")
    assert _reset(client, last_code(fresh_settings, PHONE, "reset_password")).status_code == 204
    assert client.get("/api/me", headers=old).status_code == 401
    assert client.post("/api/auth/login", json={"username": "trainee1", "password": DEMO_PASSWORD}).status_code == 401
    assert client.post("/api/auth/login", json={"username": "trainee1", "password": "Fresh2026pw"}).status_code == 200


def test_reset_code_works_once(client, fresh_settings):
    send_code(client, PHONE, "reset_password")
    code = last_code(fresh_settings, PHONE, "reset_password")
    assert _reset(client, code).status_code == 204
    again = _reset(client, code, "Third2026pw")
    assert again.status_code == 422 and again.json()["field"] == "sms_code"


def test_wrong_code_is_422_and_keeps_the_password(client, fresh_settings):
    send_code(client, PHONE, "reset_password")
    code = last_code(fresh_settings, PHONE, "reset_password")
    wrong = _reset(client, "000000" if code != "000000" else "111111")
    assert wrong.status_code == 422 and wrong.json()["field"] == "sms_code"
    login(client, "trainee1")


def test_code_of_another_purpose_does_not_reset(client, fresh_settings):
    send_code(client, PHONE, "find_username")
    response = _reset(client, last_code(fresh_settings, PHONE, "find_username"))
    assert response.status_code == 422 and response.json()["field"] == "sms_code"


def test_weak_new_password_is_422(client, fresh_settings):
    send_code(client, PHONE, "reset_password")
    response = _reset(client, last_code(fresh_settings, PHONE, "reset_password"), password="short")
    assert response.status_code == 422 and response.json()["field"] == "new_password"


def test_reset_is_throttled_like_login(client, fresh_settings):
    import datetime as dt

    from server.tables import SmsCode

    async def fresh_code():
        await SmsCode.update({SmsCode.created_at: dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=2)}, force=True)

    # Each code dies after its own wrong tries; the phone's failures add up across codes.
    for tries in (3, 2):  # five failures in all (settings.login_max_failures_per_user)
        client.blocking_portal.call(fresh_code)
        send_code(client, PHONE, "reset_password")
        for _ in range(tries):
            assert _reset(client, "abcdef").status_code == 422
    blocked = _reset(client, last_code(fresh_settings, PHONE, "reset_password"))
    assert blocked.status_code == 429
    assert "retry-after" in blocked.headers


def test_find_username(client, fresh_settings):
    id_number = _id_number(client)
    send_code(client, PHONE, "find_username")
    code = last_code(fresh_settings, PHONE, "find_username")
    mismatch = client.post("/api/auth/find-username",
                           json={"id_number": _id_number(client, "李娜"), "phone": PHONE, "sms_code": code})
    assert mismatch.status_code == 404 and mismatch.json()["code"] == "mismatch"
    found = client.post("/api/auth/find-username", json={"id_number": id_number, "phone": PHONE, "sms_code": code})
    assert found.status_code == 200 and found.json() == {"username": "trainee1"}


def test_find_username_wrong_code(client, fresh_settings):
    send_code(client, PHONE, "find_username")
    response = client.post("/api/auth/find-username",
                           json={"id_number": _id_number(client), "phone": PHONE, "sms_code": "abcdef"})
    assert response.status_code == 422 and response.json()["field"] == "sms_code"
