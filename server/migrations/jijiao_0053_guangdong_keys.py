from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T03:40:03:000000"
VERSION = "1.38.0"
DESCRIPTION = "natural keys of enrolments, lesson progress, open exam attempts and dishonesty links"

# What the table classes cannot declare: composite and partial unique indexes,
# and UNIQUE on a column SQLite can only add with ALTER TABLE (NULLs never
# collide). Raw steps run before a migration's tables are made, hence a
# migration of their own. Same DDL on SQLite and PostgreSQL.
_FORWARDS = (
    "CREATE UNIQUE INDEX IF NOT EXISTS enrolment_class_person ON enrolment (training_class, person)",
    "CREATE UNIQUE INDEX IF NOT EXISTS training_training_class ON training (training_class)",
    "CREATE UNIQUE INDEX IF NOT EXISTS lesson_progress_person_lesson ON lesson_progress (person, lesson)",
    "CREATE INDEX IF NOT EXISTS lesson_progress_person_course ON lesson_progress (person, course)",
    "CREATE INDEX IF NOT EXISTS exam_attempt_person_course ON exam_attempt (person, course)",
    "CREATE UNIQUE INDEX IF NOT EXISTS exam_attempt_open ON exam_attempt (person, course) WHERE submitted_at IS NULL",
    "CREATE UNIQUE INDEX IF NOT EXISTS dishonesty_credit_pair ON dishonesty_credit (dishonesty, credit)",
)
_BACKWARDS = (
    "DROP INDEX IF EXISTS enrolment_class_person",
    "DROP INDEX IF EXISTS training_training_class",
    "DROP INDEX IF EXISTS lesson_progress_person_lesson",
    "DROP INDEX IF EXISTS lesson_progress_person_course",
    "DROP INDEX IF EXISTS exam_attempt_person_course",
    "DROP INDEX IF EXISTS exam_attempt_open",
    "DROP INDEX IF EXISTS dishonesty_credit_pair",
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
