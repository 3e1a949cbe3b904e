"""保持登录 (remember me) and the account page's device list (issue 13)."""

import datetime as dt
from http.cookies import SimpleCookie

from server.tables import LoginSession

PASSWORD = "Demo@2026"
DAY = 86400


def _login(client, username="trainee1", **extra):
    response = client.post("/api/auth/login", json={"username": username, "password": PASSWORD, **extra})
    assert response.status_code == 200, response.text
    return response


def _cookie(response, name="jijiao_session"):
    for header in response.headers.get_list("set-cookie"):
        jar = SimpleCookie()
        jar.load(header)
        if name in jar:
            return jar[name]
    raise AssertionError(f"no {name} cookie set")


def _bearer(response):
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _session(client, **changes):
    async def run():
        if changes:
            await LoginSession.update(changes, force=True)
        return await LoginSession.select().first()

    return client.blocking_portal.call(run)


def _now():
    return dt.datetime.now(dt.timezone.utc)


def test_remember_sets_a_cookie_of_thirty_days(client):
    cookie = _cookie(_login(client, remember=True))
    assert int(cookie["max-age"]) >= 30 * DAY
    expires = dt.datetime.strptime(cookie["expires"], "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=dt.timezone.utc)
    assert expires >= _now() + dt.timedelta(days=30) - dt.timedelta(minutes=1)


def test_remember_also_keeps_the_csrf_cookie(client):
    assert int(_cookie(_login(client, remember=True), "jijiao_csrf")["max-age"]) >= 30 * DAY


def test_without_remember_the_cookie_lives_the_configured_hours(client, fresh_settings):
    assert int(_cookie(_login(client))["max-age"]) == fresh_settings.session_ttl_hours * 3600


def test_remembered_session_expires_thirty_days_unused(client):
    _login(client, remember=True)
    row = _session(client)
    assert row["remember"] is True
    assert row["expires_at"] >= _now() + dt.timedelta(days=30) - dt.timedelta(minutes=1)


def test_sms_login_remembers_too(client, fresh_settings):
    from tests.api.registration_helpers import last_code, send_code

    send_code(client, "13800000001", "login")
    response = client.post("/api/auth/sms-login", json={"phone": "13800000001", "remember": True,
                                                        "sms_code": last_code(fresh_settings, "13800000001", "login")})
    assert int(_cookie(response)["max-age"]) >= 30 * DAY


def test_a_remembered_session_used_after_29_idle_days_still_works(client):
    headers = _bearer(_login(client, remember=True))
    _session(client, last_seen_at=_now() - dt.timedelta(days=29), expires_at=_now() + dt.timedelta(days=1))
    assert client.get("/api/me", headers=headers).status_code == 200


def test_using_a_remembered_session_slides_its_expiry_thirty_days_on(client):
    headers = _bearer(_login(client, remember=True))
    _session(client, last_seen_at=_now() - dt.timedelta(days=2), expires_at=_now() + dt.timedelta(days=28))
    client.get("/api/me", headers=headers)
    assert _session(client)["expires_at"] >= _now() + dt.timedelta(days=30) - dt.timedelta(minutes=1)


def test_requests_soon_after_login_write_nothing(client):
    headers = _bearer(_login(client, remember=True))
    before = _session(client)
    for _ in range(3):
        client.get("/api/me", headers=headers)
    after = _session(client)
    assert (after["last_seen_at"], after["expires_at"]) == (before["last_seen_at"], before["expires_at"])


def test_an_unused_remembered_session_ends_after_thirty_days(client):
    headers = _bearer(_login(client, remember=True))
    _session(client, last_seen_at=_now() - dt.timedelta(days=31), expires_at=_now() - dt.timedelta(days=1))
    response = client.get("/api/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"


def test_a_remembered_session_ends_180_days_after_login_however_used(client):
    headers = _bearer(_login(client, remember=True))
    _session(client, created_at=_now() - dt.timedelta(days=181))
    assert client.get("/api/me", headers=headers).json()["code"] == "session_expired"


def test_me_renews_a_remembered_cookie_until_the_slid_expiry(client):
    response = _login(client, remember=True)
    client.cookies.set("jijiao_session", response.json()["token"])
    _session(client, last_seen_at=_now() - dt.timedelta(days=2), expires_at=_now() + dt.timedelta(days=28))
    me = client.get("/api/me")
    assert me.status_code == 200
    assert int(_cookie(me)["max-age"]) >= 30 * DAY - 60


def test_me_sets_no_cookie_for_a_plain_session(client):
    response = _login(client)
    client.cookies.set("jijiao_session", response.json()["token"])
    assert client.get("/api/me").headers.get_list("set-cookie") == []


# -- the device list ---------------------------------------------------------------------


def test_devices_lists_the_callers_live_sessions_with_the_current_one_marked(client):
    phone = client.post("/api/auth/login", json={"username": "trainee1", "password": PASSWORD, "remember": True},
                        headers={"User-Agent": "Mozilla/5.0 (Linux; Android 13) MicroMessenger/8.0"})
    desk = _bearer(_login(client))
    _login(client, "trainee2")
    body = client.get("/api/me/devices", headers=desk).json()
    assert body["total"] == 2
    by_current = {item["current"]: item for item in body["items"]}
    assert by_current[False]["device"] == "微信 · Android"
    assert by_current[False]["remember"] is True
    assert by_current[True]["remember"] is False
    assert phone.status_code == 200


def test_ending_a_device_logs_it_out_at_once(client):
    phone = _bearer(_login(client, remember=True))
    desk = _bearer(_login(client))
    other = next(i for i in client.get("/api/me/devices", headers=desk).json()["items"] if not i["current"])
    assert client.delete(f"/api/me/devices/{other['id']}", headers=desk).status_code == 204
    response = client.get("/api/me", headers=phone)
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"


def test_another_accounts_session_is_404(client):
    mine = _bearer(_login(client, "trainee1"))
    theirs = _bearer(_login(client, "trainee2"))
    their_id = client.get("/api/me/devices", headers=theirs).json()["items"][0]["id"]
    response = client.delete(f"/api/me/devices/{their_id}", headers=mine)
    assert response.status_code == 404
    assert response.json()["code"] == "device_not_found"
    assert client.get("/api/me", headers=theirs).status_code == 200


def test_ending_an_ended_device_is_404(client):
    phone = _bearer(_login(client, remember=True))
    desk = _bearer(_login(client))
    other = next(i for i in client.get("/api/me/devices", headers=desk).json()["items"] if not i["current"])
    client.delete(f"/api/me/devices/{other['id']}", headers=desk)
    response = client.delete(f"/api/me/devices/{other['id']}", headers=desk)
    assert response.status_code == 404
    assert response.json()["code"] == "device_not_found"
    assert phone


def test_devices_needs_a_login(client):
    response = client.get("/api/me/devices")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
