"""The SQLite engine's memoised reads stay exact: a write invalidates only once it is visible."""

import asyncio

import pytest

from server.db import JijiaoSQLiteEngine


@pytest.fixture
def engine(tmp_path):
    engine = JijiaoSQLiteEngine(path=str(tmp_path / "t.db"))

    async def setup():
        async with engine.transaction():
            await engine._execute("CREATE TABLE account (id INTEGER PRIMARY KEY, name TEXT)", [])
            await engine._execute("INSERT INTO account (id, name) VALUES (1, 'old')", [])
            # A parent whose deletion cascades into account, and a trigger that writes account:
            # writes the statement's own text does not name.
            await engine._execute("CREATE TABLE unit (id INTEGER PRIMARY KEY)", [])
            await engine._execute("CREATE TABLE person (id INTEGER PRIMARY KEY, "
                                  "unit INTEGER REFERENCES unit (id) ON DELETE CASCADE, name TEXT)", [])
            await engine._execute("CREATE TABLE audit (id INTEGER PRIMARY KEY, note TEXT)", [])
            await engine._execute("CREATE TRIGGER audit_renames AFTER INSERT ON audit "
                                  "BEGIN UPDATE account SET name = NEW.note WHERE id = 1; END", [])
            await engine._execute("INSERT INTO unit (id) VALUES (1)", [])
            await engine._execute("INSERT INTO person (id, unit, name) VALUES (1, 1, 'p')", [])

    asyncio.run(setup())
    yield engine
    asyncio.run(engine.close())


def _read(engine):
    return engine.fetch_memo_on_loop(("a", 1), ("account",), "SELECT name FROM account WHERE id = {}", 1)


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


# -- written tables come from SQLite itself ------------------------------------------------

_RENAMES = [
    "UPDATE OR IGNORE account SET name = 'new' WHERE id = 1",
    "REPLACE INTO account (id, name) VALUES (1, 'new')",
    "WITH wanted AS (SELECT 1 AS id) UPDATE account SET name = 'new' WHERE id IN (SELECT id FROM wanted)",
    "INSERT INTO audit (note) VALUES ('new')",  # the trigger renames account 1
]


def _program(sql):
    yield (sql, ())
    return None


@pytest.mark.parametrize("sql", _RENAMES)
@pytest.mark.parametrize("path", ["group commit", "transaction", "autocommit"])
def test_every_form_of_write_invalidates(engine, sql, path):
    async def run():
        assert (await _read(engine))[0]["name"] == "old"
        if path == "group commit":
            await engine.run_write(_program(sql))
        elif path == "transaction":
            async with engine.transaction():
                await engine._execute(sql, [])
        else:
            await engine._execute(sql, [])
        return (await _read(engine))[0]["name"]

    assert asyncio.run(run()) == "new"


def test_foreign_key_cascade_invalidates(engine):
    def person(engine):
        return engine.fetch_memo_on_loop(("p", 1), ("person",), "SELECT name FROM person WHERE id = {}", 1)

    async def run():
        assert len(await person(engine)) == 1
        await engine.run_write(_program("DELETE FROM unit WHERE id = 1"))  # cascades to person
        return await person(engine)

    assert len(asyncio.run(run())) == 0


def test_unknown_statements_invalidate_everything(engine, tmp_path):
    import sqlite3

    async def run():
        await _read(engine)
        outside = sqlite3.connect(tmp_path / "t.db")  # an edit the engine never sees
        outside.execute("UPDATE account SET name = 'new' WHERE id = 1")
        outside.commit()
        outside.close()
        assert (await _read(engine))[0]["name"] == "old"  # memoised
        # A schema change names no table's rows, and the engine cannot know what it
        # does: it forgets every memoised read.
        await engine._execute("CREATE TABLE other (id INTEGER PRIMARY KEY)", [])
        return (await _read(engine))[0]["name"], await engine.written_by("CREATE INDEX i ON account (name)")

    name, written = asyncio.run(run())
    assert name == "new"
    assert "*" in written


def test_a_memoised_read_must_name_every_table_it_reads(engine):
    async def run():
        with pytest.raises(RuntimeError, match="person"):
            await engine.fetch_memo_on_loop(("ap", 1), ("account",),
                                    "SELECT a.name FROM account a JOIN person p ON p.id = a.id WHERE a.id = {}", 1)

    asyncio.run(run())


def test_memoised_rows_cannot_be_changed_by_a_caller(engine):
    async def run():
        first = await _read(engine)
        with pytest.raises(TypeError):
            first[0]["name"] = "changed by one caller"
        return (await _read(engine))[0]["name"]

    assert asyncio.run(run()) == "old"


# -- one result type per read ----------------------------------------------------------------


def test_fetch_converts_the_same_inside_and_outside_a_transaction(engine):
    from datetime import datetime, timezone

    sql = "SELECT MAX(at) AS last, MAX(at) IS NOT NULL AS known, at AS plain FROM stamp"
    types = {"last": "timestamp", "known": "bool"}

    async def run():
        async with engine.transaction():
            await engine._execute("CREATE TABLE stamp (id INTEGER PRIMARY KEY, at TIMESTAMPTZ)", [])
            await engine._execute("INSERT INTO stamp (at) VALUES ('2026-03-01 08:00:00+00:00')", [])
        outside = await engine.fetch_on_loop(sql, types=types)
        async with engine.transaction():
            inside = await engine.fetch_on_loop(sql, types=types)
        return outside, inside

    outside, inside = asyncio.run(run())
    assert outside == inside
    assert outside[0]["last"] == datetime(2026, 3, 1, 8, tzinfo=timezone.utc)
    assert outside[0]["known"] is True
    assert outside[0]["plain"] == "2026-03-01 08:00:00+00:00"  # not named: as SQLite stores it
