"""At-risk reminders, the home screen's notices, and each region's reminder season."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, post, put
from litestar.datastructures import State
from litestar.params import JSONBody, PathParameter, QueryParameter

from server.controllers.notices import deliver_notices
from server.controllers.schemas import BatchRead, Id, Page, QueryId
from server.security import Caller
from server.services import reminders

Year = Annotated[int, msgspec.Meta(ge=2000, le=2100)]


class ReminderCreate(msgspec.Struct):
    person_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=500)]
    year: Year


class ReminderSettingUpdate(msgspec.Struct):
    starts_on: Annotated[str, msgspec.Meta(max_length=5)]
    enabled: bool = True


class ReminderController(Controller):
    path = "/api/reminders"
    tags = ["statistics"]

    @post("", status_code=200, after_response=deliver_notices)
    async def send(self, principal: Caller, data: JSONBody[ReminderCreate], state: State) -> BatchRead:
        return BatchRead(results=await reminders.send(principal, data.person_ids, data.year,
                                                      gateway=state.sms_gateway))

    @get("")
    async def history(
        self, principal: Caller, person_id: QueryId = None,
        page: Annotated[int, QueryParameter(ge=1, le=100000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> Page[reminders.ReminderRead]:
        return await reminders.history(principal, person_id=person_id, page=page, page_size=page_size)


class ReminderSettingController(Controller):
    path = "/api/reminder-settings"
    tags = ["statistics"]

    @get("")
    async def list(self, principal: Caller) -> reminders.ReminderSettingList:
        return await reminders.settings_for(principal)

    @put("/{region_code:str}")
    async def save(self, principal: Caller, region_code: Annotated[str, PathParameter(max_length=6)], data: JSONBody[ReminderSettingUpdate]
                   ) -> reminders.ReminderSettingRead:
        return await reminders.save_setting(principal, region_code, data.starts_on, data.enabled)
