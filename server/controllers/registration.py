"""Registration, its review by the unit, SMS codes and account recovery (public except review)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.datastructures import State
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from server.controllers.schemas import BatchRead, BatchUpdate, Id, Page, PathId, ReasonUpdate
from server.security import Caller, client_ip
from server.services import registration, sms
from server.tables.enums import RegistrationStatus, SmsPurpose

Phone = Annotated[str, msgspec.Meta(max_length=20)]
Code = Annotated[str, msgspec.Meta(max_length=10)]
IdText = Annotated[str, msgspec.Meta(max_length=18)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


class SmsCodeCreate(msgspec.Struct):
    phone: Phone
    purpose: SmsPurpose
    # Asked for (captcha_required) once an address has sent a few codes within the hour.
    captcha_id: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    captcha_answer: Annotated[str, msgspec.Meta(max_length=10)] | None = None


class RegistrationCreate(msgspec.Struct):
    phone: Phone
    sms_code: Code
    unit_id: Id
    department_id: Id | None
    username: Annotated[str, msgspec.Meta(max_length=50)]
    name: Annotated[str, msgspec.Meta(max_length=50)]
    id_number: IdText
    password: Password
    joins_cme: bool = True
    email: Annotated[str, msgspec.Meta(max_length=100)] = ""
    standard_id: Id | None = None


class RegistrationUpdate(msgspec.Struct):
    username: Annotated[str, msgspec.Meta(max_length=50)]
    id_number: IdText
    password: Password
    unit_id: Id
    department_id: Id | None
    name: Annotated[str, msgspec.Meta(max_length=50)]
    joins_cme: bool = True
    email: Annotated[str, msgspec.Meta(max_length=100)] = ""
    standard_id: Id | None = None


class RegistrationLookup(msgspec.Struct):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    id_number: IdText
    password: Password


class PasswordResetCreate(msgspec.Struct):
    phone: Phone
    sms_code: Code
    new_password: Password


class FindUsernameCreate(msgspec.Struct):
    id_number: IdText
    phone: Phone
    sms_code: Code


def _form(data: RegistrationCreate | RegistrationUpdate) -> registration.Form:
    return registration.Form(unit_id=data.unit_id, department_id=data.department_id, name=data.name,
                             email=data.email, joins_cme=data.joins_cme, standard_id=data.standard_id)


class SmsController(Controller):
    path = "/api/sms"
    tags = ["registration"]

    @post("/codes", exclude_from_auth=True, status_code=HTTP_202_ACCEPTED, throttled=True)
    async def send_code(self, data: JSONBody[SmsCodeCreate], state: State, request: Request) -> Response[None]:
        await sms.request_code(data.phone, data.purpose, settings=state.settings, gateway=state.sms_gateway,
                               ip=client_ip(request), captcha_id=data.captcha_id, captcha_answer=data.captcha_answer)
        return Response(None, status_code=HTTP_202_ACCEPTED)


class RegistrationController(Controller):
    path = "/api/registrations"
    tags = ["registration"]

    @post("", exclude_from_auth=True, status_code=201, throttled=True)
    async def register(self, data: JSONBody[RegistrationCreate], request: Request,
                       state: State) -> registration.RegistrationStatusRead:
        return await registration.register(
            phone=data.phone, sms_code=data.sms_code, username=data.username, id_number=data.id_number,
            password=data.password, form=_form(data), settings=state.settings, ip=client_ip(request))

    @get("/status", exclude_from_auth=True)
    async def status(
        self,
        username: Annotated[str, QueryParameter(min_length=1, max_length=50)],
        id_number: Annotated[str, QueryParameter(min_length=1, max_length=18)],
    ) -> registration.RegistrationStateRead:
        return await registration.status(username, id_number)

    @post("/lookup", exclude_from_auth=True, status_code=200, throttled=True)
    async def lookup(self, data: JSONBody[RegistrationLookup], request: Request,
                     state: State) -> registration.RegistrationRead:
        return await registration.lookup(data.username, data.id_number, data.password, settings=state.settings,
                                         ip=client_ip(request))

    @put("/{registration_id:int}", exclude_from_auth=True, throttled=True)
    async def resubmit(self, registration_id: PathId, data: JSONBody[RegistrationUpdate],
                       request: Request, state: State) -> registration.RegistrationStatusRead:
        return await registration.resubmit(registration_id, username=data.username, id_number=data.id_number,
                                           password=data.password, form=_form(data), ip=client_ip(request),
                                           settings=state.settings)

    @get("")
    async def queue(
        self,
        principal: Caller,
        status: Annotated[RegistrationStatus | None, QueryParameter()] = RegistrationStatus.pending,
        page: Annotated[int, QueryParameter(ge=1, le=100000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> Page[registration.RegistrationRead]:
        return await registration.queue(principal, status=status, page=page, page_size=page_size)

    @post("/{registration_id:int}/approve", status_code=200)
    async def approve(self, principal: Caller, registration_id: PathId) -> registration.RegistrationStatusRead:
        return await registration.review(principal, registration_id, "approve")

    @post("/{registration_id:int}/reject", status_code=200)
    async def reject(self, principal: Caller, registration_id: PathId,
                     data: JSONBody[ReasonUpdate]) -> registration.RegistrationStatusRead:
        return await registration.review(principal, registration_id, "reject", data.reason)

    @post("/batch", status_code=200)
    async def batch(self, principal: Caller, data: JSONBody[BatchUpdate]) -> BatchRead:
        return BatchRead(results=await registration.review_many(principal, data.ids, data.action, data.reason))


class RecoveryController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/password-reset", exclude_from_auth=True, status_code=HTTP_204_NO_CONTENT, throttled=True)
    async def password_reset(self, data: JSONBody[PasswordResetCreate], request: Request, state: State) -> None:
        await registration.reset_password(data.phone, data.sms_code, data.new_password, settings=state.settings,
                                          ip=client_ip(request))

    @post("/find-username", exclude_from_auth=True, status_code=200, throttled=True)
    async def find_username(self, data: JSONBody[FindUsernameCreate], request: Request,
                            state: State) -> registration.UsernameRead:
        return await registration.find_username(data.id_number, data.phone, data.sms_code, settings=state.settings,
                                                ip=client_ip(request))
