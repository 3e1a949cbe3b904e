"""The technical archive: the trainee's sections and résumé, and the unit's approval queue."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

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


class MyArchiveController(Controller):
    path = "/api/me"
    tags = ["archive"]

    @get("/archive")
    async def my_archive(self, principal: Caller) -> archive.ArchiveRead:
        return await archive.my_archive(principal)

    @post("/archive/{section:str}", status_code=201)
    async def add(self, principal: Caller, section: Section, data: JSONBody[ItemBody]) -> archive.ChangeRead:
        return await archive.add_item(principal, section, data)

    @put("/archive/{section:str}/{item_id:int}")
    async def update(self, principal: Caller, section: Section, item_id: PathId,
                     data: JSONBody[ItemBody]) -> archive.ChangeRead:
        return await archive.update_item(principal, section, item_id, data)

    @delete("/archive/{section:str}/{item_id:int}", status_code=200)
    async def remove(self, principal: Caller, section: Section, item_id: PathId) -> archive.ChangeRead:
        return await archive.delete_item(principal, section, item_id)

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
                           page_size: Annotated[int, QueryParameter(ge=1, le=100)] = 20) -> Page[archive.ChangeRead]:
        return await archive.list_changes(principal, status=status.value if status else None, page=page,
                                          page_size=page_size)

    @post("/{change_id:int}/approve", status_code=200)
    async def approve(self, principal: Caller, change_id: PathId) -> archive.DecisionRead:
        return await archive.approve(principal, change_id)

    @post("/{change_id:int}/reject", status_code=200)
    async def reject(self, principal: Caller, change_id: PathId,
                     data: JSONBody[ReasonUpdate]) -> archive.DecisionRead:
        return await archive.reject(principal, change_id, data.reason)
