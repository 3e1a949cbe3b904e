"""Binding to another unit (与法人单位绑定, seed 002 §3.2.1): the trainee asks, the new unit confirms.

A trainee who moves to another hospital (or department) asks to be bound to
it; the target unit's admin approves, which moves the person and records the
move in the year's history, or rejects with a reason. One request may be
pending per person. As with registrations, every state change is a
conditional UPDATE, so of two reviewers one wins and the other gets 409.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from server.clock import now
from server.services import audit, batch, profile
from server.services.errors import Conflict, Forbidden, Invalid, NotFound
from server.services.masking import mask_id_number, mask_phone
from server.services.principal import Principal
from server.services.results import BatchResult, Page
from server.tables import BindingRequest, Department, Person, PersonYear, Unit
from server.tables.enums import RegistrationStatus, Role

S = RegistrationStatus
B = BindingRequest

_COLUMNS = (
    B.id, B.person.id.as_alias("person_id"), B.person.name.as_alias("name"),
    B.person.id_number.as_alias("id_number"), B.person.phone.as_alias("phone"),
    B.from_unit.name.as_alias("from_unit_name"), B.from_department.name.as_alias("from_department_name"),
    B.unit.id.as_alias("unit_id"), B.unit.name.as_alias("unit_name"),
    B.department.id.as_alias("department_id"), B.department.name.as_alias("department_name"),
    B.status, B.reason, B.created_at, B.updated_at,
)


class BindingRequestRead(msgspec.Struct, frozen=True):
    id: int
    person_id: int
    name: str
    id_number: str
    phone: str
    from_unit_name: str
    from_department_name: str | None
    unit_id: int
    unit_name: str
    department_id: int
    department_name: str
    status: str
    reason: str
    created_at: str
    updated_at: str


class BindingStatusRead(msgspec.Struct, frozen=True):
    id: int
    status: str


def _read(row: dict, *, reveal: bool) -> BindingRequestRead:
    row = dict(row)
    if not reveal:
        row["id_number"] = mask_id_number(row["id_number"])
        row["phone"] = mask_phone(row["phone"])
    for key in ("created_at", "updated_at"):
        row[key] = row[key].isoformat()
    return msgspec.convert(row, BindingRequestRead)


def _own_person(principal: Principal) -> int:
    if principal.person_id is None or not principal.has_any(Role.trainee):
        raise Forbidden("forbidden", "只有学员可以申请变更单位")
    return principal.person_id


async def request(principal: Principal, unit_id: int, department_id: int) -> BindingRequestRead:
    person_id = _own_person(principal)
    # 002 §3.2.1: the basic profile comes first; the new unit reviews a complete record.
    if not await profile.is_complete(principal):
        raise Forbidden("profile_incomplete", "请先完善个人基本信息后再申请变更单位")
    if not await Unit.exists().where((Unit.id == unit_id) & (Unit.active == True)):
        raise Invalid("unit_id", "单位不存在")
    if not await Department.exists().where((Department.id == department_id) & (Department.unit == unit_id)
                                           & (Department.active == True)):
        raise Invalid("department_id", "科室不属于所选单位")
    person = await Person.select(Person.unit, Person.department).where(Person.id == person_id).first()
    if person is None:
        raise NotFound("person_not_found", "人员记录不存在")
    if (person["unit"], person["department"]) == (unit_id, department_id):
        raise Invalid("department_id", "您已在该单位和科室，无需变更")
    moment = now()
    async with B._meta.db.transaction():
        # Touching the person first locks its row (PostgreSQL), so two requests
        # sent at once queue here and the second sees the first as pending.
        await Person.update({Person.updated_at: moment}).where(Person.id == person_id)
        if await B.exists().where((B.person == person_id) & (B.status == S.pending.value)):
            raise Conflict("pending_exists", "您已有一条待审核的变更申请，请等待单位处理")
        row = B(person=person_id, from_unit=person["unit"], from_department=person["department"], unit=unit_id,
                department=department_id, status=S.pending, created_at=moment, updated_at=moment)
        await row.save()
        await audit.record("binding_request", principal=principal, target_type="binding_request",
                           target_id=row.id, detail=f"申请变更至单位 {unit_id} 科室 {department_id}")
    return await _one(row.id, reveal=True)


async def _one(request_id: int, *, reveal: bool) -> BindingRequestRead:
    row = await B.select(*_COLUMNS).where(B.id == request_id).first()
    return _read(row, reveal=reveal)


async def mine(principal: Principal) -> list[BindingRequestRead]:
    rows = await B.select(*_COLUMNS).where(B.person == _own_person(principal)).order_by(
        B.created_at, ascending=False).order_by(B.id, ascending=False)
    return [_read(r, reveal=True) for r in rows]


def _units(principal: Principal) -> list[int]:
    units = sorted(principal.unit_ids())
    if not units:
        raise Forbidden("forbidden", "只有单位管理员可以审核单位变更申请")
    return units


async def queue(principal: Principal, *, status: RegistrationStatus | None, page: int,
                page_size: int) -> Page[BindingRequestRead]:
    clauses = [B.unit.is_in(_units(principal))]
    if status is not None:
        clauses.append(B.status == status.value)
    query, count = B.select(*_COLUMNS), B.count()
    for clause in clauses:
        query, count = query.where(clause), count.where(clause)
    rows = await query.order_by(B.created_at).order_by(B.id).limit(page_size).offset((page - 1) * page_size)
    return Page(items=[_read(r, reveal=False) for r in rows], total=await count)


async def _reviewable(principal: Principal, request_id: int) -> dict:
    row = await B.select(B.id, B.status, B.person, B.unit, B.department, B.unit.name.as_alias("unit_name"),
                         B.department.name.as_alias("department_name"),
                         B.person.name.as_alias("name")).where(
        (B.id == request_id) & B.unit.is_in(_units(principal))).first()
    if row is None:
        raise NotFound("binding_request_not_found", "变更申请不存在或不在您的管理范围内")
    return row


async def review(principal: Principal, request_id: int, action: str, reason: str = "") -> BindingStatusRead:
    reason = reason.strip()
    if action == "reject" and not reason:
        raise Invalid("reason", "请填写不通过的原因")
    row = await _reviewable(principal, request_id)
    if row["status"] != S.pending.value:
        raise Conflict("invalid_state", "该申请不在待审核状态")
    to = S.approved if action == "approve" else S.rejected
    moment = now()
    async with B._meta.db.transaction():
        changed = await B.update({
            B.status: to, B.reason: reason if to == S.rejected else "", B.reviewed_by: principal.account_id,
            B.reviewed_at: moment, B.updated_at: moment,
        }).where((B.id == request_id) & (B.status == S.pending.value)).returning(B.id)
        if not changed:
            raise Conflict("invalid_state", "该申请刚刚已被他人处理，请刷新")
        if to == S.approved:
            await _move(row, moment)
        word = "审核通过" if to == S.approved else f"审核不通过：{reason}"
        await audit.record(f"binding_{action}", principal=principal, target_type="binding_request",
                           target_id=request_id, person_id=row["person"] if to == S.approved else None,
                           detail=f"{row['name']} 变更至 {row['unit_name']} / {row['department_name']} {word}")
    return BindingStatusRead(id=request_id, status=to.value)


async def _move(row: dict, moment: dt.datetime) -> None:
    """Bind the person to the new unit, and let this year's history say where they are now."""
    person_id = row["person"]
    await Person.update({Person.unit: row["unit"], Person.department: row["department"],
                         Person.updated_at: moment}).where(Person.id == person_id)
    remark = f"单位变更至{row['unit_name']}"
    updated = await PersonYear.update({PersonYear.unit: row["unit"], PersonYear.remark: remark}).where(
        (PersonYear.person == person_id) & (PersonYear.year == moment.year)).returning(PersonYear.id)
    if not updated:
        person = await Person.select(Person.title, Person.title_level, Person.title_assessed_on,
                                     Person.status).where(Person.id == person_id).first()
        await PersonYear.insert(PersonYear(person=person_id, year=moment.year, unit=row["unit"], remark=remark,
                                           **person))


async def review_many(principal: Principal, ids: list[int], action: str, reason: str = "") -> list[BatchResult]:
    """Each request on its own, so one conflict doesn't undo the others."""
    if action == "reject" and not reason.strip():
        raise Invalid("reason", "请填写不通过的原因")
    _units(principal)
    return await batch.one_by_one(ids, lambda request_id: review(principal, request_id, action, reason),
                                  per_record=(Conflict, NotFound))
