from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T09:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "project file ids are never reused on SQLite (AUTOINCREMENT), as evidence's since 0015"

# SQLite hands a deleted row's id (the largest) to the next insert unless the key is
# AUTOINCREMENT: /api/project-files/7 would name another project's notice after the old
# file was deleted, to any cache or bookmark that kept the URL. PostgreSQL sequences never
# go back, so only SQLite's table is rebuilt, its indexes re-created as they were.
_PLAIN = '"id" INTEGER PRIMARY KEY NOT NULL'
_AUTO = '"id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL'


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="jijiao", description=DESCRIPTION)

    async def rebuild():
        engine = engine_finder()
        if engine.engine_type != "sqlite":
            return
        rows = await engine.run_ddl("SELECT type, sql FROM sqlite_master WHERE tbl_name = 'project_file' AND sql IS NOT NULL")
        [create] = [r["sql"] for r in rows if r["type"] == "table"]
        indexes = [r["sql"] for r in rows if r["type"] == "index"]
        if _PLAIN not in create:
            raise RuntimeError("project_file table is not as jijiao_0061 made it; refusing to rebuild it")
        create = create.replace(_PLAIN, _AUTO).replace('CREATE TABLE "project_file"', 'CREATE TABLE "project_file_new"', 1)
        for ddl in (create,
                    'INSERT INTO "project_file_new" SELECT * FROM "project_file"',
                    'DROP TABLE "project_file"',
                    'ALTER TABLE "project_file_new" RENAME TO "project_file"',
                    *indexes):
            await engine.run_ddl(ddl)

    manager.add_raw(rebuild)
    return manager
