"""The technical archive: the trainee's sections and résumé, and the unit's approval queue."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

import msgspec
from litestar import Controller, Response, delete, get, post, put
from litestar.datastructures import State
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from server.controllers.schemas import Page, PathId, ReasonUpdate
from server.security import Caller
from server.services import archive, resume
from server.tables.archive import ArchiveChangeStatus

Section = Annotated[str, PathParameter(min_length=1, max_length=20)]
ItemBody = dict[str, str | None]


class ChangeRead(msgspec.Struct):
    id: int
    section: str
    section_label: str
    action: str
    action_label: str
    item_id: int | None
    before: dict | None
    after: dict | None
    labels: dict[str, str]
    status: str
    status_label: str
    reason: str
    created_at: dt.datetime
    reviewed_at: dt.datetime | None
    person_id: int
    person_name: str
    department_name: str | None


class FieldRead(msgspec.Struct):
    name: str
    label: str
    kind: str
    required: bool
    choices: list[str]


class SectionRead(msgspec.Struct):
    key: str
    label: str
    fields: list[FieldRead]


class ArchiveRead(msgspec.Struct):
    education: list[dict]
    training: list[dict]
    papers: list[dict]
    work: list[dict]
    awards: list[dict]
    changes: list[ChangeRead]
    # What each section holds, for the forms (000 §7.1.1).
    sections: list[SectionRead]


class DecisionRead(msgspec.Struct):
    id: int
    status: str


class MyArchiveController(Controller):
    path = "/api/me"
    tags = ["archive"]

    @get("/archive")
    async def my_archive(self, principal: Caller) -> ArchiveRead:
        return msgspec.convert(await archive.my_archive(principal), ArchiveRead)

    @post("/archive/{section:str}", status_code=201)
    async def add(self, principal: Caller, section: Section, data: JSONBody[ItemBody]) -> ChangeRead:
        return msgspec.convert(await archive.add_item(principal, section, data), ChangeRead)

    @put("/archive/{section:str}/{item_id:int}")
    async def update(self, principal: Caller, section: Section, item_id: PathId, data: JSONBody[ItemBody]) -> ChangeRead:
        return msgspec.convert(await archive.update_item(principal, section, item_id, data), ChangeRead)

    @delete("/archive/{section:str}/{item_id:int}", status_code=200)
    async def remove(self, principal: Caller, section: Section, item_id: PathId) -> ChangeRead:
        return msgspec.convert(await archive.delete_item(principal, section, item_id), ChangeRead)

    @delete("/archive-changes/{change_id:int}", status_code=HTTP_204_NO_CONTENT)
    async def withdraw(self, principal: Caller, change_id: PathId) -> None:
        await archive.withdraw(principal, change_id)

    @get("/resume.pdf", media_type="application/pdf")
    async def resume(self, principal: Caller, state: State) -> Response[bytes]:
        body, name = await resume.resume_pdf(principal, state.settings)
        disposition = f"inline; filename=\"resume.pdf\"; filename*=UTF-8''{quote(f'个人简历-{name}.pdf')}"
        return Response(content=body, media_type="application/pdf",
                        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})


class ArchiveChangeController(Controller):
    path = "/api/archive-changes"
    tags = ["archive"]

    @get("")
    async def list_changes(self, principal: Caller,
                           status: Annotated[ArchiveChangeStatus | None, QueryParameter()] = None,
                           page: Annotated[int, QueryParameter(ge=1, le=100000)] = 1,
                           page_size: Annotated[int, QueryParameter(ge=1, le=100)] = 20) -> Page[ChangeRead]:
        items, total = await archive.list_changes(principal, status=status.value if status else None, page=page,
                                                  page_size=page_size)
        return Page(items=[msgspec.convert(i, ChangeRead) for i in items], total=total)

    @post("/{change_id:int}/approve", status_code=200)
    async def approve(self, principal: Caller, change_id: PathId) -> DecisionRead:
        return DecisionRead(**await archive.approve(principal, change_id))

    @post("/{change_id:int}/reject", status_code=200)
    async def reject(self, principal: Caller, change_id: PathId, data: JSONBody[ReasonUpdate]) -> DecisionRead:
        return DecisionRead(**await archive.reject(principal, change_id, data.reason))
