"""What the pure computation (``server.compliance``) needs, read in batches, and a person's answer.

Statistics, registers and proofs judge many people at once: they call

    standards_ = await standards.of_year(year)                # once
    records = await records_for(person_ids, year)             # one query per 500 people
    profiles = await profiles_for(person_ids, year)           # two queries per 500 people
    chosen = await choices_for(person_ids, year)              # one query per 500 people
    for person_id in person_ids:
        for standard in compliance.applicable(standards_, profiles[person_id], chosen.get(person_id, ())):
            result = compliance.evaluate(standard, records.get(person_id, []), year, at)

or :func:`results_for`, which does exactly that. The trainee's pages and the admin
views call :func:`person_year`, which adds the scope check and the records' titles.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Sequence

from server import clock, compliance
from server.compliance import Profile, Record, Result
from server.services import scope, standards
from server.services.errors import Forbidden, Invalid, NotFound
from server.services.principal import Principal
from server.tables import Credit, Person, PersonStandard, PersonYear, Standard
from server.tables.enums import CreditStatus

__all__ = ["PersonYearAnswer", "RecordLine", "choices_for", "my_year", "person_year", "profiles_for", "records_for",
           "results_for", "results_for_years", "this_year"]

# Records compliance looks at: what counts, and what waits for approval (shown apart).
READ_STATUSES = (CreditStatus.pending_dept.value, CreditStatus.pending_unit.value, CreditStatus.effective.value)
_BATCH = 500


def this_year() -> int:
    """The credit year now: January–December, China time."""
    return clock.today().year


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _BATCH):
        yield ordered[start:start + _BATCH]


def _record(row: dict) -> Record:
    return Record(credit_id=row["id"], activity_date=row["activity_date"], credit_class=row["credit_class"],
                  category=row["category"], source=row["source"], rule_code=row["rule_code"] or "",
                  credits=Decimal(row["credits"]), hours=Decimal(row["hours"]), status=row["status"],
                  effective_at=row["effective_at"])


async def records_for(person_ids: Sequence[int], year: int) -> dict[int, list[Record]]:
    """Each person's records that bear on ``year``: pending or effective, dated in the year or filed under it.

    A record filed under a neighbouring year but dated in this one counts here;
    one filed under this year but dated in another is handed over so that the
    computation can say why it does not count (``other_year``).
    """
    out: dict[int, list[Record]] = {}
    for chunk in _chunks(person_ids):
        rows = await Credit.select(
            Credit.id, Credit.person, Credit.year, Credit.activity_date, Credit.credit_class, Credit.category,
            Credit.source, Credit.rule_code, Credit.credits, Credit.hours, Credit.status, Credit.effective_at,
        ).where(Credit.person.is_in(chunk) & Credit.year.is_in([year - 1, year, year + 1])
                & Credit.status.is_in(list(READ_STATUSES)))
        for row in rows:
            if row["year"] == year or row["activity_date"].year == year:
                out.setdefault(row["person"], []).append(_record(row))
    return out


async def profiles_for(person_ids: Sequence[int], year: int) -> dict[int, Profile]:
    """Each person as the standards see them in ``year``: the title level and unit of that year's history
    row (seed 001 §2.2 人员状态/职称变更) where there is one, else the person's current ones."""
    out: dict[int, Profile] = {}
    for chunk in _chunks(person_ids):
        people = await Person.select(
            Person.id, Person.title_level, Person.joins_cme, Person.unit.region_code.as_alias("region_code"),
            Person.unit.level.as_alias("unit_level"),
        ).where(Person.id.is_in(chunk))
        history = {r["person"]: r for r in await PersonYear.select(
            PersonYear.person, PersonYear.title_level, PersonYear.unit.region_code.as_alias("region_code"),
            PersonYear.unit.level.as_alias("unit_level"),
        ).where(PersonYear.person.is_in(chunk) & (PersonYear.year == year)).order_by(PersonYear.id)}
        for person in people:
            then = history.get(person["id"], person)
            out[person["id"]] = Profile(year=year, region_code=then["region_code"] or "",
                                        title_level=then["title_level"], unit_level=then["unit_level"] or "",
                                        joins_cme=bool(person["joins_cme"]))
    return out


async def choices_for(person_ids: Sequence[int], year: int) -> dict[int, list[int]]:
    """The live standards people chose for ``year`` (000 §6.1 个人学分标准)."""
    out: dict[int, list[int]] = {}
    for chunk in _chunks(person_ids):
        rows = await PersonStandard.select(PersonStandard.person, PersonStandard.standard).where(
            PersonStandard.person.is_in(chunk) & (PersonStandard.year == year)
            & PersonStandard.standard.retired_at.is_null())
        for row in rows:
            out.setdefault(row["person"], []).append(row["standard"])
    return out


async def results_for(person_ids: Sequence[int], year: int, at: dt.datetime | None = None,
                      standard_id: int | None = None) -> dict[int, list[Result]]:
    """Every person's results for ``year``: the standards that apply to them, or only ``standard_id``.

    People who do not join CME get an empty list unless ``standard_id`` names one.
    """
    at = at or clock.now()
    of_year = await standards.of_year(year)
    # A named standard is judged even when retired (a register reprinted for a past year).
    named = ([(await standards.get(standard_id, include_retired=True)).standard] if standard_id is not None
             else None)
    records = await records_for(person_ids, year)
    profiles = await profiles_for(person_ids, year)
    chosen = await choices_for(person_ids, year) if named is None else {}
    out: dict[int, list[Result]] = {}
    for person_id in person_ids:
        profile = profiles.get(person_id)
        if profile is None:
            continue
        judged = named if named is not None else compliance.applicable(of_year, profile, chosen.get(person_id, ()))
        out[person_id] = [compliance.evaluate(s, records.get(person_id, []), year, at) for s in judged]
    return out


async def results_for_years(person_ids: Sequence[int], years: Sequence[int],
                            at: dt.datetime | None = None) -> dict[int, dict[int, list[Result]]]:
    """``results_for`` of several years at once, each kind of row read once for all of them
    (a person's five years in a handful of queries): person → year → results."""
    at = at or clock.now()
    years = sorted(set(years))
    records: dict[tuple[int, int], list[Record]] = {}
    profiles: dict[tuple[int, int], Profile] = {}
    chosen: dict[tuple[int, int], list[int]] = {}
    # The reads are independent: at once, each on its own connection (PostgreSQL's pool,
    # SQLite's reader threads), so a person's five years cost one round trip, not five.
    of_years_read = asyncio.ensure_future(standards.of_years(years))
    for chunk in _chunks(person_ids):
        rows, people, history_rows, choice_rows = await asyncio.gather(
            Credit.select(
                Credit.id, Credit.person, Credit.year, Credit.activity_date, Credit.credit_class, Credit.category,
                Credit.source, Credit.rule_code, Credit.credits, Credit.hours, Credit.status, Credit.effective_at,
            ).where(Credit.person.is_in(chunk) & (Credit.year >= years[0] - 1) & (Credit.year <= years[-1] + 1)
                    & Credit.status.is_in(list(READ_STATUSES))),
            Person.select(
                Person.id, Person.title_level, Person.joins_cme, Person.unit.region_code.as_alias("region_code"),
                Person.unit.level.as_alias("unit_level"),
            ).where(Person.id.is_in(chunk)),
            PersonYear.select(
                PersonYear.person, PersonYear.year, PersonYear.title_level,
                PersonYear.unit.region_code.as_alias("region_code"), PersonYear.unit.level.as_alias("unit_level"),
            ).where(PersonYear.person.is_in(chunk) & PersonYear.year.is_in(years)).order_by(PersonYear.id),
            PersonStandard.select(PersonStandard.person, PersonStandard.year, PersonStandard.standard).where(
                PersonStandard.person.is_in(chunk) & PersonStandard.year.is_in(years)
                & PersonStandard.standard.retired_at.is_null()),
        )
        for row in rows:
            # As records_for: filed under the year, or dated in it and filed next to it.
            for year in {row["year"], row["activity_date"].year} & set(years):
                if abs(row["year"] - year) > 1:
                    continue
                records.setdefault((row["person"], year), []).append(_record(row))
        history = {(r["person"], r["year"]): r for r in history_rows}
        for person in people:
            for year in years:
                then = history.get((person["id"], year), person)
                profiles[(person["id"], year)] = Profile(
                    year=year, region_code=then["region_code"] or "", title_level=then["title_level"],
                    unit_level=then["unit_level"] or "", joins_cme=bool(person["joins_cme"]))
        for row in choice_rows:
            chosen.setdefault((row["person"], row["year"]), []).append(row["standard"])
    of_years = await of_years_read
    out: dict[int, dict[int, list[Result]]] = {}
    for person_id in person_ids:
        for year in years:
            profile = profiles.get((person_id, year))
            if profile is None:
                continue
            judged = compliance.applicable(of_years[year], profile, chosen.get((person_id, year), ()))
            out.setdefault(person_id, {})[year] = [
                compliance.evaluate(s, records.get((person_id, year), []), year, at) for s in judged]
    return out


# -- one person's year, for the pages that explain it -------------------------------------


@dataclass(frozen=True, slots=True)
class RecordLine:
    """A record as the explanation lists it."""

    id: int
    title: str
    activity_date: dt.date
    credit_class: str
    category: str
    source: str
    credits: Decimal
    hours: Decimal
    status: str
    effective_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class PersonYearAnswer:
    person_id: int
    year: int
    joins_cme: bool
    title_level: str
    unit_level: str
    results: list[Result]
    records: list[RecordLine]


async def my_year(principal: Principal, *, year: int | None = None,
                  standard_id: int | None = None) -> PersonYearAnswer:
    if principal.person_id is None:
        raise Forbidden("no_person", "当前账号未关联人员档案，没有个人达标情况")
    return await person_year(principal, principal.person_id, year=year, standard_id=standard_id)


async def person_year(principal: Principal, person_id: int, *, year: int | None = None,
                      standard_id: int | None = None, at: dt.datetime | None = None) -> PersonYearAnswer:
    """``person_id``'s compliance for ``year`` as the caller may see it (404 outside their scope)."""
    where = scope.people_where(principal, person=Person)
    if where is None or not await Person.exists().where(where).where(Person.id == person_id):
        raise NotFound("person_not_found", "人员不存在或不在您的管理范围内")
    if standard_id is not None:
        row = await Standard.select(Standard.year).where(
            (Standard.id == standard_id) & Standard.retired_at.is_null()).first()
        if row is None:
            raise Invalid("standard_id", "达标标准不存在")
        if year is not None and year != row["year"]:
            raise Invalid("year", f"所选标准是 {row['year']} 年度的，与年度 {year} 不符")
        year = row["year"]
    year = year or this_year()
    profile = (await profiles_for([person_id], year))[person_id]
    results = (await results_for([person_id], year, at, standard_id)).get(person_id, [])
    rows = await Credit.select(
        Credit.id, Credit.title, Credit.activity_date, Credit.credit_class, Credit.category, Credit.source,
        Credit.credits, Credit.hours, Credit.status, Credit.effective_at, Credit.year,
    ).where((Credit.person == person_id) & Credit.year.is_in([year - 1, year, year + 1])
            & Credit.status.is_in(list(READ_STATUSES))).order_by(Credit.activity_date).order_by(Credit.id)
    records = [RecordLine(r["id"], r["title"], r["activity_date"], r["credit_class"], r["category"], r["source"],
                          Decimal(r["credits"]), Decimal(r["hours"]), r["status"], r["effective_at"])
               for r in rows if r["year"] == year or r["activity_date"].year == year]
    return PersonYearAnswer(person_id, year, profile.joins_cme, profile.title_level, profile.unit_level, results,
                            records)

