"""Dishonesty records (失信信息, seed 002 §3.4).

A region's admin records a person's dishonesty: the reason, the period, and the
credit records it concerns, which are revoked with that reason through the
credit transitions (services/credits.py), all in one transaction. During the
period the person cannot enrol in classes (services/classes.py) and their
certificates say so (services/certificates.py); the trainee sees the record on
失信信息. A record can be withdrawn (lifted) early, with a reason; the revoked
credits stay revoked (an effective record is never restored by a side door).
"""

from __future__ import annotations

import datetime as dt

import msgspec

from server.clock import now, today
from server.services import audit, credits, scope
from server.services.errors import Conflict, Forbidden, Invalid, NotFound
from server.services.principal import Principal
from server.services.results import Page
from server.tables import Credit, Dishonesty, DishonestyCredit, Person

_MAX_YEARS = 10
_COLUMNS = (
    Dishonesty.id, Dishonesty.person.as_alias("person_id"), Dishonesty.person.name.as_alias("person_name"),
    Dishonesty.person.unit.name.as_alias("unit_name"), Dishonesty.reason, Dishonesty.starts_on, Dishonesty.ends_on,
    Dishonesty.authority, Dishonesty.created_at, Dishonesty.withdrawn_at, Dishonesty.withdrawn_reason,
)


class LinkedCreditRead(msgspec.Struct, frozen=True):
    id: int
    title: str
    year: int
    hours: float
    credits: float
    status: str


class DishonestyRead(msgspec.Struct, frozen=True):
    id: int
    person_id: int
    person_name: str
    unit_name: str | None
    reason: str
    starts_on: str
    ends_on: str
    authority: str
    active: bool
    created_at: dt.datetime
    withdrawn_at: dt.datetime | None
    withdrawn_reason: str
    credits: list[LinkedCreditRead]


def active_where(day: dt.date):
    """WHERE on Dishonesty for records in force on ``day``."""
    return Dishonesty.withdrawn_at.is_null() & (Dishonesty.starts_on <= day) & (Dishonesty.ends_on >= day)


async def active(person_id: int, day: dt.date | None = None) -> dict | None:
    """The record in force for a person on ``day`` (today), the one ending last; None if there is none."""
    day = day or today()
    return await Dishonesty.select(Dishonesty.id, Dishonesty.reason, Dishonesty.starts_on, Dishonesty.ends_on,
                                   Dishonesty.authority).where(
        (Dishonesty.person == person_id) & active_where(day)).order_by(Dishonesty.ends_on, ascending=False).first()


async def _present(rows: list[dict]) -> list[DishonestyRead]:
    """Records selected with _COLUMNS, each with the credits it revoked."""
    ids = [r["id"] for r in rows]
    linked: dict[int, list[LinkedCreditRead]] = {i: [] for i in ids}
    if ids:
        for link in await DishonestyCredit.select(
                DishonestyCredit.dishonesty, DishonestyCredit.credit.as_alias("id"),
                DishonestyCredit.credit.title.as_alias("title"), DishonestyCredit.credit.year.as_alias("year"),
                DishonestyCredit.credit.hours.as_alias("hours"), DishonestyCredit.credit.credits.as_alias("credits"),
                DishonestyCredit.credit.status.as_alias("status")).where(DishonestyCredit.dishonesty.is_in(ids)):
            linked[link["dishonesty"]].append(LinkedCreditRead(
                id=link["id"], title=link["title"], year=link["year"], hours=float(link["hours"]),
                credits=float(link["credits"]), status=link["status"]))
    day = today()
    return [DishonestyRead(
        id=row["id"], person_id=row["person_id"], person_name=row["person_name"], unit_name=row["unit_name"],
        reason=row["reason"], starts_on=row["starts_on"].isoformat(), ends_on=row["ends_on"].isoformat(),
        authority=row["authority"], active=row["withdrawn_at"] is None and row["starts_on"] <= day <= row["ends_on"],
        created_at=row["created_at"], withdrawn_at=row["withdrawn_at"], withdrawn_reason=row["withdrawn_reason"],
        credits=linked.get(row["id"], [])) for row in rows]


async def mine(principal: Principal) -> Page[DishonestyRead]:
    """失信信息查看: the caller's own records, newest first."""
    if principal.person_id is None:
        return Page(items=[], total=0)
    rows = await Dishonesty.select(*_COLUMNS).where(Dishonesty.person == principal.person_id).order_by(
        Dishonesty.starts_on, ascending=False).order_by(Dishonesty.id, ascending=False)
    items = await _present(rows)
    return Page(items=items, total=len(items))


def _people_in_region(principal: Principal):  # type: ignore[no-untyped-def]
    where = scope.grants_where(principal, department=None, unit=None, region_code=Person.unit.region_code)
    if where is None:
        raise Forbidden("forbidden", "只有卫健委管理员可以管理失信信息")
    return where


async def list_records(principal: Principal, *, person_id: int | None, page: int,
                       page_size: int) -> Page[DishonestyRead]:
    """The records of people in the region admin's region."""
    where = _people_in_region(principal)
    clause = Dishonesty.person.is_in(Person.select(Person.id).where(where))
    if person_id is not None:
        clause = clause & (Dishonesty.person == person_id)
    rows = await Dishonesty.select(*_COLUMNS).where(clause).order_by(Dishonesty.id, ascending=False).limit(
        page_size).offset((page - 1) * page_size)
    return Page(items=await _present(rows), total=await Dishonesty.count().where(clause))


async def record(principal: Principal, *, person_id: int, reason: str, starts_on: dt.date, ends_on: dt.date,
                 credit_ids: list[int]) -> DishonestyRead:
    where = _people_in_region(principal)
    person = await Person.select(Person.id, Person.name, Person.unit.region_code.as_alias("region_code")).where(
        where).where(Person.id == person_id).first()
    if person is None:
        raise NotFound("person_not_found", "人员不存在或不在您的管辖范围内")
    reason = reason.strip()
    if not reason:
        raise Invalid("reason", "请填写失信原因")
    if ends_on < starts_on:
        raise Invalid("ends_on", "结束日期不能早于开始日期")
    if (ends_on - starts_on).days > 366 * _MAX_YEARS:
        raise Invalid("ends_on", f"惩戒期最长 {_MAX_YEARS} 年")
    credit_ids = list(dict.fromkeys(credit_ids))
    if credit_ids:
        own = {r["id"] for r in await Credit.select(Credit.id).where(
            Credit.id.is_in(credit_ids) & (Credit.person == person_id))}
        if missing := [c for c in credit_ids if c not in own]:
            raise Invalid("credit_ids", f"学分记录 {missing[0]} 不属于该人员", code="credit_not_found")
    grant = next((g for g in principal.grants
                  if g.region_prefix and person["region_code"].startswith(g.region_prefix)), None)
    authority = f"{grant.scope_name}卫生健康委员会" if grant else ""
    async with Dishonesty._meta.db.transaction():
        made = Dishonesty(person=person_id, reason=reason, starts_on=starts_on, ends_on=ends_on,
                          authority=authority, recorded_by=principal.account_id)
        await made.save()
        for credit_id in credit_ids:
            await DishonestyCredit.insert(DishonestyCredit(dishonesty=made.id, credit=credit_id))
            # Through the one transition: conditional on "effective", one event row, 409 otherwise
            # (and then nothing of this record is kept).
            await credits.transition(principal, credit_id, "dishonesty", f"失信：{reason}")
        await audit.record("dishonesty_record", principal=principal, target_type="person", target_id=person_id,
                           detail=f"记录失信信息（{starts_on.isoformat()} 至 {ends_on.isoformat()}）：{reason}")
    rows = await Dishonesty.select(*_COLUMNS).where(Dishonesty.id == made.id)
    return (await _present(rows))[0]


async def withdraw(principal: Principal, record_id: int, reason: str) -> DishonestyRead:
    """Lift a record early (the period ends now); what it revoked stays revoked."""
    where = _people_in_region(principal)
    reason = reason.strip()
    if not reason:
        raise Invalid("reason", "请填写撤销原因")
    row = await Dishonesty.select(Dishonesty.id, Dishonesty.person).where(
        (Dishonesty.id == record_id) & Dishonesty.person.is_in(Person.select(Person.id).where(where))).first()
    if row is None:
        raise NotFound("dishonesty_not_found", "失信记录不存在或无权查看")
    async with Dishonesty._meta.db.transaction():
        changed = await Dishonesty.update({Dishonesty.withdrawn_at: now(),
                                           Dishonesty.withdrawn_reason: reason}).where(
            (Dishonesty.id == record_id) & Dishonesty.withdrawn_at.is_null()).returning(Dishonesty.id)
        if not changed:
            raise Conflict("invalid_state", "该失信记录已撤销")
        await audit.record("dishonesty_withdraw", principal=principal, target_type="person", target_id=row["person"],
                           detail=f"撤销失信信息 #{record_id}：{reason}")
    rows = await Dishonesty.select(*_COLUMNS).where(Dishonesty.id == record_id)
    return (await _present(rows))[0]
