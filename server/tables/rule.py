"""The credit rule catalogue: per year and province, how an activity turns into credits."""

from decimal import Decimal

from piccolo.columns import Boolean, ForeignKey, Integer, Numeric, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.enums import CreditCategory, CreditClass, RuleUnit
from server.tables.organisation import Region


class CreditRule(Table):
    """One line of seed 001 §5.2's catalogue, e.g. "每3小时 授予1分(最高限分10)".

    ``region`` is the province whose administration owns the rule; None marks a
    national rule that applies in every province. Unique on (year, code,
    region) through migration jijiao_0101's expression index (NULL-safe).
    """

    year = Integer()
    region = ForeignKey(Region, null=True)
    code = Varchar(length=40)
    name = Varchar(length=100)
    # 学分子分类: the group the seed's picker filters by.
    subtype = Varchar(length=100, default="")
    credit_class = Varchar(length=4, choices=CreditClass)
    category = Varchar(length=12, choices=CreditCategory, default=CreditCategory.professional)
    unit = Varchar(length=12, choices=RuleUnit)
    # "每3小时 授予1分": unit_size 3, credits_per_step 1 — kept apart so that a
    # third of a credit stays exact until the final rounding.
    unit_size = Numeric(digits=(6, 2), default=Decimal("1"))
    credits_per_step = Numeric(digits=(6, 2), default=Decimal("0"))
    # Authorship rules: credits by position, "25,15,10" = first (or
    # corresponding) author 25, second 15, third 10.
    author_credits = Varchar(length=60, default="")
    cap = Numeric(digits=(6, 2), null=True, default=None)
    # Most hours one person may declare for one day under this rule (seed 004 §5: 6).
    daily_limit = Numeric(digits=(4, 1), null=True, default=None)
    evidence_required = Boolean(default=True)
    # What the entry form tells the user to upload (seed 001 §5.2 "证明材料包括…").
    guidance = Text(default="")
    active = Boolean(default=True)
    sort = Integer(default=0)
    updated_at = Timestamptz(default=TimestamptzNow())
