"""The raw asyncpg ceiling on this machine: how fast can one pool insert rows, one per transaction?

The PostgreSQL counterpart of ``raw_sqlite.py``'s ``per_row_tx``: one asyncpg pool
(the app's size, 20), C concurrent asyncio tasks, N rows shaped like a ``checkin``
row (same columns, the unique (session, person) index and the three single-column
indexes), each INSERT its own transaction (autocommit: one round trip, one commit
each). No HTTP, no authentication, no credit row: what a check-in could cost at best
if it were a single statement, so a check-in's rate as a share of it says how much the
rest of the request costs.

``python -m bench.raw_pg --database-url postgresql://… --n 3000 --concurrency 64`` prints JSON.
The table is created and dropped in that database.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import statistics
import time
import uuid

import asyncpg

POOL_SIZE = 20  # as server/db.py's open_engine


def _ddl(table: str) -> list[str]:
    return [
        f'CREATE TABLE "{table}" (id SERIAL PRIMARY KEY, session INTEGER, training INTEGER, person INTEGER, '
        "checked_in_at TIMESTAMPTZ NOT NULL DEFAULT now(), checked_out_at TIMESTAMPTZ, "
        "method VARCHAR(10) NOT NULL DEFAULT 'scan', recorded_by INTEGER, reason VARCHAR(200) NOT NULL DEFAULT '', "
        "undone_at TIMESTAMPTZ)",
        f'CREATE INDEX ON "{table}" (session)',
        f'CREATE INDEX ON "{table}" (training)',
        f'CREATE INDEX ON "{table}" (person)',
        f'CREATE UNIQUE INDEX ON "{table}" (session, person)',
    ]


async def per_row(database_url: str, n: int, concurrency: int) -> dict:
    table = f"raw_checkin_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(database_url)
    try:
        for statement in _ddl(table):
            await admin.execute(statement)
        pool = await asyncpg.create_pool(database_url, min_size=POOL_SIZE, max_size=POOL_SIZE)
        sql = (f'INSERT INTO "{table}" (session, training, person, checked_in_at, method, recorded_by) '
               "VALUES ($1, $2, $3, $4, 'scan', $3)")
        latencies: list[float] = []
        queue = iter(range(n))
        cpu0, t0 = time.process_time(), time.perf_counter()

        async def worker() -> None:
            for i in queue:
                started = time.perf_counter()
                async with pool.acquire() as connection:
                    await connection.execute(sql, 1, 1, i + 1, dt.datetime.now(dt.timezone.utc))
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        await pool.close()
        latencies.sort()
        return {"n": n, "concurrency": concurrency, "per_s": round(n / wall, 1),
                "p50_ms": round(statistics.median(latencies) * 1000, 2),
                "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
                "client_cores": round(cpu / wall, 2)}
    finally:
        await admin.execute(f'DROP TABLE IF EXISTS "{table}"')
        await admin.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.raw_pg", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("PG_BENCH_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args(argv)
    print(json.dumps({"per_row_tx": asyncio.run(per_row(args.database_url, args.n, args.concurrency))}))


if __name__ == "__main__":
    main()
