"""What one check-in costs, piece by piece, with nothing else running.

    python -m bench.components --tokens tokens.json --offset K0 --count K --session S

(with JIJIAO_DATABASE_URL set; the server must be stopped). In this process, on the
project's own engine, one task at a time, it times K calls of each piece of the
check-in path and reports wall time and the *calling thread's* CPU time per call
(``time.thread_time``: the event loop's share, which is what a saturated server
runs out of), plus aiosqlite trips per call. ``checkins.py`` runs it after each
burst with trainees kept aside for it. The difference between these sums and the
per-check-in CPU measured under load is the cost of contention (thread hand-offs,
GIL, lock queueing), and the HTTP/Litestar layer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time


async def measure(tokens: list[str], session_id: int) -> dict:
    import msgspec

    import qr
    from server.controllers.attendance import CheckinRead
    from server.services import attendance, auth
    from server.settings import load_settings
    from server.tables import Region

    settings = load_settings()
    trips = {"n": 0}
    from server import db

    thread_connection = getattr(db, "ThreadConnection", None)
    if thread_connection is not None and hasattr(thread_connection, "call"):
        original_call = thread_connection.call

        async def call(self, fn, *args):  # type: ignore[no-untyped-def]
            trips["n"] += 1
            return await original_call(self, fn, *args)

        thread_connection.call = call
    else:
        try:
            import aiosqlite.core

            original = aiosqlite.core.Connection._execute

            async def counted(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
                trips["n"] += 1
                return await original(self, fn, *args, **kwargs)

            aiosqlite.core.Connection._execute = counted  # type: ignore[method-assign]
        except ImportError:
            pass

    row = await attendance._session_row(session_id)
    assert row is not None
    secret, step = row["secret"], row["step"]
    principals = [await auth.resolve_token(t, via_cookie=False, ip="127.0.0.1", settings=settings) for t in tokens]
    results = {}

    async def timed(name: str, count: int, one) -> None:  # type: ignore[no-untyped-def]
        for i in range(min(20, count)):  # warm caches of this piece (not for writes: see below)
            if name not in ("check_in_with_code (service, writes)",):
                await one(i)
        trips["n"] = 0
        wall, cpu = time.perf_counter(), time.thread_time()
        for i in range(count):
            await one(i)
        wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
        results[name] = {"calls": count, "wall_us": round(wall / count * 1e6, 1),
                         "loop_cpu_us": round(cpu / count * 1e6, 1), "trips": round(trips["n"] / count, 2)}

    k = len(tokens)

    async def select_1(i: int) -> None:
        await Region.raw("SELECT 1")

    async def resolve(i: int) -> None:
        await auth.resolve_token(tokens[i % k], via_cookie=False, ip="127.0.0.1", settings=settings)

    async def session_row(i: int) -> None:
        await attendance._session_row(session_id)

    async def verify_code(i: int) -> None:
        now = time.time()
        assert qr.verify(secret, qr.code_at(secret, now, step), now, step)

    checked: list = []

    async def check_in(i: int) -> None:
        now = time.time()
        result = await attendance.check_in_with_code(principals[i], session_id, qr.code_at(secret, now, step), settings,
                                                     now)
        assert result.created
        checked.append(result)

    async def encode(i: int) -> None:
        msgspec.json.encode(msgspec.convert(checked[i % len(checked)].body, CheckinRead))

    await timed("Piccolo raw SELECT 1", k, select_1)
    await timed("auth.resolve_token (2 queries)", k, resolve)
    await timed("attendance._session_row", k, session_row)
    await timed("qr.code_at + qr.verify", k, verify_code)
    await timed("check_in_with_code (service, writes)", k, check_in)
    await timed("CheckinRead convert + JSON encode", k, encode)
    return results


async def _main(tokens: list[str], session_id: int) -> dict:
    from server.db import close_engine, configure_engine, open_engine
    from server.piccolo_conf import DB
    from server.settings import load_settings

    configure_engine(DB, load_settings())
    await open_engine(DB)
    try:
        return await measure(tokens, session_id)
    finally:
        await close_engine(DB)


def run(coroutine):  # type: ignore[no-untyped-def]
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", required=True, help="bench/seed.py output")
    parser.add_argument("--offset", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--session", type=int, required=True)
    args = parser.parse_args(argv)
    with open(args.tokens) as f:
        tokens = json.load(f)["tokens"][args.offset:args.offset + args.count]
    print(json.dumps(run(_main(tokens, args.session))))


if __name__ == "__main__":
    main()
