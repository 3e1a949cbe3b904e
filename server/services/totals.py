"""Per person-year totals of effective records (``credit_total``), kept with every transition.

A record counts toward compliance only while ``effective``; the statistics
read these totals instead of the records. Every write that moves a record
into ``effective`` (the unit's approval, a source effective at birth through
``ledger.create``) adds it, every write that moves it out (revocation)
subtracts it, in the same transaction as the status change, so the totals
never disagree with the ledger. Records that are not effective are never
edited or deleted (``entries``), so nothing else needs to touch them.

Both functions here are SQL programs (``server/sqlprog.py``): ``yield from``
them inside another program, or ``db.run_write`` them inside a Piccolo
transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from server.sqlprog import Program
from server.tables.credit_total import CATEGORIES, CLASSES, SOURCES

_UPSERT = (
    "INSERT INTO credit_total (person, year, credit_class, category, source, rule_code, records, credits, hours, "
    "latest_effective_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}) "
    "ON CONFLICT (year, person, credit_class, category, source, rule_code) DO UPDATE SET "
    "records = credit_total.records + excluded.records, credits = credit_total.credits + excluded.credits, "
    "hours = credit_total.hours + excluded.hours, latest_effective_at = CASE "
    "WHEN credit_total.latest_effective_at IS NULL OR excluded.latest_effective_at > credit_total.latest_effective_at "
    "THEN COALESCE(excluded.latest_effective_at, credit_total.latest_effective_at) "
    "ELSE credit_total.latest_effective_at END"
)


def _wide_upsert(klass: str, category: str, source: str) -> str:
    prefix = f"{klass.lower()}_{category}"
    columns = [f"{prefix}_credits", f"{prefix}_hours", f"{prefix}_credits_no_hours"]
    if source in SOURCES:
        columns += [f"src_{source}_{klass.lower()}_credits", f"src_{source}_{klass.lower()}_hours"]
    return (
        f"INSERT INTO credit_year (person, year, records, latest_effective_at, {', '.join(columns)}) "
        f"VALUES ({{}}, {{}}, {{}}, {{}}, {', '.join('{}' for _ in columns)}) ON CONFLICT (year, person) DO UPDATE SET "
        "records = credit_year.records + excluded.records, "
        + "".join(f"{c} = credit_year.{c} + excluded.{c}, " for c in columns)
        + "latest_effective_at = CASE WHEN credit_year.latest_effective_at IS NULL "
        "OR excluded.latest_effective_at > credit_year.latest_effective_at "
        "THEN COALESCE(excluded.latest_effective_at, credit_year.latest_effective_at) "
        "ELSE credit_year.latest_effective_at END"
    )


# One statement per class × category × source (its columns), built on first use.
_WIDE: dict[tuple[str, str, str], str] = {}


_RECORD = ("SELECT person, activity_date, credit_class, category, source, rule_code, credits, hours, effective_at "
           "FROM credit WHERE id = {}")


def year_of(activity_date: dt.date | str) -> int:
    """The year a record counts in: its activity date's (a date, or its ISO text on SQLite)."""
    return activity_date.year if isinstance(activity_date, dt.date) else int(str(activity_date)[:4])


def count(person_id: int, activity_date: dt.date | str, credit_class: str, category: str, source: str,
          rule_code: str, credits: Decimal, hours: Decimal, effective_at: dt.datetime | None,
          sign: int = 1) -> Program[None]:
    """Add (``sign`` 1) or take away (-1) one effective record, in both tables."""
    year = year_of(activity_date)
    credits, hours = Decimal(str(credits)) * sign, Decimal(str(hours)) * sign
    since = effective_at if sign > 0 else None
    if credit_class not in CLASSES or category not in CATEGORIES:
        # The wide row has a column for every class and category there is; a new one needs a migration.
        raise ValueError(f"no credit_year column for class {credit_class!r}, category {category!r}")
    key = (credit_class, category, source)
    if key not in _WIDE:
        _WIDE[key] = _wide_upsert(*key)
    amounts = [credits, hours, credits if hours == 0 else Decimal(0)]
    if source in SOURCES:  # a source without columns is capped through credit_total (rollup)
        amounts += [credits, hours]
    yield (_UPSERT, (person_id, year, credit_class, category, source, rule_code or "", sign, credits, hours, since))
    yield (_WIDE[key], (person_id, year, sign, since, *amounts))
    return None


def count_record(credit_id: int, sign: int) -> Program[None]:
    """``count`` for the record ``credit_id`` as it now stands (call after its status changed)."""
    rows = yield (_RECORD, (credit_id,))
    r = rows[0]
    yield from count(r["person"], r["activity_date"], r["credit_class"], r["category"], r["source"],
                     r["rule_code"], r["credits"], r["hours"], r["effective_at"], sign)
    return None


_YEAR = {"sqlite": "CAST(strftime('%Y', activity_date) AS INTEGER)",
         "postgres": "CAST(EXTRACT(YEAR FROM activity_date) AS INTEGER)"}


def _wide_fill(year: str) -> str:
    names, sums = [], []
    for klass in CLASSES:
        for category in CATEGORIES:
            match = f"credit_class = '{klass}' AND category = '{category}'"
            prefix = f"{klass.lower()}_{category}"
            names += [f"{prefix}_credits", f"{prefix}_hours", f"{prefix}_credits_no_hours"]
            sums += [f"SUM(CASE WHEN {match} THEN credits ELSE 0 END)",
                     f"SUM(CASE WHEN {match} THEN hours ELSE 0 END)",
                     f"SUM(CASE WHEN {match} AND hours = 0 THEN credits ELSE 0 END)"]
    for source in SOURCES:
        for klass in CLASSES:
            for measure in ("credits", "hours"):
                names.append(f"src_{source}_{klass.lower()}_{measure}")
                sums.append(f"SUM(CASE WHEN source = '{source}' AND credit_class = '{klass}' THEN {measure} ELSE 0 END)")
    return (f"INSERT INTO credit_year (person, year, records, latest_effective_at, {', '.join(names)}) "
            f"SELECT person, {year}, COUNT(*), MAX(effective_at), {', '.join(sums)} FROM credit "
            f"WHERE status = 'effective' GROUP BY person, {year}")


async def rebuild(engine) -> None:  # type: ignore[no-untyped-def]
    """Recount every total from the ledger (bulk loads, repairs); one transaction."""
    year = _YEAR[engine.engine_type]
    async with engine.transaction():
        await engine.run_ddl("DELETE FROM credit_total")
        await engine.run_ddl(
            "INSERT INTO credit_total (person, year, credit_class, category, source, rule_code, records, credits, "
            f"hours, latest_effective_at) SELECT person, {year}, credit_class, category, source, rule_code, "
            "COUNT(*), SUM(credits), SUM(hours), MAX(effective_at) FROM credit WHERE status = 'effective' "
            f"GROUP BY person, {year}, credit_class, category, source, rule_code")
        await engine.run_ddl("DELETE FROM credit_year")
        await engine.run_ddl(_wide_fill(year))
