"""History from the old system (seed 002 §1.5 历史数据获取, 000 §1): earlier years' records and certificates.

A unit or region admin imports a workbook per the template: the 学分记录 sheet
becomes effective credit records with source ``import`` (created through the
one ledger program, so compliance counts them like any other), the 证书 sheet
the certificates the old system issued. Every row is checked first; one bad
row and nothing is written. A record already imported (same person, date,
title and class) or a certificate already there (same person and number) is
left alone, so a workbook imported twice adds nothing the second time. The
trainee sees both as 历史记录; nobody can change them (credits.transition
refuses, and an effective record is never editable).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import msgspec
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from server import clock, db
from server.services import audit, ledger, scope
from server.services.errors import Forbidden, NotFound
from server.services.people_excel import Column, RowError, cell_date, cell_text, import_invalid, open_workbook
from server.services.principal import Principal
from server.tables import Credit, Person
from server.tables.enums import CreditCategory, CreditClass, CreditSource, CreditStatus, Role
from server.tables.history import HistoryCertificate

CREDITS_SHEET, CERTIFICATES_SHEET = "学分记录", "证书"
MAX_ROWS = 20_000
_CLASSES = {"I类": CreditClass.class_i, "II类": CreditClass.class_ii, "I": CreditClass.class_i,
            "II": CreditClass.class_ii}
_CATEGORIES = {"公需": CreditCategory.public, "专业": CreditCategory.professional, "选修": CreditCategory.elective}

CREDIT_COLUMNS = (
    Column("id_number", "身份证号", True, 22, "", "110101199003070038"),
    Column("name", "姓名", True, 10, "须与人员信息一致", "张三"),
    Column("activity_date", "日期", True, 12, "YYYY-MM-DD；须为往年", "2018-05-20"),
    Column("title", "项目名称", True, 36, "", "心血管疾病诊疗进展学习班"),
    Column("credit_class", "学分类别", True, 10, "I类 / II类", "I类"),
    Column("category", "科目类别", False, 10, "公需 / 专业 / 选修，不填为专业", "专业"),
    Column("credits", "学分", True, 8, "", 5),
    Column("hours", "学时", False, 8, "", 12),
    Column("project_no", "项目编号", False, 16, "", "2018-01-02-003"),
    Column("organiser", "举办单位", False, 24, "", "示例省医学会"),
)
CERTIFICATE_COLUMNS = (
    Column("id_number", "身份证号", True, 22, "", "110101199003070038"),
    Column("name", "姓名", True, 10, "", "张三"),
    Column("year", "年度", True, 8, "", 2018),
    Column("cert_no", "证书编号", True, 20, "", "GD2018-000123"),
    Column("issued_on", "发证日期", True, 12, "", "2019-01-15"),
    Column("credits", "学分合计", False, 10, "", 25),
    Column("hours", "学时合计", False, 10, "", 90),
    Column("issuer", "发证单位", False, 24, "", "示例省卫生健康委员会"),
)


def _check_caller(principal: Principal) -> None:
    if not principal.has_any(Role.unit_admin, Role.region_admin):
        raise Forbidden("forbidden", "只有单位或卫健委管理员可以导入历史数据")


def build_template() -> bytes:
    book = Workbook()
    first = True
    for title, columns in ((CREDITS_SHEET, CREDIT_COLUMNS), (CERTIFICATES_SHEET, CERTIFICATE_COLUMNS)):
        sheet = book.active if first else book.create_sheet(title)
        sheet.title, first = title, False
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=index, value=("*" if column.required else "") + column.header)
            cell.font = Font(bold=True, color="C00000" if column.required else "000000")
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        if title == CREDITS_SHEET:
            for key, values in (("credit_class", "I类,II类"), ("category", "公需,专业,选修")):
                index = [c.key for c in columns].index(key) + 1
                rule = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True)
                rule.add(f"{get_column_letter(index)}2:{get_column_letter(index)}{MAX_ROWS + 1}")
                sheet.add_data_validation(rule)
    guide = book.create_sheet("填写说明")
    guide.append(["从旧系统导入往年已审核通过的学分记录（学分记录）和已发放的证书（证书）；带 * 的列必填。"])
    guide.append(["导入的记录为有效记录、来源“历史导入”，计入达标，不能修改；同一记录重复导入不会重复添加。"])
    guide.append([])
    for title, columns in ((CREDITS_SHEET, CREDIT_COLUMNS), (CERTIFICATES_SHEET, CERTIFICATE_COLUMNS)):
        guide.append([title])
        guide.append([c.header for c in columns])
        guide.append([c.example for c in columns])
        guide.append([])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def template(principal: Principal) -> bytes:
    _check_caller(principal)
    return await asyncio.to_thread(build_template)


# -- reading ---------------------------------------------------------------------------


def _amount(text: str, errors: list, row: int, key: str, label: str, required: bool) -> Decimal | None:
    if not text:
        if required:
            errors.append(RowError(row, key, f"第 {row} 行「{label}」：必填，不能为空"))
        return Decimal("0") if not required else None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value > 1000 or value != value.quantize(Decimal("0.01")):
        errors.append(RowError(row, key, f"第 {row} 行「{label}」：应为 0–1000 的数，最多两位小数"))
        return None
    return value


def _rows(book, title: str, columns: tuple[Column, ...], errors: list[RowError]):
    if title not in book.sheetnames:
        return
    sheet = book[title]
    rows = sheet.iter_rows(values_only=True)
    header = [cell_text(v).lstrip("*＊").strip() for v in (next(rows, None) or ())]
    positions = {c.key: header.index(c.header) for c in columns if c.header in header}
    missing = [c.header for c in columns if c.required and c.key not in positions]
    if missing:
        errors.append(RowError(1, columns[0].key, f"「{title}」第 1 行缺少必填列：{'、'.join(missing)}"))
        return
    for row_no, values in enumerate(rows, start=2):
        cells = {k: (values[i] if i < len(values) else None) for k, i in positions.items()}
        if any(cell_text(v) for v in cells.values()):
            yield row_no, cells


@dataclass(slots=True)
class _Parsed:
    credits: list[tuple[int, dict]]
    certificates: list[tuple[int, dict]]
    errors: list[RowError]


def read_workbook(data: bytes) -> _Parsed:
    book = open_workbook(data)
    try:
        return _read(book)
    finally:
        book.close()


def _required(cells: dict, columns, row: int, errors: list) -> bool:
    ok = True
    for c in columns:
        if c.required and not cell_text(cells.get(c.key)):
            errors.append(RowError(row, c.key, f"第 {row} 行「{c.header}」：必填，不能为空"))
            ok = False
    return ok


def _read(book) -> _Parsed:
    errors: list[RowError] = []
    credits: list[tuple[int, dict]] = []
    certificates: list[tuple[int, dict]] = []
    this_year = clock.today().year
    for row, cells in _rows(book, CREDITS_SHEET, CREDIT_COLUMNS, errors):
        if len(credits) >= MAX_ROWS:
            break
        if not _required(cells, CREDIT_COLUMNS, row, errors):
            continue
        day = cell_date(cells["activity_date"])
        klass = _CLASSES.get(cell_text(cells["credit_class"]))
        category = _CATEGORIES.get(cell_text(cells.get("category")) or "专业")
        before = len(errors)
        if isinstance(day, str) or day is None:
            errors.append(RowError(row, "activity_date", f"第 {row} 行「日期」：{day or '必填'}"))
        elif not 1990 <= day.year < this_year:
            errors.append(RowError(row, "activity_date", f"第 {row} 行「日期」：只能导入往年（{this_year} 年以前）的记录"))
        if klass is None:
            errors.append(RowError(row, "credit_class", f"第 {row} 行「学分类别」：应为 I类 或 II类"))
        if category is None:
            errors.append(RowError(row, "category", f"第 {row} 行「科目类别」：应为 公需、专业 或 选修"))
        title = cell_text(cells["title"])
        if len(title) > 200:
            errors.append(RowError(row, "title", f"第 {row} 行「项目名称」：不能超过 200 字"))
        amount = _amount(cell_text(cells["credits"]), errors, row, "credits", "学分", True)
        hours = _amount(cell_text(cells.get("hours")), errors, row, "hours", "学时", False)
        if len(errors) == before:
            credits.append((row, {"id_number": cell_text(cells["id_number"]).upper(), "name": cell_text(cells["name"]),
                                  "activity_date": day, "title": title, "credit_class": klass, "category": category,
                                  "credits": amount, "hours": hours,
                                  "project_no": cell_text(cells.get("project_no"))[:50],
                                  "organiser": cell_text(cells.get("organiser"))[:100]}))
    for row, cells in _rows(book, CERTIFICATES_SHEET, CERTIFICATE_COLUMNS, errors):
        if not _required(cells, CERTIFICATE_COLUMNS, row, errors):
            continue
        before = len(errors)
        year = cell_text(cells["year"])
        if not year.isdigit() or not 1990 <= int(year) < this_year:
            errors.append(RowError(row, "year", f"第 {row} 行「年度」：应为往年的年份"))
        issued = cell_date(cells["issued_on"])
        if isinstance(issued, str) or issued is None:
            errors.append(RowError(row, "issued_on", f"第 {row} 行「发证日期」：{issued or '必填'}"))
        amount = _amount(cell_text(cells.get("credits")), errors, row, "credits", "学分合计", False)
        hours = _amount(cell_text(cells.get("hours")), errors, row, "hours", "学时合计", False)
        number = cell_text(cells["cert_no"])
        if len(number) > 50:
            errors.append(RowError(row, "cert_no", f"第 {row} 行「证书编号」：不能超过 50 个字符"))
        if len(errors) == before:
            certificates.append((row, {"id_number": cell_text(cells["id_number"]).upper(),
                                       "name": cell_text(cells["name"]), "year": int(year), "cert_no": number,
                                       "issued_on": issued, "credits": amount, "hours": hours,
                                       "issuer": cell_text(cells.get("issuer"))[:100]}))
    if not credits and not certificates and not errors:
        errors.append(RowError(2, "id_number", "工作簿中没有数据：请在“学分记录”或“证书”工作表第 2 行起填写"))
    return _Parsed(credits, certificates, errors)


# -- writing ---------------------------------------------------------------------------


class HistoryImportRead(msgspec.Struct, frozen=True):
    credits: int
    certificates: int
    skipped: int


def _key(person_id: int, v: dict) -> str:
    return f"import:{person_id}:{v['activity_date']}:{v['credit_class'].value}:{v['title']}"[:300]


async def import_history(principal: Principal, data: bytes) -> HistoryImportRead:
    _check_caller(principal)
    parsed = await asyncio.to_thread(read_workbook, data)
    errors = parsed.errors
    where = scope.people_where(principal, person=Person, admin_only=True)
    ids = sorted({v["id_number"] for _, v in parsed.credits + parsed.certificates})
    people: dict[str, dict] = {}
    for start in range(0, len(ids), 400):
        for row in await Person.select(Person.id, Person.id_number, Person.name, Person.unit, Person.department).where(
                where).where(Person.id_number.is_in(ids[start:start + 400])):
            people[row["id_number"]] = row
    for sheet, rows in ((CREDITS_SHEET, parsed.credits), (CERTIFICATES_SHEET, parsed.certificates)):
        for row, v in rows:
            person = people.get(v["id_number"])
            if person is None:
                errors.append(RowError(row, "id_number", f"「{sheet}」第 {row} 行「身份证号」：不是您管理范围内的人员"))
            elif person["name"] != v["name"]:
                errors.append(RowError(row, "name", f"「{sheet}」第 {row} 行「姓名」：与该身份证号的人员姓名不一致"))
    if errors:
        keys = {c.key for c in CREDIT_COLUMNS}
        raise import_invalid(errors, CREDIT_COLUMNS + tuple(c for c in CERTIFICATE_COLUMNS if c.key not in keys))
    moment = clock.now()
    news = []
    for _, v in parsed.credits:
        person = people[v["id_number"]]
        news.append(ledger.NewCredit(
            person_id=person["id"], unit_id=person["unit"], department_id=person["department"],
            year=v["activity_date"].year, activity_date=v["activity_date"], credit_class=v["credit_class"],
            category=v["category"], title=v["title"], credits=v["credits"], hours=v["hours"],
            source=CreditSource.imported, status=CreditStatus.effective, created_by=principal.account_id,
            ip=principal.ip, dedupe_key=_key(person["id"], v), project_no=v["project_no"], organiser=v["organiser"],
            event_reason="历史导入"))

    def program():
        made = 0
        for new in news:
            born = yield from ledger.create(new, moment)
            made += born is not None
        return made

    engine = Credit._meta.db
    async with engine.transaction():
        made = await db.run_write(engine, program())
        certificates = 0
        for _, v in parsed.certificates:
            person = people[v["id_number"]]
            key = f"{person['id']}:{v['cert_no']}"
            if await HistoryCertificate.exists().where(HistoryCertificate.dedupe_key == key):
                continue
            await HistoryCertificate.insert(HistoryCertificate(
                person=person["id"], year=v["year"], cert_no=v["cert_no"], issued_on=v["issued_on"],
                credits=v["credits"], hours=v["hours"], issuer=v["issuer"], dedupe_key=key,
                created_by=principal.account_id, created_at=moment))
            certificates += 1
        await audit.record("history_import", principal=principal, target_type="history",
                           detail=f"导入历史数据：学分记录 {made} 条，证书 {certificates} 张")
    skipped = len(news) - made + len(parsed.certificates) - certificates
    return HistoryImportRead(credits=made, certificates=certificates, skipped=skipped)


# -- the trainee's 历史记录 ---------------------------------------------------------------


class HistoryCredit(msgspec.Struct, frozen=True):
    id: int
    year: int
    activity_date: str
    title: str
    credit_class: str
    category: str
    credits: float
    hours: float
    project_no: str
    organiser: str


class HistoryCertificateRead(msgspec.Struct, frozen=True):
    id: int
    year: int
    cert_no: str
    issued_on: str
    credits: float
    hours: float
    issuer: str


class HistoryRead(msgspec.Struct, frozen=True):
    credits: list[HistoryCredit]
    certificates: list[HistoryCertificateRead]


def _plain(row: dict) -> dict:
    """The row with its amounts as numbers and its dates as text, as the API shows them."""
    return {k: (float(v) if isinstance(v, Decimal) else v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in row.items()}


async def my_history(principal: Principal) -> HistoryRead:
    if principal.person_id is None:
        raise NotFound("person_not_found", "人员记录不存在")
    credits = await Credit.select(Credit.id, Credit.year, Credit.activity_date, Credit.title, Credit.credit_class,
                                  Credit.category, Credit.credits, Credit.hours, Credit.project_no,
                                  Credit.organiser).where(
        (Credit.person == principal.person_id) & (Credit.source == CreditSource.imported.value)
        & (Credit.status == CreditStatus.effective.value)).order_by(Credit.activity_date, ascending=False)
    certificates = await HistoryCertificate.select(
        HistoryCertificate.id, HistoryCertificate.year, HistoryCertificate.cert_no, HistoryCertificate.issued_on,
        HistoryCertificate.credits, HistoryCertificate.hours, HistoryCertificate.issuer).where(
        HistoryCertificate.person == principal.person_id).order_by(HistoryCertificate.year, ascending=False)
    return HistoryRead(credits=[msgspec.convert(_plain(r), HistoryCredit) for r in credits],
                       certificates=[msgspec.convert(_plain(r), HistoryCertificateRead) for r in certificates])
