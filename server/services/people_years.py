"""A person's title and status per year (seed 001 §2.2 人员状态/职称变更), one by one and in a batch.

Compliance reads the title level a person had in a year from these rows, so a
new status is a new year's row ("如果没有对应年度的人员状态，请添加不要修改"),
and a batch change first says how many people's results it touches. A change
of this year's row is also the person's current title/status (services/people.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import msgspec

from server.services import audit, people
from server.services.errors import Conflict, Invalid, NotFound, is_unique_violation
from server.services.principal import Principal
from server.tables import Person, PersonYear

MIN_YEAR = 1950
MAX_BATCH = 2000

_COLUMNS = (
    PersonYear.id, PersonYear.year, PersonYear.title, PersonYear.title_level, PersonYear.title_assessed_on,
    PersonYear.status, PersonYear.remark, PersonYear.unit.id.as_alias("unit_id"),
    PersonYear.unit.code.as_alias("unit_code"), PersonYear.unit.name.as_alias("unit_name"),
    PersonYear.unit.level.as_alias("unit_level"),
)
_FIELDS = ("title", "title_level", "title_assessed_on", "status", "remark")
_NOT_FOUND = ("year_not_found", "该年度的职称/状态记录不存在")


@dataclass(slots=True)
class YearForm:
    title: str
    title_level: str | None
    status: str
    title_assessed_on: dt.date | None = None
    remark: str = ""


class YearRead(msgspec.Struct, frozen=True):
    id: int
    year: int
    title: str
    title_level: str
    title_assessed_on: str | None
    status: str
    remark: str
    unit_id: int
    unit_code: str | None
    unit_name: str
    unit_level: str


def _read(row: dict) -> YearRead:
    row = dict(row)
    if isinstance(row.get("title_assessed_on"), dt.date):
        row["title_assessed_on"] = row["title_assessed_on"].isoformat()
    return msgspec.convert(row, YearRead)


def check_year(year: int) -> int:
    if not MIN_YEAR <= year <= people.this_year() + 1:
        raise Invalid("year", f"年度应在 {MIN_YEAR} 至 {people.this_year() + 1} 之间")
    return year


def _checked(form: YearForm) -> dict:
    title = form.title.strip()
    level = people.check_title(title, form.title_level)
    people.check_assessed_on(form.title_assessed_on)
    remark = form.remark.strip()
    if len(remark) > 200:
        raise Invalid("remark", "备注不能超过 200 字")
    return {"title": title, "title_level": level, "title_assessed_on": form.title_assessed_on,
            "status": form.status, "remark": remark}


async def list_years(principal: Principal, person_id: int) -> list[YearRead]:
    """The person's rows, newest year first (the person themself, or admins whose scope holds them)."""
    await people.get_person(principal, person_id)
    rows = await PersonYear.select(*_COLUMNS).where(PersonYear.person == person_id).order_by(
        PersonYear.year, ascending=False)
    return [_read(r) for r in rows]


async def _row(person_id: int, year: int) -> dict:
    """The year's row as stored (dates as dates), for checks and the change log."""
    row = await PersonYear.select(*_COLUMNS).where(
        (PersonYear.person == person_id) & (PersonYear.year == year)).first()
    if row is None:
        raise NotFound(*_NOT_FOUND)
    return row


async def add_year(principal: Principal, person_id: int, year: int, form: YearForm) -> YearRead:
    person = await people.writable_person(principal, person_id)
    values = _checked(form)
    check_year(year)
    if await PersonYear.exists().where((PersonYear.person == person_id) & (PersonYear.year == year)):
        raise _duplicate(year)
    try:
        async with PersonYear._meta.db.transaction():
            await PersonYear.insert(PersonYear(person=person_id, year=year, unit=person["unit"], **values))
            await people.follow_into_person(person_id, year, values)
            await audit.record("person_year_add", principal=principal, person_id=person_id,
                               detail=f"添加 {year} 年度职称/状态：{values['title']}，{values['status']}",
                               after={"year": year, **values})
    except Exception as error:
        if is_unique_violation(error):
            raise _duplicate(year) from error
        raise
    return _read(await _row(person_id, year))


def _duplicate(year: int) -> Conflict:
    return Conflict("duplicate", f"{year} 年度的记录已存在，请修改该年度的记录")


async def update_year(principal: Principal, person_id: int, year: int, form: YearForm) -> YearRead:
    await people.writable_person(principal, person_id)
    values = _checked(form)
    current = await _row(person_id, year)
    after = {k: v for k, v in values.items() if current[k] != v}
    if after:
        before = {k: current[k] for k in after}
        async with PersonYear._meta.db.transaction():
            guard = (PersonYear.person == person_id) & (PersonYear.year == year)
            for key, value in before.items():
                guard &= getattr(PersonYear, key) == value
            done = await PersonYear.update({getattr(PersonYear, k): v for k, v in after.items()}).where(
                guard).returning(PersonYear.id)
            if not done:
                raise Conflict("conflict", "该年度记录刚刚已被他人修改，请刷新后重试")
            await people.follow_into_person(person_id, year, after)
            await audit.record("person_year_update", principal=principal, person_id=person_id,
                               detail=f"修改 {year} 年度：" + people.summary(before, after),
                               before={"year": year, **before}, after={"year": year, **after})
    return _read(await _row(person_id, year))


async def delete_year(principal: Principal, person_id: int, year: int) -> None:
    await people.writable_person(principal, person_id)
    current = await _row(person_id, year)
    async with PersonYear._meta.db.transaction():
        done = await PersonYear.delete().where(PersonYear.id == current["id"]).returning(PersonYear.id)
        if not done:
            raise NotFound(*_NOT_FOUND)
        await audit.record("person_year_delete", principal=principal, person_id=person_id,
                           detail=f"删除 {year} 年度职称/状态：{current['title']}，{current['status']}",
                           before={"year": year, **{k: current[k] for k in _FIELDS}})


# -- batch (批量修改) ----------------------------------------------------------------


@dataclass(slots=True)
class BatchChange:
    ids: list[int]
    year: int
    title: str | None = None
    title_level: str | None = None
    status: str | None = None


@dataclass(slots=True)
class _Plan:
    """What a batch does to each person: their year row before, and the fields that change."""

    person_id: int
    unit_id: int
    row: dict | None
    after: dict


async def _plan(principal: Principal, change: BatchChange) -> list[_Plan]:
    if not change.ids:
        raise Invalid("ids", "请至少选择一人")
    if len(change.ids) > MAX_BATCH:
        raise Invalid("ids", f"一次最多修改 {MAX_BATCH} 人")
    check_year(change.year)
    values: dict = {}
    if change.title is not None:
        values["title"] = change.title.strip()
        values["title_level"] = people.check_title(values["title"], change.title_level)
    elif change.title_level is not None:
        values["title_level"] = change.title_level
    if change.status is not None:
        values["status"] = change.status
    if not values:
        raise Invalid("title", "请选择要修改的职称或人员状态")
    ids = sorted(set(change.ids))
    persons = await Person.select(Person.id, Person.unit, *(getattr(Person, k) for k in people.YEAR_FIELDS)).where(
        people.writable_where(principal)).where(Person.id.is_in(ids))
    if len(persons) != len(ids):
        # One person out of reach spoils the batch: nothing is written, and who it was stays unsaid.
        raise NotFound("person_not_found", "所选人员中有人不存在或不在您的管理范围内，未做任何修改")
    rows = {r["person"]: r for r in await PersonYear.select(
        PersonYear.person, *(getattr(PersonYear, k) for k in _FIELDS)).where(
        PersonYear.person.is_in(ids) & (PersonYear.year == change.year))}
    plans = []
    for person in persons:
        row = rows.get(person["id"])
        base = row or person
        after = {k: v for k, v in values.items() if base.get(k) != v}
        if row is None or after:
            plans.append(_Plan(person["id"], person["unit"], row, after if row else values))
    return plans


def _touches_compliance(plan: _Plan, base_level: str | None, base_status: str | None) -> bool:
    """Standards are chosen by the title level, and only active people are counted."""
    level, status = plan.after.get("title_level", base_level), plan.after.get("status", base_status)
    return level != base_level or status != base_status


class BatchPreview(msgspec.Struct, frozen=True):
    selected: int
    changed: int
    affected: int


async def preview(principal: Principal, change: BatchChange) -> BatchPreview:
    """How many of the selected people the batch changes, and how many of their 达标 results it moves."""
    plans = await _plan(principal, change)
    affected = 0
    if plans:
        current = {r["id"]: r for r in await Person.select(Person.id, Person.title_level, Person.status).where(
            Person.id.is_in([p.person_id for p in plans]))}
        for plan in plans:
            base = plan.row or current[plan.person_id]
            if _touches_compliance(plan, base["title_level"], base["status"]):
                affected += 1
    return BatchPreview(selected=len(set(change.ids)), changed=len(plans), affected=affected)


async def batch(principal: Principal, change: BatchChange) -> int:
    """Apply one title/status to the selected people's row of a year; all or nothing."""
    plans = await _plan(principal, change)
    year = change.year
    try:
        async with PersonYear._meta.db.transaction():
            for plan in plans:
                if plan.row is None:
                    current = await Person.select(*(getattr(Person, k) for k in people.YEAR_FIELDS)).where(
                        Person.id == plan.person_id).first()
                    values = {**current, **plan.after}
                    await PersonYear.insert(PersonYear(person=plan.person_id, year=year, unit=plan.unit_id,
                                                       remark="批量修改", **values))
                    before, after = {}, {k: values[k] for k in people.YEAR_FIELDS}
                else:
                    await PersonYear.update({getattr(PersonYear, k): v for k, v in plan.after.items()}).where(
                        (PersonYear.person == plan.person_id) & (PersonYear.year == year))
                    before, after = {k: plan.row[k] for k in plan.after}, plan.after
                await people.follow_into_person(plan.person_id, year, plan.after)
                await audit.record("person_year_batch", principal=principal, person_id=plan.person_id,
                                   detail=f"批量修改 {year} 年度：" + people.summary(before, after),
                                   before={"year": year, **before} if before else None,
                                   after={"year": year, **after})
    except Exception as error:
        if is_unique_violation(error):
            raise Conflict("conflict", "所选人员的年度记录刚刚已被他人修改，请重试") from error
        raise
    return len(plans)
