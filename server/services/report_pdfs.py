"""The three printed reports as PDFs, from plain data (pure: no database).

* credit proof (学分证明, seed 000 §6.4): one person's records of one class
  (I, II or both) over a period, with totals;
* multi-year verification (多年度学分验证表, 001 §9.1): one section per person,
  each year's requirement lines and 达标/未达标;
* annual register (学分登记表, 001 §9.2): a department's people, each with
  their effective records of the year and the result.

:mod:`server.services.reports` gathers the data and issues the codes; the
page machinery (stamp, page numbers, repeating headers) is :mod:`pdfdoc`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether

from server.services import pdfdoc, standards
from server.labels import CREDIT_CLASS, CREDIT_SOURCE, label
from server.services.certificates import fmt
from server.services.pdfdoc import GREEN, RED, SUB_BG, Stamp

PROOF_TITLES = {"I": "继续医学教育 I 类学分证明", "II": "继续医学教育 II 类学分证明",
                "all": "继续医学教育 I 类 II 类综合学分证明"}


@dataclass(frozen=True, slots=True)
class Record:
    date: str
    title: str
    credit_class: str
    credits: float
    hours: float
    source: str


@dataclass(frozen=True, slots=True)
class Line:
    measure: str
    category: str
    required: float
    earned: float
    met: bool


@dataclass(frozen=True, slots=True)
class Result:
    """One standard's judgement of one year."""

    standard: str
    passed: bool
    lines: list[Line] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    person_no: str = ""
    id_number: str = ""  # masked
    sex: str = ""
    birth_date: str = ""
    unit: str = ""
    department: str = ""
    title: str = ""
    status: str = ""


def verdict(results: list[Result]) -> str:
    """达标 when every applicable standard passes; 无适用标准 when none applies."""
    if not results:
        return "无适用标准"
    return "达标" if all(r.passed for r in results) else "未达标"


def _records_table(records: list[Record], *, lead: list[list] | None = None, totals: list | None = None):
    """序号 日期 项目名称 类别 学分 学时 来源, with ``lead`` rows above the header (repeated too)."""
    widths = [10 * mm, 20 * mm, 78 * mm, 12 * mm, 14 * mm, 14 * mm, 32 * mm]
    header = ["序号", "日期", "项目名称", "类别", "学分", "学时", "来源"]
    lead = lead or []
    rows = [*lead, header]
    for i, record in enumerate(records, 1):
        rows.append([str(i), record.date, record.title, label(CREDIT_CLASS, record.credit_class),
                     fmt(record.credits), fmt(record.hours), label(CREDIT_SOURCE, record.source)])
    if not records:
        rows.append(["", "", "无有效学分记录", "", "", "", ""])
    extra = []
    if lead:
        extra += [("SPAN", (0, r), (-1, r)) for r in range(len(lead))]
        extra += [("BACKGROUND", (0, 0), (-1, len(lead) - 1), SUB_BG)]
    if totals:
        rows.append(totals)
        extra += [("SPAN", (0, -1), (3, -1)), ("BACKGROUND", (0, -1), (-1, -1), SUB_BG)]
    return pdfdoc.grid(rows, widths, header_rows=len(lead) + 1, right=(4, 5), wrap_columns=(2, 6), extra=extra)


# -- credit proof (000 §6.4) -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Proof:
    person: Person
    credit_class: str  # "I" | "II" | "all"
    date_from: str
    date_to: str
    records: list[Record]
    issued_on: str  # 2026年12月6日


def proof_pdf(proof: Proof, stamp: Stamp) -> bytes:
    title = PROOF_TITLES[proof.credit_class]
    p = proof.person
    i_total = sum(r.credits for r in proof.records if r.credit_class == "I")
    ii_total = sum(r.credits for r in proof.records if r.credit_class == "II")
    hours = sum(r.hours for r in proof.records)
    sums = {"I": f"I类学分合计 {fmt(i_total)} 分", "II": f"II类学分合计 {fmt(ii_total)} 分"}
    shown = [sums[c] for c in ("I", "II") if proof.credit_class in (c, "all")]
    if proof.credit_class == "all":
        shown.append(f"总计 {fmt(i_total + ii_total)} 分")
    story = [
        pdfdoc.heading(title),
        pdfdoc.para(f"期间：{proof.date_from} 至 {proof.date_to}", 10.5),
        pdfdoc.gap(3),
        pdfdoc.grid([
            ["姓名", p.name, "身份证号", p.id_number],
            ["单位", p.unit, "科室", p.department or "—"],
            ["职称", p.title or "—", "人员编号", p.person_no or "—"],
        ], [22 * mm, 68 * mm, 22 * mm, 68 * mm], header_rows=0, size=9.5,
            extra=[("BACKGROUND", (0, 0), (0, -1), SUB_BG), ("BACKGROUND", (2, 0), (2, -1), SUB_BG)]),
        pdfdoc.gap(4),
        _records_table(proof.records, totals=["合计", "", "", "", fmt(i_total + ii_total), fmt(hours), ""]),
        pdfdoc.gap(4),
        pdfdoc.para("；".join(shown) + f"；学时合计 {fmt(hours)}。", 10.5),
        pdfdoc.gap(2),
        pdfdoc.para(f"兹证明 {p.name} 同志于 {proof.date_from} 至 {proof.date_to} 期间获得以上已生效的继续医学教育学分。",
                    10.5),
        pdfdoc.para(f"出具日期：{proof.issued_on}", 10.5),
    ]
    return pdfdoc.build(story, stamp, title=f"{title} - {p.name}")


# -- multi-year verification (001 §9.1) -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verification:
    """People × years: ``years[person_index][year]`` is that year's results."""

    people: list[Person]
    years: list[int]
    results: list[dict[int, list[Result]]]
    issued_on: str


def verification_pdf(data: Verification, stamp: Stamp) -> bytes:
    span = f"{min(data.years)}—{max(data.years)}" if len(data.years) > 1 else str(data.years[0])
    story = [
        pdfdoc.heading("多年度学分验证表"),
        pdfdoc.para(f"年度：{'、'.join(str(y) for y in sorted(data.years))}　人数：{len(data.people)}　"
                    f"出具日期：{data.issued_on}", 10),
        pdfdoc.gap(3),
    ]
    widths = [16 * mm, 56 * mm, 48 * mm, 30 * mm, 30 * mm]
    for person, by_year in zip(data.people, data.results):
        passed_years = sum(1 for y in data.years if verdict(by_year.get(y, [])) == "达标")
        lead = [[f"{person.name}　人员编号 {person.person_no or '—'}　身份证号 {person.id_number or '—'}　"
                 f"{person.department or ''}　{person.title or ''}", "", "", "", ""]]
        rows = [*lead, ["年度", "达标标准", "要求", "已获", "结果"]]
        extra = [("SPAN", (0, 0), (-1, 0)), ("BACKGROUND", (0, 0), (-1, 0), SUB_BG)]
        for year in sorted(data.years):
            results = by_year.get(year, [])
            if not results:
                rows.append([str(year), "无适用标准", "", "", "—"])
                continue
            for result in results:
                first = len(rows)
                for line in result.lines or [Line("credits", "total", 0, 0, result.passed)]:
                    rows.append([str(year), result.standard,
                                 standards.line_words(line.measure, line.category, Decimal(str(line.required))),
                                 fmt(line.earned), "达标" if line.met else "未达标"])
                    if not line.met:
                        extra.append(("TEXTCOLOR", (4, len(rows) - 1), (4, len(rows) - 1), RED))
                rows.append([str(year), result.standard, "本年度结果", "", "达标" if result.passed else "未达标"])
                extra += [("BACKGROUND", (2, len(rows) - 1), (-1, len(rows) - 1), SUB_BG),
                          ("TEXTCOLOR", (4, len(rows) - 1), (4, len(rows) - 1), GREEN if result.passed else RED)]
                if len(rows) - first > 1:
                    extra += [("SPAN", (0, first), (0, len(rows) - 1)), ("SPAN", (1, first), (1, len(rows) - 1))]
        rows.append([f"{span} 共 {len(data.years)} 个年度，达标 {passed_years} 个年度", "", "", "", ""])
        extra += [("SPAN", (0, -1), (-1, -1)), ("BACKGROUND", (0, -1), (-1, -1), SUB_BG)]
        story += [CondPageBreak(40 * mm),
                  pdfdoc.grid(rows, widths, header_rows=2, right=(3,), wrap_columns=(1, 2), extra=extra),
                  pdfdoc.gap(5)]
    return pdfdoc.build(story, stamp, title="多年度学分验证表")


# -- annual register (001 §9.2) -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    person: Person
    records: list[Record]
    results: list[Result]


@dataclass(frozen=True, slots=True)
class Register:
    year: int
    unit: str
    department: str
    filters: str  # "职称：主治医师；人员状态：正常" or ""
    entries: list[RegisterEntry]
    issued_on: str


def register_pdf(data: Register, stamp: Stamp) -> bytes:
    passed = sum(1 for e in data.entries if verdict(e.results) == "达标")
    story = [
        pdfdoc.heading(f"{data.year} 年度学分登记表"),
        pdfdoc.para(f"单位：{data.unit}　科室：{data.department}　期间：{data.year}-01-01 至 {data.year}-12-31", 10),
        pdfdoc.para(f"人数：{len(data.entries)}　达标：{passed}　未达标：{len(data.entries) - passed}"
                    + (f"　筛选：{data.filters}" if data.filters else "") + f"　出具日期：{data.issued_on}", 10),
        pdfdoc.gap(3),
    ]
    for entry in data.entries:
        p = entry.person
        result = verdict(entry.results)
        lead = [[f"人员编号 {p.person_no or '—'}　姓名 {p.name}　科室 {p.department or '—'}　职称 {p.title or '—'}　"
                 f"性别 {p.sex or '—'}　出生日期 {p.birth_date or '—'}　状态 {p.status or '—'}　达标结果 {result}",
                 "", "", "", "", "", ""]]
        credits = sum(r.credits for r in entry.records)
        hours = sum(r.hours for r in entry.records)
        i_total = sum(r.credits for r in entry.records if r.credit_class == "I")
        totals = [f"合计（I类 {fmt(i_total)}，II类 {fmt(credits - i_total)}）", "", "", "", fmt(credits), fmt(hours),
                  result]
        table = _records_table(entry.records, lead=lead, totals=totals)
        # A short person stays on one page; a long one runs on, its name and header repeated.
        story += [KeepTogether([table]) if len(entry.records) < 25 else table, pdfdoc.gap(3)]
    if not data.entries:
        story.append(pdfdoc.para("无符合条件的人员。"))
    return pdfdoc.build(story, stamp, title=f"{data.year} 年度学分登记表 - {data.department}")
