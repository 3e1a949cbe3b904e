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


class DelegateUpdate(msgspec.Struct):
    department_id: Id


@dataclass
class FileUpload:
    file: UploadFile
    kind: Literal["attachment", "notice"] = "attachment"


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
    ) -> Page[projects.ProjectRead]:
        return await projects.list_projects(
            principal, status=status, year=year, level=level, discipline=discipline, unit_id=unit_id,
            department_id=department_id, q=q, date_from=date_from, date_to=date_to, delegated=delegated, page=page,
            page_size=page_size)

    @post("")
    async def create(self, principal: Caller, data: JSONBody[ProjectCreate]) -> projects.ProjectRead:
        return await projects.create(principal, msgspec.to_builtins(data, builtin_types=(dt.date,)))

    @get("/{project_id:int}")
    async def detail(self, principal: Caller, project_id: PathId) -> projects.ProjectDetailRead:
        return await projects.detail(principal, project_id)

    @patch("/{project_id:int}")
    async def update(self, principal: Caller, project_id: PathId,
                     data: JSONBody[ProjectUpdate]) -> projects.ProjectRead:
        return await projects.update(principal, project_id, msgspec.to_builtins(data, builtin_types=(dt.date,)))

    @post("/{project_id:int}/submit", status_code=200)
    async def submit(self, principal: Caller, project_id: PathId) -> projects.ProjectStatusRead:
        return await projects.submit(principal, project_id)

    @post("/{project_id:int}/approve", status_code=200)
    async def approve(self, principal: Caller, project_id: PathId) -> projects.ProjectStatusRead:
        return await projects.approve(principal, project_id)

    @post("/{project_id:int}/return", status_code=200)
    async def return_(self, principal: Caller, project_id: PathId,
                      data: JSONBody[ReasonUpdate]) -> projects.ProjectStatusRead:
        return await projects.return_(principal, project_id, data.reason)

    @post("/{project_id:int}/reject", status_code=200)
    async def reject(self, principal: Caller, project_id: PathId,
                     data: JSONBody[ReasonUpdate]) -> projects.ProjectStatusRead:
        return await projects.reject(principal, project_id, data.reason)

    @post("/{project_id:int}/delegate", status_code=200)
    async def delegate(self, principal: Caller, project_id: PathId,
                       data: JSONBody[DelegateUpdate]) -> projects.ProjectRead:
        return await projects.delegate(principal, project_id, data.department_id)

    @post("/{project_id:int}/sessions", status_code=HTTP_201_CREATED)
    async def add_session(self, principal: Caller, project_id: PathId,
                          data: JSONBody[SessionCreate]) -> projects.ProjectSessionRead:
        return await projects.add_session(principal, project_id, data.starts_at, data.ends_at, data.location)

    @post("/{project_id:int}/close", status_code=200)
    async def close(self, principal: Caller, project_id: PathId) -> projects.CloseRead:
        return await projects.close(principal, project_id)

    @post("/{project_id:int}/prep/submit", status_code=200)
    async def submit_prep(self, principal: Caller, project_id: PathId) -> projects.PrepStatusRead:
        return await projects.submit_prep(principal, project_id)

    @post("/{project_id:int}/prep/approve", status_code=200)
    async def approve_prep(self, principal: Caller, project_id: PathId) -> projects.PrepStatusRead:
        return await projects.check_prep(principal, project_id, approve=True)

    @post("/{project_id:int}/prep/return", status_code=200)
    async def return_prep(self, principal: Caller, project_id: PathId,
                          data: JSONBody[ReasonUpdate]) -> projects.PrepStatusRead:
        return await projects.check_prep(principal, project_id, approve=False, reason=data.reason)

    @post("/{project_id:int}/files", status_code=HTTP_201_CREATED)
    async def upload(self, principal: Caller, project_id: PathId, state: State,
                     data: Annotated[FileUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
                     ) -> projects.ProjectFileRead:
        content = await _read(data.file)
        return await project_files.upload(principal, project_id, data.kind, content, data.file.filename,
                                          state.settings)


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
