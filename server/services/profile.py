"""A trainee's own basic profile (seed 000 §7.1, 001 §2.1), completed at first login.

Registration collects name, ID number, phone, unit and department; 001 §2.1
also requires the current title and its date, staffing, specialty and a
department. Until those are filled in, the PWA shows a plain trainee nothing
but the profile form (see :func:`gate_applies`); the server does not refuse
their check-ins for it: a trainee standing in a lecture hall must not lose
the credit because a form is unfinished, and the check-in path stays one
memoised read.
Name, ID number and unit are the unit's to change, never the trainee's: a
move to another unit goes through a binding request (services/binding.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from server import clock
from server.services import audit
from server.services.errors import Forbidden, Invalid, NotFound
from server.services.masking import mask_phone
from server.services.principal import Principal
from server.tables import Account, Department, Person, PersonYear
from server.tables.enums import Role, TitleLevel

_PHONE = re.compile(r"^1[3-9]\d{9}$")

_COLUMNS = (
    Person.id, Person.name, Person.sex, Person.birth_date, Person.id_number, Person.person_no,
    Person.unit.id.as_alias("unit_id"), Person.unit.name.as_alias("unit_name"),
    Person.department.id.as_alias("department_id"), Person.department.name.as_alias("department_name"),
    Person.title, Person.title_level, Person.title_assessed_on, Person.appointment_year, Person.staffing,
    Person.status, Person.phone, Person.specialty, Person.position,
)


@dataclass(slots=True)
class ProfileForm:
    """What the trainee may edit about themselves."""

    department_id: int | None
    title: str
    title_level: str
    title_assessed_on: dt.date | None
    appointment_year: int | None
    staffing: str
    phone: str
    specialty: str
    position: str = ""


def missing_fields(row: dict) -> list[str]:
    """The required fields of 001 §2.1 that registration leaves empty, in form order."""
    missing = []
    if not row.get("department_id"):
        missing.append("department_id")
    if not (row.get("title") or "").strip():
        missing.append("title")
    if row.get("title_level") != TitleLevel.none.value and row.get("title_assessed_on") is None:
        missing.append("title_assessed_on")
    if not (row.get("specialty") or "").strip():
        missing.append("specialty")
    if not (row.get("phone") or "").strip():
        missing.append("phone")
    return missing


def gate_applies(principal: Principal) -> bool:
    """Only a plain trainee is held at the profile page; an admin's work must not wait on it."""
    return principal.person_id is not None and principal.has_any(Role.trainee) and not principal.is_admin


async def is_complete(principal: Principal) -> bool:
    if not gate_applies(principal):
        return True
    row = await Person.select(Person.department.as_alias("department_id"), Person.title, Person.title_level,
                              Person.title_assessed_on, Person.specialty, Person.phone).where(
        Person.id == principal.person_id).first()
    return row is not None and not missing_fields(row)


def _own_person(principal: Principal) -> int:
    if principal.person_id is None or not principal.has_any(Role.trainee):
        raise Forbidden("forbidden", "只有学员可以维护个人基本信息")
    return principal.person_id


async def get_profile(principal: Principal) -> dict:
    row = await Person.select(*_COLUMNS).where(Person.id == _own_person(principal)).first()
    if row is None:
        raise NotFound("person_not_found", "人员记录不存在")
    row = dict(row)
    row["missing"] = missing_fields(row)
    row["complete"] = not row["missing"]
    for key in ("birth_date", "title_assessed_on"):
        if isinstance(row[key], dt.date):
            row[key] = row[key].isoformat()
    return row


def _check(form: ProfileForm) -> ProfileForm:
    form.title, form.specialty, form.position = form.title.strip(), form.specialty.strip(), form.position.strip()
    form.phone = form.phone.strip()
    if not form.title:
        raise Invalid("title", "请填写当前职称（如住院医师、护师）")
    if form.title_level != TitleLevel.none.value and form.title_assessed_on is None:
        raise Invalid("title_assessed_on", "请填写职称评定时间")
    today = clock.today()
    if form.title_assessed_on is not None and not dt.date(1950, 1, 1) <= form.title_assessed_on <= today:
        raise Invalid("title_assessed_on", "职称评定时间不正确")
    if form.appointment_year is not None and not 1950 <= form.appointment_year <= today.year + 1:
        raise Invalid("appointment_year", "聘任年度不正确")
    if not form.specialty:
        raise Invalid("specialty", "请填写专业")
    if not _PHONE.match(form.phone):
        raise Invalid("phone", "请输入正确的 11 位手机号码")
    return form


async def update_profile(principal: Principal, form: ProfileForm) -> dict:
    person_id = _own_person(principal)
    form = _check(form)
    person = await Person.select(Person.unit, Person.department, Person.phone, Person.title, Person.title_level,
                                 Person.title_assessed_on, Person.status).where(Person.id == person_id).first()
    if person is None:
        raise NotFound("person_not_found", "人员记录不存在")
    await _check_department(form, person)
    if form.phone != person["phone"] and await Account.exists().where(
            (Account.phone == form.phone) & (Account.person != person_id)):
        raise Invalid("phone", "该手机号已被其他账号使用", code="phone_taken")
    moment = clock.now()
    title_changed = (form.title, form.title_level, form.title_assessed_on) != (
        person["title"], person["title_level"], person["title_assessed_on"])
    async with Person._meta.db.transaction():
        await Person.update({
            Person.department: form.department_id, Person.title: form.title,
            Person.title_level: form.title_level, Person.title_assessed_on: form.title_assessed_on,
            Person.appointment_year: form.appointment_year, Person.staffing: form.staffing,
            Person.phone: form.phone, Person.specialty: form.specialty, Person.position: form.position,
            Person.updated_at: moment,
        }).where(Person.id == person_id)
        # The phone is also the account's, for SMS recovery.
        await Account.update({Account.phone: form.phone}).where(Account.id == principal.account_id)
        if title_changed:
            # Like a department's edit (001 §2.2): the year's title history follows the change.
            await _record_year(person_id, moment.year, form, person)
        await audit.record("profile_update", principal=principal, target_type="person", target_id=person_id,
                           detail=f"本人维护基本信息（职称 {form.title}，手机 {mask_phone(form.phone)}）")
    return await get_profile(principal)


async def _check_department(form: ProfileForm, person: dict) -> None:
    """A trainee picks a department only if they have none; a transfer needs the unit's consent."""
    current = person["department"]
    if current is not None:
        if form.department_id not in (None, current):
            raise Invalid("department_id", "更换科室或单位请提交单位变更申请，由单位管理员确认")
        form.department_id = current
        return
    if form.department_id is None:
        raise Invalid("department_id", "请选择科室")
    if not await Department.exists().where((Department.id == form.department_id)
                                           & (Department.unit == person["unit"])
                                           & (Department.active == True)):
        raise Invalid("department_id", "科室不属于您所在的单位")


async def _record_year(person_id: int, year: int, form: ProfileForm, person: dict) -> None:
    values = {PersonYear.title: form.title, PersonYear.title_level: form.title_level,
              PersonYear.title_assessed_on: form.title_assessed_on}
    updated = await PersonYear.update(values).where(
        (PersonYear.person == person_id) & (PersonYear.year == year)).returning(PersonYear.id)
    if not updated:
        await PersonYear.insert(PersonYear(person=person_id, year=year, title=form.title,
                                           title_level=form.title_level, title_assessed_on=form.title_assessed_on,
                                           status=person["status"], unit=person["unit"], remark="本人维护"))
