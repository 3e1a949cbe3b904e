"""Region, unit and department pickers (public: registration uses them)."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from typing import Annotated

from litestar.params import QueryParameter

from server.controllers.schemas import Page, PathId
from server.services import organisation, standards


class StandardChoiceRead(msgspec.Struct):
    id: int
    year: int
    name: str
    scheme: str


class OrganisationController(Controller):
    path = "/api"
    tags = ["organisation"]
    opt = {"exclude_from_auth": True}

    @get("/regions")
    async def regions(
        self, parent: Annotated[str | None, QueryParameter(pattern=r"^\d{6}$")] = None,
    ) -> Page[organisation.RegionRead]:
        rows = await organisation.child_regions(parent)
        return Page(items=rows, total=len(rows))

    @get("/units")
    async def units(
        self,
        region: Annotated[str | None, QueryParameter(pattern=r"^\d{6}$")] = None,
        q: Annotated[str, QueryParameter(max_length=50)] = "",
        page: Annotated[int, QueryParameter(ge=1, le=100000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> Page[organisation.UnitRead]:
        return await organisation.search_units(region, q, page=page, page_size=page_size)

    @get("/units/{unit_id:int}/departments")
    async def departments(self, unit_id: PathId) -> Page[organisation.DepartmentRead]:
        rows = await organisation.unit_departments(unit_id)
        return Page(items=rows, total=len(rows))

    @get("/units/{unit_id:int}/standards")
    async def unit_standards(self, unit_id: PathId,
                        year: Annotated[int | None, QueryParameter(ge=2000, le=2100)] = None) -> Page[StandardChoiceRead]:
        """The standards a person of this unit may follow (registration's 学分达标遵照标准)."""
        items = await standards.for_unit(unit_id, year)
        return Page(items=[StandardChoiceRead(s.id, s.year, s.name, s.scheme) for s in items], total=len(items))
