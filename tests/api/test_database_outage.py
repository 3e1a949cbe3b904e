"""PostgreSQL going away under a running app: 503 with a Chinese message, then recovery without a restart.

The database is reached through a TCP proxy that the test cuts and restores: cutting
closes every open connection and refuses new ones, which is what a PostgreSQL restart
looks like from the app (its pooled connections die, new ones are refused for a while).
Restarting the real server would also break every other suite sharing it on this machine.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from litestar.testing import TestClient

from server.app import create_app
from server.settings import load_settings
from tests.conftest import USING_POSTGRES

pytestmark = pytest.mark.skipif(not USING_POSTGRES, reason="connection loss is a PostgreSQL matter")


class Proxy:
    """A loopback TCP proxy to the database that can be cut (connections closed, new ones refused)."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: asyncio.base_events.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.thread.start()

    def _run(self, coroutine):  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(10)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_reader, client_writer) -> None:  # type: ignore[no-untyped-def]
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        self.writers |= {client_writer, server_writer}
        await asyncio.gather(self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer))

    async def _start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)

    async def _cut(self) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()
        for writer in self.writers:
            writer.transport.abort()
        self.writers.clear()

    def start(self) -> None:
        self._run(self._start())

    def cut(self) -> None:
        self._run(self._cut())

    def close(self) -> None:
        if self.server is not None and self.server.is_serving():
            self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture
def proxied(fresh_settings):  # type: ignore[no-untyped-def]
    url = urlsplit(fresh_settings.database_url)
    proxy = Proxy(url.hostname or "127.0.0.1", url.port or 5432)
    proxy.start()
    netloc = url.netloc.rsplit("@", 1)
    through = urlunsplit(url._replace(netloc=(netloc[0] + "@" if len(netloc) == 2 else "") + f"127.0.0.1:{proxy.port}"))
    settings = load_settings({"JIJIAO_DATABASE_URL": through, "JIJIAO_DATA_DIR": str(fresh_settings.data_dir)})
    with TestClient(app=create_app(settings)) as client:
        yield client, proxy
    proxy.close()


def _health_until(client: TestClient, status: int, seconds: float = 20):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while True:
        response = client.get("/api/health")
        if response.status_code == status or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def test_health_answers_503_with_a_chinese_message_while_the_database_is_down(proxied) -> None:
    client, proxy = proxied
    assert client.get("/api/health").status_code == 200
    proxy.cut()
    response = _health_until(client, 503)
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert "数据库" in response.json()["detail"]
    assert response.headers["retry-after"] == "5"


def test_the_app_recovers_without_a_restart_once_the_database_is_back(proxied) -> None:
    client, proxy = proxied
    login = {"username": "trainee1", "password": "Demo@2026"}
    assert client.post("/api/auth/login", json=login).status_code == 200
    proxy.cut()
    assert _health_until(client, 503).status_code == 503
    assert client.post("/api/auth/login", json=login).status_code == 503
    proxy.start()
    assert _health_until(client, 200).json() == {"status": "ok", "database": "postgresql"}
    response = client.post("/api/auth/login", json=login)
    assert response.status_code == 200, response.text
    me = client.get("/api/me", headers={"Authorization": f"Bearer {response.json()['token']}"})
    assert me.status_code == 200
