"""What the caller must not miss (home card, tab dot), marking it read, and sending its SMS."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from server.controllers.schemas import Id, PathId
from server.security import Caller
from server.services import notices


async def deliver_notices(request: Request) -> None:
    """after_response hook of every handler that may make notices: their SMS go out once answered."""
    await notices.deliver_pending(request.app.state.sms_gateway)


class NoticesReadUpdate(msgspec.Struct):
    credit_id: Annotated[Id, msgspec.Meta(description="mark every unread notice of this credit read")]


class NoticeController(Controller):
    path = "/api/me"
    tags = ["notices"]

    @get("/attention")
    async def attention(self, principal: Caller) -> notices.AttentionRead:
        return await notices.attention(principal)

    @post("/notices/{notice_id:int}/read", status_code=HTTP_204_NO_CONTENT)
    async def read_one(self, principal: Caller, notice_id: PathId) -> None:
        await notices.mark_read(principal, notice_id=notice_id)

    @post("/notices/read", status_code=HTTP_204_NO_CONTENT)
    async def read_credit(self, principal: Caller, data: JSONBody[NoticesReadUpdate]) -> None:
        await notices.mark_read(principal, credit_id=data.credit_id)
