"""People (人员): scoped lists and records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from server.services import scope
from server.services.errors import Forbidden, NotFound
from server.services.masking import mask_id_number, mask_phone
from server.services.principal import Principal
from server.tables import Person

_COLUMNS = (
    Person.id,
    Person.name,
    Person.sex,
    Person.person_no,
    Person.id_number,
    Person.phone,
    Person.unit.id.as_alias("unit_id"),
    Person.unit.name.as_alias("unit_name"),
    Person.department.id.as_alias("department_id"),
    Person.department.name.as_alias("department_name"),
    Person.title,
    Person.title_level,
    Person.staffing,
    Person.status,
    Person.birth_date,
    Person.specialty,
    Person.title_assessed_on,
    Person.appointment_year,
    Person.position,
    Person.joins_cme,
)


@dataclass(slots=True)
class PersonPage:
    items: list[dict]
    total: int


def _like_fragment(text: str) -> str:
    # SQLite's LIKE has no default escape character, so wildcards typed by a
    # user are dropped rather than escaped (names never contain them).
    return text.replace("%", "").replace("_", "").replace("\\", "")


def _present(row: dict, *, reveal: bool) -> dict:
    row = dict(row)
    if not reveal:
        row["id_number"] = mask_id_number(row["id_number"])
        row["phone"] = mask_phone(row["phone"])
    for key in ("birth_date", "title_assessed_on"):
        if isinstance(row.get(key), dt.date):
            row[key] = row[key].isoformat()
    row["joins_cme"] = bool(row["joins_cme"])
    return row


async def list_people(
    principal: Principal, *, q: str = "", department_id: int | None = None, page: int = 1, page_size: int = 20
) -> PersonPage:
    where = scope.people_where(principal, person=Person, admin_only=True)
    if where is None:
        raise Forbidden("forbidden", "只有管理员可以查看人员列表")
    clauses = [where]
    q = q.strip()
    if q:
        # Name by substring; number, ID number and phone only by exact match,
        # so a search can't be used to enumerate ID numbers digit by digit.
        pattern = f"%{_like_fragment(q)}%"
        clauses.append(
            Person.name.like(pattern)
            | (Person.person_no == q)
            | (Person.id_number == q.upper())
            | (Person.phone == q)
        )
    if department_id is not None:
        clauses.append(Person.department == department_id)
    query = Person.select(*_COLUMNS)
    count = Person.count()
    for clause in clauses:
        query = query.where(clause)
        count = count.where(clause)
    rows = await query.order_by(Person.department, Person.person_no).limit(page_size).offset(
        (page - 1) * page_size
    )
    total = await count
    return PersonPage(items=[_present(r, reveal=False) for r in rows], total=total)


async def get_person(principal: Principal, person_id: int) -> dict:
    where = scope.people_where(principal, person=Person)
    if where is None:
        raise NotFound()
    row = await Person.select(*_COLUMNS).where(where).where(Person.id == person_id).first()
    if row is None:
        raise NotFound("person_not_found", "人员不存在或不在您的管理范围内")
    return _present(row, reveal=row["id"] == principal.person_id)
