from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-24T23:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "credit rule catalogue uniqueness"

# One code per year and province; national rules have no region, and NULLs
# never collide in a unique index, hence the COALESCE (same DDL on SQLite and
# PostgreSQL).
_FORWARDS = (
    "CREATE UNIQUE INDEX IF NOT EXISTS credit_rule_year_code_region ON credit_rule (year, code, COALESCE(region, 0))",
)
_BACKWARDS = ("DROP INDEX IF EXISTS credit_rule_year_code_region",)


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
