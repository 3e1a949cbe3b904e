"""Per person-year totals of effective credit records, for statistics at province scale."""

from decimal import Decimal

from piccolo.columns import ForeignKey, Integer, Numeric, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from server.tables.person import Person


class CreditTotal(Table, tablename="credit_total"):
    """The effective records of one person and year (by activity date), summed by every key a
    standard's requirement or cap can match: class, category, source and catalogue rule.

    Kept in the same transaction as every change of a record into or out of
    ``effective`` (``services/totals.py``); a unique (year, person, class,
    category, source, rule_code) index serves the upserts and the year scans.
    """

    person = ForeignKey(Person, on_delete=OnDelete.cascade)
    year = Integer()
    credit_class = Varchar(length=4)
    category = Varchar(length=12)
    source = Varchar(length=10)
    rule_code = Varchar(length=40, default="")
    records = Integer(default=0)
    credits = Numeric(digits=(10, 2), default=Decimal("0"))
    hours = Numeric(digits=(10, 2), default=Decimal("0"))
    # The latest effective_at among them: a person whose records are not all in
    # force yet (次日生效) is judged from the records instead.
    latest_effective_at = Timestamptz(null=True, default=None)
