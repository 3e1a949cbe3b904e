"""The credit ledger: queries and the two-level review."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.datastructures import State
from litestar.params import JSONBody, QueryParameter

from server.controllers.notices import deliver_notices
from server.controllers.schemas import BatchRead, Id, Page, PathId, QueryId, Reason, ReasonUpdate, StatusRead
from server.security import Caller
from server.services import credits, entries
from server.tables.enums import CreditClass


Quantity = Annotated[float, msgspec.Meta(ge=0, le=100000)]
Title = Annotated[str, msgspec.Meta(max_length=200)]
RuleCode = Annotated[str, msgspec.Meta(max_length=40)]
Position = Annotated[int, msgspec.Meta(ge=1, le=20)]
ProjectNo = Annotated[str, msgspec.Meta(max_length=50)]
Organiser = Annotated[str, msgspec.Meta(max_length=100)]


class EntryCreate(msgspec.Struct):
    """A personal entry (seed 001 §5.2). Credits are never read from the client: a
    "credits" key is ignored like any other unknown key."""

    rule_code: RuleCode
    activity_date: dt.date
    title: Title
    quantity: Quantity | None = None
    author_position: Position | None = None
    project_no: ProjectNo = ""
    organiser: Organiser = ""
    draft: bool = False
    person_id: Id | None = None

    def declaration(self) -> entries.Declaration:
        return entries.Declaration(
            rule_code=self.rule_code, quantity=_decimal(self.quantity), activity_date=self.activity_date,
            title=self.title, author_position=self.author_position, project_no=self.project_no,
            organiser=self.organiser)


class EntryUpdate(msgspec.Struct):
    """Only the keys sent change. ``credits``/``hours``: admins correcting a training's record."""

    rule_code: RuleCode | msgspec.UnsetType = msgspec.UNSET
    activity_date: dt.date | msgspec.UnsetType = msgspec.UNSET
    title: Title | msgspec.UnsetType = msgspec.UNSET
    quantity: Quantity | None | msgspec.UnsetType = msgspec.UNSET
    author_position: Position | None | msgspec.UnsetType = msgspec.UNSET
    project_no: ProjectNo | msgspec.UnsetType = msgspec.UNSET
    organiser: Organiser | msgspec.UnsetType = msgspec.UNSET
    credits: Annotated[float, msgspec.Meta(ge=0, le=999)] | msgspec.UnsetType = msgspec.UNSET
    hours: Annotated[float, msgspec.Meta(ge=0, le=999)] | msgspec.UnsetType = msgspec.UNSET
    reason: Reason = ""

    def declaration(self) -> entries.Declaration:
        names = ("rule_code", "activity_date", "title", "quantity", "author_position", "project_no", "organiser")
        given = {n for n in names if getattr(self, n) is not msgspec.UNSET}
        values = {n: getattr(self, n) for n in given}
        if "quantity" in values:
            values["quantity"] = _decimal(values["quantity"])
        return entries.Declaration(**values, given=given)


class SubmitNote(msgspec.Struct):
    """What changed, for the reviewer (required when a trainee sends a returned check-in credit back)."""

    note: Annotated[str, msgspec.Meta(max_length=500)] = ""


def _decimal(value: float | None | msgspec.UnsetType) -> Decimal | None:
    # Through str: 1.1 stays 1.1, not 1.100000000000000088817841970012523.
    return None if value is None or value is msgspec.UNSET else Decimal(str(value))


GroupStatus = Annotated[Literal["pending_dept", "pending_unit", "effective", "returned", "rejected"],
                        QueryParameter()]


class CreditBatchUpdate(msgspec.Struct):
    """Review actions on many records (returning is a credit's own third way)."""

    ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=500)]
    action: Literal["approve", "return", "reject"]
    reason: Reason = ""



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
        # One source, or several separated by commas (the review queue without lectures' check-ins).
        source: Annotated[str | None, QueryParameter(max_length=80)] = None,
        q: Annotated[str, QueryParameter(max_length=50)] = "",
        department_id: QueryId = None,
        date_from: Annotated[dt.date | None, QueryParameter()] = None,
        date_to: Annotated[dt.date | None, QueryParameter()] = None,
        credit_class: Annotated[CreditClass | None, QueryParameter()] = None,
        in_force: Annotated[bool, QueryParameter(description="effective and already counting (次日生效)")] = False,
        page: Annotated[int, QueryParameter(ge=1, le=100000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=200)] = 20,
    ) -> Page[credits.CreditRead]:
        return await credits.list_credits(principal, status=status, year=year, person_id=person_id,
                                          training_id=training_id, source=source, page=page, page_size=page_size,
                                          q=q, department_id=department_id, date_from=date_from, date_to=date_to,
                                          credit_class=credit_class.value if credit_class else None,
                                          in_force_only=in_force)

    @post("")
    async def create(self, principal: Caller, data: JSONBody[EntryCreate]) -> entries.EntryCreated:
        return await entries.create(principal, data.declaration(), draft=data.draft, person_id=data.person_id)

    @get("/groups")
    async def groups(self, principal: Caller, status: GroupStatus) -> Page[credits.TrainingGroupRead]:
        return await credits.attendance_groups(principal, status)

    @get("/{credit_id:int}")
    async def detail(self, principal: Caller, credit_id: PathId) -> credits.CreditDetailRead:
        return await credits.get_credit(principal, credit_id)

    @put("/{credit_id:int}")
    async def update(self, principal: Caller, credit_id: PathId,
                     data: JSONBody[EntryUpdate]) -> credits.CreditDetailRead:
        return await entries.update(principal, credit_id, data.declaration(), new_credits=_decimal(data.credits),
                                    new_hours=_decimal(data.hours), reason=data.reason)

    @delete("/{credit_id:int}")
    async def remove(self, principal: Caller, credit_id: PathId, state: State,
                     reason: Annotated[str, QueryParameter(max_length=500)] = "") -> None:
        await entries.delete(principal, credit_id, reason, settings=state.settings)

    @post("/{credit_id:int}/submit", status_code=200)
    async def submit(self, principal: Caller, credit_id: PathId,
                     data: JSONBody[SubmitNote | None] = None) -> StatusRead:
        return await entries.submit(principal, credit_id, data.note if data else "")

    @post("/{credit_id:int}/approve", status_code=200)
    async def approve(self, principal: Caller, credit_id: PathId, state: State) -> StatusRead:
        return await credits.transition(principal, credit_id, "approve",
                                        personal_next_day=state.settings.personal_credit_next_day)

    @post("/{credit_id:int}/return", status_code=200, after_response=deliver_notices)
    async def return_(self, principal: Caller, credit_id: PathId, data: JSONBody[ReasonUpdate]) -> StatusRead:
        return await credits.transition(principal, credit_id, "return", data.reason)

    @post("/{credit_id:int}/reject", status_code=200, after_response=deliver_notices)
    async def reject(self, principal: Caller, credit_id: PathId, data: JSONBody[ReasonUpdate]) -> StatusRead:
        return await credits.transition(principal, credit_id, "reject", data.reason)

    @post("/{credit_id:int}/revoke", status_code=200)
    async def revoke(self, principal: Caller, credit_id: PathId, data: JSONBody[ReasonUpdate]) -> StatusRead:
        return await credits.transition(principal, credit_id, "revoke", data.reason)

    @post("/batch", status_code=200, after_response=deliver_notices)
    async def batch(self, principal: Caller, data: JSONBody[CreditBatchUpdate], state: State) -> BatchRead:
        return BatchRead(results=await credits.transition_many(
            principal, data.ids, data.action, data.reason, personal_next_day=state.settings.personal_credit_next_day))
