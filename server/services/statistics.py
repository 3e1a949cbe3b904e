"""Statistics (seed 001 §6.1–6.3): completion by group, people's summaries, who is at risk.

Every number here is the one compliance computation's (``server.compliance``):
for everyone in the caller's scope at once through ``rollup`` (SQL over the
per person-year totals), and through ``services/compliance.results_for`` on the
records for the few people the totals cannot answer and for the lines a page
shows. Scope is the caller's, as everywhere: a group or person outside it is
never counted, and an out-of-scope ``unit_id`` / ``department_id`` is 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from piccolo.engine.base import Engine

from server import clock, compliance, db
from server.services import compliance as judging
from server.services import rollup, scope, standards
from server.services.errors import Forbidden, Invalid, NotFound
from server.services.principal import Principal
from server.tables import Department, Person, PersonStandard, Region, Unit
from server.tables.enums import PersonStatus, Staffing, TitleLevel

DIMENSIONS = ("department", "unit", "title_level", "title", "staffing", "city")
MIN_YEAR, MAX_YEAR = 2000, 2100


def _engine() -> Engine:
    return Person._meta.db


def check_year(year: int | None) -> int:
    year = year if year is not None else clock.today().year
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid("year", f"年度应在 {MIN_YEAR} 至 {MAX_YEAR} 之间")
    return year


# -- who: the people in scope ------------------------------------------------------------------

_PROFILE = {
    "rc": "CASE WHEN py.id IS NULL THEN u.region_code ELSE pu.region_code END",
    "tl": "CASE WHEN py.id IS NULL THEN p.title_level ELSE py.title_level END",
    "ul": "CASE WHEN py.id IS NULL THEN u.level ELSE pu.level END",
}
# The group a person is counted in: where they are now; title and title level as of the year.
_KEYS = {
    "department": "p.department",
    "unit": "p.unit",
    "title_level": _PROFILE["tl"],
    "title": "CASE WHEN py.id IS NULL THEN p.title ELSE py.title END",
    "staffing": "p.staffing",
    "city": "SUBSTR(u.region_code, 1, 4)",
}


@dataclass
class Who:
    """The WHERE (``{}`` placeholders) of the people a query counts, with its arguments."""

    sql: str
    args: list = field(default_factory=list)


async def who(principal: Principal, *, unit_id: int | None = None, department_id: int | None = None,
              reviewers_only: bool = False) -> Who:
    """Active people who join CME in the caller's scope, narrowed to a unit or department in it."""
    grants = scope.grants_sql(principal, department="p.department", unit="p.unit",
                              region_code=None if reviewers_only else "u.region_code")
    if grants is None:
        raise Forbidden("forbidden", "只有管理员可以查看统计")
    clauses = [grants[0], "p.joins_cme = {}", "p.status = {}"]
    args = [*grants[1], True, PersonStatus.active.value]
    where = scope.grants_where(principal, department=Department.id, unit=Department.unit,
                               region_code=None if reviewers_only else Department.unit.region_code)
    if department_id is not None:
        if not await Department.exists().where(where & (Department.id == department_id)):
            raise NotFound("department_not_found", "科室不存在或不在您的管理范围内")
        clauses.append("p.department = {}")
        args.append(department_id)
    if unit_id is not None:
        if not await _unit_visible(principal, unit_id):
            raise NotFound("unit_not_found", "单位不存在或不在您的管理范围内")
        clauses.append("p.unit = {}")
        args.append(unit_id)
    return Who(" AND ".join(clauses), args)


async def _unit_visible(principal: Principal, unit_id: int) -> bool:
    """A unit is in scope for its unit admin, a region admin above it, and (partly) its department admins."""
    if unit_id in principal.unit_ids():
        return True
    row = await Unit.select(Unit.region_code).where(Unit.id == unit_id).first()
    if row is None:
        return False
    if any(row["region_code"].startswith(p) for p in principal.region_prefixes()):
        return True
    departments = sorted(principal.department_ids())
    return bool(departments) and await Department.exists().where(
        Department.id.is_in(departments) & (Department.unit == unit_id))


# -- the query --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verdict:
    """One person's answer for a year: the one computation's, through the totals or the records."""

    person_id: int
    key: object
    passed: bool
    credits: Decimal
    gap: Decimal


async def _standard_sets(year: int, standard_id: int | None) -> tuple[list[tuple], str, list, set[int]]:
    """The standard sets people are judged by, the SQL choosing each person's (``sset``), its
    arguments, and the people whose own choices send them to the records."""
    if standard_id is not None:
        info = await standards.get(standard_id)
        if info.standard.year != year:
            raise Invalid("standard_id", f"所选标准是 {info.standard.year} 年度的，与年度 {year} 不符")
        return [(info.standard,)], "0", [], set()
    of_year = await standards.of_year(year)
    # People's own choices (000 §6.1) are few: they are judged from their records.
    choosers = {r["person"] for r in await PersonStandard.select(PersonStandard.person).where(
        (PersonStandard.year == year) & PersonStandard.standard.retired_at.is_null())}
    units = await Unit.select(Unit.region_code, Unit.level).distinct()
    sets: list[tuple] = []
    index: dict[tuple[int, ...], int] = {}
    rows: list[tuple[str, str, str, int]] = []
    for unit in units:
        for level in TitleLevel:
            profile = compliance.Profile(year=year, region_code=unit["region_code"] or "", title_level=level.value,
                                         unit_level=unit["level"] or "")
            applied = tuple(compliance.applicable(of_year, profile))
            if not applied:
                rows.append((profile.region_code, level.value, profile.unit_level, -1))
                continue
            ids = tuple(s.id for s in applied)
            if ids not in index:
                index[ids] = len(sets)
                sets.append(applied)
            rows.append((profile.region_code, level.value, profile.unit_level, index[ids]))
    if not rows:
        return sets, "NULL", [], choosers
    values = ", ".join("({}, {}, {}, CAST({} AS INTEGER))" for _ in rows)
    args = [x for row in rows for x in row]
    return sets, values, args, choosers


async def _rows(who_: Who, year: int, standard_id: int | None, at: dt.datetime, *, key: str,
                grouped: bool) -> tuple[list[dict], list[tuple]]:
    """Run the judging query: per group (``grouped``) or per person; returns rows and the standard sets."""
    sets, profile_values, profile_args, choosers = await _standard_sets(year, standard_id)
    verdicts, verdict_args = rollup.compile_sets(sets, at)
    atoms = verdicts.atoms
    args: list = []
    with_sql = ""
    if standard_id is None and profile_values != "NULL":
        with_sql = f"WITH prof(rc, tl, ul, sset) AS (VALUES {profile_values}) "
        args += profile_args
    if standard_id is not None:
        sset = "0"
    elif profile_values == "NULL":
        sset = "NULL"
    else:
        sset = "prof.sset"
    if choosers:
        sset = f"CASE WHEN p.id IN ({', '.join(str(int(i)) for i in sorted(choosers))}) THEN NULL ELSE {sset} END"
    wide = ", ".join(f"COALESCE(y.{c}, 0) AS {c}" for c in rollup.WIDE_COLUMNS)
    atom_columns = "".join(f", COALESCE(d.{name}, 0) AS {name}" for name in atoms.names.values())
    joins = [
        "JOIN unit u ON u.id = p.unit",
        "LEFT JOIN (SELECT person, MAX(id) AS id FROM person_year WHERE year = {} GROUP BY person) ph "
        "ON ph.person = p.id",
        "LEFT JOIN person_year py ON py.id = ph.id",
        "LEFT JOIN unit pu ON pu.id = py.unit",
        "LEFT JOIN credit_year y ON y.year = {} AND y.person = p.id",
    ]
    person_args: list = [year, year]
    if atoms.names:
        joins.append(f"LEFT JOIN (SELECT person, {atoms.select()} FROM credit_total WHERE year = {{}} AND "
                     f"({atoms.where()}) GROUP BY person) d ON d.person = p.id")
        person_args.append(year)
    if sset == "prof.sset" or "prof.sset" in sset:
        joins.append(f"LEFT JOIN prof ON prof.rc = {_PROFILE['rc']} AND prof.tl = {_PROFILE['tl']} "
                     f"AND prof.ul = {_PROFILE['ul']}")
    person_sql = (f"SELECT p.id AS pid, {_KEYS[key]} AS k, {sset} AS sset, y.latest_effective_at AS latest, "
                  f"{wide}{atom_columns} FROM person p {' '.join(joins)} WHERE {who_.sql}")
    person_args += who_.args
    judged = (f"SELECT e.pid, e.k, {verdicts.passed} AS passed, {verdicts.credits} AS credits, "
              f"{verdicts.gap} AS gap, {verdicts.fallback} AS fallback FROM ({person_sql}) e")
    # Placeholders bind in the order they appear: the verdicts' (the instant of "in force") come
    # before the person rows'.
    args += verdict_args + person_args
    if grouped:
        sql = (f"{with_sql}SELECT k, CASE WHEN fallback = 1 THEN pid END AS fb, COUNT(*) AS people, "
               f"SUM(passed) AS passed, SUM(credits) AS credits FROM ({judged}) v "
               "GROUP BY k, CASE WHEN fallback = 1 THEN pid END")
    else:
        sql = f"{with_sql}{judged}"
    return await db.fetch(_engine(), sql, *args), sets


async def _exact(person_ids: list[int], year: int, standard_id: int | None, at: dt.datetime) -> dict[int, tuple]:
    """(passed, counted credits, gap) from the records, for the people the totals could not answer."""
    if not person_ids:
        return {}
    results = await judging.results_for(person_ids, year, at, standard_id)
    out = {}
    for person_id in person_ids:
        judged = results.get(person_id, [])
        out[person_id] = verdict_of(judged)
    return out


def verdict_of(results: list[compliance.Result]) -> tuple[bool, Decimal, Decimal]:
    """A person's (passed, counted credits, gap) from their results: passed when at least one standard
    applies and every one passes; credits as the first (CME before hours) counted them."""
    passed = bool(results) and all(r.passed for r in results)
    credits = results[0].counted_credits if results else Decimal(0)
    gap = sum((line.missing for r in results for line in r.lines), Decimal(0))
    return passed, credits, gap


def _money(value) -> Decimal:  # type: ignore[no-untyped-def]
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


async def person_verdicts(who_: Who, year: int, standard_id: int | None = None, *, key: str = "department",
                          at: dt.datetime | None = None) -> list[Verdict]:
    """Every person's verdict for ``year``, exact (totals where they answer, records elsewhere)."""
    at = at or clock.now()
    rows, _ = await _rows(who_, year, standard_id, at, key=key, grouped=False)
    late = [r["pid"] for r in rows if r["fallback"]]
    exact = await _exact(late, year, standard_id, at)
    out = []
    for row in rows:
        if row["fallback"]:
            passed, credits, gap = exact[row["pid"]]
        else:
            passed, credits, gap = bool(row["passed"]), _money(row["credits"]), _money(row["gap"])
        out.append(Verdict(row["pid"], row["k"], passed, _money(credits), _money(gap)))
    return out


# -- GET /api/statistics/compliance ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Group:
    key: object
    label: str
    people: int
    passed: int
    credits: Decimal


async def compliance_table(principal: Principal, *, year: int | None, by: str, standard_id: int | None = None,
                           unit_id: int | None = None, department_id: int | None = None,
                           at: dt.datetime | None = None) -> list[Group]:
    """People, passes and counted credits per group of ``by`` (the contract's statistics)."""
    if by not in DIMENSIONS:
        raise Invalid("by", "统计维度应为 department、unit、title_level、title、staffing 或 city")
    year = check_year(year)
    at = at or clock.now()
    who_ = await who(principal, unit_id=unit_id, department_id=department_id)
    rows, _ = await _rows(who_, year, standard_id, at, key=by, grouped=True)
    totals: dict[object, list] = {}
    late: dict[int, object] = {}
    for row in rows:
        key = row["k"]
        if row["fb"] is not None:
            late[row["fb"]] = key
            totals.setdefault(key, [0, 0, Decimal(0)])
            continue
        group = totals.setdefault(key, [0, 0, Decimal(0)])
        group[0] += int(row["people"])
        group[1] += int(row["passed"] or 0)
        group[2] += Decimal(str(row["credits"] or 0))
    for person_id, (passed, credits, _) in (await _exact(sorted(late), year, standard_id, at)).items():
        group = totals[late[person_id]]
        group[0] += 1
        group[1] += int(passed)
        group[2] += credits
    labels = await _labels(by, list(totals))
    groups = [Group(key, labels.get(key, ("", ""))[1], people, passed, _money(credits))
              for key, (people, passed, credits) in totals.items()]
    return sorted(groups, key=lambda g: labels.get(g.key, ("~", ""))[0])


_LEVEL_ORDER = {level.value: i for i, level in enumerate(TitleLevel)}
_STAFFING_ORDER = {s.value: i for i, s in enumerate(Staffing)}


async def _labels(by: str, keys: list) -> dict[object, tuple[str, str]]:
    """Each key's (sort key, label)."""
    present = [k for k in keys if k is not None]
    out: dict[object, tuple[str, str]] = {None: ("~", "未分配科室" if by == "department" else "未填写")}
    if by == "department":
        rows = await Department.select(Department.id, Department.name, Department.sort_order,
                                       Department.unit.name.as_alias("unit_name"), Department.unit).where(
            Department.id.is_in(present or [0]))
        several = len({r["unit"] for r in rows}) > 1
        for r in rows:
            name = f"{r['unit_name']} · {r['name']}" if several else r["name"]
            out[r["id"]] = (f"{r['unit_name']}\t{r['sort_order']:06d}\t{r['name']}", name)
    elif by == "unit":
        for r in await Unit.select(Unit.id, Unit.name, Unit.region_code).where(Unit.id.is_in(present or [0])):
            out[r["id"]] = (f"{r['region_code']}\t{r['name']}", r["name"])
    elif by == "city":
        names = {r["code"]: r["name"] for r in await Region.select(Region.code, Region.name).where(
            Region.code.is_in([f"{k}00" for k in present] or ["-"]))}
        for k in present:
            out[k] = (k, names.get(f"{k}00", k))
    elif by == "title_level":
        for k in present:
            out[k] = (f"{_LEVEL_ORDER.get(k, 99):02d}", k)
    elif by == "staffing":
        for k in present:
            out[k] = (f"{_STAFFING_ORDER.get(k, 99):02d}", k)
    else:
        for k in present:
            out[k] = (k, k or "未填写")
    if "" in keys:
        out[""] = ("~", "未填写")
    return out
