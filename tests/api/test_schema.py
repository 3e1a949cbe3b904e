"""The committed migrations build exactly the tables that server/tables declares.

Every API test starts from a database built by running every migration
(tests/conftest.py). This compares that database, table by table and column by
column, with the Piccolo Table classes the code queries through: the same
tables, the same columns, each of the same type and nullability, each foreign
key pointing at the same table. A column added to a Table class without a
migration, a migration that leaves a column nullable that the class says is
not, or a table no class declares fails here, on SQLite and on PostgreSQL.

Piccolo's own ``migrations new --auto`` diff cannot be the check: it replays
the migrations' MigrationManager calls, so it does not see what migrations do
in raw SQL (the throttle table of migration jijiao_0101 is all raw SQL, and it reports
that table as missing).
"""

from __future__ import annotations

from piccolo.columns import Column, ForeignKey
from piccolo.table import Table

from server.piccolo_app import APP_CONFIG
from server.tables import ALL_TABLES
from tests.conftest import USING_POSTGRES

# Piccolo's own record of the migrations applied.
PICCOLO_TABLES = {"migration"}

_PG_TYPES = {
    "integer": "INTEGER", "bigint": "BIGINT", "smallint": "SMALLINT", "text": "TEXT", "boolean": "BOOLEAN",
    "date": "DATE", "timestamp with time zone": "TIMESTAMPTZ", "timestamp without time zone": "TIMESTAMP",
    "double precision": "DOUBLE PRECISION", "real": "REAL", "jsonb": "JSONB", "json": "JSON", "uuid": "UUID",
    "bytea": "BYTEA", "time without time zone": "TIME", "interval": "INTERVAL",
}
# SQLite stores INTEGER and BIGINT alike (one integer affinity, up to 8 bytes), and Piccolo declares a
# BigInt "INTEGER" there; migrations written as raw SQL say BIGINT.
_SQLITE_SAME = {"BIGINT": "INTEGER"}


def _pg_type(row: dict) -> str:
    kind = row["data_type"]
    if kind == "character varying":
        return f"VARCHAR({row['character_maximum_length']})" if row["character_maximum_length"] else "VARCHAR"
    if kind == "numeric":
        return f"NUMERIC({row['numeric_precision']}, {row['numeric_scale']})" if row["numeric_precision"] else "NUMERIC"
    if kind in ("integer", "bigint") and str(row["column_default"] or "").startswith("nextval("):
        return "SERIAL" if kind == "integer" else "BIGSERIAL"
    return _PG_TYPES.get(kind, kind.upper())


async def _database_columns(table: str) -> dict[str, tuple[str, bool]]:
    """{column: (type, nullable)} as the migrated database has them."""
    if USING_POSTGRES:
        rows = await Table.raw(
            "SELECT column_name, data_type, is_nullable, character_maximum_length, numeric_precision, "
            "numeric_scale, column_default FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = {}", table)
        return {r["column_name"]: (_pg_type(r), r["is_nullable"] == "YES") for r in rows}
    rows = await Table.raw(f'PRAGMA table_info("{table}")')
    return {r["name"]: (_SQLITE_SAME.get(r["type"].upper(), r["type"].upper()), not r["notnull"] and not r["pk"])
            for r in rows}


async def _database_foreign_keys(table: str) -> dict[str, str]:
    """{column: referenced table}."""
    if USING_POSTGRES:
        rows = await Table.raw(
            "SELECT k.column_name, c.table_name AS target FROM information_schema.table_constraints t "
            "JOIN information_schema.key_column_usage k ON k.constraint_name = t.constraint_name "
            "AND k.table_schema = t.table_schema "
            "JOIN information_schema.constraint_column_usage c ON c.constraint_name = t.constraint_name "
            "AND c.table_schema = t.table_schema "
            "WHERE t.constraint_type = 'FOREIGN KEY' AND t.table_schema = current_schema() AND t.table_name = {}",
            table)
        return {r["column_name"]: r["target"] for r in rows}
    rows = await Table.raw(f'PRAGMA foreign_key_list("{table}")')
    return {r["from"]: r["table"] for r in rows}


async def _database_tables() -> set[str]:
    if USING_POSTGRES:
        rows = await Table.raw("SELECT table_name AS name FROM information_schema.tables "
                               "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")
    else:
        rows = await Table.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return {r["name"] for r in rows} - PICCOLO_TABLES


def _declared_type(column: Column) -> str:
    declared = column.column_type.upper()
    return declared if USING_POSTGRES else _SQLITE_SAME.get(declared, declared)


def _declared(table: type[Table]) -> dict[str, tuple[str, bool]]:
    return {c._meta.db_column_name: (_declared_type(c), bool(c._meta.null) and not c._meta.primary_key)
            for c in table._meta.columns}


def _declared_foreign_keys(table: type[Table]) -> dict[str, str]:
    return {c._meta.db_column_name: c._foreign_key_meta.resolved_references._meta.tablename
            for c in table._meta.foreign_key_columns if isinstance(c, ForeignKey)}


def test_the_piccolo_app_lists_every_table_class():
    assert list(APP_CONFIG.table_classes) == list(ALL_TABLES)
    assert len({t._meta.tablename for t in ALL_TABLES}) == len(ALL_TABLES)


def test_migrations_make_the_tables_the_classes_declare(client):
    async def compare() -> list[str]:
        drift: list[str] = []
        declared = {t._meta.tablename: t for t in ALL_TABLES}
        present = await _database_tables()
        drift += [f"table {name}: declared, not migrated" for name in sorted(declared.keys() - present)]
        drift += [f"table {name}: migrated, declared by no class" for name in sorted(present - declared.keys())]
        checked = 0
        for name in sorted(declared.keys() & present):
            table = declared[name]
            want, have = _declared(table), await _database_columns(name)
            drift += [f"{name}.{c}: declared, not migrated" for c in sorted(want.keys() - have.keys())]
            drift += [f"{name}.{c}: migrated, not declared" for c in sorted(have.keys() - want.keys())]
            for column in sorted(want.keys() & have.keys()):
                checked += 1
                if want[column] != have[column]:
                    drift.append(f"{name}.{column}: declared (type, nullable) {want[column]}, migrated {have[column]}")
            want_fk, have_fk = _declared_foreign_keys(table), await _database_foreign_keys(name)
            if want_fk != have_fk:
                drift.append(f"{name}: declared foreign keys {want_fk}, migrated {have_fk}")
        # A comparison that found nothing to compare would prove nothing.
        assert checked > 300, checked
        return drift

    drift = client.blocking_portal.call(compare)
    assert not drift, "\n".join(drift)
