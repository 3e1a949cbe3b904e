"""Trainings get a kind: "inhouse" (院内培训) or "project" (a delegated CME project's attendance).

A delegated project runs its sessions, rotating-QR check-in and review queue
through a training row of kind "project", so the check-in hot path is the same
code; every existing row is an in-house training (``NOT NULL DEFAULT
'inhouse'`` fills them on SQLite and PostgreSQL alike).
"""

from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-06T03:40:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "training.kind (inhouse / project)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="jijiao", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Training",
        tablename="training",
        column_name="kind",
        db_column_name="kind",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 10,
            "default": "inhouse",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": Enum("TrainingKind", {"inhouse": "inhouse", "project": "project"}),
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
