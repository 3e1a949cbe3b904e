"""The Piccolo app: our tables and their committed migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from server.tables import ALL_TABLES

APP_CONFIG = AppConfig(
    app_name="jijiao",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(ALL_TABLES),
    migration_dependencies=[],
    commands=[],
)
