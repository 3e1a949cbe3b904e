"""The login captcha: asked for after three failures, single use, expiring, counted when wrong."""

import base64
import datetime as dt

from server.tables import LoginCaptcha
from tests.api.login_security_helpers import captcha, fail, login


def test_captcha_endpoint_gives_a_png_data_url_and_keeps_only_a_hash(client):
    response = client.get("/api/auth/captcha")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["image"].startswith("data:image/png;base64,")
    assert base64.b64decode(body["image"].split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"

    async def rows():
        return await LoginCaptcha.select(LoginCaptcha.key, LoginCaptcha.answer_hash)

    [row] = client.blocking_portal.call(rows)
    assert row["key"] == body["id"] and "$" in row["answer_hash"]


def test_no_captcha_needed_before_three_failures(client):
    fail(client, "trainee3", 2)
    assert login(client, "trainee3").status_code == 200


def test_after_three_failures_the_right_password_alone_is_captcha_required(client):
    fail(client, "trainee3", 3)
    response = login(client, "trainee3")
    assert response.status_code == 401
    assert response.json()["code"] == "captcha_required"


def test_after_three_failures_a_solved_captcha_lets_the_right_password_in(client):
    fail(client, "trainee3", 3)
    response = login(client, "trainee3", **captcha(client))
    assert response.status_code == 200
    assert response.json()["user"]["username"] == "trainee3"


def test_captcha_answer_is_case_insensitive(client):
    fail(client, "trainee3", 3)
    assert login(client, "trainee3", **captcha(client, "K7PX") | {"captcha_answer": "k7px"}).status_code == 200


def test_wrong_captcha_is_captcha_invalid_and_counts_as_a_failure(client):
    fail(client, "trainee3", 3)
    response = login(client, "trainee3", **captcha(client) | {"captcha_answer": "WXYZ"})
    assert response.status_code == 401
    assert response.json()["code"] == "captcha_invalid"
    login(client, "trainee3", "wrong-password1", **captcha(client))  # fifth failure
    assert login(client, "trainee3", **captcha(client)).status_code == 429


def test_a_captcha_works_only_once(client):
    fail(client, "trainee3", 3)
    solved = captcha(client)
    assert login(client, "trainee3", "wrong-password1", **solved).json()["code"] == "invalid_credentials"
    again = login(client, "trainee3", **solved)
    assert again.status_code == 401
    assert again.json()["code"] == "captcha_invalid"


def test_an_expired_captcha_is_refused(client):
    fail(client, "trainee3", 3)
    solved = captcha(client)

    async def expire():
        past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
        await LoginCaptcha.update({LoginCaptcha.expires_at: past}).where(LoginCaptcha.key == solved["captcha_id"])

    client.blocking_portal.call(expire)
    assert login(client, "trainee3", **solved).json()["code"] == "captcha_invalid"


def test_unknown_captcha_id_is_refused(client):
    fail(client, "trainee3", 3)
    response = login(client, "trainee3", captcha_id="made-up", captcha_answer="ABCD")
    assert response.json()["code"] == "captcha_invalid"


def test_ignoring_the_captcha_still_ends_in_the_lockout(client):
    fail(client, "trainee3", 3)
    for _ in range(2):
        assert login(client, "trainee3").json()["code"] == "captcha_required"
    response = login(client, "trainee3", **captcha(client))
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"


def test_five_failures_still_lock_even_with_a_solved_captcha(client):
    fail(client, "trainee3", 3)
    for _ in range(2):
        assert login(client, "trainee3", "wrong-password1", **captcha(client)).json()["code"] == "invalid_credentials"
    response = login(client, "trainee3", **captcha(client))
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"


def test_captcha_for_one_username_leaves_others_alone(client):
    fail(client, "trainee3", 3)
    assert login(client, "trainee1").status_code == 200


def test_many_failures_from_one_address_ask_every_username_for_a_captcha(client):
    for i in range(20):
        login(client, f"ghost{i}", "wrong-password1")
    assert login(client, "trainee1").json()["code"] == "captcha_required"
    assert login(client, "trainee1", **captcha(client)).status_code == 200


def test_expired_captchas_are_cleared_when_new_ones_are_issued(client):
    client.get("/api/auth/captcha")

    async def age_and_count():
        old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)
        await LoginCaptcha.update({LoginCaptcha.expires_at: old}, force=True)
        return None

    client.blocking_portal.call(age_and_count)
    client.get("/api/auth/captcha")

    async def count():
        return await LoginCaptcha.count()

    assert client.blocking_portal.call(count) == 1


def test_one_address_gets_a_bounded_number_of_captchas(client, monkeypatch):
    from server.services import captcha as captcha_service

    monkeypatch.setattr(captcha_service, "PER_IP_LIMIT", 3)
    for _ in range(3):
        assert client.get("/api/auth/captcha").status_code == 200
    response = client.get("/api/auth/captcha")
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
