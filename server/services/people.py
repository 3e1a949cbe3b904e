"""People (人员, seed 001 §2.1): scoped lists with the seed's filters, records, adding and editing.

Admins read the people their grants reach (services/scope.py); only department
and unit admins change them, within their own department or unit. Every change
is one row in the audit log naming the person, with the changed fields before
and after (001 §2.3). A person's title and status are also kept per year
(PersonYear, 001 §2.2): a change of the current one follows into this year's
row, and a change of this year's row follows into the current one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import secrets
from dataclasses import dataclass

import msgspec

from server.clock import CHINA, now, today
from server.services import audit, scope, titles
from server.services.errors import Conflict, Forbidden, Invalid, NotFound, is_unique_violation
from server.services.idcard import parse_id_number
from server.services.masking import mask_id_number, mask_phone
from server.services.passwords import hash_initial_password
from server.services.principal import Principal
from server.services.results import Page
from server.tables import Account, Department, Person, PersonYear, RoleGrant
from server.tables.enums import AccountStatus, Role

LOCAL = CHINA
PHONE = re.compile(r"^1[3-9]\d{9}$")
_NOT_FOUND = ("person_not_found", "人员不存在或不在您的管理范围内")

# The record's fields as the seed names them (form labels, change-log lines, workbook headers).
FIELD_LABELS = {
    "id_number": "身份证号", "name": "姓名", "sex": "性别", "birth_date": "出生日期", "department_id": "科室",
    "title": "当前职称", "title_level": "职称级别", "title_assessed_on": "职称评定时间",
    "appointment_year": "职称聘任年度", "staffing": "在编状态", "status": "人员状态", "phone": "手机",
    "specialty": "专业", "person_no": "人员编号", "position": "院内职务", "joins_cme": "参加继教",
    "photo": "个人免冠照片", "remark": "备注", "year": "年度",
}

_COLUMNS = (
    Person.id,
    Person.name,
    Person.sex,
    Person.person_no,
    Person.id_number,
    Person.phone,
    Person.unit.id.as_alias("unit_id"),
    Person.unit.name.as_alias("unit_name"),
    Person.department.id.as_alias("department_id"),
    Person.department.name.as_alias("department_name"),
    Person.title,
    Person.title_level,
    Person.staffing,
    Person.status,
    Person.birth_date,
    Person.specialty,
    Person.title_assessed_on,
    Person.appointment_year,
    Person.position,
    Person.joins_cme,
    Person.photo,
)

EXPORT_COLUMNS = _COLUMNS


def this_year() -> int:
    return today().year


class PersonRead(msgspec.Struct, frozen=True):
    id: int
    name: str
    sex: str
    person_no: str
    id_number: str
    phone: str
    unit_id: int
    unit_name: str
    department_id: int | None
    department_name: str | None
    title: str
    title_level: str
    staffing: str
    status: str
    birth_date: str | None
    specialty: str
    title_assessed_on: str | None
    appointment_year: int | None
    position: str
    joins_cme: bool
    has_photo: bool


def _read(row: dict, *, reveal: bool) -> PersonRead:
    row = dict(row)
    # The ID number is masked for everyone, its owner too (issue 13): a screen shown or
    # photographed at a lecture must not carry it; the owner's own phone stays readable.
    row["id_number"] = mask_id_number(row["id_number"])
    if not reveal:
        row["phone"] = mask_phone(row["phone"])
    for key in ("birth_date", "title_assessed_on"):
        if isinstance(row.get(key), dt.date):
            row[key] = row[key].isoformat()
    row["joins_cme"] = bool(row["joins_cme"])
    row["has_photo"] = bool(row.pop("photo", None))
    return msgspec.convert(row, PersonRead)


# -- the list and its filters (seed 001 §2.1/§2.2 筛选区) ---------------------------


@dataclass(slots=True)
class PeopleFilter:
    """The list's filters; enum values are checked at the boundary, title and specialty here."""

    q: str = ""
    department_id: int | None = None
    status: str | None = None
    title_level: str | None = None
    title: str | None = None
    specialty: str | None = None
    staffing: str | None = None


def _admin_where(principal: Principal):
    where = scope.people_where(principal, person=Person, admin_only=True)
    if where is None:
        raise Forbidden("forbidden", "只有管理员可以查看人员列表")
    return where


async def _known(principal_where, column, value: str, catalogue: tuple[str, ...], name: str, word: str) -> None:
    """A title or specialty filter names a value of the list or one someone in scope has; else 422."""
    if value in catalogue:
        return
    if not await Person.exists().where(principal_where).where(column == value):
        raise Invalid(name, f"未知的{word}：{value[:20]}")


async def check_filter_department(principal: Principal, department_id: int) -> None:
    """Like any other filter value, a department the caller can't reach is 422, not an empty page; one
    that doesn't exist gets the same answer. Inactive ones still count: their people stay listed."""
    reach = scope.grants_where(principal, department=Department.id, unit=Department.unit,
                               region_code=Department.unit.region_code)
    if reach is None or not await Department.exists().where((Department.id == department_id) & reach):
        raise Invalid("department_id", "科室不存在或不在您的管理范围内")


async def filter_clauses(principal: Principal, f: PeopleFilter) -> list:
    where = _admin_where(principal)
    clauses: list = [where]
    q = f.q.strip()
    if q:
        # Name by substring; number, ID number and phone only by exact match,
        # so a search can't be used to enumerate ID numbers digit by digit.
        pattern = f"%{scope.search_text(q)}%"
        clauses.append(
            Person.name.like(pattern)
            | (Person.person_no == q)
            | (Person.id_number == q.upper())
            | (Person.phone == q)
        )
    if f.department_id is not None:
        await check_filter_department(principal, f.department_id)
        clauses.append(Person.department == f.department_id)
    for column, value in ((Person.status, f.status), (Person.title_level, f.title_level),
                          (Person.staffing, f.staffing)):
        if value is not None:
            clauses.append(column == value)
    if f.title is not None:
        await _known(where, Person.title, f.title, titles.TITLES, "title", "职称")
        clauses.append(Person.title == f.title)
    if f.specialty is not None:
        await _known(where, Person.specialty, f.specialty, titles.SPECIALTIES, "specialty", "专业")
        clauses.append(Person.specialty == f.specialty)
    return clauses


async def list_people(principal: Principal, f: PeopleFilter | None = None, *, page: int = 1,
                      page_size: int = 20) -> Page[PersonRead]:
    clauses = await filter_clauses(principal, f or PeopleFilter())
    query = Person.select(*_COLUMNS)
    count = Person.count()
    for clause in clauses:
        query = query.where(clause)
        count = count.where(clause)
    rows = await query.order_by(Person.department, Person.person_no).limit(page_size).offset(
        (page - 1) * page_size
    )
    total = await count
    return Page(items=[_read(r, reveal=False) for r in rows], total=total)


async def get_person(principal: Principal, person_id: int) -> PersonRead:
    where = scope.people_where(principal, person=Person)
    if where is None:
        raise NotFound()
    row = await Person.select(*_COLUMNS).where(where).where(Person.id == person_id).first()
    if row is None:
        raise NotFound(*_NOT_FOUND)
    return _read(row, reveal=row["id"] == principal.person_id)


# -- who may change whom ------------------------------------------------------------


def writable_where(principal: Principal):
    """WHERE on Person for the people the caller may change: their department's, or their unit's."""
    if not principal.has_any(Role.dept_admin, Role.unit_admin):
        raise Forbidden("forbidden", "只有科室或单位管理员可以维护人员信息")
    return scope.grants_where(principal, department=Person.department, unit=Person.unit, region_code=None)


async def writable_person(principal: Principal, person_id: int, *columns) -> dict:
    """The person's row if the caller may change them; 404 otherwise (out of scope is not found)."""
    row = await Person.select(Person.id, Person.unit, Person.department, *columns).where(
        writable_where(principal)).where(Person.id == person_id).first()
    if row is None:
        raise NotFound(*_NOT_FOUND)
    return row


async def check_department(principal: Principal, department_id: int, unit_id: int | None = None) -> dict:
    """The row of a department the caller may put people in (and, for a move, in the person's unit)."""
    department = await Department.select(Department.id, Department.unit, Department.name).where(
        (Department.id == department_id) & (Department.active == True)).first()  # noqa: E712
    if department is None or not (department_id in principal.department_ids()
                                  or department["unit"] in principal.unit_ids()):
        raise Invalid("department_id", "科室不存在或不在您的管理范围内")
    if unit_id is not None and department["unit"] != unit_id:
        raise Invalid("department_id", "只能调整到本单位的科室；调往其他单位请办理单位变更")
    return department


def check_title(title: str, level: str | None) -> str:
    """The title level to keep: the one the catalogued title implies, which a given level must match."""
    implied = titles.implied_level(title)
    if implied is None:
        raise Invalid("title", "请从职称列表中选择当前职称")
    if level is not None and level != implied:
        raise Invalid("title_level", f"职称级别与职称不符：{title}为{implied}")
    return implied


def check_assessed_on(day: dt.date | None) -> None:
    if day is not None and not dt.date(1950, 1, 1) <= day <= today():
        raise Invalid("title_assessed_on", "职称评定时间不正确")


def check_appointment_year(year: int | None) -> None:
    if year is not None and not 1950 <= year <= this_year() + 1:
        raise Invalid("appointment_year", "聘任年度不正确")


def check_phone(phone: str) -> str:
    phone = phone.strip()
    if not PHONE.match(phone):
        raise Invalid("phone", "请输入正确的 11 位手机号码")
    return phone


def check_specialty(specialty: str) -> str:
    specialty = specialty.strip()
    if specialty not in titles.SPECIALTIES:
        raise Invalid("specialty", "请从专业列表中选择专业")
    return specialty


# -- this year's row follows the current title and status (seed 001 §2.2) ------------

YEAR_FIELDS = ("title", "title_level", "title_assessed_on", "status")


async def follow_into_year(person_id: int, unit_id: int, values: dict, *, remark: str) -> None:
    """This year's PersonYear row takes the changed current title/status (created when missing)."""
    changed = {k: v for k, v in values.items() if k in YEAR_FIELDS}
    if not changed:
        return
    year = this_year()
    updated = await PersonYear.update({getattr(PersonYear, k): v for k, v in changed.items()}).where(
        (PersonYear.person == person_id) & (PersonYear.year == year)).returning(PersonYear.id)
    if not updated:
        current = await Person.select(*(getattr(Person, k) for k in YEAR_FIELDS)).where(
            Person.id == person_id).first()
        await PersonYear.insert(PersonYear(person=person_id, year=year, unit=unit_id, remark=remark,
                                           **{**current, **changed}))


async def follow_into_person(person_id: int, year: int, values: dict) -> None:
    """A change of this year's row becomes the person's current title/status (logged as such)."""
    if year != this_year():
        return
    changed = {k: v for k, v in values.items() if k in YEAR_FIELDS}
    if not changed:
        return
    # The year's own change-log row says what changed; this keeps the current record in step.
    await Person.update({**{getattr(Person, k): v for k, v in changed.items()},
                         Person.updated_at: now()}).where(Person.id == person_id)


# -- a department's new person (seed 001 §2.1 机构添加人员) ---------------------


@dataclass(slots=True)
class NewPerson:
    id_number: str
    name: str
    department_id: int | None = None
    title: str = ""
    title_level: str = "无"
    title_assessed_on: dt.date | None = None
    appointment_year: int | None = None
    staffing: str = "在编"
    status: str = "正常"
    phone: str = ""
    specialty: str = ""
    person_no: str | None = None
    position: str = ""
    joins_cme: bool = True


def _target_department(principal: Principal, department_id: int | None) -> int:
    """The department a new person goes into: one of the caller's, or any of their unit's."""
    mine = principal.department_ids()
    if department_id is None:
        if len(mine) == 1:
            return next(iter(mine))
        raise Invalid("department_id", "请选择科室")
    return department_id


def new_person_no() -> str:
    return "P" + "".join(secrets.choice("0123456789") for _ in range(11))


def initial_password(id_number: str) -> str:
    """A department-made account's first password: the ID number's last six characters."""
    return id_number[-6:]


async def create_person(principal: Principal, new: NewPerson) -> PersonRead:
    """Person + account (username = ID number, first password its last six characters) + trainee grant."""
    if not principal.has_any(Role.dept_admin, Role.unit_admin):
        raise Forbidden("forbidden", "只有科室或单位管理员可以添加人员")
    parsed = parse_id_number(new.id_number)
    if parsed is None:
        raise Invalid("id_number", "身份证号码不正确（请核对出生日期和最后一位校验码）")
    name = new.name.strip()
    if not name:
        raise Invalid("name", "请填写姓名")
    phone = new.phone.strip()
    if phone:
        check_phone(phone)
    title = new.title.strip()
    if title:
        # A catalogued title decides its level (a registration's free text stays as it came).
        new.title_level = check_title(title, new.title_level if new.title_level != "无" else None)
    if new.specialty.strip():
        check_specialty(new.specialty)
    check_assessed_on(new.title_assessed_on)
    check_appointment_year(new.appointment_year)
    department_id = _target_department(principal, new.department_id)
    department = await check_department(principal, department_id)
    if await Person.exists().where(Person.id_number == parsed.value) or await Account.exists().where(
            Account.username == parsed.value):
        raise Conflict("duplicate", "该身份证号码的人员已存在")
    person_no = (new.person_no or "").strip()
    if person_no:
        if await Person.exists().where(Person.person_no == person_no):
            raise Conflict("duplicate", "人员编号已被使用")
    else:
        person_no = new_person_no()
    password_hash = await asyncio.to_thread(hash_initial_password, initial_password(parsed.value))
    moment = now()
    try:
        async with Person._meta.db.transaction():
            person = Person(unit=department["unit"], department=department_id, id_number=parsed.value, name=name,
                            sex=parsed.sex, birth_date=parsed.birth_date, title=new.title.strip(),
                            title_level=new.title_level, title_assessed_on=new.title_assessed_on,
                            appointment_year=new.appointment_year, staffing=new.staffing, status=new.status,
                            phone=phone, specialty=new.specialty.strip(), person_no=person_no,
                            position=new.position.strip(), joins_cme=new.joins_cme, created_at=moment,
                            updated_at=moment)
            await person.save()
            account = new_account(person.id, parsed.value, name, phone, password_hash)
            await account.save()
            await RoleGrant.insert(RoleGrant(account=account.id, role=Role.trainee))
            await PersonYear.insert(PersonYear(person=person.id, year=this_year(), title=new.title.strip(),
                                               title_level=new.title_level, title_assessed_on=new.title_assessed_on,
                                               status=new.status, unit=department["unit"], remark="机构添加人员"))
            await audit.record("person_create", principal=principal, person_id=person.id,
                               detail=f"机构添加人员 {name}（{mask_id_number(parsed.value)}）")
    except Exception as error:
        if is_unique_violation(error):
            raise Conflict("duplicate", "该身份证号码或人员编号刚刚已被使用") from error
        raise
    return await get_person(principal, person.id)


def new_account(person_id: int, id_number: str, name: str, phone: str, password_hash: str) -> Account:
    """The account of a department-made person: must change its first password at first login."""
    return Account(username=id_number, password_hash=password_hash, person=person_id, name=name, phone=phone,
                   status=AccountStatus.active, must_change_password=True)


# -- editing (编辑) -----------------------------------------------------------------

EDITABLE = ("id_number", "name", "department_id", "title", "title_level", "title_assessed_on",
            "appointment_year", "staffing", "status", "phone", "specialty", "person_no", "position", "joins_cme")


def _show(key: str, value) -> str:
    if value is None or value == "":
        return "未聘任" if key == "appointment_year" else "空"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def summary(before: dict, after: dict, names: dict | None = None) -> str:
    """'当前职称：主治医师 → 副主任医师；手机：139****0001 → …' (masked), for the change log."""
    shown_before, shown_after = audit.masked(before), audit.masked(after)
    names = names or {}
    parts = []
    for key in after:
        old, new = names.get(("old", key), shown_before.get(key)), names.get(("new", key), shown_after[key])
        parts.append(f"{FIELD_LABELS.get(key, key)}：{_show(key, old)} → {_show(key, new)}")
    return "；".join(parts)


async def _validated(principal: Principal, person_id: int, current: dict, changes: dict) -> dict:
    """The changes as stored values, each checked; raises Invalid/Conflict naming the field."""
    values: dict = {}
    for key, value in changes.items():
        if key in ("name", "position", "person_no", "title", "specialty") and isinstance(value, str):
            value = value.strip()
        values[key] = value
    if "id_number" in values:
        parsed = parse_id_number(values["id_number"])
        if parsed is None:
            raise Invalid("id_number", "身份证号码不正确（请核对出生日期和最后一位校验码）")
        values["id_number"] = parsed.value
        if parsed.value != current["id_number"]:
            if await Person.exists().where((Person.id_number == parsed.value) & (Person.id != person_id)) or \
                    await Account.exists().where((Account.username == parsed.value)
                                                 & ((Account.person != person_id) | Account.person.is_null())):
                raise Conflict("duplicate", "该身份证号码的人员已存在")
            values["sex"], values["birth_date"] = parsed.sex, parsed.birth_date
    if "name" in values and not values["name"]:
        raise Invalid("name", "请填写姓名")
    if "department_id" in values:
        if values["department_id"] is None:
            raise Invalid("department_id", "请选择科室")
        await check_department(principal, values["department_id"], current["unit"])
    if "title" in values:
        values["title_level"] = check_title(values["title"], values.get("title_level"))
    elif "title_level" in values:
        implied = titles.implied_level(current["title"])
        if implied is not None and values["title_level"] != implied:
            raise Invalid("title_level", f"职称级别由当前职称决定：{current['title']}为{implied}")
    if "title_assessed_on" in values:
        check_assessed_on(values["title_assessed_on"])
    if "appointment_year" in values:
        check_appointment_year(values["appointment_year"])
    if "phone" in values:
        values["phone"] = check_phone(values["phone"])
        if values["phone"] != current["phone"] and await Account.exists().where(
                (Account.phone == values["phone"]) & ((Account.person != person_id) | Account.person.is_null())):
            raise Invalid("phone", "该手机号已被其他账号使用", code="phone_taken")
    if "specialty" in values and values["specialty"] != current["specialty"]:
        values["specialty"] = check_specialty(values["specialty"])
    if "person_no" in values:
        if not values["person_no"]:
            raise Invalid("person_no", "请填写人员编号")
        if values["person_no"] != current["person_no"] and await Person.exists().where(
                (Person.person_no == values["person_no"]) & (Person.id != person_id)):
            raise Conflict("duplicate", "人员编号已被使用")
    return values


_EDIT_COLUMNS = (Person.id_number, Person.name, Person.sex, Person.birth_date, Person.title, Person.title_level,
                 Person.title_assessed_on, Person.appointment_year, Person.staffing, Person.status, Person.phone,
                 Person.specialty, Person.person_no, Person.position, Person.joins_cme)


async def update_person(principal: Principal, person_id: int, changes: dict) -> PersonRead:
    """PATCH: change the given fields of a person in the caller's department or unit."""
    current = await writable_person(principal, person_id, *_EDIT_COLUMNS)
    current = {**current, "department_id": current["department"]}
    values = await _validated(principal, person_id, current, changes)
    after = {k: v for k, v in values.items() if current.get(k) != v}
    if not after:
        return await get_person(principal, person_id)
    before = {k: current.get(k) for k in after}
    await apply_change(principal, person_id, current, before, after, action="person_update")
    return await get_person(principal, person_id)


async def apply_change(principal: Principal, person_id: int, current: dict, before: dict, after: dict, *,
                       action: str, detail: str | None = None, at: dt.datetime | None = None) -> None:
    """Write one person's change: the row (only if it is still as read), the account, this year's
    title/status row and the change log, in one transaction. The loser of a race gets 409."""
    names = {}
    if "department_id" in after:
        rows = await Department.select(Department.id, Department.name).where(
            Department.id.is_in([d for d in (before.get("department_id"), after["department_id"]) if d]))
        by_id = {r["id"]: r["name"] for r in rows}
        names = {("old", "department_id"): by_id.get(before.get("department_id")),
                 ("new", "department_id"): by_id.get(after["department_id"])}
    moment = at or now()
    columns = {("department" if k == "department_id" else k): v for k, v in after.items()}
    guard = Person.id == person_id
    for key in before:
        column = getattr(Person, "department" if key == "department_id" else key)
        guard &= column == before[key]
    try:
        async with Person._meta.db.transaction():
            done = await Person.update({**{getattr(Person, k): v for k, v in columns.items()},
                                        Person.updated_at: moment}).where(guard).returning(Person.id)
            if not done:
                raise Conflict("conflict", "该人员信息刚刚已被他人修改，请刷新后重试")
            account = {}
            if "name" in after:
                account[Account.name] = after["name"]
            if "phone" in after:
                account[Account.phone] = after["phone"]
            if account:
                await Account.update(account).where(Account.person == person_id)
            if "id_number" in after:
                # A department-made account's username is the ID number: it follows the correction.
                await Account.update({Account.username: after["id_number"]}).where(
                    (Account.person == person_id) & (Account.username == before["id_number"]))
                # Its first password, not yet changed, is the last six of the ID: of the corrected one
                # now, or the person told "your ID's last six" can't log in (wrong IDs are why one edits).
                await Account.update({Account.password_hash: hash_initial_password(
                    initial_password(after["id_number"]))}).where(
                    (Account.person == person_id) & (Account.username == after["id_number"])
                    & (Account.must_change_password == True))  # noqa: E712
            await follow_into_year(person_id, current["unit"], after, remark="人员信息维护")
            await audit.record(action, principal=principal, person_id=person_id,
                               detail=detail or summary(before, after, names),
                               before={k: names.get(("old", k), v) if k == "department_id" else v
                                       for k, v in before.items()},
                               after={k: names.get(("new", k), v) if k == "department_id" else v
                                      for k, v in after.items()})
    except Exception as error:
        if is_unique_violation(error):
            raise Conflict("duplicate", "身份证号码、人员编号或账号刚刚已被使用") from error
        raise

