"""Result types several services return: a page of a list, one record of a batch action, a new status.

Services return typed results (frozen msgspec Structs); controllers pass them through, so the
JSON a client sees is the struct's fields in order, and no controller converts a dict.
"""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec

__all__ = ["BatchRead", "BatchResult", "Page", "StatusRead"]

T = TypeVar("T")


class Page(msgspec.Struct, Generic[T], frozen=True):
    items: list[T]
    total: int


class BatchResult(msgspec.Struct, frozen=True, omit_defaults=True):
    """One record of a batch action: its new status, or why it was refused."""

    id: int
    ok: bool
    status: str | None = None
    code: str | None = None
    detail: str | None = None


class BatchRead(msgspec.Struct, frozen=True):
    results: list[BatchResult]


class StatusRead(msgspec.Struct, frozen=True):
    """A record's new status after a review or state action (credits, entries, trainings, classes)."""

    id: int
    status: str
