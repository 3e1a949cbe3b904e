"""The statistics as workbooks: the completion table, the people's summary and the register."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from server.labels import CREDIT_CLASS, CREDIT_SOURCE, label
from server.services import reports, standards, statistics, workbook
from server.services.certificates import fmt
from server.services.principal import Principal
from server.services.report_pdfs import verdict
from server.services.workbook import Column

_BY_WORDS = {"department": "科室", "unit": "单位", "title_level": "职称级别", "title": "职称", "staffing": "是否在编",
             "city": "地市"}


def _rate(passed: int, people: int) -> str:
    return f"{passed * 100 / people:.1f}%" if people else "—"


async def compliance(principal: Principal, *, year: int | None, by: str, standard_id: int | None,
                     unit_id: int | None, department_id: int | None) -> tuple[bytes, str]:
    year = statistics.check_year(year)
    groups = await statistics.compliance_groups(principal, year=year, by=by, standard_id=standard_id,
                                               unit_id=unit_id, department_id=department_id)
    columns = [Column(_BY_WORDS.get(by, by), 28), Column("人数", 10), Column("达标人数", 12), Column("达标率", 10),
               Column("计入达标学分", 16)]
    rows = [[g.label, g.people, g.passed, _rate(g.passed, g.people), g.credits] for g in groups]
    rows.append(["合计", sum(g.people for g in groups), sum(g.passed for g in groups),
                 _rate(sum(g.passed for g in groups), sum(g.people for g in groups)),
                 sum((g.credits for g in groups), Decimal(0))])
    body = await asyncio.to_thread(workbook.build, f"{year}年度学分完成情况", columns, rows)
    return body, f"{year}年度学分完成情况统计-按{_BY_WORDS.get(by, by)}.xlsx"


async def people(principal: Principal, *, year: int | None, **filters) -> tuple[bytes, str]:  # type: ignore[no-untyped-def]
    year = statistics.check_year(year)
    items, _ = await statistics.summary_rows(principal, year=year, everyone=True, **filters)
    columns = [Column("人员编号", 14), Column("姓名", 10), Column("单位", 22), Column("科室", 14), Column("职称", 14),
               Column("职称级别", 10), Column("是否在编", 10), Column("I类学分", 10), Column("II类学分", 10),
               Column("总学分", 10), Column("学时", 10), Column("待审核", 10), Column("计入达标学分", 14),
               Column("达标结果", 10), Column("未达标项", 40)]
    rows = []
    for item in items:
        missing = "；".join(
            f"{r['standard']['name']}：{standards.line_words(line['measure'], line['category'], line['required'])}"
            f"，已获 {fmt(float(line['earned']))}" for r in item["results"] for line in r["lines"] if not line["met"])
        rows.append([item["person_no"], item["name"], item["unit_name"], item["department_name"] or "",
                     item["title"], item["title_level"], item["staffing"], item["credits_i"], item["credits_ii"],
                     item["credits_total"], item["hours"], item["pending_records"], item["counted_credits"],
                     "达标" if item["passed"] else ("未达标" if item["results"] else "无适用标准"), missing])
    body = await asyncio.to_thread(workbook.build, f"{year}年度人员学分", columns, rows)
    return body, f"{year}年度人员学分情况.xlsx"


async def register(principal: Principal, *, year: int, department_id: int, title: str | None,
                   status: str | None) -> tuple[bytes, str]:
    entries, department = await reports.register_entries(principal, year=year, department_id=department_id,
                                                         title=title, status=status)
    columns = [Column("人员编号", 14), Column("姓名", 10), Column("科室", 14), Column("职称", 14), Column("性别", 6),
               Column("出生日期", 12), Column("人员状态", 10), Column("达标结果", 10), Column("日期", 12),
               Column("项目名称", 40), Column("类别", 8), Column("学分", 8), Column("学时", 8), Column("来源", 14)]
    rows = []
    for entry in entries:
        p = entry.person
        head = [p.person_no, p.name, p.department, p.title, p.sex, p.birth_date, p.status, verdict(entry.results)]
        if not entry.records:
            rows.append(head + ["", "", "", "", "", ""])
        for record in entry.records:
            rows.append(head + [record.date, record.title, label(CREDIT_CLASS, record.credit_class), record.credits,
                                record.hours, label(CREDIT_SOURCE, record.source)])
    body = await asyncio.to_thread(workbook.build, f"{year}年度学分登记表", columns, rows)
    return body, f"{year}年度学分登记表-{department}.xlsx"

