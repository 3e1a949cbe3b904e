"""The SQLite group commit settles every caller's future, whatever happens to its batch.

Each test would hang without a bound, so every wait is bounded: a stranded caller fails
the test with a TimeoutError instead of stalling the suite.
"""

import asyncio
import sqlite3

import pytest

from server import db
from server.db import JijiaoSQLiteEngine

_BOUND = 5.0  # seconds: far above a batch's few milliseconds


def _insert(name: str):
    rows = yield ("INSERT INTO account (name) VALUES ({}) RETURNING id", (name,))
    return rows[0]["id"]


def _insert_then_fail(name: str):
    yield ("INSERT INTO account (name) VALUES ({})", (name,))
    yield ("INSERT INTO account (id, name) VALUES (1, 'duplicate')", ())  # id 1 exists: IntegrityError
    return "never"


@pytest.fixture
def path(tmp_path):
    path = str(tmp_path / "t.db")
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE account (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    connection.execute("INSERT INTO account (id, name) VALUES (1, 'first')")
    connection.commit()
    connection.close()
    return path


def _names(path: str) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [r[0] for r in connection.execute("SELECT name FROM account ORDER BY id")]
    finally:
        connection.close()


async def _until(condition) -> None:
    """Let the loop run until ``condition()`` holds (bounded)."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("condition never held")


def _committer_waits_for_the_lock(engine: JijiaoSQLiteEngine) -> bool:
    lock = engine.write_lock()
    return not engine._pending and bool(getattr(lock, "_waiters", None))


def test_run_batch_keeps_the_others_when_one_program_fails(path):
    connection = db.connect(path, writer=True)
    try:
        results, written = db._run_batch(connection, [_insert("a"), _insert_then_fail("b"), _insert("c")],
                                         db.WriteTargets())
    finally:
        connection.close()
    assert isinstance(results[0], int) and isinstance(results[2], int)
    assert isinstance(results[1], sqlite3.IntegrityError)
    assert written == {"account"}
    assert _names(path) == ["first", "a", "c"]  # b's first insert was undone with its savepoint


def test_run_batch_rolls_everything_back_when_the_transaction_cannot_go_on(path):
    connection = db.connect(path, writer=True)

    def breaks_the_transaction():
        yield ("INSERT INTO account (name) VALUES ('x')", ())
        yield ("COMMIT", ())  # ends the batch's transaction: its savepoint is gone
        return None

    try:
        with pytest.raises(sqlite3.OperationalError):
            db._run_batch(connection, [_insert("a"), breaks_the_transaction()], db.WriteTargets())
        assert not connection.in_transaction
    finally:
        connection.close()


def test_a_failing_program_fails_only_its_caller(path):
    engine = JijiaoSQLiteEngine(path=path)

    async def run():
        try:
            return await asyncio.wait_for(asyncio.gather(
                engine.run_write(_insert("a")), engine.run_write(_insert_then_fail("b")),
                engine.run_write(_insert("c")), return_exceptions=True), _BOUND)
        finally:
            await engine.close()

    a, b, c = asyncio.run(run())
    assert isinstance(a, int) and isinstance(c, int) and isinstance(b, sqlite3.IntegrityError)
    assert _names(path) == ["first", "a", "c"]


def test_writer_that_cannot_open_fails_the_batch(tmp_path):
    engine = JijiaoSQLiteEngine(path=str(tmp_path / "missing-dir" / "t.db"))

    async def run():
        try:
            with pytest.raises(sqlite3.OperationalError):
                await asyncio.wait_for(engine.run_write(_insert("a")), _BOUND)
            # The next write finds a committer again, and fails the same way (not a hang).
            with pytest.raises(sqlite3.OperationalError):
                await asyncio.wait_for(engine.run_write(_insert("b")), _BOUND)
        finally:
            await engine.close()

    asyncio.run(run())


async def _held_write_lock(engine: JijiaoSQLiteEngine) -> tuple[asyncio.Task, asyncio.Event]:
    """Another writer holding the engine's write lock until the event is set, so a batch waits for it."""
    release = asyncio.Event()

    async def hold_the_lock():
        async with engine.write_lock():
            await release.wait()

    holder = asyncio.create_task(hold_the_lock())
    await _until(lambda: engine.write_lock().locked())
    return holder, release


def test_cancelled_commit_fails_its_batch_and_the_queue(path):
    engine = JijiaoSQLiteEngine(path=path)

    async def run():
        await engine.writer()
        holder, release = await _held_write_lock(engine)
        first = asyncio.create_task(engine.run_write(_insert("a")))
        await _until(lambda: _committer_waits_for_the_lock(engine))
        second = asyncio.create_task(engine.run_write(_insert("b")))  # queued behind the batch
        await asyncio.sleep(0)
        assert engine._committer is not None
        engine._committer.cancel()  # as the loop's shutdown would
        outcomes = await asyncio.wait_for(asyncio.gather(first, second, return_exceptions=True), _BOUND)
        release.set()
        await holder
        # The engine still works: a new committer starts for the next write.
        third = await asyncio.wait_for(engine.run_write(_insert("c")), _BOUND)
        await engine.close()
        return outcomes, third

    (first, second), third = asyncio.run(run())
    assert isinstance(first, RuntimeError) and isinstance(second, RuntimeError)
    assert isinstance(third, int)
    assert _names(path) == ["first", "c"]


def test_close_during_a_batch_fails_it(path):
    engine = JijiaoSQLiteEngine(path=path)

    async def run():
        await engine.writer()
        holder, release = await _held_write_lock(engine)
        waiting = asyncio.create_task(engine.run_write(_insert("a")))
        await _until(lambda: _committer_waits_for_the_lock(engine))
        await asyncio.wait_for(engine.close(), _BOUND)
        outcome = await asyncio.wait_for(asyncio.gather(waiting, return_exceptions=True), _BOUND)
        release.set()
        await holder
        return outcome[0]

    outcome = asyncio.run(run())
    assert isinstance(outcome, RuntimeError) and "closed" in str(outcome)
    assert _names(path) == ["first"]
