from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-24T21:17:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "attendance and credit queue indexes"

# Piccolo columns can't express multi-column indexes; this DDL is the same on
# SQLite and PostgreSQL. (Piccolo runs raw steps before table steps, hence a
# migration of its own after the one that creates the tables.)
_FORWARDS = (
    # One check-in per person per session: duplicate scans are idempotent.
    "CREATE UNIQUE INDEX IF NOT EXISTS checkin_session_person_uniq ON checkin (session, person)",
    "CREATE INDEX IF NOT EXISTS credit_department_status ON credit (department, status)",
    "CREATE INDEX IF NOT EXISTS credit_unit_status ON credit (unit, status)",
    "CREATE INDEX IF NOT EXISTS credit_person_year ON credit (person, year)",
    "CREATE INDEX IF NOT EXISTS training_department_year ON training (department, year)",
)
_BACKWARDS = (
    "DROP INDEX IF EXISTS checkin_session_person_uniq",
    "DROP INDEX IF EXISTS credit_department_status",
    "DROP INDEX IF EXISTS credit_unit_status",
    "DROP INDEX IF EXISTS credit_person_year",
    "DROP INDEX IF EXISTS training_department_year",
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
