"""Requests that arrive together, answered by one statement (PostgreSQL).

On PostgreSQL every statement is a round trip with its own plan and, for a write, its own
commit: under a burst (a lecture hall scanning its code) those, not the rows, were most of
the database's work and a good part of the app's. A :class:`Batcher` holds what arrives
while one batch is out and sends it as the next batch, through a function that answers
many items with one statement. A lone item goes at once; nothing waits on a timer.

Every caller's future is resolved or failed on every path: the batch answered, the
statement failed (each item is tried alone then, so one item's bad data fails only it,
unless the database is unreachable), the writer cancelled at shutdown.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

from server import db

__all__ = ["Batcher"]

T = TypeVar("T")
R = TypeVar("R")


class Batcher(Generic[T, R]):
    """Items waiting in this process, and the one task that sends them batch by batch.

    ``run(engine, items)`` answers ``items`` in order with one statement. Items with the same
    ``key`` never share a batch (the later one waits for the next). Inside the caller's
    transaction an item is run alone there, on the caller's connection.
    """

    def __init__(self, run: Callable[[Any, Sequence[T]], Awaitable[list[R]]], *, most: int,
                 key: Callable[[T], Hashable] | None = None) -> None:
        self._run, self._most, self._key = run, most, key
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._task: asyncio.Task | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def submit(self, engine, item: T) -> R:  # type: ignore[no-untyped-def]
        if engine.current_transaction.get() is not None:
            return (await self._run(engine, [item]))[0]
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new event loop (a test's app): the old one's task is gone
            self._waiting, self._task, self._loop = [], None, loop
        future: asyncio.Future[R] = loop.create_future()
        self._waiting.append((item, future))
        if self._task is None or self._task.done():
            # A context of its own: the sender must not inherit the first caller's (a transaction).
            self._task = loop.create_task(self._drain(engine), context=contextvars.Context())
        return await future

    def _take(self) -> list[tuple[T, asyncio.Future[R]]]:
        batch, keys, left = [], set(), []
        for entry in self._waiting:
            if entry[1].done():  # its caller went away
                continue
            key = self._key(entry[0]) if self._key is not None else None
            if len(batch) < self._most and (key is None or key not in keys):
                batch.append(entry)
                keys.add(key)
            else:
                left.append(entry)
        self._waiting = left
        return batch

    async def _drain(self, engine) -> None:  # type: ignore[no-untyped-def]
        batch: list[tuple[T, asyncio.Future[R]]] = []
        try:
            while self._waiting:
                batch = self._take()
                if batch:
                    await self._send(engine, batch)
                batch = []
        except BaseException as error:  # cancelled at shutdown: nobody is left waiting forever
            for _, future in batch + self._waiting:
                if not future.done():
                    future.set_exception(RuntimeError(f"not sent: {error!r}"))
            self._waiting = []
            raise

    async def _send(self, engine, batch: list[tuple[T, asyncio.Future[R]]]) -> None:  # type: ignore[no-untyped-def]
        try:
            answers = await self._run(engine, [item for item, _ in batch])
        except Exception as error:
            if len(batch) == 1 or db.is_unavailable(error):
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                return
            for entry in batch:  # one item's data broke the statement: only it fails
                await self._send(engine, [entry])
            return
        for (_, future), answer in zip(batch, answers, strict=True):
            if not future.done():
                future.set_result(answer)
