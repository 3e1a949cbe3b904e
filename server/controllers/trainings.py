"""In-house trainings and their sessions and courses."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import JSONBody, QueryParameter

from server.controllers.schemas import Category, Id, Page, PathId, ReasonUpdate, text
from server.security import Caller
from server.controllers.notices import deliver_notices
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


class TrainingRead(msgspec.Struct):
    id: int
    title: str
    year: int
    credit_class: str
    category: str
    credits: float
    hours: float
    status: str
    # Empty for the Training a provider's class owns for its sessions (class_id).
    department_id: int | None
    department_name: str | None
    unit_id: int | None
    unit_name: str | None
    discipline: str
    subdiscipline: str
    format: str
    assessment: str
    other_no: str
    remark: str
    requires_checkout: bool
    min_minutes: int
    review_reason: str
    created_at: dt.datetime
    class_id: int | None = None
    kind: str = "inhouse"

    @classmethod
    def of(cls, row: dict) -> "TrainingRead":
        return cls(
            id=row["id"], title=row["title"], year=row["year"], credit_class=row["credit_class"],
            category=row["category"], credits=float(row["credits"]), hours=float(row["hours"]), status=row["status"],
            department_id=row["department"], department_name=row["department_name"], unit_id=row["unit"],
            unit_name=row["unit_name"], discipline=row["discipline"], subdiscipline=row["subdiscipline"],
            format=row["format"], assessment=row["assessment"], other_no=row["other_no"], remark=row["remark"],
            requires_checkout=bool(row["requires_checkout"]), min_minutes=row["min_minutes"],
            review_reason=row["review_reason"], created_at=row["created_at"], class_id=row.get("training_class"), kind=row["kind"],
        )


class SessionCreate(msgspec.Struct):
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: Annotated[str, msgspec.Meta(max_length=100)] = ""


class SessionRead(msgspec.Struct):
    id: int
    training_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str


class CourseCreate(msgspec.Struct):
    title: Title
    hours: float
    speaker_id: Id | None = None
    speaker_name: Annotated[str, msgspec.Meta(max_length=50)] = ""


class CourseRead(msgspec.Struct):
    id: int
    title: str
    hours: float
    speaker_id: int | None
    speaker_name: str


class StatusRead(msgspec.Struct):
    id: int
    status: str


class RemindRead(msgspec.Struct):
    told: int  # how many of the unit's admins were reminded


class TrainingDetailRead(msgspec.Struct):
    training: TrainingRead
    sessions: list[SessionRead]
    courses: list[CourseRead]


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
    ) -> Page[TrainingRead]:
        rows, total = await trainings.list_trainings(principal, tab=tab, year=year, credit_class=credit_class, q=q,
                                                     page=page, page_size=page_size, status=status)
        return Page(items=[TrainingRead.of(r) for r in rows], total=total)

    @post("")
    async def create(self, principal: Caller, data: JSONBody[TrainingCreate]) -> TrainingRead:
        return TrainingRead.of(await trainings.create(principal, msgspec.structs.asdict(data)))

    @get("/{training_id:int}")
    async def detail(self, principal: Caller, training_id: PathId) -> TrainingDetailRead:
        row, _ = await trainings.load(principal, training_id)
        sessions = [SessionRead(id=s["id"], training_id=training_id, starts_at=s["starts_at"], ends_at=s["ends_at"],
                                location=s["location"]) for s in await trainings.sessions_of(training_id)]
        courses = [CourseRead(id=c["id"], title=c["title"], hours=float(c["hours"]), speaker_id=c["speaker_id"],
                              speaker_name=c["speaker_name"]) for c in await trainings.courses_of(training_id)]
        return TrainingDetailRead(training=TrainingRead.of(row), sessions=sessions, courses=courses)

    @patch("/{training_id:int}")
    async def update(self, principal: Caller, training_id: PathId,
                     data: JSONBody[TrainingUpdate]) -> TrainingRead:
        return TrainingRead.of(await trainings.update(principal, training_id, msgspec.structs.asdict(data)))

    @post("/{training_id:int}/sessions")
    async def add_session(self, principal: Caller, training_id: PathId,
                          data: JSONBody[SessionCreate]) -> SessionRead:
        row = await trainings.add_session(principal, training_id, data.starts_at, data.ends_at, data.location)
        return msgspec.convert(row, SessionRead, from_attributes=True)

    @post("/{training_id:int}/courses")
    async def add_course(self, principal: Caller, training_id: PathId,
                         data: JSONBody[CourseCreate]) -> CourseRead:
        row = await trainings.add_course(principal, training_id, data.title, data.hours, data.speaker_id,
                                         data.speaker_name)
        return msgspec.convert(row, CourseRead)

    @post("/{training_id:int}/submit", status_code=200)
    async def submit(self, principal: Caller, training_id: PathId) -> StatusRead:
        return StatusRead(**await trainings.submit(principal, training_id))

    @post("/{training_id:int}/approve", status_code=200)
    async def approve(self, principal: Caller, training_id: PathId) -> StatusRead:
        return StatusRead(**await trainings.approve(principal, training_id))

    @post("/{training_id:int}/reject", status_code=200)
    async def reject(self, principal: Caller, training_id: PathId,
                     data: JSONBody[ReasonUpdate]) -> StatusRead:
        return StatusRead(**await trainings.reject(principal, training_id, data.reason))

    @post("/{training_id:int}/remind", status_code=200, after_response=deliver_notices)
    async def remind(self, principal: Caller, training_id: PathId) -> RemindRead:
        return RemindRead(told=await notices.remind_unit(principal, training_id))

    @post("/{training_id:int}/close", status_code=200)
    async def close(self, principal: Caller, training_id: PathId) -> StatusRead:
        return StatusRead(**await trainings.close(principal, training_id))
