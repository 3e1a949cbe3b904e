"""Credit records, trainings and catalogue rules get a category: 公需 / 专业 / 选修.

The hours-based schemes (人社部令第25号, Guangdong) count public, professional and
elective subjects apart; CME schemes count by class and leave the category at its
default. Every row that exists already becomes professional (专业): what a
department trains and what the catalogue rules describe is professional by
nature. ``ADD COLUMN … NOT NULL DEFAULT 'professional'`` writes that value into
every existing row on SQLite and PostgreSQL alike (a raw UPDATE could not follow
it here: Piccolo runs a migration's raw steps before its column changes).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

from server.tables.enums import CreditCategory

ID = "2026-12-06T03:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "category (public / professional / elective) on credit, training and credit_rule"

_TABLES = (("Credit", "credit"), ("Training", "training"), ("CreditRule", "credit_rule"))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="jijiao", description=DESCRIPTION)
    for class_name, tablename in _TABLES:
        manager.add_column(
            table_class_name=class_name,
            tablename=tablename,
            column_name="category",
            db_column_name="category",
            column_class_name="Varchar",
            column_class=Varchar,
            params={
                "length": 12,
                "default": "professional",
                "null": False,
                "primary_key": False,
                "unique": False,
                "index": False,
                "index_method": IndexMethod.btree,
                "choices": CreditCategory,
                "db_column_name": None,
                "secret": False,
            },
            schema=None,
        )

    return manager
