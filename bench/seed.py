"""Bench trainees, straight into the database (run after ``jijiao demo``).

``python -m bench.seed --count N --out tokens.json`` (with JIJIAO_DATABASE_URL
set) adds N trainees of 示例第一医院 (Person + Account + RoleGrant 'trainee'),
all sharing one scrypt hash of the demo password, and gives each a live
LoginSession whose token we choose, so the benchmark needs no N logins
(scrypt, ~50 ms each). The server stores only sha256(token), as
``server.services.auth.token_hash`` does; ``last_seen_at`` is now, so no
request of the burst takes the "touch the session" write path.

It uses the project's own Piccolo tables and engine helpers, like ``server.cli``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import secrets
import time

CHUNK = 200  # rows per INSERT: well under SQLite's bound-variable limit


async def seed(count: int, prefix: str) -> dict:
    from server.services.auth import token_hash
    from server.services.demo import DEMO_PASSWORD
    from server.services.passwords import hash_password
    from server.tables import Account, Department, LoginSession, Person, RoleGrant, Unit
    from server.tables.enums import AccountStatus, Role, Sex

    unit = await Unit.select(Unit.id).where(Unit.name == "示例第一医院").first()
    if unit is None:
        raise SystemExit("示例第一医院 not found: run `jijiao demo` first")
    departments = [d["id"] for d in await Department.select(Department.id).where(
        Department.unit == unit["id"]).order_by(Department.id)]
    password_hash = hash_password(DEMO_PASSWORD)  # once, for everyone
    now = dt.datetime.now(dt.timezone.utc)
    tokens: list[str] = []
    person_ids: list[int] = []
    db = Person._meta.db
    for start in range(0, count, CHUNK):
        stop = min(start + CHUNK, count)
        async with db.transaction():
            people = [Person(unit=unit["id"], department=departments[i % len(departments)],
                             id_number=f"{prefix}{i:0{18 - len(prefix)}d}", name=f"压测学员{i}",
                             sex=Sex.male if i % 2 else Sex.female, title="住院医师",
                             person_no=f"{prefix}{i:0{20 - len(prefix)}d}")
                      for i in range(start, stop)]
            ids = [r["id"] for r in await Person.insert(*people)]
            accounts = [Account(username=f"bench_{prefix}{i}", password_hash=password_hash, person=pid,
                                name=f"压测学员{i}", status=AccountStatus.active)
                        for i, pid in zip(range(start, stop), ids)]
            account_ids = [r["id"] for r in await Account.insert(*accounts)]
            await RoleGrant.insert(*[RoleGrant(account=a, role=Role.trainee) for a in account_ids])
            chunk_tokens = [secrets.token_urlsafe(32) for _ in account_ids]
            await LoginSession.insert(*[
                LoginSession(token_hash=token_hash(t), csrf_token=secrets.token_urlsafe(24), account=a,
                             created_at=now, last_seen_at=now, expires_at=now + dt.timedelta(days=1),
                             ip="127.0.0.1", user_agent="bench")
                for t, a in zip(chunk_tokens, account_ids)])
        tokens += chunk_tokens
        person_ids += ids
    return {"tokens": tokens, "person_ids": person_ids}


async def _main(count: int, prefix: str) -> dict:
    from server.db import close_engine, configure_engine, open_engine
    from server.piccolo_conf import DB
    from server.settings import load_settings

    configure_engine(DB, load_settings())
    await open_engine(DB)
    try:
        return await seed(count, prefix)
    finally:
        await close_engine(DB)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--prefix", default="B")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = asyncio.run(_main(args.count, args.prefix))
    with open(args.out, "w") as f:
        json.dump(result, f)
    print(f"seeded {args.count} trainees with login sessions in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
