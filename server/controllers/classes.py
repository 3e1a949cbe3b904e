"""Providers' training classes and trainees' enrolments (seed 002 §3.3.2–3.3.3, 004 §4)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from server.controllers.schemas import BatchRead, Id, Page, PathId, Reason, ReasonUpdate, StatusRead
from server.controllers.trainings import SessionCreate
from server.security import Caller
from server.services import classes
from server.services.trainings import SessionRead

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Category = Literal["public", "professional", "elective"]
Hours = Annotated[float, msgspec.Meta(gt=0, le=1000)]
Text = Annotated[str, msgspec.Meta(max_length=4000)]


class ClassCreate(msgspec.Struct):
    title: Title
    year: int
    category: Category
    hours: Hours
    starts_on: dt.date
    ends_on: dt.date
    capacity: int
    online: bool = False
    place: Annotated[str, msgspec.Meta(max_length=200)] = ""
    description: Text = ""
    provider_id: Id | None = None


class ClassUpdate(msgspec.Struct):
    title: Title | None = None
    year: int | None = None
    category: Category | None = None
    hours: Hours | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    capacity: int | None = None
    online: bool | None = None
    place: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    description: Text | None = None


class CompleteUpdate(msgspec.Struct):
    """The hours confirmed; the class's hours when left out."""

    hours: Hours | None = None


class EnrolmentBatch(msgspec.Struct):
    ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=500)]
    action: Literal["confirm", "refuse", "complete"]
    reason: Reason = ""
    hours: Hours | None = None


ClassStatusFilter = Annotated[Literal["draft", "accepting", "closed"] | None, QueryParameter()]
EnrolmentStatusFilter = Annotated[Literal["pending", "enrolled", "completed", "refused", "cancelled"] | None,
                                  QueryParameter()]
PageNo = Annotated[int, QueryParameter(ge=1, le=100000)]
PageSize = Annotated[int, QueryParameter(ge=1, le=200)]


class ClassController(Controller):
    path = "/api/classes"
    tags = ["classes"]

    @get("")
    async def list_classes(self, principal: Caller,
                           year: Annotated[int | None, QueryParameter(ge=2000, le=2100)] = None,
                           status: ClassStatusFilter = None, q: Annotated[str, QueryParameter(max_length=50)] = "",
                           page: PageNo = 1, page_size: PageSize = 20) -> Page[classes.ClassRead]:
        return await classes.list_classes(principal, year=year, status=status, q=q, page=page, page_size=page_size)

    @post("")
    async def create(self, principal: Caller, data: JSONBody[ClassCreate]) -> classes.ClassRead:
        return await classes.create(principal, msgspec.structs.asdict(data))

    @get("/{class_id:int}")
    async def detail(self, principal: Caller, class_id: PathId) -> classes.ClassRead:
        return await classes.detail_for(principal, class_id)

    @patch("/{class_id:int}")
    async def update(self, principal: Caller, class_id: PathId, data: JSONBody[ClassUpdate]) -> classes.ClassRead:
        return await classes.update(principal, class_id, msgspec.structs.asdict(data))

    @post("/{class_id:int}/open", status_code=200)
    async def open_(self, principal: Caller, class_id: PathId) -> StatusRead:
        return await classes.open_(principal, class_id)

    @post("/{class_id:int}/close", status_code=200)
    async def close(self, principal: Caller, class_id: PathId) -> StatusRead:
        return await classes.close(principal, class_id)

    @post("/{class_id:int}/enrolments", status_code=HTTP_201_CREATED)
    async def enrol(self, principal: Caller, class_id: PathId) -> classes.EnrolmentCreated:
        return await classes.enrol(principal, class_id)

    @get("/{class_id:int}/enrolments")
    async def enrolments(self, principal: Caller, class_id: PathId, status: EnrolmentStatusFilter = None,
                         page: PageNo = 1, page_size: PageSize = 100) -> Page[classes.EnrolmentRead]:
        return await classes.class_enrolments(principal, class_id, status=status, page=page, page_size=page_size)

    @post("/{class_id:int}/complete", status_code=200)
    async def complete_attended(self, principal: Caller, class_id: PathId, data: JSONBody[CompleteUpdate]) -> BatchRead:
        return BatchRead(results=await classes.complete_attended(principal, class_id, data.hours))

    @get("/{class_id:int}/sessions")
    async def sessions(self, principal: Caller, class_id: PathId) -> list[SessionRead]:
        return await classes.sessions(principal, class_id)

    @post("/{class_id:int}/sessions", status_code=HTTP_201_CREATED)
    async def add_session(self, principal: Caller, class_id: PathId, data: JSONBody[SessionCreate]) -> SessionRead:
        return await classes.add_session(principal, class_id, data.starts_at, data.ends_at, data.location)


class EnrolmentController(Controller):
    path = "/api"
    tags = ["classes"]

    @get("/me/enrolments")
    async def mine(self, principal: Caller, page: PageNo = 1,
                   page_size: PageSize = 50) -> Page[classes.EnrolmentRead]:
        return await classes.my_enrolments(principal, page=page, page_size=page_size)

    @post("/enrolments/{enrolment_id:int}/confirm", status_code=200)
    async def confirm(self, principal: Caller, enrolment_id: PathId) -> StatusRead:
        return await classes.confirm(principal, enrolment_id)

    @post("/enrolments/{enrolment_id:int}/refuse", status_code=200)
    async def refuse(self, principal: Caller, enrolment_id: PathId, data: JSONBody[ReasonUpdate]) -> StatusRead:
        return await classes.refuse(principal, enrolment_id, data.reason)

    @post("/enrolments/{enrolment_id:int}/complete", status_code=200)
    async def complete(self, principal: Caller, enrolment_id: PathId,
                       data: JSONBody[CompleteUpdate]) -> classes.Completed:
        return await classes.complete(principal, enrolment_id, data.hours)

    @post("/enrolments/{enrolment_id:int}/cancel", status_code=200)
    async def cancel(self, principal: Caller, enrolment_id: PathId) -> StatusRead:
        return await classes.cancel(principal, enrolment_id)

    @post("/enrolments/batch", status_code=200)
    async def batch(self, principal: Caller, data: JSONBody[EnrolmentBatch]) -> BatchRead:
        return BatchRead(results=await classes.decide_many(principal, data.ids, data.action, reason=data.reason,
                                                           given_hours=data.hours))
