"""The one mechanism that limits every query to the caller's role grants.

An admin's reach is the union of their grants: a department admin sees one
department, a unit admin every department of one unit, a region admin every
unit whose region code falls under their region's prefix. A trainee reaches
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


def people_where(principal: Principal, *, person: type, admin_only: bool = False):
    """WHERE clause on the Person table for what ``principal`` may see, or None for nothing."""
    clauses: list[Where | Or] = []
    departments = principal.department_ids()
    if departments:
        clauses.append(person.department.is_in(sorted(departments)))
    units = principal.unit_ids()
    if units:
        clauses.append(person.unit.is_in(sorted(units)))
    for prefix in sorted(principal.region_prefixes()):
        clauses.append(person.unit.region_code.like(f"{prefix}%"))
    if not admin_only and principal.person_id is not None:
        clauses.append(person.id == principal.person_id)
    if not clauses:
        return None
    return reduce(or_, clauses)


def unit_where(principal: Principal, unit_id_column: Column, region_code_column: Column):
    """WHERE on a unit reference: units the caller administers (dept admins: their dept's unit)."""
    clauses: list[Where | Or] = []
    units = principal.unit_ids() | {
        g.unit_id for g in principal.grants if g.department_id and g.unit_id and g.role.value == "dept_admin"
    }
    if units:
        clauses.append(unit_id_column.is_in(sorted(units)))
    for prefix in sorted(principal.region_prefixes()):
        clauses.append(region_code_column.like(f"{prefix}%"))
    if not clauses:
        return None
    return reduce(or_, clauses)
