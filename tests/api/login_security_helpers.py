"""Helpers for captcha, TOTP and SMS-login tests."""

from __future__ import annotations

import time

import pyotp

from server.services.captcha import answer_hash
from server.services.demo import DEMO_PASSWORD
from server.tables import Account, LoginCaptcha


def login(client, username, password=DEMO_PASSWORD, **extra):
    return client.post("/api/auth/login", json={"username": username, "password": password, **extra})


def fail(client, username, times):
    for _ in range(times):
        assert login(client, username, "wrong-password1").status_code == 401


def captcha(client, answer="ABCD") -> dict:
    """A captcha from the API whose answer the test then knows (the server keeps only a hash)."""
    response = client.get("/api/auth/captcha")
    assert response.status_code == 200
    key = response.json()["id"]

    async def set_answer():
        await LoginCaptcha.update({LoginCaptcha.answer_hash: answer_hash(answer)}).where(LoginCaptcha.key == key)

    client.blocking_portal.call(set_answer)
    return {"captcha_id": key, "captcha_answer": answer}


def totp_secret(client, username) -> str | None:
    async def read():
        return await Account.select(Account.totp_secret).where(Account.username == username).first()

    return client.blocking_portal.call(read)["totp_secret"]


def code_for(secret: str, steps_back: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() - 30 * steps_back)


def enable_totp(client, headers) -> str:
    secret = client.post("/api/me/totp", headers=headers).json()["secret"]
    assert client.post("/api/me/totp/confirm", headers=headers, json={"code": code_for(secret)}).status_code == 204
    return secret


def forget_last_step(client, username):
    """Let the current step's code be used again (as if the confirmation were a step ago)."""
    async def clear():
        await Account.update({Account.totp_last_step: None}).where(Account.username == username)

    client.blocking_portal.call(clear)
