"""Compliance standards (达标标准): browsed by everyone (seed 001 §7.1), kept by a province's administration,
and chosen by a person for a year (个人学分标准, seed 000 §6.1–6.2).

A standard is stored as one row (``tables/standard.py``); its requirement lines and
caps are JSON read and written whole with it, so an edit is one conditional UPDATE.
Everything that judges people reads standards through :func:`of_year` as the pure
``server.compliance.Standard`` and leaves the rest to ``server.compliance``.

Who may change what: a region admin adds, edits, copies and retires the standards
of their own region and the regions below it (their grant's code prefix); national
standards and other provinces' are read-only (403). Retiring keeps the row — people
chose it, results cite it — and frees its name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

import msgspec

from server import clock, compliance, labels
from server.compliance import Cap, Requirement
from server.services import audit
from server.services.errors import Conflict, Forbidden, Invalid, NotFound, is_unique_violation
from server.services.organisation import region_prefix
from server.services.principal import Principal
from server.tables import Person, PersonStandard, Region, Standard, Unit
from server.tables.enums import Role, StandardScheme

__all__ = [
    "ChoiceRead", "StandardFields", "StandardInfo", "amount_words", "category_word", "check_for_unit", "choices", "choose", "copy_year",
    "create", "for_unit", "get", "keep_registration_choice", "line_words", "list_standards", "match", "may_edit", "of_year", "retire", "unchoose", "update",
]

CENT = Decimal("0.01")
# A year's requirement in credits or hours never comes near this; a typo (2500 for 25.00) would.
MOST = Decimal(1000)


# -- words (one place for the Chinese of lines and categories) -------------------------------

def category_word(category: str) -> str:
    return labels.label(labels.LINE_CATEGORY, category)


def _num(value: Decimal) -> str:
    text = f"{value.quantize(CENT).normalize():f}"
    return text


def amount_words(amount: Decimal) -> str:
    return _num(amount)


def line_words(measure: str, category: str, amount: Decimal) -> str:
    """"I类学分 ≥ 10", "公需科目学时 ≥ 30": how a line reads in Chinese."""
    prefix = "" if category == "total" else category_word(category)
    return f"{prefix}{labels.label(labels.MEASURE, measure)} ≥ {_num(amount)}"


# -- reading ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StandardInfo:
    """A standard as the API shows it: the pure standard and what only people read."""

    standard: compliance.Standard
    note: str = ""
    retired: bool = False
    region_name: str | None = None


def _levels(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.split(",") if part)


def _decimal(value) -> Decimal:  # type: ignore[no-untyped-def]
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _pure(row: dict) -> compliance.Standard:
    requirements = tuple(Requirement(r["measure"], r["category"], _decimal(r["min"]))
                         for r in json.loads(row["requirements"], parse_float=Decimal))
    caps = tuple(Cap(c["measure"], _decimal(c["max"]), credit_class=c.get("class"), category=c.get("category"),
                     source=c.get("source"), rule_code=c.get("rule_code"))
                 for c in json.loads(row["caps"], parse_float=Decimal))
    code = row["region_code"]
    return compliance.Standard(
        id=row["id"], year=row["year"], name=row["name"], scheme=row["scheme"], requirements=requirements,
        caps=caps, region_code=code, region_prefix=region_prefix(code) if code else "",
        title_levels=_levels(row["title_levels"]), unit_levels=_levels(row["unit_levels"]),
        certificate_requires_pass=bool(row["certificate_requires_pass"]), auto_apply=bool(row["auto_apply"]))


_COLUMNS = (Standard.id, Standard.year, Standard.region_code, Standard.name, Standard.scheme, Standard.title_levels,
            Standard.unit_levels, Standard.requirements, Standard.caps, Standard.certificate_requires_pass,
            Standard.auto_apply, Standard.note, Standard.retired_at)


async def _region_names(codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = await Region.select(Region.code, Region.name).where(Region.code.is_in(sorted(codes)))
    return {r["code"]: r["name"] for r in rows}


async def _infos(rows: list[dict]) -> list[StandardInfo]:
    names = await _region_names({r["region_code"] for r in rows if r["region_code"]})
    return [StandardInfo(_pure(r), r["note"], r["retired_at"] is not None,
                         names.get(r["region_code"]) if r["region_code"] else None) for r in rows]


async def of_year(year: int) -> list[compliance.Standard]:
    """Every live standard of ``year``, as the pure computation takes them (statistics batch on this)."""
    rows = await Standard.select(*_COLUMNS).where((Standard.year == year) & Standard.retired_at.is_null())
    return [_pure(r) for r in rows]


async def of_years(years: list[int]) -> dict[int, list[compliance.Standard]]:
    """``of_year`` for several years in one query (a person's multi-year verification)."""
    rows = await Standard.select(*_COLUMNS).where(Standard.year.is_in(list(years)) & Standard.retired_at.is_null())
    out: dict[int, list[compliance.Standard]] = {year: [] for year in years}
    for row in rows:
        out[row["year"]].append(_pure(row))
    return out


async def list_standards(*, year: int | None, region_code: str | None, scheme: str | None,
                         include_retired: bool, page: int, page_size: int) -> tuple[list[StandardInfo], int]:
    """Everyone logged in browses every standard (a standard is public, like the rule it encodes)."""
    clauses = []
    if year is not None:
        clauses.append(Standard.year == year)
    if region_code == "":
        clauses.append(Standard.region_code.is_null())
    elif region_code is not None:
        clauses.append(Standard.region_code == region_code)
    if scheme:
        clauses.append(Standard.scheme == scheme)
    if not include_retired:
        clauses.append(Standard.retired_at.is_null())
    query, count = Standard.select(*_COLUMNS), Standard.count()
    for clause in clauses:
        query, count = query.where(clause), count.where(clause)
    rows = await query.order_by(Standard.year, ascending=False).order_by(Standard.region_code).order_by(
        Standard.id).limit(page_size).offset((page - 1) * page_size)
    return await _infos(rows), await count


async def get(standard_id: int, *, include_retired: bool = False) -> StandardInfo:
    """One standard; a retired one is gone for the API (404), kept for lists that ask and for results."""
    row = await Standard.select(*_COLUMNS).where(Standard.id == standard_id).first()
    if row is None or (row["retired_at"] is not None and not include_retired):
        raise NotFound("standard_not_found", "达标标准不存在")
    return (await _infos([row]))[0]


# -- keeping them (region admins) --------------------------------------------------------


@dataclass(slots=True)
class StandardFields:
    """What an administrator sends; ``None`` on update leaves the field as it is."""

    year: int | None = None
    name: str | None = None
    scheme: str | None = None
    title_levels: list[str] | None = None
    unit_levels: list[str] | None = None
    requirements: list[Requirement] | None = None
    caps: list[Cap] | None = None
    certificate_requires_pass: bool | None = None
    auto_apply: bool | None = None
    note: str | None = None
    # Whether region_code was sent at all (None is a value: national).
    region_given: bool = False
    region_code: str | None = None
    given: set[str] = field(default_factory=set)


def _amount(value: Decimal, name: str) -> Decimal:
    if value < 0:
        raise Invalid(name, "数值不能为负数")
    if value > MOST:
        raise Invalid(name, f"数值不能超过 {MOST}")
    if value != value.quantize(CENT):
        raise Invalid(name, "最多保留两位小数")
    return value


def _check(fields: StandardFields) -> dict:
    """Validated column values; Invalid names the first bad field (``requirements[1].min`` style)."""
    if fields.year is not None and not 2000 <= fields.year <= 2100:
        raise Invalid("year", "年度须在 2000 至 2100 之间")
    values: dict = {}
    if fields.name is not None:
        name = fields.name.strip()
        if not name:
            raise Invalid("name", "请填写标准名称")
        values[Standard.name] = name
    if fields.requirements is not None:
        if not fields.requirements:
            raise Invalid("requirements", "至少要有一项要求")
        seen = set()
        for index, line in enumerate(fields.requirements):
            _amount(line.min, f"requirements[{index}].min")
            if (line.measure, line.category) in seen:
                raise Invalid(f"requirements[{index}]", f"“{line_words(line.measure, line.category, line.min)}”重复")
            seen.add((line.measure, line.category))
        values[Standard.requirements] = json.dumps(
            [{"measure": r.measure, "category": r.category, "min": float(r.min)} for r in fields.requirements],
            ensure_ascii=False)
    if fields.caps is not None:
        for index, cap in enumerate(fields.caps):
            _amount(cap.max, f"caps[{index}].max")
        values[Standard.caps] = json.dumps(
            [{"measure": c.measure, "class": c.credit_class, "category": c.category, "source": c.source,
              "rule_code": c.rule_code or None, "max": float(c.max)} for c in fields.caps], ensure_ascii=False)
    if fields.title_levels is not None:
        values[Standard.title_levels] = ",".join(dict.fromkeys(fields.title_levels))
    if fields.unit_levels is not None:
        values[Standard.unit_levels] = ",".join(dict.fromkeys(fields.unit_levels))
    if fields.scheme is not None:
        values[Standard.scheme] = StandardScheme(fields.scheme).value
    for name in ("certificate_requires_pass", "auto_apply"):
        if getattr(fields, name) is not None:
            values[getattr(Standard, name)] = getattr(fields, name)
    if fields.note is not None:
        values[Standard.note] = fields.note.strip()
    if fields.year is not None:
        values[Standard.year] = fields.year
    return values


def may_edit(principal: Principal, info: StandardInfo) -> bool:
    """A live standard of a region under one of the caller's region-admin grants."""
    code = info.standard.region_code
    return (not info.retired and code is not None
            and any(code.startswith(prefix) for prefix in principal.region_prefixes()))


async def _admin_regions(principal: Principal) -> list[dict]:
    """The regions the caller administers (code and prefix); Forbidden when none."""
    ids = [g.region_id for g in principal.grants_for(Role.region_admin) if g.region_id]
    if not ids:
        raise Forbidden("forbidden", "只有卫生健康行政部门（地区管理员）可以维护达标标准")
    return await Region.select(Region.code, Region.prefix).where(Region.id.is_in(ids))


def _reaches(regions: list[dict], code: str | None) -> bool:
    return code is not None and any(code.startswith(r["prefix"]) for r in regions)


async def _target_region(regions: list[dict], fields: StandardFields) -> str:
    if not fields.region_given:
        return regions[0]["code"]
    code = fields.region_code
    if not _reaches(regions, code):
        raise Forbidden("forbidden", "只能维护本地区的达标标准" if code else "全国标准不能在此修改")
    if not await Region.exists().where(Region.code == code):
        raise Invalid("region_code", "行政区划不存在")
    return code  # type: ignore[return-value]


def _duplicate(name: str) -> Conflict:
    return Conflict("duplicate", f"该年度本地区已有名为“{name}”的达标标准")


async def create(principal: Principal, fields: StandardFields) -> StandardInfo:
    regions = await _admin_regions(principal)  # the role first: 403 before any 422
    for required in ("year", "name", "scheme", "requirements"):
        if getattr(fields, required) is None:
            raise Invalid(required, f"缺少必填字段 {required}")
    values = _check(fields)
    code = await _target_region(regions, fields)
    moment = clock.now()
    row = Standard(region_code=code, created_by=principal.account_id, created_at=moment, updated_at=moment,
                   **{col._meta.name: v for col, v in values.items()})
    try:
        async with Standard._meta.db.transaction():
            await row.save()
            await audit.record("standard_create", principal=principal, target_type="standard", target_id=row.id,
                               detail=f"新增达标标准 {row.year}《{row.name}》")
    except Exception as error:
        if is_unique_violation(error):
            raise _duplicate(row.name) from error
        raise
    return await get(row.id)


async def _editable(principal: Principal, standard_id: int) -> tuple[dict, list[dict]]:
    """The live standard and the caller's regions, if one of them reaches it."""
    regions = await _admin_regions(principal)
    row = await Standard.select(*_COLUMNS).where(Standard.id == standard_id).first()
    if row is None:
        raise NotFound("standard_not_found", "达标标准不存在")
    if row["retired_at"] is not None:
        # Retired is deleted as far as the API goes (DELETE, then GET/PUT/DELETE: 404).
        raise NotFound("standard_not_found", "达标标准不存在")
    if not _reaches(regions, row["region_code"]):
        raise Forbidden("forbidden", "只能维护本地区的达标标准")
    return row, regions


async def update(principal: Principal, standard_id: int, fields: StandardFields) -> StandardInfo:
    current, regions = await _editable(principal, standard_id)
    values = _check(fields)
    if fields.region_given:
        values[Standard.region_code] = await _target_region(regions, fields)
    if not values:
        return await get(standard_id)
    values[Standard.updated_at] = clock.now()
    try:
        async with Standard._meta.db.transaction():
            changed = await Standard.update(values).where(
                (Standard.id == standard_id) & Standard.retired_at.is_null()).returning(Standard.id)
            if not changed:
                raise NotFound("standard_not_found", "达标标准刚刚已被停用")
            await audit.record("standard_update", principal=principal, target_type="standard",
                               target_id=standard_id, detail=f"修改达标标准 {current['year']}《{current['name']}》")
    except Exception as error:
        if is_unique_violation(error):
            raise _duplicate(values.get(Standard.name, current["name"])) from error
        raise
    return await get(standard_id)


async def retire(principal: Principal, standard_id: int) -> None:
    """停用: the standard applies to no one from now on; people's choices of it stop counting too."""
    current, _ = await _editable(principal, standard_id)
    async with Standard._meta.db.transaction():
        changed = await Standard.update({Standard.retired_at: clock.now()}).where(
            (Standard.id == standard_id) & Standard.retired_at.is_null()).returning(Standard.id)
        if not changed:
            raise NotFound("standard_not_found", "达标标准刚刚已被停用")
        await audit.record("standard_retire", principal=principal, target_type="standard", target_id=standard_id,
                           detail=f"停用达标标准 {current['year']}《{current['name']}》")


async def copy_year(principal: Principal, from_year: int, to_year: int) -> int:
    """The caller's region's live standards of one year, again for another; names already there are kept."""
    regions = await _admin_regions(principal)
    if from_year == to_year:
        raise Invalid("to_year", "目标年度不能与来源年度相同")
    source = [r for r in await Standard.select(*_COLUMNS, Standard.created_by).where(
        (Standard.year == from_year) & Standard.retired_at.is_null() & Standard.region_code.is_not_null())
        if _reaches(regions, r["region_code"])]
    existing = {(r["region_code"], r["name"]) for r in await Standard.select(Standard.region_code, Standard.name).where(
        (Standard.year == to_year) & Standard.retired_at.is_null())}
    fresh = [r for r in source if (r["region_code"], r["name"]) not in existing]
    moment = clock.now()
    try:
        async with Standard._meta.db.transaction():
            for r in fresh:
                await Standard.insert(Standard(
                    year=to_year, region_code=r["region_code"], name=r["name"], scheme=r["scheme"],
                    title_levels=r["title_levels"], unit_levels=r["unit_levels"], requirements=r["requirements"],
                    caps=r["caps"], certificate_requires_pass=r["certificate_requires_pass"],
                    auto_apply=r["auto_apply"], note=r["note"], created_by=principal.account_id, created_at=moment,
                    updated_at=moment))
            await audit.record("standard_copy", principal=principal, target_type="standard", target_id=to_year,
                               detail=f"复制 {from_year} 年度达标标准 {len(fresh)} 项到 {to_year} 年度")
    except Exception as error:
        if is_unique_violation(error):
            raise Conflict("duplicate", "目标年度刚刚已有同名标准，请刷新后重试") from error
        raise
    return len(fresh)


# -- which standard a person's region may use --------------------------------------------


async def _unit_region(unit_id: int) -> str:
    unit = await Unit.select(Unit.region_code).where(Unit.id == unit_id).first()
    return unit["region_code"] if unit else ""


async def check_for_unit(standard_id: int, unit_id: int, *, year: int | None = None,
                         field_name: str = "standard_id") -> compliance.Standard:
    """The live standard ``standard_id`` if a person of ``unit_id`` may follow it, else Invalid(field_name)."""
    row = await Standard.select(*_COLUMNS).where(
        (Standard.id == standard_id) & Standard.retired_at.is_null()).first()
    if row is None:
        raise Invalid(field_name, "达标标准不存在或已停用")
    standard = _pure(row)
    if not (await _unit_region(unit_id)).startswith(standard.region_prefix):
        raise Invalid(field_name, "该达标标准不适用于您单位所在地区")
    if year is not None and standard.year != year:
        raise Invalid("year", f"所选标准是 {standard.year} 年度的，与年度 {year} 不符")
    return standard


async def for_unit(unit_id: int, year: int | None = None) -> list[compliance.Standard]:
    """Live standards of ``year`` (this year) a person of the unit may follow: national and their region's."""
    if not await Unit.exists().where((Unit.id == unit_id) & (Unit.active == True)):  # noqa: E712
        raise NotFound("unit_not_found", "单位不存在")
    region = await _unit_region(unit_id)
    found = [s for s in await of_year(year or clock.today().year) if region.startswith(s.region_prefix)]
    # National first, then the more specific region; by name within.
    return sorted(found, key=lambda s: (len(s.region_prefix), s.name))


async def match(principal: Principal, *, year: int, title_level: str, unit_level: str) -> list[StandardInfo]:
    """The standards that follow from a year, a unit level and a title level in the caller's region (000 §6.1)."""
    region = ""
    if principal.person_id is not None:
        person = await Person.select(Person.unit.region_code.as_alias("region_code")).where(
            Person.id == principal.person_id).first()
        region = person["region_code"] if person else ""
    profile = compliance.Profile(year=year, region_code=region, title_level=title_level, unit_level=unit_level)
    found = {s.id for s in compliance.applicable(await of_year(year), profile)}
    rows = await Standard.select(*_COLUMNS).where(Standard.id.is_in(sorted(found) or [0]))
    return sorted(await _infos(rows), key=lambda i: compliance.SCHEMES.index(i.standard.scheme))


# -- a person's own choice (个人学分标准) ---------------------------------------------------------


class ChoiceRead(msgspec.Struct, frozen=True):
    id: int
    year: int
    scheme: str
    standard_id: int
    standard_name: str
    retired: bool


def _own_person(principal: Principal) -> int:
    if principal.person_id is None:
        raise Forbidden("no_person", "当前账号未关联人员档案，不能设置个人学分标准")
    return principal.person_id


async def choices(principal: Principal, *, year: int | None = None) -> list[ChoiceRead]:
    person_id = _own_person(principal)
    query = PersonStandard.select(
        PersonStandard.id, PersonStandard.year, PersonStandard.scheme, PersonStandard.standard,
        PersonStandard.standard.name.as_alias("standard_name"),
        PersonStandard.standard.retired_at.as_alias("retired_at"),
    ).where(PersonStandard.person == person_id)
    if year is not None:
        query = query.where(PersonStandard.year == year)
    rows = await query.order_by(PersonStandard.year, ascending=False).order_by(PersonStandard.id)
    return [ChoiceRead(r["id"], r["year"], r["scheme"], r["standard"], r["standard_name"],
                       r["retired_at"] is not None) for r in rows]


async def choose(principal: Principal, year: int, standard_id: int) -> ChoiceRead:
    person_id = _own_person(principal)
    if not 2000 <= year <= 2100:
        raise Invalid("year", "年度须在 2000 至 2100 之间")
    person = await Person.select(Person.unit).where(Person.id == person_id).first()
    standard = await check_for_unit(standard_id, person["unit"], year=year)
    row = PersonStandard(person=person_id, year=year, scheme=standard.scheme, standard=standard.id,
                         created_at=clock.now())
    try:
        # The unique (person, year, scheme) index decides between two requests at once.
        await row.save()
    except Exception as error:
        if is_unique_violation(error):
            raise Conflict("duplicate", f"{year} 年度已设置过个人学分标准，请先删除原来的") from error
        raise
    return ChoiceRead(row.id, year, standard.scheme, standard.id, standard.name, False)


async def keep_registration_choice(person_id: int, standard_id: int) -> None:
    """The standard chosen at registration becomes the person's choice for its year (inside the approval).

    Skipped when the standard was retired meanwhile or the person already chose one of that scheme.
    """
    row = await Standard.select(Standard.year, Standard.scheme).where(
        (Standard.id == standard_id) & Standard.retired_at.is_null()).first()
    if row is None or await PersonStandard.exists().where(
            (PersonStandard.person == person_id) & (PersonStandard.year == row["year"])
            & (PersonStandard.scheme == row["scheme"])):
        return
    await PersonStandard.insert(PersonStandard(person=person_id, year=row["year"], scheme=row["scheme"],
                                               standard=standard_id, created_at=clock.now()))


async def unchoose(principal: Principal, choice_id: int) -> None:
    person_id = _own_person(principal)
    deleted = await PersonStandard.delete().where(
        (PersonStandard.id == choice_id) & (PersonStandard.person == person_id)).returning(PersonStandard.id)
    if not deleted:
        raise NotFound("choice_not_found", "个人学分标准不存在")
