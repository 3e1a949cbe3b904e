"""`jijiao serve --workers 2` on PostgreSQL: what one worker knows, every worker knows.

The server runs as a real process with two uvicorn workers on a fresh database; each
request goes out on a new connection, so the kernel hands them to either worker. Sessions,
claims, limits and the organiser's live list all live in the database, so racing the two
workers must give the same answers as one process.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from server.services.demo import DEMO_PASSWORD
from tests.api.attendance_helpers import current_code, open_session
from tests.api.entry_helpers import DAY
from tests.api.server_process import serving
from tests.conftest import USING_POSTGRES

pytestmark = pytest.mark.skipif(not USING_POSTGRES, reason="several workers need PostgreSQL (SQLite serves one)")


@pytest.fixture(scope="module")
def two_workers(module_settings, tmp_path_factory):  # type: ignore[no-untyped-def]
    """One server for the module (start-up is seconds); each test makes its own trainings."""
    with serving(module_settings, tmp_path_factory.mktemp("workers"), workers=2) as base:
        # No keep-alive: every request is a new connection, accepted by whichever worker is free.
        with httpx.Client(base_url=base, limits=httpx.Limits(max_keepalive_connections=0), timeout=30) as client:
            yield client


def _login(client: httpx.Client, username: str) -> dict[str, str]:
    response = client.post("/api/auth/login", json={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _parallel(count: int, call):  # type: ignore[no-untyped-def]
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda i: call(i), range(count)))


def test_a_session_opened_on_one_worker_is_honoured_by_every_worker(two_workers) -> None:
    headers = _login(two_workers, "trainee1")
    statuses = _parallel(16, lambda i: two_workers.get("/api/me", headers=headers).status_code)
    assert statuses == [200] * 16


def test_logging_out_on_one_worker_ends_the_session_on_every_worker(two_workers) -> None:
    headers = _login(two_workers, "trainee1")
    assert two_workers.post("/api/auth/logout", headers=headers).status_code in (200, 204)
    statuses = _parallel(16, lambda i: two_workers.get("/api/me", headers=headers).status_code)
    assert statuses == [401] * 16


def test_a_claim_checks_in_exactly_one_trainee_when_workers_race_for_it(two_workers) -> None:
    dept, unit = _login(two_workers, "dept1"), _login(two_workers, "unit1")
    _, session = open_session(two_workers, dept, unit)
    claim = two_workers.post("/api/claims", json={"session_id": session["id"],
                                                  "code": current_code(two_workers, dept, session["id"])})
    assert claim.status_code == 201, claim.text
    trainees = [_login(two_workers, name) for name in ("trainee1", "trainee2", "trainee3")]
    responses = _parallel(3, lambda i: two_workers.post("/api/checkins", json={"claim": claim.json()["claim"]},
                                                        headers=trainees[i]))
    assert sorted(r.status_code for r in responses) == [201, 400, 400]
    assert {r.json()["code"] for r in responses if r.status_code == 400} == {"invalid_code"}


def test_the_organisers_live_list_shows_check_ins_taken_by_either_worker(two_workers) -> None:
    dept, unit = _login(two_workers, "dept1"), _login(two_workers, "unit1")
    _, session = open_session(two_workers, dept, unit)
    code = current_code(two_workers, dept, session["id"])
    trainees = [_login(two_workers, name) for name in ("trainee1", "trainee2", "trainee3")]
    responses = _parallel(3, lambda i: two_workers.post("/api/checkins", json={"session_id": session["id"],
                                                                                "code": code}, headers=trainees[i]))
    assert [r.status_code for r in responses] == [201, 201, 201]
    # Every screen polls; whichever worker answers a poll sees all three at once.
    totals = _parallel(8, lambda i: two_workers.get(f"/api/sessions/{session['id']}/attendance",
                                                    headers=dept).json()["total"])
    assert totals == [3] * 8


def _post_alone(client: httpx.Client, path: str, **kwargs) -> httpx.Response:
    # A connection of its own per call: thirty threads sharing one client's pool once failed
    # on the client's side (EBADF) before the server was asked.
    return httpx.post(str(client.base_url.join(path)), timeout=30, **kwargs)


def test_wrong_passwords_raced_over_both_workers_get_only_the_limits_tries(two_workers) -> None:
    # trainee4 logs in nowhere else in this module: its lock-out cannot leak into another test.
    responses = _parallel(30, lambda i: _post_alone(
        two_workers, "/api/auth/login", json={"username": "trainee4", "password": "wrong-password1"}))
    outcome = [r.json()["code"] for r in responses]
    # As in one process (tests/api/test_races.py): 3 checked, then 2 asked for the captcha
    # (counted, unchecked), then the account's limit of 5 refuses the rest.
    assert outcome.count("invalid_credentials") == 3
    assert outcome.count("captcha_required") == 2
    assert outcome.count("too_many_attempts") == 25


def test_a_days_hours_limit_holds_when_both_workers_take_entries_at_once(two_workers) -> None:
    headers = _login(two_workers, "trainee2")
    # Ten 3-hour self-declared trainings on one day, raced: 6 h a day is the rule's limit.
    responses = _parallel(10, lambda i: _post_alone(two_workers, "/api/credits", headers=headers, json={
        "rule_code": "self_training", "quantity": 3, "activity_date": DAY, "title": f"院内培训第{i}场"}))
    assert sorted(r.status_code for r in responses)[:2] == [201, 201]
    refused = [r.json()["code"] for r in responses if r.status_code != 201]
    assert refused == ["daily_limit"] * 8
