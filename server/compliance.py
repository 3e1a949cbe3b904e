"""Compliance (达标): the one computation of whether a person met a year's standard, and why.

Pure: no database, no clock, no web. Every reader — the trainee's pages, the
admin views, statistics, certificates and printed registers — loads a
:class:`Standard` and a person's :class:`Record` s (``services/compliance.py``
does both, batched) and calls :func:`evaluate`; which standards apply to whom
is :func:`applicable`. Amounts are exact ``Decimal`` throughout; the API rounds
to two places only when it presents them (they are two-place already: the
ledger stores two places, and sums and caps of two-place numbers stay so).

How a record counts for a standard and a year (``evaluate``):

1. Its activity date must fall in the year, else ``other_year``.
2. Its status must be effective: ``pending`` while a department or unit still
   has to approve it; ``not_effective`` for a draft, returned, rejected or
   revoked record (``services/compliance.records_for`` never reads those, but
   the function is total).
3. It must be in force at ``at``: an approved personal entry counts from the
   next local day (seed 001 §5.2, ``JIJIAO_PERSONAL_CREDIT_NEXT_DAY``), so until
   then it is ``not_in_force``. ``effective_at`` None means in force at once.
4. Some line must count it: a ``total`` line counts every record, ``I``/``II``
   lines count by class, ``public``/``professional``/``elective`` lines by
   category. A record no line matches is ``not_counted``; one that a line
   matches but that has nothing in that line's measure (an authored paper has
   credits but no hours, and the line counts hours) is ``no_amount``.
5. Caps: records are taken in activity-date order (then by id); each cap keeps
   a running total of what it let through, and a record counts, in each
   measure, the least of its amount and what every cap matching it still
   allows. A record cut short, wholly or partly, in a measure some line counts
   it in is ``capped`` (its ``counted`` amounts say how much still counted).

A line's ``earned`` is the sum of what counts in its measure over the records
it matches; it is ``met`` when ``earned >= required``; ``passed`` when every
line is met. ``pending`` and ``upcoming`` on a line are what waits for approval
or for its first day in force (before caps), so a trainee who just checked in
sees the new credit at once.

Which standards apply (``applicable``): for each scheme (``cme`` credits,
``hours`` 学时), the person's own choice for that year, else the most specific
automatic standard matching the person's region, title level and unit level
*for that year*: a more specific region first (a province's over the nation's,
a city's over its province's), then the one naming more of the two levels,
then the newest (the latest made of two equally specific standards wins, so an
administrator's new standard replaces a seeded one without retiring it). A
person who does not join CME has none. Standards with ``auto_apply`` false
(a national reference such as 人社部令第25号 where a province implements it
through CME) apply only when chosen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Sequence

__all__ = [
    "CATEGORIES", "EXCLUSION_REASONS", "MEASURES", "SCHEMES",
    "Cap", "Excluded", "Line", "Profile", "Record", "Requirement", "Result", "Standard",
    "applicable", "evaluate",
]

MEASURES = ("credits", "hours")
SCHEMES = ("cme", "hours")
# What a requirement line counts: everything, a class, or a category.
CATEGORIES = ("total", "I", "II", "public", "professional", "elective")
EXCLUSION_REASONS = ("other_year", "pending", "not_effective", "not_in_force", "not_counted", "no_amount", "capped")

_PENDING = frozenset({"pending_dept", "pending_unit"})
_EFFECTIVE = "effective"
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Requirement:
    """At least ``min`` of ``measure`` from the records of ``category``."""

    measure: str
    category: str
    min: Decimal


@dataclass(frozen=True, slots=True)
class Cap:
    """At most ``max`` of ``measure`` counts from the records matching every non-None field."""

    measure: str
    max: Decimal
    credit_class: str | None = None
    category: str | None = None
    source: str | None = None
    rule_code: str | None = None

    def matches(self, record: "Record") -> bool:
        return ((self.credit_class is None or record.credit_class == self.credit_class)
                and (self.category is None or record.category == self.category)
                and (self.source is None or record.source == self.source)
                and (self.rule_code is None or record.rule_code == self.rule_code))


@dataclass(frozen=True, slots=True)
class Standard:
    id: int
    year: int
    name: str
    scheme: str
    requirements: tuple[Requirement, ...]
    caps: tuple[Cap, ...] = ()
    # GB/T 2260 code of the region it belongs to, None for national; ``region_prefix``
    # its significant digits ("99" for 990000, "" for national).
    region_code: str | None = None
    region_prefix: str = ""
    title_levels: tuple[str, ...] = ()
    unit_levels: tuple[str, ...] = ()
    certificate_requires_pass: bool = False
    auto_apply: bool = True


@dataclass(frozen=True, slots=True)
class Record:
    """A credit record as compliance sees it."""

    credit_id: int
    activity_date: dt.date
    credit_class: str
    category: str
    source: str
    rule_code: str
    credits: Decimal
    hours: Decimal
    status: str
    effective_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    """A person as the standards see them in one year."""

    year: int
    region_code: str  # of the unit they belonged to that year
    title_level: str
    unit_level: str
    joins_cme: bool = True


@dataclass(frozen=True, slots=True)
class Line:
    measure: str
    category: str
    required: Decimal
    earned: Decimal
    met: bool
    pending: Decimal = _ZERO
    upcoming: Decimal = _ZERO
    # The records that count towards the line, in activity-date order.
    credit_ids: tuple[int, ...] = ()

    @property
    def missing(self) -> Decimal:
        return max(self.required - self.earned, _ZERO)


@dataclass(frozen=True, slots=True)
class Excluded:
    """A record that does not count, or not fully, and why; ``counted`` is what still counts."""

    credit_id: int
    reason: str
    counted_credits: Decimal = _ZERO
    counted_hours: Decimal = _ZERO


@dataclass(frozen=True, slots=True)
class Result:
    standard: Standard
    year: int
    passed: bool
    lines: tuple[Line, ...]
    excluded: tuple[Excluded, ...]
    # What counts after the caps, per record that counts at all: id → (credits, hours).
    counted: dict[int, tuple[Decimal, Decimal]] = field(default_factory=dict)

    @property
    def counted_credits(self) -> Decimal:
        return sum((c for c, _ in self.counted.values()), _ZERO)

    @property
    def counted_hours(self) -> Decimal:
        return sum((h for _, h in self.counted.values()), _ZERO)

    @property
    def missing_lines(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if not line.met)


def _date_then_id(record: Record) -> tuple[dt.date, int]:
    return (record.activity_date, record.credit_id)


def evaluate(standard: Standard, records: Iterable[Record], year: int, at: dt.datetime) -> Result:
    """``standard`` judged on ``records`` for ``year``, as things stand at the instant ``at``.

    One pass in activity-date order (then id): the order caps are applied in,
    and the order exclusions are listed in.
    """
    lines = [(r.category, r.measure == "credits") for r in standard.requirements]
    count = len(lines)
    earned = [_ZERO] * count
    pending = [_ZERO] * count
    upcoming = [_ZERO] * count
    behind: list[list[int]] = [[] for _ in range(count)]
    caps = standard.caps
    room = [cap.max for cap in caps]
    excluded: list[Excluded] = []
    counted: dict[int, tuple[Decimal, Decimal]] = {}
    # Per (class, category): the lines that count such a record, and whether any
    # of them counts credits / hours; per (class, category, source, rule): the
    # caps that match it. A year has a handful of kinds and many records.
    line_kinds: dict[tuple[str, str], tuple[tuple[int, ...], bool, bool]] = {}
    cap_kinds: dict[tuple[str, str, str, str], tuple[int, ...]] = {}
    for record in sorted(records, key=_date_then_id):
        if record.activity_date.year != year:
            excluded.append(Excluded(record.credit_id, "other_year"))
            continue
        kind = (record.credit_class, record.category)
        found = line_kinds.get(kind)
        if found is None:
            # A line counts a record when it names "total", the record's class or its category.
            matched = tuple(i for i, (category, _) in enumerate(lines) if category in ("total", *kind))
            found = line_kinds[kind] = (matched, any(lines[i][1] for i in matched),
                                        any(not lines[i][1] for i in matched))
        matched, in_credits, in_hours = found
        status = record.status
        if status != _EFFECTIVE or (record.effective_at is not None and record.effective_at > at):
            if status == _EFFECTIVE:
                excluded.append(Excluded(record.credit_id, "not_in_force"))
                waiting = upcoming
            elif status in _PENDING:
                excluded.append(Excluded(record.credit_id, "pending"))
                waiting = pending
            else:
                excluded.append(Excluded(record.credit_id, "not_effective"))
                continue
            for index in matched:
                waiting[index] += record.credits if lines[index][1] else record.hours
            continue
        if not matched:
            excluded.append(Excluded(record.credit_id, "not_counted"))
            continue
        credits, hours = record.credits, record.hours
        if not ((in_credits and credits > 0) or (in_hours and hours > 0)):
            excluded.append(Excluded(record.credit_id, "no_amount"))
            continue
        if caps:
            cap_kind = (record.credit_class, record.category, record.source, record.rule_code)
            hits = cap_kinds.get(cap_kind)
            if hits is None:
                hits = cap_kinds[cap_kind] = tuple(i for i, cap in enumerate(caps) if cap.matches(record))
            for index in hits:
                if caps[index].measure == "credits":
                    credits = min(credits, room[index])
                else:
                    hours = min(hours, room[index])
            for index in hits:
                room[index] -= credits if caps[index].measure == "credits" else hours
            if (in_credits and credits < record.credits) or (in_hours and hours < record.hours):
                excluded.append(Excluded(record.credit_id, "capped", credits, hours))
        counted[record.credit_id] = (credits, hours)
        for index in matched:
            amount = credits if lines[index][1] else hours
            if amount > 0:
                earned[index] += amount
                behind[index].append(record.credit_id)
    result_lines = tuple(
        Line(r.measure, r.category, r.min, earned[i], earned[i] >= r.min, pending[i], upcoming[i], tuple(behind[i]))
        for i, r in enumerate(standard.requirements))
    return Result(standard, year, all(line.met for line in result_lines), result_lines, tuple(excluded), counted)


def _specificity(standard: Standard) -> tuple[int, int, int]:
    named = bool(standard.title_levels) + bool(standard.unit_levels)
    return (len(standard.region_prefix), named, standard.id)


def _matches(standard: Standard, profile: Profile) -> bool:
    return (standard.auto_apply
            and profile.region_code.startswith(standard.region_prefix)
            and (not standard.title_levels or profile.title_level in standard.title_levels)
            and (not standard.unit_levels or profile.unit_level in standard.unit_levels))


def applicable(standards: Sequence[Standard], profile: Profile, chosen: Iterable[int] = ()) -> list[Standard]:
    """The standards that judge ``profile``'s year: one per scheme, in scheme order (cme, hours)."""
    if not profile.joins_cme:
        return []
    of_year = [s for s in standards if s.year == profile.year]
    picked: dict[str, Standard] = {}
    wanted = set(chosen)
    for standard in of_year:
        if standard.id in wanted:
            # Two choices of one scheme cannot be stored; if they were, the newest wins.
            current = picked.get(standard.scheme)
            if current is None or standard.id > current.id:
                picked[standard.scheme] = standard
    for standard in of_year:
        if standard.scheme in picked and picked[standard.scheme].id in wanted:
            continue
        if _matches(standard, profile):
            current = picked.get(standard.scheme)
            if current is None or _specificity(standard) > _specificity(current):
                picked[standard.scheme] = standard
    return [picked[s] for s in SCHEMES if s in picked]
