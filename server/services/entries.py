"""Personal credit entries (seed 001 §5.2, 000 §6.3) and corrections of records not yet effective (001 §5.1).

A trainee declares an activity under a catalogue rule; the server computes the
credits. The record then goes through the same two-level review as every
other credit (services/credits.py). Until a record is effective it may still
change: the owner edits or deletes their own entry while it is a draft,
waiting for the department or returned; the department and unit admins
correct any record of theirs that is not yet effective, with a reason. Every
change is one transaction with a credit_event row and an audit row.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

import msgspec

from server import db
from server.clock import now, today
from server.services import audit, credits, ledger, media, rules, scope
from server.services.errors import Conflict, Forbidden, Invalid, NotFound, is_unique_violation
from server.services.principal import Principal
from server.services.results import StatusRead
from server.settings import Settings
from server.tables import Credit, CreditEvent, Evidence, Person
from server.tables.enums import CreditCategory, CreditClass, CreditSource, CreditStatus, PersonStatus

S = CreditStatus
OWNER_CHANGEABLE = {S.draft.value, S.pending_dept.value, S.returned.value}
# DESIGN: "Only pending or returned records can be edited or deleted" (and drafts, by their author).
ADMIN_CHANGEABLE = OWNER_CHANGEABLE | {S.pending_unit.value}
SUBMITTABLE = {S.draft.value, S.returned.value}
# Statuses that no longer count towards the per-day hour limit or block a re-entry.
_DEAD = (S.rejected.value, S.revoked.value)


@dataclass(slots=True)
class Declaration:
    """What the trainee declares; ``None`` fields are left as they are on update."""

    rule_code: str | None = None
    quantity: Decimal | None = None
    activity_date: dt.date | None = None
    title: str | None = None
    author_position: int | None = None
    project_no: str | None = None
    organiser: str | None = None
    given: set[str] = field(default_factory=set)


def dedupe_key(person_id: int, rule_code: str, day: dt.date, title: str) -> str:
    """One entry per person, rule, date and title; titles compared without case or spacing."""
    normal = re.sub(r"\s+", "", title).casefold()
    return f"personal:{person_id}:{rule_code}:{day.isoformat()}:{normal}"[:300]


# -- who may do what -----------------------------------------------------------


async def _target_person(principal: Principal, person_id: int | None) -> dict:
    columns = (Person.id, Person.unit, Person.department, Person.status, Person.name)
    if person_id is None or person_id == principal.person_id:
        if principal.person_id is None:
            raise Forbidden("no_person", "当前账号未关联人员档案，不能录入个人学分")
        return await Person.select(*columns).where(Person.id == principal.person_id).first()
    # On behalf of someone (001 §5.2 "被授权的科室…也可以录入"): their department or unit admin
    # (a region's admin oversees, but does not enter).
    where = scope.grants_where(principal, department=Person.department, unit=Person.unit, region_code=None)
    row = None
    if where is not None:
        row = await Person.select(*columns).where(where).where(Person.id == person_id).first()
    if row is None:
        raise NotFound("person_not_found", "人员不存在或不在您的管理范围内")
    return row


def _admin_over(principal: Principal, department_id: int | None, unit_id: int) -> bool:
    """Whether the caller reviews records of this department and unit."""
    return department_id in principal.department_ids() or unit_id in principal.unit_ids()


async def load_for_change(principal: Principal, credit_id: int, *, resubmitting: bool = False) -> dict:
    """The credit row if the caller may still change it (edit, delete, add or remove evidence).

    NotFound when the caller can't see it, Forbidden when they see it but it
    isn't theirs to change, Conflict when its state no longer allows changes.
    ``resubmitting``: the trainee sending a returned record of a training back
    (only that: a check-in's record is never edited by its owner).
    """
    where = credits.visible_where(principal)
    row = None
    if where is not None:
        row = await Credit.select(
            Credit.id, Credit.person, Credit.unit, Credit.department, Credit.status, Credit.source,
            Credit.created_by, Credit.title, Credit.rule_code, Credit.activity_date, Credit.credits, Credit.hours,
            Credit.quantity, Credit.author_position, Credit.project_no, Credit.organiser, Credit.year,
            Credit.training, Credit.rule,
        ).where(where).where(Credit.id == credit_id).first()
    if row is None:
        raise NotFound("credit_not_found", "学分记录不存在或无权查看")
    row["as_admin"] = _admin_over(principal, row["department"], row["unit"])
    verdict = may_change(principal, person_id=row["person"], department_id=row["department"], unit_id=row["unit"],
                         source=row["source"], status=row["status"], resubmitting=resubmitting)
    if verdict == "not_yours":
        raise Forbidden("forbidden", "您不能修改这条学分记录")
    if verdict == "wrong_state":
        word = credits.state_word(row["status"])
        raise Conflict("invalid_state", f"学分记录当前为“{word}”，已不能修改或删除")
    return row


Verdict = Literal["ok", "not_yours", "wrong_state"]


def may_change(principal: Principal, *, person_id: int | None, department_id: int | None, unit_id: int,
               source: str, status: str, resubmitting: bool = False) -> Verdict:
    """Who may change a record in which state: the one rule behind load_for_change and editable.

    A reviewer of its department or unit may change it while it is a draft, waits for either
    review or was returned; its owner, a personal entry only, while it is a draft, waits for
    the department or was returned; the owner of a returned record of another source (a
    training's) may only send it back (``resubmitting``).
    """
    if _admin_over(principal, department_id, unit_id):
        allowed = ADMIN_CHANGEABLE
    elif person_id == principal.person_id and source == CreditSource.personal.value:
        allowed = OWNER_CHANGEABLE
    elif resubmitting and person_id == principal.person_id:
        allowed = {S.returned.value}
    else:
        return "not_yours"
    return "ok" if status in allowed else "wrong_state"


def editable(principal: Principal, row: dict) -> bool:
    """Whether the caller may change a ledger row (the page's 修改 button): may_change, no query."""
    return may_change(principal, person_id=row["person_id"], department_id=row["department_id"],
                      unit_id=row["unit_id"], source=row["source"], status=row["status"]) == "ok"


# -- the declaration -------------------------------------------------------------


def _clean(text: str | None, name: str, label: str, *, required: bool, most: int) -> str:
    value = (text or "").strip()
    if required and not value:
        raise Invalid(name, f"请填写{label}")
    if len(value) > most:
        raise Invalid(name, f"{label}不能超过 {most} 个字")
    return value


@dataclass(frozen=True, slots=True)
class Assessed:
    """A validated declaration: the Credit values, and the per-day hour limit its rule sets (or None).

    The day's limit is checked by :func:`_within_daily_limit` inside the writing
    transaction, under the person's row lock: checked before it, ten parallel
    3-hour entries all saw an empty day.
    """

    values: dict
    daily_limit: Decimal | None


async def _assess(person: dict, d: Declaration) -> Assessed:
    """Validate a complete declaration for ``person`` and compute its credits."""
    if d.activity_date is None:
        raise Invalid("activity_date", "请填写活动日期")
    if d.activity_date > today():
        raise Invalid("activity_date", "活动日期不能晚于今天")
    if d.activity_date.year < 2000:
        raise Invalid("activity_date", "活动日期不正确")
    title = _clean(d.title, "title", "项目名称", required=True, most=200)
    code = _clean(d.rule_code, "rule_code", "学分规则", required=True, most=40)
    rule = await rules.rule_for_person(code, d.activity_date.year, person["unit"])
    quantity = rules.validate_declaration(rule, d.quantity, d.author_position)
    award = rules.compute(rule, quantity, d.author_position)
    daily = Decimal(rule["daily_limit"]) if rule["daily_limit"] is not None else None
    return Assessed(daily_limit=daily, values={
        Credit.year: d.activity_date.year,
        Credit.activity_date: d.activity_date,
        Credit.credit_class: rule["credit_class"],
        Credit.category: rule["category"],
        Credit.rule_code: rule["code"],
        Credit.rule: rule["id"],
        Credit.title: title,
        Credit.quantity: quantity,
        Credit.author_position: d.author_position if rule["unit"] == "authorship" else None,
        Credit.project_no: _clean(d.project_no, "project_no", "项目编号", required=False, most=50),
        Credit.organiser: _clean(d.organiser, "organiser", "举办单位", required=False, most=100),
        Credit.credits: award.credits,
        Credit.hours: award.hours,
        Credit.dedupe_key: dedupe_key(person["id"], rule["code"], d.activity_date, title),
    })


async def _within_daily_limit(person_id: int, assessed: Assessed, exclude_id: int | None = None) -> None:
    """Seed 004 §5: at most the rule's hours per training day, across all such entries of the day.

    Call inside the transaction that writes the entry: it locks the person's row
    first, so two entries of one person are counted one after the other.
    """
    if assessed.daily_limit is None:
        return
    await db.lock_row(Person, person_id)
    day, quantity, limit = assessed.values[Credit.activity_date], assessed.values[Credit.quantity], assessed.daily_limit
    query = Credit.select(Credit.quantity).where(
        (Credit.person == person_id) & (Credit.activity_date == day) & Credit.status.not_in(list(_DEAD))
        & (Credit.source == CreditSource.personal.value) & Credit.rule.daily_limit.is_not_null())
    if exclude_id is not None:
        query = query.where(Credit.id != exclude_id)
    used = sum((Decimal(r["quantity"] or 0) for r in await query), Decimal(0))
    if used + quantity > limit:
        left = max(limit - used, Decimal(0))
        raise Invalid("quantity", f"每个培训日最多申报 {rules.number_text(limit)} 学时，当天还可申报 {rules.number_text(left)} 学时",
                      code="daily_limit")


def _duplicate() -> Conflict:
    return Conflict("duplicate", "已录入过相同规则、日期和名称的学分")


async def _check_not_duplicate(key: str, exclude_id: int | None = None) -> None:
    query = Credit.select(Credit.id).where(Credit.dedupe_key == key)
    if exclude_id is not None:
        query = query.where(Credit.id != exclude_id)
    if await query.first():
        raise _duplicate()


class EntryCreated(msgspec.Struct, frozen=True):
    id: int
    status: str
    credits: float


async def create(principal: Principal, d: Declaration, *, draft: bool, person_id: int | None) -> EntryCreated:
    person = await _target_person(principal, person_id)
    if person["status"] != PersonStatus.active.value:
        raise Conflict("person_inactive", f"{person['name']}当前人员状态为“{person['status']}”，不能录入学分")
    assessed = await _assess(person, d)
    values = assessed.values
    on_behalf = person["id"] != principal.person_id
    # Entered by the department, the department's review is already done: it waits for the unit.
    status = S.draft if draft else (S.pending_unit if on_behalf else S.pending_dept)
    await _check_not_duplicate(values[Credit.dedupe_key])
    v = {col._meta.name: value for col, value in values.items()}
    new = ledger.NewCredit(
        person_id=person["id"], unit_id=person["unit"], department_id=person["department"], year=v["year"],
        activity_date=v["activity_date"], credit_class=CreditClass(v["credit_class"]),
        category=CreditCategory(v["category"]), title=v["title"], credits=v["credits"], hours=v["hours"],
        source=CreditSource.personal, status=status, created_by=principal.account_id, ip=principal.ip,
        dedupe_key=v["dedupe_key"], rule_id=v["rule"], rule_code=v["rule_code"], quantity=v["quantity"],
        author_position=v["author_position"], project_no=v["project_no"], organiser=v["organiser"])
    engine = Credit._meta.db
    async with engine.transaction():
        await _within_daily_limit(person["id"], assessed)
        born = await db.run_write(engine, ledger.create(new))
        if born is None:  # entered twice at once: the unique key decided
            raise _duplicate()
        if on_behalf:
            await audit.record("credit_enter", principal=principal, target_type="credit", target_id=born.id,
                               detail=f"代{person['name']}录入学分《{new.title}》{rules.number_text(new.credits)} 分")
    return EntryCreated(id=born.id, status=status.value, credits=float(born.credits))


# -- changes ---------------------------------------------------------------------


def _describe(before: dict, after: dict) -> str:
    labels = {"title": "名称", "activity_date": "日期", "quantity": "数量", "author_position": "作者位次",
              "credits": "学分", "hours": "学时", "rule_code": "规则", "project_no": "项目编号", "organiser": "举办单位"}
    parts = []
    for key, label in labels.items():
        if key in after and str(before.get(key)) != str(after[key]):
            parts.append(f"{label} {_show(before.get(key))}→{_show(after[key])}")
    return "；".join(parts) or "未改动内容"


def _show(value) -> str:
    if isinstance(value, Decimal):
        return rules.number_text(value)
    return "" if value is None else str(value)


async def update(principal: Principal, credit_id: int, d: Declaration, *, new_credits: Decimal | None,
                 new_hours: Decimal | None, reason: str) -> credits.CreditDetailRead:
    row = await load_for_change(principal, credit_id)
    reason = reason.strip()
    if row["as_admin"] and row["person"] != principal.person_id and not reason:
        raise Invalid("reason", "修改他人的学分记录须填写原因")
    if row["source"] == CreditSource.personal.value:
        if new_credits is not None or new_hours is not None:
            # Personal entries are computed from the rule; nobody types their credits.
            raise Invalid("credits", "个人录入的学分由规则计算，请修改数量")
        merged = Declaration(
            rule_code=d.rule_code if "rule_code" in d.given else row["rule_code"],
            quantity=d.quantity if "quantity" in d.given else row["quantity"],
            activity_date=d.activity_date if "activity_date" in d.given else row["activity_date"],
            title=d.title if "title" in d.given else row["title"],
            author_position=d.author_position if "author_position" in d.given else row["author_position"],
            project_no=d.project_no if "project_no" in d.given else row["project_no"],
            organiser=d.organiser if "organiser" in d.given else row["organiser"],
        )
        person = {"id": row["person"], "unit": row["unit"]}
        assessed = await _assess(person, merged)
        values = assessed.values
        await _check_not_duplicate(values[Credit.dedupe_key], exclude_id=credit_id)
    else:
        assessed = None
        if d.given - {"title"}:
            raise Invalid(sorted(d.given - {"title"})[0], "培训、授课学分只能修改学分、学时和名称")
        values = {}
        if new_credits is not None:
            values[Credit.credits] = _amount(new_credits, "credits")
        if new_hours is not None:
            values[Credit.hours] = _amount(new_hours, "hours")
        if "title" in d.given:
            values[Credit.title] = _clean(d.title, "title", "名称", required=True, most=200)
    after = {col._meta.name: v for col, v in values.items()}
    change = _describe(row, after)
    moment = now()
    values[Credit.updated_at] = moment
    try:
        async with Credit._meta.db.transaction():
            if assessed is not None:
                await _within_daily_limit(row["person"], assessed, exclude_id=credit_id)
            changed = await Credit.update(values).where(
                (Credit.id == credit_id) & (Credit.status == row["status"])).returning(Credit.id)
            if not changed:
                raise Conflict("invalid_state", "该记录刚刚已被他人处理，请刷新")
            note = change + (f"（{reason}）" if reason else "")
            await CreditEvent.insert(CreditEvent(credit=credit_id, at=moment, account=principal.account_id,
                                                 from_status=row["status"], to_status=row["status"],
                                                 reason=f"修改：{note}"[:1000], ip=principal.ip[:64]))
            await audit.record("credit_update", principal=principal, target_type="credit", target_id=credit_id,
                               detail=f"修改学分《{row['title']}》：{note}")
    except Exception as error:
        if is_unique_violation(error):
            raise _duplicate() from error
        raise
    return await credits.get_credit(principal, credit_id)


def _amount(value: Decimal, name: str) -> Decimal:
    if value < 0 or value > 999:
        raise Invalid(name, "数值应在 0–999 之间")
    if value != value.quantize(rules.CENT):
        raise Invalid(name, "最多保留两位小数")
    return value


async def stored_files(credit_id: int) -> list[str]:
    """Every stored file of a record: read before deleting the record, unlinked after
    (``await media.store(settings).remove(keys)``) once the rows are gone."""
    rows = await Evidence.select(Evidence.storage_key, Evidence.thumb_key).where(Evidence.credit == credit_id)
    return [key for r in rows for key in (r["storage_key"], r["thumb_key"]) if key]


async def delete(principal: Principal, credit_id: int, reason: str, *, settings: Settings) -> None:
    row = await load_for_change(principal, credit_id)
    reason = reason.strip()
    if row["as_admin"] and row["person"] != principal.person_id and not reason:
        raise Invalid("reason", "删除他人的学分记录须填写原因")
    files = await stored_files(credit_id)
    async with Credit._meta.db.transaction():
        deleted = await Credit.delete().where(
            (Credit.id == credit_id) & (Credit.status == row["status"])).returning(Credit.id)
        if not deleted:
            raise Conflict("invalid_state", "该记录刚刚已被他人处理，请刷新")
        # The record is gone, so the audit row keeps what it said.
        await audit.record("credit_delete", principal=principal, target_type="credit", target_id=credit_id,
                           detail=f"删除学分《{row['title']}》{rules.number_text(row['credits'])} 分，"
                                  f"日期 {row['activity_date']}，状态 {credits.state_word(row['status'])}"
                                  + (f"：{reason}" if reason else ""))
    await media.store(settings).remove(files)


async def submit(principal: Principal, credit_id: int, note: str = "") -> StatusRead:
    """Send a draft or returned record (back) to review; ``note`` says what changed.

    A returned record of a training (a check-in the department sent back) has
    nothing its owner may edit, so they send it back with a note that explains
    it (e.g. "签到时手机没电，由讲者补签"): otherwise it would sit there for ever.
    """
    note = note.strip()
    row = await load_for_change(principal, credit_id, resubmitting=True)
    if row["status"] not in SUBMITTABLE:
        raise Conflict("invalid_state", f"学分记录当前为“{credits.state_word(row['status'])}”，无需上报")
    if row["source"] != CreditSource.personal.value and row["person"] == principal.person_id and not note:
        raise Invalid("note", "请说明情况后再重新上报（例如签到异常的原因）")
    rule = await rules.get_rule(row["rule"]) if row.get("rule") else None
    if rule is None and row["rule_code"]:
        rule = await rules.rule_for_person(row["rule_code"], row["year"], row["unit"])
    if rule and rule["evidence_required"] and not await Evidence.exists().where(Evidence.credit == credit_id):
        raise Conflict("evidence_required", "该类学分须上传证明材料后才能上报")
    # Sent on by an admin for someone else, the department's review is done.
    to = S.pending_unit if row["as_admin"] and row["person"] != principal.person_id else S.pending_dept
    moment = now()
    async with Credit._meta.db.transaction():
        if rule and rule["evidence_required"]:
            # Again under the row lock that deleting a file takes: not the last file's last moment.
            await db.lock_row(Credit, credit_id)
            if not await Evidence.exists().where(Evidence.credit == credit_id):
                raise Conflict("evidence_required", "该类学分须上传证明材料后才能上报")
        changed = await Credit.update({Credit.status: to, Credit.updated_at: moment, Credit.reason: ""}).where(
            (Credit.id == credit_id) & (Credit.status == row["status"])).returning(Credit.id)
        if not changed:
            raise Conflict("invalid_state", "该记录刚刚已被他人处理，请刷新")
        await CreditEvent.insert(CreditEvent(credit=credit_id, at=moment, account=principal.account_id,
                                             from_status=row["status"], to_status=to,
                                             reason=(f"重新上报：{note}" if note else "上报")[:1000],
                                             ip=principal.ip[:64]))
    return StatusRead(id=credit_id, status=to.value)
