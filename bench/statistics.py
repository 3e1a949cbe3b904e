"""Statistics at province scale: a synthetic province, then the queries admins run on it.

    python -m bench.statistics [--backend sqlite|postgresql|both] [--people N] [--records M]
                               [--repeat R] [--keep] [--database URL]

For each backend: a fresh database (SQLite: a temp file; PostgreSQL: ``CREATE
DATABASE`` on ``--pg-url``, dropped afterwards, skipped when unreachable),
``jijiao migrate``, the synthetic province (``bench/province.py``: 100,000 people
in 200 units and 6,000,000 records over five years by default), its totals
counted once (``services/totals.rebuild``, what a bulk import would do), and a
provincial standard with a cap for each year. Then, in this process, through
the services the API calls (scope, SQL, Python; no HTTP), each timed ``--repeat``
times (median, after one warm-up):

* a unit admin's completion table of their 5,000-person hospital by department;
* the region admin's table of the whole province by unit;
* one person's five years (what the multi-year verification gathers: every
  applicable standard judged on their records, per year);
* the annual register PDF of the 1,000-person department, in a child process
  (time and its peak resident memory, from ``ru_maxrss``).

The last lines are the figures, in the form ``../shared/BENCH.md`` fixes.
``--database URL`` runs the queries on a province built earlier (``--keep``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics as stats
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"unit": 50.0, "province": 500.0, "person": 5.0, "register_s": 15.0, "register_mb": 300.0}


def log(message: str) -> None:
    print(f"[statistics {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _env(url: str, data_dir: str) -> dict[str, str]:
    return {**os.environ, "JIJIAO_DATABASE_URL": url, "JIJIAO_DATA_DIR": data_dir, "PYTHONPATH": str(ROOT)}


def _run(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


# -- inside the child process: the timings --------------------------------------------------------


async def _province_facts() -> dict:
    from bench.province import PROVINCE
    from server.tables import Account, Department, Person, Unit

    big = await Unit.select(Unit.id).where(Unit.code == "98U00000").first()
    first = await Department.select(Department.id).where(Department.unit == big["id"]).order_by(
        Department.sort_order).first()
    region = await Unit.select(Unit.region).where(Unit.id == big["id"]).first()
    unit_people = await Person.count().where(Person.unit == big["id"])
    register_people = await Person.count().where(Person.department == first["id"])
    province_people = await Person.count().where(Person.unit.region_code.like(PROVINCE[0][:2] + "%"))
    person = await Person.select(Person.id).where(Person.department == first["id"]).order_by(Person.id).first()
    admin = await Account.select(Account.id).where(Account.username == "bench_admin").first()
    return {"account": admin["id"], "unit": big["id"], "department": first["id"], "unit_people": unit_people,
            "register_people": register_people, "province_people": province_people, "person": person["id"],
            "region": region["region"]}


def _principal(role: str, account_id: int, **scope):  # type: ignore[no-untyped-def]
    """The caller as the auth middleware would build it for an account holding this one grant."""
    from server.services.principal import Grant, Principal
    from server.tables.enums import Role

    return Principal(account_id=account_id, username="bench", name="bench", person_id=None,
                     must_change_password=False, grants=(Grant(Role(role), None, "bench", **scope),))


CPU: dict[str, float] = {}


async def _time(work, repeat: int, name: str = "") -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """Median wall time in ms; the median CPU time of this process (every thread: SQLite's readers
    run here) goes to CPU[name], since on a shared machine the wall clock also counts the others' work."""
    result = await work()  # warm-up: caches, the reader threads, SQLite's page cache
    samples, cpu = [], []
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        result = await work()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    CPU[name] = stats.median(cpu)
    return stats.median(samples), result


async def measure(repeat: int, year: int) -> dict:
    from bench.province import PROVINCE
    from server.services import statistics

    facts = await _province_facts()
    unit_admin = _principal("unit_admin", facts["account"], unit_id=facts["unit"])
    region_admin = _principal("region_admin", facts["account"], region_id=facts["region"],
                              region_prefix=PROVINCE[0][:2])
    unit_ms, groups = await _time(lambda: statistics.compliance_table(unit_admin, year=year, by="department"),
                                  repeat, "unit")
    log(f"unit by department: {unit_ms:.1f} ms (cpu {CPU['unit']:.1f} ms), {len(groups)} departments, "
        f"{sum(g.people for g in groups)} people, {sum(g.passed for g in groups)} passed")
    province_ms, groups = await _time(lambda: statistics.compliance_table(region_admin, year=year, by="unit"),
                                      repeat, "province")
    people = sum(g.people for g in groups)
    log(f"province by unit: {province_ms:.1f} ms (cpu {CPU['province']:.1f} ms), {len(groups)} units, {people} people, "
        f"{sum(g.passed for g in groups)} passed")
    years = list(range(year - 4, year + 1))
    person_ms, answer = await _time(lambda: statistics.person_years(facts["person"], years), max(repeat, 20),
                                    "person")
    log(f"one person's five years: {person_ms:.2f} ms (cpu {CPU['person']:.2f} ms, "
        f"{sum(len(v) for v in answer.values())} results)")
    return {**facts, "unit_ms": unit_ms, "province_ms": province_ms, "person_ms": person_ms,
            "province_counted": people, "year": year, "cpu": CPU}


async def register_only(year: int) -> dict:
    import resource

    from server.services import reports

    facts = await _province_facts()
    unit_admin = _principal("unit_admin", facts["account"], unit_id=facts["unit"])
    started, used = time.perf_counter(), time.process_time()
    printed = await reports.register(unit_admin, year=year, department_id=facts["department"],
                                     base_url="https://cme.example.cn")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu_s": time.process_time() - used, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "people": facts["register_people"], "bytes": len(printed.pdf)}


async def _in_engine(work):  # type: ignore[no-untyped-def]
    from server.db import close_engine, configure_engine, open_engine
    from server.piccolo_conf import DB
    from server.settings import load_settings

    configure_engine(DB, load_settings())
    await open_engine(DB)
    try:
        return await work()
    finally:
        await close_engine(DB)


def child(args: argparse.Namespace) -> None:
    if args.child == "measure":
        out = asyncio.run(_in_engine(lambda: measure(args.repeat, args.year)))
    elif args.child == "register":
        out = asyncio.run(_in_engine(lambda: register_only(args.year)))
    else:
        out = asyncio.run(_in_engine(lambda: prepare(args.people, args.records)))
    print("RESULT " + json.dumps(out, default=str))


# -- building ------------------------------------------------------------------------------------------


async def prepare(people: int, records: int) -> dict:
    """The province, its totals, and the province's standards (in the child, with the engine open)."""
    from bench.province import Shape, build
    from server.piccolo_conf import DB
    from server.services import totals
    from server.settings import load_settings

    shape = Shape(people=people, records=records)
    built = await build(load_settings().database_url, shape)
    started = time.monotonic()
    await totals.rebuild(DB)
    # The planner's statistics, as autovacuum (PostgreSQL) or a periodic ANALYZE would have them.
    await DB.run_ddl("ANALYZE")
    log(f"totals counted in {time.monotonic() - started:.1f}s")
    await _standards(shape.years)
    # The account the timed calls act as (reports record who issued them).
    from server.tables import Account

    await Account.insert(Account(username="bench_admin", password_hash="-", name="压测管理员"))
    return {"build_s": built.seconds, **built.counts}


async def _standards(years) -> None:  # type: ignore[no-untyped-def]
    """合成省's table: 中级 and above ≥ 25 (I ≥ 10, II ≥ 15) with in-house activities at most 10; others ≥ 25."""
    from server.tables import Standard

    senior = [{"measure": "credits", "category": "total", "min": 25},
              {"measure": "credits", "category": "I", "min": 10},
              {"measure": "credits", "category": "II", "min": 15}]
    for year in years:
        await Standard.insert(
            Standard(year=year, region_code="980000", name="合成省 中级及以上", scheme="cme",
                     title_levels="正高,副高,中级", requirements=json.dumps(senior),
                     caps=json.dumps([{"measure": "credits", "max": 10, "source": "attendance"}])),
            Standard(year=year, region_code="980000", name="合成省 初级及其他", scheme="cme",
                     title_levels="初级,无", requirements=json.dumps(senior[:1]), caps="[]"))


def _child(kind: str, env: dict[str, str], **extra) -> dict:  # type: ignore[no-untyped-def]
    argv = [sys.executable, "-m", "bench.statistics", "--child", kind]
    for key, value in extra.items():
        argv += [f"--{key}", str(value)]
    out = _run(argv, env)
    for line in out.splitlines():
        if line.startswith("[province") or line.startswith("[statistics"):
            print(line, flush=True)
    return json.loads(next(line for line in reversed(out.splitlines()) if line.startswith("RESULT "))[7:])


async def _pg_database(pg_url: str) -> str | None:
    import asyncpg

    base = pg_url.rpartition("/")[0]
    name = f"jijiao_stats_{uuid.uuid4().hex[:10]}"
    try:
        conn = await asyncpg.connect(f"{base}/postgres", timeout=3)
    except (OSError, asyncpg.PostgresError, asyncio.TimeoutError) as error:
        log(f"PostgreSQL unreachable ({error!r}): PostgreSQL SKIPPED")
        return None
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return f"{base}/{name}"


async def _pg_drop(url: str) -> None:
    import asyncpg

    base, _, name = url.rpartition("/")
    conn = await asyncpg.connect(f"{base}/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def run_backend(backend: str, args: argparse.Namespace) -> dict | None:
    work = Path(tempfile.mkdtemp(prefix="jijiao-stats-"))
    url = args.database
    made = None
    if url is None:
        if backend == "sqlite":
            url = f"sqlite:///{work / 'province.db'}"
        else:
            url = asyncio.run(_pg_database(args.pg_url))
            if url is None:
                return None
            made = url
    env = _env(url, str(work / "data"))
    try:
        if args.database is None:
            log(f"{backend}: migrating {url}")
            _run([sys.executable, "-m", "server.cli", "migrate"], env)
            log(f"{backend}: building {args.people:,} people and {args.records:,} records")
            built = _child("prepare", env, people=args.people, records=args.records)
            log(f"{backend}: built in {built['build_s']:.0f}s ({built['records']:,} records)")
        year = args.year
        measured = _child("measure", env, repeat=args.repeat, year=year)
        printed = _child("register", env, year=year)
        log(f"{backend}: register PDF of {printed['people']} people: {printed['seconds']:.1f}s "
            f"(cpu {printed['cpu_s']:.1f}s), "
            f"peak {printed['peak_mb']:.0f} MB, {printed['bytes'] / 1e6:.1f} MB of PDF")
        return {"backend": backend, **measured, "register": printed}
    finally:
        if made and not args.keep:
            asyncio.run(_pg_drop(made))
        if args.keep:
            log(f"{backend}: kept {url}")
        elif backend == "sqlite" and args.database is None:
            for path in work.glob("province.db*"):
                path.unlink()


def main(argv: list[str] | None = None) -> int:
    import datetime as dt

    parser = argparse.ArgumentParser(description="statistics at province scale")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=6_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--year", type=int, default=dt.date.today().year - 1,
                        help="the credit year the tables judge (default: last year, complete)")
    parser.add_argument("--pg-url", default=os.environ.get("PG_BENCH_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--database", help="measure an existing province (built with --keep) instead of building one")
    parser.add_argument("--keep", action="store_true", help="keep the built database")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return 0
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    results = [r for r in (run_backend(b, args) for b in backends) if r]
    print()
    for r in results:
        t = r["register"]
        print(f"{r['backend']}: unit {r['unit_ms']:.1f} ms (target {TARGETS['unit']:.0f}), province "
              f"{r['province_ms']:.1f} ms (target {TARGETS['province']:.0f}), person {r['person_ms']:.2f} ms "
              f"(target {TARGETS['person']:.0f}), register {t['seconds']:.1f} s / {t['peak_mb']:.0f} MB "
              f"(targets {TARGETS['register_s']:.0f} s / {TARGETS['register_mb']:.0f} MB)")
    for r in results:
        t = r["register"]
        print(f"statistics unit: {r['unit_ms']:.1f} ms median for one unit of {r['unit_people']} people by department")
        print(f"statistics province: {r['province_ms']:.1f} ms median for {r['province_people']} people by unit")
        print(f"statistics person: {r['person_ms']:.2f} ms median for one person's five years")
        print(f"register pdf: {t['seconds']:.1f} s and {t['peak_mb']:.0f} MB peak for {t['people']} people")
    return 0


if __name__ == "__main__":
    sys.exit(main())
