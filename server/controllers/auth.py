"""Login, logout, the current user, and password change."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie, State
from litestar.params import JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from server.controllers.schemas import UserRead
from server.security import CSRF_COOKIE, SESSION_COOKIE, client_ip
from server.security import Caller
from server.services.principal import Principal
from server.services import auth, profile


class LoginCreate(msgspec.Struct):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    # Only asked for after failures (captcha) or on accounts with a second factor (TOTP).
    captcha_id: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    captcha_answer: Annotated[str, msgspec.Meta(max_length=10)] | None = None
    totp_code: Annotated[str, msgspec.Meta(max_length=10)] | None = None
    # "保持登录": the session lives settings.remember_days unused instead of session_ttl_hours.
    remember: bool = False


class LoginRead(msgspec.Struct):
    token: str
    user: UserRead


class PasswordUpdate(msgspec.Struct):
    old_password: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    new_password: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


def _cookies(state: State, token: str, csrf: str, max_age: int | None) -> list[Cookie]:
    secure = state.settings.secure_cookies
    # Expires beside Max-Age (the same seconds) for clients that read only one of them.
    return [
        Cookie(key=SESSION_COOKIE, value=token, httponly=True, samesite="lax", secure=secure,
               path="/", max_age=max_age, expires=max_age),
        # Readable by our scripts, which echo it in the X-CSRF-Token header.
        Cookie(key=CSRF_COOKIE, value=csrf, httponly=False, samesite="lax", secure=secure,
               path="/", max_age=max_age, expires=max_age),
    ]


def login_response(state: State, result: auth.LoginResult) -> Response[LoginRead]:
    """The login answer: the token and user, and the cookies living as long as the session."""
    body = LoginRead(token=result.token, user=UserRead.of(result.principal))
    return Response(body, cookies=_cookies(state, result.token, result.csrf_token,
                                           auth.cookie_max_age(result.principal, state.settings)))


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/login", exclude_from_auth=True, status_code=200, throttled=True)
    async def login(self, data: JSONBody[LoginCreate], request: Request, state: State) -> Response[LoginRead]:
        result = await auth.login(
            data.username, data.password, ip=client_ip(request),
            user_agent=request.headers.get("user-agent", ""), settings=state.settings,
            captcha_id=data.captcha_id, captcha_answer=data.captcha_answer, totp_code=data.totp_code,
            remember=data.remember,
        )
        return login_response(state, result)

    @post("/logout", status_code=HTTP_204_NO_CONTENT, allow_pending_password=True)
    async def logout(self, principal: Caller, state: State) -> Response[None]:
        await auth.logout(principal)
        return Response(None, status_code=HTTP_204_NO_CONTENT, cookies=_cookies(state, "", "", 0))

    @post("/password", status_code=HTTP_204_NO_CONTENT, allow_pending_password=True, throttled=True)
    async def change_password(self, data: JSONBody[PasswordUpdate], principal: Caller, state: State) -> None:
        await auth.change_password(principal, data.old_password, data.new_password, settings=state.settings)


class MeController(Controller):
    path = "/api/me"
    tags = ["auth"]

    @get("", allow_pending_password=True)
    async def me(self, principal: Caller, request: Request, state: State) -> Response[UserRead]:
        body = UserRead.of(principal, profile_complete=await profile.is_complete(principal))
        return Response(body, cookies=refreshed_cookies(principal, request, state))


def refreshed_cookies(principal: Principal, request: Request, state: State) -> list[Cookie]:
    """A remembered session's cookies again, living until its slid expiry (the app asks /api/me at start)."""
    if not (principal.via_cookie and principal.remember):
        return []
    token = request.cookies.get(SESSION_COOKIE, "")
    return _cookies(state, token, principal.csrf_token, auth.cookie_max_age(principal, state.settings))
