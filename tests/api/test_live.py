"""The organiser's screen hears of every check-in at once, whichever process took it.

Real server processes: on PostgreSQL two of them on one database (the screen listens on
one, the trainee checks in through the other, so only LISTEN/NOTIFY, or Redis pub/sub when
configured, can carry it); on SQLite the one process SQLite is served by.
"""

from __future__ import annotations

import queue
import threading
import time

import httpx
import pytest

from server.services.demo import DEMO_PASSWORD
from tests.api.attendance_helpers import current_code, open_session
from tests.api.conftest import login
from tests.api.server_process import serving
from tests.conftest import USING_POSTGRES


def _login(client: httpx.Client, username: str) -> dict[str, str]:
    response = client.post("/api/auth/login", json={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


class EventReader:
    """Reads a server-sent-event stream on a thread and hands over each event's name."""

    def __init__(self, client: httpx.Client, url: str, headers: dict[str, str]) -> None:
        self.events: queue.Queue[str] = queue.Queue()
        self._stream = client.stream("GET", url, headers=headers, timeout=httpx.Timeout(30, read=None))
        self.response = self._stream.__enter__()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for line in self.response.iter_lines():
                if line.startswith("event:"):
                    self.events.put(line.split(":", 1)[1].strip())
        except httpx.HTTPError:
            pass

    def next(self, seconds: float = 10) -> str:
        return self.events.get(timeout=seconds)

    def close(self) -> None:
        self.response.close()


REDIS_URL = "redis://127.0.0.1:6379/0"  # the machine's Redis (.ci/run starts it when it is down)


@pytest.fixture(scope="module", params=["database", "redis"])
def screen_and_door(request, module_settings, tmp_path_factory):  # type: ignore[no-untyped-def]
    """(the organiser's server, the trainees' server): two processes on PostgreSQL, one on SQLite;
    the signals carried by the database itself, or by Redis (JIJIAO_REDIS_URL)."""
    env = {"JIJIAO_REDIS_URL": REDIS_URL} if request.param == "redis" else {}
    logs = tmp_path_factory.mktemp("live")
    with serving(module_settings, logs, **env) as first:
        if not USING_POSTGRES:
            yield first, first
            return
        with serving(module_settings, logs, **env) as second:
            yield first, second


def test_a_check_in_through_another_process_reaches_the_organisers_stream(screen_and_door) -> None:
    screen_base, door_base = screen_and_door
    with httpx.Client(base_url=screen_base, timeout=30) as screen, httpx.Client(base_url=door_base,
                                                                                timeout=30) as door:
        dept, unit = _login(screen, "dept1"), _login(screen, "unit1")
        _, session = open_session(screen, dept, unit)
        reader = EventReader(screen, f"/api/sessions/{session['id']}/live", dept)
        try:
            assert reader.response.status_code == 200
            assert reader.response.headers["content-type"].startswith("text/event-stream")
            assert reader.next() == "ready"
            started = time.monotonic()
            checkin = door.post("/api/checkins", headers=_login(door, "trainee1"), json={
                "session_id": session["id"], "code": current_code(screen, dept, session["id"])})
            assert checkin.status_code == 201, checkin.text
            assert reader.next() == "changed"
            assert time.monotonic() - started < 5
        finally:
            reader.close()


def test_a_trainee_cannot_listen_to_a_sessions_stream(client) -> None:
    dept, unit = login(client, "dept1"), login(client, "unit1")
    _, session = open_session(client, dept, unit)
    response = client.get(f"/api/sessions/{session['id']}/live", headers=login(client, "trainee1"))
    assert response.status_code == 404
    assert response.json()["code"] == "session_not_found"


def test_another_units_admin_gets_404_for_a_sessions_stream(client) -> None:
    dept, unit = login(client, "dept1"), login(client, "unit1")
    _, session = open_session(client, dept, unit)
    response = client.get(f"/api/sessions/{session['id']}/live", headers=login(client, "unit2"))
    assert response.status_code == 404
    assert response.json()["code"] == "session_not_found"


def test_a_burst_of_check_ins_sends_each_session_once_per_round_and_loses_none() -> None:
    import asyncio

    import redis.asyncio as redis

    from server.services import live

    async def burst() -> list[bytes]:
        hub = live.Hub()
        hub.configure(database_url="", redis_url=REDIS_URL)
        listener = redis.from_url(REDIS_URL).pubsub()
        await listener.subscribe(live.CHANNEL)
        await listener.get_message(timeout=1)  # the subscription's confirmation
        for _ in range(200):
            await hub.publish(901)
            await hub.publish(902)
        await asyncio.sleep(0.075)  # the first round (after 50 ms) is on its way
        await hub.publish(903)
        await hub.stop()  # sends what is left
        heard = []
        while (message := await listener.get_message(timeout=1)) is not None:
            heard.append(message["data"])
        await listener.aclose()
        return heard

    heard = asyncio.run(burst())
    assert sorted(heard) == [b"901", b"902", b"903"]
