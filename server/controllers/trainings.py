"""In-house trainings and their sessions and courses."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import JSONBody, QueryParameter

from server.controllers.notices import deliver_notices
from server.controllers.schemas import Category, Id, Page, PathId, ReasonUpdate, StatusRead, text
from server.security import Caller
from server.services import notices, trainings

Title = text(200)
Short = Annotated[str, msgspec.Meta(max_length=50)]


class TrainingCreate(msgspec.Struct):
    title: Title
    year: int
    credit_class: Literal["I", "II"]
    credits: float
    hours: float
    category: Category = "professional"
    department_id: Id | None = None
    discipline: Short = ""
    subdiscipline: Short = ""
    format: Annotated[str, msgspec.Meta(max_length=20)] = "面授"
    assessment: Annotated[str, msgspec.Meta(max_length=20)] = ""
    other_no: Short = ""
    remark: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    requires_checkout: bool = False
    min_minutes: Annotated[int, msgspec.Meta(ge=0, le=24 * 60)] = 0


class TrainingUpdate(msgspec.Struct):
    title: Title | None = None
    year: int | None = None
    credit_class: Literal["I", "II"] | None = None
    category: Category | None = None
    credits: float | None = None
    hours: float | None = None
    discipline: Short | None = None
    subdiscipline: Short | None = None
    format: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    assessment: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    other_no: Short | None = None
    remark: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    requires_checkout: bool | None = None
    min_minutes: Annotated[int, msgspec.Meta(ge=0, le=24 * 60)] | None = None


class SessionCreate(msgspec.Struct):
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: Annotated[str, msgspec.Meta(max_length=100)] = ""


class CourseCreate(msgspec.Struct):
    title: Title
    hours: float
    speaker_id: Id | None = None
    speaker_name: Annotated[str, msgspec.Meta(max_length=50)] = ""


class RemindRead(msgspec.Struct):
    told: int  # how many of the unit's admins were reminded


class TrainingController(Controller):
    path = "/api/trainings"
    tags = ["trainings"]

    @get("")
    async def list_trainings(
        self,
        principal: Caller,
        tab: Annotated[Literal["all", "held", "not_held", "to_score"], QueryParameter()] = "all",
        year: Annotated[int | None, QueryParameter(ge=2000, le=2100)] = None,
        credit_class: Annotated[Literal["I", "II"] | None, QueryParameter()] = None,
        status: Annotated[Literal["draft", "submitted", "approved", "rejected", "closed"] | None,
                          QueryParameter()] = None,
        q: Annotated[str, QueryParameter(max_length=50)] = "",
        page: Annotated[int, QueryParameter(ge=1, le=100000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> Page[trainings.TrainingRead]:
        return await trainings.list_trainings(principal, tab=tab, year=year, credit_class=credit_class, q=q,
                                              page=page, page_size=page_size, status=status)

    @post("")
    async def create(self, principal: Caller, data: JSONBody[TrainingCreate]) -> trainings.TrainingRead:
        return await trainings.create(principal, msgspec.structs.asdict(data))

    @get("/{training_id:int}")
    async def detail(self, principal: Caller, training_id: PathId) -> trainings.TrainingDetailRead:
        return await trainings.detail(principal, training_id)

    @patch("/{training_id:int}")
    async def update(self, principal: Caller, training_id: PathId,
                     data: JSONBody[TrainingUpdate]) -> trainings.TrainingRead:
        return await trainings.update(principal, training_id, msgspec.structs.asdict(data))

    @post("/{training_id:int}/sessions")
    async def add_session(self, principal: Caller, training_id: PathId,
                          data: JSONBody[SessionCreate]) -> trainings.SessionRead:
        return await trainings.add_session(principal, training_id, data.starts_at, data.ends_at, data.location)

    @post("/{training_id:int}/courses")
    async def add_course(self, principal: Caller, training_id: PathId,
                         data: JSONBody[CourseCreate]) -> trainings.CourseRead:
        return await trainings.add_course(principal, training_id, data.title, data.hours, data.speaker_id,
                                          data.speaker_name)

    @post("/{training_id:int}/submit", status_code=200)
    async def submit(self, principal: Caller, training_id: PathId) -> StatusRead:
        return await trainings.submit(principal, training_id)

    @post("/{training_id:int}/approve", status_code=200)
    async def approve(self, principal: Caller, training_id: PathId) -> StatusRead:
        return await trainings.approve(principal, training_id)

    @post("/{training_id:int}/reject", status_code=200)
    async def reject(self, principal: Caller, training_id: PathId,
                     data: JSONBody[ReasonUpdate]) -> StatusRead:
        return await trainings.reject(principal, training_id, data.reason)

    @post("/{training_id:int}/remind", status_code=200, after_response=deliver_notices)
    async def remind(self, principal: Caller, training_id: PathId) -> RemindRead:
        return RemindRead(told=await notices.remind_unit(principal, training_id))

    @post("/{training_id:int}/close", status_code=200)
    async def close(self, principal: Caller, training_id: PathId) -> StatusRead:
        return await trainings.close(principal, training_id)
