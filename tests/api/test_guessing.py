"""Guessing, oracles and SMS pumping (issue 9 §2-3): every secret checked is a counted try."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from litestar.testing import TestClient

from server.app import create_app
from server.services import attendance, throttle
from server.services.errors import DomainError
from server.tables import Throttle
from tests.api.attendance_helpers import current_code, open_session
from tests.api.conftest import login
from tests.api.login_security_helpers import captcha, enable_totp
from tests.api.registration_helpers import NEW_ID, NEW_PASSWORD, NEW_PHONE, outbox, register, unit_and_department


@pytest.fixture
def strict_settings(fresh_settings):
    """Small limits, so a test reaches them in a few calls."""
    return dataclasses.replace(fresh_settings, wrong_codes_per_ip=5, sms_captcha_after_per_ip=2,
                               sms_per_ip_per_hour=4, sms_global_per_hour=100)


@pytest.fixture
def strict(strict_settings):
    with TestClient(app=create_app(strict_settings)) as client:
        yield client


def _wrong_code(code: str) -> str:
    return "000000" if code != "000000" else "111111"


# -- oracles -------------------------------------------------------------------------------


def test_registration_edit_counts_wrong_passwords_like_logins(client, fresh_settings):
    reg_id = register(client, fresh_settings).json()["id"]
    unit_id, department_id = unit_and_department(client)
    edit = {"username": "newdoc", "id_number": NEW_ID, "password": "Wrong12345", "unit_id": unit_id,
            "department_id": department_id, "name": "赵新", "joins_cme": True}
    answers = [client.put(f"/api/registrations/{reg_id}", json=edit) for _ in range(6)]
    assert [a.status_code for a in answers] == [422] * 5 + [429]
    assert answers[-1].json()["code"] == "too_many_attempts"
    # Locked: the right password is not even checked (no 200/409 to tell it from a wrong one).
    right = client.put(f"/api/registrations/{reg_id}", json={**edit, "password": NEW_PASSWORD})
    assert right.status_code == 429


def test_old_password_guessing_is_throttled(client):
    headers = login(client, "trainee1")
    body = {"old_password": "Guess00000", "new_password": "NewPass2026"}
    answers = [client.post("/api/auth/password", headers=headers, json=body).status_code for _ in range(6)]
    assert answers == [422] * 5 + [429]
    right = client.post("/api/auth/password", headers=headers, json={**body, "old_password": "Demo@2026"})
    assert right.status_code == 429 and right.json()["code"] == "too_many_attempts"


def test_totp_disable_code_guessing_is_throttled(client):
    headers = login(client, "dept1")
    enable_totp(client, headers)
    answers = [client.request("DELETE", "/api/me/totp", headers=headers, json={"code": f"{i:06d}"})
               for i in range(6)]
    assert [a.status_code for a in answers] == [422] * 5 + [429]
    assert answers[-1].json()["code"] == "too_many_attempts"
    assert client.get("/api/me/totp", headers=headers).json() == {"enabled": True}


# -- wrong check-in codes ----------------------------------------------------------------------


def test_wrong_claim_codes_from_one_address_end_in_429(strict):
    _, session = open_session(strict, login(strict, "dept1"), login(strict, "unit1"))
    code = current_code(strict, login(strict, "dept1"), session["id"])
    body = {"session_id": session["id"], "code": _wrong_code(code)}
    answers = [strict.post("/api/claims", json=body) for _ in range(6)]
    assert [a.status_code for a in answers] == [400] * 5 + [429]
    assert answers[-1].json()["code"] == "too_many_attempts" and int(answers[-1].headers["retry-after"]) > 0
    # Blocked, the address can no longer tell a right code from a wrong one.
    right = strict.post("/api/claims", json={**body, "code": current_code(strict, login(strict, "dept1"), session["id"])})
    assert right.status_code == 429


def test_a_blocked_address_leaves_other_addresses_alone(strict, strict_settings):
    dept = login(strict, "dept1")
    _, session = open_session(strict, dept, login(strict, "unit1"))
    code = current_code(strict, dept, session["id"])
    for _ in range(6):
        strict.post("/api/claims", json={"session_id": session["id"], "code": _wrong_code(code)})

    async def elsewhere():
        return await attendance.create_claim(session["id"], code, ip="203.0.113.9", settings=strict_settings)

    assert strict.blocking_portal.call(elsewhere).claim


def test_a_lecture_hall_of_right_codes_behind_one_address_is_never_slowed_nor_counted(strict):
    dept = login(strict, "dept1")
    _, session = open_session(strict, dept, login(strict, "unit1"))
    code = current_code(strict, dept, session["id"])
    answers = [strict.post("/api/claims", json={"session_id": session["id"], "code": code}).status_code
               for _ in range(300)]
    assert answers == [201] * 300

    async def counters():
        return await Throttle.count().where(Throttle.scope == "wrong_code")

    assert strict.blocking_portal.call(counters) == 0


def test_wrong_check_in_codes_count_against_the_address_too(strict):
    dept = login(strict, "dept1")
    _, session = open_session(strict, dept, login(strict, "unit1"))
    code = current_code(strict, dept, session["id"])
    trainee = login(strict, "trainee1")
    body = {"session_id": session["id"], "code": _wrong_code(code)}
    answers = [strict.post("/api/checkins", headers=trainee, json=body).status_code for _ in range(6)]
    assert answers == [400] * 5 + [429]


def test_a_blocked_address_gets_429_for_a_right_check_in_code_too(strict):
    # On PostgreSQL the check-in statement checks the count itself (throttle.room_condition).
    dept = login(strict, "dept1")
    _, session = open_session(strict, dept, login(strict, "unit1"))
    code = current_code(strict, dept, session["id"])
    trainee = login(strict, "trainee1")
    for _ in range(6):
        strict.post("/api/checkins", headers=trainee, json={"session_id": session["id"], "code": _wrong_code(code)})
    right = strict.post("/api/checkins", headers=trainee, json={"session_id": session["id"], "code": code})
    assert right.status_code == 429 and right.json()["code"] == "too_many_attempts"
    assert int(right.headers["retry-after"]) >= 1


# A throttle row (its period relative to now's, hits, prev_hits) and the second into a 300 s window;
# the limit is 5: cases on both sides of it, in this window and the one before.
_ROOM_CASES = [
    (None, 0), ((0, 4, 0), 0), ((0, 5, 0), 0), ((0, 4, 2), 0), ((0, 3, 4), 150), ((0, 3, 4), 290),
    ((-1, 5, 0), 10), ((-1, 5, 0), 290), ((-1, 4, 3), 100), ((-2, 9, 9), 0), ((0, 0, 5), 1), ((0, 0, 5), 299),
]


@pytest.mark.parametrize("case", _ROOM_CASES, ids=[str(c) for c in _ROOM_CASES])
def test_the_check_in_statement_and_guard_agree_on_room(client, strict_settings, case):
    from server import db

    row, into = case
    limit = dataclasses.replace(throttle.wrong_codes(strict_settings), window=300)
    now = 1_800_000_000 // 300 * 300 + into

    async def both() -> tuple[bool, bool]:
        if row is not None:
            await Throttle.insert(Throttle(scope=limit.scope, subject="9.9.9.9", period=now // 300 + row[0],
                                           hits=row[1], prev_hits=row[2], touched=now))
        sql, args = throttle.room_condition(limit, "x.subject", now)
        in_sql = (await db.fetch(Throttle._meta.db, "SELECT " + sql + " AS ok FROM (SELECT CAST({} AS VARCHAR) "
                                 "AS subject) AS x", *args, "9.9.9.9"))[0]["ok"]
        stored = await Throttle.select(Throttle.period, Throttle.hits, Throttle.prev_hits).first()
        return bool(in_sql), throttle.estimate(stored, limit, now) + 1 <= limit.most

    in_sql, in_python = client.blocking_portal.call(both)
    assert in_sql == in_python


# -- SMS pumping ------------------------------------------------------------------------------


def _send(client, phone, purpose="register", **extra):
    return client.post("/api/sms/codes", json={"phone": phone, "purpose": purpose, **extra})


def test_an_address_past_a_few_codes_must_solve_the_captcha(strict, strict_settings):
    assert [_send(strict, f"1391234560{i}").status_code for i in range(2)] == [202, 202]
    asked = _send(strict, "13912345602")
    assert asked.status_code == 401 and asked.json()["code"] == "captcha_required"
    assert _send(strict, "13912345602", captcha_id="nope", captcha_answer="ABCD").json()["code"] == "captcha_invalid"
    assert _send(strict, "13912345602", **captcha(strict)).status_code == 202
    assert [m["phone"] for m in outbox(strict_settings)] == ["13912345600", "13912345601", "13912345602"]


def test_an_address_gets_its_hourly_budget_and_no_more(strict, strict_settings):
    answers = [_send(strict, f"1391234561{i}", **captcha(strict)).status_code for i in range(5)]
    assert answers == [202] * 4 + [429]
    assert len(outbox(strict_settings)) == 4


def test_the_global_budget_stops_texts_from_everywhere_and_alerts_the_log(strict, strict_settings, caplog):
    from server.services import sms

    gateway = strict.app.state.sms_gateway
    settings = dataclasses.replace(strict_settings, sms_global_per_hour=3)

    def send(i):
        async def call():
            await sms.request_code(f"1391234562{i}", sms.SmsPurpose.register, settings=settings,
                                   gateway=gateway, ip=f"198.51.100.{i}")
        return call

    for i in range(3):
        strict.blocking_portal.call(send(i))
    with caplog.at_level(logging.ERROR, logger="jijiao"):
        with pytest.raises(DomainError) as refused:
            strict.blocking_portal.call(send(3))
    assert refused.value.code == "too_many_attempts"
    assert len(outbox(strict_settings)) == 3
    assert any("SMS global budget" in r.getMessage() for r in caplog.records)


def test_silent_recovery_requests_spend_the_address_budget_but_not_the_global_one(strict, strict_settings):
    # Unknown phones get no text (202 all the same); they still count for the address.
    answers = [_send(strict, f"1391234563{i}", "reset_password", **captcha(strict)) for i in range(4)]
    assert [a.status_code for a in answers] == [202] * 4
    assert outbox(strict_settings) == []

    async def counts():
        return {r["scope"]: r["hits"] for r in await Throttle.select(Throttle.scope, Throttle.hits)
                .where(Throttle.scope.is_in(["sms_address", "sms_global"]))}

    assert strict.blocking_portal.call(counts) == {"sms_address": 4}


def test_limits_read_their_numbers_from_settings(strict_settings):
    assert throttle.wrong_codes(strict_settings).most == 5
    assert throttle.sms_global(strict_settings).window == 3600


def test_a_pending_registrant_with_the_right_password_is_never_locked_out(client, fresh_settings):
    register(client, fresh_settings)
    answers = [client.post("/api/auth/login", json={"username": "newdoc", "password": NEW_PASSWORD})
               for _ in range(fresh_settings.login_max_failures_per_user + 2)]
    assert {a.json()["code"] for a in answers} == {"registration_pending"}
