"""The OpenAPI document: JSON only, and our real error body on every route.

Served at ``/api/schema/openapi.json`` (and ``/api/schema``) and nothing else:
the Swagger/ReDoc pages load unpinned scripts from a CDN onto our origin.

Litestar documents errors as its own ``{"status_code", "detail", "extra"}``;
every error we send is ``{"code", "detail"}`` (``field`` naming the bad field
of a 422), by server/errors.py. :func:`document_errors` rewrites each
operation's error responses to that body, with the statuses the route can
answer: 400 and 500 always; 401/403 unless it needs no login; 404 with a path
parameter; 409 for writes; 413/415 for uploads; 422 with a body or query
parameters; 429 for routes marked ``throttled=True`` (services/throttle.py).
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import OpenAPI, OpenAPIMediaType, OpenAPIResponse, Operation, Reference, Schema
from litestar.openapi.spec.enums import OpenAPIType

_WORDS = {
    400: "请求格式不正确", 401: "未登录或登录已失效", 403: "无权执行此操作", 404: "记录不存在或无权查看",
    409: "当前状态不允许此操作", 413: "上传的文件过大", 415: "不支持的文件类型", 422: "数据校验未通过（field 指出字段）",
    429: "尝试过于频繁（Retry-After 给出等待秒数）", 500: "服务器内部错误",
}
ERROR_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["code", "detail"],
    properties={
        "code": Schema(type=OpenAPIType.STRING, description="机器可读的错误码，如 invalid_code、too_many_attempts"),
        "detail": Schema(type=OpenAPIType.STRING, description="中文说明"),
        "field": Schema(type=OpenAPIType.STRING, description="出错的字段（仅 422）"),
    },
    description="Every error answer: {\"code\", \"detail\"}.",
)


def config() -> OpenAPIConfig:
    return OpenAPIConfig(title="jijiao 继教", version="0.1.0", path="/api/schema",
                         render_plugins=[JsonRenderPlugin()])


def _statuses(method: str, path: str, operation: Operation, opt: dict[str, Any]) -> list[int]:
    statuses = [400, 500]
    if not opt.get("exclude_from_auth"):
        statuses += [401, 403]
    if "{" in path:
        statuses.append(404)
    if method != "GET":
        statuses.append(409)
    body = operation.request_body
    content = getattr(body, "content", None) or {}
    if any("multipart" in kind for kind in content):
        statuses += [413, 415]
    if body is not None or any(getattr(p, "param_in", None) == "query" for p in operation.parameters or []):
        statuses.append(422)
    if opt.get("throttled"):
        statuses.append(429)
    return sorted(set(statuses))


def _describe(openapi: OpenAPI, handlers: dict[tuple[str, str], dict[str, Any]]) -> None:
    openapi.components.schemas["Error"] = ERROR_SCHEMA
    reference = Reference(ref="#/components/schemas/Error")
    for path, item in (openapi.paths or {}).items():
        for method in ("get", "put", "post", "delete", "patch"):
            operation = getattr(item, method, None)
            if operation is None:
                continue
            responses = {code: r for code, r in (operation.responses or {}).items() if not code.startswith(("4", "5"))}
            for status in _statuses(method.upper(), path, operation, handlers.get((path, method.upper()), {})):
                responses[str(status)] = OpenAPIResponse(
                    description=_WORDS[status], content={"application/json": OpenAPIMediaType(schema=reference)})
            operation.responses = responses


def _handler_opts(app: Litestar) -> dict[tuple[str, str], dict[str, Any]]:
    handlers: dict[tuple[str, str], dict[str, Any]] = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in getattr(handler, "http_methods", ()):
                handlers[(route.path_format or "/", method)] = handler.opt
    return handlers


class _ErrorDocumentingPlugin(OpenAPIPlugin):
    """Litestar's OpenAPI plugin, whose document describes our error body (no state of its own)."""

    __slots__ = ()

    def _build_openapi(self) -> OpenAPI:
        openapi = super()._build_openapi()
        _describe(openapi, _handler_opts(self.app))
        return openapi


def document_errors(app: Litestar) -> None:
    """Make ``app``'s OpenAPI document describe our error body and each route's error statuses.

    Litestar 2 makes its OpenAPIPlugin itself (slotted, so no method can be
    patched): the instance becomes our subclass, same layout, same registry key.
    """
    app.plugins.get(OpenAPIPlugin).__class__ = _ErrorDocumentingPlugin
