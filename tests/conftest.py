"""Shared fixtures: a fresh database per test, on SQLite or PostgreSQL.

The backend is chosen for the whole run by ``JIJIAO_TEST_DATABASE_URL``: unset
means SQLite; a ``postgresql://`` URL names a server on which the suite creates
a template database once (migrated, demo data loaded) and then one database per
test cloned from it. SQLite works the same way with file copies. A fresh
database per test, not a wrapping transaction, because Litestar's test client
runs the app on another event loop.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

# Named now (the engine's URL needs it), created only when a test needs a database.
_RUN_DIR = Path(tempfile.gettempdir()) / f"jijiao-tests-{os.getpid()}-{uuid.uuid4().hex[:8]}"
_PG_ADMIN_URL = os.environ.get("JIJIAO_TEST_DATABASE_URL", "")
_TEMPLATE_PG = f"jijiao_tpl_{os.getpid()}"


def _pg_url(database: str) -> str:
    base, _, _ = _PG_ADMIN_URL.rpartition("/")
    return f"{base}/{database}"


# The engine is bound at import time from the environment, so choose the kind
# before anything under server/ is imported.
if _PG_ADMIN_URL:
    os.environ["JIJIAO_DATABASE_URL"] = _pg_url(_TEMPLATE_PG)
else:
    os.environ["JIJIAO_DATABASE_URL"] = f"sqlite:///{_RUN_DIR / 'template.db'}"
os.environ["JIJIAO_DATA_DIR"] = str(_RUN_DIR / "data")

from server.settings import Settings, load_settings  # noqa: E402

USING_POSTGRES = bool(_PG_ADMIN_URL)


async def _pg_admin(sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(_PG_ADMIN_URL)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def _build_template(settings: Settings) -> None:
    from server.db import close_engine, configure_engine, open_engine
    from server.migrate import migrate
    from server.piccolo_conf import DB
    from server.services.demo import load_demo

    configure_engine(DB, settings)
    await open_engine(DB)
    try:
        await migrate()
        await load_demo()
    finally:
        await close_engine(DB)


@pytest.fixture(scope="session")
def template_settings() -> Settings:
    _RUN_DIR.mkdir(parents=True, exist_ok=True)
    settings = load_settings()
    if USING_POSTGRES:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{_TEMPLATE_PG}"'))
        asyncio.run(_pg_admin(f'CREATE DATABASE "{_TEMPLATE_PG}"'))
    asyncio.run(_build_template(settings))
    yield settings
    if USING_POSTGRES:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{_TEMPLATE_PG}"'))
    shutil.rmtree(_RUN_DIR, ignore_errors=True)


@pytest.fixture
def fresh_settings(template_settings: Settings, tmp_path: Path) -> Settings:
    """Settings pointing at a brand-new copy of the demo database."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if USING_POSTGRES:
        name = f"jijiao_t_{uuid.uuid4().hex[:12]}"
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{_TEMPLATE_PG}"'))
        url = _pg_url(name)
    else:
        target = tmp_path / "jijiao.db"
        shutil.copyfile(template_settings.sqlite_path, target)
        url = f"sqlite:///{target}"
    settings = load_settings({"JIJIAO_DATABASE_URL": url, "JIJIAO_DATA_DIR": str(data_dir)})
    yield settings
    if USING_POSTGRES:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
