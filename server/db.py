"""Database engines: the SQLite engine we run on, and what is shared with PostgreSQL.

Piccolo's stock SQLite engine opens a fresh connection for every query outside a
transaction and runs ``PRAGMA foreign_keys`` before every statement, and
aiosqlite costs three thread round trips per statement (execute, fetch, close).
On a busy server that is most of the cost of a request, and concurrent writers
on separate connections answer "database is locked". This engine instead keeps

* one writer connection on a thread of its own, used by one writer at a time
  (an asyncio lock); every transaction is ``BEGIN IMMEDIATE``, so two writers
  never deadlock on a lock upgrade;
* a few reader connections, each on its own thread, for plain SELECTs, which
  WAL lets run beside the writer;
* one thread round trip per statement, and for hot writes a *group commit*:
  :meth:`JijiaoSQLiteEngine.run_write` queues a write program, and one
  transaction runs every program queued meanwhile, each inside its own
  savepoint, so a burst of check-ins shares one commit (run inline on the
  event loop: cheaper than handing the GIL to another thread and back);
* hot single-row reads inline on the event loop, memoised until a write to
  their tables commits (exact: SQLite is served by one process). SQLite itself
  names the tables each write may change (:class:`server.sqlprog.WriteTargets`),
  triggers and foreign-key cascades included; what it cannot name forgets every
  memoised read.

Where a read runs is in its name: ``…_on_loop`` inline on the event loop (a few
microseconds: indexed lookups only), ``…_on_reader`` on a reader thread (scans).
Each kind of read converts one way on every path, in a transaction too: a fetch
gives the columns named in ``types`` as Python values and the others as SQLite
stores them; a scan converts by declared column type, as Piccolo's reads do.

Connections open lazily and close in :func:`close_engine`; the asyncio objects
are recreated on each open, so a new event loop (tests, the CLI) never inherits
a lock bound to a dead one.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import sqlite3
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Callable, Optional, TypeVar

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory
from piccolo.querystring import QueryString

from server.sqlprog import (EVERYTHING, Program, WriteTargets, compile_sql, run_program_async, run_program_sync,
                            tables_read)

T = TypeVar("T")
log = logging.getLogger("jijiao.db")

_READERS = 2
_MEMO_SECONDS = 60.0
_CHECKPOINT_SECONDS = 0.5
_MEMO_MAX = 20_000
_BUSY_TIMEOUT_MS = 5000
_READER_MMAP_BYTES = 1 << 30
_READER_CACHE_KIB = 64 * 1024
# The most programs one group commit takes; the rest wait for the next one.
_MAX_BATCH = 256


def connect(path: str, *, writer: bool, convert: bool = True, query_only: bool = True) -> sqlite3.Connection:
    """A configured sqlite3 connection; the writer sets WAL, readers are query-only.

    ``convert`` applies Piccolo's per-column-type converters (a Python call for
    every INTEGER value, among others); the hot-path connection goes without and
    names the few columns that need converting instead.
    """
    connection = sqlite3.connect(
        path,
        detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES if convert else 0,
        isolation_level=None,  # we issue BEGIN/COMMIT ourselves
        check_same_thread=False,  # each connection is used from one thread at a time
    )
    connection.row_factory = dict_factory
    connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA foreign_keys = ON")
    if writer:
        # WAL lets readers run beside the one writer; NORMAL sync is durable
        # across application crashes and only risks the last commits on power loss.
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        # Commits never checkpoint (a checkpoint fsyncs the database file and
        # would stall the commit); a background thread does it instead.
        connection.execute("PRAGMA wal_autocheckpoint = 0")
    elif query_only:
        connection.execute("PRAGMA query_only = ON")
        # Statistics scan a province's totals (some 100 MB): read through a memory map
        # instead of a read() call per page, and keep more of them (64 MB) between queries.
        connection.execute(f"PRAGMA mmap_size = {_READER_MMAP_BYTES}")
        connection.execute(f"PRAGMA cache_size = -{_READER_CACHE_KIB}")
    return connection


class ThreadConnection:
    """A sqlite3 connection owned by one thread; every call is one hop to that thread."""

    def __init__(self, path: str, *, writer: bool, query_only: bool = True) -> None:
        self._path = path
        self._writer = writer
        self._query_only = query_only
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-w" if writer else "sqlite-r")
        self.raw: sqlite3.Connection | None = None

    def _open(self) -> None:
        self.raw = connect(self._path, writer=self._writer, query_only=self._query_only)

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def open(self) -> None:
        await self.call(self._open)

    def _fetchall(self, sql: str, args: Any) -> list[dict]:
        assert self.raw is not None
        cursor = self.raw.execute(sql, args)
        try:
            return cursor.fetchall()
        finally:
            cursor.close()

    async def execute(self, sql: str, args: Any = ()) -> list[dict]:
        """Run one statement and fetch its rows (Piccolo's transactions call this too)."""
        return await self.call(self._fetchall, sql, args)

    def _fetchall_noting(self, sql: str, args: Any, targets: WriteTargets) -> tuple[list[dict], frozenset[str]]:
        assert self.raw is not None
        return self._fetchall(sql, args), targets(self.raw, sql, args)

    async def execute_noting(self, sql: str, args: Any, targets: WriteTargets) -> tuple[list[dict], frozenset[str]]:
        """Run one statement: its rows and the tables it may have changed (one hop)."""
        return await self.call(self._fetchall_noting, sql, args, targets)

    async def close(self) -> None:
        if self.raw is not None:
            try:
                await self.call(self.raw.close)
            except sqlite3.Error:
                pass
            self.raw = None
        self._executor.shutdown(wait=False)


class WriterTransaction(SQLiteTransaction):
    """A Piccolo transaction on the shared writer connection, holding the writer lock."""

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
        self.written: set[str] = set()
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
        if self._committed:
            self.engine.invalidate(self.written)
        return exception is None


def _run_batch(connection: sqlite3.Connection, programs: list[Program],
               targets: WriteTargets) -> tuple[list[Any], set[str]]:
    """One transaction for many write programs, each in a savepoint (sync, on the writer connection).

    Returns each program's result (or its exception) and the tables written; raises,
    after rolling every program back, when the transaction itself fails.
    """
    results: list[Any] = []
    written: set[str] = set()
    connection.execute("BEGIN IMMEDIATE")
    try:
        for program in programs:
            connection.execute("SAVEPOINT program")
            try:
                results.append(run_program_sync(program, connection, written, targets))
            except Exception as error:  # noqa: BLE001 - handed back to that program's caller
                # Undo only this program; the others in the batch still commit.
                connection.execute("ROLLBACK TO SAVEPOINT program")
                results.append(error)
            connection.execute("RELEASE SAVEPOINT program")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return results, written


class JijiaoSQLiteEngine(SQLiteEngine):
    """SQLite with one writer thread, a few reader threads, and group commit."""

    def __init__(self, path: str, **kwargs: Any) -> None:
        super().__init__(path=path, **kwargs)
        self._writer: Optional[ThreadConnection] = None
        self._readers: list[ThreadConnection] = []
        self._reader_cycle: Optional[itertools.cycle] = None
        self._lock: Optional[asyncio.Lock] = None
        self._open_lock: Optional[asyncio.Lock] = None
        self._inline: Optional[sqlite3.Connection] = None
        self._targets = WriteTargets()
        # Per table, how many committed writes; _everything counts the writes that
        # may have changed any table. A memoised read is valid while both stand still.
        self._generation: dict[str, int] = {}
        self._everything = 0
        self._memo: dict[Any, tuple[tuple[int, ...], float, Rows]] = {}
        # Each memoised read's template, checked once: the tables it declares cover
        # every table SQLite says it reads.
        self._memo_checked: set[str] = set()
        self._pending: list[tuple[Program, asyncio.Future]] = []
        self._checkpointer: Optional[asyncio.Task] = None
        self._committer: Optional[asyncio.Task] = None
        self._wake: Optional[asyncio.Event] = None

    # -- connections -------------------------------------------------------

    def write_lock(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    def _opening(self) -> asyncio.Lock:
        if self._open_lock is None:
            self._open_lock = asyncio.Lock()
        return self._open_lock

    async def writer(self) -> ThreadConnection:
        if self._writer is None:
            async with self._opening():
                if self._writer is None:
                    connection = ThreadConnection(self.path, writer=True)
                    try:
                        await connection.open()
                    except BaseException:
                        await connection.close()  # its thread, at least
                        raise
                    self._writer = connection
        if self._checkpointer is None or self._checkpointer.done():
            # (Re)started on the running loop: a loop that ended took its task along.
            self._checkpointer = asyncio.create_task(self._checkpoint_loop())
        return self._writer

    async def _checkpoint_loop(self) -> None:
        """Move the WAL into the database file off the request path, twice a second.

        PASSIVE never blocks the writer or readers; pages still needed by an open
        read snapshot wait for the next round.
        """
        connection = ThreadConnection(self.path, writer=False, query_only=False)
        await connection.open()
        try:
            while True:
                await asyncio.sleep(_CHECKPOINT_SECONDS)
                try:
                    await connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error as error:
                    log.warning("WAL checkpoint failed: %s", error)
        finally:
            try:
                await connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                await connection.close()

    async def reader(self) -> ThreadConnection:
        if self._reader_cycle is None:
            # The writer opens first so the file is in WAL mode before any
            # query-only connection opens it.
            await self.writer()
            async with self._opening():
                if self._reader_cycle is None:
                    readers = [ThreadConnection(self.path, writer=False) for _ in range(_READERS)]
                    for connection in readers:
                        await connection.open()
                    self._readers = readers
                    self._reader_cycle = itertools.cycle(readers)
        return next(self._reader_cycle)

    async def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.cancel()
            try:
                await self._checkpointer
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
            self._checkpointer = None
        if self._committer is not None:
            self._committer.cancel()
            try:
                await self._committer
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
        # The committer failed its own batch when cancelled; what is still queued fails here.
        _settle(self._pending, [_closed()] * len(self._pending))
        if self._inline is not None:
            self._inline.close()
            self._inline = None
        connections = [c for c in [self._writer, *self._readers] if c is not None]
        self._writer, self._readers, self._reader_cycle = None, [], None
        self._lock = self._open_lock = None
        self._pending, self._committer, self._wake = [], None, None
        self._memo.clear()
        self._memo_checked.clear()
        self._targets = WriteTargets()  # the next open may be another database (tests, the CLI)
        for connection in connections:
            await connection.close()

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

    # -- group commit --------------------------------------------------------

    async def run_write(self, program: Program[T]) -> T:
        """Run a write program in the next group commit; its own error is raised here."""
        transaction = self.current_transaction.get()
        if transaction is not None:
            # Already inside a Piccolo transaction: run it there, step by step.
            return await run_program_async(program, _sqlite_fetch(transaction))
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._pending.append((program, future))
        if self._committer is None or self._committer.done():
            self._wake = asyncio.Event()
            self._committer = asyncio.create_task(self._commit_loop())
        assert self._wake is not None
        self._wake.set()
        result = await future
        if isinstance(result, Exception):
            raise result
        return result

    async def _commit_loop(self) -> None:
        wake = self._wake
        assert wake is not None
        try:
            while True:
                await wake.wait()
                wake.clear()
                while self._pending:
                    batch, self._pending = self._pending[:_MAX_BATCH], self._pending[_MAX_BATCH:]
                    await self._commit(batch)
        except BaseException:
            # Cancelled (close(), the loop's end): no queued caller waits forever.
            pending, self._pending = self._pending, []
            _settle(pending, [_closed()] * len(pending))
            raise

    async def _commit(self, batch: list[tuple[Program, asyncio.Future]]) -> None:
        """One group commit; every future of ``batch`` is settled on every path."""
        results: list[Any] | None = None
        try:
            writer = await self.writer()
            async with self.write_lock():
                # On the event loop itself, not the writer thread: a batch is
                # ~50 us of work per program and a commit in WAL with
                # synchronous=NORMAL does not fsync, while the hop to a
                # thread that must win the GIL back cost several ms a batch.
                assert writer.raw is not None
                batch_results, written = _run_batch(writer.raw, [p for p, _ in batch], self._targets)
            self.invalidate(written)
            results = batch_results
        except Exception as error:  # noqa: BLE001 - the whole commit failed: every caller hears why
            results = [error] * len(batch)
        finally:
            if results is None:
                # Cancelled while opening the writer or waiting for the lock: the batch never ran.
                results = [_closed()] * len(batch)
            _settle(batch, results)

    # -- query execution -----------------------------------------------------

    async def _execute(self, query: str, args: Any) -> list[dict]:
        read = _is_read(query)
        current = self.current_transaction.get()
        if current is not None:
            if read:
                return await current.connection.execute(query, args)
            rows, written = await current.connection.execute_noting(query, args, self._targets)
            current.written |= written  # invalidated once committed
            return rows
        if read:
            return await (await self.reader()).execute(query, args)
        # A single write outside a transaction: autocommit on the writer, under
        # the lock so it cannot land inside someone else's transaction.
        async with self.write_lock():
            rows, written = await (await self.writer()).execute_noting(query, args, self._targets)
        self.invalidate(written)
        return rows

    async def written_by(self, sql: str, args: Any = ()) -> frozenset[str]:
        """The tables ``sql`` may change, asked of the writer connection (``{"*"}``: any)."""
        async with self.write_lock():
            writer = await self.writer()
            return await writer.call(self._targets, writer.raw, sql, args)

    async def fetch_on_loop(self, template: str, *args: Any, types: Types | None = None) -> list[dict]:
        """Rows of a small indexed lookup (``{}`` placeholders), run inline on the event loop.

        For the hot path only: a primary-key or unique-index read takes a few
        microseconds, less than the hop to a reader thread and back, and WAL
        readers never wait for the writer. Anything that scans goes through
        :meth:`scan_on_reader` instead. ``types`` names the columns to convert
        from SQLite's storage (timestamps, booleans, decimals); the others come
        back as stored, inside a transaction too.
        """
        sql = compile_sql(template, "sqlite")
        current = self.current_transaction.get()
        if current is not None:
            # The transaction's own writes are visible only on the writer, whose
            # connection converts by declared type (for Piccolo): undo that first.
            rows, written = await current.connection.execute_noting(sql, args, self._targets)
            current.written |= written
            return _typed(_as_stored(rows), types)
        if self._inline is None:
            await self.writer()  # WAL mode first
            self._inline = connect(self.path, writer=False, convert=False)
        cursor = self._inline.execute(sql, args)
        try:
            rows = cursor.fetchall()
        finally:
            cursor.close()
        return _typed(rows, types)

    async def scan_on_reader(self, template: str, *args: Any) -> list[dict]:
        """Rows of a query that reads many rows, on a reader thread (in a transaction: on the
        writer's). Both connections convert by declared type, as Piccolo's reads do."""
        sql = compile_sql(template, "sqlite")
        current = self.current_transaction.get()
        if current is not None:
            rows, written = await current.connection.execute_noting(sql, args, self._targets)
            current.written |= written
            return rows
        return await (await self.reader()).execute(sql, args)

    # -- memoised hot reads ----------------------------------------------------

    def invalidate(self, tables: Sequence[str] | set[str] | frozenset[str]) -> None:
        """Memoised reads of ``tables`` (of every table, for :data:`EVERYTHING`) are stale.
        Call only once the write is visible (after its commit): bumping earlier would let
        a concurrent read re-memoise the old rows under the new generation."""
        for table in tables:
            if table == EVERYTHING:
                self._everything += 1
            else:
                self._generation[table] = self._generation.get(table, 0) + 1

    async def fetch_memo_on_loop(self, key: Any, tables: tuple[str, ...], template: str, *args: Any,
                                 types: Types | None = None) -> Rows:
        """:meth:`fetch_on_loop` memoised until a write touches one of ``tables`` (or a minute passes).

        Exact because SQLite is served by one process and every write goes
        through this engine; the minute bounds edits made outside the server.
        ``tables`` must name every table the query reads (checked on first use).
        The rows are read-only: every caller shares them.
        """
        if template not in self._memo_checked:
            await self._check_memo_tables(tables, template, args)
        if self.current_transaction.get() is not None:
            # Inside a transaction: read its own writes, never the memo.
            return _frozen(await self.fetch_on_loop(template, *args, types=types))
        snapshot = (self._everything, *(self._generation.get(t, 0) for t in tables))
        now = time.monotonic()
        hit = self._memo.get(key)
        if hit is not None and hit[0] == snapshot and now - hit[1] < _MEMO_SECONDS:
            return hit[2]
        rows = _frozen(await self.fetch_on_loop(template, *args, types=types))
        if len(self._memo) >= _MEMO_MAX:
            self._memo.clear()
        self._memo[key] = (snapshot, now, rows)
        return rows

    async def _check_memo_tables(self, tables: tuple[str, ...], template: str, args: tuple) -> None:
        """Refuse a memoised read whose ``tables`` miss one it reads: a write there would
        leave it stale (a programming error, met on the read's first use in any test)."""
        if self._inline is None:
            await self.writer()
            self._inline = connect(self.path, writer=False, convert=False)
        read = tables_read(self._inline, compile_sql(template, "sqlite"), args)
        missing = read - {t.lower() for t in tables}
        if missing:
            raise RuntimeError(f"memoised read does not list the tables it reads: {sorted(missing)}")
        self._memo_checked.add(template)

    async def _run_in_existing_connection(self, connection, query: str, args=None, query_type="generic",
                                          table=None):
        return await connection.execute(query, args or [])

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False):
        query, args = querystring.compile_string(engine_type=self.engine_type)
        if self.log_queries:
            self.print_query(query_id=self.get_query_id(), query=str(querystring))
        return await self._execute(query, args)

    async def run_ddl(self, ddl: str, in_pool: bool = False):
        if self.log_queries:
            self.print_query(query_id=self.get_query_id(), query=ddl)
        return await self._execute(ddl, [])


Types = dict[str, str]
# Memoised rows: shared by every caller, so nobody may change them.
Rows = tuple[Mapping[str, Any], ...]
_CONVERT: dict[str, Callable[[Any], Any]] = {
    # Piccolo stores an aware datetime as ISO text in UTC, a bool as 0/1 and a
    # Decimal as a float; PostgreSQL hands back native values already.
    "timestamp": datetime.fromisoformat,
    "bool": bool,
    "decimal": lambda value: Decimal(str(value)),
}
_STORED = (int, float, str, bytes)


def _typed(rows: list[dict], types: Types | None) -> list[dict]:
    """Convert the columns ``types`` names from SQLite's storage: the one conversion of every path."""
    if types:
        for row in rows:
            for column, kind in types.items():
                value = row[column]
                if value is not None:
                    row[column] = _CONVERT[kind](value)
    return rows


def _as_stored(rows: list[dict]) -> list[dict]:
    """Rows a converting connection (the writer, the readers) returned, as SQLite stores
    them: each value Piccolo's converter made is turned back by Piccolo's adapter."""
    for row in rows:
        for column, value in row.items():
            if value is None or type(value) in _STORED:
                continue
            if isinstance(value, bool):
                row[column] = int(value)
                continue
            adapt = sqlite3.adapters.get((type(value), sqlite3.PrepareProtocol))  # type: ignore[attr-defined]
            if adapt is not None:
                row[column] = adapt(value)
    return rows


def _frozen(rows: list[dict]) -> Rows:
    return tuple(MappingProxyType(row) for row in rows)


def _sqlite_fetch(transaction: WriterTransaction):  # type: ignore[no-untyped-def]
    engine = transaction.engine

    async def fetch(sql_template: str, args: tuple) -> list[dict]:
        sql = compile_sql(sql_template, "sqlite")
        rows, written = await transaction.connection.execute_noting(sql, args, engine._targets)
        transaction.written |= written
        return rows

    return fetch


def _settle(batch: list[tuple[Program, asyncio.Future]], results: list[Any]) -> None:
    """Hand each caller its result (an exception is raised in the caller by run_write)."""
    for (_, future), result in zip(batch, results):
        if not future.done():
            future.set_result(result)


def _closed() -> RuntimeError:
    return RuntimeError("database closed: the write was not committed")


def _is_read(query: str) -> bool:
    return query.lstrip()[:6].upper() == "SELECT"


# -- engine-neutral helpers ------------------------------------------------------


async def fetch(engine: Engine, template: str, *args: Any, types: Types | None = None) -> list[dict]:
    """Rows of a small indexed lookup (``{}`` placeholders) on either engine, without Piccolo.

    On SQLite it runs inline on the event loop (:meth:`JijiaoSQLiteEngine.fetch_on_loop`):
    never a scan, use :func:`scan`. On PostgreSQL it awaits a pooled connection.
    """
    if isinstance(engine, JijiaoSQLiteEngine):
        return await engine.fetch_on_loop(template, *args, types=types)
    assert isinstance(engine, PostgresEngine)
    sql = compile_sql(template, "postgres")
    current = engine.current_transaction.get()
    if current is not None:
        return [dict(r) for r in await current.connection.fetch(sql, *args)]
    if engine.pool is not None:
        async with engine.pool.acquire() as connection:
            return [dict(r) for r in await connection.fetch(sql, *args)]
    return await engine._run_in_new_connection(sql, list(args))


async def scan(engine: Engine, template: str, *args: Any) -> list[dict]:
    """Rows of a query that reads many rows (statistics, reports): on SQLite on a reader thread
    (:meth:`JijiaoSQLiteEngine.scan_on_reader`), never inline on the event loop as :func:`fetch`
    runs; on PostgreSQL as :func:`fetch`."""
    if isinstance(engine, JijiaoSQLiteEngine):
        return await engine.scan_on_reader(template, *args)
    return await fetch(engine, template, *args)


async def fetch_memo(engine: Engine, key: Any, tables: tuple[str, ...], template: str, *args: Any,
                     types: Types | None = None, stale_seconds: float = 0.0) -> Rows:
    """A hot read (as :func:`fetch`), memoised on SQLite until its tables are written. On
    PostgreSQL, where other processes write too, it is fresh unless the caller accepts rows up
    to ``stale_seconds`` old (for rows whose every use is re-checked by the write that follows).
    ``tables`` names every table the query reads; the rows are read-only on every path."""
    if isinstance(engine, JijiaoSQLiteEngine):
        return await engine.fetch_memo_on_loop(key, tables, template, *args, types=types)
    if stale_seconds <= 0 or engine.current_transaction.get() is not None:
        return _frozen(await fetch(engine, template, *args, types=types))
    now = time.monotonic()
    hit = _STALE_OK.get(key)
    if hit is not None and now - hit[0] < stale_seconds:
        return hit[1]
    rows = _frozen(await fetch(engine, template, *args, types=types))
    if len(_STALE_OK) >= _MEMO_MAX:
        _STALE_OK.clear()
    _STALE_OK[key] = (now, rows)
    return rows


# PostgreSQL reads a caller allowed to be a little stale: key -> (monotonic time, rows);
# emptied when the engine closes.
_STALE_OK: dict[Any, tuple[float, Rows]] = {}


async def run_write(engine: Engine, program: Program[T]) -> T:
    """Run a write program atomically: group commit on SQLite, a transaction on PostgreSQL."""
    if isinstance(engine, JijiaoSQLiteEngine):
        return await engine.run_write(program)
    assert isinstance(engine, PostgresEngine)
    async with engine.transaction() as transaction:
        connection = transaction.connection

        async def pg_fetch(sql_template: str, args: tuple) -> list[dict]:
            return [dict(r) for r in await connection.fetch(compile_sql(sql_template, "postgres"), *args)]

        return await run_program_async(program, pg_fetch)


async def lock_row(table: Any, row_id: int) -> None:
    """Inside a transaction: hold ``table``'s row ``row_id`` until the transaction ends.

    For a rule that reads several rows and then writes (a per-day sum, the last
    file of a record): on PostgreSQL ``SELECT … FOR UPDATE`` makes a second
    transaction on the same row wait; on SQLite every write transaction is
    ``BEGIN IMMEDIATE`` on the one writer connection, exclusive already.
    """
    engine = table._meta.db
    if isinstance(engine, PostgresEngine):
        await fetch(engine, f"SELECT id FROM {table._meta.tablename} WHERE id = {{}} FOR UPDATE", row_id)


async def _no_reset(connection: Any) -> None:
    return None


def make_engine(database_url: str) -> Engine:
    """Build the engine for a ``sqlite:///`` or ``postgresql://`` URL (no I/O)."""
    if database_url.startswith("sqlite:///"):
        # SQLAlchemy's convention: sqlite:///relative.db, sqlite:////absolute.db
        return JijiaoSQLiteEngine(path=database_url[len("sqlite:///") :])
    return PostgresEngine(config={"dsn": database_url})


async def open_engine(engine: Engine, *, pool_size: int = 20) -> None:
    if isinstance(engine, PostgresEngine):
        # No per-release reset: the app never changes session state (no SET,
        # LISTEN or advisory locks), and the reset round trip was a tenth of a
        # check-in's time on PostgreSQL.
        # All connections opened at start and kept: a lecture hall's burst comes after a quiet
        # spell, and each connection opened inside it cost the event loop its set-up (TLS
        # negotiation, authentication, type introspection) while the queue grew behind it.
        await engine.start_connection_pool(min_size=pool_size, max_size=pool_size, reset=_no_reset,
                                           max_inactive_connection_lifetime=0)
    elif isinstance(engine, JijiaoSQLiteEngine):
        await engine.writer()


async def close_engine(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine):
        _STALE_OK.clear()  # the next open may be another database (tests, the CLI)
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


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database cannot be reached right now (not a bad query).

    A restart of PostgreSQL kills every pooled connection (ConnectionDoesNotExist or
    AdminShutdown on the next use), then refuses new ones for a few seconds
    (OSError, CannotConnectNow); asyncpg's pool drops a connection that failed this way
    and opens a fresh one on a later acquire, so the app recovers by itself once the
    server is back. SQLite has no such state: a local file is there or the app is broken.
    """
    import asyncpg

    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, (OSError, asyncio.TimeoutError, asyncpg.PostgresConnectionError,
                              asyncpg.exceptions.OperatorInterventionError,
                              asyncpg.exceptions.TooManyConnectionsError)):
            return True
        if isinstance(error, asyncpg.InterfaceError) and "closed" in str(error):
            return True  # "connection is closed": a pooled connection the restart killed
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return False
