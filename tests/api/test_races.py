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
from server.services import attendance, auth, entries, evidence, project_files, sms
from server.services.errors import DomainError
from server.tables import SmsCode
from server.tables.enums import SmsPurpose
from tests.api.attendance_helpers import current_code, open_session
from tests.api.conftest import login
from tests.api.entry_helpers import DAY
from tests.api.project_helpers import create_project
from tests.api.test_evidence import PDF, jpeg, new_credit, upload
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


def _principal(client: TestClient, username: str, settings):
    headers = login(client, username)
    return client.blocking_portal.call(
        lambda: auth.resolve_token(headers["Authorization"][7:], via_cookie=False, ip="", settings=settings))


def test_parallel_self_declared_entries_of_one_day_stay_within_six_hours(client, fresh_settings):
    principal = _principal(client, "trainee1", fresh_settings)

    def declare(i: int):
        declaration = entries.Declaration(rule_code="self_training", quantity=Decimal(3),
                                          activity_date=dt.date.fromisoformat(DAY),
                                          title=f"院内培训第{i}场")
        return lambda: entries.create(principal, declaration, draft=False, person_id=None)

    results = gather(client, [declare(i) for i in range(10)])
    outcome = codes(results)
    assert outcome.count("ok") == 2
    assert outcome.count("daily_limit") == 8


def _twelve_sends(client: TestClient, settings, phone_prefix: str, ip_of):
    """Twelve parallel register codes to twelve new phones, from the address ``ip_of(i)``."""
    gateway = client.app.state.sms_gateway
    return codes(gather(client, [
        lambda i=i: sms.request_code(f"{phone_prefix}{i:02d}", SmsPurpose.register, settings=settings,
                                     gateway=gateway, ip=ip_of(i)) for i in range(12)]))


def test_parallel_sends_from_one_address_get_only_the_captcha_free_ones_without_a_captcha(client, fresh_settings):
    # Read-then-write let all twelve see "no codes sent yet" and skip the captcha.
    settings = dataclasses.replace(fresh_settings, sms_captcha_after_per_ip=3, sms_per_ip_per_hour=50)
    outcome = _twelve_sends(client, settings, "139123457", lambda i: "198.51.100.77")
    assert outcome.count("ok") == 3
    assert outcome.count("captcha_required") == 9
    assert len(outbox(fresh_settings)) == 3


def test_parallel_old_password_guesses_get_only_the_limits_tries(client, fresh_settings):
    principal = _principal(client, "trainee2", fresh_settings)
    results = gather(client, [
        lambda: auth.change_password(principal, "wrong-password1", "Another@2026x", settings=fresh_settings)
        for _ in range(20)])
    outcome = codes(results)
    assert outcome.count("wrong_password") == fresh_settings.login_max_failures_per_user
    assert outcome.count("too_many_attempts") == 20 - fresh_settings.login_max_failures_per_user


def test_parallel_wrong_claim_codes_from_one_address_are_told_wrong_only_the_limits_times(client, fresh_settings):
    settings = dataclasses.replace(fresh_settings, wrong_codes_per_ip=5)
    _, session = open_session(client, login(client, "dept1"), login(client, "unit1"))
    code = current_code(client, login(client, "dept1"), session["id"])
    wrong = "000000" if code != "000000" else "111111"
    results = gather(client, [
        lambda: attendance.create_claim(session["id"], wrong, ip="198.51.100.8", settings=settings)
        for _ in range(16)])
    outcome = codes(results)
    assert outcome.count("invalid_code") == 5
    assert outcome.count("too_many_attempts") == 11


def test_parallel_sends_from_many_addresses_stop_at_the_global_budget(client, fresh_settings):
    settings = dataclasses.replace(fresh_settings, sms_global_per_hour=4)
    outcome = _twelve_sends(client, settings, "139123458", lambda i: f"198.51.100.{i}")
    assert outcome.count("ok") == 4
    assert outcome.count("too_many_attempts") == 8
    assert len(outbox(fresh_settings)) == 4


def test_parallel_sends_from_one_address_stop_at_its_hourly_budget(client, fresh_settings):
    settings = dataclasses.replace(fresh_settings, sms_captcha_after_per_ip=0, sms_per_ip_per_hour=4)
    outcome = _twelve_sends(client, settings, "139123459", lambda i: "198.51.100.99")
    assert outcome.count("ok") == 4
    assert outcome.count("too_many_attempts") == 8
    assert len(outbox(fresh_settings)) == 4


def test_parallel_deletes_of_all_of_a_submitted_records_files_leave_one(client, fresh_settings):
    trainee = login(client, "trainee1")
    credit_id = new_credit(client, trainee, draft=False)  # paper_core requires proof
    files = [upload(client, trainee, credit_id, PDF, f"proof-{i}.pdf").json()["id"] for i in range(8)]
    principal = _principal(client, "trainee1", fresh_settings)
    results = gather(client, [lambda e=e: evidence.delete(principal, e, fresh_settings) for e in files])
    assert codes(results) == ["evidence_required"] + ["ok"] * 7
    assert len(client.get(f"/api/credits/{credit_id}", headers=trainee).json()["evidence"]) == 1


def test_parallel_uploads_to_a_project_stop_at_its_file_limit(client, fresh_settings):
    dept = login(client, "dept1")
    project = create_project(client, dept)
    principal = _principal(client, "dept1", fresh_settings)
    room = 4
    for i in range(project_files.MAX_FILES_PER_PROJECT - room):
        client.blocking_portal.call(lambda i=i: project_files.upload(
            principal, project["id"], "attachment", PDF, f"附件{i}.pdf", fresh_settings))
    results = gather(client, [lambda i=i: project_files.upload(
        principal, project["id"], "attachment", PDF, f"并发{i}.pdf", fresh_settings) for i in range(10)])
    assert codes(results) == ["ok"] * room + ["too_many_files"] * (10 - room)
    files = client.get(f"/api/projects/{project['id']}", headers=dept).json()["files"]
    assert len(files) == project_files.MAX_FILES_PER_PROJECT


def test_parallel_uploads_to_a_record_stop_at_its_file_limit(client, fresh_settings):
    trainee = login(client, "trainee1")
    credit_id = new_credit(client, trainee)  # a draft
    principal = _principal(client, "trainee1", fresh_settings)
    room = 4
    for i in range(evidence.MAX_FILES_PER_CREDIT - room):
        upload(client, trainee, credit_id, PDF, f"proof-{i}.pdf")
    results = gather(client, [lambda i=i: evidence.upload(principal, credit_id, PDF, f"并发{i}.pdf", fresh_settings)
                              for i in range(10)])
    assert codes(results) == ["ok"] * room + ["too_many_files"] * (10 - room)
    assert len(client.get(f"/api/credits/{credit_id}", headers=trainee).json()["evidence"]) == \
        evidence.MAX_FILES_PER_CREDIT
