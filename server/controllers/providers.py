"""Training providers (施教机构): the region admin's register."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import JSONBody, QueryParameter

from server.controllers.schemas import Page
from server.security import Caller
from server.services import providers


class ProviderCreate(msgspec.Struct):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    region_code: Annotated[str, msgspec.Meta(pattern=r"^\d{6}$")]
    admin_username: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_.@-]{3,50}$")]
    admin_password: Annotated[str, msgspec.Meta(max_length=128)]
    admin_name: Annotated[str, msgspec.Meta(max_length=50)] = ""
    contact: Annotated[str, msgspec.Meta(max_length=50)] = ""
    phone: Annotated[str, msgspec.Meta(max_length=30)] = ""


class ProviderController(Controller):
    path = "/api/providers"
    tags = ["classes"]

    @get("")
    async def list_providers(
        self, principal: Caller, q: Annotated[str, QueryParameter(max_length=50)] = "",
        page: Annotated[int, QueryParameter(ge=1, le=100000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> Page[providers.ProviderRead]:
        return await providers.list_providers(principal, q=q, page=page, page_size=page_size)

    @post("")
    async def register(self, principal: Caller, data: JSONBody[ProviderCreate]) -> providers.ProviderCreated:
        return await providers.register(principal, **msgspec.structs.asdict(data))
