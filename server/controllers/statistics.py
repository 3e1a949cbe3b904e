"""Statistics (001 §6.1–6.3), the at-risk list, and the printed reports (000 §6.4, 001 §9.1–9.2)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from urllib.parse import quote

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.params import JSONBody, QueryParameter

from server.controllers.schemas import MAX_ID, Id, Page, PathId, QueryId
from server.security import Caller
from server.services import statistics_xlsx, reports, statistics
from server.services.workbook import XLSX
from server.tables.enums import PersonStatus, Staffing, TitleLevel

Year = Annotated[int | None, QueryParameter(ge=2000, le=2100)]
By = Annotated[Literal["department", "unit", "title_level", "title", "staffing", "city"],
               QueryParameter(description="department | unit | title_level | title | staffing | city")]
PageNo = Annotated[int, QueryParameter(ge=1, le=100000)]
PageSize = Annotated[int, QueryParameter(ge=1, le=200)]
Text50 = Annotated[str, QueryParameter(max_length=50)]
RequiredId = Annotated[int, QueryParameter(ge=1, le=MAX_ID)]


class VerificationCreate(msgspec.Struct):
    person_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=reports.MAX_PEOPLE)]
    years: Annotated[list[Annotated[int, msgspec.Meta(ge=2000, le=2100)]], msgspec.Meta(min_length=1, max_length=20)]


def _file(body: bytes, media_type: str, filename: str, code: str | None = None) -> Response[bytes]:
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}", "Cache-Control": "no-store"}
    if code:
        headers["X-Report-Code"] = code
    return Response(body, media_type=media_type, headers=headers)


def _base_url(request: Request, state: State) -> str:
    return state.settings.base_url or str(request.base_url).rstrip("/")


class StatisticsController(Controller):
    path = "/api/statistics"
    tags = ["statistics"]

    @get("/compliance")
    async def compliance(self, principal: Caller, by: By = "department", year: Year = None,
                         standard_id: QueryId = None, unit_id: QueryId = None,
                         department_id: QueryId = None) -> Page[statistics.GroupRead]:
        return await statistics.compliance_table(principal, year=year, by=by, standard_id=standard_id,
                                                 unit_id=unit_id, department_id=department_id)

    @get("/compliance.xlsx", media_type=XLSX)
    async def compliance_xlsx(self, principal: Caller, by: By = "department", year: Year = None,
                              standard_id: QueryId = None, unit_id: QueryId = None,
                              department_id: QueryId = None) -> Response[bytes]:
        body, name = await statistics_xlsx.compliance(principal, year=year, by=by, standard_id=standard_id,
                                                     unit_id=unit_id, department_id=department_id)
        return _file(body, XLSX, name)

    @get("/people")
    async def people(self, principal: Caller, year: Year = None, unit_id: QueryId = None,
                     department_id: QueryId = None, q: Text50 = "",
                     title_level: Annotated[TitleLevel | None, QueryParameter()] = None,
                     title: Text50 = "", staffing: Annotated[Staffing | None, QueryParameter()] = None,
                     passed: Annotated[bool | None, QueryParameter()] = None,
                     page: PageNo = 1, page_size: PageSize = 20) -> Page[statistics.PersonYearRead]:
        return await statistics.people_summary(
            principal, year=year, unit_id=unit_id, department_id=department_id, q=q,
            title_level=title_level.value if title_level else None, title=title or None,
            staffing=staffing.value if staffing else None, passed=passed, page=page, page_size=page_size)

    @get("/people.xlsx", media_type=XLSX)
    async def people_xlsx(self, principal: Caller, year: Year = None, unit_id: QueryId = None,
                          department_id: QueryId = None, q: Text50 = "",
                          title_level: Annotated[TitleLevel | None, QueryParameter()] = None,
                          title: Text50 = "", staffing: Annotated[Staffing | None, QueryParameter()] = None,
                          passed: Annotated[bool | None, QueryParameter()] = None) -> Response[bytes]:
        body, name = await statistics_xlsx.people(
            principal, year=year, unit_id=unit_id, department_id=department_id, q=q,
            title_level=title_level.value if title_level else None, title=title or None,
            staffing=staffing.value if staffing else None, passed=passed)
        return _file(body, XLSX, name)

    @get("/at-risk")
    async def at_risk(self, principal: Caller, year: Year = None, unit_id: QueryId = None,
                      department_id: QueryId = None, page: PageNo = 1,
                      page_size: PageSize = 20) -> Page[statistics.AtRiskRead]:
        return await statistics.at_risk(principal, year=year, unit_id=unit_id, department_id=department_id,
                                        page=page, page_size=page_size)


class ReportController(Controller):
    path = ""
    tags = ["reports"]

    @get("/api/reports/register.pdf", media_type="application/pdf")
    async def register(self, principal: Caller, request: Request, state: State, department_id: RequiredId,
                       year: Year = None, title: Text50 = "",
                       status: Annotated[PersonStatus | None, QueryParameter()] = None) -> Response[bytes]:
        printed = await reports.register(principal, year=year or statistics.check_year(None),
                                         department_id=department_id, title=title or None,
                                         status=status.value if status else None,
                                         base_url=_base_url(request, state))
        return _file(printed.pdf, "application/pdf", printed.filename, printed.code)

    @get("/api/reports/register.xlsx", media_type=XLSX)
    async def register_xlsx(self, principal: Caller, department_id: RequiredId, year: Year = None, title: Text50 = "",
                            status: Annotated[PersonStatus | None, QueryParameter()] = None) -> Response[bytes]:
        body, name = await statistics_xlsx.register(principal, year=year or statistics.check_year(None),
                                                   department_id=department_id, title=title or None,
                                                   status=status.value if status else None)
        return _file(body, XLSX, name)

    @post("/api/reports/verification.pdf", status_code=200, media_type="application/pdf")
    async def verification(self, principal: Caller, request: Request, state: State,
                           data: JSONBody[VerificationCreate]) -> Response[bytes]:
        printed = await reports.verification(principal, person_ids=data.person_ids, years=data.years,
                                             base_url=_base_url(request, state))
        return _file(printed.pdf, "application/pdf", printed.filename, printed.code)

    @get("/api/me/credit-proof.pdf", media_type="application/pdf")
    async def my_proof(self, principal: Caller, request: Request, state: State,
                       credit_class: Annotated[Literal["I", "II", "all"], QueryParameter(name="class")] = "all",
                       date_from: Annotated[dt.date | None, QueryParameter(name="from")] = None,
                       date_to: Annotated[dt.date | None, QueryParameter(name="to")] = None) -> Response[bytes]:
        printed = await reports.proof(principal, person_id=None, credit_class=credit_class, date_from=date_from,
                                      date_to=date_to, base_url=_base_url(request, state))
        return _file(printed.pdf, "application/pdf", printed.filename, printed.code)

    @get("/api/people/{person_id:int}/credit-proof.pdf", media_type="application/pdf")
    async def person_proof(self, principal: Caller, request: Request, state: State, person_id: PathId,
                           credit_class: Annotated[Literal["I", "II", "all"], QueryParameter(name="class")] = "all",
                           date_from: Annotated[dt.date | None, QueryParameter(name="from")] = None,
                           date_to: Annotated[dt.date | None, QueryParameter(name="to")] = None) -> Response[bytes]:
        printed = await reports.proof(principal, person_id=person_id, credit_class=credit_class,
                                      date_from=date_from, date_to=date_to, base_url=_base_url(request, state))
        return _file(printed.pdf, "application/pdf", printed.filename, printed.code)
