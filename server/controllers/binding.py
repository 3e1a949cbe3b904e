"""Binding requests (单位变更申请): the trainee's own, and the target unit's review queue."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import JSONBody, QueryParameter

from server.controllers.schemas import BatchRead, BatchUpdate, Id, Page, PathId, ReasonUpdate
from server.security import Caller
from server.services import binding
from server.tables.enums import RegistrationStatus



class BindingRequestCreate(msgspec.Struct):
    unit_id: Id
    department_id: Id


class MyBindingController(Controller):
    path = "/api/me/binding-requests"
    tags = ["people"]

    @post("", status_code=201)
    async def create(self, principal: Caller, data: JSONBody[BindingRequestCreate]) -> binding.BindingRequestRead:
        return await binding.request(principal, data.unit_id, data.department_id)

    @get("")
    async def mine(self, principal: Caller) -> list[binding.BindingRequestRead]:
        return await binding.mine(principal)


class BindingController(Controller):
    path = "/api/binding-requests"
    tags = ["people"]

    @get("")
    async def queue(
        self,
        principal: Caller,
        status: Annotated[RegistrationStatus | None, QueryParameter()] = RegistrationStatus.pending,
        page: Annotated[int, QueryParameter(ge=1, le=100000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> Page[binding.BindingRequestRead]:
        return await binding.queue(principal, status=status, page=page, page_size=page_size)

    @post("/{request_id:int}/approve", status_code=200)
    async def approve(self, principal: Caller, request_id: PathId) -> binding.BindingStatusRead:
        return await binding.review(principal, request_id, "approve")

    @post("/{request_id:int}/reject", status_code=200)
    async def reject(self, principal: Caller, request_id: PathId,
                     data: JSONBody[ReasonUpdate]) -> binding.BindingStatusRead:
        return await binding.review(principal, request_id, "reject", data.reason)

    @post("/batch", status_code=200)
    async def batch(self, principal: Caller, data: JSONBody[BatchUpdate]) -> BatchRead:
        return BatchRead(results=await binding.review_many(principal, data.ids, data.action, data.reason))
