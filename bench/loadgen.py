"""Closed-loop HTTP/1.1 load generators: httpx, and a much lighter raw one.

Both keep ``concurrency`` keep-alive connections busy until ``n`` requests are
done and time every request from first byte written to last byte read. The
raw client is a bare ``asyncio.Protocol`` (on uvloop when installed): the
benchmark client shares the machine's cores with the server, so every
microsecond it spends is one the server does not get.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable


def cpu_seconds_self() -> float:
    t = os.times()
    return t.user + t.system


def cpu_seconds_pid(pid: int) -> float:
    """utime + stime of one process from /proc (all its threads)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def cpu_seconds_threads(pid: int) -> dict[int, float]:
    """utime + stime per thread (tid) of one process, from /proc/<pid>/task."""
    ticks = os.sysconf("SC_CLK_TCK")
    result = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        result[int(tid)] = (int(fields[11]) + int(fields[12])) / ticks
    return result


def _processes():
    """(pid, command name, the stat fields after the name) of every process in /proc."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                raw = f.read()
        except OSError:
            continue
        yield int(entry), raw[raw.find("(") + 1:raw.rfind(")")], raw.rsplit(")", 1)[1].split()


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it (uvicorn's workers are children of its supervisor)."""
    children: dict[int, list[int]] = {}
    for child, _, fields in _processes():
        children.setdefault(int(fields[1]), []).append(child)
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def system_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already inside user
    return (total - idle) / ticks, total / ticks


def cpu_seconds_named(name: str) -> float:
    """utime + stime of every process whose command name is ``name`` (e.g. the PostgreSQL backends)."""
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(fields[11]) + int(fields[12]) for _, comm, fields in _processes() if comm == name) / ticks


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


@dataclass
class BurstResult:
    n: int
    concurrency: int
    client: str
    wall_s: float
    ok: int
    statuses: Counter = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    client_cpu_s: float = 0.0
    server_cpu_s: float | None = None
    # The server's event-loop (main) thread alone, and its busiest other thread.
    server_main_cpu_s: float | None = None
    server_other_threads_cpu_s: list[float] = field(default_factory=list)
    # Everything the machine did over the burst; minus server and client = other processes.
    system_busy_cpu_s: float = 0.0
    postgres_cpu_s: float = 0.0
    error_samples: list[str] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return self.ok / self.wall_s if self.wall_s else 0.0

    def summary(self) -> dict:
        lat = sorted(self.latencies_ms)
        return {
            "n": self.n, "concurrency": self.concurrency, "client": self.client,
            "wall_s": round(self.wall_s, 3), "ok": self.ok,
            "throughput_per_s": round(self.throughput, 1),
            "p50_ms": round(percentile(lat, 50), 2), "p90_ms": round(percentile(lat, 90), 2),
            "p99_ms": round(percentile(lat, 99), 2), "max_ms": round(lat[-1], 2) if lat else None,
            "errors": {str(k): v for k, v in self.statuses.items() if k not in (200, 201)},
            "statuses": {str(k): v for k, v in self.statuses.items()},
            "client_cpu_s": round(self.client_cpu_s, 3),
            "client_cores": round(self.client_cpu_s / self.wall_s, 2) if self.wall_s else None,
            "server_cpu_s": None if self.server_cpu_s is None else round(self.server_cpu_s, 3),
            "server_cores": None if self.server_cpu_s is None or not self.wall_s
            else round(self.server_cpu_s / self.wall_s, 2),
            "server_main_thread_cores": None if self.server_main_cpu_s is None or not self.wall_s
            else round(self.server_main_cpu_s / self.wall_s, 2),
            "server_other_threads_cores": [round(c / self.wall_s, 2) for c in self.server_other_threads_cpu_s
                                           if self.wall_s and c / self.wall_s >= 0.01],
            "machine_busy_cores": round(self.system_busy_cpu_s / self.wall_s, 2) if self.wall_s else None,
            "postgres_cores": round(self.postgres_cpu_s / self.wall_s, 2) if self.wall_s else None,
            # Everything else the machine ran meanwhile (other jobs on a shared box): noise.
            "other_processes_cores": None if self.server_cpu_s is None or not self.wall_s else round(
                max(0.0, self.system_busy_cpu_s - self.server_cpu_s - self.client_cpu_s - self.postgres_cpu_s)
                / self.wall_s, 2),
            "error_samples": self.error_samples[:5],
        }


class _Meter:
    """Wall time, client CPU and server CPU (whole process and per thread) over a burst."""

    def __init__(self, server_pid: int | None) -> None:
        self.server_pid = server_pid
        # Every process of the server (one, or a supervisor and its workers), taken at the start:
        # a worker's own event-loop thread has the worker's pid as its thread id.
        self.server_pids = process_tree(server_pid) if server_pid else []
        self.server_threads = self._threads()
        self.server = sum(cpu_seconds_pid(pid) for pid in self.server_pids)
        self.client = cpu_seconds_self()
        self.system = system_cpu()[0]
        self.postgres = cpu_seconds_named("postgres")
        self.started = time.perf_counter()

    def stop(self, result: "BurstResult") -> None:
        result.wall_s = time.perf_counter() - self.started
        result.client_cpu_s = cpu_seconds_self() - self.client
        result.system_busy_cpu_s = system_cpu()[0] - self.system
        result.postgres_cpu_s = cpu_seconds_named("postgres") - self.postgres
        if self.server_pid:
            result.server_cpu_s = sum(cpu_seconds_pid(pid) for pid in self.server_pids) - self.server
            after = self._threads()
            deltas = {tid: after[tid] - self.server_threads.get(tid, 0.0) for tid in after}
            # Event loops: each process's main thread (a supervisor's is idle).
            result.server_main_cpu_s = sum(deltas.pop(pid, 0.0) for pid in self.server_pids)
            result.server_other_threads_cpu_s = sorted(deltas.values(), reverse=True)

    def _threads(self) -> dict[int, float]:
        threads: dict[int, float] = {}
        for pid in self.server_pids:
            threads.update(cpu_seconds_threads(pid))
        return threads


# A request: (method, path, headers, body). Built lazily per request index so a
# rotating check-in code is read at send time.
RequestFactory = Callable[[int], tuple[str, str, dict[str, str], bytes]]


# -- raw asyncio client ----------------------------------------------------------


class _Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future | None = None
        self.header_end = -1
        self.total = -1
        self.status = 0

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.total < 0:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = bytes(self.buffer[:end]).split(b"\r\n")
            self.status = int(lines[0].split(b" ", 2)[1])
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"transfer-encoding":
                    self._fail(RuntimeError("chunked responses are not supported by the raw client"))
                    return
            self.header_end = end + 4
            self.total = self.header_end + length
        if len(self.buffer) >= self.total:
            body = bytes(self.buffer[self.header_end:self.total])
            del self.buffer[:self.total]
            self.total = -1
            waiter, self.waiter = self.waiter, None
            if waiter is not None and not waiter.done():
                waiter.set_result((self.status, body))

    def _fail(self, exc: BaseException) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)

    def connection_lost(self, exc) -> None:  # type: ignore[override]
        self.transport = None
        self._fail(exc or ConnectionError("connection closed"))

    async def request(self, data: bytes) -> tuple[int, bytes]:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        return await self.waiter


def _encode(host: str, method: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    if body or method in ("POST", "PUT", "PATCH"):
        head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def _connect(host: str, port: int) -> _Connection:
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_connection(_Connection, host, port)
    return protocol


async def burst_raw(host: str, port: int, n: int, concurrency: int, make: RequestFactory,
                    server_pid: int | None = None, warm_path: str = "/") -> BurstResult:
    result = BurstResult(n=n, concurrency=concurrency, client="raw", wall_s=0.0, ok=0)
    connections = [await _connect(host, port) for _ in range(concurrency)]
    authority = f"{host}:{port}"
    next_index = 0

    async def worker(connection: _Connection) -> None:
        nonlocal next_index
        while next_index < n:
            i = next_index
            next_index += 1
            data = _encode(authority, *make(i))
            started = time.perf_counter()
            try:
                status, body = await connection.request(data)
            except Exception as exc:  # noqa: BLE001 - a benchmark counts, it does not crash
                result.statuses["conn_error"] += 1
                result.error_samples.append(repr(exc))
                connection = await _connect(host, port)
                continue
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.statuses[status] += 1
            if status in (200, 201):
                result.ok += 1
            elif len(result.error_samples) < 5:
                result.error_samples.append(f"{status} {body[:200]!r}")

    meter = _Meter(server_pid)
    await asyncio.gather(*(worker(c) for c in connections))
    meter.stop(result)
    for c in connections:
        if c.transport is not None:
            c.transport.close()
    return result


# -- httpx client ----------------------------------------------------------------


async def burst_httpx(host: str, port: int, n: int, concurrency: int, make: RequestFactory,
                      server_pid: int | None = None, warm_path: str = "/") -> BurstResult:
    import httpx

    result = BurstResult(n=n, concurrency=concurrency, client="httpx", wall_s=0.0, ok=0)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=f"http://{host}:{port}", http1=True, http2=False,
                                 limits=limits, timeout=60) as client:
        # Open the pool before the clock starts, as the raw client does.
        await asyncio.gather(*(client.get(warm_path) for _ in range(concurrency)))
        next_index = 0

        async def worker() -> None:
            nonlocal next_index
            while next_index < n:
                i = next_index
                next_index += 1
                method, path, headers, body = make(i)
                started = time.perf_counter()
                try:
                    response = await client.request(method, path, headers=headers, content=body or None)
                except Exception as exc:  # noqa: BLE001
                    result.statuses["conn_error"] += 1
                    result.error_samples.append(repr(exc))
                    continue
                result.latencies_ms.append((time.perf_counter() - started) * 1000)
                result.statuses[response.status_code] += 1
                if response.status_code in (200, 201):
                    result.ok += 1
                elif len(result.error_samples) < 5:
                    result.error_samples.append(f"{response.status_code} {response.text[:200]}")

        meter = _Meter(server_pid)
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        meter.stop(result)
    return result


async def burst(kind: str, host: str, port: int, n: int, concurrency: int, make: RequestFactory,
                server_pid: int | None = None, warm_path: str = "/") -> BurstResult:
    runner = burst_raw if kind == "raw" else burst_httpx
    return await runner(host, port, n, concurrency, make, server_pid, warm_path)
