"""People in the caller's scope."""

from __future__ import annotations

import datetime as dt

import msgspec
from litestar import Controller, get, post
from typing import Annotated

from litestar.params import JSONBody, QueryParameter

from server.boundary import declared_query_only
from server.controllers.schemas import Id, Page, PathId, QueryId
from server.security import Caller
from server.services import people
from server.tables.enums import PersonStatus, Staffing, TitleLevel


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


class PersonCreate(msgspec.Struct):
    id_number: Annotated[str, msgspec.Meta(min_length=1, max_length=18)]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    department_id: Id | None = None
    title: Annotated[str, msgspec.Meta(max_length=50)] = ""
    title_level: TitleLevel = TitleLevel.none
    title_assessed_on: dt.date | None = None
    appointment_year: int | None = None
    staffing: Staffing = Staffing.on_staff
    status: PersonStatus = PersonStatus.active
    phone: Annotated[str, msgspec.Meta(max_length=20)] = ""
    specialty: Annotated[str, msgspec.Meta(max_length=50)] = ""
    person_no: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    position: Annotated[str, msgspec.Meta(max_length=50)] = ""
    joins_cme: bool = True


class PeopleController(Controller):
    path = "/api/people"
    tags = ["people"]

    @get("", guards=[declared_query_only])
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

    @post("", status_code=201)
    async def create_person(self, principal: Caller, data: JSONBody[PersonCreate]) -> PersonRead:
        new = people.NewPerson(**{f: getattr(data, f) for f in data.__struct_fields__})
        for key in ("title_level", "staffing", "status"):
            setattr(new, key, getattr(new, key).value)
        return msgspec.convert(await people.create_person(principal, new), PersonRead)

    @get("/{person_id:int}")
    async def get_person(self, principal: Caller, person_id: PathId) -> PersonRead:
        return msgspec.convert(await people.get_person(principal, person_id), PersonRead)
