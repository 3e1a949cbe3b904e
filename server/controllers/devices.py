"""The caller's logged-in devices: list them, end one (账号与设备)."""

from __future__ import annotations

import datetime as dt

import msgspec
from litestar import Controller, delete, get
from litestar.status_codes import HTTP_204_NO_CONTENT

from server.controllers.schemas import Page, PathId
from server.security import Caller
from server.services import devices


class DeviceRead(msgspec.Struct):
    id: int
    device: str
    ip: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    remember: bool
    current: bool


class DeviceController(Controller):
    path = "/api/me/devices"
    tags = ["auth"]

    @get("")
    async def list_devices(self, principal: Caller) -> Page[DeviceRead]:
        items = [msgspec.convert(d, DeviceRead, from_attributes=True) for d in await devices.list_devices(principal)]
        return Page(items=items, total=len(items))

    @delete("/{device_id:int}", status_code=HTTP_204_NO_CONTENT)
    async def end(self, principal: Caller, device_id: PathId) -> None:
        await devices.end_device(principal, device_id)
