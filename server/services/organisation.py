"""Regions, units and departments as the registration pickers show them."""

from __future__ import annotations

import msgspec

from server.services import scope
from server.services.errors import NotFound
from server.services.results import Page
from server.tables import Department, Region, Unit


class RegionRead(msgspec.Struct, frozen=True):
    code: str
    name: str
    level: str


class UnitRead(msgspec.Struct, frozen=True):
    id: int
    name: str
    region_code: str
    level: str


class DepartmentRead(msgspec.Struct, frozen=True):
    id: int
    name: str


async def child_regions(parent_code: str | None) -> list[RegionRead]:
    query = Region.select(Region.code, Region.name, Region.level)
    if parent_code is None:
        query = query.where(Region.parent.is_null())
    else:
        parent = await Region.select(Region.id).where(Region.code == parent_code).first()
        if parent is None:
            raise NotFound("region_not_found", "行政区划不存在")
        query = query.where(Region.parent == parent["id"])
    return [msgspec.convert(r, RegionRead) for r in await query.order_by(Region.code)]


def region_prefix(code: str) -> str:
    # 990000 → 99, 990100 → 9901, 990102 → 990102: a subtree is a code prefix.
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


async def search_units(region_code: str | None, q: str, *, page: int, page_size: int) -> Page[UnitRead]:
    clauses = [Unit.active == True]  # noqa: E712
    if region_code:
        clauses.append(Unit.region_code.like(region_prefix(region_code) + "%"))
    q = scope.search_text(q)
    if q:
        clauses.append(Unit.name.like(f"%{q}%"))
    query = Unit.select(Unit.id, Unit.name, Unit.region_code, Unit.level)
    count = Unit.count()
    for clause in clauses:
        query, count = query.where(clause), count.where(clause)
    rows = await query.order_by(Unit.name).limit(page_size).offset((page - 1) * page_size)
    return Page(items=[msgspec.convert(r, UnitRead) for r in rows], total=await count)


async def unit_departments(unit_id: int) -> list[DepartmentRead]:
    if not await Unit.exists().where((Unit.id == unit_id) & (Unit.active == True)):  # noqa: E712
        raise NotFound("unit_not_found", "单位不存在")
    rows = await (
        Department.select(Department.id, Department.name)
        .where((Department.unit == unit_id) & (Department.active == True))  # noqa: E712
        .order_by(Department.sort_order)
    )
    return [msgspec.convert(r, DepartmentRead) for r in rows]
