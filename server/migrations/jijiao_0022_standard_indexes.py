"""Uniqueness the standards need, said to the database (same DDL on SQLite and PostgreSQL).

* A live standard's name is unique per year and region (national: no region, hence
  the COALESCE, since NULLs never collide); a retired one frees its name.
* A person chooses at most one standard per year and scheme; a second choice of
  the same scheme is refused by the index, so two requests at once cannot both win.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T03:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "standard and person_standard uniqueness"

_FORWARDS = (
    "CREATE UNIQUE INDEX IF NOT EXISTS standard_live_name ON standard (year, COALESCE(region_code, ''), name)"
    " WHERE retired_at IS NULL",
    "CREATE UNIQUE INDEX IF NOT EXISTS person_standard_person_year_scheme ON person_standard (person, year, scheme)",
    "CREATE INDEX IF NOT EXISTS person_standard_standard ON person_standard (standard)",
)
_BACKWARDS = (
    "DROP INDEX IF EXISTS standard_live_name",
    "DROP INDEX IF EXISTS person_standard_person_year_scheme",
    "DROP INDEX IF EXISTS person_standard_standard",
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
