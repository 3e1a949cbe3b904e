"""Held-activity statistics (001 §4.2): in-house trainings and CME projects, with a workbook export."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from litestar import Controller, Response, get
from litestar.params import PathParameter, QueryParameter

from server.controllers.schemas import Page, PathId, QueryId
from server.security import Caller
from server.services import activity_stats

Kind = Literal["inhouse", "project"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
    ) -> Page[activity_stats.ActivityRead]:
        return await activity_stats.list_activities(principal, kind=kind, year=year, department_id=department_id,
                                                    q=q, limit=page_size, offset=(page - 1) * page_size)

    @get("/activity-stats/{kind:str}/{activity_id:int}")
    async def detail(self, principal: Caller, kind: Annotated[Kind, PathParameter()], activity_id: PathId
                     ) -> activity_stats.ActivityDetailRead:
        return await activity_stats.detail(principal, kind, activity_id)

    @get("/activity-stats.xlsx", media_type=XLSX)
    async def export(self, principal: Caller, kind: Annotated[Kind, QueryParameter()] = "inhouse",
                     year: Year = None, department_id: QueryId = None, q: Search = "") -> Response[bytes]:
        content, name = await activity_stats.export(principal, kind=kind, year=year, department_id=department_id, q=q)
        return Response(content, media_type=XLSX, headers={
            "Content-Disposition": f"attachment; filename=\"activity-stats.xlsx\"; filename*=UTF-8''{name}"})
