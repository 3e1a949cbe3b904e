"""At-risk reminders: a notice on the trainee's home screen and its text message, at most one a week.

A department or unit admin reminds people in their scope who do not yet pass
the year (``statistics.needs`` says what each still needs); ``jijiao remind``
does it weekly for every region whose reminder season has begun and sends
each admin a digest of their at-risk people. A person is reminded at most
once a week (Monday to Sunday, China time): the ``reminder`` row's unique
(person, week) index decides, so two admins clicking at once send one; an
admin's digest likewise (``reminder_digest``). The notice is the one of
``services/notices.py`` (the home card, the tab dot), made in the same
transaction, and its SMS goes out through that outbox once the request is
answered. Each reminder is logged as its row (who, when, what it said) and in
the audit log.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field

import msgspec

from server import db
from server import clock
from server.services import audit, batch, notices, scope, sms, standards
from server.services.certificates import fmt
from server.services.errors import Conflict, Forbidden, Invalid, NotFound
from server.services.principal import Principal
from server.services.results import BatchResult, Page
from server.sqlprog import Program
from server.tables import Notice, Person, Region, Reminder, ReminderSetting, RoleGrant, Unit
from server.tables.enums import NoticeKind, ReminderSms, Role

log = logging.getLogger("jijiao.reminders")

_MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


class Reminded(msgspec.Struct, frozen=True):
    """One person reminded (``id`` is the person's, as a batch reports it) and what became of the SMS."""

    id: int
    status: str
    sms: str


class ReminderRead(msgspec.Struct, frozen=True):
    id: int
    person_id: int
    person_name: str
    year: int
    sent_at: dt.datetime
    sent_by_name: str | None
    text: str
    sms: str


class ReminderSettingRead(msgspec.Struct, frozen=True):
    region_code: str
    region_name: str
    starts_on: str
    enabled: bool


class ReminderSettingList(msgspec.Struct, frozen=True):
    items: list[ReminderSettingRead]


def week_of(moment: dt.datetime) -> dt.date:
    """Monday of the China-time week ``moment`` falls in: the unit of "once a week"."""
    day = clock.china_date(moment)
    return day - dt.timedelta(days=day.weekday())


def gap_words(lines: list[dict]) -> str:
    """"I类学分 ≥ 10（已获 4）、公需科目学时 ≥ 30（已获 12）" for the unmet lines."""
    return "、".join(f"{standards.line_words(line['measure'], line['category'], line['required'])}"
                    f"（已获 {fmt(float(line['earned']))}）" for line in lines)


def reminder_text(name: str, year: int, lines: list[dict]) -> str:
    return (f"【继教】{name}您好：您 {year} 年度继续医学教育尚未达标，还需满足：{gap_words(lines)}。"
            "请在年底前完成，详情请登录继教查看。")


# -- sending -------------------------------------------------------------------------


_ACCOUNT_OF_PERSON = """
SELECT a.id AS account_id, COALESCE(NULLIF(a.phone, ''), p.phone, '') AS phone
FROM person p LEFT JOIN account a ON a.person = p.id AND a.status = 'active' WHERE p.id = {}
"""


def _remember(person_id: int, year: int, week: dt.date, moment: dt.datetime, sent_by: int | None, text: str,
              title: str) -> Program[tuple[int, str, str] | None]:
    """The reminder row and its home-screen notice (whose phone makes it an SMS in the outbox):
    (reminder id, what became of the SMS, the phone), or None when already reminded this week."""
    rows = yield (
        "INSERT INTO reminder (person, year, week, sent_at, sent_by, text, sms, notice) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, NULL) ON CONFLICT (person, week) DO NOTHING RETURNING id",
        (person_id, year, week, moment, sent_by, text, ReminderSms.no_phone.value),
    )
    if not rows:
        return None
    reminder_id = rows[0]["id"]
    who = (yield (_ACCOUNT_OF_PERSON, (person_id,)))[0]
    if who["account_id"] is None:
        # No account, no home screen: the text message alone, sent by the caller.
        return reminder_id, (ReminderSms.sent.value if who["phone"] else ReminderSms.no_phone.value), who["phone"]
    notice = yield (
        "INSERT INTO notice (account, kind, credit, training, title, detail, created_at, read_at, sms_phone, "
        "sms_sent_at) VALUES ({}, {}, NULL, NULL, {}, {}, {}, NULL, {}, NULL) RETURNING id",
        (who["account_id"], NoticeKind.compliance_reminder.value, title, text[:500], moment, who["phone"]),
    )
    outcome = ReminderSms.queued.value if who["phone"] else ReminderSms.no_phone.value
    yield ("UPDATE reminder SET notice = {}, sms = {} WHERE id = {}", (notice[0]["id"], outcome, reminder_id))
    return reminder_id, outcome, ""


@dataclass(frozen=True, slots=True)
class Target:
    """One person to remind and what they still need."""

    person_id: int
    name: str
    phone: str
    year: int
    lines: list[dict] = field(default_factory=list)


async def remind_one(target: Target, *, gateway: sms.SmsGateway, sent_by: Principal | None,
                     moment: dt.datetime | None = None) -> Reminded:
    """Remind ``target`` once this week: the notice (and its SMS, queued), the log; 409 ``already_reminded``.

    The caller sends the queued SMS once its request is answered (``notices.deliver_pending``)."""
    moment = moment or clock.now()
    text = reminder_text(target.name, target.year, target.lines)
    engine = Reminder._meta.db
    made = await db.run_write(engine, _remember(
        target.person_id, target.year, week_of(moment), moment, sent_by.account_id if sent_by else None, text,
        f"{target.year} 年度学分尚未达标"))
    if made is None:
        raise Conflict("already_reminded", "本周已提醒过该人员，每人每周最多提醒一次")
    reminder_id, outcome, direct_phone = made
    if direct_phone:
        if not await sms.send_text(gateway, direct_phone, NoticeKind.compliance_reminder.value, text):
            outcome = ReminderSms.failed.value
            await Reminder.update({Reminder.sms: outcome}).where(Reminder.id == reminder_id)
    await audit.record("reminder_send", principal=sent_by, account_name="" if sent_by else "jijiao remind",
                       target_type="person", target_id=target.person_id,
                       detail=f"提醒{target.name}：{target.year} 年度还需满足{gap_words(target.lines)}")
    return Reminded(id=target.person_id, status="reminded", sms=outcome)


async def targets(person_ids: list[int], year: int) -> dict[int, Target | None]:
    """Each person's reminder target, or None for someone who already passes ``year``."""
    from server.services import statistics

    rows = await Person.select(Person.id, Person.name, Person.phone).where(Person.id.is_in(person_ids or [0]))
    needs = await statistics.needs([r["id"] for r in rows], year)
    found: dict[int, Target | None] = {}
    for row in rows:
        need = needs.get(row["id"])
        found[row["id"]] = None if need is None or need.passed else Target(
            row["id"], row["name"], row["phone"], year, need.unmet())
    return found


def _reminders_where(principal: Principal):
    """Department and unit admins remind their own people (a region admin sees the digest)."""
    if not principal.has_any(Role.dept_admin, Role.unit_admin):
        raise Forbidden("forbidden", "只有科室或单位管理员可以发送提醒")
    return scope.grants_where(principal, department=Person.department, unit=Person.unit, region_code=None)


async def send(principal: Principal, person_ids: list[int], year: int, *,
               gateway: sms.SmsGateway) -> list[BatchResult]:
    """Remind each person in the caller's scope once this week; per-person results like a batch review."""
    where = _reminders_where(principal)
    ids = list(dict.fromkeys(person_ids))
    visible = {r["id"] for r in await Person.select(Person.id).where(where & Person.id.is_in(ids))}
    found = await targets(sorted(visible), year)

    async def one(person_id: int) -> Reminded:
        if person_id not in visible:
            raise NotFound("person_not_found", "人员不存在或不在您的管理范围内")
        target = found.get(person_id)
        if target is None:
            raise Conflict("already_passed", f"该人员 {year} 年度已达标，无需提醒")
        return await remind_one(target, gateway=gateway, sent_by=principal)

    return await batch.one_by_one(ids, one)


async def history(principal: Principal, *, person_id: int | None, page: int, page_size: int) -> Page[ReminderRead]:
    """The reminders sent to people in the caller's scope, newest first."""
    where = scope.grants_where(principal, department=Reminder.person.department, unit=Reminder.person.unit,
                               region_code=Reminder.person.unit.region_code)
    if where is None:
        raise Forbidden("forbidden", "只有管理员可以查看提醒记录")
    query = Reminder.select(Reminder.id, Reminder.person.as_alias("person_id"),
                            Reminder.person.name.as_alias("person_name"), Reminder.year, Reminder.sent_at,
                            Reminder.sent_by.name.as_alias("sent_by_name"), Reminder.text, Reminder.sms)
    count = Reminder.count()
    clauses = [where] + ([Reminder.person == person_id] if person_id is not None else [])
    for clause in clauses:
        query, count = query.where(clause), count.where(clause)
    rows = await query.order_by(Reminder.id, ascending=False).limit(page_size).offset((page - 1) * page_size)
    return Page(items=[msgspec.convert(r, ReminderRead) for r in rows], total=await count)


async def last_sent(person_ids: list[int]) -> dict[int, dt.datetime]:
    """When each person was last reminded."""
    if not person_ids:
        return {}
    rows = await Reminder.select(Reminder.person, Reminder.sent_at).where(Reminder.person.is_in(person_ids))
    latest: dict[int, dt.datetime] = {}
    for row in rows:
        if row["person"] not in latest or row["sent_at"] > latest[row["person"]]:
            latest[row["person"]] = row["sent_at"]
    return latest


# -- the region's season ---------------------------------------------------------------


def check_month_day(value: str) -> str:
    if not _MONTH_DAY.match(value or ""):
        raise Invalid("starts_on", "开始日期格式应为 MM-DD，例如 09-01")
    month, day = int(value[:2]), int(value[3:])
    try:
        dt.date(2024, month, day)  # a leap year: 02-29 is a day some years have
    except ValueError as error:
        raise Invalid("starts_on", "开始日期不存在") from error
    return value


def season_start(starts_on: str, year: int) -> dt.date:
    month, day = int(starts_on[:2]), int(starts_on[3:])
    try:
        return dt.date(year, month, day)
    except ValueError:  # 02-29 in a common year: the next day
        return dt.date(year, 3, 1)


async def settings_for(principal: Principal) -> ReminderSettingList:
    """The reminder season of each region the caller administers (defaults where none is saved)."""
    grants = principal.grants_for(Role.region_admin)
    if not grants:
        raise Forbidden("forbidden", "只有卫健委管理员可以设置提醒")
    saved = {r["region"]: r for r in await ReminderSetting.select().where(
        ReminderSetting.region.is_in([g.region_id for g in grants if g.region_id]))}
    items = []
    for grant in grants:
        row = saved.get(grant.region_id)
        region = await Region.select(Region.code, Region.name).where(Region.id == grant.region_id).first()
        items.append(ReminderSettingRead(
            region_code=region["code"], region_name=region["name"],
            starts_on=row["starts_on"] if row else ReminderSetting.starts_on.default,
            enabled=bool(row["enabled"]) if row else False))
    return ReminderSettingList(items=items)


async def save_setting(principal: Principal, region_code: str, starts_on: str,
                       enabled: bool) -> ReminderSettingRead:
    """Set a region's season: the region admin of it or of a region above it."""
    starts_on = check_month_day(starts_on)
    region = await Region.select(Region.id, Region.code, Region.name, Region.prefix).where(
        Region.code == region_code).first()
    if region is None or not any(region["code"].startswith(p) for p in principal.region_prefixes()):
        raise NotFound("region_not_found", "行政区划不存在或不在您的管理范围内")
    moment = clock.now()
    engine = ReminderSetting._meta.db
    await db.run_write(engine, _upsert_setting(region["id"], starts_on, enabled, moment, principal.account_id))
    await audit.record("reminder_setting", principal=principal, target_type="region", target_id=region["code"],
                       detail=f"{region['name']}学分提醒：每年 {starts_on} 起{'开启' if enabled else '关闭'}")
    return ReminderSettingRead(region_code=region["code"], region_name=region["name"], starts_on=starts_on,
                               enabled=enabled)


def _upsert_setting(region_id: int, starts_on: str, enabled: bool, moment: dt.datetime,
                    account_id: int) -> Program[None]:
    yield ("INSERT INTO reminder_setting (region, starts_on, enabled, updated_at, updated_by) "
           "VALUES ({}, {}, {}, {}, {}) ON CONFLICT (region) DO UPDATE SET starts_on = excluded.starts_on, "
           "enabled = excluded.enabled, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
           (region_id, starts_on, enabled, moment, account_id))
    return None


# -- the weekly run -------------------------------------------------------------------------


async def units_in_season(today: dt.date) -> list[int]:
    """Units whose governing setting (the most specific region above them) has begun its season."""
    settings = await ReminderSetting.select(ReminderSetting.starts_on, ReminderSetting.enabled,
                                            ReminderSetting.region.prefix.as_alias("prefix"))
    if not settings:
        return []
    by_length = sorted(settings, key=lambda s: len(s["prefix"]), reverse=True)
    units = await Unit.select(Unit.id, Unit.region_code).where(Unit.active == True)  # noqa: E712
    chosen = []
    for unit in units:
        governing = next((s for s in by_length if unit["region_code"].startswith(s["prefix"])), None)
        if governing and governing["enabled"] and today >= season_start(governing["starts_on"], today.year):
            chosen.append(unit["id"])
    return chosen


async def weekly(*, gateway: sms.SmsGateway, moment: dt.datetime | None = None) -> dict:
    """``jijiao remind``: remind every at-risk person of units in season, then each admin's digest."""
    from server.services import statistics

    moment = moment or clock.now()
    today = clock.china_date(moment)
    year = today.year
    unit_ids = await units_in_season(today)
    result = {"units": len(unit_ids), "at_risk": 0, "reminded": 0, "already": 0, "digests": 0, "texts": 0}
    if not unit_ids:
        return result
    at_risk = await statistics.at_risk_in_units(unit_ids, year)
    result["at_risk"] = len(at_risk)
    for person in at_risk:
        target = Target(person["person_id"], person["name"], person["phone"], year, person["lines"])
        try:
            await remind_one(target, gateway=gateway, sent_by=None, moment=moment)
            result["reminded"] += 1
        except Conflict:
            result["already"] += 1
    result["digests"] = await _digests(at_risk, year, moment)
    # The texts of the notices just made (and any left behind before), once.
    result["texts"] = await notices.deliver_pending(gateway)
    return result


_ADMIN_PHONE = """
SELECT COALESCE(MIN(c.phone), NULLIF(a.phone, ''), '') AS phone
FROM account a LEFT JOIN admin_contact c ON c.account = a.id WHERE a.id = {} GROUP BY a.id, a.phone
"""


async def _digests(at_risk: list[dict], year: int, moment: dt.datetime) -> int:
    """One notice a week to each admin whose scope holds at-risk people (its SMS to the first phone
    listed on 管理员信息, else the account's)."""
    by_department: dict[int, list[dict]] = {}
    by_unit: dict[int, list[dict]] = {}
    for person in at_risk:
        by_department.setdefault(person["department_id"], []).append(person)
        by_unit.setdefault(person["unit_id"], []).append(person)
    region_of_unit = {u["id"]: u["region_code"] for u in await Unit.select(Unit.id, Unit.region_code).where(
        Unit.id.is_in(list(by_unit) or [0]))}
    grants = await RoleGrant.select(RoleGrant.account, RoleGrant.role, RoleGrant.department, RoleGrant.unit,
                                    RoleGrant.region.prefix.as_alias("prefix")).where(
        RoleGrant.role.is_in([Role.dept_admin.value, Role.unit_admin.value, Role.region_admin.value])
        & (RoleGrant.account.status == "active"))
    reach: dict[int, dict[int, dict]] = {}
    for grant in grants:
        if grant["role"] == Role.dept_admin.value:
            people = by_department.get(grant["department"], [])
        elif grant["role"] == Role.unit_admin.value:
            people = by_unit.get(grant["unit"], [])
        else:
            people = [p for u, ps in by_unit.items() if region_of_unit.get(u, "").startswith(grant["prefix"] or "-")
                      for p in ps]
        for person in people:
            reach.setdefault(grant["account"], {})[person["person_id"]] = person
    sent = 0
    week = week_of(moment)
    for account_id, people in reach.items():
        counts: dict[str, int] = {}
        for person in people.values():
            where = " ".join(x for x in (person.get("unit_name", ""), person.get("department_name") or "") if x)
            counts[where] = counts.get(where, 0) + 1
        detail = "；".join(f"{k} {v} 名" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])[:10])
        body = (f"【继教】截至 {clock.china_date(moment).isoformat()}，您管理范围内有 {len(people)} 名人员 "
                f"{year} 年度学分尚未达标：{detail}。")
        phone = (await db.fetch(Notice._meta.db, _ADMIN_PHONE, account_id))[0]["phone"]
        if await db.run_write(Notice._meta.db, _digest(account_id, week, moment, f"学分未达标人员周报（{len(people)} 名）",
                                                        body, phone)):
            sent += 1
    return sent


def _digest(account_id: int, week: dt.date, moment: dt.datetime, title: str, body: str,
            phone: str) -> Program[bool]:
    """This week's digest for an account and its notice; False when this week's was already sent."""
    rows = yield ("INSERT INTO reminder_digest (account, week, sent_at, notice) VALUES ({}, {}, {}, NULL) "
                  "ON CONFLICT (account, week) DO NOTHING RETURNING id", (account_id, week, moment))
    if not rows:
        return False
    notice = yield ("INSERT INTO notice (account, kind, credit, training, title, detail, created_at, read_at, "
                    "sms_phone, sms_sent_at) VALUES ({}, {}, NULL, NULL, {}, {}, {}, NULL, {}, NULL) RETURNING id",
                    (account_id, NoticeKind.compliance_digest.value, title, body[:500], moment, phone))
    yield ("UPDATE reminder_digest SET notice = {} WHERE id = {}", (notice[0]["id"], rows[0]["id"]))
    return True
