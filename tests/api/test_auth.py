"""Login, sessions, logout, CSRF and password change through the HTTP API."""

import dataclasses
import datetime as dt

import pytest
from litestar.testing import TestClient

from server.app import create_app

from tests.api.conftest import login
from server.services.demo import DEMO_PASSWORD


@pytest.fixture
def client_without_captcha(fresh_settings):
    """Captcha off (tests/api/test_captcha.py covers it): these tests count the hard limit alone."""
    settings = dataclasses.replace(fresh_settings, login_captcha_after_failures=0, login_captcha_after_ip_failures=0)
    with TestClient(app=create_app(settings)) as client:
        yield client


def _login(client, username, password=DEMO_PASSWORD):
    return client.post("/api/auth/login", json={"username": username, "password": password})


def test_login_returns_token_user_and_roles(client):
    response = _login(client, "dept1")
    assert response.status_code == 200
    body = response.json()
    assert body["token"]
    assert body["user"]["username"] == "dept1"
    assert body["user"]["roles"] == [
        {"role": "dept_admin", "scope_id": body["user"]["roles"][0]["scope_id"], "scope_name": "示例第一医院 / 内科"}
    ]


def test_login_sets_httponly_session_cookie(client):
    response = _login(client, "trainee1")
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("jijiao_session="))
    csrf = next(c for c in cookies if c.startswith("jijiao_csrf="))
    assert "HttpOnly" in session
    assert "HttpOnly" not in csrf


def test_wrong_password_is_401_invalid_credentials(client):
    response = _login(client, "dept1", "wrong-password1")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_unknown_user_answers_like_wrong_password(client):
    response = _login(client, "nobody-here")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_missing_password_is_422_naming_the_field(client):
    response = client.post("/api/auth/login", json={"username": "dept1"})
    assert response.status_code == 422
    assert response.json()["field"] == "password"
    assert "password" in response.json()["detail"]


def test_malformed_json_is_400(client):
    response = client.post("/api/auth/login", content=b"{bad", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_me_needs_login(client):
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_me_with_bearer_token(client):
    headers = login(client, "trainee1")
    me = client.get("/api/me", headers=headers).json()
    assert me["username"] == "trainee1"
    assert me["person_id"] is not None
    assert me["roles"][0]["role"] == "trainee"
    assert me["roles"][0]["scope_name"] == "示例第一医院 / 内科"


def test_admin_without_person_has_null_person_id(client):
    me = client.get("/api/me", headers=login(client, "unit1")).json()
    assert me["person_id"] is None


def test_garbage_token_is_401(client):
    response = client.get("/api/me", headers={"Authorization": "Bearer not-a-real-token"})
    assert response.status_code == 401


def test_logout_revokes_the_token(client):
    headers = login(client, "trainee1")
    assert client.post("/api/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/me", headers=headers).status_code == 401


def test_cookie_session_works_for_reads(client):
    _login(client, "trainee2")  # the client keeps the cookies
    assert client.get("/api/me").json()["username"] == "trainee2"


def test_cookie_write_without_csrf_header_is_403(client):
    _login(client, "trainee2")
    response = client.post("/api/auth/logout")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert client.get("/api/me").status_code == 200


def test_cookie_write_with_csrf_header_succeeds(client):
    _login(client, "trainee2")
    csrf = client.cookies.get("jijiao_csrf")
    assert client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/me").status_code == 401


def test_too_many_failures_for_one_username_is_429(client_without_captcha):
    client = client_without_captcha
    for _ in range(5):
        assert _login(client, "trainee3", "wrong-password1").status_code == 401
    response = _login(client, "trainee3", "wrong-password1")
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    assert int(response.headers["retry-after"]) > 0


def test_throttled_username_refuses_even_the_right_password(client_without_captcha):
    client = client_without_captcha
    for _ in range(5):
        _login(client, "trainee3", "wrong-password1")
    assert _login(client, "trainee3").status_code == 429


def test_throttle_of_one_username_leaves_others_alone(client):
    for _ in range(6):
        _login(client, "trainee3", "wrong-password1")
    assert _login(client, "trainee1").status_code == 200


def test_success_resets_the_username_failure_count(client_without_captcha):
    client = client_without_captcha
    for _ in range(4):
        _login(client, "trainee3", "wrong-password1")
    assert _login(client, "trainee3").status_code == 200
    for _ in range(4):
        assert _login(client, "trainee3", "wrong-password1").status_code == 401


def test_too_many_failures_from_one_address_is_429(fresh_settings):
    import dataclasses

    from litestar.testing import TestClient

    from server.app import create_app

    settings = dataclasses.replace(fresh_settings, login_max_failures_per_ip=8)
    with TestClient(app=create_app(settings)) as client:
        for i in range(8):
            _login(client, f"ghost{i}", "wrong-password1")
        assert _login(client, "trainee1").status_code == 429


def test_password_change_needs_the_old_password(client):
    headers = login(client, "trainee1")
    response = client.post("/api/auth/password", headers=headers,
                           json={"old_password": "nope-nope1", "new_password": "NewPass2026"})
    assert response.status_code == 422
    assert response.json()["code"] == "wrong_password"


def test_password_change_rejects_weak_password(client):
    headers = login(client, "trainee1")
    response = client.post("/api/auth/password", headers=headers,
                           json={"old_password": DEMO_PASSWORD, "new_password": "12345678"})
    assert response.status_code == 422
    assert response.json()["field"] == "new_password"


def test_password_change_ends_other_sessions_and_keeps_this_one(client):
    other = login(client, "trainee1")
    this = login(client, "trainee1")
    response = client.post("/api/auth/password", headers=this,
                           json={"old_password": DEMO_PASSWORD, "new_password": "NewPass2026"})
    assert response.status_code == 204
    assert client.get("/api/me", headers=other).status_code == 401
    assert client.get("/api/me", headers=this).status_code == 200
    assert _login(client, "trainee1", "NewPass2026").status_code == 200
    assert _login(client, "trainee1").status_code == 401


def _set_account(client, username, **values):
    """Change an account row directly, on the app's own loop."""
    from server.tables import Account

    async def change():
        await Account.update({getattr(Account, k): v for k, v in values.items()}).where(
            Account.username == username
        )

    client.blocking_portal.call(change)


def test_must_change_password_blocks_other_calls(client):
    _set_account(client, "dept1", must_change_password=True)
    headers = login(client, "dept1")
    assert client.get("/api/me", headers=headers).json()["must_change_password"] is True
    response = client.get("/api/people", headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"


def test_changing_password_lifts_must_change(client):
    _set_account(client, "dept1", must_change_password=True)
    headers = login(client, "dept1")
    client.post("/api/auth/password", headers=headers,
                json={"old_password": DEMO_PASSWORD, "new_password": "NewPass2026"})
    assert client.get("/api/people", headers=headers).status_code == 200


def test_pending_registration_cannot_log_in(client):
    _set_account(client, "trainee4", status="pending")
    response = _login(client, "trainee4")
    assert response.status_code == 403
    assert response.json()["code"] == "registration_pending"


def test_rejected_registration_cannot_log_in(client):
    _set_account(client, "trainee4", status="rejected")
    response = _login(client, "trainee4")
    assert response.status_code == 403
    assert response.json()["code"] == "registration_rejected"


def test_pending_status_needs_the_right_password_to_be_revealed(client):
    _set_account(client, "trainee4", status="pending")
    assert _login(client, "trainee4", "wrong-password1").status_code == 401


def test_expired_session_is_401(client):
    headers = login(client, "trainee1")
    from server.tables import LoginSession

    async def expire():
        past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
        await LoginSession.update({LoginSession.expires_at: past}).where(LoginSession.id > 0)

    client.blocking_portal.call(expire)
    response = client.get("/api/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"


def test_login_is_audited(client):
    login(client, "unit1")
    from server.tables import AuditLog

    async def rows():
        return await AuditLog.select(AuditLog.action, AuditLog.account_name)

    assert {"action": "login", "account_name": "unit1"} in client.blocking_portal.call(rows)


def test_requests_that_arrive_together_each_get_their_own_session(client, fresh_settings):
    # On PostgreSQL their sessions are read by one statement (server/batching.py).
    import asyncio

    from server.services import auth
    from server.services.errors import NotAuthenticated

    tokens = {name: login(client, name)["Authorization"][7:] for name in ("trainee1", "dept1", "unit1")}
    gone = login(client, "trainee1")
    assert client.post("/api/auth/logout", headers=gone).status_code == 204
    asked = [tokens["trainee1"], tokens["dept1"], gone["Authorization"][7:], tokens["unit1"], "garbage",
             tokens["dept1"]]

    async def together() -> list:
        return await asyncio.gather(*(auth.resolve_token(t, via_cookie=False, ip="", settings=fresh_settings)
                                      for t in asked), return_exceptions=True)

    answers = client.blocking_portal.call(together)
    assert [a.username if not isinstance(a, Exception) else type(a) for a in answers] == [
        "trainee1", "dept1", NotAuthenticated, "unit1", NotAuthenticated, "dept1"]
    assert [len(a.grants) for a in answers if not isinstance(a, Exception)] == [1, 1, 1, 1]
