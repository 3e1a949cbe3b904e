"""The raw aiosqlite ceiling on this machine: how fast can one connection insert?

One aiosqlite connection on a fresh WAL file (synchronous=NORMAL, as
``server/db.py`` configures its writer), C concurrent asyncio tasks, N rows
shaped like a ``checkin`` row (same columns, same unique (session, person)
index and the three single-column indexes). Every await on aiosqlite is a
"trip" to the connection's worker thread and back (a queue put, a thread
wake-up, ``call_soon_threadsafe``); on a small VM that trip, not SQLite, is
what costs. Variants:

* ``per_row_tx`` - the headline ceiling: INSERT + COMMIT per row, under an
  asyncio lock so each transaction holds exactly one row (the server's writer
  lock does the same); two trips per row.
* ``per_row_tx_cursor`` - the same through ``async with execute() as cursor:
  fetchall()`` (server/db.py's idiom): four trips per row.
* ``autocommit`` - isolation_level=None, each INSERT its own transaction, one trip.
* ``checkin_tx`` - what a check-in writes: BEGIN IMMEDIATE, INSERT checkin,
  INSERT credit, INSERT credit_event, COMMIT under the lock, five trips.
* ``checkin_tx_one_trip`` - that transaction as one function on the
  connection's thread (private ``Connection._execute``): one trip.
* ``batched`` - C rows per transaction (executemany), what group commit reaches.
* ``trip_latency`` - sequential ``SELECT 1``: microseconds per trip.

Foreign keys are not declared (there are no parent tables here), so the
ceiling is a little higher than the server's write could ever be.

``python -m bench.raw_sqlite --n 3000 --concurrency 64`` prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import tempfile
import time

import aiosqlite

CHECKIN_DDL = [
    'CREATE TABLE "checkin" ("id" INTEGER PRIMARY KEY NOT NULL, "session" INTEGER DEFAULT null, '
    '"training" INTEGER DEFAULT null, "person" INTEGER DEFAULT null, '
    '"checked_in_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "checked_out_at" TIMESTAMPTZ DEFAULT null, '
    '"method" VARCHAR(10) NOT NULL DEFAULT \'scan\', "recorded_by" INTEGER DEFAULT null, '
    '"reason" VARCHAR(200) NOT NULL DEFAULT \'\', "undone_at" TIMESTAMPTZ DEFAULT null)',
    'CREATE INDEX checkin_session ON "checkin" ("session")',
    'CREATE INDEX checkin_training ON "checkin" ("training")',
    'CREATE INDEX checkin_person ON "checkin" ("person")',
    'CREATE UNIQUE INDEX checkin_session_person_uniq ON checkin (session, person)',
]
CREDIT_DDL = [
    'CREATE TABLE "credit" ("id" INTEGER PRIMARY KEY NOT NULL, "person" INTEGER, "unit" INTEGER, '
    '"department" INTEGER, "year" INTEGER NOT NULL DEFAULT 0, "activity_date" DATE NOT NULL DEFAULT CURRENT_DATE, '
    '"credit_class" VARCHAR(4) NOT NULL DEFAULT \'\', "rule_code" VARCHAR(40) NOT NULL DEFAULT \'\', '
    '"title" VARCHAR(200) NOT NULL DEFAULT \'\', "credits" NUMERIC(6, 2) NOT NULL DEFAULT 0, '
    '"hours" NUMERIC(6, 2) NOT NULL DEFAULT 0, "source" VARCHAR(10) NOT NULL DEFAULT \'\', "training" INTEGER, '
    '"status" VARCHAR(14) NOT NULL DEFAULT \'\', "dedupe_key" VARCHAR(300) UNIQUE DEFAULT null, '
    '"reason" TEXT NOT NULL DEFAULT \'\', "created_by" INTEGER, "created_at" TIMESTAMPTZ NOT NULL, '
    '"updated_at" TIMESTAMPTZ NOT NULL, "effective_at" TIMESTAMPTZ DEFAULT null)',
    *[f'CREATE INDEX credit_{c} ON "credit" ("{c}")'
      for c in ("person", "unit", "department", "year", "source", "training", "status")],
    "CREATE INDEX credit_department_status ON credit (department, status)",
    "CREATE INDEX credit_unit_status ON credit (unit, status)",
    "CREATE INDEX credit_person_year ON credit (person, year)",
    'CREATE TABLE "credit_event" ("id" INTEGER PRIMARY KEY NOT NULL, "credit" INTEGER, '
    '"at" TIMESTAMPTZ NOT NULL, "account" INTEGER, "from_status" VARCHAR(14) NOT NULL DEFAULT \'\', '
    '"to_status" VARCHAR(14) NOT NULL DEFAULT \'\', "reason" TEXT NOT NULL DEFAULT \'\', '
    '"ip" VARCHAR(64) NOT NULL DEFAULT \'\')',
    'CREATE INDEX credit_event_credit ON "credit_event" ("credit")',
]

INSERT_CHECKIN = (
    "INSERT INTO checkin (session, training, person, checked_in_at, checked_out_at, method, recorded_by, "
    "reason, undone_at) VALUES (?, ?, ?, ?, NULL, ?, ?, ?, NULL) "
    "ON CONFLICT (session, person) DO NOTHING RETURNING id, checked_in_at"
)
INSERT_CREDIT = (
    "INSERT INTO credit (person, unit, department, year, activity_date, credit_class, rule_code, title, credits, "
    "hours, source, training, status, dedupe_key, reason, created_by, created_at, updated_at, effective_at) "
    "VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, NULL) "
    "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, status, credits"
)
INSERT_EVENT = (
    "INSERT INTO credit_event (credit, at, account, from_status, to_status, reason, ip) "
    "VALUES (?, ?, ?, '', ?, ?, ?)"
)


def _row(i: int) -> tuple:
    return (1, 1, i + 1, dt.datetime.now(dt.timezone.utc).isoformat(" "), "scan", i + 1, "")


async def _open(path: str, *, autocommit: bool = False) -> aiosqlite.Connection:
    db = await aiosqlite.connect(path, isolation_level=None if autocommit else "")
    await db.execute("PRAGMA busy_timeout = 5000")
    await db.execute("PRAGMA journal_mode = WAL")
    await db.execute("PRAGMA synchronous = NORMAL")
    return db


async def _fresh(directory: str, name: str, *, autocommit: bool = False) -> aiosqlite.Connection:
    path = os.path.join(directory, f"{name}.db")
    db = await _open(path, autocommit=autocommit)
    await db.execute("BEGIN")
    for ddl in CHECKIN_DDL + CREDIT_DDL:
        await db.execute(ddl)
    await db.commit()
    return db


async def _run_tasks(n: int, concurrency: int, one) -> float:  # type: ignore[no-untyped-def]
    next_index = 0

    async def worker() -> None:
        nonlocal next_index
        while next_index < n:
            i = next_index
            next_index += 1
            await one(i)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started


async def per_row_tx(directory: str, n: int, concurrency: int) -> dict:
    """The headline ceiling: INSERT ... RETURNING then COMMIT, one row per transaction."""
    db = await _fresh(directory, "per_row")
    lock = asyncio.Lock()

    async def one(i: int) -> None:
        async with lock:
            await db.execute_fetchall(INSERT_CHECKIN, _row(i))  # one trip to the connection's thread
            await db.commit()                                    # and one more

    wall = await _run_tasks(n, concurrency, one)
    return await _finish(db, "per_row_tx", n, wall, trips_per_row=2)


async def per_row_tx_cursor(directory: str, n: int, concurrency: int) -> dict:
    """Same transaction through ``async with db.execute() as cursor: fetchall()``, the idiom
    of server/db.py ``_run_in_existing_connection``: execute, fetchall and close are a trip each."""
    db = await _fresh(directory, "per_row_cursor")
    lock = asyncio.Lock()

    async def one(i: int) -> None:
        async with lock:
            async with db.execute(INSERT_CHECKIN, _row(i)) as cursor:
                await cursor.fetchall()
            await db.commit()

    wall = await _run_tasks(n, concurrency, one)
    return await _finish(db, "per_row_tx_cursor", n, wall, trips_per_row=4)


async def autocommit(directory: str, n: int, concurrency: int) -> dict:
    """isolation_level=None: each INSERT is its own transaction, one trip per row."""
    db = await _fresh(directory, "autocommit", autocommit=True)

    async def one(i: int) -> None:
        await db.execute_fetchall(INSERT_CHECKIN, _row(i))

    wall = await _run_tasks(n, concurrency, one)
    return await _finish(db, "autocommit", n, wall, trips_per_row=1)


def _credit_args(i: int, now: str) -> tuple:
    return (i + 1, 1, 2, 2026, "2026-01-01", "II", "心电图判读进阶", "0.5", "2", "attendance", 1,
            "pending_dept", f"attendance:1:{i + 1}", i + 1, now, now)


async def checkin_tx(directory: str, n: int, concurrency: int) -> dict:
    """What a check-in writes (checkin + credit + credit_event), BEGIN IMMEDIATE..COMMIT under
    a lock, one trip per statement: 5 trips per check-in."""
    db = await _fresh(directory, "checkin_tx", autocommit=True)
    lock = asyncio.Lock()

    async def one(i: int) -> None:
        now = dt.datetime.now(dt.timezone.utc).isoformat(" ")
        async with lock:
            await db.execute_fetchall("BEGIN IMMEDIATE")
            try:
                await db.execute_fetchall(INSERT_CHECKIN, _row(i))
                credit = await db.execute_fetchall(INSERT_CREDIT, _credit_args(i, now))
                await db.execute_fetchall(INSERT_EVENT, (list(credit)[0][0], now, i + 1, "pending_dept", "签到",
                                                         "127.0.0.1"))
                await db.execute_fetchall("COMMIT")
            except BaseException:
                await db.execute_fetchall("ROLLBACK")
                raise

    wall = await _run_tasks(n, concurrency, one)
    return await _finish(db, "checkin_tx", n, wall, trips_per_row=5)


async def checkin_tx_one_trip(directory: str, n: int, concurrency: int) -> dict:
    """The same three-row transaction run as one function on the connection's thread
    (aiosqlite's private ``Connection._execute``): one trip per check-in. Reference for what
    the server's write could cost if a transaction did not hop threads per statement."""
    db = await _fresh(directory, "checkin_tx_one_trip", autocommit=True)

    def write(i: int, now: str) -> None:
        conn = db._conn  # the sqlite3.Connection, used only on its own thread
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(INSERT_CHECKIN, _row(i)).fetchall()
            credit = conn.execute(INSERT_CREDIT, _credit_args(i, now)).fetchall()
            conn.execute(INSERT_EVENT, (credit[0][0], now, i + 1, "pending_dept", "签到", "127.0.0.1"))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    async def one(i: int) -> None:
        await db._execute(write, i, dt.datetime.now(dt.timezone.utc).isoformat(" "))

    wall = await _run_tasks(n, concurrency, one)
    return await _finish(db, "checkin_tx_one_trip", n, wall, trips_per_row=1)


async def batched(directory: str, n: int, concurrency: int) -> dict:
    """C rows per transaction (executemany), for reference: what group commit could reach."""
    db = await _fresh(directory, "batched")
    started = time.perf_counter()
    for start in range(0, n, concurrency):
        await db.executemany(INSERT_CHECKIN.replace(" RETURNING id, checked_in_at", ""),
                             [_row(i) for i in range(start, min(start + concurrency, n))])
        await db.commit()
    wall = time.perf_counter() - started
    return await _finish(db, "batched", n, wall, trips_per_row=2 / concurrency)


async def trip_latency(directory: str, n: int) -> dict:
    """One task, ``SELECT 1`` after ``SELECT 1``: the cost of one trip to aiosqlite's thread."""
    db = await _open(os.path.join(directory, "trip.db"))
    count = min(n, 2000)
    started = time.perf_counter()
    for _ in range(count):
        await db.execute_fetchall("SELECT 1")
    wall = time.perf_counter() - started
    await db.close()
    return {"variant": "trip_latency", "n": count, "wall_s": round(wall, 3), "per_s": round(count / wall, 1),
            "us_per_trip": round(wall / count * 1e6, 1)}


async def _finish(db: aiosqlite.Connection, name: str, n: int, wall: float, trips_per_row: float) -> dict:
    async with db.execute("SELECT count(*) FROM checkin") as cursor:
        (count,) = await cursor.fetchone()  # type: ignore[misc]
    await db.close()
    assert count == n, f"{name}: {count} rows, expected {n}"
    return {"variant": name, "n": n, "wall_s": round(wall, 3), "per_s": round(n / wall, 1),
            "trips_per_row": round(trips_per_row, 3)}


async def measure(n: int, concurrency: int) -> dict:
    results = {}
    with tempfile.TemporaryDirectory(prefix="jijiao-raw-") as directory:
        variants = [per_row_tx, per_row_tx_cursor, autocommit, checkin_tx, checkin_tx_one_trip, batched]
        for variant in [trip_latency, *variants]:
            cpu = os.times()
            r = await (trip_latency(directory, n) if variant is trip_latency else variant(directory, n, concurrency))
            after = os.times()
            r["cpu_cores"] = round(((after.user - cpu.user) + (after.system - cpu.system)) / r["wall_s"], 2)
            results[variant.__name__] = r
            await asyncio.sleep(0.2)  # let the machine settle between variants
    return results


def run(n: int, concurrency: int) -> dict:
    try:
        import uvloop  # the server runs on uvloop when it is installed (uvicorn's "auto")
    except ImportError:
        return asyncio.run(measure(n, concurrency))
    return uvloop.run(measure(n, concurrency))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.n, args.concurrency)))


if __name__ == "__main__":
    main()
