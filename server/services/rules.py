"""The credit rule catalogue (seed 001 §5.2) and the one function that turns a declaration into credits.

A rule belongs to a year and to a province (or to no province: a national
rule). What a trainee may use is the national rules plus their unit's
province's, for the year of the activity. Credits are computed here and only
here: the client's number is never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import msgspec

from server import db
from server.clock import now
from server.services import audit, scope
from server.services.errors import Conflict, Forbidden, Invalid, NotFound, is_unique_violation
from server.services.principal import Principal
from server.tables import CreditRule, Region, Unit
from server.tables.enums import CreditCategory, CreditClass, RegionLevel, Role, RuleUnit

CENT = Decimal("0.01")
AUTHOR_WORDS = {1: "第一作者（通讯作者）", 2: "第二作者", 3: "第三作者", 4: "第四作者", 5: "第五作者"}
UNIT_WORDS = {RuleUnit.hour.value: "小时", RuleUnit.day.value: "天", RuleUnit.time.value: "次"}


def province_code(region_code: str) -> str:
    """GB/T 2260: the first two digits name the province."""
    return region_code[:2] + "0000"


# -- the computation ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Award:
    credits: Decimal
    hours: Decimal


def author_table(rule: dict) -> list[Decimal]:
    text = rule.get("author_credits") or ""
    return [Decimal(part) for part in text.split(",") if part.strip()]


def compute(rule: dict, quantity: Decimal, author_position: int | None) -> Award:
    """Credits for ``quantity`` units of ``rule`` (already validated), capped, to the cent.

    "每3小时 授予1分" is quantity / 3 × 1, kept exact until the final rounding so
    that 3 hours give 1.00, not 0.99.
    """
    cap = rule.get("cap")
    if rule["unit"] == RuleUnit.authorship.value:
        table = author_table(rule)
        credits = table[author_position - 1]
    else:
        credits = Decimal(quantity) * Decimal(rule["credits_per_step"]) / Decimal(rule["unit_size"])
    if cap is not None:
        credits = min(credits, Decimal(cap))
    hours = Decimal(quantity) if rule["unit"] == RuleUnit.hour.value else Decimal("0")
    return Award(credits=credits.quantize(CENT, ROUND_HALF_UP), hours=hours.quantize(CENT, ROUND_HALF_UP))


def validate_declaration(rule: dict, quantity: Decimal | None, author_position: int | None) -> Decimal:
    """The quantity the rule will count, or Invalid naming the field at fault."""
    unit = rule["unit"]
    if unit == RuleUnit.authorship.value:
        table = author_table(rule)
        if author_position is None:
            raise Invalid("author_position", "请选择作者位次")
        if not 1 <= author_position <= len(table):
            raise Invalid("author_position", f"该规则只对前{len(table)}位作者授予学分")
        return Decimal(1)
    if unit == RuleUnit.time.value:
        # "每1次": one activity unless told otherwise; the cap bounds what several give.
        return Decimal(1) if quantity is None else _positive(quantity, whole=True, most=Decimal(100))
    if quantity is None:
        raise Invalid("quantity", f"请填写{UNIT_WORDS[unit]}数")
    most = Decimal(366) if unit == RuleUnit.day.value else Decimal(2000)
    daily = rule.get("daily_limit")
    if daily is not None:
        most = Decimal(daily)
    return _positive(quantity, whole=unit == RuleUnit.day.value, most=most, unit=unit)


def _positive(quantity: Decimal, *, whole: bool, most: Decimal, unit: str = RuleUnit.time.value) -> Decimal:
    if quantity <= 0:
        raise Invalid("quantity", "数量必须大于 0")
    if whole and quantity != quantity.to_integral_value():
        raise Invalid("quantity", "数量必须是整数")
    if quantity != quantity.quantize(Decimal("0.1")):
        raise Invalid("quantity", "数量最多保留一位小数")
    if quantity > most:
        raise Invalid("quantity", f"数量不能超过 {number_text(most)} {UNIT_WORDS.get(unit, '')}".rstrip())
    return quantity


def number_text(value: Decimal | float | int | None) -> str:
    """A quantity or credits as people write it: 1.5, 2, 0.25 (no trailing zeros); "" for None."""
    if value is None:
        return ""
    text = f"{Decimal(value).normalize():f}"
    return text


def rule_text(rule: dict) -> str:
    """The seed's wording: 每3小时 授予1分（最高限分10）."""
    if rule["unit"] == RuleUnit.authorship.value:
        table = author_table(rule)
        text = " ".join(f"{AUTHOR_WORDS.get(i + 1, f'第{i + 1}作者')}{number_text(c)}分" for i, c in enumerate(table))
    else:
        text = f"每{number_text(rule['unit_size'])}{UNIT_WORDS[rule['unit']]} 授予{number_text(rule['credits_per_step'])}分"
    if rule.get("cap") is not None:
        text += f"（最高限分{number_text(rule['cap'])}）"
    if rule.get("daily_limit") is not None:
        text += f"，每天最多{number_text(rule['daily_limit'])}小时"
    return text


# -- reading -----------------------------------------------------------------------

_COLUMNS = (
    CreditRule.id, CreditRule.year, CreditRule.region, CreditRule.code, CreditRule.name, CreditRule.subtype,
    CreditRule.credit_class, CreditRule.category, CreditRule.unit, CreditRule.unit_size, CreditRule.credits_per_step,
    CreditRule.author_credits, CreditRule.cap, CreditRule.daily_limit, CreditRule.evidence_required,
    CreditRule.guidance, CreditRule.active, CreditRule.sort,
)


class RuleRead(msgspec.Struct, frozen=True, rename={"credit_class": "class"}):
    id: int
    code: str
    name: str
    subtype: str
    credit_class: str
    category: str
    unit: str
    unit_size: float
    credits_per_step: float
    credits_per_unit: float
    author_credits: list[float]
    cap: float | None
    daily_limit: float | None
    evidence_required: bool
    guidance: str
    rule_text: str
    year: int
    national: bool
    region_id: int | None
    active: bool
    sort: int


def _read(row: dict) -> RuleRead:
    unit_size = Decimal(row["unit_size"])
    per_step = Decimal(row["credits_per_step"])
    return RuleRead(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        subtype=row["subtype"],
        credit_class=row["credit_class"],
        category=row["category"],
        unit=row["unit"],
        unit_size=float(unit_size),
        credits_per_step=float(per_step),
        # A rate, not an amount: four places so that quantity × rate rounds to
        # the same cent as our exact computation.
        credits_per_unit=float((per_step / unit_size).quantize(Decimal("0.0001"), ROUND_HALF_UP))
        if row["unit"] != RuleUnit.authorship.value else float(max(author_table(row), default=Decimal(0))),
        author_credits=[float(c) for c in author_table(row)],
        cap=None if row["cap"] is None else float(row["cap"]),
        daily_limit=None if row["daily_limit"] is None else float(row["daily_limit"]),
        evidence_required=bool(row["evidence_required"]),
        guidance=row["guidance"],
        rule_text=rule_text(row),
        year=row["year"],
        national=row["region"] is None,
        region_id=row["region"],
        active=bool(row["active"]),
        sort=row["sort"],
    )


async def province_of_unit(unit_id: int) -> int | None:
    unit = await Unit.select(Unit.region_code).where(Unit.id == unit_id).first()
    if unit is None:
        return None
    region = await Region.select(Region.id).where(Region.code == province_code(unit["region_code"])).first()
    return region["id"] if region else None


async def _caller_province(principal: Principal) -> int | None:
    """The province whose catalogue the caller works with."""
    for grant in principal.grants_for(Role.region_admin):
        if grant.region_id is not None:
            region = await Region.select(Region.code).where(Region.id == grant.region_id).first()
            if region:
                found = await Region.select(Region.id).where(Region.code == province_code(region["code"])).first()
                if found:
                    return found["id"]
    unit_id = next((g.unit_id for g in principal.grants if g.unit_id), None)
    if unit_id is None and principal.person_id is not None:
        from server.tables import Person

        person = await Person.select(Person.unit).where(Person.id == principal.person_id).first()
        unit_id = person["unit"] if person else None
    return await province_of_unit(unit_id) if unit_id is not None else None


def _available(province_id: int | None):
    national = CreditRule.region.is_null()
    return national if province_id is None else national | (CreditRule.region == province_id)


_USAGE_SQL = ("SELECT rule_code, COUNT(*) AS uses FROM credit WHERE year = {} AND unit = {} AND rule_code <> '' "
              "GROUP BY rule_code")


async def _usage(principal: Principal, year: int) -> dict[str, int]:
    """How often each rule was used in the caller's unit that year (a trainee's colleagues)."""
    unit = next((g.unit_id for g in principal.grants_for(Role.trainee) if g.unit_id), None)
    if unit is None:
        return {}
    rows = await db.fetch(CreditRule._meta.db, _USAGE_SQL, year, unit)
    return {r["rule_code"]: int(r["uses"]) for r in rows}


async def catalogue(principal: Principal, *, year: int, q: str = "", subtype: str = "",
                    include_inactive: bool = False, by_use: bool = False) -> list[RuleRead]:
    """The rules of ``year``; ``by_use``: most used in the caller's unit first (the entry form's picker)."""
    province = await _caller_province(principal)
    query = CreditRule.select(*_COLUMNS).where(CreditRule.year == year).where(_available(province))
    if not (include_inactive and editable_province(principal, province)):
        query = query.where(CreditRule.active == True)  # noqa: E712
    q = scope.search_text(q)
    if q:
        query = query.where(CreditRule.name.like(f"%{q}%") | CreditRule.subtype.like(f"%{q}%")
                            | (CreditRule.code == q))
    if subtype:
        query = query.where(CreditRule.subtype == subtype)
    rows = await query.order_by(CreditRule.sort).order_by(CreditRule.id)
    if by_use:
        uses = await _usage(principal, year)
        rows = sorted(rows, key=lambda r: -uses.get(r["code"], 0))  # stable: catalogue order among equals
    return [_read(r) for r in rows]


async def rule_for_person(code: str, year: int, unit_id: int) -> dict:
    """The row of the active rule ``code`` of ``year`` that applies to a person of ``unit_id``."""
    province = await province_of_unit(unit_id)
    rows = await CreditRule.select(*_COLUMNS).where(
        (CreditRule.code == code) & (CreditRule.year == year) & (CreditRule.active == True)  # noqa: E712
    ).where(_available(province)).order_by(CreditRule.region, ascending=False)
    if not rows:
        raise NotFound("rule_not_found", f"{year} 年度没有编码为“{code}”的学分规则")
    return rows[0]


async def get_rule(rule_id: int) -> dict | None:
    """The rule's row (amounts as stored), or None."""
    return await CreditRule.select(*_COLUMNS).where(CreditRule.id == rule_id).first()


# -- editing (region admins of a province) -------------------------------------------


def editable_province(principal: Principal, province_id: int | None) -> bool:
    return province_id is not None and any(
        g.region_id == province_id for g in principal.grants_for(Role.region_admin))


async def _editor_province(principal: Principal) -> int:
    if not principal.has_any(Role.region_admin):
        raise Forbidden("forbidden", "只有卫生健康行政部门（地区管理员）可以维护学分规则")
    province = await _caller_province(principal)
    level = await Region.select(Region.level).where(Region.id == province).first() if province else None
    if not editable_province(principal, province) or not level or level["level"] != RegionLevel.province.value:
        raise Forbidden("forbidden", "只有省级管理员可以维护本省学分规则")
    return province


@dataclass(slots=True)
class RuleFields:
    code: str
    name: str
    subtype: str
    credit_class: CreditClass
    unit: RuleUnit
    category: CreditCategory
    unit_size: Decimal
    credits_per_step: Decimal
    author_credits: list[Decimal]
    cap: Decimal | None
    daily_limit: Decimal | None
    evidence_required: bool
    guidance: str
    active: bool
    sort: int | None  # None: keep the current place in the list


# A single entry never earns more than this (a year asks for 25 credits); a rule
# that could give more must say its cap. Stops "unit_size 0.001" giving 2e9 credits.
MAX_ENTRY_CREDITS = Decimal(100)
_MOST_QUANTITY = {RuleUnit.time.value: Decimal(100), RuleUnit.day.value: Decimal(366),
                  RuleUnit.hour.value: Decimal(2000)}


def _amount(value: Decimal | None, name: str, label: str, *, least: Decimal, most: Decimal,
            step: Decimal = CENT) -> None:
    """A rule's number within [least, most], in steps of ``step`` (the column's precision)."""
    if value is None:
        return
    if not value.is_finite() or value != value.quantize(step, ROUND_HALF_UP):
        raise Invalid(name, f"{label}最多保留{'两' if step == CENT else '一'}位小数")
    if not least <= value <= most:
        raise Invalid(name, f"{label}须在 {number_text(least)} 至 {number_text(most)} 之间")


def most_credits(fields: RuleFields) -> Decimal:
    """The most one entry under these rule fields can earn (what compute() gives the largest declaration)."""
    if fields.unit == RuleUnit.authorship:
        most = max(fields.author_credits)
    else:
        quantity = fields.daily_limit if fields.daily_limit is not None else _MOST_QUANTITY[fields.unit.value]
        most = quantity * fields.credits_per_step / fields.unit_size
    return min(most, fields.cap) if fields.cap is not None else most


def _check_fields(fields: RuleFields) -> dict:
    """Every field bounded, then the rule as a whole: what one entry can earn."""
    if not fields.code.strip():
        raise Invalid("code", "请填写规则编码")
    if not fields.name.strip():
        raise Invalid("name", "请填写规则名称")
    if fields.unit == RuleUnit.authorship:
        if not fields.author_credits or any(c <= 0 for c in fields.author_credits):
            raise Invalid("author_credits", "请按作者位次填写学分，例如 25,15,10")
        for credit in fields.author_credits:
            _amount(credit, "author_credits", "作者学分", least=CENT, most=MAX_ENTRY_CREDITS)
    else:
        _amount(fields.unit_size, "unit_size", "计量单位数", least=Decimal("0.1"), most=Decimal(1000))
        _amount(fields.credits_per_step, "credits_per_step", "授予学分", least=CENT, most=MAX_ENTRY_CREDITS)
    _amount(fields.cap, "cap", "最高限分", least=CENT, most=MAX_ENTRY_CREDITS)
    if fields.daily_limit is not None and (fields.unit != RuleUnit.hour or not 0 < fields.daily_limit <= 24):
        raise Invalid("daily_limit", "每日上限只适用于按小时计的规则，且在 0–24 小时之间")
    _amount(fields.daily_limit, "daily_limit", "每日上限", least=Decimal("0.1"), most=Decimal(24), step=Decimal("0.1"))
    if most_credits(fields) > MAX_ENTRY_CREDITS:
        raise Invalid("cap", f"按此规则单条记录最多可得 {number_text(most_credits(fields).quantize(CENT))} 分，"
                             f"超过 {number_text(MAX_ENTRY_CREDITS)} 分，请设置最高限分")
    return {
        CreditRule.code: fields.code.strip(), CreditRule.name: fields.name.strip(),
        CreditRule.subtype: fields.subtype.strip(), CreditRule.credit_class: fields.credit_class.value,
        CreditRule.category: fields.category.value,
        CreditRule.unit: fields.unit.value, CreditRule.unit_size: fields.unit_size,
        CreditRule.credits_per_step: fields.credits_per_step,
        CreditRule.author_credits: ",".join(number_text(c) for c in fields.author_credits),
        CreditRule.cap: fields.cap, CreditRule.daily_limit: fields.daily_limit,
        CreditRule.evidence_required: fields.evidence_required, CreditRule.guidance: fields.guidance.strip(),
        CreditRule.active: fields.active,
        **({} if fields.sort is None else {CreditRule.sort: fields.sort}),
    }


async def create_rule(principal: Principal, year: int, fields: RuleFields) -> RuleRead:
    province = await _editor_province(principal)
    values = _check_fields(fields)
    row = CreditRule(year=year, region=province, **{col._meta.name: v for col, v in values.items()})
    try:
        async with CreditRule._meta.db.transaction():
            await row.save()
            await audit.record("rule_create", principal=principal, target_type="credit_rule", target_id=row.id,
                               detail=f"新增学分规则 {year}《{fields.name}》")
    except Exception as error:
        if is_unique_violation(error):
            raise Conflict("duplicate", f"{year} 年度已有编码为“{fields.code}”的规则") from error
        raise
    return _read(await get_rule(row.id))


async def update_rule(principal: Principal, rule_id: int, fields: RuleFields) -> RuleRead:
    province = await _editor_province(principal)
    current = await get_rule(rule_id)
    if current is None or current["region"] != province:
        # National rules and other provinces' rules are not ours to edit.
        raise NotFound("rule_not_found", "学分规则不存在或无权修改")
    values = _check_fields(fields)
    values[CreditRule.updated_at] = now()
    try:
        async with CreditRule._meta.db.transaction():
            await CreditRule.update(values).where(CreditRule.id == rule_id)
            await audit.record("rule_update", principal=principal, target_type="credit_rule", target_id=rule_id,
                               detail=f"修改学分规则 {current['year']}《{current['name']}》→《{fields.name}》"
                                      f"：{rule_text(current)} → {rule_text(await get_rule(rule_id))}")
    except Exception as error:
        if is_unique_violation(error):
            raise Conflict("duplicate", f"该年度已有编码为“{fields.code}”的规则") from error
        raise
    return _read(await get_rule(rule_id))


async def copy_year(principal: Principal, from_year: int, to_year: int) -> int:
    """Copy the province's catalogue of one year into another; rules already there are kept."""
    province = await _editor_province(principal)
    if from_year == to_year:
        raise Invalid("to_year", "目标年度不能与来源年度相同")
    source = await CreditRule.select(*_COLUMNS).where(
        (CreditRule.year == from_year) & (CreditRule.region == province))
    existing = {r["code"] for r in await CreditRule.select(CreditRule.code).where(
        (CreditRule.year == to_year) & (CreditRule.region == province))}
    fresh = [r for r in source if r["code"] not in existing]
    async with CreditRule._meta.db.transaction():
        for r in fresh:
            await CreditRule.insert(CreditRule(
                year=to_year, region=province, code=r["code"], name=r["name"].replace(str(from_year), str(to_year)),
                subtype=r["subtype"], credit_class=r["credit_class"], category=r["category"], unit=r["unit"], unit_size=r["unit_size"],
                credits_per_step=r["credits_per_step"], author_credits=r["author_credits"], cap=r["cap"],
                daily_limit=r["daily_limit"], evidence_required=r["evidence_required"], guidance=r["guidance"],
                active=r["active"], sort=r["sort"]))
        await audit.record("rule_copy", principal=principal, target_type="credit_rule", target_id=to_year,
                           detail=f"复制 {from_year} 年度学分规则 {len(fresh)} 条到 {to_year} 年度")
    return len(fresh)
