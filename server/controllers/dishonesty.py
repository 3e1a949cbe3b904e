"""Dishonesty records (失信信息, seed 002 §3.4): recorded by region admins, seen by the person."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from server.controllers.schemas import Id, Page, PathId, QueryId, ReasonUpdate
from server.security import Caller
from server.services import dishonesty


class DishonestyCreate(msgspec.Struct):
    person_id: Id
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    starts_on: dt.date
    ends_on: dt.date
    # Credit records the dishonesty concerns: each is revoked with this reason.
    credit_ids: Annotated[list[Id], msgspec.Meta(max_length=200)] = []


class DishonestyController(Controller):
    path = "/api"
    tags = ["dishonesty"]

    @get("/me/dishonesty")
    async def mine(self, principal: Caller) -> Page[dishonesty.DishonestyRead]:
        return await dishonesty.mine(principal)

    @get("/dishonesty")
    async def list_records(self, principal: Caller, person_id: QueryId = None,
                           page: Annotated[int, QueryParameter(ge=1, le=100000)] = 1,
                           page_size: Annotated[int, QueryParameter(ge=1, le=200)] = 20) -> Page[dishonesty.DishonestyRead]:
        return await dishonesty.list_records(principal, person_id=person_id, page=page, page_size=page_size)

    @post("/dishonesty", status_code=HTTP_201_CREATED)
    async def record(self, principal: Caller, data: JSONBody[DishonestyCreate]) -> dishonesty.DishonestyRead:
        return await dishonesty.record(principal, **msgspec.structs.asdict(data))

    @post("/dishonesty/{record_id:int}/withdraw", status_code=200)
    async def withdraw(self, principal: Caller, record_id: PathId,
                       data: JSONBody[ReasonUpdate]) -> dishonesty.DishonestyRead:
        return await dishonesty.withdraw(principal, record_id, data.reason)
