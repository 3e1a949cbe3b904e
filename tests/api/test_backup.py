"""``jijiao backup`` / ``jijiao restore`` (issue 9 §8), on the suite's database kind (SQLite or PostgreSQL).

A backup is taken while check-ins are being written; everything acknowledged
before it started must be in it. Restores go into a brand-new empty database
(a new file, or a new PostgreSQL database) and are read back there.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

from server import backup
from server.settings import load_settings
from server.tables import Person
from tests.api.attendance_helpers import open_session
from tests.api.conftest import login
from tests.api.test_evidence import PDF, new_credit, upload
from tests.conftest import USING_POSTGRES, _pg_admin, _pg_url


@pytest.fixture
def empty_target(tmp_path):
    """Settings for an empty database and data directory to restore into."""
    data_dir = tmp_path / "restored-data"
    if USING_POSTGRES:
        name = f"jijiao_restore_{uuid.uuid4().hex[:10]}"
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
        url = _pg_url(name)
    else:
        url = f"sqlite:///{tmp_path / 'restored.db'}"
    yield load_settings({"JIJIAO_DATABASE_URL": url, "JIJIAO_DATA_DIR": str(data_dir)})
    if USING_POSTGRES:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def rows(settings, sql: str) -> list[tuple]:
    """Rows of a query on the database ``settings`` names (sqlite3 or asyncpg, no app involved)."""
    if settings.is_sqlite:
        connection = sqlite3.connect(settings.sqlite_path)
        try:
            return [tuple(r) for r in connection.execute(sql)]
        finally:
            connection.close()

    async def fetch():
        import asyncpg

        connection = await asyncpg.connect(settings.database_url)
        try:
            return [tuple(r) for r in await connection.fetch(sql)]
        finally:
            await connection.close()

    return asyncio.run(fetch())


def jijiao(settings, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "JIJIAO_DATABASE_URL": settings.database_url, "JIJIAO_DATA_DIR": str(settings.data_dir)}
    return subprocess.run([sys.executable, "-m", "server.cli", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_a_backup_taken_while_check_ins_are_written_has_every_acknowledged_one(client, fresh_settings,
                                                                                  empty_target, tmp_path):
    dept, unit = login(client, "dept1"), login(client, "unit1")
    sessions = [open_session(client, dept, unit, title=f"晨间培训{i}")[1]["id"] for i in range(3)]

    async def people():
        return [r["id"] for r in await Person.select(Person.id).where(Person.unit == 1)]

    person_ids = client.blocking_portal.call(people)
    acknowledged: list[int] = []
    started = threading.Event()

    def write():
        for session_id in sessions:
            for person_id in person_ids:
                response = client.post(f"/api/sessions/{session_id}/checkins", headers=dept,
                                       json={"person_id": person_id, "reason": "未带手机"})
                assert response.status_code == 201, response.text
                acknowledged.append(response.json()["id"])
                if len(acknowledged) == 15:
                    started.set()

    writer = threading.Thread(target=write)
    writer.start()
    assert started.wait(60)
    before = list(acknowledged)  # acknowledged before the backup began
    target = tmp_path / "during.backup"
    backup.backup(fresh_settings, target)
    during = len(acknowledged)
    writer.join(120)
    assert not writer.is_alive()
    assert during < len(acknowledged), "the backup ran while check-ins were still being written"

    backup.restore(empty_target, target)
    restored = {r[0] for r in rows(empty_target, "SELECT id FROM checkin")}
    assert set(before) <= restored
    assert len(before) >= 15


def test_backup_and_restore_round_trip_through_the_command(client, fresh_settings, empty_target, tmp_path):
    trainee = login(client, "trainee1")
    evidence_id = upload(client, trainee, new_credit(client, trainee), PDF, "proof.pdf").json()["id"]
    target = tmp_path / "nightly.backup"
    made = jijiao(fresh_settings, "backup", str(target))
    assert made.returncode == 0, made.stderr
    assert target.is_file() and backup.files_archive(target).is_file()
    if fresh_settings.is_sqlite:
        assert sqlite3.connect(target).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    else:
        assert target.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    put_back = jijiao(empty_target, "restore", str(target))
    assert put_back.returncode == 0, put_back.stderr
    for table in ("account", "person", "credit", "evidence", "credit_rule", "throttle"):
        sql = f"SELECT count(*) FROM {table}"
        assert rows(empty_target, sql) == rows(fresh_settings, sql), table
    key = rows(empty_target, f"SELECT storage_key FROM evidence WHERE id = {evidence_id}")[0][0]
    assert (empty_target.data_dir / key).read_bytes() == PDF


def execute(settings, sql: str) -> None:
    """One statement on the database ``settings`` names, committed."""
    if settings.is_sqlite:
        connection = sqlite3.connect(settings.sqlite_path)
        try:
            with connection:
                connection.execute(sql)
        finally:
            connection.close()
    else:
        rows(settings, sql)


def test_a_restored_database_migrates_only_when_it_knows_its_migrations(client, fresh_settings, empty_target,
                                                                         tmp_path):
    target = tmp_path / "nightly.backup"
    assert jijiao(fresh_settings, "backup", str(target)).returncode == 0
    assert jijiao(empty_target, "restore", str(target)).returncode == 0
    # A backup of this version: its migrations are all applied already.
    assert jijiao(empty_target, "migrate").returncode == 0
    # One that ran a migration this version does not have (here the first of those squashed into
    # jijiao_0100): refused by name, instead of the initial schema run again over its tables.
    execute(empty_target, "INSERT INTO migration (name, app_name, ran_on) "
                          "VALUES ('2026-11-24T21:07:53:497781', 'jijiao', CURRENT_TIMESTAMP)")
    refused = jijiao(empty_target, "migrate")
    assert refused.returncode != 0
    assert "本版本没有的 1 个迁移（2026-11-24T21:07:53:497781" in refused.stderr


def test_restore_refuses_a_database_that_is_not_empty(client, fresh_settings, tmp_path):
    target = tmp_path / "copy.backup"
    assert jijiao(fresh_settings, "backup", str(target)).returncode == 0
    refused = jijiao(fresh_settings, "restore", str(target))
    assert refused.returncode == 1
    assert "不是空的" in refused.stderr


def test_backup_never_overwrites_an_earlier_one(fresh_settings, tmp_path):
    target = tmp_path / "old.backup"
    target.write_bytes(b"yesterday")
    refused = jijiao(fresh_settings, "backup", str(target))
    assert refused.returncode == 1 and "已存在" in refused.stderr
    assert target.read_bytes() == b"yesterday"


def test_missing_postgresql_client_tools_are_named(monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    with pytest.raises(backup.BackupError) as error:
        backup._tool("pg_dump")
    assert "postgresql-client" in str(error.value) and "pg_dump" in str(error.value)


def test_restore_refuses_something_that_is_not_a_backup(empty_target, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    answer = jijiao(empty_target, "restore", str(junk))
    assert answer.returncode == 1 and "恢复失败" in answer.stderr
