"""People in the caller's scope."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from typing import Annotated

from litestar.params import QueryParameter

from server.controllers.schemas import Page, PathId, QueryId
from server.security import Caller
from server.services import people


class PersonRead(msgspec.Struct):
    id: int
    name: str
    sex: str
    person_no: str
    id_number: str
    phone: str
    unit_id: int
    unit_name: str
    department_id: int | None
    department_name: str | None
    title: str
    title_level: str
    staffing: str
    status: str
    birth_date: str | None
    specialty: str
    title_assessed_on: str | None
    appointment_year: int | None
    position: str
    joins_cme: bool


class PeopleController(Controller):
    path = "/api/people"
    tags = ["people"]

    @get("")
    async def list_people(
        self,
        principal: Caller,
        q: Annotated[str, QueryParameter(max_length=50)] = "",
        department_id: QueryId = None,
        page: Annotated[int, QueryParameter(ge=1, le=100000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> Page[PersonRead]:
        result = await people.list_people(principal, q=q, department_id=department_id, page=page,
                                          page_size=page_size)
        return Page(items=[msgspec.convert(r, PersonRead) for r in result.items], total=result.total)

    @get("/{person_id:int}")
    async def get_person(self, principal: Caller, person_id: PathId) -> PersonRead:
        return msgspec.convert(await people.get_person(principal, person_id), PersonRead)
