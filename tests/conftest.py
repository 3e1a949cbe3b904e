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
from concurrent.futures import Future, ThreadPoolExecutor
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

    from server.services.demo import DEMO_PASSWORD
    from server.services.passwords import hash_initial_password
    from server.tables import Account

    configure_engine(DB, settings)
    await open_engine(DB)
    try:
        await migrate()
        await load_demo()
        # Most API tests begin by logging in, some several times: at production cost
        # (scrypt N=2^14, ~60 ms) that was minutes of the run. The demo accounts get a
        # cheap hash of the same password (verify_password reads the cost from the hash);
        # passwords set during a test still get the full cost.
        await Account.update({Account.password_hash: hash_initial_password(DEMO_PASSWORD)}, force=True)
    finally:
        await close_engine(DB)


class _PgClones:
    """Clones of the template database, made one test ahead on a worker thread.

    CREATE DATABASE … TEMPLATE and DROP DATABASE take 0.2–0.3 s together; made
    while the previous test runs (PostgreSQL works on the other core), they no
    longer add up over some 350 API tests. One worker keeps creates and drops
    in order, and nothing ever connects to the template after it is built.
    """

    def __init__(self) -> None:
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-clones")
        self._next: Future[str] | None = None

    def _create(self) -> str:
        name = f"jijiao_t_{uuid.uuid4().hex[:12]}"
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{_TEMPLATE_PG}"'))
        return name

    def _drop(self, name: str) -> None:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def take(self) -> str:
        ready = self._next or self._worker.submit(self._create)
        self._next = self._worker.submit(self._create)
        return ready.result()

    def give_back(self, name: str) -> None:
        self._worker.submit(self._drop, name)

    def close(self) -> None:
        if self._next is not None:
            try:
                self._drop(self._next.result())
            except Exception:  # the template is dropped next; leftovers are named for the run
                pass
        self._worker.shutdown(wait=True)


_pg_clones: _PgClones | None = None


@pytest.fixture(scope="session")
def template_settings() -> Settings:
    global _pg_clones
    _RUN_DIR.mkdir(parents=True, exist_ok=True)
    settings = load_settings()
    if USING_POSTGRES:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{_TEMPLATE_PG}"'))
        asyncio.run(_pg_admin(f'CREATE DATABASE "{_TEMPLATE_PG}"'))
    asyncio.run(_build_template(settings))
    if USING_POSTGRES:
        _pg_clones = _PgClones()
    yield settings
    if USING_POSTGRES:
        _pg_clones.close()
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{_TEMPLATE_PG}"'))
    shutil.rmtree(_RUN_DIR, ignore_errors=True)


@pytest.fixture
def fresh_settings(template_settings: Settings, tmp_path: Path) -> Settings:
    """Settings pointing at a brand-new copy of the demo database."""
    yield from _fresh_copy(template_settings, tmp_path)


@pytest.fixture(scope="module")
def module_settings(template_settings: Settings, tmp_path_factory) -> Settings:
    """A brand-new copy of the demo database shared by one module's tests (a costly server
    process started once for them); each test must then make its own rows."""
    yield from _fresh_copy(template_settings, tmp_path_factory.mktemp("module"))


def _fresh_copy(template_settings: Settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if USING_POSTGRES:
        name = _pg_clones.take()
        url = _pg_url(name)
    else:
        target = tmp_path / "jijiao.db"
        shutil.copyfile(template_settings.sqlite_path, target)
        url = f"sqlite:///{target}"
    settings = load_settings({"JIJIAO_DATABASE_URL": url, "JIJIAO_DATA_DIR": str(data_dir)})
    yield settings
    if USING_POSTGRES:
        _pg_clones.give_back(name)
