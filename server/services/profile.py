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

import msgspec

from server import clock
from server.services import archive
from server.services.errors import Forbidden, Invalid, NotFound
from server.services.principal import Principal
from server.services.masking import mask_id_number
from server.tables import Account, Department, Person
from server.tables.enums import Role, TitleLevel

_PHONE = re.compile(r"^1[3-9]\d{9}$")
# What the trainee keeps about themselves (the archive's basic section).
_BASIC = ("department_id", "title", "title_level", "title_assessed_on", "appointment_year", "staffing", "phone",
          "specialty", "position")

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


class ProfileRead(msgspec.Struct, frozen=True):
    id: int
    name: str
    sex: str
    birth_date: str | None
    id_number: str
    person_no: str
    unit_id: int
    unit_name: str
    department_id: int | None
    department_name: str | None
    title: str
    title_level: str
    title_assessed_on: str | None
    appointment_year: int | None
    staffing: str
    status: str
    phone: str
    specialty: str
    position: str
    complete: bool
    missing: list[str]
    # The saved basic information waiting for the unit's approval (technical archive), if any.
    pending_change: dict | None = None


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
    if row is None:
        return False
    # Saved and waiting for the unit (000 §7.1 请等待审核) lets the trainee in meanwhile.
    return not missing_fields(row) or await archive.pending_basic(principal.person_id) is not None


def _own_person(principal: Principal) -> int:
    if principal.person_id is None or not principal.has_any(Role.trainee):
        raise Forbidden("forbidden", "只有学员可以维护个人基本信息")
    return principal.person_id


async def get_profile(principal: Principal) -> ProfileRead:
    row = await Person.select(*_COLUMNS).where(Person.id == _own_person(principal)).first()
    if row is None:
        raise NotFound("person_not_found", "人员记录不存在")
    row = dict(row)
    row["missing"] = missing_fields(row)
    row["pending_change"] = await archive.pending_basic(row["id"])
    row["complete"] = not row["missing"] or row["pending_change"] is not None
    row["id_number"] = mask_id_number(row["id_number"])  # like everywhere else, for its owner too
    for key in ("birth_date", "title_assessed_on"):
        if isinstance(row[key], dt.date):
            row[key] = row[key].isoformat()
    return msgspec.convert(row, ProfileRead)


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


async def update_profile(principal: Principal, form: ProfileForm) -> ProfileRead:
    """The trainee's basic information goes to the unit for approval (seed 000 §7.1: 请等待审核)."""
    person_id = _own_person(principal)
    form = _check(form)
    person = await Person.select(Person.unit, Person.department, *(getattr(Person, k) for k in _BASIC[1:])).where(
        Person.id == person_id).first()
    if person is None:
        raise NotFound("person_not_found", "人员记录不存在")
    await _check_department(form, person)
    if form.phone != person["phone"] and await Account.exists().where(
            (Account.phone == form.phone) & (Account.person != person_id)):
        raise Invalid("phone", "该手机号已被其他账号使用", code="phone_taken")
    current = {"department_id": person["department"], **{k: person[k] for k in _BASIC[1:]}}
    wanted = {k: getattr(form, k) for k in _BASIC}
    if wanted != current:
        plain = lambda values: {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()}  # noqa: E731
        await archive.submit(principal, person_id, "basic", "update", before=plain(current), after=plain(wanted))
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
