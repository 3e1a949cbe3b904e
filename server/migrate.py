"""Applying the committed Piccolo migrations."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.forwards import run_forwards


class MigrationError(RuntimeError):
    pass


async def migrate(*, quiet: bool = True) -> None:
    """Apply every pending migration; a no-op when the schema is current."""
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink) if quiet else contextlib.nullcontext():
        result = await run_forwards(app_name="jijiao", migration_id="all")
    if not result.success:
        raise MigrationError(result.message or sink.getvalue())
