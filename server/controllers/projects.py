"""CME projects: application, approval, the published list, delegation, sessions and files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.datastructures import State, UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody, QueryParameter
from litestar.response import File
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from server.controllers.evidence import file_response
from server.controllers.schemas import Id, Page, PathId, QueryId, ReasonUpdate
from server.controllers.trainings import SessionCreate
from server.security import Caller
from server.services import evidence, project_files, projects

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Short = Annotated[str, msgspec.Meta(max_length=50)]
Long = Annotated[str, msgspec.Meta(max_length=2000)]
Level = Literal["provincial", "city"]
Status = Literal["draft", "submitted", "pending_region", "published", "returned", "rejected"]


class CourseIn(msgspec.Struct):
    title: Annotated[str, msgspec.Meta(max_length=200)]
    hours: float
    speaker_id: Id | None = None
    speaker_name: Short = ""
    speaker_title: Short = ""
    speaker_unit: Annotated[str, msgspec.Meta(max_length=100)] = ""


Courses = Annotated[list[CourseIn], msgspec.Meta(max_length=projects.MAX_COURSES)]


class ProjectCreate(msgspec.Struct):
    title: Title
    level: Level
    year: int
    credits: float
    hours: float
    starts_on: dt.date
    ends_on: dt.date
    location: Annotated[str, msgspec.Meta(max_length=100)]
    leader: Short
    department_id: Id | None = None
    discipline: Short = ""
    subdiscipline: Short = ""
    format: Annotated[str, msgspec.Meta(max_length=20)] = "面授"
    audience: Long = ""
    intake: Annotated[int, msgspec.Meta(ge=0, le=100_000)] = 0
    budget_note: Long = ""
    courses: Courses | None = None


class ProjectUpdate(msgspec.Struct):
    title: Title | None = None
    level: Level | None = None
    year: int | None = None
    credits: float | None = None
    hours: float | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    location: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    leader: Short | None = None
    discipline: Short | None = None
    subdiscipline: Short | None = None
    format: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    audience: Long | None = None
    intake: Annotated[int, msgspec.Meta(ge=0, le=100_000)] | None = None
    budget_note: Long | None = None
    courses: Courses | None = None


class ProjectRead(msgspec.Struct):
    id: int
    title: str
    level: str
    year: int
    credits: float
    hours: float
    starts_on: dt.date
    ends_on: dt.date
    location: str
    leader: str
    discipline: str
    subdiscipline: str
    format: str
    audience: str
    intake: int
    budget_note: str
    status: str
    project_no: str | None
    review_reason: str
    department_id: int
    department_name: str
    unit_id: int
    unit_name: str
    region_code: str
    delegated_department_id: int | None
    delegated_department_name: str | None
    training_id: int | None
    prep_status: str
    prep_reason: str
    created_at: dt.datetime
    published_at: dt.datetime | None

    @classmethod
    def fields_of(cls, row: dict) -> dict:
        return dict(
            id=row["id"], title=row["title"], level=row["level"], year=row["year"], credits=float(row["credits"]),
            hours=float(row["hours"]), starts_on=row["starts_on"], ends_on=row["ends_on"], location=row["location"],
            leader=row["leader"], discipline=row["discipline"], subdiscipline=row["subdiscipline"],
            format=row["format"], audience=row["audience"], intake=row["intake"], budget_note=row["budget_note"],
            status=row["status"], project_no=row["project_no"], review_reason=row["review_reason"],
            department_id=row["department"], department_name=row["department_name"], unit_id=row["unit"],
            unit_name=row["unit_name"], region_code=row["region_code"],
            delegated_department_id=row["delegated_department"],
            delegated_department_name=row["delegated_department_name"], training_id=row["training"],
            prep_status=row["prep_status"], prep_reason=row["prep_reason"], created_at=row["created_at"],
            published_at=row["published_at"],
        )

    @classmethod
    def of(cls, row: dict) -> "ProjectRead":
        return cls(**cls.fields_of(row))


class CourseRead(msgspec.Struct):
    id: int
    title: str
    hours: float
    speaker_id: int | None
    speaker_name: str
    speaker_title: str
    speaker_unit: str


class ProjectFileRead(msgspec.Struct):
    id: int
    kind: str
    content_type: str
    size: int
    filename: str
    created_at: dt.datetime
    url: str


class ProjectEventRead(msgspec.Struct):
    id: int
    at: dt.datetime
    action: str
    from_status: str
    to_status: str
    reason: str
    account_name: str | None


class ProjectSessionRead(msgspec.Struct):
    id: int
    training_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    project_id: int | None = None


class ProjectDetailRead(ProjectRead, kw_only=True):
    """One project with what its page shows: the schedule, files, history and sessions."""

    attendee_credits: float | None
    courses: list[CourseRead]
    files: list[ProjectFileRead]
    events: list[ProjectEventRead]
    sessions: list[ProjectSessionRead]


class ProjectStatusRead(msgspec.Struct):
    id: int
    status: str
    project_no: str | None


class PrepStatusRead(msgspec.Struct):
    id: int
    prep_status: str


class CloseRead(msgspec.Struct):
    id: int
    status: str
    training_status: str


class DelegateUpdate(msgspec.Struct):
    department_id: Id


@dataclass
class FileUpload:
    file: UploadFile
    kind: Literal["attachment", "notice"] = "attachment"


async def _detail(principal, project_id: int) -> ProjectDetailRead:  # type: ignore[no-untyped-def]
    row, _ = await projects.load(principal, project_id)
    return msgspec.convert({**ProjectRead.fields_of(row), **await projects.detail_parts(row)}, ProjectDetailRead,
                           from_attributes=True)


class ProjectController(Controller):
    path = "/api/projects"
    tags: ClassVar[list[str]] = ["projects"]

    @get("")
    async def list_projects(
        self,
        principal: Caller,
        status: Annotated[Status | None, QueryParameter()] = None,
        year: Annotated[int | None, QueryParameter(ge=2000, le=2100)] = None,
        level: Annotated[Level | None, QueryParameter()] = None,
        discipline: Annotated[str, QueryParameter(max_length=50)] = "",
        unit_id: QueryId = None,
        department_id: QueryId = None,
        q: Annotated[str, QueryParameter(max_length=50)] = "",
        date_from: Annotated[dt.date | None, QueryParameter()] = None,
        date_to: Annotated[dt.date | None, QueryParameter()] = None,
        delegated: Annotated[bool, QueryParameter()] = False,
        page: Annotated[int, QueryParameter(ge=1, le=100000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> Page[ProjectRead]:
        rows, total = await projects.list_projects(
            principal, status=status, year=year, level=level, discipline=discipline, unit_id=unit_id,
            department_id=department_id, q=q, date_from=date_from, date_to=date_to, delegated=delegated, page=page,
            page_size=page_size)
        return Page(items=[ProjectRead.of(r) for r in rows], total=total)

    @post("")
    async def create(self, principal: Caller, data: JSONBody[ProjectCreate]) -> ProjectRead:
        return ProjectRead.of(await projects.create(principal, msgspec.to_builtins(data, builtin_types=(dt.date,))))

    @get("/{project_id:int}")
    async def detail(self, principal: Caller, project_id: PathId) -> ProjectDetailRead:
        return await _detail(principal, project_id)

    @patch("/{project_id:int}")
    async def update(self, principal: Caller, project_id: PathId, data: JSONBody[ProjectUpdate]) -> ProjectRead:
        fields = msgspec.to_builtins(data, builtin_types=(dt.date,))
        return ProjectRead.of(await projects.update(principal, project_id, fields))

    @post("/{project_id:int}/submit", status_code=200)
    async def submit(self, principal: Caller, project_id: PathId) -> ProjectStatusRead:
        return ProjectStatusRead(**await projects.submit(principal, project_id))

    @post("/{project_id:int}/approve", status_code=200)
    async def approve(self, principal: Caller, project_id: PathId) -> ProjectStatusRead:
        return ProjectStatusRead(**await projects.approve(principal, project_id))

    @post("/{project_id:int}/return", status_code=200)
    async def return_(self, principal: Caller, project_id: PathId, data: JSONBody[ReasonUpdate]) -> ProjectStatusRead:
        return ProjectStatusRead(**await projects.return_(principal, project_id, data.reason))

    @post("/{project_id:int}/reject", status_code=200)
    async def reject(self, principal: Caller, project_id: PathId, data: JSONBody[ReasonUpdate]) -> ProjectStatusRead:
        return ProjectStatusRead(**await projects.reject(principal, project_id, data.reason))

    @post("/{project_id:int}/delegate", status_code=200)
    async def delegate(self, principal: Caller, project_id: PathId, data: JSONBody[DelegateUpdate]) -> ProjectRead:
        return ProjectRead.of(await projects.delegate(principal, project_id, data.department_id))

    @post("/{project_id:int}/sessions", status_code=HTTP_201_CREATED)
    async def add_session(self, principal: Caller, project_id: PathId,
                          data: JSONBody[SessionCreate]) -> ProjectSessionRead:
        row = await projects.add_session(principal, project_id, data.starts_at, data.ends_at, data.location)
        return msgspec.convert(row, ProjectSessionRead)

    @post("/{project_id:int}/close", status_code=200)
    async def close(self, principal: Caller, project_id: PathId) -> CloseRead:
        return CloseRead(**await projects.close(principal, project_id))

    @post("/{project_id:int}/prep/submit", status_code=200)
    async def submit_prep(self, principal: Caller, project_id: PathId) -> PrepStatusRead:
        return PrepStatusRead(**await projects.submit_prep(principal, project_id))

    @post("/{project_id:int}/prep/approve", status_code=200)
    async def approve_prep(self, principal: Caller, project_id: PathId) -> PrepStatusRead:
        return PrepStatusRead(**await projects.check_prep(principal, project_id, approve=True))

    @post("/{project_id:int}/prep/return", status_code=200)
    async def return_prep(self, principal: Caller, project_id: PathId, data: JSONBody[ReasonUpdate]) -> PrepStatusRead:
        return PrepStatusRead(**await projects.check_prep(principal, project_id, approve=False, reason=data.reason))

    @post("/{project_id:int}/files", status_code=HTTP_201_CREATED)
    async def upload(self, principal: Caller, project_id: PathId, state: State,
                     data: Annotated[FileUpload, Body(media_type=RequestEncodingType.MULTI_PART)]) -> ProjectFileRead:
        content = await _read(data.file)
        row = await project_files.upload(principal, project_id, data.kind, content, data.file.filename, state.settings)
        return msgspec.convert(row, ProjectFileRead)


async def _read(upload: UploadFile) -> bytes:
    # One byte past the limit is enough to know it is too large.
    try:
        return await upload.read(evidence.MAX_BYTES + 1)
    finally:
        await upload.close()


class ProjectFileController(Controller):
    path = "/api/project-files"
    tags: ClassVar[list[str]] = ["projects"]

    @get("/{file_id:int}", skip_compression=True)
    async def download(self, principal: Caller, file_id: PathId, state: State) -> File:
        found = await project_files.open_file(principal, file_id, state.settings)
        return file_response(found, inline=found.content_type.startswith("image/") or found.content_type.endswith("pdf"))

    @delete("/{file_id:int}", status_code=HTTP_204_NO_CONTENT)
    async def remove(self, principal: Caller, file_id: PathId, state: State) -> None:
        await project_files.delete(principal, file_id, state.settings)
