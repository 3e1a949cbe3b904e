"""The SQLite engine's memoised reads stay exact: a write invalidates only once it is visible."""

import asyncio

import pytest

from server.db import JijiaoSQLiteEngine
from server.sqlprog import tables_written


def test_statement_targets_are_found():
    assert tables_written('UPDATE "login_session" SET x = 1') == {"login_session"}
    assert tables_written("INSERT INTO checkin (training, person) VALUES (1, 2)") == set()
    assert tables_written("DELETE FROM training WHERE id = 1") == {"training"}
    assert "account" in tables_written("CREATE INDEX x ON account (name)")


@pytest.fixture
def engine(tmp_path):
    engine = JijiaoSQLiteEngine(path=str(tmp_path / "t.db"))

    async def setup():
        async with engine.transaction():
            await engine._execute("CREATE TABLE account (id INTEGER PRIMARY KEY, name TEXT)", [])
            await engine._execute("INSERT INTO account (id, name) VALUES (1, 'old')", [])

    asyncio.run(setup())
    yield engine
    asyncio.run(engine.close())


def _read(engine):
    return engine.fetch_memo(("a", 1), ("account",), "SELECT name FROM account WHERE id = {}", 1)


def test_autocommit_write_invalidates(engine):
    async def run():
        assert (await _read(engine))[0]["name"] == "old"
        await engine._execute("UPDATE account SET name = 'new' WHERE id = 1", [])
        return (await _read(engine))[0]["name"]

    assert asyncio.run(run()) == "new"


def test_read_during_a_transaction_is_not_kept_after_commit(engine):
    async def run():
        go, done, seen = asyncio.Event(), asyncio.Event(), {}

        async def other_request():
            await go.wait()
            seen["during"] = (await _read(engine))[0]["name"]  # memoised from the committed state
            done.set()

        task = asyncio.create_task(other_request())  # its own context: outside the transaction
        async with engine.transaction():
            await engine._execute("UPDATE account SET name = 'new' WHERE id = 1", [])
            go.set()
            await done.wait()
        await task
        return seen["during"], (await _read(engine))[0]["name"]

    assert asyncio.run(run()) == ("old", "new")


def test_transaction_reads_its_own_writes(engine):
    async def run():
        await _read(engine)
        async with engine.transaction():
            await engine._execute("UPDATE account SET name = 'new' WHERE id = 1", [])
            return (await _read(engine))[0]["name"]

    assert asyncio.run(run()) == "new"


def test_rolled_back_write_changes_nothing(engine):
    async def run():
        with pytest.raises(RuntimeError):
            async with engine.transaction():
                await engine._execute("UPDATE account SET name = 'new' WHERE id = 1", [])
                raise RuntimeError("abort")
        return (await _read(engine))[0]["name"]

    assert asyncio.run(run()) == "old"


def test_background_checkpoint_moves_the_wal_into_the_database(engine, tmp_path):
    db_file = tmp_path / "t.db"

    async def run():
        async with engine.transaction():
            for i in range(2, 2000):
                await engine._execute("INSERT INTO account (id, name) VALUES ({}, 'x')".format(i), [])
        before = db_file.stat().st_size
        await asyncio.sleep(1.2)  # commits never checkpoint; the background task does
        return before, db_file.stat().st_size

    before, after = asyncio.run(run())
    assert after > before
