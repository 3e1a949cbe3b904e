"""Compliance standards (达标标准) and the standards a person chooses for a year (个人学分标准)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.params import JSONBody, QueryParameter

from server import compliance
from server.controllers.schemas import Category, Id, Page, PathId
from server.security import Caller
from server.services.principal import Principal
from server.services import standards
from server.tables.enums import CreditClass, CreditSource, TitleLevel, UnitLevel

Year = Annotated[int, msgspec.Meta(ge=2000, le=2100)]
Amount = Annotated[float, msgspec.Meta(ge=0, le=1000)]
Measure = Literal["credits", "hours"]
LineCategory = Literal["total", "I", "II", "public", "professional", "elective"]
RegionCode = Annotated[str, msgspec.Meta(pattern=r"^\d{6}$")]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Note = Annotated[str, msgspec.Meta(max_length=2000)]
Scheme = Literal["cme", "hours"]
CENT = Decimal("0.01")


def _float(value: Decimal) -> float:
    return float(value.quantize(CENT))


def _dec(value: float) -> Decimal:
    return Decimal(str(value))


class RequirementBody(msgspec.Struct):
    measure: Measure
    category: LineCategory
    min: Amount


class CapBody(msgspec.Struct, rename={"credit_class": "class"}):
    measure: Measure
    max: Amount
    credit_class: CreditClass | None = None
    category: Category | None = None
    source: CreditSource | None = None
    rule_code: Annotated[str, msgspec.Meta(max_length=40)] | None = None


class StandardCreate(msgspec.Struct):
    year: Year
    name: Name
    scheme: Scheme
    requirements: Annotated[list[RequirementBody], msgspec.Meta(max_length=20)]
    # Left out: the caller's own region. null would mean national, which no region admin keeps.
    region_code: RegionCode | None | msgspec.UnsetType = msgspec.UNSET
    title_levels: list[TitleLevel] = []
    unit_levels: list[UnitLevel] = []
    caps: Annotated[list[CapBody], msgspec.Meta(max_length=20)] = []
    certificate_requires_pass: bool = False
    auto_apply: bool = True
    note: Note = ""

    def fields(self) -> standards.StandardFields:
        return _fields(self)


class StandardUpdate(msgspec.Struct):
    """Any of a standard's fields; those left out stay as they are."""

    year: Year | None = None
    name: Name | None = None
    scheme: Scheme | None = None
    requirements: Annotated[list[RequirementBody], msgspec.Meta(max_length=20)] | None = None
    region_code: RegionCode | None | msgspec.UnsetType = msgspec.UNSET
    title_levels: list[TitleLevel] | None = None
    unit_levels: list[UnitLevel] | None = None
    caps: Annotated[list[CapBody], msgspec.Meta(max_length=20)] | None = None
    certificate_requires_pass: bool | None = None
    auto_apply: bool | None = None
    note: Note | None = None

    def fields(self) -> standards.StandardFields:
        return _fields(self)


def _fields(body: StandardCreate | StandardUpdate) -> standards.StandardFields:
    return standards.StandardFields(
        year=body.year, name=body.name, scheme=body.scheme,
        title_levels=None if body.title_levels is None else [level.value for level in body.title_levels],
        unit_levels=None if body.unit_levels is None else [level.value for level in body.unit_levels],
        requirements=None if body.requirements is None else [
            compliance.Requirement(r.measure, r.category, _dec(r.min)) for r in body.requirements],
        caps=None if body.caps is None else [
            compliance.Cap(c.measure, _dec(c.max), credit_class=c.credit_class.value if c.credit_class else None,
                           category=c.category, source=c.source.value if c.source else None,
                           rule_code=(c.rule_code or "").strip() or None) for c in body.caps],
        certificate_requires_pass=body.certificate_requires_pass, auto_apply=body.auto_apply, note=body.note,
        region_given=body.region_code is not msgspec.UNSET,
        region_code=None if body.region_code is msgspec.UNSET else body.region_code)


class RequirementRead(msgspec.Struct):
    measure: str
    category: str
    min: float


class CapRead(msgspec.Struct, rename={"credit_class": "class"}):
    measure: str
    credit_class: str | None
    category: str | None
    source: str | None
    rule_code: str | None
    max: float


class StandardRead(msgspec.Struct):
    id: int
    year: int
    region_code: str | None
    region_name: str | None
    name: str
    scheme: str
    title_levels: list[str]
    unit_levels: list[str]
    requirements: list[RequirementRead]
    caps: list[CapRead]
    certificate_requires_pass: bool
    auto_apply: bool
    note: str
    retired: bool
    # Whether the caller may edit and retire it (a region admin over its region).
    editable: bool

    @classmethod
    def of(cls, info: standards.StandardInfo, principal: Principal) -> "StandardRead":
        s = info.standard
        return cls(
            id=s.id, year=s.year, region_code=s.region_code, region_name=info.region_name, name=s.name,
            scheme=s.scheme, title_levels=list(s.title_levels), unit_levels=list(s.unit_levels),
            requirements=[RequirementRead(r.measure, r.category, _float(r.min)) for r in s.requirements],
            caps=[CapRead(c.measure, c.credit_class, c.category, c.source, c.rule_code, _float(c.max)) for c in s.caps],
            certificate_requires_pass=s.certificate_requires_pass, auto_apply=s.auto_apply, note=info.note,
            retired=info.retired, editable=standards.may_edit(principal, info))


class StandardCopy(msgspec.Struct):
    from_year: Year
    to_year: Year


class CopyRead(msgspec.Struct):
    copied: int


class StandardController(Controller):
    path = "/api/standards"
    tags = ["standards"]

    @get("")
    async def browse(
        self,
        principal: Caller,
        year: Annotated[int | None, QueryParameter(ge=2000, le=2100)] = None,
        region_code: Annotated[str | None, QueryParameter(pattern=r"^(\d{6})?$",
                                                          description="empty: national standards only")] = None,
        scheme: Annotated[Scheme | None, QueryParameter()] = None,
        include_retired: Annotated[bool, QueryParameter()] = False,
        page: Annotated[int, QueryParameter(ge=1, le=100000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=200)] = 20,
    ) -> Page[StandardRead]:
        """Every standard, for everyone logged in (seed 001 §7.1 达标标准浏览)."""
        items, total = await standards.list_standards(year=year, region_code=region_code, scheme=scheme,
                                                      include_retired=include_retired, page=page, page_size=page_size)
        return Page(items=[StandardRead.of(i, principal) for i in items], total=total)

    @get("/match")
    async def match(
        self,
        principal: Caller,
        year: Annotated[int, QueryParameter(ge=2000, le=2100)],
        title_level: Annotated[TitleLevel, QueryParameter()],
        unit_level: Annotated[UnitLevel, QueryParameter()],
    ) -> Page[StandardRead]:
        """The standards that follow from a year, unit level and title in the caller's region (000 §6.1)."""
        found = await standards.match(principal, year=year, title_level=title_level.value, unit_level=unit_level.value)
        return Page(items=[StandardRead.of(i, principal) for i in found], total=len(found))

    @get("/{standard_id:int}")
    async def one(self, principal: Caller, standard_id: PathId) -> StandardRead:
        return StandardRead.of(await standards.get(standard_id), principal)

    @post("")
    async def create(self, principal: Caller, data: JSONBody[StandardCreate]) -> StandardRead:
        return StandardRead.of(await standards.create(principal, data.fields()), principal)

    @put("/{standard_id:int}")
    async def update(self, principal: Caller, standard_id: PathId, data: JSONBody[StandardUpdate]) -> StandardRead:
        return StandardRead.of(await standards.update(principal, standard_id, data.fields()), principal)

    @delete("/{standard_id:int}")
    async def retire(self, principal: Caller, standard_id: PathId) -> None:
        """停用: kept for the record, applies to no one."""
        await standards.retire(principal, standard_id)

    @post("/copy", status_code=200)
    async def copy(self, principal: Caller, data: JSONBody[StandardCopy]) -> CopyRead:
        return CopyRead(copied=await standards.copy_year(principal, data.from_year, data.to_year))


class ChoiceCreate(msgspec.Struct):
    year: Year
    standard_id: Id


class MyStandardController(Controller):
    """个人学分标准 (seed 000 §6.1–6.2): the standard a trainee follows in a year."""

    path = "/api/me/standards"
    tags = ["standards"]

    @get("")
    async def mine(
        self, principal: Caller, year: Annotated[int | None, QueryParameter(ge=2000, le=2100)] = None,
    ) -> Page[standards.ChoiceRead]:
        items = await standards.choices(principal, year=year)
        return Page(items=items, total=len(items))

    @post("")
    async def choose(self, principal: Caller, data: JSONBody[ChoiceCreate]) -> standards.ChoiceRead:
        return await standards.choose(principal, data.year, data.standard_id)

    @delete("/{choice_id:int}")
    async def unchoose(self, principal: Caller, choice_id: PathId) -> None:
        await standards.unchoose(principal, choice_id)
