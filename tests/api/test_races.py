"""Limits that must hold when the requests come at once (issue 9 §1), on SQLite and PostgreSQL.

Each test runs its calls concurrently on the app's own event loop (asyncio.gather
through the test client's portal), so they interleave at every await as parallel
HTTP requests do: what used to be read-then-write let every one of them through.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from decimal import Decimal

from litestar.testing import TestClient

from server.app import create_app
from server.services import auth, entries, sms
from server.services.errors import DomainError
from server.tables import SmsCode
from server.tables.enums import SmsPurpose
from tests.api.conftest import login
from tests.api.entry_helpers import DAY
from tests.api.registration_helpers import NEW_PHONE, last_code, outbox


def gather(client: TestClient, calls: list) -> list:
    """Run the coroutine factories at once on the app's loop; each result or DomainError."""

    async def run():
        return await asyncio.gather(*(call() for call in calls), return_exceptions=True)

    results = client.blocking_portal.call(run)
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, DomainError):
            raise result
    return results


def codes(results: list) -> list[str]:
    return sorted(r.code if isinstance(r, DomainError) else "ok" for r in results)


def test_parallel_wrong_passwords_for_one_username_get_only_the_limits_tries(fresh_settings):
    settings = dataclasses.replace(fresh_settings, login_captcha_after_failures=0, login_captcha_after_ip_failures=0)
    with TestClient(app=create_app(settings)) as client:
        results = gather(client, [
            lambda: auth.login("trainee3", "wrong-password1", ip="10.0.0.7", user_agent="t", settings=settings)
            for _ in range(40)])
    outcome = codes(results)
    assert outcome.count("invalid_credentials") == settings.login_max_failures_per_user
    assert outcome.count("too_many_attempts") == 40 - settings.login_max_failures_per_user


def test_parallel_logins_with_the_captcha_on_check_the_password_only_before_it_is_asked(client, fresh_settings):
    results = gather(client, [
        lambda: auth.login("trainee3", "wrong-password1", ip="10.0.0.7", user_agent="t", settings=fresh_settings)
        for _ in range(30)])
    outcome = codes(results)
    assert outcome.count("invalid_credentials") == fresh_settings.login_captcha_after_failures
    assert outcome.count("captcha_required") == (fresh_settings.login_max_failures_per_user
                                                 - fresh_settings.login_captcha_after_failures)
    assert outcome.count("too_many_attempts") == 30 - fresh_settings.login_max_failures_per_user


def test_parallel_tries_of_one_sms_code_are_compared_only_max_attempts_times(client, fresh_settings):
    assert client.post("/api/sms/codes", json={"phone": NEW_PHONE, "purpose": "register"}).status_code == 202
    right = last_code(fresh_settings, NEW_PHONE, "register")
    # All twenty carry the right code: each comparison would succeed, so the
    # successes count the comparisons made.
    results = gather(client, [
        lambda: sms.check_code(NEW_PHONE, SmsPurpose.register, right, settings=fresh_settings) for _ in range(20)])
    assert sum(1 for r in results if isinstance(r, int)) == fresh_settings.sms_max_attempts
    assert codes(results).count("sms_code_exhausted") == 20 - fresh_settings.sms_max_attempts

    async def attempts():
        return (await SmsCode.select(SmsCode.attempts).first())["attempts"]

    assert client.blocking_portal.call(attempts) == fresh_settings.sms_max_attempts


def test_parallel_sends_to_one_phone_send_one_text_within_the_cooldown(client, fresh_settings):
    gateway = client.app.state.sms_gateway
    results = gather(client, [
        lambda i=i: sms.request_code(NEW_PHONE, SmsPurpose.register, settings=fresh_settings, gateway=gateway,
                                     ip=f"10.1.0.{i}") for i in range(20)])
    assert codes(results).count("too_many_attempts") == 19
    assert len(outbox(fresh_settings)) == 1


def test_parallel_self_declared_entries_of_one_day_stay_within_six_hours(client, fresh_settings):
    headers = login(client, "trainee1")
    principal = client.blocking_portal.call(
        lambda: auth.resolve_token(headers["Authorization"][7:], via_cookie=False, ip="", settings=fresh_settings))

    def declare(i: int):
        declaration = entries.Declaration(rule_code="self_training", quantity=Decimal(3),
                                          activity_date=dt.date.fromisoformat(DAY),
                                          title=f"院内培训第{i}场")
        return lambda: entries.create(principal, declaration, draft=False, person_id=None)

    results = gather(client, [declare(i) for i in range(10)])
    outcome = codes(results)
    assert outcome.count("ok") == 2
    assert outcome.count("daily_limit") == 8


def test_parallel_sends_from_one_address_get_only_the_captcha_free_ones_without_a_captcha(client, fresh_settings):
    # Read-then-write let all twelve see "no codes sent yet" and skip the captcha.
    settings = dataclasses.replace(fresh_settings, sms_captcha_after_per_ip=3, sms_per_ip_per_hour=50)
    gateway = client.app.state.sms_gateway
    results = gather(client, [
        lambda i=i: sms.request_code(f"139123457{i:02d}", SmsPurpose.register, settings=settings,
                                     gateway=gateway, ip="198.51.100.77") for i in range(12)])
    assert codes(results).count("ok") == 3
    assert codes(results).count("captcha_required") == 9
    assert len(outbox(fresh_settings)) == 3
