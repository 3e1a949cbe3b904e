"""People maintenance at hospital scale: a 5,000-row workbook import and the list of a 5,000-person unit.

    python -m bench.people [--backend sqlite|postgresql] [--rows 5000] [--requests 60]

A fresh database with the demo data, one real ``jijiao serve`` process, and then:

* ``unit1`` downloads the import template and fills ``--rows`` people across its departments
  (valid ID numbers, distinct phones), and uploads it; the time is the upload's round trip, the
  memory the server process's peak resident set (VmHWM, reset just before the upload through
  /proc/<pid>/clear_refs), so it includes what the server holds anyway;
* then the unit's list (now ``--rows`` + 46 people) one page of 20 at a time, random pages,
  ``--requests`` timed after a warm-up; the median round trip on localhost.

Targets (issue 14): import ≤ 30 s with ≤ 300 MB peak; a list page ≤ 50 ms. The last lines are
exactly the ones ../shared/BENCH.md names.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from openpyxl import load_workbook

from bench.checkins import HOST, Process, free_port, log, pg_create, pg_drop, run_checked, wait_ready
from server.services.idcard import make_id_number

DEPARTMENTS = ["内科", "外科", "儿科", "妇产科", "急诊科", "护理部", "检验科", "放射科"]
TITLES = [("主任医师", "内科学"), ("副主任医师", "外科学"), ("主治医师", "儿科学"), ("住院医师", "急诊医学"),
          ("主管护师", "护理学"), ("护师", "护理学"), ("主管技师", "临床医学检验"), ("技师", "放射医学")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows(count: int) -> list[list]:
    """``count`` distinct, valid people (ID numbers of 示范区 990103, phones 135…)."""
    out = []
    first = dt.date(1960, 1, 1)
    for i in range(count):
        birth = first + dt.timedelta(days=i // 5)
        title, specialty = TITLES[i % len(TITLES)]
        out.append([make_id_number("990103", birth, 800 + i % 5), f"测试{i:05d}", DEPARTMENTS[i % len(DEPARTMENTS)],
                    title, None, "2015-12-01", 2016, "在编" if i % 4 else "编外", "正常", f"135{i:08d}", specialty,
                    None, f"B{i:07d}", "是"])
    return out


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak(pid: int) -> bool:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def run(args: argparse.Namespace, workdir: Path) -> dict:
    if args.backend == "sqlite":
        database_url = f"sqlite:///{workdir / 'jijiao.db'}"
    else:
        database_url = asyncio.run(pg_create(args.pg_url))
        if database_url is None:
            raise SystemExit("PostgreSQL unreachable")
    env = dict(os.environ, JIJIAO_DATABASE_URL=database_url, JIJIAO_DATA_DIR=str(workdir / "data"),
               PYTHONUNBUFFERED="1")
    server = None
    try:
        run_checked([sys.executable, "-m", "server.cli", "demo"], env, "jijiao demo")
        port = free_port()
        server = Process("jijiao serve", [sys.executable, "-m", "server.cli", "serve", "--host", HOST, "--port",
                                          str(port)], env, workdir / "server.log").start()
        wait_ready(server, port, "/api/health")
        with httpx.Client(base_url=f"http://{HOST}:{port}", timeout=300) as client:
            token = client.post("/api/auth/login", json={"username": "unit1", "password": "Demo@2026"}).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            template = client.get("/api/people/template.xlsx", headers=headers)
            template.raise_for_status()
            book = load_workbook(io.BytesIO(template.content))
            for row in rows(args.rows):
                book["人员"].append(row)
            buffer = io.BytesIO()
            book.save(buffer)
            body = buffer.getvalue()
            log(f"{args.backend}: workbook of {args.rows} rows, {len(body) / 1024:.0f} KB; server idle at "
                f"{peak_mb(server.pid):.0f} MB peak")
            exact = reset_peak(server.pid)
            started = time.perf_counter()
            response = client.post("/api/people/import", headers=headers, files={"file": ("people.xlsx", body, XLSX)})
            seconds = time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"import answered {response.status_code}: {response.text[:500]}")
            peak = peak_mb(server.pid)
            log(f"{args.backend}: import {response.json()} in {seconds:.2f}s, peak {peak:.0f} MB"
                + ("" if exact else " (peak since start: clear_refs refused)"))

            total = client.get("/api/people", headers=headers, params={"page_size": 1}).json()["total"]
            pages = max(1, total // 20)
            rng = random.Random(14)
            times = []
            for i in range(args.requests + 10):
                page = rng.randint(1, pages)
                t0 = time.perf_counter()
                listed = client.get("/api/people", headers=headers, params={"page": page, "page_size": 20})
                elapsed = (time.perf_counter() - t0) * 1000
                listed.raise_for_status()
                if i >= 10:
                    times.append(elapsed)
            filtered = []
            for _ in range(20):
                t0 = time.perf_counter()
                client.get("/api/people", headers=headers, params={"title": "主治医师", "status": "正常",
                                                                   "page": 3}).raise_for_status()
                filtered.append((time.perf_counter() - t0) * 1000)
            log(f"{args.backend}: list of {total} people: median {statistics.median(times):.1f} ms, "
                f"p90 {sorted(times)[int(len(times) * 0.9)]:.1f} ms; filtered by title and status: median "
                f"{statistics.median(filtered):.1f} ms")
        return {"seconds": seconds, "peak": peak, "rows": args.rows, "list_ms": statistics.median(times),
                "unit": total}
    finally:
        if server is not None:
            server.stop()
        if args.backend == "postgresql" and database_url:
            asyncio.run(pg_drop(database_url))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--pg-url", default=os.environ.get("PG_BENCH_URL",
                                                           "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="jijiao-bench-people-") as tmp:
        result = run(args, Path(tmp))
    ok_import = result["seconds"] <= 30 and result["peak"] <= 300
    ok_list = result["list_ms"] <= 50
    print(f"target import ≤ 30 s and ≤ 300 MB: {'PASS' if ok_import else 'FAIL'}; "
          f"list page ≤ 50 ms: {'PASS' if ok_list else 'FAIL'}")
    print(f"people import: {result['seconds']:.2f} s and {result['peak']:.0f} MB peak for {result['rows']} rows")
    print(f"people list: {result['list_ms']:.1f} ms median for one page of a unit of {result['unit']} people")
    return 0


if __name__ == "__main__":
    sys.exit(main())
