"""Live attendance: every organiser screen hears at once that a session's list changed.

A screen keeps one server-sent-event stream open (`GET /api/sessions/{id}/live`) and
fetches the list when told, instead of polling it every 3 s. Whichever process took a
check-in, the signal reaches every process:

* SQLite (one process): an in-process hub only;
* PostgreSQL: ``NOTIFY jijiao_live, '<session id>'`` after the write commits (a burst's together), and one
  ``LISTEN`` connection per process, opened when its first screen subscribes;
* Redis, when ``JIJIAO_REDIS_URL`` is set: ``PUBLISH``/``SUBSCRIBE`` on the same channel
  instead of PostgreSQL (keeps the notifications off the database).

A signal carries only the session id: the screen re-reads the list through the scoped API,
so nothing here can leak a name. Signals are advisory: a lost one costs a screen one
fallback poll (15 s), never a check-in.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections import defaultdict
from collections.abc import AsyncIterator

__all__ = ["CHANNEL", "Hub", "changes", "hub", "publish", "start", "stop", "subscribe"]

log = logging.getLogger("jijiao.live")
CHANNEL = "jijiao_live"
# A process sends the signals of a burst together, every 50 ms at most: a lecture hall is
# hundreds of check-ins a second and a screen re-reads its list at most twice a second
# (_MIN_GAP_SECONDS). On PostgreSQL it also keeps NOTIFY out of the check-in's transaction,
# where it held the database-wide notify lock through the commit's WAL flush and so
# serialised every check-in's commit (bench.checkins, 1 worker, same hour: p99 203-221 ms
# with the NOTIFY inside against 163-164 ms with the signals sent elsewhere).
_SEND_EVERY_SECONDS = 0.05


class Hub:
    """Subscribers of this process, per session, and the listener that feeds them from elsewhere."""

    def __init__(self) -> None:
        self._queues: dict[int, set[asyncio.Queue[None]]] = defaultdict(set)
        self._backend: str = "local"
        self._url: str = ""
        self._listener: asyncio.Task | None = None
        self._redis = None  # redis.asyncio client when the backend is redis
        self._unsent: set[int] = set()  # sessions changed since the last send
        self._sender: asyncio.Task | None = None

    def configure(self, *, database_url: str, redis_url: str) -> None:
        if redis_url:
            self._backend, self._url = "redis", redis_url
        elif database_url.startswith("postgresql"):
            self._backend, self._url = "postgresql", database_url
        else:
            self._backend, self._url = "local", ""

    def deliver(self, session_id: int) -> None:
        """Wake this process's screens of ``session_id`` (a full queue already holds a wake-up)."""
        for queue in self._queues.get(session_id, ()):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(None)

    async def publish(self, session_id: int) -> None:
        """After a write to ``session_id``'s attendance has committed: every screen hears of it
        (this process's at once without a broker; through the broker within 50 ms)."""
        if self._backend == "local":
            self.deliver(session_id)
            return
        self._unsent.add(session_id)
        loop = asyncio.get_running_loop()
        if self._sender is None or self._sender.done() or self._sender.get_loop() is not loop:
            # A context of its own: a caller's transaction must not carry the NOTIFY.
            # (A sender of another event loop, a test app's that ended, is no sender.)
            self._sender = loop.create_task(self._send_soon(), context=contextvars.Context())

    async def _send_soon(self) -> None:
        # Ends only when nothing is left unsent: a publish() while a send is on its way
        # lands in the next round of this same task.
        while self._unsent:
            await asyncio.sleep(_SEND_EVERY_SECONDS)
            sessions, self._unsent = sorted(self._unsent), set()
            try:
                await self._send(sessions)
            except Exception as error:  # noqa: BLE001 - advisory: the screens' fallback poll catches up
                log.warning("live signals for sessions %s not sent: %r", sessions, error)

    async def _send(self, sessions: list[int]) -> None:
        if self._backend == "redis":
            async with self._redis_client().pipeline(transaction=False) as pipe:
                for session_id in sessions:
                    pipe.publish(CHANNEL, str(session_id))
                await pipe.execute()
            return
        from server import db
        from server.tables import Checkin

        await db.fetch(Checkin._meta.db, "SELECT pg_notify({}, s) FROM unnest({}::text[]) AS s", CHANNEL,
                       [str(session_id) for session_id in sessions])

    @contextlib.asynccontextmanager
    async def subscribe(self, session_id: int) -> AsyncIterator[asyncio.Queue[None]]:
        # One pending wake-up is enough: the screen re-reads the whole list.
        queue: asyncio.Queue[None] = asyncio.Queue(maxsize=1)
        self._queues[session_id].add(queue)
        self._ensure_listener()
        try:
            yield queue
        finally:
            self._queues[session_id].discard(queue)
            if not self._queues[session_id]:
                del self._queues[session_id]

    def _ensure_listener(self) -> None:
        if self._backend != "local" and (self._listener is None or self._listener.done()):
            self._listener = asyncio.create_task(self._listen_forever())

    def _redis_client(self):  # type: ignore[no-untyped-def]
        if self._redis is None:
            import redis.asyncio as redis

            self._redis = redis.from_url(self._url)
        return self._redis

    async def _listen_forever(self) -> None:
        """Feed this process's screens from the other processes; reconnect after a loss (1 s, then up to 10 s)."""
        pause = 1.0
        while True:
            try:
                await (self._listen_redis() if self._backend == "redis" else self._listen_postgres())
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001
                log.warning("live listener lost (%r); reconnecting in %.0f s", error, pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 10.0)

    def _on_signal(self, payload: str | bytes) -> None:
        try:
            self.deliver(int(payload))
        except ValueError:
            log.warning("live signal with a bad payload: %r", payload)

    async def _listen_postgres(self) -> None:
        import asyncpg

        connection = await asyncpg.connect(self._url)
        lost = asyncio.get_running_loop().create_future()
        connection.add_termination_listener(lambda _: lost.done() or lost.set_result(None))
        try:
            await connection.add_listener(CHANNEL, lambda _c, _pid, _channel, payload: self._on_signal(payload))
            await lost
            raise ConnectionError("LISTEN connection closed")
        finally:
            with contextlib.suppress(Exception):
                await connection.close()

    async def _listen_redis(self) -> None:
        pubsub = self._redis_client().pubsub()
        try:
            await pubsub.subscribe(CHANNEL)
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    self._on_signal(message["data"])
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()

    async def stop(self) -> None:
        if self._sender is not None:
            with contextlib.suppress(Exception):
                await self._sender  # the last burst's signals, before the database closes
            self._sender = None
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listener
            self._listener = None
        if self._redis is not None:
            with contextlib.suppress(Exception):
                await self._redis.aclose()
            self._redis = None


hub = Hub()


def start(*, database_url: str, redis_url: str) -> None:
    hub.configure(database_url=database_url, redis_url=redis_url)


async def stop() -> None:
    await hub.stop()


async def publish(session_id: int) -> None:
    await hub.publish(session_id)


def subscribe(session_id: int):  # type: ignore[no-untyped-def]
    return hub.subscribe(session_id)


# A lecture hall's burst is hundreds of check-ins a second: a screen re-reads the list at
# most twice a second, and a comment every 15 s keeps proxies from closing an idle stream.
_MIN_GAP_SECONDS = 0.5
_KEEPALIVE_SECONDS = 15.0


async def changes(session_id: int) -> AsyncIterator[dict]:
    """Server-sent events for one session's screens: ``ready`` once, then ``changed`` per burst."""
    async with subscribe(session_id) as queue:
        yield {"event": "ready", "data": str(session_id)}
        while True:
            try:
                await asyncio.wait_for(queue.get(), _KEEPALIVE_SECONDS)
            except asyncio.TimeoutError:
                yield {"comment": "keepalive"}
                continue
            yield {"event": "changed", "data": str(session_id)}
            await asyncio.sleep(_MIN_GAP_SECONDS)
