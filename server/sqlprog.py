"""SQL programs: write logic written once, run on SQLite's writer thread or on asyncpg.

A program is a generator that yields ``(sql_template, args)`` and receives the
rows as a list of dicts; what it returns is its result. Templates use ``{}``
placeholders, compiled once per template to ``?`` (SQLite) or ``$n``
(PostgreSQL). The same program can thus run synchronously inside a SQLite group
commit (one thread hop for a whole batch) or step by step in a PostgreSQL
transaction, and the business rule it encodes exists once.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Awaitable, Callable, Generator
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")
Statement = tuple[str, tuple]
Program = Generator[Statement, list[dict], T]


# Tables whose rows the hot path memoises (server.db fetch_memo): a write to
# one of them invalidates what was read from it.
WATCHED = frozenset({"login_session", "account", "role_grant", "person", "department", "unit", "region",
                     "provider", "training", "training_session", "throttle"})
_TARGET = re.compile(r'^\s*(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from)\s+"?(\w+)"?', re.IGNORECASE)
_DDL = re.compile(r"^\s*(?:create|alter|drop)\b", re.IGNORECASE)


@lru_cache(maxsize=512)
def tables_written(statement: str) -> frozenset[str]:
    """The watched tables a statement changes (all of them for DDL)."""
    match = _TARGET.match(statement)
    if match:
        table = match.group(1).lower()
        return frozenset({table}) if table in WATCHED else frozenset()
    return WATCHED if _DDL.match(statement) else frozenset()


@lru_cache(maxsize=512)
def compile_sql(template: str, kind: str) -> str:
    """``{}`` placeholders as ``?`` for SQLite or ``$1, $2, …`` for PostgreSQL."""
    parts = template.split("{}")
    if kind == "sqlite":
        return "?".join(parts)
    out = [parts[0]]
    for index, part in enumerate(parts[1:], start=1):
        out.append(f"${index}")
        out.append(part)
    return "".join(out)


def run_program_sync(program: Program[T], connection: sqlite3.Connection, written: set[str] | None = None) -> T:
    """Drive a program on a sqlite3 connection (whose row factory makes dicts).

    ``written`` collects the watched tables the program changes.
    """
    try:
        sql, args = next(program)
        while True:
            if written is not None:
                written |= tables_written(sql)
            cursor = connection.execute(compile_sql(sql, "sqlite"), args)
            try:
                rows = cursor.fetchall()
            finally:
                cursor.close()
            sql, args = program.send(rows)
    except StopIteration as done:
        return done.value


async def run_program_async(program: Program[T], fetch: Callable[[str, tuple], Awaitable[list[dict]]]) -> T:
    """Drive a program through an async ``fetch(template, args)``."""
    try:
        sql, args = next(program)
        while True:
            rows = await fetch(sql, args)
            sql, args = program.send(rows)
    except StopIteration as done:
        return done.value


__all__ = ["Program", "Statement", "compile_sql", "run_program_async", "run_program_sync"]
