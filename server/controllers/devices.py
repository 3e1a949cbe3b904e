"""The caller's logged-in devices: list them, end one (账号与设备)."""

from __future__ import annotations

from litestar import Controller, delete, get
from litestar.status_codes import HTTP_204_NO_CONTENT

from server.controllers.schemas import Page, PathId
from server.security import Caller
from server.services import devices


class DeviceController(Controller):
    path = "/api/me/devices"
    tags = ["auth"]

    @get("")
    async def list_devices(self, principal: Caller) -> Page[devices.DeviceRead]:
        items = await devices.list_devices(principal)
        return Page(items=items, total=len(items))

    @delete("/{device_id:int}", status_code=HTTP_204_NO_CONTENT)
    async def end(self, principal: Caller, device_id: PathId) -> None:
        await devices.end_device(principal, device_id)
