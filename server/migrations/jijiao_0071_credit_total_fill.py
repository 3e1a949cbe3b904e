"""The totals tables' unique keys, and the totals of the records already effective.

A frozen copy of ``services/totals.py``'s rebuild: a migration keeps doing what
it did when it was written. The year is the activity date's (what compliance
counts by); SQLite and PostgreSQL spell its extraction differently.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T03:44:27:590116"
VERSION = "1.38.0"
DESCRIPTION = "credit_total / credit_year: unique keys and the totals of existing effective records"

_INDEXES = (
    "CREATE UNIQUE INDEX IF NOT EXISTS credit_total_key ON credit_total "
    "(year, person, credit_class, category, source, rule_code)",
    "CREATE UNIQUE INDEX IF NOT EXISTS credit_year_key ON credit_year (year, person)",
    # A cap on a source (in categories) or on a catalogue rule reads only its rows.
    "CREATE INDEX IF NOT EXISTS credit_total_source ON credit_total (year, source, person)",
    "CREATE INDEX IF NOT EXISTS credit_total_rule ON credit_total (year, rule_code, person)",
)
_YEAR = {"sqlite": "CAST(strftime('%Y', activity_date) AS INTEGER)",
         "postgres": "CAST(EXTRACT(YEAR FROM activity_date) AS INTEGER)"}
_TOTAL = (
    "INSERT INTO credit_total (person, year, credit_class, category, source, rule_code, records, credits, hours, "
    "latest_effective_at) SELECT person, {year}, credit_class, category, source, rule_code, COUNT(*), "
    "SUM(credits), SUM(hours), MAX(effective_at) FROM credit WHERE status = 'effective' "
    "GROUP BY person, {year}, credit_class, category, source, rule_code"
)


def _wide() -> str:
    names, sums = [], []
    for klass in ("I", "II"):
        for category in ("public", "professional", "elective"):
            match = f"credit_class = '{klass}' AND category = '{category}'"
            prefix = f"{klass.lower()}_{category}"
            names += [f"{prefix}_credits", f"{prefix}_hours", f"{prefix}_credits_no_hours"]
            sums += [f"SUM(CASE WHEN {match} THEN credits ELSE 0 END)",
                     f"SUM(CASE WHEN {match} THEN hours ELSE 0 END)",
                     f"SUM(CASE WHEN {match} AND hours = 0 THEN credits ELSE 0 END)"]
    for source in ("attendance", "speaker", "personal", "project", "class", "course", "import"):
        for klass in ("I", "II"):
            for measure in ("credits", "hours"):
                names.append(f"src_{source}_{klass.lower()}_{measure}")
                sums.append(f"SUM(CASE WHEN source = '{source}' AND credit_class = '{klass}' THEN {measure} ELSE 0 END)")
    return (f"INSERT INTO credit_year (person, year, records, latest_effective_at, {', '.join(names)}) "
            f"SELECT person, {{year}}, COUNT(*), MAX(effective_at), {', '.join(sums)} FROM credit "
            "WHERE status = 'effective' GROUP BY person, {year}")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="jijiao", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        for ddl in _INDEXES:
            await engine.run_ddl(ddl)
        year = _YEAR[engine.engine_type]
        await engine.run_ddl("DELETE FROM credit_total")
        await engine.run_ddl(_TOTAL.format(year=year))
        await engine.run_ddl("DELETE FROM credit_year")
        await engine.run_ddl(_wide().format(year=year))

    async def drop():
        for name in ("credit_total_key", "credit_year_key", "credit_total_source", "credit_total_rule"):
            await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
