"""The trainee's own basic profile (完善个人信息)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from litestar import Controller, get, put
from litestar.params import JSONBody

from server.controllers.schemas import Id
from server.security import Caller
from server.services import profile
from server.tables.enums import Staffing, TitleLevel


class ProfileUpdate(msgspec.Struct):
    title: Annotated[str, msgspec.Meta(max_length=50)]
    title_level: TitleLevel
    staffing: Staffing
    phone: Annotated[str, msgspec.Meta(max_length=20)]
    specialty: Annotated[str, msgspec.Meta(max_length=50)]
    department_id: Id | None = None
    title_assessed_on: dt.date | None = None
    appointment_year: Annotated[int, msgspec.Meta(ge=1900, le=2100)] | None = None
    position: Annotated[str, msgspec.Meta(max_length=50)] = ""


class ProfileController(Controller):
    path = "/api/me/profile"
    tags = ["people"]

    @get("")
    async def get_profile(self, principal: Caller) -> profile.ProfileRead:
        return await profile.get_profile(principal)

    @put("")
    async def update_profile(self, principal: Caller, data: JSONBody[ProfileUpdate]) -> profile.ProfileRead:
        form = profile.ProfileForm(
            department_id=data.department_id, title=data.title, title_level=data.title_level.value,
            title_assessed_on=data.title_assessed_on, appointment_year=data.appointment_year,
            staffing=data.staffing.value, phone=data.phone, specialty=data.specialty, position=data.position)
        return await profile.update_profile(principal, form)
