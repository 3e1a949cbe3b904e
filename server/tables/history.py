"""Certificates issued by the old system, kept as they were (seed 002 §1.5.1 历史证书)."""

from decimal import Decimal

from piccolo.columns import Date, ForeignKey, Integer, Numeric, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.account import Account
from server.tables.person import Person


class HistoryCertificate(Table):
    person = ForeignKey(Person, index=True)
    year = Integer()
    cert_no = Varchar(length=50)
    issued_on = Date()
    credits = Numeric(digits=(8, 2), default=Decimal("0"))
    hours = Numeric(digits=(8, 2), default=Decimal("0"))
    issuer = Varchar(length=100, default="")
    # "<person>:<certificate number>": importing the same workbook twice adds nothing.
    dedupe_key = Varchar(length=80, unique=True)
    created_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
