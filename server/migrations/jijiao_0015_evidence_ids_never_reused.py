from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T04:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "evidence ids are never reused on SQLite (AUTOINCREMENT)"

# SQLite hands a deleted row's id (the largest) to the next insert unless the
# key is AUTOINCREMENT: /api/evidence/7 would name someone else's file after
# the old one was deleted, to any cache or bookmark that kept the URL.
# PostgreSQL sequences never go back, so only SQLite's table is rebuilt.
_PLAIN = '"id" INTEGER PRIMARY KEY NOT NULL'
_AUTO = '"id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL'


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="jijiao", description=DESCRIPTION)

    async def rebuild():
        engine = engine_finder()
        if engine.engine_type != "sqlite":
            return
        rows = await engine.run_ddl("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'evidence'")
        create = rows[0]["sql"]
        if _PLAIN not in create:
            raise RuntimeError("evidence table is not as jijiao_0009 made it; refusing to rebuild it")
        create = create.replace(_PLAIN, _AUTO).replace('CREATE TABLE "evidence"', 'CREATE TABLE "evidence_new"', 1)
        for ddl in (create,
                    'INSERT INTO "evidence_new" SELECT * FROM "evidence"',
                    'DROP TABLE "evidence"',
                    'ALTER TABLE "evidence_new" RENAME TO "evidence"',
                    'CREATE INDEX evidence_credit ON "evidence" ("credit")'):
            await engine.run_ddl(ddl)

    manager.add_raw(rebuild)
    return manager
