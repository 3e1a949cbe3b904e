"""Batch review: each record on its own, so one refusal doesn't undo the others."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Protocol

from server.services.errors import Conflict, DomainError, Forbidden, NotFound
from server.services.results import BatchResult


class Outcome(Protocol):
    """What one record's action returns: the record and its new status."""

    @property
    def id(self) -> int: ...

    @property
    def status(self) -> str: ...


async def one_by_one(
    ids: Iterable[int],
    act: Callable[[int], Awaitable[Outcome]],
    *,
    per_record: tuple[type[DomainError], ...] = (Conflict, NotFound, Forbidden),
) -> list[BatchResult]:
    """``act`` on every id once, in order; a ``per_record`` refusal is reported, anything else raised."""
    results = []
    for item in dict.fromkeys(ids):
        try:
            done = await act(item)
        except per_record as error:
            results.append(BatchResult(id=item, ok=False, code=error.code, detail=error.detail))
        else:
            results.append(BatchResult(id=done.id, ok=True, status=done.status))
    return results
