from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-25T00:38:59:573234"
VERSION = "1.38.0"
DESCRIPTION = "captcha requests remember their address"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="jijiao", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="LoginCaptcha",
        tablename="login_captcha",
        column_name="ip",
        db_column_name="ip",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
