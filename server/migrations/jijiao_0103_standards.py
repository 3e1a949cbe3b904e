"""The compliance standards every database starts with, for the credit years 2024–2030.

(Kept from the old jijiao_0023.)

Sources, and how sure each figure is ("reprint": a secondary page reprints the rule's
text; "confirmed": an official page carries it; see ../shared/RULES.md):

1. National CME, 2006 scheme — 卫生部《继续医学教育学分授予与管理办法》(2006):
   "每年参加经认可的继续医学教育活动不得少于25学分，其中I类学分5–10学分，II类学分
   15–20学分", I类 and II类 not substituting for each other; for people who finished
   post-graduate training or hold 中级 and above (初级 is left to the provinces).
   Seeded as ≥ 25 in total, I ≥ 5, II ≥ 15 for 正高/副高/中级 (reprint). The same text
   caps a unit's own academic activities (院内) at 10 credits a year (reprint): seeded as a
   cap on in-house training attendance (source ``attendance``); speakers' in-house credits
   are not capped with it, since a cap matches one source. Seeded for 2024 only: the 2024
   scheme replaced it (next), and a year is judged by one national CME standard.
2. National CME, 2024 scheme — 国卫办科教发〔2024〕20号《继续医学教育学分管理办法(试行)》
   (with 国卫科教发〔2024〕34号): I类/II类 abolished, one kind of credit, 3 学时 = 1 credit;
   "不低于25学分(不少于90学时)" (confirmed, a provincial commission's reprint of the
   national text); planned self-study counts at most 10 credits a year (reprint). Seeded for
   2025–2030 as ≥ 25 credits for every title level, with the self-study cap on rule code
   ``self_study`` — no catalogue rule carries that code yet, so the cap binds once a province
   adds one. The "不少于90学时" is not seeded as a second line: the date the scheme took
   effect for credit years is unconfirmed (we take 2025, the first full year after it was
   issued), and records such as an authored paper carry credits but no hours, for which the
   text gives no conversion. A province adds the line if it wants it.
3. 人社部令第25号《专业技术人员继续教育规定》(2015): at least 90 学时 a year, of which
   专业科目 at least two thirds (60), the rest 公需科目 (reprint). Seeded for 2024–2030 as a
   national ``hours`` standard that applies only when a person chooses it (``auto_apply``
   false): health professionals meet it through CME in most provinces, and a province that
   counts 学时 (Guangdong, next) has its own table.
4. Guangdong from 2021 — 广东省专业技术人员继续教育: 公需 ≥ 30, 专业 ≥ 42, 选修 ≥ 18 学时
   (reprint; before 2021 it was 72 = 18 + 42 + 12). Seed 002 §3.3.4: the annual certificate
   prints only when all three are met, hence ``certificate_requires_pass``. Region 440000.
5. The demo province 示例省 (990000): a believable provincial table by unit level and title
   level, as Sichuan-like provinces publish (RULES.md: provincial units 中级+ I ≥ 15 / II ≥ 10,
   county ≥ 20 …; Beijing 中级+ I 10 / II 15) — invented for the demo, not any province's text:
   省直/市直属 中级及以上 ≥ 25 with I ≥ 10 and II ≥ 15 and in-house activities at most 10;
   区县 中级及以上 ≥ 20 in total; 初级 ≥ 25 with the classes mixed.

Region administrators change, copy, add and retire their own province's standards through
the API; these rows are where a fresh database starts. Each insert is a no-op where a live
standard of that name, year and region exists.
"""

import json

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T10:00:03:000000"
VERSION = "1.38.0"
DESCRIPTION = "seed the national, 人社部, Guangdong and demo-province standards"

SENIOR = "正高,副高,中级"


def _req(measure, category, minimum):
    return {"measure": measure, "category": category, "min": minimum}


def _cap(measure, maximum, *, credit_class=None, category=None, source=None, rule_code=None):
    return {"measure": measure, "class": credit_class, "category": category, "source": source,
            "rule_code": rule_code, "max": maximum}


_NOTE_2006 = "卫生部《继续医学教育学分授予与管理办法》（2006）：每年不少于25学分，I类5–10、II类15–20，两类不可互相替代；院内活动每年最多10学分。"
_NOTE_2024 = "国卫办科教发〔2024〕20号《继续医学教育学分管理办法（试行）》：每年不低于25学分，不再区分I类、II类；有计划的自学每年最多10学分。"
_NOTE_RS = "人社部令第25号《专业技术人员继续教育规定》：每年累计不少于90学时，其中专业科目不少于总学时的三分之二。"
_NOTE_GD = "广东省专业技术人员继续教育（2021年起）：公需科目不少于30学时、专业科目不少于42学时、选修科目不少于18学时；三项均达到方可打印年度证书。"
_NOTE_DEMO = "示例省（演示数据）：按机构所属区域等级和职称级别设定的省级标准。"

# years, region_code, name, scheme, title levels, unit levels, requirements, caps, certificate, auto, note
STANDARDS = [
    ((2024,), None, "全国继续医学教育（2006年办法）中级及以上", "cme", SENIOR, "",
     [_req("credits", "total", 25), _req("credits", "I", 5), _req("credits", "II", 15)],
     [_cap("credits", 10, source="attendance")], False, True, _NOTE_2006),
    (range(2025, 2031), None, "全国继续医学教育（2024年办法）", "cme", "", "",
     [_req("credits", "total", 25)], [_cap("credits", 10, rule_code="self_study")], False, True, _NOTE_2024),
    (range(2024, 2031), None, "专业技术人员继续教育（人社部令第25号）", "hours", "", "",
     [_req("hours", "total", 90), _req("hours", "professional", 60)], [], False, False, _NOTE_RS),
    (range(2024, 2031), "440000", "广东省专业技术人员继续教育", "hours", "", "",
     [_req("hours", "public", 30), _req("hours", "professional", 42), _req("hours", "elective", 18)], [], True, True,
     _NOTE_GD),
    (range(2024, 2031), "990000", "示例省 省直/市直属 中级及以上", "cme", SENIOR, "省直,市直属",
     [_req("credits", "total", 25), _req("credits", "I", 10), _req("credits", "II", 15)],
     [_cap("credits", 10, source="attendance")], False, True, _NOTE_DEMO),
    (range(2024, 2031), "990000", "示例省 区县 中级及以上", "cme", SENIOR, "区县",
     [_req("credits", "total", 20)], [], False, True, _NOTE_DEMO),
    (range(2024, 2031), "990000", "示例省 初级", "cme", "初级", "",
     [_req("credits", "total", 25)], [], False, True, _NOTE_DEMO),
]


def _text(value):
    # Single quotes doubled: the only escaping a SQL string literal needs (none of ours has one).
    return "'" + str(value).replace("'", "''") + "'"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="jijiao", description=DESCRIPTION)

    async def insert():
        engine = engine_finder()
        for years, region, name, scheme, titles, units, requirements, caps, certificate, auto, note in STANDARDS:
            region_sql = "NULL" if region is None else _text(region)
            same_region = "region_code IS NULL" if region is None else f"region_code = {_text(region)}"
            for year in years:
                await engine.run_ddl(
                    "INSERT INTO standard (year, region_code, name, scheme, title_levels, unit_levels, requirements,"
                    " caps, certificate_requires_pass, auto_apply, note, created_by, created_at, updated_at,"
                    f" retired_at) SELECT {year}, {region_sql}, {_text(name)}, {_text(scheme)}, {_text(titles)},"
                    f" {_text(units)}, {_text(json.dumps(requirements, ensure_ascii=False))},"
                    f" {_text(json.dumps(caps, ensure_ascii=False))}, {'true' if certificate else 'false'},"
                    f" {'true' if auto else 'false'}, {_text(note)}, NULL, '2026-12-06T00:00:00+00:00',"
                    " '2026-12-06T00:00:00+00:00', NULL"
                    f" WHERE NOT EXISTS (SELECT 1 FROM standard WHERE year = {year} AND {same_region}"
                    f" AND name = {_text(name)} AND retired_at IS NULL)")

    async def delete():
        await engine_finder().run_ddl("DELETE FROM standard WHERE created_by IS NULL")

    manager.add_raw(insert)
    manager.add_raw_backwards(delete)
    return manager
