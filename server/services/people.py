"""People (人员): scoped lists and records."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import secrets
from dataclasses import dataclass

from server.clock import now, today
from server.services import audit, scope
from server.services.errors import Conflict, Forbidden, Invalid, NotFound, is_unique_violation
from server.services.idcard import parse_id_number
from server.services.masking import mask_id_number, mask_phone
from server.services.passwords import hash_password
from server.services.principal import Principal
from server.tables import Account, Department, Person, PersonYear, RoleGrant
from server.tables.enums import AccountStatus, Role

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
)


@dataclass(slots=True)
class PersonPage:
    items: list[dict]
    total: int


def _present(row: dict, *, reveal: bool) -> dict:
    row = dict(row)
    if not reveal:
        row["id_number"] = mask_id_number(row["id_number"])
        row["phone"] = mask_phone(row["phone"])
    for key in ("birth_date", "title_assessed_on"):
        if isinstance(row.get(key), dt.date):
            row[key] = row[key].isoformat()
    row["joins_cme"] = bool(row["joins_cme"])
    return row


async def list_people(
    principal: Principal, *, q: str = "", department_id: int | None = None, page: int = 1, page_size: int = 20
) -> PersonPage:
    where = scope.people_where(principal, person=Person, admin_only=True)
    if where is None:
        raise Forbidden("forbidden", "只有管理员可以查看人员列表")
    clauses = [where]
    q = q.strip()
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
    if department_id is not None:
        clauses.append(Person.department == department_id)
    query = Person.select(*_COLUMNS)
    count = Person.count()
    for clause in clauses:
        query = query.where(clause)
        count = count.where(clause)
    rows = await query.order_by(Person.department, Person.person_no).limit(page_size).offset(
        (page - 1) * page_size
    )
    total = await count
    return PersonPage(items=[_present(r, reveal=False) for r in rows], total=total)


async def get_person(principal: Principal, person_id: int) -> dict:
    where = scope.people_where(principal, person=Person)
    if where is None:
        raise NotFound()
    row = await Person.select(*_COLUMNS).where(where).where(Person.id == person_id).first()
    if row is None:
        raise NotFound("person_not_found", "人员不存在或不在您的管理范围内")
    return _present(row, reveal=row["id"] == principal.person_id)


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


async def create_person(principal: Principal, new: NewPerson) -> dict:
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
    if phone and not re.match(r"^1[3-9]\d{9}$", phone):
        raise Invalid("phone", "请输入正确的 11 位手机号码")
    if new.appointment_year is not None and not 1950 <= new.appointment_year <= today().year + 1:
        raise Invalid("appointment_year", "聘任年度不正确")
    department_id = _target_department(principal, new.department_id)
    department = await Department.select(Department.id, Department.unit).where(
        (Department.id == department_id) & (Department.active == True)).first()  # noqa: E712
    if department is None or not (department_id in principal.department_ids()
                                  or department["unit"] in principal.unit_ids()):
        raise Invalid("department_id", "科室不存在或不在您的管理范围内")
    if await Person.exists().where(Person.id_number == parsed.value) or await Account.exists().where(
            Account.username == parsed.value):
        raise Conflict("duplicate", "该身份证号码的人员已存在")
    person_no = (new.person_no or "").strip()
    if person_no:
        if await Person.exists().where(Person.person_no == person_no):
            raise Conflict("duplicate", "人员编号已被使用")
    else:
        person_no = "P" + "".join(secrets.choice("0123456789") for _ in range(11))
    password_hash = await asyncio.to_thread(hash_password, parsed.value[-6:])
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
            account = Account(username=parsed.value, password_hash=password_hash, person=person.id, name=name,
                              phone=phone, status=AccountStatus.active, must_change_password=True)
            await account.save()
            await RoleGrant.insert(RoleGrant(account=account.id, role=Role.trainee))
            await PersonYear.insert(PersonYear(person=person.id, year=moment.year, title=new.title.strip(),
                                               title_level=new.title_level, title_assessed_on=new.title_assessed_on,
                                               status=new.status, unit=department["unit"], remark="机构添加人员"))
            await audit.record("person_create", principal=principal, target_type="person", target_id=person.id,
                               detail=f"添加人员 {name}（{mask_id_number(parsed.value)}）")
    except Exception as error:
        if is_unique_violation(error):
            raise Conflict("duplicate", "该身份证号码或人员编号刚刚已被使用") from error
        raise
    return await get_person(principal, person.id)
