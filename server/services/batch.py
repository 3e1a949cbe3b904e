"""Batch review: each record on its own, so one refusal doesn't undo the others."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from server.services.errors import Conflict, DomainError, Forbidden, NotFound


async def one_by_one(
    ids: Iterable[int],
    act: Callable[[int], Awaitable[dict]],
    *,
    per_record: tuple[type[DomainError], ...] = (Conflict, NotFound, Forbidden),
) -> list[dict]:
    """``act`` on every id once, in order; a ``per_record`` refusal is reported, anything else raised."""
    results = []
    for item in dict.fromkeys(ids):
        try:
            results.append({**await act(item), "ok": True})
        except per_record as error:
            results.append({"id": item, "ok": False, "code": error.code, "detail": error.detail})
    return results
