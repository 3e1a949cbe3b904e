"""Held-activity statistics (001 §4.2): in-house trainings and CME projects, with a workbook export."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal

import msgspec
from litestar import Controller, Response, get
from litestar.params import PathParameter, QueryParameter

from server.controllers.schemas import Page, PathId, QueryId
from server.security import Caller
from server.services import activity_stats

Kind = Literal["inhouse", "project"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ActivityRead(msgspec.Struct):
    kind: str
    id: int
    training_id: int | None
    title: str
    year: int
    status: str
    project_no: str | None
    department_id: int | None
    department_name: str | None
    unit_name: str
    held: bool
    sessions: int
    attendees: int
    checkins: int
    credits_effective: float
    credits_pending: float
    expected: int | None
    no_shows: int | None


class SessionStatRead(msgspec.Struct):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    attended: int
    no_shows: int | None


class DepartmentStatRead(msgspec.Struct):
    unit_name: str
    department_name: str | None
    attended: int


class AbsentRead(msgspec.Struct):
    person_id: int
    name: str
    person_no: str


class ActivityDetailRead(msgspec.Struct):
    activity: ActivityRead
    sessions: list[SessionStatRead]
    departments: list[DepartmentStatRead]
    absent: list[AbsentRead]


Year = Annotated[int | None, QueryParameter(ge=2000, le=2100)]
Search = Annotated[str, QueryParameter(max_length=50)]


class ActivityStatsController(Controller):
    path = "/api"
    tags: ClassVar[list[str]] = ["statistics"]

    @get("/activity-stats")
    async def list_activities(
        self, principal: Caller, kind: Annotated[Kind, QueryParameter()] = "inhouse", year: Year = None,
        department_id: QueryId = None, q: Search = "",
        page: Annotated[int, QueryParameter(ge=1, le=100000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> Page[ActivityRead]:
        items, total = await activity_stats.activities(principal, kind=kind, year=year, department_id=department_id,
                                                       q=q, limit=page_size, offset=(page - 1) * page_size)
        return Page(items=[msgspec.convert(r, ActivityRead) for r in await activity_stats.measures(items)],
                    total=total)

    @get("/activity-stats/{kind:str}/{activity_id:int}")
    async def detail(self, principal: Caller, kind: Annotated[Kind, PathParameter()], activity_id: PathId) -> ActivityDetailRead:
        return msgspec.convert(await activity_stats.detail(principal, kind, activity_id), ActivityDetailRead)

    @get("/activity-stats.xlsx", media_type=XLSX)
    async def export(self, principal: Caller, kind: Annotated[Kind, QueryParameter()] = "inhouse",
                     year: Year = None, department_id: QueryId = None, q: Search = "") -> Response[bytes]:
        content, name = await activity_stats.export(principal, kind=kind, year=year, department_id=department_id, q=q)
        return Response(content, media_type=XLSX, headers={
            "Content-Disposition": f"attachment; filename=\"activity-stats.xlsx\"; filename*=UTF-8''{name}"})
