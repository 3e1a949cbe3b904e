"""One login field for username, ID number or phone; SMS login for trainees (issue 13).

trainee1 (张伟) has the phone 13800000001 on both their account and person record.
"""

from server.tables import Account, Person, Throttle
from tests.api.registration_helpers import last_code, outbox, send_code

PASSWORD = "Demo@2026"
TRAINEE1_PHONE = "13800000001"


def _id_number(client, username: str) -> str:
    async def find():
        account = await Account.select(Account.person).where(Account.username == username).first()
        person = await Person.select(Person.id_number).where(Person.id == account["person"]).first()
        return person["id_number"]

    return client.blocking_portal.call(find)


def _login(client, username: str, password: str = PASSWORD):
    return client.post("/api/auth/login", json={"username": username, "password": password})


def test_trainee_logs_in_by_id_number(client):
    response = _login(client, _id_number(client, "trainee1"))
    assert response.status_code == 200
    assert response.json()["user"]["username"] == "trainee1"


def test_id_number_with_a_lower_case_x_names_the_same_person(client):
    async def give_x():
        await Person.update({Person.id_number: "99010219880512001X"}).where(
            Person.id == (await Account.select(Account.person).where(Account.username == "trainee2").first())["person"])

    client.blocking_portal.call(give_x)
    response = _login(client, "99010219880512001x")
    assert response.status_code == 200
    assert response.json()["user"]["username"] == "trainee2"


def test_trainee_logs_in_by_phone(client):
    response = _login(client, TRAINEE1_PHONE)
    assert response.status_code == 200
    assert response.json()["user"]["username"] == "trainee1"


def test_phone_on_the_person_record_only_is_enough(client):
    async def clear_account_phone():
        await Account.update({Account.phone: ""}).where(Account.username == "trainee1")

    client.blocking_portal.call(clear_account_phone)
    assert _login(client, TRAINEE1_PHONE).json()["user"]["username"] == "trainee1"


def test_wrong_password_by_id_number_is_the_usual_401(client):
    response = _login(client, _id_number(client, "trainee1"), "Wrong@2026")
    assert response.status_code == 401
    assert response.json() == {"code": "invalid_credentials", "detail": "用户名或密码错误"}


def test_unknown_id_number_is_the_same_401_as_a_wrong_password(client):
    wrong = _login(client, _id_number(client, "trainee1"), "Wrong@2026").json()
    unknown = _login(client, "990102199001010018").json()
    assert unknown == wrong


def test_phone_shared_by_two_accounts_logs_in_neither(client):
    async def share():
        await Account.update({Account.phone: TRAINEE1_PHONE}).where(Account.username == "trainee2")

    client.blocking_portal.call(share)
    response = _login(client, TRAINEE1_PHONE)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_failures_are_counted_under_what_was_typed(client):
    _login(client, TRAINEE1_PHONE, "Wrong@2026")

    async def subjects():
        return {r["subject"] for r in await Throttle.select(Throttle.subject)}

    subjects_seen = client.blocking_portal.call(subjects)
    assert TRAINEE1_PHONE in subjects_seen and "trainee1" not in subjects_seen


# -- SMS login for trainees ------------------------------------------------------------


def test_trainee_logs_in_with_an_sms_code_sent_to_their_phone(client, fresh_settings):
    assert send_code(client, TRAINEE1_PHONE, "login").status_code == 202
    code = last_code(fresh_settings, TRAINEE1_PHONE, "login")
    response = client.post("/api/auth/sms-login", json={"phone": TRAINEE1_PHONE, "sms_code": code})
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == "trainee1"


def test_no_login_code_goes_to_a_phone_shared_by_two_accounts(client, fresh_settings):
    async def share():
        await Account.update({Account.phone: TRAINEE1_PHONE}).where(Account.username == "trainee2")

    client.blocking_portal.call(share)
    assert send_code(client, TRAINEE1_PHONE, "login").status_code == 202
    assert outbox(fresh_settings) == []


def test_pending_registration_cannot_log_in_by_sms(client, fresh_settings):
    assert send_code(client, TRAINEE1_PHONE, "login").status_code == 202
    code = last_code(fresh_settings, TRAINEE1_PHONE, "login")

    async def pend():
        await Account.update({Account.status: "pending"}).where(Account.username == "trainee1")

    client.blocking_portal.call(pend)
    response = client.post("/api/auth/sms-login", json={"phone": TRAINEE1_PHONE, "sms_code": code})
    assert response.status_code == 403
    assert response.json()["code"] == "registration_pending"
