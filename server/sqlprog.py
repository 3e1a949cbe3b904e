"""SQL programs: write logic written once, run on SQLite's writer thread or on asyncpg.

A program is a generator that yields ``(sql_template, args)`` and receives the
rows as a list of dicts; what it returns is its result. Templates use ``{}``
placeholders, compiled once per template to ``?`` (SQLite) or ``$n``
(PostgreSQL). The same program can thus run synchronously inside a SQLite group
commit (one thread hop for a whole batch) or step by step in a PostgreSQL
transaction, and the business rule it encodes exists once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Generator
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")
Statement = tuple[str, tuple]
Program = Generator[Statement, list[dict], T]


# A written-table set holding this name means "anything may have changed": DDL, a
# PRAGMA, a statement SQLite could not compile. Memoised reads are all forgotten.
EVERYTHING = "*"

_WRITES = frozenset({sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE})
_HARMLESS = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION,
                       sqlite3.SQLITE_TRANSACTION, sqlite3.SQLITE_SAVEPOINT, sqlite3.SQLITE_RECURSIVE})
# Distinct statement texts remembered; Piccolo and the programs use a few hundred.
_KNOWN_MAX = 4096


class WriteTargets:
    """The tables a statement may change, as SQLite reports them while compiling it.

    SQLite calls an authorizer for every table a statement would insert into, update
    or delete from, including the writes of triggers and of foreign-key actions
    (``ON DELETE CASCADE``), which no reading of the statement's text can see. The
    statement is compiled under ``EXPLAIN`` (never run) with the authorizer on, once
    per statement text; any other action (DDL, PRAGMA, ATTACH) is denied, so its
    compilation has no side effect, and answered with :data:`EVERYTHING`.

    Ask on the connection that will run the statement, while holding it: the schema
    it compiles against is that connection's, uncommitted DDL included.
    """

    def __init__(self) -> None:
        self._known: dict[str, frozenset[str]] = {}

    def __call__(self, connection: sqlite3.Connection, sql: str, args: object = ()) -> frozenset[str]:
        known = self._known.get(sql)
        if known is None:
            known = _ask(connection, sql, args)
            if EVERYTHING in known:
                # The schema may be changing (a new trigger or foreign key): ask again.
                self._known.clear()
            else:
                if len(self._known) >= _KNOWN_MAX:
                    self._known.clear()
                self._known[sql] = known
        return known


def _ask(connection: sqlite3.Connection, sql: str, args: object) -> frozenset[str]:
    tables: set[str] = set()

    def authorize(action: int, arg1: str | None, arg2: str | None, database: str | None,
                  source: str | None) -> int:
        if action in _WRITES and arg1:
            tables.add(arg1.lower())
            return sqlite3.SQLITE_OK
        if action in _HARMLESS:
            return sqlite3.SQLITE_OK
        tables.add(EVERYTHING)
        return sqlite3.SQLITE_DENY

    # Setting an authorizer expires the connection's prepared statements (they are
    # compiled again on their next use): a cost paid once per new statement text.
    connection.set_authorizer(authorize)
    try:
        connection.execute("EXPLAIN " + sql, args).close()  # type: ignore[arg-type]
    except (sqlite3.Error, ValueError, TypeError):
        tables.add(EVERYTHING)  # cannot tell: fail closed (the real run reports its own error)
    finally:
        connection.set_authorizer(None)
    return frozenset(tables)


def tables_read(connection: sqlite3.Connection, sql: str, args: object = ()) -> frozenset[str]:
    """The tables a query reads (a view's own tables, a ``count(*)``'s table included),
    as SQLite reports them while compiling it under ``EXPLAIN``; raises for a query
    that does anything but read."""
    tables: set[str] = set()
    refused: list[int] = []

    def authorize(action: int, arg1: str | None, arg2: str | None, database: str | None,
                  source: str | None) -> int:
        if action == sqlite3.SQLITE_READ and arg1:
            tables.add(arg1.lower())
        elif action not in _HARMLESS:
            refused.append(action)
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    connection.set_authorizer(authorize)
    try:
        connection.execute("EXPLAIN " + sql, args).close()  # type: ignore[arg-type]
    finally:
        connection.set_authorizer(None)
    if refused:
        raise ValueError(f"not a read (SQLite action {refused[0]}): {sql}")
    return frozenset(tables)


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


def run_program_sync(program: Program[T], connection: sqlite3.Connection, written: set[str],
                     targets: WriteTargets) -> T:
    """Drive a program on a sqlite3 connection (whose row factory makes dicts).

    ``written`` collects the tables the program may change, as ``targets`` finds them.
    """
    try:
        sql, args = next(program)
        while True:
            sql = compile_sql(sql, "sqlite")
            written |= targets(connection, sql, args)
            cursor = connection.execute(sql, args)
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


__all__ = ["EVERYTHING", "Program", "Statement", "WriteTargets", "compile_sql", "run_program_async", "tables_read",
           "run_program_sync"]
