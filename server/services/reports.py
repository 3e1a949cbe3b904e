"""The printed reports: credit proof (000 §6.4), multi-year verification (001 §9.1), annual register (001 §9.2).

Each gathers its people, records and compliance results in the caller's scope
(out of scope is 404, as everywhere), issues a verification code through
``documents`` (reused when the same subject prints the same content again)
and lays the PDF out with ``report_pdfs`` off the event loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from server import clock
from server.services import compliance as judging
from server.services import credits as credits_service
from server.services import documents, report_pdfs, scope
from server.services.certificates import cn_date, fmt
from server.services.errors import Forbidden, Invalid, NotFound
from server.services.masking import mask_id_number
from server.services.principal import Principal
from server.tables import Credit, Department, Person
from server.tables.enums import PersonStatus, ReportKind

MAX_YEARS = 5
MAX_PEOPLE = 500
MIN_YEAR, MAX_YEAR = 2000, 2100
_CHUNK = 500
PROOF_CLASSES = ("I", "II", "all")


@dataclass(frozen=True, slots=True)
class Printed:
    pdf: bytes
    code: str
    filename: str


# -- shared pieces --------------------------------------------------------------------------

_PERSON_COLUMNS = (
    Person.id, Person.name, Person.person_no, Person.id_number, Person.sex, Person.birth_date, Person.title,
    Person.status, Person.unit.name.as_alias("unit_name"), Person.department.name.as_alias("department_name"),
)


def _person(row: dict) -> report_pdfs.Person:
    birth = row.get("birth_date")
    return report_pdfs.Person(
        name=row["name"], person_no=row["person_no"] or "", id_number=mask_id_number(row["id_number"]),
        sex=row["sex"] or "", birth_date=birth.isoformat() if isinstance(birth, dt.date) else (birth or ""),
        unit=row["unit_name"] or "", department=row["department_name"] or "", title=row["title"] or "",
        status=row["status"] or "")


def _results(results: Sequence) -> list[report_pdfs.Result]:
    return [report_pdfs.Result(r.standard.name, r.passed, [
        report_pdfs.Line(line.measure, line.category, float(line.required), float(line.earned), line.met)
        for line in r.lines]) for r in results]


async def _records(person_ids: Sequence[int], date_from: dt.date, date_to: dt.date,
                   credit_class: str | None = None) -> dict[int, list[tuple[int, report_pdfs.Record]]]:
    """Effective records in force, dated within [from, to], of one class or both, per person (with ids)."""
    out: dict[int, list[tuple[int, report_pdfs.Record]]] = {}
    ordered = sorted(set(person_ids))
    for start in range(0, len(ordered), _CHUNK):
        query = Credit.select(Credit.id, Credit.person, Credit.activity_date, Credit.title, Credit.credit_class,
                              Credit.credits, Credit.hours, Credit.source).where(
            Credit.person.is_in(ordered[start:start + _CHUNK]) & credits_service.in_force()
            & (Credit.activity_date >= date_from) & (Credit.activity_date <= date_to))
        if credit_class is not None:
            query = query.where(Credit.credit_class == credit_class)
        for row in await query.order_by(Credit.activity_date).order_by(Credit.id):
            day = row["activity_date"]
            out.setdefault(row["person"], []).append((row["id"], report_pdfs.Record(
                day.isoformat() if isinstance(day, dt.date) else str(day)[:10], row["title"], row["credit_class"],
                float(row["credits"]), float(row["hours"]), row["source"])))
    return out


def _check_year(year: int, field: str = "year") -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid(field, f"年度应在 {MIN_YEAR} 至 {MAX_YEAR} 之间")
    return year


async def _people_in_scope(principal: Principal, person_ids: Sequence[int]) -> list[dict]:
    """The people, in the order asked; 404 if any is outside the caller's (admin) scope."""
    where = scope.people_where(principal, person=Person, admin_only=True)
    if where is None:
        raise Forbidden("forbidden", "只有管理员可以打印他人的学分报表")
    rows = {r["id"]: r for r in await Person.select(*_PERSON_COLUMNS).where(
        where & Person.id.is_in(list(person_ids)))}
    missing = [i for i in person_ids if i not in rows]
    if missing:
        raise NotFound("person_not_found", "人员不存在或不在您的管理范围内")
    return [rows[i] for i in person_ids]


# -- the annual register (001 §9.2) ------------------------------------------------------------


async def register_entries(principal: Principal, *, year: int, department_id: int, title: str | None = None,
                           status: str | None = None) -> tuple[list[report_pdfs.RegisterEntry], str]:
    """The register's people (by title and status when given), each with records and results; and the
    department's name. 404 for a department outside the caller's scope."""
    entries, department, _ = await _register(principal, year, department_id, title, status)
    return entries, department["name"]


async def _register(principal: Principal, year: int, department_id: int, title: str | None, status: str | None):
    _check_year(year)
    if status is not None and status not in {s.value for s in PersonStatus}:
        raise Invalid("status", "人员状态不正确")
    where = scope.grants_where(principal, department=Department.id, unit=Department.unit,
                               region_code=Department.unit.region_code)
    department = None
    if where is not None:
        department = await Department.select(Department.id, Department.name, Department.unit.name.as_alias(
            "unit_name")).where(where & (Department.id == department_id)).first()
    if department is None:
        raise NotFound("department_not_found", "科室不存在或不在您的管理范围内")
    query = Person.select(*_PERSON_COLUMNS).where(Person.department == department_id)
    if title:
        query = query.where(Person.title == title)
    if status:
        query = query.where(Person.status == status)
    people = await query.order_by(Person.person_no)
    ids = [p["id"] for p in people]
    records = await _records(ids, dt.date(year, 1, 1), dt.date(year, 12, 31))
    results = await judging.results_for(ids, year)
    entries = [report_pdfs.RegisterEntry(_person(p), [r for _, r in records.get(p["id"], [])],
                                         _results(results.get(p["id"], []))) for p in people]
    content = {"people": [[p["id"], [i for i, _ in records.get(p["id"], [])]] for p in people],
               "results": [[e.person.name, report_pdfs.verdict(e.results)] for e in entries]}
    return entries, department, content


async def register(principal: Principal, *, year: int, department_id: int, title: str | None = None,
                   status: str | None = None, base_url: str) -> Printed:
    """A department's year (001 §9.2): every person with their effective records and 达标/未达标."""
    entries, department, content = await _register(principal, year, department_id, title, status)
    filters = "；".join(x for x in (f"职称：{title}" if title else "", f"人员状态：{status}" if status else "") if x)
    summary = {
        "facts": [["单位", department["unit_name"]], ["科室", department["name"]], ["年度", str(year)],
                  ["人数", str(len(entries))],
                  ["达标", str(sum(1 for e in entries if report_pdfs.verdict(e.results) == "达标"))]]
        + ([["筛选", filters]] if filters else []),
        "people": [{"name": e.person.name, "person_no": e.person.person_no,
                    "line": f"{report_pdfs.verdict(e.results)} · 有效学分 {fmt(sum(r.credits for r in e.records))}"}
                   for e in entries],
    }
    heading = f"{year} 年度学分登记表 · {department['unit_name']} {department['name']}"
    issued = await documents.issue(
        principal, ReportKind.register, f"register:{department_id}:{year}:{title or ''}:{status or ''}",
        heading, content={**content, "filters": filters}, summary=summary, base_url=base_url)
    data = report_pdfs.Register(year, department["unit_name"], department["name"], filters, entries,
                                cn_date(clock.china_date(issued.issued_at)))
    pdf = await asyncio.to_thread(report_pdfs.register_pdf, data,
                                  report_pdfs.pdfdoc.Stamp(heading, issued.code, issued.url))
    return Printed(pdf, issued.code, f"{year}年度学分登记表-{department['name']}.pdf")


# -- the multi-year verification (001 §9.1) ----------------------------------------------------


async def verification(principal: Principal, *, person_ids: Sequence[int], years: Sequence[int],
                       base_url: str) -> Printed:
    """People × at most five years: each year's lines and 达标/未达标, one section per person."""
    ids = list(dict.fromkeys(person_ids))
    wanted = sorted(set(years))
    if not ids:
        raise Invalid("person_ids", "请至少选择一名人员")
    if len(ids) > MAX_PEOPLE:
        raise Invalid("person_ids", f"一次最多选择 {MAX_PEOPLE} 名人员")
    if not wanted:
        raise Invalid("years", "请至少选择一个年度")
    if len(wanted) > MAX_YEARS:
        raise Invalid("years", f"多年度学分验证表最多包含 {MAX_YEARS} 个年度", code="too_many_years")
    for year in wanted:
        _check_year(year, "years")
    people = await _people_in_scope(principal, ids)
    by_person = await judging.results_for_years(ids, wanted)
    results = [{year: _results(by_person.get(p["id"], {}).get(year, [])) for year in wanted} for p in people]
    persons = [_person(p) for p in people]
    content = {"people": ids, "years": wanted,
               "results": [[[r.standard, r.passed, [(l.category, l.earned) for l in r.lines]]
                            for y in wanted for r in rs[y]] for rs in results]}
    span = "、".join(str(y) for y in wanted)
    summary = {
        "facts": [["年度", span], ["人数", str(len(persons))]],
        "people": [{"name": person.name, "person_no": person.person_no,
                    "line": "；".join(f"{y} {report_pdfs.verdict(rs[y])}" for y in wanted)}
                   for person, rs in zip(persons, results)],
    }
    subject = "verification:" + hashlib.sha256(repr((ids, wanted)).encode()).hexdigest()[:40]
    heading = f"多年度学分验证表 · {span}"
    issued = await documents.issue(principal, ReportKind.verification, subject, heading, content=content,
                                   summary=summary, base_url=base_url)
    data = report_pdfs.Verification(persons, wanted, results, cn_date(clock.china_date(issued.issued_at)))
    pdf = await asyncio.to_thread(report_pdfs.verification_pdf, data,
                                  report_pdfs.pdfdoc.Stamp(heading, issued.code, issued.url))
    return Printed(pdf, issued.code, f"多年度学分验证表-{wanted[0]}-{wanted[-1]}.pdf")


# -- the credit proof (000 §6.4) -----------------------------------------------------------------


async def proof(principal: Principal, *, person_id: int | None, credit_class: str, date_from: dt.date | None,
                date_to: dt.date | None, base_url: str) -> Printed:
    """One person's effective credits of one class (or both) over a period. ``person_id`` None: the caller."""
    if credit_class not in PROOF_CLASSES:
        raise Invalid("class", "学分类别应为 I、II 或 all")
    today = clock.today()
    date_from = date_from or dt.date(today.year, 1, 1)
    date_to = date_to or today
    if date_from > date_to:
        raise Invalid("from", "开始日期不能晚于结束日期")
    if (date_to - date_from).days > 366 * MAX_YEARS:
        raise Invalid("to", f"学分证明的期间最长 {MAX_YEARS} 年")
    if person_id is None:
        if principal.person_id is None:
            raise NotFound("no_person", "当前账号未关联人员档案，无法出具学分证明")
        person = (await Person.select(*_PERSON_COLUMNS).where(Person.id == principal.person_id))[0]
    else:
        person = (await _people_in_scope(principal, [person_id]))[0]
    klass = None if credit_class == "all" else credit_class
    records = (await _records([person["id"]], date_from, date_to, klass)).get(person["id"], [])
    who = _person(person)
    title = report_pdfs.PROOF_TITLES[credit_class]
    total = sum((Decimal(str(r.credits)) for _, r in records), Decimal(0))
    summary = {
        "facts": [["姓名", who.name], ["身份证号", who.id_number], ["单位", who.unit], ["期间",
                  f"{date_from.isoformat()} 至 {date_to.isoformat()}"], ["学分合计", fmt(float(total))]],
        "people": [{"name": who.name, "person_no": who.person_no,
                    "line": f"{len(records)} 项，{fmt(float(total))} 学分"}],
    }
    issued = await documents.issue(
        principal, ReportKind.proof, f"proof:{person['id']}:{credit_class}:{date_from}:{date_to}", title,
        content={"person": person["id"], "records": [i for i, _ in records], "who": who.name},
        summary=summary, base_url=base_url)
    data = report_pdfs.Proof(who, credit_class, date_from.isoformat(), date_to.isoformat(),
                             [r for _, r in records], cn_date(clock.china_date(issued.issued_at)))
    pdf = await asyncio.to_thread(report_pdfs.proof_pdf, data,
                                  report_pdfs.pdfdoc.Stamp(f"{title} · {who.name}", issued.code, issued.url))
    return Printed(pdf, issued.code, f"{title}-{who.name}.pdf")
