"""The national credit rules every database starts with (kept from the old jijiao_0012).

The national rules hold in every province (no region): 国家级继续医学教育项目
3 hours = 1 credit, its speakers 2 per hour; 省级项目 6 hours = 1 credit, its
speakers 1 per hour; at most 10 credits per project. Written as data here so
that every database has them, demo or not; later years are added the same way,
by a new migration. Their category is the column's default, professional.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T10:00:02:000000"
VERSION = "1.38.0"
DESCRIPTION = "national credit rules"

_YEARS = range(2024, 2031)
_PROOF = "证明材料包括：学分证书或项目主办单位出具的参会（授课）证明。"
_RULES = (
    # code, name, subtype, unit_size, credits_per_step, sort
    ("national_project", "国家级继续医学教育项目", "国家级继续医学教育项目", 3, 1, 101),
    ("national_project_speaker", "国家级继续医学教育项目主讲人", "国家级继续医学教育项目", 1, 2, 102),
    ("provincial_project", "省级继续医学教育项目", "省级继续医学教育项目", 6, 1, 103),
    ("provincial_project_speaker", "省级继续医学教育项目主讲人", "省级继续医学教育项目", 1, 1, 104),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="jijiao", description=DESCRIPTION)

    async def insert():
        engine = engine_finder()
        for year in _YEARS:
            for code, name, subtype, size, per_step, sort in _RULES:
                # One statement per rule, a no-op where the rule is already there.
                await engine.run_ddl(
                    "INSERT INTO credit_rule (year, region, code, name, subtype, credit_class, unit, unit_size,"
                    " credits_per_step, author_credits, cap, daily_limit, evidence_required, guidance, active, sort,"
                    f" updated_at) SELECT {year}, NULL, '{code}', '{name}', '{subtype}', 'I', 'hour', {size},"
                    f" {per_step}, '', 10, NULL, true, '{_PROOF}', true, {sort}, CURRENT_TIMESTAMP"
                    f" WHERE NOT EXISTS (SELECT 1 FROM credit_rule WHERE year = {year} AND code = '{code}'"
                    " AND region IS NULL)")

    async def delete():
        codes = ", ".join(f"'{r[0]}'" for r in _RULES)
        await engine_finder().run_ddl(f"DELETE FROM credit_rule WHERE region IS NULL AND code IN ({codes})")

    manager.add_raw(insert)
    manager.add_raw_backwards(delete)
    return manager
