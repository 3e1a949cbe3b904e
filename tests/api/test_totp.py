"""TOTP second factor for admins: enrolment by QR, login with a code, no replay, turning it off."""

import base64
import time

import pyotp

from server.services import totp
from server.tables import AuditLog
from tests.api.conftest import login as login_headers
from tests.api.login_security_helpers import code_for, enable_totp, forget_last_step, login, totp_secret


def test_enrolment_gives_secret_otpauth_url_and_qr(client):
    headers = login_headers(client, "dept1")
    response = client.post("/api/me/totp", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["otpauth_url"].startswith("otpauth://totp/")
    assert f"secret={body['secret']}" in body["otpauth_url"]
    assert "dept1" in body["otpauth_url"]
    assert body["qr_image"].startswith("data:image/svg+xml;base64,")
    assert b"<svg" in base64.b64decode(body["qr_image"].split(",", 1)[1])
    # Pending until confirmed: login still needs no code.
    assert client.get("/api/me/totp", headers=headers).json() == {"enabled": False}
    assert totp_secret(client, "dept1") is None
    assert login(client, "dept1").status_code == 200


def test_confirm_with_the_right_code_turns_it_on(client):
    headers = login_headers(client, "dept1")
    secret = enable_totp(client, headers)
    assert totp_secret(client, "dept1") == secret
    assert client.get("/api/me/totp", headers=headers).json() == {"enabled": True}

    async def actions():
        return await AuditLog.select(AuditLog.action).where(AuditLog.action == "totp_enable")

    assert client.blocking_portal.call(actions)


def test_confirm_with_a_wrong_code_is_422_and_leaves_it_off(client):
    headers = login_headers(client, "dept1")
    client.post("/api/me/totp", headers=headers)
    response = client.post("/api/me/totp/confirm", headers=headers, json={"code": "000000"})
    assert response.status_code == 422
    assert response.json()["code"] == "totp_invalid"
    assert client.get("/api/me/totp", headers=headers).json() == {"enabled": False}


def test_confirm_without_enrolling_is_409(client):
    headers = login_headers(client, "dept1")
    response = client.post("/api/me/totp/confirm", headers=headers, json={"code": "123456"})
    assert response.status_code == 409
    assert response.json()["code"] == "totp_not_enrolling"


def test_enrolling_again_while_on_is_409(client):
    headers = login_headers(client, "dept1")
    enable_totp(client, headers)
    assert client.post("/api/me/totp", headers=headers).json()["code"] == "totp_enabled"


def test_trainee_cannot_enrol(client):
    headers = login_headers(client, "trainee1")
    assert client.post("/api/me/totp", headers=headers).status_code == 403
    assert client.get("/api/me/totp", headers=headers).status_code == 403


def test_login_without_code_is_totp_required_and_makes_no_session(client):
    enable_totp(client, login_headers(client, "dept1"))
    response = login(client, "dept1")
    assert response.status_code == 401
    assert response.json()["code"] == "totp_required"
    assert not any(c.startswith("jijiao_session=") and "jijiao_session=;" not in c
                   for c in response.headers.get_list("set-cookie"))


def test_login_with_the_current_code(client):
    secret = enable_totp(client, login_headers(client, "dept1"))
    forget_last_step(client, "dept1")
    response = login(client, "dept1", totp_code=code_for(secret))
    assert response.status_code == 200
    assert response.json()["user"]["username"] == "dept1"


def test_previous_step_code_is_accepted_but_not_a_future_one(client):
    secret = enable_totp(client, login_headers(client, "dept1"))
    forget_last_step(client, "dept1")
    future = pyotp.TOTP(secret).at(time.time() + 30)
    assert login(client, "dept1", totp_code=future).json()["code"] == "totp_invalid"
    assert login(client, "dept1", totp_code=code_for(secret, steps_back=1)).status_code == 200


def test_a_code_cannot_be_replayed(client):
    headers = login_headers(client, "dept1")
    secret = client.post("/api/me/totp", headers=headers).json()["secret"]
    confirming = code_for(secret)
    assert client.post("/api/me/totp/confirm", headers=headers, json={"code": confirming}).status_code == 204
    assert login(client, "dept1", totp_code=confirming).json()["code"] == "totp_invalid"
    forget_last_step(client, "dept1")
    code = code_for(secret)
    assert login(client, "dept1", totp_code=code).status_code == 200
    assert login(client, "dept1", totp_code=code).json()["code"] == "totp_invalid"


def test_wrong_code_counts_as_a_failed_attempt(client):
    enable_totp(client, login_headers(client, "dept1"))
    for _ in range(3):
        assert login(client, "dept1", totp_code="000000").json()["code"] == "totp_invalid"
    assert login(client, "dept1", totp_code="000000").json()["code"] == "captcha_required"


def test_wrong_password_with_totp_on_is_still_invalid_credentials(client):
    secret = enable_totp(client, login_headers(client, "dept1"))
    response = login(client, "dept1", "wrong-password1", totp_code=code_for(secret))
    assert response.json()["code"] == "invalid_credentials"


def test_disable_with_a_code(client):
    headers = login_headers(client, "dept1")
    secret = enable_totp(client, headers)
    forget_last_step(client, "dept1")
    response = client.request("DELETE", "/api/me/totp", headers=headers, json={"code": code_for(secret)})
    assert response.status_code == 204
    assert totp_secret(client, "dept1") is None
    assert login(client, "dept1").status_code == 200


def test_disable_with_the_password(client):
    headers = login_headers(client, "dept1")
    enable_totp(client, headers)
    response = client.request("DELETE", "/api/me/totp", headers=headers, json={"password": "Demo@2026"})
    assert response.status_code == 204


def test_disable_with_wrong_proof_is_422_and_keeps_it_on(client):
    headers = login_headers(client, "dept1")
    enable_totp(client, headers)
    for body, field in (({"code": "000000"}, "code"), ({"password": "nope-nope1"}, "password"), ({}, "password")):
        response = client.request("DELETE", "/api/me/totp", headers=headers, json=body)
        assert response.status_code == 422
        assert response.json()["field"] == field
    assert client.get("/api/me/totp", headers=headers).json() == {"enabled": True}


def test_matching_step_rejects_malformed_codes():
    secret = pyotp.random_base32()
    for code in ("", "12345", "1234567", "abcdef"):
        assert totp.matching_step(secret, code, None) is None
