"""Request authentication (bearer token or session cookie) and CSRF.

Who may do what is decided by the services (each raises ``Forbidden``), next to
the scope filter (services/scope.py) that decides what they may see.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection, Request
from litestar.di import NamedDependency
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from server.services import auth
from server.services.errors import Forbidden, NotAuthenticated
from server.services.principal import Principal

SESSION_COOKIE = "jijiao_session"
CSRF_COOKIE = "jijiao_csrf"
CSRF_HEADER = "x-csrf-token"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def client_ip(connection: ASGIConnection) -> str:
    return connection.client.host if connection.client else ""


class SessionAuthMiddleware(AbstractAuthenticationMiddleware):
    """Resolves ``Authorization: Bearer`` or the session cookie into a Principal."""

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        settings = connection.app.state.settings
        header = connection.headers.get("authorization", "")
        token, via_cookie = "", False
        if header.lower().startswith("bearer "):
            token = header[7:].strip()
        else:
            token = connection.cookies.get(SESSION_COOKIE, "")
            via_cookie = True
        if not token:
            raise NotAuthenticated()
        principal = await auth.resolve_token(
            token, via_cookie=via_cookie, ip=client_ip(connection), settings=settings
        )
        # Until a forced password change is done, only a few calls are allowed.
        # (Checked here rather than in an app-level guard: Litestar copies the
        # route handler for every guard on every request.)
        if principal.must_change_password:
            handler = connection.scope.get("route_handler")
            if handler is None or not handler.opt.get("allow_pending_password"):
                raise Forbidden("password_change_required", "请先修改初始密码后再继续使用")
        # A cookie is sent by the browser on its own, so a write that rides on
        # it must also prove it came from our page (double-submit token).
        if via_cookie and connection.scope.get("method", "GET") not in _SAFE_METHODS:
            if not auth.csrf_matches(principal, connection.headers.get(CSRF_HEADER)):
                raise Forbidden("csrf_failed", "页面已过期或来源不明，请刷新页面后重试")
        return AuthenticationResult(user=principal, auth=token)


async def provide_principal(request: Request) -> Principal:
    user = request.scope.get("user")
    if not isinstance(user, Principal):
        raise NotAuthenticated()
    return user


# What handlers declare to receive the caller: ``principal: Caller``.
Caller = NamedDependency[Principal]
