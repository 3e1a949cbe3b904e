from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-24T21:08:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "multi-column unique and lookup indexes"

# Piccolo columns can't express multi-column indexes; this DDL is the same on
# SQLite and PostgreSQL. (Piccolo runs raw steps before table steps, hence a
# migration of its own after the one that creates the tables.)
_FORWARDS = (
    "CREATE UNIQUE INDEX IF NOT EXISTS department_unit_name_uniq ON department (unit, name)",
    "CREATE UNIQUE INDEX IF NOT EXISTS person_year_person_year_uniq ON person_year (person, year)",
    "CREATE INDEX IF NOT EXISTS login_attempt_username_at ON login_attempt (username, at)",
    "CREATE INDEX IF NOT EXISTS login_attempt_ip_at ON login_attempt (ip, at)",
)
_BACKWARDS = (
    "DROP INDEX IF EXISTS department_unit_name_uniq",
    "DROP INDEX IF EXISTS person_year_person_year_uniq",
    "DROP INDEX IF EXISTS login_attempt_username_at",
    "DROP INDEX IF EXISTS login_attempt_ip_at",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="jijiao", description=DESCRIPTION)

    async def create():
        for ddl in _FORWARDS:
            await engine_finder().run_ddl(ddl)

    async def drop():
        for ddl in _BACKWARDS:
            await engine_finder().run_ddl(ddl)

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
