"""PostgreSQL: the check-ins of a burst written together, one statement and one commit a batch.

A lecture hall scans hundreds of codes a second. Written one by one, each check-in was a
statement of its own, and PostgreSQL's share of it (planning, executor start-up, the
commit and its WAL flush) was as large as the app's whole request. Here the check-ins
that arrive while a batch is being written wait for the next one and go together: one
round trip, one plan, one commit for all of them (the SQLite engine's group commit does
the same for its programs, ``server/db.py``; the batching is ``server/batching.py``). A
lone check-in is written at once.

One statement, for every check-in of the batch (each is a row of ``input``): spend the
claim if there is one, check that the training is still approved (the session row the
caller holds may come from a cache) and that the address has not passed its wrong-code
limit, insert the check-in (idempotent on session and person) and, through the ledger,
its pending credit and first event (or the credit another session of the training earned).
Check-ins and credits go in in key order, so batches of two workers take their locks in the
same order and never deadlock. It answers one row per check-in, in order, saying
which condition failed when nothing was made (or, all of them holding, that this was a
repeated scan).

Two check-ins of one person and training never share a batch (the second waits for the
next): the credit's key is theirs, and a repeated scan must see the first one's row. If
the statement fails for one check-in's data, the others are written again one by one so
only that one fails; if the database is unreachable, all of them fail (503).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from server import clock, db
from server.batching import Batcher
from server.services import ledger, throttle
from server.tables.enums import TrainingStatus

__all__ = ["Made", "Pending", "statement", "write"]

# Rows per statement: a lecture hall's burst on one worker is ~60 waiting at a time (the
# bench's 64 connections); arrays of 100 keep one statement under a few milliseconds.
_MOST = 100


@dataclass(frozen=True, slots=True)
class Pending:
    """One check-in to write: who, where, and what it checks on the way."""

    session_id: int
    training_id: int
    person_id: int
    account_id: int | None
    method: str
    reason: str
    # The check-in's time when it is not now (an organiser's offline scans).
    at: dt.datetime | None
    claim_hash: str | None
    # The wrong-code limit and the address it counts, when the statement is to check it.
    room: tuple[throttle.Limit, str] | None
    # Its pending credit, when the scan itself earns one.
    credit: ledger.NewCredit | None

    @property
    def key(self) -> tuple[int, int]:
        return self.training_id, self.person_id


@dataclass(frozen=True, slots=True)
class Made:
    """One check-in's row of the answer."""

    training_status: str | None
    claimed: bool
    room: bool
    id: int | None
    checked_in_at: dt.datetime | None
    credit_id: int | None
    status: str | None
    credits: Decimal | None


_INPUT = (
    "input AS (SELECT * FROM unnest({}::integer[], {}::integer[], {}::integer[], {}::integer[], {}::integer[], "
    "{}::varchar[], {}::varchar[], {}::timestamptz[], {}::varchar[], {}::varchar[]) "
    "AS i(ord, session, training, person, account, method, reason, at, claim, subject))"
)
_CLAIMS = (
    "claim_used AS (UPDATE checkin_claim c SET used_at = {} FROM input i WHERE c.token_hash = i.claim "
    "AND c.used_at IS NULL AND c.expires_at > {} RETURNING i.ord)"
)
_MADE = (
    "checkin_made AS (INSERT INTO checkin (session, training, person, checked_in_at, method, recorded_by, reason) "
    "SELECT i.session, i.training, i.person, COALESCE(i.at, {}), i.method, i.account, i.reason "
    "FROM input i JOIN allowed a ON a.ord = i.ord "
    "WHERE a.claimed AND a.room AND a.training_status = {} ORDER BY i.session, i.person "
    "ON CONFLICT (session, person) DO NOTHING RETURNING id, checked_in_at, session, person), "
    "made AS (SELECT i.ord, m.id, m.checked_in_at FROM checkin_made m "
    "JOIN input i ON i.session = m.session AND i.person = m.person)"
)


def statement(items: Sequence[Pending], moment: dt.datetime) -> tuple[str, tuple]:
    """The one statement that writes ``items`` (``{}`` placeholders) and its arguments."""
    limits = {item.room[0] for item in items if item.room is not None}
    if len(limits) > 1:
        raise ValueError("one wrong-code limit per batch")
    limit = next(iter(limits), None)
    args: list = [
        list(range(len(items))), [i.session_id for i in items], [i.training_id for i in items],
        [i.person_id for i in items], [i.account_id for i in items], [i.method for i in items],
        [i.reason for i in items], [i.at for i in items], [i.claim_hash for i in items],
        [limit.subject(i.room[1]) if limit is not None and i.room is not None else None for i in items],
    ]
    ctes = [_INPUT]
    claims = any(i.claim_hash is not None for i in items)
    if claims:
        ctes.append(_CLAIMS)
        args += [moment, moment]
    room_sql = "true"
    if limit is not None:
        condition, condition_args = throttle.room_condition(limit, "i.subject")
        room_sql = f"(i.subject IS NULL OR {condition})"
        args += condition_args
    claimed_sql = "(i.claim IS NULL OR i.ord IN (SELECT ord FROM claim_used))" if claims else "true"
    ctes.append(f"allowed AS (SELECT i.ord, {claimed_sql} AS claimed, {room_sql} AS room, "
                "t.status AS training_status FROM input i LEFT JOIN training t ON t.id = i.training)")
    ctes.append(_MADE)
    args += [moment, TrainingStatus.approved.value]
    credits = [(number, item.credit) for number, item in enumerate(items) if item.credit is not None]
    credit_columns, joined = "NULL::integer AS credit_id, NULL::varchar AS status, NULL::numeric AS credits", ""
    if credits:
        credit_sql, credit_args = ledger.create_after(credits, moment, "made")
        ctes.append(credit_sql)
        args += credit_args
        # A credit another session of the training earned is the check-in's credit too (as on SQLite).
        credit_columns = ("COALESCE(b.id, f.id) AS credit_id, COALESCE(b.status, f.status) AS status, "
                          "COALESCE(b.credits, f.credits) AS credits")
        joined = (" LEFT JOIN credit_born b ON b.ord = a.ord"
                  " LEFT JOIN credit_found f ON f.ord = a.ord AND m.id IS NOT NULL")
    sql = ("WITH " + ", ".join(ctes) + " SELECT a.ord, a.training_status, a.claimed, a.room, m.id, "
           "m.checked_in_at, " + credit_columns + " FROM allowed a LEFT JOIN made m ON m.ord = a.ord"
           + joined + " ORDER BY a.ord")
    return sql, tuple(args)


async def _run(engine, items: Sequence[Pending]) -> list[Made]:  # type: ignore[no-untyped-def]
    sql, args = statement(items, clock.now())
    rows = await db.fetch(engine, sql, *args)
    return [Made(r["training_status"], r["claimed"], r["room"], r["id"], r["checked_in_at"], r["credit_id"],
                 r["status"], r["credits"]) for r in rows]


_writes: Batcher[Pending, Made] = Batcher(_run, most=_MOST, key=lambda item: item.key)


async def write(engine, item: Pending) -> Made:  # type: ignore[no-untyped-def]
    """Write ``item`` with whatever check-ins wait beside it; its row of the answer."""
    return await _writes.submit(engine, item)
