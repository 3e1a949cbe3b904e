"""Display links: made and ended by organisers, opened by the lecture-hall screen with no login."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import State
from litestar.params import Body, PathParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

import qr
from server.controllers.attendance import base_url
from server.controllers.schemas import Page, PathId
from server.security import Caller
from server.services import display
from server.tables.enums import QrPhase

Token = Annotated[str, PathParameter(max_length=200)]


class DisplayLinkCreate(msgspec.Struct):
    phase: QrPhase = QrPhase.checkin


_NO_STORE = {"Cache-Control": "no-store"}


class SessionDisplayLinkController(Controller):
    path = "/api/sessions/{session_id:int}/display-links"
    tags = ["attendance"]

    @post("", status_code=HTTP_201_CREATED)
    async def create(self, principal: Caller, session_id: PathId, request: Request, state: State,
                     data: Annotated[DisplayLinkCreate | None, Body()] = None) -> display.DisplayLinkRead:
        phase = data.phase if data is not None else QrPhase.checkin
        return await display.create(principal, session_id, phase, base_url(request, state))

    @get("")
    async def live(self, principal: Caller, session_id: PathId) -> Page[display.LiveLinkRead]:
        return await display.live_links(principal, session_id)


class DisplayLinkController(Controller):
    path = "/api/display-links"
    tags = ["attendance"]

    @delete("/{link_id:int}", status_code=HTTP_204_NO_CONTENT)
    async def end(self, principal: Caller, link_id: PathId) -> None:
        await display.end(principal, link_id)


class DisplayController(Controller):
    """What /d/{token} reads: no login, never cached (the code rotates)."""

    path = "/api/display/{token:str}"
    tags = ["attendance"]

    @get("", exclude_from_auth=True)
    async def state(self, token: Token, request: Request, state: State) -> Response[display.DisplayRead]:
        return Response(await display.state(token, base_url(request, state)), headers=_NO_STORE)

    @get("/qr.svg", exclude_from_auth=True, media_type="image/svg+xml")
    async def qr_svg(self, token: Token, request: Request, state: State) -> Response[str]:
        url = await display.qr_url(token, base_url(request, state))
        # A 2-module quiet zone in the image: the display's white page around it is quiet zone too,
        # and every module spared is a larger module (bench/qr_distance.py: +13% distance).
        return Response(qr.qr_svg(url, border=2), media_type="image/svg+xml", headers=_NO_STORE)
