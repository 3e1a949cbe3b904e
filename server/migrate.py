"""Applying the committed Piccolo migrations."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.tables import Migration

from server.piccolo_app import APP_CONFIG


class MigrationError(RuntimeError):
    pass


async def _unknown_migrations() -> list[str]:
    """IDs the database records as applied that no committed migration has."""
    if not await Migration.table_exists().run():
        return []
    ran = await Migration.get_migrations_which_ran(app_name=APP_CONFIG.app_name)
    manager = BaseMigrationManager()
    known = manager.get_migration_modules(APP_CONFIG.resolved_migrations_folder_path)
    return sorted(set(ran) - set(known))


async def migrate(*, quiet: bool = True) -> None:
    """Apply every pending migration; a no-op when the schema is current."""
    # Piccolo would pass over them and run the migrations it does not find applied: on a
    # database made before the migrations were squashed into jijiao_0100 … jijiao_0103,
    # that is the initial schema again, over tables that exist.
    unknown = await _unknown_migrations()
    if unknown:
        raise MigrationError(
            f"数据库记录了本版本没有的 {len(unknown)} 个迁移（{unknown[0]} …）：它由更新的 jijiao 创建，"
            f"或由 2026-12-06 合并迁移（jijiao_0001…0074 → jijiao_0100…0103）之前的版本创建。"
            f"请用创建它的版本运行，或新建空数据库 (the database ran migrations this jijiao does not have)")
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink) if quiet else contextlib.nullcontext():
        result = await run_forwards(app_name="jijiao", migration_id="all")
    if not result.success:
        raise MigrationError(result.message or sink.getvalue())
