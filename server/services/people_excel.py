"""People in Excel workbooks (openpyxl): the template, the import and the export.

The import reads the workbook streamed (read-only mode: a 5,000-row sheet stays
a few MB in memory), checks every row before writing any, and then writes all
rows in one transaction, or none: a secretary gets every problem at once, each
with its row, its column and why, fixes the sheet and sends it again. New
people get an account the way a department adds one (username = ID number,
first password its last six characters, changed at first login); people who
already exist in the caller's department or unit are updated, and every change
is in their change log.

Every exported cell passes through ``exports.safe_cell``; ID numbers and
phones are masked in the export as in the list.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

import msgspec
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from server import clock, db
from server.services import people, titles
from server.services.errors import Forbidden, Invalid, PayloadTooLarge, UnsupportedMediaType
from server.services.exports import safe_row
from server.services.idcard import parse_id_number
from server.services.masking import mask_id_number, mask_phone
from server.services.passwords import hash_initial_password
from server.services.principal import Principal
from server.tables import Account, Department, Person
from server.tables.enums import AccountStatus, PersonStatus, Role, Staffing, TitleLevel

MAX_BYTES = 10 * 1024 * 1024
# What the workbook may unpack to: a 10,000-row sheet is ~5 MB of XML.
MAX_UNPACKED = 100 * 1024 * 1024
MAX_ROWS = 10_000
MAX_ERRORS = 500
SHEET = "人员"
_CHUNK = 400
_NOT_XLSX = ("unsupported_type", "只能导入 .xlsx 格式的 Excel 工作簿，请使用下载的模板填写")
_TOO_LARGE = ("file_too_large", "上传的文件过大，工作簿不能超过 10 MB")
YES, NO = "是", "否"
NOT_APPOINTED = "未聘任"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    required: bool
    width: int
    note: str = ""
    example: object = ""


COLUMNS: tuple[Column, ...] = (
    Column("id_number", "身份证号", True, 22, "18 位身份证号，以文本填写；性别和出生日期由身份证号得出",
           "110101199003070038"),
    Column("name", "姓名", True, 10, "", "张三"),
    Column("department", "科室", True, 14, "从下拉列表选择本科室或本单位的科室", "内科"),
    Column("title", "当前职称", True, 14, "从下拉列表选择", "主治医师"),
    Column("title_level", "职称级别", False, 10, "可不填，由当前职称决定", "中级"),
    Column("title_assessed_on", "职称评定时间", False, 14, "日期，如 2019-12-01；职称为“无”时可不填", "2019-12-01"),
    Column("appointment_year", "职称聘任年度", False, 12, "年份，如 2020；未聘任填“未聘任”或不填", 2020),
    Column("staffing", "在编状态", True, 10, "在编 / 编外", "在编"),
    Column("status", "人员状态", True, 10, "正常 / 调出 / 退休 / 离职 / 停用", "正常"),
    Column("phone", "手机", True, 14, "11 位手机号，可用于找回密码", "13900001111"),
    Column("specialty", "专业", True, 16, "从下拉列表选择", "内科学"),
    Column("position", "院内职务", False, 12, "选填", "住院总"),
    Column("person_no", "人员编号", False, 14, "选填，不填自动生成", ""),
    Column("joins_cme", "是否参加继教", False, 12, "是 / 否，不填为是", YES),
)
_BY_HEADER = {c.header: c for c in COLUMNS}
_REQUIRED = [c for c in COLUMNS if c.required]


def _choices(departments: list[str]) -> dict[str, list[str]]:
    return {
        "department": departments,
        "title": list(titles.TITLES),
        "title_level": [level.value for level in TitleLevel],
        "staffing": [s.value for s in Staffing],
        "status": [s.value for s in PersonStatus],
        "specialty": list(titles.SPECIALTIES),
        "joins_cme": [YES, NO],
    }


async def _my_departments(principal: Principal) -> list[dict]:
    if not principal.has_any(Role.dept_admin, Role.unit_admin):
        raise Forbidden("forbidden", "只有科室或单位管理员可以导入人员")
    departments = principal.department_ids()
    units = principal.unit_ids()
    where = Department.id.is_in(sorted(departments) or [0]) | Department.unit.is_in(sorted(units) or [0])
    return await Department.select(Department.id, Department.unit, Department.name).where(where).where(
        Department.active == True).order_by(Department.unit).order_by(Department.sort_order)  # noqa: E712


# -- the template --------------------------------------------------------------------


def _header_cell(sheet, column: Column, index: int) -> None:
    cell = sheet.cell(row=1, column=index, value=("*" if column.required else "") + column.header)
    cell.font = Font(bold=True, color="C00000" if column.required else "000000")
    cell.fill = PatternFill("solid", fgColor="F2F2F2")
    cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.column_dimensions[get_column_letter(index)].width = column.width


def build_template(department_names: list[str]) -> bytes:
    """The import workbook: the 人员 sheet with Chinese headers and drop-downs, 填写说明 with
    examples, and the hidden 选项 lists the drop-downs read."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    # Only the header row has cells: rows appended by a script or typed by hand start at row 2.
    for index, column in enumerate(COLUMNS, start=1):
        _header_cell(sheet, column, index)
    sheet.freeze_panes = "A2"
    options = book.create_sheet("选项")
    choices = _choices(department_names)
    target = 0
    for index, column in enumerate(COLUMNS, start=1):
        values = choices.get(column.key)
        if not values:
            continue
        target += 1
        options.cell(row=1, column=target, value=column.header)
        for row, value in enumerate(values, start=2):
            cell = options.cell(row=row, column=target, value=value)
            # A department named "=…" must stay that text, not become a formula: quoting it
            # (exports.safe_cell) would change the name the drop-down offers and the import
            # matches, so the cell is typed as a string instead.
            cell.data_type = "s"
        letter = get_column_letter(target)
        rule = DataValidation(type="list", formula1=f"'选项'!${letter}$2:${letter}${len(values) + 1}",
                              allow_blank=not column.required, showErrorMessage=True,
                              errorTitle=column.header, error=f"请从下拉列表中选择{column.header}")
        rule.add(f"{get_column_letter(index)}2:{get_column_letter(index)}{MAX_ROWS + 1}")
        sheet.add_data_validation(rule)
    options.sheet_state = "hidden"
    guide = book.create_sheet("填写说明")
    guide.append(["填写说明：在“人员”工作表第 2 行起每行填写一人；带 * 的列必填。"])
    guide.append(["导入时先检查全部行：有任何一行不正确，整个工作簿都不会导入，并列出每个错误所在的行、列和原因。"])
    guide.append(["新增人员的登录用户名为身份证号，初始密码为身份证号后 6 位，首次登录须修改密码；已在本科室/本单位的人员按身份证号更新。"])
    guide.append([])
    guide.append(["列", "是否必填", "说明", "示例"])
    for column in COLUMNS:
        guide.append([column.header, "必填" if column.required else "选填", column.note, column.example])
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["C"].width = 60
    guide.column_dimensions["D"].width = 22
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def template(principal: Principal) -> bytes:
    departments = await _my_departments(principal)
    return await asyncio.to_thread(build_template, [d["name"] for d in departments])


# -- reading and checking --------------------------------------------------------------


@dataclass(slots=True)
class RowError:
    row: int
    field: str
    detail: str


@dataclass(slots=True)
class Parsed:
    row: int
    values: dict
    id_number: str = ""


@dataclass(slots=True)
class Sheet:
    rows: list[Parsed] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def fail(self, row: int, column: str, why: str) -> None:
        header = _column_header(column)
        self.errors.append(RowError(row, column, f"第 {row} 行「{header}」：{why}"))


def _column_header(key: str) -> str:
    for column in COLUMNS:
        if column.key == key:
            return column.header
    return people.FIELD_LABELS.get(key, key)


def open_workbook(data: bytes):
    if len(data) > MAX_BYTES:
        raise PayloadTooLarge(*_TOO_LARGE)
    if not data.startswith(b"PK\x03\x04"):
        raise UnsupportedMediaType(*_NOT_XLSX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "xl/workbook.xml" not in names:
                raise UnsupportedMediaType(*_NOT_XLSX)
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise PayloadTooLarge("file_too_large", "工作簿解压后过大，请分批导入")
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise UnsupportedMediaType(*_NOT_XLSX) from error


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def cell_date(value) -> dt.date | None | str:
    """A date from a date cell or text; the error text when it is neither."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    if not text:
        return None
    m = _DATE.match(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    return "日期格式应为 YYYY-MM-DD，如 2019-12-01"


def read_sheet(data: bytes, department_names: set[str]) -> Sheet:
    """Every row of the 人员 sheet, each checked on its own (CPU work: run it in a thread)."""
    book = open_workbook(data)
    try:
        return _read(book, department_names)
    finally:
        book.close()


def _read(book, department_names: set[str]) -> Sheet:
    result = Sheet()
    sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        name = cell_text(value).lstrip("*＊").strip()
        if name in _BY_HEADER:
            positions[_BY_HEADER[name].key] = index
    missing = [c.header for c in _REQUIRED if c.key not in positions]
    if missing:
        result.errors.append(RowError(1, missing and _BY_HEADER[missing[0]].key,
                                      f"第 1 行缺少必填列：{'、'.join(missing)}（请使用下载的模板）"))
        return result
    seen_ids: dict[str, int] = {}
    seen_phones: dict[str, int] = {}
    seen_numbers: dict[str, int] = {}
    count = 0
    for row_no, values in enumerate(rows, start=2):
        cells = {key: (values[i] if i < len(values) else None) for key, i in positions.items()}
        if all(cell_text(v) == "" for v in cells.values()):
            continue
        count += 1
        if count > MAX_ROWS:
            raise PayloadTooLarge("file_too_large", f"一次最多导入 {MAX_ROWS} 行，请分批导入")
        parsed = _check_row(result, row_no, cells, department_names)
        if parsed is None:
            continue
        for key, seen, word in (("id_number", seen_ids, "身份证号"), ("phone", seen_phones, "手机号"),
                                ("person_no", seen_numbers, "人员编号")):
            value = parsed.values.get(key)
            if value:
                if value in seen:
                    result.fail(row_no, key, f"与第 {seen[value]} 行的{word}重复")
                else:
                    seen[value] = row_no
        result.rows.append(parsed)
    if count == 0 and not result.errors:
        result.errors.append(RowError(2, "id_number", "工作簿中没有人员数据：请从第 2 行起每行填写一人"))
    return result


def _check_row(sheet: Sheet, row: int, cells: dict, department_names: set[str]) -> Parsed | None:
    before = len(sheet.errors)
    values: dict = {}
    for column in COLUMNS:
        if column.required and cell_text(cells.get(column.key)) == "":
            sheet.fail(row, column.key, "必填，不能为空")
    raw_id = cells.get("id_number")
    if isinstance(raw_id, (int, float)) and not isinstance(raw_id, bool):
        sheet.fail(row, "id_number", "身份证号须以文本格式填写（数字格式会丢失末几位）")
    elif (text := cell_text(raw_id)):
        parsed = parse_id_number(text)
        if parsed is None:
            sheet.fail(row, "id_number", "身份证号码不正确（请核对出生日期和最后一位校验码）")
        else:
            values["id_number"] = parsed.value
            values["sex"], values["birth_date"] = parsed.sex, parsed.birth_date
    for key in ("name", "position"):
        text = cell_text(cells.get(key))
        if len(text) > 50:
            sheet.fail(row, key, "不能超过 50 个字")
        elif text or key == "name":
            values[key] = text
    if (department := cell_text(cells.get("department"))):
        if department not in department_names:
            sheet.fail(row, "department", f"“{department[:20]}”不是本科室或本单位的科室")
        else:
            values["department"] = department
    title = cell_text(cells.get("title"))
    level = cell_text(cells.get("title_level")) or None
    if title:
        implied = titles.implied_level(title)
        if implied is None:
            sheet.fail(row, "title", f"“{title[:20]}”不在职称列表中")
        elif level is not None and level != implied:
            sheet.fail(row, "title_level", f"与当前职称不符：{title}为{implied}")
        else:
            values["title"], values["title_level"] = title, implied
    assessed = cell_date(cells.get("title_assessed_on"))
    if isinstance(assessed, str):
        sheet.fail(row, "title_assessed_on", assessed)
    elif assessed is not None and not dt.date(1950, 1, 1) <= assessed <= people.today():
        sheet.fail(row, "title_assessed_on", "日期不在合理范围内")
    else:
        if assessed is None and values.get("title_level") not in (None, TitleLevel.none.value):
            sheet.fail(row, "title_assessed_on", "有职称时须填写职称评定时间")
        values["title_assessed_on"] = assessed
    year = cell_text(cells.get("appointment_year"))
    if year in ("", NOT_APPOINTED):
        values["appointment_year"] = None
    elif not year.isdigit() or not 1950 <= int(year) <= people.this_year() + 1:
        sheet.fail(row, "appointment_year", "应为年份（如 2020）或“未聘任”")
    else:
        values["appointment_year"] = int(year)
    for key, allowed in (("staffing", Staffing), ("status", PersonStatus)):
        text = cell_text(cells.get(key))
        if text and text not in {a.value for a in allowed}:
            sheet.fail(row, key, f"应为 {' / '.join(a.value for a in allowed)} 之一")
        elif text:
            values[key] = text
    if (phone := cell_text(cells.get("phone"))):
        if not people.PHONE.match(phone):
            sheet.fail(row, "phone", "请填写正确的 11 位手机号码")
        else:
            values["phone"] = phone
    if (specialty := cell_text(cells.get("specialty"))):
        if specialty not in titles.SPECIALTIES:
            sheet.fail(row, "specialty", f"“{specialty[:20]}”不在专业列表中")
        else:
            values["specialty"] = specialty
    if (number := cell_text(cells.get("person_no"))):
        if len(number) > 20:
            sheet.fail(row, "person_no", "不能超过 20 个字符")
        else:
            values["person_no"] = number
    joins = cell_text(cells.get("joins_cme"))
    if joins and joins not in (YES, NO):
        sheet.fail(row, "joins_cme", "应为“是”或“否”")
    elif joins:
        values["joins_cme"] = joins == YES
    if len(sheet.errors) > before:
        return None
    return Parsed(row=row, values=values, id_number=values["id_number"])


# -- checking against the database, then writing ----------------------------------------


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


async def _lookup(column, values: list, *select) -> list[dict]:
    rows: list[dict] = []
    for chunk in _chunks(sorted(set(values))):
        rows.extend(await column._meta.table.select(*select).where(column.is_in(chunk)))
    return rows


_EDIT = ("name", "title", "title_level", "title_assessed_on", "appointment_year", "staffing", "status", "phone",
         "specialty", "position", "person_no", "joins_cme", "department_id")


class ImportRead(msgspec.Struct, frozen=True):
    created: int
    updated: int


async def import_people(principal: Principal, data: bytes) -> ImportRead:
    departments = await _my_departments(principal)
    by_name = {d["name"]: d for d in departments}
    sheet = await asyncio.to_thread(read_sheet, data, set(by_name))
    rows = sheet.rows
    ids = [r.id_number for r in rows]
    existing = {r["id_number"]: r for r in await _lookup(
        Person.id_number, ids, Person.id, Person.id_number, Person.unit, Person.department,
        *(getattr(Person, k) for k in _EDIT if k != "department_id"))}
    writable: set[int] = set()
    if existing:
        where = people.writable_where(principal)
        for chunk in _chunks(sorted(r["id"] for r in existing.values())):
            writable |= {r["id"] for r in await Person.select(Person.id).where(where).where(Person.id.is_in(chunk))}
    accounts = {r["username"]: r for r in await _lookup(Account.username, ids, Account.username, Account.person)}
    phones = {r["phone"]: r for r in await _lookup(
        Account.phone, [r.values["phone"] for r in rows if r.values.get("phone")], Account.phone, Account.person)}
    numbers = {r["person_no"]: r for r in await _lookup(
        Person.person_no, [r.values["person_no"] for r in rows if r.values.get("person_no")], Person.person_no,
        Person.id)}
    for parsed in rows:
        person = existing.get(parsed.id_number)
        person_id = person["id"] if person else None
        department = by_name[parsed.values["department"]]
        parsed.values["department_id"] = department["id"]
        if person is not None and person_id not in writable:
            sheet.fail(parsed.row, "id_number", "该身份证号的人员已在其他科室或单位登记，请联系单位管理员办理调动")
            continue
        if person is not None and person["unit"] != department["unit"]:
            sheet.fail(parsed.row, "department", "只能调整到该人员所在单位的科室")
        account = accounts.get(parsed.id_number)
        if account is not None and account["person"] != person_id:
            sheet.fail(parsed.row, "id_number", "该身份证号已被其他账号用作用户名")
        phone = phones.get(parsed.values["phone"])
        if phone is not None and (person_id is None or phone["person"] != person_id):
            sheet.fail(parsed.row, "phone", "该手机号已被其他账号使用")
        number = numbers.get(parsed.values.get("person_no"))
        if number is not None and number["id"] != person_id:
            sheet.fail(parsed.row, "person_no", "人员编号已被其他人员使用")
    if sheet.errors:
        raise import_invalid(sheet.errors)
    creates = [r for r in rows if r.id_number not in existing]
    updates = [r for r in rows if r.id_number in existing]
    hashes = await asyncio.to_thread(lambda: [hash_initial_password(people.initial_password(r.id_number))
                                              for r in creates])
    changed = 0
    async with Person._meta.db.transaction():
        if creates:
            await db.run_write(Person._meta.db, _create_program(principal, creates, by_name, hashes))
        for parsed in updates:
            changed += await _update(principal, existing[parsed.id_number], parsed)
    if len(creates) >= _ANALYZE_AFTER and db.engine_kind(Person._meta.db) == "postgresql":
        # Thousands of new rows leave PostgreSQL's planner estimating a unit of 3 people, and
        # the list then hash-joins the whole unit (25 ms a page at 5,000 people, 6 ms after).
        await Person.raw("ANALYZE person, account, person_year")
    return ImportRead(created=len(creates), updated=changed)


def import_invalid(errors: list[RowError], columns: tuple[Column, ...] = COLUMNS) -> Invalid:
    """422 ``import_invalid``: every row error (row, field, column, why), in sheet order; nothing was written."""
    keys = [c.key for c in columns]
    headers = {c.key: c.header for c in columns}
    errors = sorted(errors, key=lambda e: (e.row, keys.index(e.field) if e.field in keys else 99))
    shown = errors[:MAX_ERRORS]
    more = f"（仅列出前 {MAX_ERRORS} 个）" if len(errors) > MAX_ERRORS else ""
    rows = sorted({e.row for e in errors})
    detail = f"共 {len(errors)} 处错误，涉及 {len(rows)} 行{more}，未导入任何数据。首个错误：{errors[0].detail}"
    error = Invalid(errors[0].field, detail, code="import_invalid")
    error.field = None
    error.extra = {"errors": [{"row": e.row, "field": e.field, "column": headers.get(e.field, e.field),
                               "detail": e.detail} for e in shown]}
    return error


_PERSON = ("unit", "department", "id_number", "name", "sex", "birth_date", "title", "title_level",
           "title_assessed_on", "appointment_year", "staffing", "status", "phone", "specialty", "person_no",
           "position", "joins_cme", "created_at", "updated_at")
_ACCOUNT = ("username", "password_hash", "person", "name", "phone", "status", "must_change_password", "created_at",
            "password_changed_at")
_GRANT = ("account", "role", "created_at")
_YEAR = ("person", "year", "title", "title_level", "title_assessed_on", "status", "unit", "remark")
_AUDIT = ("at", "account", "account_name", "ip", "action", "target_type", "target_id", "detail", "person",
          "before_data", "after_data")
# Rows per INSERT: 200 × 19 values stays far below SQLite's and PostgreSQL's parameter limits.
_WRITE_CHUNK = 200
_ANALYZE_AFTER = 500


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple], returning: str = "") -> tuple[str, tuple]:
    """One multi-row INSERT as a SQL program step (Piccolo's per-object inserts cost ~0.7 ms a row)."""
    one = "(" + ", ".join(["{}"] * len(columns)) + ")"
    names = ", ".join(f'"{c}"' for c in columns)
    sql = (f"INSERT INTO {table} ({names}) VALUES " + ", ".join([one] * len(rows))
           + (f" RETURNING {returning}" if returning else ""))
    return sql, tuple(value for row in rows for value in row)


def _create_program(principal: Principal, creates: list[Parsed], by_name: dict, hashes: list[str]):
    """New people with their accounts, trainee grants, this year's row and change-log lines."""
    moment = clock.now()
    year = people.this_year()
    for start in range(0, len(creates), _WRITE_CHUNK):
        chunk = creates[start:start + _WRITE_CHUNK]
        passwords = hashes[start:start + _WRITE_CHUNK]
        persons = []
        for parsed in chunk:
            v = parsed.values
            department = by_name[v["department"]]
            persons.append((department["unit"], department["id"], v["id_number"], v["name"], v["sex"], v["birth_date"],
                            v["title"], v["title_level"], v["title_assessed_on"], v["appointment_year"], v["staffing"],
                            v["status"], v["phone"], v["specialty"], v.get("person_no") or people.new_person_no(),
                            v.get("position", ""), v.get("joins_cme", True), moment, moment))
        made = yield _insert("person", _PERSON, persons, "id, id_number")
        ids = {r["id_number"]: r["id"] for r in made}
        accounts = yield _insert("account", _ACCOUNT, [
            (p.id_number, h, ids[p.id_number], p.values["name"], p.values["phone"], AccountStatus.active.value, True,
             moment, moment) for p, h in zip(chunk, passwords)], "id")
        yield _insert("role_grant", _GRANT, [(a["id"], Role.trainee.value, moment) for a in accounts])
        yield _insert("person_year", _YEAR, [
            (ids[p.id_number], year, p.values["title"], p.values["title_level"], p.values["title_assessed_on"],
             p.values["status"], by_name[p.values["department"]]["unit"], "导入人员") for p in chunk])
        yield _insert("audit_log", _AUDIT, [
            (moment, principal.account_id, principal.username, principal.ip[:64], "person_import", "person",
             str(ids[p.id_number]), f"导入添加人员 {p.values['name']}（{mask_id_number(p.id_number)}），第 {p.row} 行",
             ids[p.id_number], "", "") for p in chunk])
    return len(creates)


async def _update(principal: Principal, current: dict, parsed: Parsed) -> int:
    """One existing person: the row's filled-in fields that differ (a blank optional cell keeps the value)."""
    current = {**current, "department_id": current["department"]}
    given = {k: v for k, v in parsed.values.items() if k in _EDIT}
    after = {k: v for k, v in given.items() if current.get(k) != v}
    if not after:
        return 0
    before = {k: current.get(k) for k in after}
    await people.apply_change(principal, current["id"], current, before, after, action="person_import",
                              detail=f"导入更新（第 {parsed.row} 行）：" + people.summary(before, after))
    return 1


# -- the export ------------------------------------------------------------------------

EXPORT_HEADERS = ("姓名", "人员编号", "身份证号", "性别", "出生日期", "单位", "科室", "当前职称", "职称级别",
                  "职称评定时间", "职称聘任年度", "在编状态", "人员状态", "手机", "专业", "院内职务", "照片",
                  "是否参加继教")
_EXPORT_PAGE = 2000


def _export_row(p: dict) -> list:
    return [p["name"], p["person_no"], mask_id_number(p["id_number"]), p["sex"], p["birth_date"], p["unit_name"],
            p["department_name"] or "", p["title"], p["title_level"], p["title_assessed_on"],
            p["appointment_year"] if p["appointment_year"] is not None else NOT_APPOINTED, p["staffing"],
            p["status"], mask_phone(p["phone"]), p["specialty"], p["position"], "有" if p["photo"] else "无",
            YES if p["joins_cme"] else NO]


async def export(principal: Principal, f: people.PeopleFilter) -> bytes:
    """The filtered list as a workbook (write-only: rows go to the file as they come)."""
    clauses = await people.filter_clauses(principal, f)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("人员名单")
    for index, header in enumerate(EXPORT_HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 20 if header in ("身份证号", "单位") else 12
    sheet.append(list(EXPORT_HEADERS))
    offset = 0
    while True:
        query = Person.select(*people.EXPORT_COLUMNS)
        for clause in clauses:
            query = query.where(clause)
        rows = await query.order_by(Person.department, Person.person_no, Person.id).limit(_EXPORT_PAGE).offset(
            offset)
        for row in rows:
            sheet.append(safe_row(_export_row(row)))
        if len(rows) < _EXPORT_PAGE:
            break
        offset += _EXPORT_PAGE
    out = io.BytesIO()
    await asyncio.to_thread(book.save, out)
    return out.getvalue()
