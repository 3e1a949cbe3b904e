"""The credit rule catalogue: read by everyone logged in, kept by the province's administration."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post, put
from litestar.params import JSONBody, QueryParameter

from server import clock
from server.controllers.schemas import Page, PathId
from server.security import Caller
from server.services import rules
from server.tables.enums import CreditCategory, CreditClass, RuleUnit

Year = Annotated[int, msgspec.Meta(ge=2000, le=2100)]
Amount = Annotated[float, msgspec.Meta(ge=0, le=1000)]


class RuleCreate(msgspec.Struct, rename={"credit_class": "class"}):
    year: Year
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_\-]+$")]
    name: Annotated[str, msgspec.Meta(max_length=100)]
    credit_class: CreditClass
    unit: RuleUnit
    category: CreditCategory = CreditCategory.professional
    subtype: Annotated[str, msgspec.Meta(max_length=100)] = ""
    unit_size: Amount = 1
    credits_per_step: Amount = 0
    author_credits: Annotated[list[Amount], msgspec.Meta(max_length=10)] = []
    cap: Amount | None = None
    daily_limit: Amount | None = None
    evidence_required: bool = True
    guidance: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    active: bool = True
    sort: Annotated[int, msgspec.Meta(ge=0, le=10000)] = 0

    def fields(self) -> rules.RuleFields:
        def dec(value: float | None) -> Decimal | None:
            return None if value is None else Decimal(str(value))

        return rules.RuleFields(
            code=self.code, name=self.name, subtype=self.subtype, credit_class=self.credit_class, unit=self.unit,
            category=self.category,
            unit_size=dec(self.unit_size), credits_per_step=dec(self.credits_per_step),
            author_credits=[dec(c) for c in self.author_credits], cap=dec(self.cap),
            daily_limit=dec(self.daily_limit), evidence_required=self.evidence_required, guidance=self.guidance,
            active=self.active, sort=self.sort)


class RuleUpdate(RuleCreate, kw_only=True):
    """The whole rule again (its year stays; its place in the list unless ``sort`` is sent)."""

    year: Year | None = None
    sort: Annotated[int, msgspec.Meta(ge=0, le=10000)] | None = None


class RuleCopy(msgspec.Struct):
    from_year: Year
    to_year: Year


class CopyRead(msgspec.Struct):
    copied: int


class CreditRuleController(Controller):
    path = "/api/credit-rules"
    tags = ["credit rules"]

    @get("")
    async def catalogue(
        self,
        principal: Caller,
        year: Annotated[int | None, QueryParameter(ge=2000, le=2100)] = None,
        q: Annotated[str, QueryParameter(max_length=50)] = "",
        subtype: Annotated[str, QueryParameter(max_length=100)] = "",
        include_inactive: Annotated[bool, QueryParameter()] = False,
        order: Annotated[Literal["catalogue", "usage"], QueryParameter()] = "catalogue",
    ) -> Page[rules.RuleRead]:
        items = await rules.catalogue(principal, year=year or clock.today().year, q=q, subtype=subtype,
                                      include_inactive=include_inactive, by_use=order == "usage")
        return Page(items=items, total=len(items))

    @post("")
    async def create(self, principal: Caller, data: JSONBody[RuleCreate]) -> rules.RuleRead:
        return await rules.create_rule(principal, data.year, data.fields())

    @put("/{rule_id:int}")
    async def update(self, principal: Caller, rule_id: PathId, data: JSONBody[RuleUpdate]) -> rules.RuleRead:
        return await rules.update_rule(principal, rule_id, data.fields())

    @post("/copy", status_code=200)
    async def copy(self, principal: Caller, data: JSONBody[RuleCopy]) -> CopyRead:
        return CopyRead(copied=await rules.copy_year(principal, data.from_year, data.to_year))
