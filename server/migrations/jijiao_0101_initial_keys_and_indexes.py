"""The initial schema, second half: what the table classes cannot declare.

Multi-column, partial and expression indexes; the throttle table; AUTOINCREMENT
keys on SQLite. Piccolo runs a migration's raw steps before its tables are made,
hence a migration of its own right after jijiao_0100 (see its docstring for how
both were made). Each statement is as the old chain ran it, so databases made
before and after the squash are the same; the comments say why each one exists.
"""

import re

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T10:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "initial schema: composite, partial and expression indexes, throttle, AUTOINCREMENT"

# Same DDL on SQLite and PostgreSQL.
_INDEXES = (
    # -- organisation and people
    "CREATE UNIQUE INDEX department_unit_name_uniq ON department (unit, name)",
    "CREATE UNIQUE INDEX person_year_person_year_uniq ON person_year (person, year)",
    # The people list pages a unit or a department in the order (department,
    # person_no). Without these the database joins and sorts the whole unit for
    # every page: 17-20 ms for page 100 of a 5,000-person unit on SQLite, against
    # 1-2 ms reading the index in order (bench/people.py).
    "CREATE INDEX person_unit_department_no ON person (unit, department, person_no)",
    "CREATE INDEX person_department_no ON person (department, person_no)",
    # -- trainings and attendance
    # One check-in per person per session: duplicate scans are idempotent.
    "CREATE UNIQUE INDEX checkin_session_person_uniq ON checkin (session, person)",
    "CREATE INDEX training_department_year ON training (department, year)",
    # A provider's class owns at most one training (NULLs never collide). An index rather
    # than a UNIQUE column: the column was added to an existing table, and SQLite cannot
    # add a UNIQUE column with ALTER TABLE.
    "CREATE UNIQUE INDEX training_training_class ON training (training_class)",
    # -- credits: the review queues and a person's year. Credit's person, unit, department,
    # year, source and status (and checkin's session) have no index of their own: every
    # index is paid for on each check-in, and these serve their lookups.
    "CREATE INDEX credit_department_status ON credit (department, status)",
    "CREATE INDEX credit_unit_status ON credit (unit, status)",
    "CREATE INDEX credit_person_year ON credit (person, year)",
    # One code per year and province; national rules have no region, and NULLs
    # never collide in a unique index, hence the COALESCE.
    "CREATE UNIQUE INDEX credit_rule_year_code_region ON credit_rule (year, code, COALESCE(region, 0))",
    # -- the totals tables (statistics)
    "CREATE UNIQUE INDEX credit_total_key ON credit_total (year, person, credit_class, category, source, rule_code)",
    "CREATE UNIQUE INDEX credit_year_key ON credit_year (year, person)",
    # A cap on a source (in categories) or on a catalogue rule reads only its rows.
    "CREATE INDEX credit_total_source ON credit_total (year, source, person)",
    "CREATE INDEX credit_total_rule ON credit_total (year, rule_code, person)",
    # -- compliance standards
    # A live standard's name is unique per year and region (national: no region, hence
    # the COALESCE, since NULLs never collide); a retired one frees its name.
    "CREATE UNIQUE INDEX standard_live_name ON standard (year, COALESCE(region_code, ''), name)"
    " WHERE retired_at IS NULL",
    # A person chooses at most one standard per year and scheme; a second choice of
    # the same scheme is refused by the index, so two requests at once cannot both win.
    "CREATE UNIQUE INDEX person_standard_person_year_scheme ON person_standard (person, year, scheme)",
    "CREATE INDEX person_standard_standard ON person_standard (standard)",
    # -- reminders: one per person and one digest per admin a week, enforced by the database
    "CREATE UNIQUE INDEX reminder_person_week_uniq ON reminder (person, week)",
    "CREATE UNIQUE INDEX reminder_digest_account_week_uniq ON reminder_digest (account, week)",
    # -- providers' classes, public courses and dishonesty records (the Guangdong module): natural keys
    "CREATE UNIQUE INDEX enrolment_class_person ON enrolment (training_class, person)",
    "CREATE UNIQUE INDEX lesson_progress_person_lesson ON lesson_progress (person, lesson)",
    "CREATE INDEX lesson_progress_person_course ON lesson_progress (person, course)",
    "CREATE INDEX exam_attempt_person_course ON exam_attempt (person, course)",
    # At most one open (unsubmitted) exam attempt per person and course.
    "CREATE UNIQUE INDEX exam_attempt_open ON exam_attempt (person, course) WHERE submitted_at IS NULL",
    "CREATE UNIQUE INDEX dishonesty_credit_pair ON dishonesty_credit (dishonesty, credit)",
)

# Throttle counters (services/throttle.py): one row per (scope, subject), changed by a
# single conditional upsert, so parallel requests cannot race past a limit. Made in SQL
# since it replaced the login_attempt log (old jijiao_0014): no column defaults, and
# SQLite's columns say BIGINT, unlike what Piccolo makes of the Throttle class.
_THROTTLE_COLUMNS = ("scope VARCHAR(30) NOT NULL, subject VARCHAR(200) NOT NULL, period BIGINT NOT NULL, "
                     "hits INTEGER NOT NULL DEFAULT 0, prev_hits INTEGER NOT NULL DEFAULT 0, touched BIGINT NOT NULL")
_THROTTLE = {
    "sqlite": f"CREATE TABLE throttle (id INTEGER PRIMARY KEY, {_THROTTLE_COLUMNS})",
    "postgres": f"CREATE TABLE throttle (id SERIAL PRIMARY KEY, {_THROTTLE_COLUMNS})",
}
_THROTTLE_INDEXES = (
    "CREATE UNIQUE INDEX throttle_scope_subject ON throttle (scope, subject)",
    "CREATE INDEX throttle_touched ON throttle (touched)",
)

# SQLite hands a deleted row's id (the largest) to the next insert unless the key is
# AUTOINCREMENT: /api/evidence/7 or /api/project-files/7 would name another file after
# the old one was deleted, to any cache or bookmark that kept the URL. PostgreSQL
# sequences never go back. SQLite cannot change a key in place: the two tables, empty
# here, are made again with AUTOINCREMENT and their indexes as Piccolo made them.
_NEVER_REUSED = ("evidence", "project_file")
_PLAIN = '"id" INTEGER PRIMARY KEY NOT NULL'
_AUTO = '"id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL'


async def _autoincrement(engine, table: str) -> None:
    rows = await engine.run_ddl(f"SELECT type, sql FROM sqlite_master WHERE tbl_name = '{table}' AND sql IS NOT NULL")
    [create] = [r["sql"] for r in rows if r["type"] == "table"]
    indexes = [r["sql"] for r in rows if r["type"] == "index"]
    if _PLAIN not in create:
        raise RuntimeError(f"{table} is not as jijiao_0100 made it; refusing to make it again")
    for ddl in (f'DROP TABLE "{table}"', create.replace(_PLAIN, _AUTO), *indexes):
        await engine.run_ddl(ddl)


def _index_name(ddl: str) -> str:
    return re.match(r"CREATE (?:UNIQUE )?INDEX (\w+)", ddl).group(1)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="jijiao", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        for ddl in (*_INDEXES, _THROTTLE[engine.engine_type], *_THROTTLE_INDEXES):
            await engine.run_ddl(ddl)
        if engine.engine_type == "sqlite":
            for table in _NEVER_REUSED:
                await _autoincrement(engine, table)

    async def drop():
        engine = engine_finder()
        await engine.run_ddl("DROP TABLE IF EXISTS throttle")
        for ddl in _INDEXES:
            await engine.run_ddl(f"DROP INDEX IF EXISTS {_index_name(ddl)}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
