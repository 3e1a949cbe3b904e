from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T06:13:41:207733"
VERSION = "1.38.0"
DESCRIPTION = "one reminder per person and one digest per admin a week, enforced by the database"

# Piccolo columns can't express multi-column indexes, and raw steps run before
# table steps, hence a migration of its own after 0072. Same DDL on both databases.
_FORWARDS = (
    "CREATE UNIQUE INDEX IF NOT EXISTS reminder_person_week_uniq ON reminder (person, week)",
    "CREATE UNIQUE INDEX IF NOT EXISTS reminder_digest_account_week_uniq ON reminder_digest (account, week)",
)
_BACKWARDS = (
    "DROP INDEX IF EXISTS reminder_person_week_uniq",
    "DROP INDEX IF EXISTS reminder_digest_account_week_uniq",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="jijiao", description=DESCRIPTION)

    async def create():
        for ddl in _FORWARDS:
            await engine_finder().run_ddl(ddl)

    async def drop():
        for ddl in _BACKWARDS:
            await engine_finder().run_ddl(ddl)

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
