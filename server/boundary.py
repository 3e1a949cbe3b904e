"""What every request passes through before and after a handler, in one place.

* JSON bodies are decoded once, straight into the handler's declared type, in
  msgspec's strict mode: ``"2026"`` is not a year and ``"1"`` is not a credit
  (Litestar converts bodies leniently). A body nested deeper than any form we
  take (a 1,200-deep array was a RecursionError and a 500) and a NUL character
  (PostgreSQL refuses it in text) are 400 before any decoding.
* Integer path parameters are ASCII digits only: Python's ``int()`` reads
  ``"１"`` (a full-width digit) as 1, so ``/api/trainings/１`` named training 1.
* A NUL byte in the path or query is 400 (``GET /%00`` reached the file system).
* List endpoints guarded by :func:`declared_query_only` answer 422 for a query
  parameter they do not know, instead of ignoring the filter.
* Every answer carries ``X-Content-Type-Options: nosniff`` and a
  Permissions-Policy; authenticated answers are ``Cache-Control: no-store``
  unless the handler said otherwise; HSTS when configured.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException
from litestar.routes import base as routes_base
from litestar.types import Empty, Message, Scope

from server.services.errors import BadRequest, Invalid

# Deeper than any body the API takes (a scan batch is three levels).
MAX_JSON_DEPTH = 32
# The camera is ours (the in-app scanner); nothing else is asked for.
PERMISSIONS_POLICY = ("camera=(self), microphone=(), geolocation=(), payment=(), usb=(), "
                      "interest-cohort=()")


def _bad_body(detail: str = "请求格式不正确，请提交 JSON 数据") -> BadRequest:
    return BadRequest("bad_request", detail)


def json_depth_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text nests arrays/objects deeper than ``limit`` (strings skipped; linear)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # the common case: too few brackets to be that deep
    depth, in_string, escaped = 0, False, False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


_DECODERS: dict[Any, msgspec.json.Decoder] = {}


def _decoder(annotation: Any) -> msgspec.json.Decoder:
    decoder = _DECODERS.get(annotation)
    if decoder is None:
        decoder = _DECODERS[annotation] = msgspec.json.Decoder(annotation, strict=True)
    return decoder


def decode_body(body: bytes, annotation: Any) -> Any:
    """``body`` as ``annotation``, strictly; ValidationException in Litestar's shape for a bad field."""
    if b"\\u0000" in body:
        raise _bad_body("请求内容含有不允许的控制字符")
    if json_depth_exceeds(body):
        raise _bad_body("请求数据嵌套过深")
    try:
        return _decoder(annotation).decode(body)
    except msgspec.ValidationError as error:
        raise ValidationException(extra=[{"message": str(error), "key": "data", "source": "body"}]) from None
    except (msgspec.DecodeError, RecursionError):
        raise _bad_body() from None


class StrictRequest(Request):
    """Litestar's Request, decoding a JSON body strictly into the handler's ``data`` type."""

    async def json(self) -> Any:
        if self._json is Empty:
            if (cached := self._connection_state.json) is not Empty:
                self._json = cached
            else:
                body = await self.body() or b"null"
                field = self.route_handler.parsed_data_field
                annotation = field.annotation if field is not None else Any
                self._json = self._connection_state.json = decode_body(body, annotation)
        return self._json


def ascii_int(value: str) -> int:
    """An integer path parameter: ASCII digits only (``int("１")`` is 1; ``"+1"``, ``" 1"`` pass int() too)."""
    if not value.isascii() or not value.isdigit():
        raise ValueError(value)
    return int(value)


def use_ascii_int_path_parameters() -> None:
    """Litestar parses ``{x:int}`` with ``int``; routes are parsed when the app is built, so call before."""
    routes_base.parsers_map[int] = ascii_int


async def refuse_nul(request: Request) -> None:
    """before_request: a NUL byte in the path or query names nothing we serve (and breaks os and PostgreSQL)."""
    if "\x00" in request.scope["path"] or b"%00" in request.scope.get("query_string", b""):
        raise BadRequest("bad_request", "请求地址含有不允许的控制字符")


_DECLARED: dict[Any, frozenset[str]] = {}


def _declared_query(handler: Any) -> frozenset[str]:
    names = _DECLARED.get(handler.fn)
    if names is None:
        found = set()
        for name, field in handler.parsed_fn_signature.parameters.items():
            alias = getattr(field.kwarg_definition, "query", None)
            found.add(alias or name)
        names = _DECLARED[handler.fn] = frozenset(found)
    return names


async def declared_query_only(connection: Any, handler: Any) -> None:
    """Guard for list endpoints: a query parameter the handler does not declare is 422.

    A misspelt or not (yet) supported filter (``?status=retired`` on a list that
    has no status filter) would otherwise be ignored, and the caller would take
    the whole list for the filtered one.
    """
    unknown = sorted(set(connection.query_params) - _declared_query(handler))
    if unknown:
        raise Invalid(unknown[0], f"不支持的查询条件：{unknown[0]}", code="unknown_filter")


def security_headers(hsts_seconds: int):  # type: ignore[no-untyped-def]
    """before_send hook adding the headers every answer carries.

    It works on the raw header list (names are lower-case bytes there): it runs
    for every answer, the check-in included, and a parsed header object cost
    several times more.
    """
    always = [(b"x-content-type-options", b"nosniff"), (b"permissions-policy", PERMISSIONS_POLICY.encode())]
    if hsts_seconds > 0:
        always.append((b"strict-transport-security", f"max-age={hsts_seconds}; includeSubDomains".encode()))
    no_store = (b"cache-control", b"no-store")

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = list(message.get("headers") or ())
        present = {name for name, _ in headers}
        headers.extend(pair for pair in always if pair[0] not in present)
        # Only someone logged in sees personal data; their answers stay out of every cache.
        if scope.get("user") is not None and b"cache-control" not in present:
            headers.append(no_store)
        message["headers"] = headers

    return before_send
