"""A person's compliance (达标) for a year, explained line by line (seed 001 §6.2, 000 §6, 004 §6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.params import QueryParameter

from server.compliance import Result
from server.controllers.schemas import PathId, QueryId
from server.security import Caller
from server.services import compliance

CENT = Decimal("0.01")
YearParam = Annotated[int | None, QueryParameter(ge=2000, le=2100)]


def _float(value: Decimal) -> float:
    return float(value.quantize(CENT))


class StandardRef(msgspec.Struct):
    id: int
    name: str
    scheme: str
    certificate_requires_pass: bool


class LineRead(msgspec.Struct):
    measure: str
    category: str
    required: float
    earned: float
    met: bool
    # What is still missing, what waits for approval, what is approved and counts from a later day.
    missing: float
    pending: float
    upcoming: float
    credit_ids: list[int]


class ExcludedRead(msgspec.Struct):
    credit_id: int
    reason: str
    # What still counts of a capped record (0 for every other reason).
    counted_credits: float
    counted_hours: float


class ResultRead(msgspec.Struct):
    standard: StandardRef
    passed: bool
    lines: list[LineRead]
    excluded: list[ExcludedRead]
    counted_credits: float
    counted_hours: float

    @classmethod
    def of(cls, result: Result) -> "ResultRead":
        s = result.standard
        return cls(
            standard=StandardRef(s.id, s.name, s.scheme, s.certificate_requires_pass), passed=result.passed,
            lines=[LineRead(l.measure, l.category, _float(l.required), _float(l.earned), l.met, _float(l.missing),
                            _float(l.pending), _float(l.upcoming), list(l.credit_ids)) for l in result.lines],
            excluded=[ExcludedRead(e.credit_id, e.reason, _float(e.counted_credits), _float(e.counted_hours))
                      for e in result.excluded],
            counted_credits=_float(result.counted_credits), counted_hours=_float(result.counted_hours))


class RecordRead(msgspec.Struct):
    id: int
    title: str
    activity_date: dt.date
    credit_class: str
    category: str
    source: str
    credits: float
    hours: float
    status: str
    effective_at: dt.datetime | None


class ComplianceRead(msgspec.Struct):
    person_id: int
    year: int
    # False: the person does not take part in CME (是否参加继教), and no standard judges them.
    joins_cme: bool
    title_level: str
    unit_level: str
    results: list[ResultRead]
    # The records of the year the results are about, for their titles.
    records: list[RecordRead]

    @classmethod
    def of(cls, answer: compliance.PersonYearAnswer) -> "ComplianceRead":
        return cls(
            person_id=answer.person_id, year=answer.year, joins_cme=answer.joins_cme,
            title_level=answer.title_level, unit_level=answer.unit_level,
            results=[ResultRead.of(r) for r in answer.results],
            records=[RecordRead(r.id, r.title, r.activity_date, r.credit_class, r.category, r.source,
                                _float(r.credits), _float(r.hours), r.status, r.effective_at) for r in answer.records])


class ComplianceController(Controller):
    path = "/api"
    tags = ["compliance"]

    @get("/me/compliance")
    async def mine(self, principal: Caller, year: YearParam = None, standard_id: QueryId = None) -> ComplianceRead:
        """The caller's results for ``year`` (default: this year), one per standard that applies."""
        return ComplianceRead.of(await compliance.my_year(principal, year=year, standard_id=standard_id))

    @get("/people/{person_id:int}/compliance")
    async def person(self, principal: Caller, person_id: PathId, year: YearParam = None,
                     standard_id: QueryId = None) -> ComplianceRead:
        """The person's results, for the person and the admins whose scope holds them (404 for anyone else)."""
        return ComplianceRead.of(await compliance.person_year(principal, person_id, year=year,
                                                              standard_id=standard_id))
