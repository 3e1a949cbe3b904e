"""The one mechanism that limits every query to the caller's role grants.

An admin's reach is the union of their grants: a department admin sees one
department, a unit admin every department of one unit, a region admin every
unit whose region code falls under their region's prefix, a provider's admin
what that provider runs (classes, their enrolments, courses). A trainee reaches
only their own person. Services combine these clauses into their own WHERE,
so an id outside the scope simply isn't found (404), exactly as if it did
not exist.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from piccolo.columns.combination import Or, Where
from piccolo.columns import Column

from server.services.principal import Principal


def grants_where(principal: Principal, *, department: Column | None, unit: Column | None,
                 region_code: Column | None, own: Where | None = None, provider: Column | None = None):
    """WHERE for rows the caller's grants reach, given the row's department, unit and
    unit-region-code columns; ``own`` adds what the caller reaches as a person. None: nothing.
    ``region_code=None`` leaves region grants out (what only a row's reviewers may open).
    ``provider``: the row's provider column, for what a provider's admins run (classes,
    enrolments, courses); a None column leaves that kind of grant out."""
    clauses: list[Where | Or] = []
    if department is not None and (departments := principal.department_ids()):
        clauses.append(department.is_in(sorted(departments)))
    if unit is not None and (units := principal.unit_ids()):
        clauses.append(unit.is_in(sorted(units)))
    if provider is not None and (providers := principal.provider_ids()):
        clauses.append(provider.is_in(sorted(providers)))
    if region_code is not None:
        for prefix in sorted(principal.region_prefixes()):
            clauses.append(region_code.like(f"{prefix}%"))
    if own is not None:
        clauses.append(own)
    return reduce(or_, clauses) if clauses else None


def grants_sql(principal: Principal, *, department: str, unit: str, region_code: str | None
               ) -> tuple[str, list] | None:
    """``grants_where`` as raw SQL for queries Piccolo can't build (``{}`` placeholders, as
    ``server/sqlprog.py`` takes them), given the SQL of the row's department, unit and
    unit-region-code columns; with its arguments. None: nothing."""
    clauses: list[str] = []
    args: list = []
    if departments := sorted(principal.department_ids()):
        clauses.append(f"{department} IN ({', '.join('{}' for _ in departments)})")
        args += departments
    if units := sorted(principal.unit_ids()):
        clauses.append(f"{unit} IN ({', '.join('{}' for _ in units)})")
        args += units
    if region_code is not None:
        for prefix in sorted(principal.region_prefixes()):
            clauses.append(f"{region_code} LIKE {{}}")
            args.append(f"{prefix}%")
    return ("(" + " OR ".join(clauses) + ")", args) if clauses else None


def people_where(principal: Principal, *, person: type, admin_only: bool = False):
    """WHERE clause on the Person table for what ``principal`` may see, or None for nothing."""
    own = None if admin_only or principal.person_id is None else person.id == principal.person_id
    return grants_where(principal, department=person.department, unit=person.unit,
                        region_code=person.unit.region_code, own=own)


def search_text(text: str) -> str:
    """A user's search words, fit for a LIKE pattern.

    SQLite's LIKE has no default escape character, so wildcards typed by a user
    are dropped rather than escaped (names and titles never contain them).
    """
    return text.replace("%", "").replace("_", "").replace("\\", "").strip()
