"""The credit ledger: queries and the two-level review."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import JSONBody, QueryParameter

from server.controllers.schemas import BatchRead, BatchResult, Id, Page, PathId, QueryId
from server.controllers.trainings import ReasonUpdate, StatusRead
from server.security import Caller
from server.services import credits


class CreditRead(msgspec.Struct):
    id: int
    person_id: int
    person_name: str
    person_no: str
    unit_id: int
    department_id: int | None
    department_name: str | None
    year: int
    activity_date: str
    credit_class: str
    rule_code: str
    title: str
    credits: float
    hours: float
    source: str
    training_id: int | None
    status: str
    reason: str
    created_at: dt.datetime
    effective_at: dt.datetime | None


class CreditEventRead(msgspec.Struct):
    at: dt.datetime
    from_status: str
    to_status: str
    reason: str
    account_name: str | None


class CreditDetailRead(CreditRead):
    events: list[CreditEventRead]


class BatchUpdate(msgspec.Struct):
    ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=500)]
    action: Literal["approve", "return", "reject"]
    reason: Annotated[str, msgspec.Meta(max_length=500)] = ""



StatusFilter = Annotated[str | None, QueryParameter(
    pattern=r"^(draft|pending_dept|pending_unit|effective|returned|rejected|revoked)"
            r"(,(draft|pending_dept|pending_unit|effective|returned|rejected|revoked))*$")]


class CreditController(Controller):
    path = "/api/credits"
    tags = ["credits"]

    @get("")
    async def list_credits(
        self,
        principal: Caller,
        status: StatusFilter = None,
        year: Annotated[int | None, QueryParameter(ge=2000, le=2100)] = None,
        person_id: QueryId = None,
        training_id: QueryId = None,
        source: Annotated[str | None, QueryParameter(max_length=10)] = None,
        q: Annotated[str, QueryParameter(max_length=50)] = "",
        department_id: QueryId = None,
        date_from: Annotated[dt.date | None, QueryParameter()] = None,
        date_to: Annotated[dt.date | None, QueryParameter()] = None,
        page: Annotated[int, QueryParameter(ge=1, le=100000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=200)] = 20,
    ) -> Page[CreditRead]:
        rows, total = await credits.list_credits(principal, status=status, year=year, person_id=person_id,
                                                 training_id=training_id, source=source, page=page,
                                                 page_size=page_size, q=q, department_id=department_id,
                                                 date_from=date_from, date_to=date_to)
        return Page(items=[msgspec.convert(r, CreditRead) for r in rows], total=total)

    @get("/{credit_id:int}")
    async def detail(self, principal: Caller, credit_id: PathId) -> CreditDetailRead:
        return msgspec.convert(await credits.get_credit(principal, credit_id), CreditDetailRead)

    @post("/{credit_id:int}/approve", status_code=200)
    async def approve(self, principal: Caller, credit_id: PathId) -> StatusRead:
        return StatusRead(**await credits.transition(principal, credit_id, "approve"))

    @post("/{credit_id:int}/return", status_code=200)
    async def return_(self, principal: Caller, credit_id: PathId, data: JSONBody[ReasonUpdate]) -> StatusRead:
        return StatusRead(**await credits.transition(principal, credit_id, "return", data.reason))

    @post("/{credit_id:int}/reject", status_code=200)
    async def reject(self, principal: Caller, credit_id: PathId, data: JSONBody[ReasonUpdate]) -> StatusRead:
        return StatusRead(**await credits.transition(principal, credit_id, "reject", data.reason))

    @post("/{credit_id:int}/revoke", status_code=200)
    async def revoke(self, principal: Caller, credit_id: PathId, data: JSONBody[ReasonUpdate]) -> StatusRead:
        return StatusRead(**await credits.transition(principal, credit_id, "revoke", data.reason))

    @post("/batch", status_code=200)
    async def batch(self, principal: Caller, data: JSONBody[BatchUpdate]) -> BatchRead:
        results = await credits.transition_many(principal, data.ids, data.action, data.reason)
        return BatchRead(results=[msgspec.convert(r, BatchResult) for r in results])
