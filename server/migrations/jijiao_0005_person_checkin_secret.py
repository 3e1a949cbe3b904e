from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-24T21:25:09:096032"
VERSION = "1.38.0"
DESCRIPTION = "person_checkin_secret"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="jijiao", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Person",
        tablename="person",
        column_name="checkin_secret",
        db_column_name="checkin_secret",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": True,
        },
        schema=None,
    )

    return manager
