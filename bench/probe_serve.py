"""``jijiao serve`` with probes the benchmark switches on for the timed burst only.

    python -m bench.probe_serve [--cprofile OUT.prof] [--instrument OUT.json] serve --port P ...

runs ``server.cli`` unchanged, after patching (in this process only, nothing in
server/ is edited):

* ``--cprofile``: cProfile on the event-loop thread. cProfile sees only that
  thread; SQLite itself runs on aiosqlite's worker threads (py-spy sees those).
* ``--instrument``: wall-clock timers around

  - every trip to a connection's thread and back (aiosqlite's
    ``Connection._execute``, or ``server.db.ThreadConnection.call`` when the
    engine has its own threads), split into writer and readers;
  - group commits (``server.db._run_batch``, when it exists): batch sizes
    and how long each batch transaction takes on the writer thread;
  - the SQLite engine's writer lock: time waiting for it and time holding it
    (a whole check-in write transaction is held under it);
  - event-loop lag: how long a ``call_soon`` callback waits to run, sampled
    every 5 ms - every trip's result waits this long before the awaiting
    coroutine resumes.

SIGUSR1 starts, SIGUSR2 stops and writes the files. Overhead: a couple of
``perf_counter`` calls per trip.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import signal
import sys
import time


def _stats(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    ordered = sorted(values)

    def q(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000, 3)

    return {"count": len(values), "total_s": round(sum(values), 3),
            "mean_ms": round(sum(values) / len(values) * 1000, 3),
            "p50_ms": q(50), "p90_ms": q(90), "p99_ms": q(99), "max_ms": round(ordered[-1] * 1000, 3)}


class Instruments:
    def __init__(self) -> None:
        self.on = False
        self.started = 0.0
        self.stopped = 0.0
        self.writer_trips: list[float] = []
        self.reader_trips: list[float] = []
        self.lock_waits: list[float] = []
        self.lock_holds: list[float] = []
        self.loop_lag: list[float] = []
        self.batches: list[tuple[int, float]] = []
        self._lag_handle: asyncio.TimerHandle | None = None

    def install(self) -> None:
        """Patch whatever the engine in server/db.py is made of (it changes; patch what exists)."""
        from server import db

        probe = self

        def record(is_writer: bool, elapsed: float) -> None:
            (probe.writer_trips if is_writer else probe.reader_trips).append(elapsed)

        thread_connection = getattr(db, "ThreadConnection", None)
        if thread_connection is not None and hasattr(thread_connection, "call"):
            # One hop to a connection's own thread per call.
            original_call = thread_connection.call

            async def call(self, fn, *args):  # type: ignore[no-untyped-def]
                if not probe.on:
                    return await original_call(self, fn, *args)
                started = time.perf_counter()
                try:
                    return await original_call(self, fn, *args)
                finally:
                    record(bool(getattr(self, "_writer", False)), time.perf_counter() - started)

            thread_connection.call = call
        else:
            try:
                import aiosqlite.core
            except ImportError:
                aiosqlite = None  # type: ignore[assignment]
            if aiosqlite is not None:
                original_execute = aiosqlite.core.Connection._execute

                async def _execute(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
                    if not probe.on:
                        return await original_execute(self, fn, *args, **kwargs)
                    started = time.perf_counter()
                    try:
                        return await original_execute(self, fn, *args, **kwargs)
                    finally:
                        from server.piccolo_conf import DB

                        record(self is getattr(DB, "_writer", None), time.perf_counter() - started)

                aiosqlite.core.Connection._execute = _execute  # type: ignore[method-assign]

        engine = getattr(db, "JijiaoSQLiteEngine", None)
        if engine is not None and hasattr(engine, "write_lock"):
            class TimedLock(asyncio.Lock):
                _acquired_at = 0.0

                async def acquire(self) -> bool:  # type: ignore[override]
                    started = time.perf_counter()
                    await super().acquire()
                    self._acquired_at = time.perf_counter()
                    if probe.on:
                        probe.lock_waits.append(self._acquired_at - started)
                    return True

                def release(self) -> None:
                    if probe.on and self._acquired_at:
                        probe.lock_holds.append(time.perf_counter() - self._acquired_at)
                    super().release()

            def write_lock(self):  # type: ignore[no-untyped-def]
                if getattr(self, "_lock", None) is None or not isinstance(self._lock, TimedLock):
                    self._lock = TimedLock()
                return self._lock

            engine.write_lock = write_lock  # type: ignore[method-assign]

        run_batch = getattr(db, "_run_batch", None)
        if run_batch is not None:
            # Group commit: one transaction for many queued write programs.
            def _run_batch(connection, programs, *rest, **kwargs):  # type: ignore[no-untyped-def]
                started = time.perf_counter()
                try:
                    return run_batch(connection, programs, *rest, **kwargs)
                finally:
                    if probe.on:
                        probe.batches.append((len(programs), time.perf_counter() - started))

            db._run_batch = _run_batch

    def _sample_lag(self, loop: asyncio.AbstractEventLoop) -> None:
        if not self.on:
            return
        queued = time.perf_counter()

        def ran() -> None:
            self.loop_lag.append(time.perf_counter() - queued)

        loop.call_soon(ran)
        self._lag_handle = loop.call_later(0.005, self._sample_lag, loop)

    def start(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self.on = True
        self.started = time.perf_counter()
        if loop is not None:
            loop.call_soon_threadsafe(self._sample_lag, loop)

    def stop(self, out: str) -> None:
        self.on = False
        self.stopped = time.perf_counter()
        with open(out, "w") as f:
            json.dump({
                "window_s": round(self.stopped - self.started, 3),
                "writer_trips": _stats(self.writer_trips), "reader_trips": _stats(self.reader_trips),
                "write_lock_wait": _stats(self.lock_waits), "write_lock_hold": _stats(self.lock_holds),
                "loop_lag": _stats(self.loop_lag),
                "group_commit": {"batches": len(self.batches),
                                 "programs": sum(b[0] for b in self.batches),
                                 "mean_batch": round(sum(b[0] for b in self.batches) / len(self.batches), 1)
                                 if self.batches else 0,
                                 "max_batch": max((b[0] for b in self.batches), default=0),
                                 "duration": _stats([b[1] for b in self.batches])},
            }, f)


def main() -> int:
    argv = sys.argv[1:]
    cprofile_out = instrument_out = None
    while argv and argv[0].startswith("--"):
        option, value, argv = argv[0], argv[1], argv[2:]
        if option == "--cprofile":
            cprofile_out = value
        elif option == "--instrument":
            instrument_out = value
        else:
            raise SystemExit(f"unknown option {option}")
    profiler = cProfile.Profile() if cprofile_out else None
    instruments = Instruments() if instrument_out else None
    if instruments:
        instruments.install()

    def running_loop() -> asyncio.AbstractEventLoop | None:
        try:
            return asyncio.get_running_loop()
        except RuntimeError:
            return None

    def start(*_: object) -> None:
        if instruments:
            instruments.start(running_loop())
        if profiler:
            profiler.enable()

    def stop(*_: object) -> None:
        if profiler:
            profiler.disable()
            profiler.dump_stats(cprofile_out)
        if instruments:
            instruments.stop(instrument_out)  # type: ignore[arg-type]

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    from server.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
