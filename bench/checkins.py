"""A burst of QR check-ins against a running jijiao server, beside its ceilings.

    python -m bench.checkins [--backend sqlite|postgresql|both] [--checkins N]
                             [--concurrency C] [--client raw|httpx] [--json out.json]
                             [--profile [py-spy|cprofile]]

For each backend it makes a fresh database (SQLite: a temp file; PostgreSQL: a
``CREATE DATABASE`` on ``--pg-url``, dropped afterwards, skipped with a message
when unreachable), loads ``jijiao demo``, adds N+W bench trainees of 示例第一医院
with live login sessions straight into the database (``bench/seed.py``: one
shared scrypt hash, tokens we choose, so no N logins), starts
``python -m server.cli serve`` (one process), and through the API logs in
dept1/unit1, creates a 2026 training, adds a session (now .. +2 h), submits
and approves it. W warm-up check-ins go first (their own trainees), then the
timed N, C at a time on keep-alive connections, while a side task refreshes
the rotating code every 10 s as dept1. Afterwards the database must hold
exactly one check-in, one pending credit and one credit event per trainee.

In the same run, with the same client, N and C: a bare Litestar ``/ping``
(``bench/bare_app.py``, served like ``jijiao serve``) and the raw aiosqlite
insert ceiling (``bench/raw_sqlite.py``, median of 3).

Targets (SQLite): >= 3000 check-ins/s, p99 < 50 ms, >= 60 % of the raw
aiosqlite one-row-per-transaction ceiling. The benchmark reports PASS/FAIL
and exits 0 unless ``--fail-on-target``.

CPU: utime+stime of the server process from /proc/<pid>/stat and of this
(client) process from os.times() over the timed burst; ~1.0 core means that
process was saturated. ``--profile`` attaches ``py-spy`` (``pip install
py-spy`` in the venv; deliberately not a project dependency) to the server
for the timed burst, or runs it under cProfile (``--profile cprofile``), and
prints the top hotspots.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import httpx

from bench import loadgen
from server.clock import CHINA

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PASSWORD = "Demo@2026"
TARGET_RATE = 3000.0
TARGET_P99_MS = 50.0
TARGET_RAW_RATIO = 0.60
CODE_REFRESH_S = 10.0


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# -- processes -------------------------------------------------------------------


class Process:
    """A child process we started and will stop again, by its pid only."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_path: Path) -> None:
        self.name, self.argv, self.env, self.log_path = name, argv, env, log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Process":
        self.log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.argv, env=self.env, cwd=ROOT, stdout=self.log_file,
                                     stderr=subprocess.STDOUT)
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig: int) -> None:
        if self.alive():
            os.kill(self.pid, sig)

    def stop(self, timeout: float = 15) -> None:
        if self.proc is None:
            return
        for sig, wait in ((signal.SIGINT, timeout), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            if self.proc.poll() is not None:
                break
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(wait)
            except subprocess.TimeoutExpired:
                continue
        self.log_file.close()

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def wait_ready(process: Process, port: int, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=f"http://{HOST}:{port}", timeout=2) as client:
        while time.monotonic() < deadline:
            if not process.alive():
                raise RuntimeError(f"{process.name} exited early:\n{process.tail()}")
            try:
                if client.get(path).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
    raise RuntimeError(f"{process.name} not ready on :{port}{path} after {timeout}s:\n{process.tail()}")


def run_checked(argv: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


# -- databases -------------------------------------------------------------------


def _pg_admin(pg_url: str) -> str:
    base, _, _ = pg_url.rpartition("/")
    return f"{base}/postgres"


async def pg_create(pg_url: str) -> str | None:
    import asyncpg

    name = f"jijiao_bench_{uuid.uuid4().hex[:10]}"
    try:
        conn = await asyncpg.connect(_pg_admin(pg_url), timeout=3)
    except (OSError, asyncpg.PostgresError, asyncio.TimeoutError) as exc:
        log(f"PostgreSQL unreachable at {_pg_admin(pg_url)} ({exc!r}): PostgreSQL SKIPPED")
        return None
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return f"{pg_url.rpartition('/')[0]}/{name}"


async def pg_drop(database_url: str) -> None:
    import asyncpg

    name = database_url.rpartition("/")[2]
    conn = await asyncpg.connect(_pg_admin(database_url), timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


_PG_STATS = ("xact_commit", "xact_rollback", "tup_returned", "tup_fetched", "tup_inserted", "tup_updated",
             "blks_read", "blks_hit")


# A backend flushes its counters at most once a second, and one that goes idle within a
# second of its last flush waits 10 s more (PostgreSQL 15's PGSTAT_IDLE_INTERVAL): a burst
# shorter than a second was read before its counters arrived (0.05 commits per check-in).
_PG_STATS_FLUSH = 11.0


async def pg_stats(database_url: str) -> dict:
    """This database's counters from pg_stat_database (see _PG_STATS_FLUSH for when they arrive)."""
    import asyncpg

    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow(f"SELECT {', '.join(_PG_STATS)} FROM pg_stat_database "
                                  "WHERE datname = current_database()")
        return dict(row)
    finally:
        await conn.close()


async def fetch_verification_rows(database_url: str, session_id: int, training_id: int) -> dict:
    checkins_sql = "SELECT person FROM checkin WHERE session = {}"
    credits_sql = ("SELECT id, person, status FROM credit WHERE training = {} AND source = 'attendance'")
    events_sql = ("SELECT credit FROM credit_event WHERE credit IN "
                  "(SELECT id FROM credit WHERE training = {} AND source = 'attendance')")
    if database_url.startswith("sqlite:///"):
        conn = sqlite3.connect(database_url[len("sqlite:///"):])
        try:
            q = lambda sql, arg: conn.execute(sql.replace("{}", "?"), (arg,)).fetchall()  # noqa: E731
            return {"checkins": q(checkins_sql, session_id), "credits": q(credits_sql, training_id),
                    "events": q(events_sql, training_id)}
        finally:
            conn.close()
    import asyncpg

    conn = await asyncpg.connect(database_url)
    try:
        q = lambda sql, arg: conn.fetch(sql.replace("{}", "$1"), arg)  # noqa: E731
        return {"checkins": [tuple(r) for r in await q(checkins_sql, session_id)],
                "credits": [tuple(r) for r in await q(credits_sql, training_id)],
                "events": [tuple(r) for r in await q(events_sql, training_id)]}
    finally:
        await conn.close()


_STORAGE_TABLES = ("checkin", "credit", "credit_event")


async def pg_storage(database_url: str) -> dict:
    """Bytes per row of the tables a check-in writes, indexes and TOAST included (docs/scale.md)."""
    import asyncpg

    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("VACUUM ANALYZE " + ", ".join(_STORAGE_TABLES))
        out = {}
        for table in _STORAGE_TABLES:
            rows = await conn.fetchval(f"SELECT count(*) FROM {table}")
            heap, total = await conn.fetchrow(
                "SELECT pg_relation_size($1::regclass), pg_total_relation_size($1::regclass)", table)
            out[table] = {"rows": rows, "heap_bytes_per_row": round(heap / rows) if rows else 0,
                          "total_bytes_per_row": round(total / rows) if rows else 0}
        return out
    finally:
        await conn.close()


def verify(rows: dict, measured: list[int], warm: list[int]) -> dict:
    """Exactly one check-in, one pending credit and one credit event per trainee."""
    expected = set(measured) | set(warm)
    checkins = Counter(r[0] for r in rows["checkins"])
    credits = Counter(r[1] for r in rows["credits"])
    pending = sum(1 for r in rows["credits"] if r[1] in set(measured) and r[2] == "pending_dept")
    events = Counter(r[0] for r in rows["events"])
    problems = []
    if set(checkins) != expected or any(v != 1 for v in checkins.values()):
        problems.append(f"check-ins: {sum(checkins.values())} rows for {len(checkins)} people, "
                        f"expected {len(expected)} (one each)")
    if set(credits) != expected or any(v != 1 for v in credits.values()):
        problems.append(f"credits: {sum(credits.values())} rows for {len(credits)} people, expected {len(expected)}")
    if pending != len(measured):
        problems.append(f"pending_dept credits of the measured trainees: {pending}, expected {len(measured)}")
    if len(events) != len(expected) or any(v != 1 for v in events.values()):
        problems.append(f"credit events: {sum(events.values())}, expected {len(expected)}")
    measured_set = set(measured)
    return {
        "ok": not problems, "problems": problems,
        "checkins_measured": sum(v for p, v in checkins.items() if p in measured_set),
        "pending_credits_measured": pending,
        "checkins_total": sum(checkins.values()), "credits_total": sum(credits.values()),
        "credit_events_total": sum(events.values()),
    }


# -- the API set-up ----------------------------------------------------------------


def api_setup(port: int) -> dict:
    with httpx.Client(base_url=f"http://{HOST}:{port}", timeout=30) as client:
        def login(username: str) -> dict:
            r = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
            r.raise_for_status()
            return {"Authorization": f"Bearer {r.json()['token']}"}

        dept, unit = login("dept1"), login("unit1")
        r = client.post("/api/trainings", headers=dept, json={
            "title": "压测：心电图判读进阶", "year": 2026, "credit_class": "II", "credits": 0.5, "hours": 2})
        assert r.status_code == 201, r.text
        training_id = r.json()["id"]
        start = dt.datetime.now(CHINA).replace(microsecond=0)
        r = client.post(f"/api/trainings/{training_id}/sessions", headers=dept, json={
            "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
            "location": "门诊楼三楼学术报告厅"})
        assert r.status_code == 201, r.text
        session_id = r.json()["id"]
        r = client.post(f"/api/trainings/{training_id}/submit", headers=dept)
        assert r.status_code == 200 and r.json()["status"] == "submitted", r.text
        r = client.post(f"/api/trainings/{training_id}/approve", headers=unit)
        assert r.status_code == 200 and r.json()["status"] == "approved", r.text
    return {"dept_headers": dept, "training_id": training_id, "session_id": session_id}


class CodeKeeper:
    """The session's current code, refreshed as dept1 every CODE_REFRESH_S seconds."""

    def __init__(self, port: int, headers: dict, session_id: int) -> None:
        self.url = f"http://{HOST}:{port}/api/sessions/{session_id}/qr"
        self.headers = headers
        self.code = ""
        self.refreshes = 0
        self._task: asyncio.Task | None = None
        self._client: httpx.AsyncClient | None = None

    async def refresh(self) -> None:
        assert self._client is not None
        r = await self._client.get(self.url, headers=self.headers)
        r.raise_for_status()
        self.code = r.json()["code"]
        self.refreshes += 1

    async def __aenter__(self) -> "CodeKeeper":
        self._client = httpx.AsyncClient(timeout=30)
        await self.refresh()

        async def loop() -> None:
            while True:
                await asyncio.sleep(CODE_REFRESH_S)
                try:
                    await self.refresh()
                except httpx.HTTPError as exc:  # keep the old code; it stays valid for another step
                    log(f"refreshing the check-in code failed: {exc!r}")

        self._task = asyncio.create_task(loop())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None and self._client is not None
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        await self._client.aclose()


# -- profiling ------------------------------------------------------------------------


class Probes:
    """Profiler (py-spy or cProfile) and/or instruments around the timed burst."""

    def __init__(self, kind: str | None, workdir: Path, native: bool = False, instrument: bool = False) -> None:
        self.kind = kind
        self.native = native
        self.instrument = instrument
        self.workdir = workdir
        self.cprofile_out = workdir / "server.prof"
        self.pyspy_out = workdir / "pyspy.txt"
        self.instrument_out = workdir / "instruments.json"
        self.spy: Process | None = None

    @property
    def signalled(self) -> bool:
        return self.kind == "cprofile" or self.instrument

    server_module = "server.cli"

    def server_argv(self, serve_args: list[str]) -> list[str]:
        if not self.signalled:
            return [sys.executable, "-m", self.server_module, "serve", *serve_args]
        options = []
        if self.kind == "cprofile":
            options += ["--cprofile", str(self.cprofile_out)]
        if self.instrument:
            options += ["--instrument", str(self.instrument_out)]
        # A what-if --server-module gets probe_serve's options and must hand them on to it.
        module = "bench.probe_serve" if self.server_module == "server.cli" else self.server_module
        return [sys.executable, "-m", module, *options, "serve", *serve_args]

    def start(self, server: Process) -> None:
        if self.kind == "py-spy":
            spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
            # --native (C frames: uvloop, sqlite3, the GIL) needs to pause the process per sample.
            mode = ["--native"] if self.native else ["--nonblocking"]
            self.spy = Process("py-spy", [spy, "record", "--pid", str(server.pid), "--rate",
                                          "50" if self.native else "250", *mode,
                                          "--threads", "--format", "raw", "-o", str(self.pyspy_out)],
                               dict(os.environ), self.workdir / "pyspy.log").start()
            time.sleep(1.0)  # let it attach before the clock starts
        if self.signalled:
            server.signal(signal.SIGUSR1)

    def stop(self, server: Process) -> dict:
        found: dict = {}
        if self.signalled:
            server.signal(signal.SIGUSR2)
            wanted = [p for p, on in ((self.cprofile_out, self.kind == "cprofile"),
                                      (self.instrument_out, self.instrument)) if on]
            for _ in range(100):
                if all(p.exists() and p.stat().st_size for p in wanted):
                    break
                time.sleep(0.1)
            time.sleep(0.3)
            if self.kind == "cprofile":
                found["profile"] = summarise_cprofile(self.cprofile_out)
            if self.instrument:
                found["instruments"] = json.loads(self.instrument_out.read_text())
        if self.kind == "py-spy" and self.spy is not None:
            self.spy.stop(timeout=30)
            if self.pyspy_out.exists():
                found["profile"] = summarise_pyspy(self.pyspy_out)
            else:
                log(f"py-spy wrote nothing:\n{self.spy.tail()}")
        return found


def _frame_key(frame: str) -> str:
    # "function (path/to/file.py:123)" -> "function (to/file.py)"
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    parts = path.split("/")
    if "site-packages" in parts:
        path = "/".join(parts[parts.index("site-packages") + 1:])
    elif "server" in parts or "bench" in parts or "qr" in parts:
        anchor = max(i for i, p in enumerate(parts) if p in ("server", "bench", "qr"))
        path = "/".join(parts[anchor:])
    else:
        path = "/".join(parts[-2:])
    return f"{name} ({path})"


def summarise_pyspy(path: Path, top: int = 15) -> dict:
    """Self and inclusive sample shares from py-spy's raw (collapsed) output."""
    total = 0
    by_thread: Counter = Counter()
    self_main: Counter = Counter()
    incl_main: Counter = Counter()
    main_total = 0
    main_thread: str | None = None
    thread_stacks: dict[str, Counter] = defaultdict(Counter)
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")
        thread = frames[0] if frames[0].startswith(("thread", "process")) else "?"
        if thread.startswith("process") and len(frames) > 1 and frames[1].startswith("thread"):
            thread = frames[1]
        frames = [f for f in frames if not f.startswith(("thread", "process"))]
        total += n
        by_thread[thread] += n
        thread_stacks[thread][frames[0] if frames else ""] += n
    # The event-loop thread is the one whose stacks start in uvicorn/cli main.
    for thread, roots in thread_stacks.items():
        if any("<module>" in r or "main" in r.split(" ")[0] for r in roots):
            if main_thread is None or by_thread[thread] > by_thread[main_thread]:
                main_thread = thread
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")
        head = [f for f in frames[:2] if f.startswith(("thread", "process"))]
        thread = head[-1] if head else "?"
        if thread != main_thread:
            continue
        frames = [_frame_key(f) for f in frames if not f.startswith(("thread", "process"))]
        if not frames:
            continue
        main_total += n
        self_main[frames[-1]] += n
        for f in set(frames):
            incl_main[f] += n

    def pct(c: int, d: int) -> float:
        return round(100 * c / d, 1) if d else 0.0

    return {
        "tool": "py-spy", "samples": total, "main_thread": main_thread,
        "threads": [{"thread": t, "share_pct": pct(c, total)} for t, c in by_thread.most_common()],
        "self_top": [{"function": f, "pct": pct(c, main_total)} for f, c in self_main.most_common(top)],
        "inclusive_top": [{"function": f, "pct": pct(c, main_total)} for f, c in incl_main.most_common(top * 3)],
    }


def summarise_cprofile(path: Path, top: int = 15) -> dict:
    import pstats

    stats = pstats.Stats(str(path))
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = []
    for (file, line, name), (cc, nc, tt, ct, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((f"{name} ({_frame_key('x (' + file + ':1)').split(' (')[1]}", nc, tt, ct))

    def pct(x: float) -> float:
        return round(100 * x / total, 1) if total else 0.0

    return {
        "tool": "cProfile", "total_s": round(total, 3),
        "self_top": [{"function": f, "calls": nc, "pct": pct(tt)}
                     for f, nc, tt, ct in sorted(rows, key=lambda r: -r[2])[:top]],
        "inclusive_top": [{"function": f, "calls": nc, "pct": pct(ct)}
                          for f, nc, tt, ct in sorted(rows, key=lambda r: -r[3])[:top * 3]],
    }


# -- one backend ----------------------------------------------------------------------


def checkin_factory(tokens: list[str], session_id: int, keeper: CodeKeeper):  # type: ignore[no-untyped-def]
    def make(i: int) -> tuple[str, str, dict[str, str], bytes]:
        body = json.dumps({"session_id": session_id, "code": keeper.code}).encode()
        return ("POST", "/api/checkins",
                {"Authorization": f"Bearer {tokens[i]}", "Content-Type": "application/json"}, body)
    return make


def run_backend(backend: str, args: argparse.Namespace, workdir: Path, workers: int = 1,
                raw_pg: dict | None = None) -> dict | None:
    """One burst against a fresh database served by ``workers`` processes (PostgreSQL only
    for more than one); the raw asyncpg ceiling is measured on the first PostgreSQL run and
    handed to the next ones (``raw_pg``)."""
    n, warm = args.checkins, args.warmup
    if backend == "sqlite":
        database_url = f"sqlite:///{workdir / 'jijiao.db'}"  # absolute path: sqlite:////tmp/...
    else:
        created = asyncio.run(pg_create(args.pg_url))
        if created is None:
            return {"backend": backend, "skipped": "PostgreSQL unreachable"}
        database_url = created
    env = dict(os.environ, JIJIAO_DATABASE_URL=database_url, JIJIAO_DATA_DIR=str(workdir / "data"),
               PYTHONUNBUFFERED="1")
    env.pop("JIJIAO_BASE_URL", None)
    server: Process | None = None
    profiler = Probes(args.profile, workdir, native=args.native, instrument=args.instrument)
    profiler.server_module = args.server_module
    try:
        log(f"{backend}: {database_url}, {workers} worker(s)")
        if backend == "postgresql" and raw_pg is None:
            raw_pg = run_raw_pg(args, database_url, env)
        started = time.perf_counter()
        run_checked([sys.executable, "-m", "server.cli", "demo"], env, "jijiao demo")
        tokens_path = workdir / "tokens.json"
        spare = args.components if workers == 1 else 0
        log(run_checked([sys.executable, "-m", "bench.seed", "--count", str(n + warm + spare),
                         "--out", str(tokens_path)], env, "bench.seed"))
        seeded = json.loads(tokens_path.read_text())
        port = free_port()
        serve_args = ["--host", HOST, "--port", str(port), *(["--workers", str(workers)] if workers > 1 else [])]
        server = Process(f"jijiao serve ({backend})", profiler.server_argv(serve_args), env,
                         workdir / "server.log").start()
        wait_ready(server, port, "/api/health")
        setup = api_setup(port)
        log(f"{backend}: demo + {n + warm + spare} trainees + server + training/session ready in "
            f"{time.perf_counter() - started:.1f}s (training {setup['training_id']}, "
            f"session {setup['session_id']})")

        pg_counters: dict = {}

        async def bursts() -> tuple[loadgen.BurstResult, loadgen.BurstResult, int]:
            async with CodeKeeper(port, setup["dept_headers"], setup["session_id"]) as keeper:
                warm_tokens, timed_tokens = seeded["tokens"][:warm], seeded["tokens"][warm:warm + n]
                warm_result = await loadgen.burst(
                    args.client, HOST, port, warm, max(1, min(args.concurrency, warm)),
                    checkin_factory(warm_tokens, setup["session_id"], keeper), warm_path="/api/health")
                await asyncio.sleep(0.5)
                if backend == "postgresql":
                    await asyncio.sleep(_PG_STATS_FLUSH)
                    stats_before = await pg_stats(database_url)
                profiler.start(server)
                timed = await loadgen.burst(
                    args.client, HOST, port, n, args.concurrency,
                    checkin_factory(timed_tokens, setup["session_id"], keeper), server_pid=server.pid,
                    warm_path="/api/health")
                if backend == "postgresql":
                    await asyncio.sleep(_PG_STATS_FLUSH)
                    after = await pg_stats(database_url)
                    # The two pg_stats connections themselves add a commit or two.
                    pg_counters.update({k: round((after[k] - stats_before[k]) / n, 2) for k in _PG_STATS})
                return warm_result, timed, keeper.refreshes

        warm_result, timed, refreshes = run_async(bursts())
        probes = profiler.stop(server)
        rows = asyncio.run(fetch_verification_rows(database_url, setup["session_id"], setup["training_id"]))
        check = verify(rows, seeded["person_ids"][warm:warm + n], seeded["person_ids"][:warm])
        storage = asyncio.run(pg_storage(database_url)) if backend == "postgresql" else None
        components = None
        if spare:
            server.stop()  # one writer: the pieces are timed with the server down
            components = json.loads(run_checked(
                [sys.executable, "-m", "bench.components", "--tokens", str(tokens_path), "--offset",
                 str(warm + n), "--count", str(spare), "--session", str(setup["session_id"])],
                env, "bench.components").splitlines()[-1])
        summary = timed.summary()
        log(f"{backend}: {summary['ok']}/{n} check-ins in {summary['wall_s']}s = "
            f"{summary['throughput_per_s']}/s, p50 {summary['p50_ms']} ms, p99 {summary['p99_ms']} ms, "
            f"server {summary['server_cores']} cores (event loop {summary['server_main_thread_cores']}, "
            f"other threads {summary['server_other_threads_cores']}), client {summary['client_cores']} cores; "
            f"verified: {'OK' if check['ok'] else check['problems']}")
        return {"backend": backend, "workers": workers, "database_url": database_url, "checkins": summary,
                **({"raw_asyncpg": raw_pg} if raw_pg else {}),
                **({"storage": storage} if storage else {}),
                "warmup": {"n": warm, "ok": warm_result.ok,
                           "errors": warm_result.summary()["errors"]},
                "code_refreshes": refreshes, "verify": check,
                **({"pg_stat_database_per_checkin": pg_counters} if pg_counters else {}),
                **({"components": components} if components else {}), **probes}
    finally:
        if server is not None:
            server.stop()
        if backend == "postgresql" and database_url.startswith("postgresql"):
            try:
                asyncio.run(pg_drop(database_url))
            except Exception as exc:  # noqa: BLE001
                log(f"could not drop {database_url}: {exc!r}")


def run_async(coroutine):  # type: ignore[no-untyped-def]
    """The client loop on uvloop when installed: a lighter client leaves more CPU to the server."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


# -- the ceilings -------------------------------------------------------------------


def run_bare(args: argparse.Namespace, workdir: Path, clients: list[str]) -> dict:
    port = free_port()
    server = Process("bare litestar", [sys.executable, "-m", "bench.bare_app", "--host", HOST, "--port", str(port)],
                     dict(os.environ), workdir / "bare.log").start()
    results = {}
    try:
        wait_ready(server, port, "/ping")
        make = lambda i: ("GET", "/ping", {}, b"")  # noqa: E731
        # warm-up
        run_async(loadgen.burst("raw", HOST, port, min(500, args.checkins), args.concurrency, make))
        for client in clients:
            # The benchmark's own client does the same N as the check-ins; another client is only a
            # reference for "is the client the bottleneck" (httpx at C=64 is slow), so at most 1000.
            count = args.checkins if client == args.client else min(args.checkins, 1000)
            r = run_async(loadgen.burst(client, HOST, port, count, args.concurrency, make,
                                        server_pid=server.pid, warm_path="/ping"))
            results[client] = r.summary()
            s = results[client]
            log(f"bare /ping ({client} client): {s['throughput_per_s']}/s, p50 {s['p50_ms']} ms, "
                f"p99 {s['p99_ms']} ms, server {s['server_cores']} cores, client {s['client_cores']} cores")
    finally:
        server.stop()
    return results


def run_raw_pg(args: argparse.Namespace, database_url: str, env: dict[str, str]) -> dict:
    """The raw asyncpg per-row ceiling (bench/raw_pg.py) in the bench database, before the server starts."""
    runs = [json.loads(run_checked([sys.executable, "-m", "bench.raw_pg", "--database-url", database_url,
                                    "--n", str(args.checkins), "--concurrency", str(args.concurrency)],
                                   env, "bench.raw_pg").splitlines()[-1])["per_row_tx"]
            for _ in range(args.raw_repeats)]
    rates = [r["per_s"] for r in runs]
    result = {**runs[0], "per_s": round(statistics.median(rates), 1), "per_s_min": min(rates),
              "per_s_max": max(rates), "p99_ms": statistics.median(r["p99_ms"] for r in runs)}
    log(f"raw asyncpg (median of {args.raw_repeats}): one row per tx {result['per_s']}/s "
        f"[{result['per_s_min']}..{result['per_s_max']}], p99 {result['p99_ms']} ms")
    return result


def run_raw(args: argparse.Namespace, workdir: Path) -> dict:
    runs = []
    env = dict(os.environ, TMPDIR=str(workdir))  # same filesystem as the SQLite benchmark database
    for _ in range(args.raw_repeats):
        out = run_checked([sys.executable, "-m", "bench.raw_sqlite", "--n", str(args.checkins),
                           "--concurrency", str(args.concurrency)], env, "bench.raw_sqlite")
        runs.append(json.loads(out.splitlines()[-1]))
    result = {}
    for variant in runs[0]:
        rates = [r[variant]["per_s"] for r in runs]
        result[variant] = {**runs[0][variant], "per_s": round(statistics.median(rates), 1),
                           "per_s_min": min(rates), "per_s_max": max(rates),
                           "cpu_cores": statistics.median(r[variant]["cpu_cores"] for r in runs)}
    r = result["per_row_tx"]
    log(f"raw aiosqlite (median of {args.raw_repeats}): one row per tx {r['per_s']}/s "
        f"[{r['per_s_min']}..{r['per_s_max']}], batched {result['batched']['per_s']}/s, "
        f"one trip {result['trip_latency']['us_per_trip']} us")
    return result


# -- report ---------------------------------------------------------------------------


def machine() -> dict:
    model = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for package in ("litestar", "piccolo", "uvicorn", "aiosqlite", "asyncpg", "httpx", "uvloop", "httptools"):
        try:
            from importlib.metadata import version
            versions[package] = version(package)
        except Exception:  # noqa: BLE001
            versions[package] = None
    return {"cpus": os.cpu_count(), "cpu_model": model, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "platform": platform.platform(), "packages": versions}


def verdicts(result: dict) -> list[tuple[str, bool, str]]:
    sqlite_run = next((r for r in result["backends"] if r["backend"] == "sqlite" and "checkins" in r), None)
    if sqlite_run is None:
        return []
    c = sqlite_run["checkins"]
    raw = result["raw_aiosqlite"]["per_row_tx"]["per_s"]
    ratio = c["throughput_per_s"] / raw if raw else 0.0
    return [
        (f"throughput >= {TARGET_RATE:.0f}/s", c["throughput_per_s"] >= TARGET_RATE, f"{c['throughput_per_s']:.0f}/s"),
        (f"p99 < {TARGET_P99_MS:.0f} ms", c["p99_ms"] < TARGET_P99_MS, f"{c['p99_ms']:.1f} ms"),
        (f">= {TARGET_RAW_RATIO:.0%} of raw aiosqlite", ratio >= TARGET_RAW_RATIO,
         f"{ratio:.0%} of {raw:.0f}/s"),
        ("correct (N check-ins, N pending credits)", sqlite_run["verify"]["ok"],
         f"{sqlite_run['verify']['checkins_measured']} / {sqlite_run['verify']['pending_credits_measured']}"),
    ]


def print_report(result: dict) -> None:
    m = result["machine"]
    print()
    print(f"jijiao check-in benchmark - {m['cpus']} CPU ({m['cpu_model']}), Python {m['python']}, "
          f"SQLite {m['sqlite']}, client={result['args']['client']}")
    header = (f"{'backend':<11}{'N':>6}{'C':>5}  {'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
              f"  {'errors':<14}{'srv cores':>10}{'loop':>6}{'cli cores':>10}{'pg':>6}{'others':>7}  verified")
    print(header)
    print("-" * len(header))
    for r in result["backends"]:
        if "skipped" in r:
            print(f"{r['backend']:<11}  SKIPPED: {r['skipped']}")
            continue
        c = r["checkins"]
        errors = ",".join(f"{k}:{v}" for k, v in c["errors"].items()) or "0"
        print(f"{_label(r):<11}{c['n']:>6}{c['concurrency']:>5}  {c['throughput_per_s']:>9.0f}{c['p50_ms']:>9.1f}"
              f"{c['p99_ms']:>9.1f}{c['max_ms']:>9.1f}  {errors:<14}{c['server_cores']:>10}"
              f"{c['server_main_thread_cores']:>6}{c['client_cores']:>10}{c['postgres_cores']:>6}"
              f"{c['other_processes_cores']:>7}"
              f"  {'OK' if r['verify']['ok'] else 'FAILED: ' + '; '.join(r['verify']['problems'])}")
    for client, b in result["bare_litestar"].items():
        errors = ",".join(f"{k}:{v}" for k, v in b["errors"].items()) or "0"
        print(f"{'bare /ping':<11}{b['n']:>6}{b['concurrency']:>5}  {b['throughput_per_s']:>9.0f}{b['p50_ms']:>9.1f}"
              f"{b['p99_ms']:>9.1f}{b['max_ms']:>9.1f}  {errors:<14}{b['server_cores']:>10}"
              f"{b['server_main_thread_cores']:>6}{b['client_cores']:>10}{b['postgres_cores']:>6}"
              f"{b['other_processes_cores']:>7}"
              f"  ({client} client)")
    raw = result["raw_aiosqlite"]
    print()
    print(f"raw aiosqlite, one connection, WAL + synchronous=NORMAL, C={result['args']['concurrency']} tasks "
          f"(median of {result['args']['raw_repeats']}):")
    for name, r in raw.items():
        extra = f"{r['us_per_trip']} us/trip" if name == "trip_latency" else \
            f"[{r['per_s_min']:.0f}..{r['per_s_max']:.0f}], {r['trips_per_row']} trips/row"
        print(f"  {name:<22}{r['per_s']:>10.0f}/s  {extra}, {r['cpu_cores']} cores")
    ceiling_shown = False
    for r in result["backends"]:
        # One ceiling, measured on the first PostgreSQL run and handed to the others.
        if r.get("raw_asyncpg") and not ceiling_shown:
            ceiling_shown = True
            g = r["raw_asyncpg"]
            print(f"raw asyncpg, one pool of 20, C={result['args']['concurrency']} tasks, one row per transaction "
                  f"(median of {result['args']['raw_repeats']}): {g['per_s']:.0f}/s "
                  f"[{g['per_s_min']:.0f}..{g['per_s_max']:.0f}], p99 {g['p99_ms']} ms, client {g['client_cores']} cores")
        if r.get("storage"):
            print(f"{_label(r)}: storage after the burst (bytes per row, with indexes): " + ", ".join(
                f"{t} {v['total_bytes_per_row']} ({v['heap_bytes_per_row']} heap, {v['rows']} rows)"
                for t, v in r["storage"].items()))
        if r.get("pg_stat_database_per_checkin"):
            print()
            print(f"{_label(r)}: pg_stat_database per check-in (timed burst): " + ", ".join(
                f"{k} {v}" for k, v in r["pg_stat_database_per_checkin"].items()))
        if r.get("components"):
            print()
            c = r["checkins"]
            loop_us = c["server_main_thread_cores"] * c["wall_s"] / c["n"] * 1e6 if c["server_main_thread_cores"] else 0
            print(f"{r['backend']}: one check-in piece by piece, one at a time, server stopped "
                  f"(under load the event loop spent {loop_us:.0f} us CPU per check-in):")
            print(f"  {'piece':<40}{'wall us':>9}{'loop CPU us':>13}{'thread trips':>14}")
            for name, p in r["components"].items():
                print(f"  {name:<40}{p['wall_us']:>9}{p['loop_cpu_us']:>13}{p['trips']:>14}")
        if r.get("instruments"):
            print_instruments(r["backend"], r["instruments"], r["checkins"]["n"])
        if r.get("profile"):
            print_profile(r["backend"], r["profile"], r["checkins"]["n"])
    runs = [r for r in result["backends"] if "checkins" in r and r.get("raw_asyncpg")]
    if runs:
        print()
        print("PostgreSQL, workers side by side (CPU cores each part used during the timed burst):")
    for r in runs:
        c, ceiling = r["checkins"], r["raw_asyncpg"]["per_s"]
        per = 1000 / c["throughput_per_s"] if c["throughput_per_s"] else 0
        print(f"  {r['workers']} worker(s): {c['throughput_per_s']:.0f} check-ins/s "
              f"({c['throughput_per_s'] / ceiling:.0%} of {ceiling:.0f}/s), p50 {c['p50_ms']:.1f} ms, "
              f"p99 {c['p99_ms']:.1f} ms; app {c['server_cores']} cores (event loops "
              f"{c['server_main_thread_cores']}) = {c['server_cores'] * per:.2f} ms CPU per check-in, "
              f"PostgreSQL {c['postgres_cores']} cores = {c['postgres_cores'] * per:.2f} ms, "
              f"load client {c['client_cores']} cores, others {c['other_processes_cores']}")
    print_summary_lines(result)


def print_summary_lines(result: dict) -> None:
    """The lines outside checks parse (../shared/BENCH.md), last, with nothing after them."""
    raw = result["raw_aiosqlite"]
    print()
    for r in result["backends"]:
        if "checkins" in r and r["backend"] == "sqlite":
            ratio = r["checkins"]["throughput_per_s"] / raw["per_row_tx"]["per_s"]
            print(f"  ratio check-ins/raw per_row_tx ({r['backend']}): {ratio:.0%}")
    for name, ok, value in result["verdicts"]:
        print(f"  {'PASS' if ok else 'FAIL'}  {name:<45} {value}")
    runs = [r for r in result["backends"] if "checkins" in r and r.get("raw_asyncpg")]
    if runs:
        # The exact last line (../shared/BENCH.md) is the best of the worker counts run.
        best = max(runs, key=lambda r: r["checkins"]["throughput_per_s"])
        c, ceiling = best["checkins"], best["raw_asyncpg"]["per_s"]
        print(f"postgresql: {c['throughput_per_s']:.0f} check-ins/s = {c['throughput_per_s'] / ceiling:.0%} "
              f"of raw asyncpg per-row ceiling ({ceiling:.0f}/s), p99 {c['p99_ms']:.1f} ms")


def print_instruments(backend: str, found: dict, n: int) -> None:
    print()
    print(f"instruments, {backend} server, timed burst ({found['window_s']} s, {n} check-ins):")
    print(f"  {'':<18}{'count':>8}{'per check-in':>14}{'mean ms':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
          f"{'total s':>9}")
    for key, label in (("writer_trips", "writer trips"), ("reader_trips", "reader trips"),
                       ("write_lock_wait", "write lock wait"), ("write_lock_hold", "write lock held"),
                       ("loop_lag", "event-loop lag")):
        st = found.get(key, {})
        if not st.get("count"):
            print(f"  {label:<18}{0:>8}")
            continue
        per = "" if key == "loop_lag" else f"{st['count'] / n:.2f}"
        print(f"  {label:<18}{st['count']:>8}{per:>14}{st['mean_ms']:>9}{st['p50_ms']:>9}{st['p99_ms']:>9}"
              f"{st['max_ms']:>9}{st['total_s']:>9}")
    group = found.get("group_commit") or {}
    if group.get("batches"):
        d = group["duration"]
        print(f"  group commit: {group['batches']} batches for {group['programs']} programs "
              f"(mean {group['mean_batch']}, max {group['max_batch']} per batch); batch transaction "
              f"mean {d['mean_ms']} ms, p99 {d['p99_ms']} ms, total {d['total_s']} s")


_BOILERPLATE = ("<frozen runpy>", "server/cli.py", "uvicorn/main.py", "uvicorn/server.py", "uvicorn/_compat.py",
                "asyncio/runners.py", "bench/probe_serve.py", "(loop.c)", "(core.c)", "(object.h)", "(queue.h)",
                "(loop-watcher.c)", "(libc.so")


def print_profile(backend: str, profile: dict, n: int) -> None:
    print()
    if profile["tool"] == "py-spy":
        print(f"py-spy, {backend} server during the timed burst: {profile['samples']} samples; threads: " +
              ", ".join(f"{t['thread']} {t['share_pct']}%" for t in profile["threads"][:6]))
        print(f"  event-loop thread {profile['main_thread']}: top self time "
              "(self time in Runner.run is uvloop's C code: socket I/O, epoll, thread hand-offs)")
    else:
        print(f"cProfile, {backend} server event loop during the timed burst ({profile['total_s']} s profiled): "
              "top self time (per check-in counts are exact for functions; for coroutines they count "
              "resumptions)")
    def calls(row: dict) -> str:
        return f"{row['calls'] / n:>7.2f}/check-in  " if "calls" in row else ""

    for row in profile["self_top"][:15]:
        print(f"    {row['pct']:>5.1f}%  {calls(row)}{row['function']}")
    print("  inclusive (boilerplate frames left out):")
    shown = 0
    for row in profile["inclusive_top"]:
        if shown >= 25:
            break
        if any(b in row["function"] for b in _BOILERPLATE):
            continue
        print(f"    {row['pct']:>5.1f}%  {calls(row)}{row['function']}")
        shown += 1


def _worker_counts(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def _label(r: dict) -> str:
    workers = r.get("workers", 1)
    return r["backend"] if r["backend"] == "sqlite" else f"pg x{workers}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.checkins", description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--checkins", "-n", type=int, default=3000, help="timed check-ins (distinct trainees)")
    parser.add_argument("--concurrency", "-c", type=int, default=64, help="concurrent keep-alive connections")
    parser.add_argument("--warmup", type=int, default=200, help="check-ins by other trainees before the clock")
    parser.add_argument("--components", type=int, default=300,
                        help="after the burst, time each piece of a check-in this many times, one at a time, "
                             "with the server stopped (bench/components.py); 0 to skip")
    parser.add_argument("--client", choices=["raw", "httpx"], default="raw",
                        help="load generator: raw asyncio HTTP/1.1 (light) or httpx.AsyncClient")
    parser.add_argument("--bare-clients", default="raw,httpx",
                        help="clients to run the bare /ping with (comma-separated)")
    parser.add_argument("--raw-repeats", type=int, default=3)
    parser.add_argument("--pg-url", default=os.environ.get("PG_BENCH_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
                        help="PostgreSQL server to CREATE/DROP a bench database on")
    parser.add_argument("--profile", nargs="?", const="py-spy", choices=["py-spy", "cprofile"], default=None,
                        help="profile the server during the timed burst")
    parser.add_argument("--native", action="store_true",
                        help="with --profile py-spy: sample C frames too (slower: pauses the server per sample)")
    parser.add_argument("--instrument", action="store_true",
                        help="time aiosqlite trips, the SQLite writer lock and event-loop lag in the server "
                             "during the timed burst (bench/probe_serve.py)")
    parser.add_argument("--server-module", default="server.cli",
                        help="what-if experiments: run `python -m MODULE serve ...` instead of server.cli "
                             "(a wrapper that patches something, then calls server.cli.main, or "
                             "bench.probe_serve.main when given --instrument/--cprofile options)")
    parser.add_argument("--pg-workers", default="1,2",
                        help="PostgreSQL: `jijiao serve --workers` counts to run side by side (comma-separated)")
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the temp directory (logs, SQLite file)")
    parser.add_argument("--fail-on-target", action="store_true", help="exit 1 when a SQLite target is missed")
    args = parser.parse_args(argv)
    if args.profile == "py-spy" and not (shutil.which("py-spy") or (Path(sys.executable).parent / "py-spy").exists()):
        parser.error("py-spy not found: `pip install py-spy` in the venv (not a project dependency), "
                     "or use --profile cprofile")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    clients = [c for c in dict.fromkeys([args.client, *args.bare_clients.split(",")]) if c]

    workdir = Path(tempfile.mkdtemp(prefix="jijiao-bench-"))
    started = time.perf_counter()
    result: dict = {"when": dt.datetime.now(dt.timezone.utc).isoformat(), "machine": machine(),
                    "args": vars(args), "backends": []}
    try:
        result["bare_litestar"] = run_bare(args, workdir, clients)
        result["raw_aiosqlite"] = run_raw(args, workdir)
        for backend in backends:
            raw_pg = None
            for workers in (_worker_counts(args.pg_workers) if backend == "postgresql" else [1]):
                backend_dir = workdir / f"{backend}-{workers}"
                backend_dir.mkdir()
                r = run_backend(backend, args, backend_dir, workers, raw_pg)
                if r is not None:
                    result["backends"].append(r)
                    raw_pg = r.get("raw_asyncpg")
                    if "skipped" in r:
                        break
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    result["verdicts"] = verdicts(result)
    result["elapsed_s"] = round(time.perf_counter() - started, 1)
    log(f"total {result['elapsed_s']} s")
    print_report(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    if args.fail_on_target and not all(ok for _, ok, _ in result["verdicts"]):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
