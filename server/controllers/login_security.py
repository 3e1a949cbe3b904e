"""Login hardening: the image captcha, SMS-code login for listed admins, and the TOTP second factor."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import State
from litestar.params import JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from server.controllers.auth import LoginRead, login_response
from server.security import Caller, client_ip
from server.services import auth, captcha, totp

Code = Annotated[str, msgspec.Meta(max_length=10)]


class SmsLoginCreate(msgspec.Struct):
    phone: Annotated[str, msgspec.Meta(max_length=20)]
    sms_code: Code
    totp_code: Code | None = None
    remember: bool = False


class TotpConfirmCreate(msgspec.Struct):
    code: Code


class TotpDisable(msgspec.Struct):
    code: Code = ""
    password: Annotated[str, msgspec.Meta(max_length=128)] = ""


class LoginSecurityController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @get("/captcha", exclude_from_auth=True, cache_control=None)
    async def captcha(self, request: Request) -> Response[captcha.CaptchaRead]:
        return Response(await captcha.issue(ip=client_ip(request)), headers={"Cache-Control": "no-store"})

    @post("/sms-login", exclude_from_auth=True, status_code=200, throttled=True)
    async def sms_login(self, data: JSONBody[SmsLoginCreate], request: Request, state: State) -> Response[LoginRead]:
        result = await auth.sms_login(data.phone, data.sms_code, totp_code=data.totp_code, ip=client_ip(request),
                                      user_agent=request.headers.get("user-agent", ""), settings=state.settings,
                                      remember=data.remember)
        return login_response(state, result)


class TotpController(Controller):
    path = "/api/me/totp"
    tags = ["auth"]

    @get("")
    async def status(self, principal: Caller) -> totp.TotpStatusRead:
        return await totp.status(principal)

    @post("", status_code=200)
    async def enrol(self, principal: Caller) -> totp.TotpEnrolmentRead:
        return await totp.enrol(principal)

    @post("/confirm", status_code=HTTP_204_NO_CONTENT)
    async def confirm(self, principal: Caller, data: JSONBody[TotpConfirmCreate]) -> None:
        await totp.confirm(principal, data.code)

    @delete("", status_code=HTTP_204_NO_CONTENT, throttled=True)
    async def disable(self, principal: Caller, data: JSONBody[TotpDisable], state: State) -> None:
        await totp.disable(principal, state.settings, code=data.code, password=data.password)
