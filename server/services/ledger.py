"""Where every credit record is born: one SQL program for every source.

A credit comes from a check-in (attendance), a speaker's course (speaker), a
trainee's own entry (personal), and later a provider's class, a public course,
a CME project or an import. Each of them describes the record as a
:class:`NewCredit` and runs :func:`create`, which inserts the ``credit`` row and
its first ``credit_event`` row (``''`` → the initial status) — nothing else ever
INSERTs into ``credit``.

:func:`create` is a SQL program (``server/sqlprog.py``): a generator of
``(sql_template, args)``. Run it

* in a group commit, on its own or inside a bigger program::

      row = await db.run_write(engine, ledger.create(new))
      row = yield from ledger.create(new)          # inside another program

* or in the caller's Piccolo transaction (``db.run_write`` then runs it step by
  step in that transaction, on SQLite and on PostgreSQL alike)::

      async with Credit._meta.db.transaction():
          row = await db.run_write(Credit._meta.db, ledger.create(new))
          await audit.record(...)

It costs exactly two statements (the check-in hot path depends on it): one
``INSERT … ON CONFLICT (dedupe_key) DO NOTHING RETURNING`` and, when a row was
made, the event INSERT (a record effective at birth adds a third: its
person-year totals, ``services/totals.py``). It returns :class:`Born` (the new id, status, credits)
or ``None`` when a record with the same ``dedupe_key`` already exists — the
caller decides whether that is idempotence (a repeated scan) or a 409
(a duplicate entry). A ``None`` ``dedupe_key`` never conflicts.

A source whose records are effective at birth (a completed class, a passed
course exam, an import) passes ``status=CreditStatus.effective`` and
``effective_at`` (``None`` counts at once, see ``credits.in_force``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from server import clock
from server.services import totals
from server.sqlprog import Program
from server.tables.enums import CreditCategory, CreditClass, CreditSource, CreditStatus

__all__ = ["Born", "NewCredit", "create", "create_after"]


@dataclass(frozen=True, slots=True)
class NewCredit:
    """One credit record to create. Credits and hours are exact Decimals (two places in the table)."""

    person_id: int
    unit_id: int
    department_id: int | None
    year: int
    # The local (China) date the activity took place; compliance counts by it.
    activity_date: dt.date
    credit_class: CreditClass
    title: str
    credits: Decimal
    hours: Decimal
    source: CreditSource
    status: CreditStatus
    # The account that made it (None for system imports), and where from, for the event row.
    created_by: int | None
    ip: str = ""
    category: CreditCategory = CreditCategory.professional
    # Natural key of the activity, unique while set (one attendance credit per
    # person and training, one entry per person, rule, date and title).
    dedupe_key: str | None = None
    training_id: int | None = None
    # Personal entries: the catalogue rule and what was declared.
    rule_id: int | None = None
    rule_code: str = ""
    quantity: Decimal | None = None
    author_position: int | None = None
    project_no: str = ""
    organiser: str = ""
    # The record's reason column (why it was returned, rejected…); empty at birth.
    reason: str = ""
    # Only for records effective at birth: from when they count (None: at once).
    effective_at: dt.datetime | None = None
    # The first event's reason ("签到", "授课学分", "结业" …).
    event_reason: str = ""


@dataclass(frozen=True, slots=True)
class Born:
    """What the INSERT … RETURNING handed back."""

    id: int
    status: str
    credits: Decimal


# Column, and its PostgreSQL type for the one-statement form (a parameter in a SELECT list
# has no target column to take its type from).
_COLUMNS = (
    ("person", "integer"), ("unit", "integer"), ("department", "integer"), ("year", "integer"),
    ("activity_date", "date"), ("credit_class", "varchar"), ("category", "varchar"), ("rule_code", "varchar"),
    ("rule", "integer"), ("quantity", "numeric"), ("author_position", "integer"), ("project_no", "varchar"),
    ("organiser", "varchar"), ("title", "varchar"), ("credits", "numeric"), ("hours", "numeric"),
    ("source", "varchar"), ("training", "integer"), ("status", "varchar"), ("dedupe_key", "varchar"),
    ("reason", "text"), ("created_by", "integer"), ("created_at", "timestamptz"), ("updated_at", "timestamptz"),
    ("effective_at", "timestamptz"),
)
_NAMES = ", ".join(name for name, _ in _COLUMNS)
_INSERT = (
    f"INSERT INTO credit ({_NAMES}) VALUES ({', '.join('{}' for _ in _COLUMNS)}) "
    "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, status, credits"
)
_EVENT = (
    "INSERT INTO credit_event (credit, at, account, from_status, to_status, reason, ip) "
    "VALUES ({}, {}, {}, '', {}, {}, {})"
)
# The many-row form (PostgreSQL): one array per column, then the event's account, reason, ip.
_INPUT_COLUMNS = ", ".join(name for name, _ in _COLUMNS) + ", ev_account, ev_reason, ev_ip"
_INSERT_AFTER = (
    "credit_input AS (SELECT * FROM unnest({}::integer[], "
    + ", ".join("{}::" + kind + "[]" for _, kind in _COLUMNS)
    + ", {}::integer[], {}::text[], {}::varchar[]) AS n(ord, " + _INPUT_COLUMNS + ")), "
    "credit_inserted AS (INSERT INTO credit (" + _NAMES + ") SELECT "
    + ", ".join("n." + name for name, _ in _COLUMNS)
    + " FROM credit_input n JOIN {after} a ON a.ord = n.ord ORDER BY n.dedupe_key "
    "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, status, credits, dedupe_key), "
    "credit_born AS (SELECT n.ord, c.id, c.status, c.credits FROM credit_inserted c "
    "JOIN credit_input n ON n.dedupe_key = c.dedupe_key), "
    "credit_event_born AS (INSERT INTO credit_event (credit, at, account, from_status, to_status, reason, ip) "
    "SELECT b.id, n.created_at, n.ev_account, '', b.status, n.ev_reason, n.ev_ip "
    "FROM credit_born b JOIN credit_input n ON n.ord = b.ord), "
    "credit_found AS (SELECT n.ord, c.id, c.status, c.credits FROM credit_input n JOIN {after} a ON a.ord = n.ord "
    "JOIN credit c ON c.dedupe_key = n.dedupe_key)"
)


def _values(new: NewCredit, moment: dt.datetime) -> tuple:
    return (
        new.person_id, new.unit_id, new.department_id, new.year, new.activity_date, new.credit_class.value,
        new.category.value, new.rule_code, new.rule_id, new.quantity, new.author_position, new.project_no,
        new.organiser, new.title, new.credits, new.hours, new.source.value, new.training_id, new.status.value,
        new.dedupe_key, new.reason, new.created_by, moment, moment, new.effective_at,
    )


def create_after(news: Sequence[tuple[int, NewCredit]], moment: dt.datetime, after: str) -> tuple[str, tuple]:
    """PostgreSQL only: :func:`create` for many records, as data-modifying CTEs of the caller's statement.

    ``news`` pairs a number (``ord``) with each record; the record is made when the CTE named
    ``after`` yields its ``ord`` (a caller that writes its own rows and their credits in one
    statement: the check-ins of a burst, one round trip and one commit for all of them).
    ``credit_born`` (ord, id, status, credits) has a row for each record made, with the same
    columns and values as :func:`create` and its first event; ``credit_found`` (the same
    columns) one for each record whose key was taken before the statement began (another
    session of the same training earned it). Rows go in in key order, so two statements
    lock the same keys in the same order and never deadlock. Keys must be set and differ
    within one call (the event finds its record by it). Returns the CTE text (``{}``
    placeholders) and its arguments.
    """
    keys = [new.dedupe_key for _, new in news]
    if not keys or None in keys or len(set(keys)) != len(keys):
        raise ValueError("create_after needs records, each with a dedupe_key of its own")
    if any(new.status == CreditStatus.effective for _, new in news):
        # Its per person-year totals would be left behind (services/totals.py): create() counts them.
        raise ValueError("create_after makes pending records only; use create for a record effective at birth")
    rows = [(number, *_values(new, moment), new.created_by, new.event_reason, new.ip[:64]) for number, new in news]
    return _INSERT_AFTER.replace("{after}", after), tuple(list(column) for column in zip(*rows))


def create(new: NewCredit, moment: dt.datetime | None = None) -> Program[Born | None]:
    """Insert ``new`` and its first event at ``moment`` (now, UTC, by default); None if its key exists."""
    moment = moment or clock.now()
    rows = yield (_INSERT, _values(new, moment))
    if not rows:
        return None
    row = rows[0]
    yield (_EVENT, (row["id"], moment, new.created_by, new.status.value, new.event_reason, new.ip[:64]))
    if new.status == CreditStatus.effective:
        # Effective at birth (a class, a course exam, an import): counted at once.
        yield from totals.count(new.person_id, new.activity_date, new.credit_class.value, new.category.value,
                                new.source.value, new.rule_code, new.credits, new.hours, new.effective_at)
    return Born(row["id"], row["status"], Decimal(str(row["credits"])))
