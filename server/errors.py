"""One exception handler: every error leaves as {"code", "detail"} with a Chinese detail."""

from __future__ import annotations

import logging
import re
import secrets

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from server import db
from server.services.errors import DomainError

log = logging.getLogger("jijiao")

_GENERIC = {
    400: ("bad_request", "请求格式不正确，请检查提交的数据"),
    401: ("not_authenticated", "请先登录"),
    403: ("forbidden", "无权执行此操作"),
    404: ("not_found", "记录不存在或无权查看"),
    405: ("method_not_allowed", "不支持该请求方法"),
    409: ("conflict", "当前状态不允许此操作"),
    # Only an upload can be this large (the app's body limit sits just above
    # the evidence file limit): say it as the upload's own 413 does.
    413: ("file_too_large", "上传的文件过大，单个文件不能超过 10 MB"),
    415: ("unsupported_type", "不支持的文件类型"),
    422: ("validation_error", "数据校验未通过"),
    429: ("too_many_attempts", "请求过于频繁，请稍后再试"),
}


def error_body(code: str, detail: str, field: str | None = None) -> dict:
    body = {"code": code, "detail": detail}
    if field:
        body["field"] = field
    return body


def _json(status: int, body: dict, headers: dict | None = None) -> Response:
    return Response(content=body, status_code=status, media_type=MediaType.JSON, headers=headers)


_MISSING = re.compile(r"Object missing required field `([^`]+)`")
_AT = re.compile(r"- at `\$\.?([^`]*)`")
_EXPECTED = re.compile(r"Expected `([^`]+)`")
# Litestar's words when a required parameter is absent (litestar/_kwargs/extractors.py).
_MISSING_PARAMETER = re.compile(r"Missing required (?:query|header|cookie) parameter '([^']+)'")


def _translate(message: str) -> str:
    """msgspec's English validation message, said in Chinese."""
    if m := _MISSING.search(message):
        return f"缺少必填字段 {m.group(1)}"
    if "length >=" in message or "length <=" in message:
        bound = re.search(r"length ([<>]=) (\d+)", message)
        if bound:
            word = "至少" if bound.group(1) == ">=" else "至多"
            return f"长度{word}为 {bound.group(2)}"
    if ">=" in message or "<=" in message or "> " in message or "< " in message:
        bound = re.search(r"([<>]=?) (-?[\d.]+)", message)
        if bound:
            words = {">=": "不能小于", "<=": "不能大于", ">": "必须大于", "<": "必须小于"}
            return f"数值{words[bound.group(1)]} {bound.group(2)}"
    if "Invalid enum value" in message:
        return "取值不在允许范围内"
    if "matching regex" in message:
        # schemas.NOT_BLANK is the one pattern that means "say something".
        return "不能为空白" if "\\S'" in message else "格式不正确"
    if m := _EXPECTED.search(message):
        kinds = {"str": "文本", "int": "整数", "float": "数字", "bool": "布尔值", "object": "对象",
                 "array": "数组", "date": "日期 (YYYY-MM-DD)", "datetime": "时间"}
        kind = m.group(1).split(" ")[0]
        return f"应为{kinds.get(kind, kind)}"
    return "格式不正确"


def _validation_response(exc: ValidationException) -> Response:
    extra = exc.extra if isinstance(exc.extra, list) else []
    if not extra and (m := _MISSING_PARAMETER.match(str(exc.detail))):
        # A required query parameter left out (GET /api/credits/groups without status) is a failed
        # field, not a body that isn't JSON.
        return _json(422, error_body("validation_error", f"缺少必填参数 {m.group(1)}", m.group(1)))
    if not extra:
        # Body that isn't JSON at all: bad input rather than a failed field.
        return _json(400, error_body("bad_request", "请求格式不正确，请提交 JSON 数据"))
    first = extra[0] if isinstance(extra[0], dict) else {"message": str(extra[0])}
    if first.get("source") == "path":
        # An id in the URL that can't exist names nothing: not found, like any other.
        return _json(404, error_body("not_found", "请求的资源不存在"))
    message = str(first.get("message", ""))
    # msgspec names the field inside its message; Litestar's "key" is only
    # the parameter ("data" for the whole body).
    field = ""
    if m := _MISSING.search(message):
        field = m.group(1)
    elif m := _AT.search(message):
        field = m.group(1)
    elif first.get("key") not in (None, "", "data"):
        field = str(first["key"])
    if "Malformed JSON" in message or "JSON is malformed" in message:
        return _json(400, error_body("bad_request", "请求格式不正确，请提交 JSON 数据"))
    detail = f"字段 {field}：{_translate(message)}" if field else _translate(message)
    return _json(422, error_body("validation_error", detail, field or None))


def error_handler(headers: dict[str, str]):  # type: ignore[no-untyped-def]
    """The app's one exception handler, adding ``headers`` (boundary.security_headers) to every error."""

    def handle(request: Request, exc: Exception) -> Response:
        response = exception_handler(request, exc)
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    return handle


def exception_handler(request: Request, exc: Exception) -> Response:
    if isinstance(exc, DomainError):
        return _json(exc.status_code, {**error_body(exc.code, exc.detail, exc.field), **exc.extra},
                     exc.headers or None)
    if isinstance(exc, ValidationException):
        return _validation_response(exc)
    if isinstance(exc, NotAuthorizedException):
        return _json(401, error_body(*_GENERIC[401]))
    if isinstance(exc, PermissionDeniedException):
        return _json(403, error_body(*_GENERIC[403]))
    if isinstance(exc, NotFoundException):
        return _json(404, error_body("not_found", "请求的资源不存在"))
    if isinstance(exc, MethodNotAllowedException):
        # RFC 9110: a 405 names the methods the resource does take.
        return _json(405, error_body(*_GENERIC[405]), exc.headers)
    if isinstance(exc, HTTPException) and exc.status_code < 500:
        code, detail = _GENERIC.get(exc.status_code, ("error", "请求失败"))
        return _json(exc.status_code, error_body(code, detail), exc.headers)
    if db.is_unavailable(exc):
        # The database restarts or is unreachable: say so, and let clients retry (the pool
        # reconnects on its own once it is back; no restart of the app is needed).
        log.warning("database unavailable on %s %s: %r", request.method, request.url.path, exc)
        return _json(503, error_body("database_unavailable", "数据库暂时无法连接，请稍后重试"),
                     {"Retry-After": "5"})
    # An incident number the user can read out to support finds the one traceback in the log;
    # Litestar's own 5xx (an HTTPException) are logged the same way, not answered in silence.
    incident = secrets.token_hex(4)
    log.exception("unhandled error %s on %s %s", incident, request.method, request.url.path)
    status = exc.status_code if isinstance(exc, HTTPException) else HTTP_500_INTERNAL_SERVER_ERROR
    return _json(status,
                 {**error_body("internal_error", f"服务器内部错误，请稍后再试（错误编号 {incident}）"),
                  "incident": incident})
