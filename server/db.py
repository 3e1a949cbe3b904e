"""Database engines: the SQLite engine we run on, and helpers shared with PostgreSQL.

Piccolo's stock SQLite engine opens a fresh connection for every query outside a
transaction and runs ``PRAGMA foreign_keys`` before every statement; on a busy
server that is most of the cost of a request, and concurrent writers on separate
connections answer "database is locked". This engine instead keeps

* one long-lived writer connection, used by one writer at a time (an asyncio
  lock), where every transaction is ``BEGIN IMMEDIATE`` so two writers never
  deadlock on a lock upgrade, and
* a few long-lived reader connections for plain SELECTs, which WAL lets run
  beside the writer.

Connections are opened lazily and closed by :func:`close_engine`, which the app
calls on shutdown; the asyncio lock is recreated on each open so a new event
loop (tests, the CLI) never inherits a lock bound to a dead one.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from typing import Any, Optional

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory
from piccolo.querystring import QueryString

_READERS = 2
_BUSY_TIMEOUT_MS = 5000


async def _configure(connection: aiosqlite.Connection, *, writer: bool) -> None:
    connection.row_factory = dict_factory  # type: ignore[assignment]
    await connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
    await connection.execute("PRAGMA foreign_keys = ON")
    if writer:
        # WAL lets readers run beside the one writer; NORMAL sync is durable
        # across application crashes and only risks the last commits on power loss.
        await connection.execute("PRAGMA journal_mode = WAL")
        await connection.execute("PRAGMA synchronous = NORMAL")
    else:
        await connection.execute("PRAGMA query_only = ON")


class WriterTransaction(SQLiteTransaction):
    """A transaction on the shared writer connection, holding the writer lock."""

    engine: "JijiaoSQLiteEngine"

    async def __aenter__(self) -> "WriterTransaction":
        if self._parent is not None:
            return self._parent  # type: ignore[return-value]
        lock = self.engine.write_lock()
        await lock.acquire()
        try:
            self.connection = await self.engine.writer()
            await self.begin()
        except BaseException:
            lock.release()
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                try:
                    await self.commit()
                except BaseException:
                    await self.rollback()
                    raise
        finally:
            self.engine.current_transaction.reset(self.context)
            self.engine.write_lock().release()
        return exception is None


class JijiaoSQLiteEngine(SQLiteEngine):
    """SQLite with one writer connection, a few readers, and immediate transactions."""

    def __init__(self, path: str, **kwargs: Any) -> None:
        super().__init__(path=path, **kwargs)
        self._writer: Optional[aiosqlite.Connection] = None
        self._readers: list[aiosqlite.Connection] = []
        self._reader_cycle: Optional[itertools.cycle] = None
        self._lock: Optional[asyncio.Lock] = None
        self._open_lock: Optional[asyncio.Lock] = None

    # -- connections -------------------------------------------------------

    def write_lock(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    async def _connect(self, *, writer: bool) -> aiosqlite.Connection:
        connection = await aiosqlite.connect(**self.connection_kwargs)
        await _configure(connection, writer=writer)
        return connection

    async def writer(self) -> aiosqlite.Connection:
        if self._writer is None:
            self._writer = await self._connect(writer=True)
        return self._writer

    async def reader(self) -> aiosqlite.Connection:
        if not self._readers:
            # The writer must exist first so the file is in WAL mode before
            # any query-only connection opens it.
            await self.writer()
            if not self._readers:
                readers = [await self._connect(writer=False) for _ in range(_READERS)]
                if not self._readers:
                    self._readers = readers
                    self._reader_cycle = itertools.cycle(readers)
                else:  # another task won the race
                    for connection in readers:
                        await connection.close()
        assert self._reader_cycle is not None
        return next(self._reader_cycle)

    async def close(self) -> None:
        connections = [c for c in [self._writer, *self._readers] if c is not None]
        self._writer, self._readers, self._reader_cycle = None, [], None
        self._lock = None
        for connection in connections:
            try:
                await connection.close()
            except (sqlite3.Error, ValueError):
                pass

    async def get_connection(self) -> aiosqlite.Connection:
        # Used by Piccolo for batch(): a private connection, closed by the caller.
        return await self._connect(writer=False)

    # -- transactions ------------------------------------------------------

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.immediate,
        allow_nested: bool = True,
    ) -> WriterTransaction:
        # Always IMMEDIATE: a deferred transaction that later writes can fail
        # with SQLITE_BUSY instead of waiting.
        return WriterTransaction(
            engine=self, transaction_type=TransactionType.immediate, allow_nested=allow_nested
        )

    # -- query execution -----------------------------------------------------

    async def _run_in_existing_connection(
        self,
        connection,
        query: str,
        args: Optional[list[Any]] = None,
        query_type: str = "generic",
        table=None,
    ):
        # Unlike the stock engine, no PRAGMA before every statement: it is set
        # once per connection in _configure.
        async with connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()

    async def _execute(self, query: str, args: list[Any]) -> list[dict]:
        current = self.current_transaction.get()
        if current is not None:
            return await self._run_in_existing_connection(current.connection, query, args)
        if _is_read(query):
            return await self._run_in_existing_connection(await self.reader(), query, args)
        # A single write outside a transaction: autocommit on the writer, under
        # the lock so it cannot land inside someone else's transaction.
        async with self.write_lock():
            return await self._run_in_existing_connection(await self.writer(), query, args)

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False):
        query, args = querystring.compile_string(engine_type=self.engine_type)
        if self.log_queries:
            self.print_query(query_id=self.get_query_id(), query=str(querystring))
        return await self._execute(query, args)

    async def run_ddl(self, ddl: str, in_pool: bool = False):
        if self.log_queries:
            self.print_query(query_id=self.get_query_id(), query=ddl)
        return await self._execute(ddl, [])


def _is_read(query: str) -> bool:
    head = query.lstrip()[:6].upper()
    return head == "SELECT"


def make_engine(database_url: str) -> Engine:
    """Build the engine for a ``sqlite:///`` or ``postgresql://`` URL (no I/O)."""
    if database_url.startswith("sqlite:///"):
        # SQLAlchemy's convention: sqlite:///relative.db, sqlite:////absolute.db
        return JijiaoSQLiteEngine(path=database_url[len("sqlite:///") :])
    return PostgresEngine(config={"dsn": database_url})


async def open_engine(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=2, max_size=20)
    elif isinstance(engine, JijiaoSQLiteEngine):
        await engine.writer()


async def close_engine(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()
    elif isinstance(engine, JijiaoSQLiteEngine):
        await engine.close()


def engine_kind(engine: Engine) -> str:
    return "postgresql" if isinstance(engine, PostgresEngine) else "sqlite"


def configure_engine(engine: Engine, settings) -> None:  # type: ignore[no-untyped-def]
    """Point the (import-time) engine at ``settings.database_url`` before it opens."""
    if isinstance(engine, JijiaoSQLiteEngine) and settings.is_sqlite:
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        engine.path = str(settings.sqlite_path)
    elif isinstance(engine, PostgresEngine) and not settings.is_sqlite:
        engine.config["dsn"] = settings.database_url
    else:
        raise RuntimeError(
            "JIJIAO_DATABASE_URL changed database kind after start-up; restart the process"
        )
