"""CME projects (seed 001 §3): project, project_course, project_event, project_file, project_counter.

Written by hand from what ``piccolo migrations new --auto`` produced for the
tables in ``server/tables/project.py`` (the same columns and parameters, folded
into one helper instead of 1,400 lines of repeated dictionaries).
"""

import decimal
from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import Date, ForeignKey, Integer, Numeric, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.date import DateNow
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-06T03:41:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "cme projects"


def _ref(name: str, tablename: str) -> type[Table]:
    """A stand-in for a referenced table: its name and primary key are all a migration needs."""
    return type(name, (Table,), {"id": Serial(null=False, primary_key=True, unique=False, index=False,
                                              index_method=IndexMethod.btree, choices=None, db_column_name="id",
                                              secret=False)}, tablename=tablename, schema=None)


Account = _ref("Account", "account")
Department = _ref("Department", "department")
Person = _ref("Person", "person")
Training = _ref("Training", "training")
Unit = _ref("Unit", "unit")


class Project(Table, tablename="project", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False, index_method=IndexMethod.btree,
                choices=None, db_column_name="id", secret=False)


def _choices(name: str, *values: str) -> Enum:
    return Enum(name, {v: v for v in values})


def _fk(references: type[Table], *, on_delete: OnDelete = OnDelete.cascade, unique: bool = False,
        index: bool = False) -> tuple:
    return ForeignKey, {"references": references, "on_delete": on_delete, "on_update": OnUpdate.cascade,
                        "target_column": None, "null": True, "unique": unique, "index": index}


def _varchar(length: int, default: str = "", *, choices: Enum | None = None, index: bool = False,
             null: bool = False, unique: bool = False) -> tuple:
    return Varchar, {"length": length, "default": None if null else default, "null": null, "unique": unique,
                     "index": index, "choices": choices}


_TEXT = (Text, {"default": ""})
_NUMERIC = (Numeric, {"default": decimal.Decimal("0"), "digits": (6, 2)})
_DATE = (Date, {"default": DateNow()})
_NOW = (Timestamptz, {"default": TimestamptzNow()})
_INT = (Integer, {"default": 0})

_TABLES: dict[tuple[str, str], list[tuple[str, tuple]]] = {
    ("Project", "project"): [
        ("department", _fk(Department, index=True)),
        ("unit", _fk(Unit, index=True)),
        ("region_code", _varchar(6, index=True)),
        ("year", (Integer, {"default": 0, "index": True})),
        ("title", _varchar(200)),
        ("level", _varchar(12, choices=_choices("ProjectLevel", "provincial", "city"))),
        ("credits", _NUMERIC),
        ("hours", _NUMERIC),
        ("starts_on", _DATE),
        ("ends_on", _DATE),
        ("location", _varchar(100)),
        ("leader", _varchar(50)),
        ("discipline", _varchar(50)),
        ("subdiscipline", _varchar(50)),
        ("format", _varchar(20, "面授")),
        ("audience", _TEXT),
        ("intake", _INT),
        ("budget_note", _TEXT),
        ("status", _varchar(16, "draft", index=True, choices=_choices(
            "ProjectStatus", "draft", "submitted", "pending_region", "published", "returned", "rejected"))),
        ("project_no", _varchar(30, null=True, unique=True)),
        ("review_reason", _TEXT),
        ("delegated_department", _fk(Department, index=True, on_delete=OnDelete.set_null)),
        ("training", _fk(Training, unique=True, on_delete=OnDelete.set_null)),
        ("prep_status", _varchar(12, "open", choices=_choices("PrepStatus", "open", "submitted", "checked",
                                                              "returned"))),
        ("prep_reason", _TEXT),
        ("created_by", _fk(Account, on_delete=OnDelete.set_null)),
        ("created_at", _NOW),
        ("updated_at", _NOW),
        ("published_at", (Timestamptz, {"default": None, "null": True})),
    ],
    ("ProjectCourse", "project_course"): [
        ("project", _fk(Project, index=True)),
        ("title", _varchar(200)),
        ("speaker", _fk(Person, on_delete=OnDelete.set_null)),
        ("speaker_name", _varchar(50)),
        ("speaker_title", _varchar(50)),
        ("speaker_unit", _varchar(100)),
        ("hours", _NUMERIC),
        ("sort_order", _INT),
    ],
    ("ProjectEvent", "project_event"): [
        ("project", _fk(Project, index=True)),
        ("at", _NOW),
        ("account", _fk(Account, on_delete=OnDelete.set_null)),
        ("action", _varchar(20)),
        ("from_status", _varchar(16)),
        ("to_status", _varchar(16)),
        ("reason", _TEXT),
        ("ip", _varchar(64)),
    ],
    ("ProjectFile", "project_file"): [
        ("project", _fk(Project, index=True)),
        ("kind", _varchar(12, choices=_choices("ProjectFileKind", "attachment", "notice"))),
        ("content_type", _varchar(40)),
        ("size", _INT),
        ("storage_key", _varchar(120)),
        ("thumb_key", _varchar(120)),
        ("filename", _varchar(200)),
        ("sha256", _varchar(64)),
        ("uploaded_by", _fk(Account, on_delete=OnDelete.set_null)),
        ("created_at", _NOW),
    ],
    ("ProjectCounter", "project_counter"): [
        ("prefix", _varchar(20, unique=True)),
        ("last", _INT),
    ],
}

_COMMON = {"null": False, "primary_key": False, "unique": False, "index": False,
           "index_method": IndexMethod.btree, "choices": None, "db_column_name": None, "secret": False}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="jijiao", description=DESCRIPTION)
    for class_name, tablename in _TABLES:
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
    for (class_name, tablename), columns in _TABLES.items():
        for name, (column_class, params) in columns:
            manager.add_column(
                table_class_name=class_name, tablename=tablename, column_name=name, db_column_name=name,
                column_class_name=column_class.__name__, column_class=column_class,
                params={**_COMMON, **params}, schema=None)
    return manager
