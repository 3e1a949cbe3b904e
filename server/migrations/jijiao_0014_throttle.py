from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T03:35:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "throttle counters replace the login_attempt log"

# One counter row per (scope, subject), changed by a single conditional upsert
# (services/throttle.py); login_attempt rows were counted with read-then-write,
# which parallel requests raced past.
_COMMON = (
    "CREATE UNIQUE INDEX throttle_scope_subject ON throttle (scope, subject)",
    "CREATE INDEX throttle_touched ON throttle (touched)",
    "DROP TABLE IF EXISTS login_attempt",
)
_COLUMNS = ("scope VARCHAR(30) NOT NULL, subject VARCHAR(200) NOT NULL, period BIGINT NOT NULL, "
            "hits INTEGER NOT NULL DEFAULT 0, prev_hits INTEGER NOT NULL DEFAULT 0, touched BIGINT NOT NULL")
_CREATE = {
    "sqlite": f"CREATE TABLE throttle (id INTEGER PRIMARY KEY, {_COLUMNS})",
    "postgres": f"CREATE TABLE throttle (id SERIAL PRIMARY KEY, {_COLUMNS})",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="jijiao", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        await engine.run_ddl(_CREATE[engine.engine_type])
        for ddl in _COMMON:
            await engine.run_ddl(ddl)

    async def drop():
        await engine_finder().run_ddl("DROP TABLE IF EXISTS throttle")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
