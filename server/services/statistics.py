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

import msgspec
from piccolo.engine.base import Engine

from server import clock, compliance, db
from server.services import compliance as judging
from server.services import rollup, scope, standards
from server.services.errors import Forbidden, Invalid, NotFound
from server.services.principal import Principal
from server.services.results import Page
from server.tables import Credit, Department, Person, PersonStandard, Region, Unit
from server.tables.enums import CreditStatus, PersonStatus, Staffing, TitleLevel

PENDING = (CreditStatus.pending_dept.value, CreditStatus.pending_unit.value)
DIMENSIONS = ("department", "unit", "title_level", "title", "staffing", "city")
MIN_YEAR, MAX_YEAR = 2000, 2100


# -- what a client sees -------------------------------------------------------------------------


class GroupRead(msgspec.Struct, frozen=True):
    key: int | str | None
    label: str
    people: int
    passed: int
    credits: float


class StandardRef(msgspec.Struct, frozen=True):
    id: int
    name: str


class LineRead(msgspec.Struct, frozen=True):
    measure: str
    category: str
    required: float
    earned: float
    met: bool
    missing: float


class ResultRead(msgspec.Struct, frozen=True):
    standard: StandardRef
    passed: bool
    lines: list[LineRead]


class PersonYearRead(msgspec.Struct, frozen=True):
    id: int
    name: str
    person_no: str
    title: str
    title_level: str
    staffing: str
    department_id: int | None
    department_name: str | None
    unit_name: str
    year: int
    credits_i: float
    credits_ii: float
    credits_total: float
    hours: float
    pending_records: int
    pending_credits: float
    counted_credits: float
    passed: bool
    results: list[ResultRead]


class AtRiskRead(msgspec.Struct, frozen=True):
    id: int
    name: str
    person_no: str
    title: str
    department_id: int | None
    department_name: str | None
    unit_name: str
    year: int
    gap: float
    credits: float
    lines: list[LineRead]
    last_reminded_at: dt.datetime | None


def _line_read(line: dict) -> LineRead:
    """A line of ``_lines`` as the API shows it (amounts as numbers, not decimal strings)."""
    return LineRead(measure=line["measure"], category=line["category"], required=float(line["required"]),
                    earned=float(line["earned"]), met=line["met"], missing=float(line["missing"]))


def _engine() -> Engine:
    return Person._meta.db


def check_year(year: int | None) -> int:
    year = year if year is not None else clock.today().year
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid("year", f"年度应在 {MIN_YEAR} 至 {MAX_YEAR} 之间")
    return year


# -- who: the people in scope ------------------------------------------------------------------

# A person as the standards see them in the year: that year's history row (title level, unit) where
# there is one, else their current ones (as services/compliance.profiles_for).
_TITLE_LEVEL = "CASE WHEN py.id IS NULL THEN p.title_level ELSE py.title_level END"
_PROFILE_UNIT = "CASE WHEN py.id IS NULL THEN p.unit ELSE py.unit END"
# The group a person is counted in: where they are now; title and title level as of the year.
# (A unary + keeps SQLite from walking a whole index in group order instead of using the scope's.)
_KEYS = {
    "department": "+p.department",
    "unit": "+p.unit",
    "title_level": _TITLE_LEVEL,
    "title": "CASE WHEN py.id IS NULL THEN p.title ELSE py.title END",
    "staffing": "p.staffing",
    "city": "SUBSTR(u.region_code, 1, 4)",
}


@dataclass
class Who:
    """The WHERE (``{}`` placeholders) of the people a query counts, with its arguments.

    ``narrow``: a department's or unit's people, not a region's (their totals are looked up
    person by person; a region's are read as a range)."""

    sql: str
    args: list = field(default_factory=list)
    narrow: bool = True


async def who(principal: Principal, *, unit_id: int | None = None, department_id: int | None = None) -> Who:
    """Active people who join CME in the caller's scope, narrowed to a unit or department in it."""
    grants = scope.grants_sql(principal, department="p.department", unit="p.unit", region_code="u.region_code")
    if grants is None:
        raise Forbidden("forbidden", "只有管理员可以查看统计")
    clauses = [grants[0], "p.joins_cme = {}", "p.status = {}"]
    args = [*grants[1], True, PersonStatus.active.value]
    where = scope.grants_where(principal, department=Department.id, unit=Department.unit,
                               region_code=Department.unit.region_code)
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
    wide = bool(principal.region_prefixes()) and unit_id is None and department_id is None
    return Who(" AND ".join(clauses), args, narrow=not wide)


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
    units = await Unit.select(Unit.id, Unit.region_code, Unit.level)
    sets: list[tuple] = []
    index: dict[tuple[int, ...], int] = {}
    rows: list[tuple[int, str, int]] = []
    for unit in units:
        for level in TitleLevel:
            profile = compliance.Profile(year=year, region_code=unit["region_code"] or "", title_level=level.value,
                                         unit_level=unit["level"] or "")
            applied = tuple(compliance.applicable(of_year, profile))
            if not applied:
                rows.append((unit["id"], level.value, -1))
                continue
            ids = tuple(s.id for s in applied)
            if ids not in index:
                index[ids] = len(sets)
                sets.append(applied)
            rows.append((unit["id"], level.value, index[ids]))
    if not rows:
        return sets, "NULL", [], choosers
    # Literals, not parameters: a province has thousands of these rows (SQLite binds at most 32,766).
    values = ", ".join(f"({int(u)}, {_text(level)}, {int(i)})" for u, level, i in rows)
    return sets, values, [], choosers


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def _rows(who_: Who, year: int, standard_id: int | None, at: dt.datetime, *, key: str,
                grouped: bool) -> tuple[list[dict], list[tuple]]:
    """Run the judging query: per group (``grouped``) or per person; returns rows and the standard sets."""
    sets, profile_values, profile_args, choosers = await _standard_sets(year, standard_id)
    verdicts, verdict_args = rollup.compile_sets(sets, at)
    atoms = verdicts.atoms
    args: list = []
    with_sql = ""
    if standard_id is None and profile_values != "NULL":
        with_sql = f"WITH prof(unit, tl, sset) AS (VALUES {profile_values}) "
        args += profile_args
    if standard_id is not None:
        sset = "0"
    elif profile_values == "NULL":
        sset = "NULL"
    else:
        sset = "prof.sset"
    if choosers:
        sset = f"CASE WHEN p.id IN ({', '.join(str(int(i)) for i in sorted(choosers))}) THEN NULL ELSE {sset} END"
    used = " ".join((verdicts.passed, verdicts.credits, verdicts.gap, verdicts.fallback))
    wide = ", ".join(f"COALESCE(y.{c}, 0) AS {c}" for c in rollup.WIDE_COLUMNS if f"e.{c}" in used) or "0 AS nothing"
    atom_columns = "".join(f", COALESCE(d.{name}, 0) AS {name}" for name in atoms.names.values())
    # Person first, in id order (CROSS JOIN fixes SQLite's join order; PostgreSQL plans as it likes):
    # the totals are then read in the order they are stored, not by a seek at a random place each.
    joins = [
        "CROSS JOIN unit u",
        # (person, year) is unique (migration jijiao_0101): at most one history row.
        "LEFT JOIN person_year py ON py.person = p.id AND py.year = {}",
        "LEFT JOIN credit_year y ON y.year = {} AND y.person = p.id",
    ]
    person_args: list = [year, year]
    if atoms.names:
        # A unit's totals looked up person by person; a region's read as the year's range.
        only = (f" AND person IN (SELECT p.id FROM person p JOIN unit u ON u.id = p.unit WHERE {who_.sql})"
                if who_.narrow else "")
        joins.append(f"LEFT JOIN (SELECT person, {atoms.select()} FROM credit_total WHERE year = {{}} AND "
                     f"({atoms.where()}){only} GROUP BY person) d ON d.person = p.id")
        person_args += [year, *(who_.args if who_.narrow else [])]
    if "prof.sset" in sset:
        joins.append(f"LEFT JOIN prof ON prof.unit = {_PROFILE_UNIT} AND prof.tl = {_TITLE_LEVEL}")
    person_sql = (f"SELECT p.id AS pid, {_KEYS[key]} AS k, {sset} AS sset, y.latest_effective_at AS latest, "
                  f"{wide}{atom_columns} FROM person p {' '.join(joins)} WHERE u.id = p.unit AND {who_.sql}")
    person_args += who_.args
    judged = (f"SELECT e.pid, e.k, {verdicts.passed} AS passed, {verdicts.credits} AS credits, "
              f"{verdicts.gap} AS gap, {verdicts.fallback} AS fallback FROM ({person_sql}) e")
    # Placeholders bind in the order they appear: the verdicts' (the instant of "in force") come
    # before the person rows'.
    args += verdict_args + person_args
    if grouped:
        # One row a group (a hash of 200, not a sort of 100,000): the people the totals cannot
        # judge leave their ids in ``fb`` for the records to judge, and count nowhere else but people.
        ids = ("group_concat(CASE WHEN fallback = 1 THEN pid END)" if db.engine_kind(_engine()) == "sqlite"
               else "string_agg(CAST(CASE WHEN fallback = 1 THEN pid END AS TEXT), ',')")
        sql = (f"{with_sql}SELECT k, {ids} AS fb, COUNT(*) AS people, "
               "SUM(CASE WHEN fallback = 1 THEN 0 ELSE passed END) AS passed, "
               f"SUM(CASE WHEN fallback = 1 THEN 0 ELSE credits END) AS credits FROM ({judged}) v GROUP BY k")
    else:
        sql = f"{with_sql}{judged}"
    return await db.scan(_engine(), sql, *args), sets


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
                           unit_id: int | None = None, department_id: int | None = None) -> Page[GroupRead]:
    """People, passes and counted credits per group of ``by`` (the contract's statistics)."""
    groups = await compliance_groups(principal, year=year, by=by, standard_id=standard_id, unit_id=unit_id,
                                     department_id=department_id)
    return Page(items=[GroupRead(key=g.key, label=g.label, people=g.people, passed=g.passed,
                                 credits=float(g.credits)) for g in groups], total=len(groups))


async def compliance_groups(principal: Principal, *, year: int | None, by: str, standard_id: int | None = None,
                            unit_id: int | None = None, department_id: int | None = None,
                            at: dt.datetime | None = None) -> list[Group]:
    """compliance_table's groups with their credits exact (the workbook adds them up)."""
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
        for person_id in (row["fb"] or "").split(","):
            if person_id:
                late[int(person_id)] = key
        totals[key] = [int(row["people"]), int(row["passed"] or 0), Decimal(str(row["credits"] or 0))]
    for person_id, (passed, credits, _) in (await _exact(sorted(late), year, standard_id, at)).items():
        group = totals[late[person_id]]
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


# -- people's summaries (001 §6.1 人员学分情况查询, §6.2 人员达标情况查询) -------------------------------


_SUMMARY_COLUMNS = (Person.id, Person.name, Person.person_no, Person.title, Person.title_level, Person.staffing,
                    Person.department.as_alias("department_id"),
                    Person.department.name.as_alias("department_name"), Person.unit.name.as_alias("unit_name"))


def _narrow(who_: Who, *, q: str = "", title_level: str | None = None, title: str | None = None,
            staffing: str | None = None) -> Who:
    """The seed's filters on top of the scope (name by substring, number whole)."""
    clauses, args = [who_.sql], list(who_.args)
    q = scope.search_text(q)
    if q:
        clauses.append("(p.name LIKE {} OR p.person_no = {})")
        args += [f"%{q}%", q]
    for column, value in (("p.title_level", title_level), ("p.title", title), ("p.staffing", staffing)):
        if value:
            clauses.append(f"{column} = {{}}")
            args.append(value)
    return Who(" AND ".join(clauses), args)


async def _page_ids(who_: Who, page: int, page_size: int) -> tuple[list[int], int]:
    base = f"FROM person p JOIN unit u ON u.id = p.unit WHERE {who_.sql}"
    total = (await db.scan(_engine(), f"SELECT COUNT(*) AS n {base}", *who_.args))[0]["n"]
    rows = await db.scan(_engine(), f"SELECT p.id FROM person p JOIN unit u ON u.id = p.unit "
                                     f"LEFT JOIN department d ON d.id = p.department WHERE {who_.sql} "
                                     "ORDER BY u.name, d.sort_order, p.person_no LIMIT {} OFFSET {}",
                          *who_.args, page_size, (page - 1) * page_size)
    return [r["id"] for r in rows], int(total)


async def _year_sums(person_ids: list[int], year: int, at: dt.datetime) -> dict[int, dict]:
    """Per person: I, II, total credits and hours of records in force, and what still waits for approval."""
    out = {i: {"credits_i": Decimal(0), "credits_ii": Decimal(0), "hours": Decimal(0), "pending_records": 0,
               "pending_credits": Decimal(0)} for i in person_ids}
    if not person_ids:
        return out
    rows = await Credit.select(Credit.person, Credit.credit_class, Credit.credits, Credit.hours, Credit.status,
                               Credit.effective_at).where(
        Credit.person.is_in(person_ids) & (Credit.activity_date >= dt.date(year, 1, 1))
        & (Credit.activity_date <= dt.date(year, 12, 31))
        & Credit.status.is_in([CreditStatus.effective.value, *PENDING]))
    for row in rows:
        sums = out[row["person"]]
        credits, hours = Decimal(str(row["credits"])), Decimal(str(row["hours"]))
        if row["status"] in PENDING:
            sums["pending_records"] += 1
            sums["pending_credits"] += credits
        elif row["effective_at"] is None or row["effective_at"] <= at:
            sums["credits_i" if row["credit_class"] == "I" else "credits_ii"] += credits
            sums["hours"] += hours
    return out


def _lines(result: compliance.Result) -> list[dict]:
    return [{"measure": line.measure, "category": line.category, "required": line.required,
             "earned": line.earned, "met": line.met, "missing": line.missing} for line in result.lines]


def _results(results: list[compliance.Result]) -> list[dict]:
    return [{"standard": {"id": r.standard.id, "name": r.standard.name}, "passed": r.passed, "lines": _lines(r)}
            for r in results]


async def people_summary(principal: Principal, *, year: int | None, unit_id: int | None = None,
                         department_id: int | None = None, q: str = "", title_level: str | None = None,
                         title: str | None = None, staffing: str | None = None, passed: bool | None = None,
                         page: int = 1, page_size: int = 20) -> Page[PersonYearRead]:
    """Each person's year: I, II, total, hours, pending, whether they pass and each standard's lines."""
    rows, total = await summary_rows(principal, year=year, unit_id=unit_id, department_id=department_id, q=q,
                                     title_level=title_level, title=title, staffing=staffing, passed=passed,
                                     page=page, page_size=page_size)
    return Page(items=[_person_year(r) for r in rows], total=total)


def _person_year(row: dict) -> PersonYearRead:
    return PersonYearRead(
        id=row["id"], name=row["name"], person_no=row["person_no"], title=row["title"],
        title_level=row["title_level"], staffing=row["staffing"], department_id=row["department_id"],
        department_name=row["department_name"], unit_name=row["unit_name"], year=row["year"],
        credits_i=float(row["credits_i"]), credits_ii=float(row["credits_ii"]),
        credits_total=float(row["credits_total"]), hours=float(row["hours"]),
        pending_records=row["pending_records"], pending_credits=float(row["pending_credits"]),
        counted_credits=float(row["counted_credits"]), passed=row["passed"],
        results=[ResultRead(standard=StandardRef(id=r["standard"]["id"], name=r["standard"]["name"]),
                            passed=r["passed"], lines=[_line_read(line) for line in r["lines"]])
                 for r in row["results"]])


async def summary_rows(principal: Principal, *, year: int | None, unit_id: int | None = None,
                       department_id: int | None = None, q: str = "", title_level: str | None = None,
                       title: str | None = None, staffing: str | None = None, passed: bool | None = None,
                       page: int = 1, page_size: int = 20, everyone: bool = False) -> tuple[list[dict], int]:
    """people_summary's rows, amounts exact (the workbook reads them), and the total.

    ``passed`` filters by the verdict (everyone in scope is judged for it);
    ``everyone`` returns all rows (the workbook)."""
    year = check_year(year)
    at = clock.now()
    who_ = _narrow(await who(principal, unit_id=unit_id, department_id=department_id), q=q,
                   title_level=title_level, title=title, staffing=staffing)
    if passed is None and not everyone:
        ids, total = await _page_ids(who_, page, page_size)
    else:
        ids, total = await _page_ids(who_, 1, 10**9)
        if passed is not None:
            verdicts = {v.person_id: v.passed for v in await person_verdicts(who_, year, at=at)}
            ids = [i for i in ids if verdicts.get(i) == passed]
            total = len(ids)
        if not everyone:
            ids = ids[(page - 1) * page_size: page * page_size]
    people = {r["id"]: r for r in await Person.select(*_SUMMARY_COLUMNS).where(Person.id.is_in(ids or [0]))}
    sums = await _year_sums(ids, year, at)
    results = await judging.results_for(ids, year, at)
    items = []
    for person_id in ids:
        judged = results.get(person_id, [])
        ok, counted, _ = verdict_of(judged)
        s = sums[person_id]
        items.append({**people[person_id], "year": year, "credits_i": s["credits_i"], "credits_ii": s["credits_ii"],
                      "credits_total": s["credits_i"] + s["credits_ii"], "hours": s["hours"],
                      "pending_records": s["pending_records"], "pending_credits": s["pending_credits"],
                      "counted_credits": counted, "passed": ok, "results": _results(judged)})
    return items, total


# -- at risk: who does not pass yet, and what each still needs ------------------------------------


async def at_risk(principal: Principal, *, year: int | None, unit_id: int | None = None,
                  department_id: int | None = None, page: int = 1, page_size: int = 20) -> Page[AtRiskRead]:
    """People who do not pass ``year`` yet, the largest gap first, each with their unmet lines."""
    from server.services import reminders

    year = check_year(year)
    at = clock.now()
    who_ = await who(principal, unit_id=unit_id, department_id=department_id)
    pending = [v for v in await person_verdicts(who_, year, at=at) if not v.passed and v.gap > 0]
    total = len(pending)
    names = {r["id"]: r["name"] for r in await Person.select(Person.id, Person.name).where(
        Person.id.is_in([v.person_id for v in pending] or [0]))}
    pending.sort(key=lambda v: (-v.gap, names.get(v.person_id, ""), v.person_id))
    chosen = pending[(page - 1) * page_size: page * page_size]
    ids = [v.person_id for v in chosen]
    people = {r["id"]: r for r in await Person.select(*_SUMMARY_COLUMNS).where(Person.id.is_in(ids or [0]))}
    results = await judging.results_for(ids, year, at)
    reminded = await reminders.last_sent(ids)
    items = []
    for verdict in chosen:
        person = people[verdict.person_id]
        judged = results.get(verdict.person_id, [])
        unmet = [_line_read(line) for r in judged for line in _lines(r) if not line["met"]]
        items.append(AtRiskRead(
            id=person["id"], name=person["name"], person_no=person["person_no"], title=person["title"],
            department_id=person["department_id"], department_name=person["department_name"],
            unit_name=person["unit_name"], year=year, gap=float(verdict.gap), credits=float(verdict.credits),
            lines=unmet, last_reminded_at=reminded.get(verdict.person_id)))
    return Page(items=items, total=total)


@dataclass(frozen=True, slots=True)
class Need:
    passed: bool
    results: list

    def unmet(self) -> list[dict]:
        return [{"measure": line.measure, "category": line.category, "required": line.required,
                 "earned": line.earned, "gap": line.missing} for r in self.results for line in r.lines if not line.met]


async def needs(person_ids: list[int], year: int) -> dict[int, Need]:
    """What each person still needs for ``year`` (reminders say it)."""
    results = await judging.results_for(person_ids, year)
    return {i: Need(verdict_of(results.get(i, []))[0], results.get(i, [])) for i in person_ids}


async def at_risk_in_units(unit_ids: list[int], year: int) -> list[dict]:
    """Everyone of these units not passing ``year`` yet, with what they need (``jijiao remind``)."""
    if not unit_ids:
        return []
    who_ = Who(f"p.unit IN ({', '.join('{}' for _ in unit_ids)}) AND p.joins_cme = {{}} AND p.status = {{}}",
               [*unit_ids, True, PersonStatus.active.value])
    at = clock.now()
    failing = [v.person_id for v in await person_verdicts(who_, year, at=at) if not v.passed and v.gap > 0]
    if not failing:
        return []
    rows = await Person.select(Person.id, Person.name, Person.phone, Person.unit.as_alias("unit_id"),
                               Person.unit.name.as_alias("unit_name"), Person.department.as_alias("department_id"),
                               Person.department.name.as_alias("department_name")).where(Person.id.is_in(failing))
    need = await needs(failing, year)
    return [{"person_id": r["id"], "name": r["name"], "phone": r["phone"], "unit_id": r["unit_id"],
             "unit_name": r["unit_name"], "department_id": r["department_id"],
             "department_name": r["department_name"], "lines": need[r["id"]].unmet()} for r in rows]


async def person_years(person_id: int, years: list[int], at: dt.datetime | None = None) -> dict[int, list]:
    """One person's results for each of ``years`` (the multi-year verification's data)."""
    return (await judging.results_for_years([person_id], years, at)).get(person_id, {})
