"""``jijiao backup FILE`` and ``jijiao restore FILE``: a consistent copy while the server runs.

SQLite: the online backup API copies the database page by page from one read
snapshot, through the WAL, while the server goes on writing (a plain ``cp`` of
the file misses what is still in ``jijiao.db-wal``: seven copies under load
each lost acknowledged check-ins). FILE is an ordinary SQLite database that
``sqlite3 FILE`` opens.

PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot, no lock that
stops the server); ``pg_restore`` puts it back. Both come with the PostgreSQL
client tools (Debian: ``apt-get install postgresql-client``), of the server's
major version or newer.

Uploaded files (evidence photos and PDFs under ``$JIJIAO_DATA_DIR/evidence``)
go into ``FILE.files.tar`` beside it, taken right after the database: a file
is written before its row and removed after its row, so every row of the copy
has its file unless that file was deleted in the seconds between the two.

Restore refuses a database that has any table, and a data directory that
already holds uploaded files: it never merges into or overwrites live data.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from server.settings import Settings

MEDIA_DIR = "evidence"
FILES_SUFFIX = ".files.tar"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def files_archive(path: Path) -> Path:
    return path.with_name(path.name + FILES_SUFFIX)


# -- backup ---------------------------------------------------------------------------


def backup(settings: Settings, target: Path) -> list[Path]:
    """Write the database to ``target`` (and the uploaded files beside it); the paths written."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} 已存在；为免覆盖旧备份，请换一个文件名 (refusing to overwrite)")
    target.parent.mkdir(parents=True, exist_ok=True)
    if settings.is_sqlite:
        _backup_sqlite(settings.sqlite_path, target)
    else:
        _backup_postgres(settings.database_url, target)
    written = [target]
    media = settings.data_dir / MEDIA_DIR
    if media.is_dir() and any(media.iterdir()):
        archive = files_archive(target)
        _tar(media, archive)
        written.append(archive)
    return written


def _backup_sqlite(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"数据库文件 {source} 不存在 (no database at JIJIAO_DATABASE_URL)")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    # A connection of our own that only reads: the server's writer goes on meanwhile.
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        # All pages in one step, so the copy is one snapshot (WAL readers never block the writer).
        src.backup(dst, pages=-1)
        # A standalone file: no -wal beside it to lose.
        dst.execute("PRAGMA journal_mode = DELETE")
        if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("备份文件校验失败 (quick_check failed)")
    finally:
        dst.close()
        src.close()
    os.replace(partial, target)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"找不到 {name}：PostgreSQL 的备份与恢复需要 PostgreSQL 客户端工具（{name}），"
            f"版本不低于数据库服务器。Debian/Ubuntu: apt-get install postgresql-client "
            f"({name} not found: install the PostgreSQL client tools)")
    return found


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what}失败 ({command[0]} exit {result.returncode}):\n{result.stderr.strip()}")


def _backup_postgres(url: str, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}",
          f"--dbname={url}"], "pg_dump 备份")
    os.replace(partial, target)


def _tar(directory: Path, archive: Path) -> None:
    partial = archive.with_name(archive.name + ".partial")
    with tarfile.open(partial, "w") as tar:
        tar.add(directory, arcname=directory.name)
    os.replace(partial, archive)


# -- restore --------------------------------------------------------------------------


def restore(settings: Settings, source: Path) -> list[str]:
    """Put a backup back into an empty database (and its files into an empty data directory)."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"备份文件 {source} 不存在")
    archive = files_archive(source)
    media = settings.data_dir / MEDIA_DIR
    if archive.is_file() and media.is_dir() and any(media.iterdir()):
        raise BackupError(f"{media} 中已有上传文件；恢复只写入空的数据目录 (data directory not empty)")
    done = []
    if settings.is_sqlite:
        _restore_sqlite(source, settings.sqlite_path)
    else:
        _restore_postgres(source, settings.database_url)
    done.append(f"数据库已恢复自 {source}")
    if archive.is_file():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            tar.extractall(settings.data_dir, filter="data")
        done.append(f"上传文件已恢复自 {archive}")
    return done


def _not_empty(where: str) -> BackupError:
    return BackupError(f"目标数据库 {where} 不是空的：恢复只写入空数据库，不会覆盖现有数据。"
                       f"请新建一个空数据库并让 JIJIAO_DATABASE_URL 指向它 (refusing to restore into a non-empty database)")


def _restore_sqlite(source: Path, target: Path) -> None:
    try:
        check = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            ok = check.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            tables = check.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        finally:
            check.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} 不是 SQLite 数据库备份 ({error})") from None
    if not ok or not tables:
        raise BackupError(f"{source} 不是完整的 SQLite 数据库备份")
    if target.exists() and target.stat().st_size > 0:
        existing = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
        try:
            if existing.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]:
                raise _not_empty(str(target))
        finally:
            existing.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(source, partial)
    for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    os.replace(partial, target)


async def _postgres_tables(url: str) -> int:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        return await connection.fetchval(
            "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
    finally:
        await connection.close()


def _restore_postgres(source: Path, url: str) -> None:
    tool = _tool("pg_restore")
    if asyncio.run(_postgres_tables(url)):
        raise _not_empty(url.rsplit("/", 1)[-1])
    _run([tool, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", f"--dbname={url}",
          str(source)], "pg_restore 恢复")
