"""The credit_total index, and the totals of the records already effective.

A frozen copy of ``services/totals.py``'s rebuild: a migration keeps doing what
it did when it was written. The year is the activity date's (what compliance
counts by); SQLite and PostgreSQL spell its extraction differently.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T03:44:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "credit_total: unique key and the totals of existing effective records"

_INDEX = ("CREATE UNIQUE INDEX IF NOT EXISTS credit_total_key ON credit_total "
          "(year, person, credit_class, category, source, rule_code)")
_FILL = (
    "INSERT INTO credit_total (person, year, credit_class, category, source, rule_code, records, credits, hours, "
    "latest_effective_at) SELECT person, {year}, credit_class, category, source, rule_code, COUNT(*), "
    "SUM(credits), SUM(hours), MAX(effective_at) FROM credit WHERE status = 'effective' "
    "GROUP BY person, {year}, credit_class, category, source, rule_code"
)
_YEAR = {"sqlite": "CAST(strftime('%Y', activity_date) AS INTEGER)",
         "postgres": "CAST(EXTRACT(YEAR FROM activity_date) AS INTEGER)"}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="jijiao", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        await engine.run_ddl(_INDEX)
        await engine.run_ddl("DELETE FROM credit_total")
        await engine.run_ddl(_FILL.format(year=_YEAR[engine.engine_type]))

    async def drop():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS credit_total_key")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
