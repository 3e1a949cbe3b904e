"""Who changed what, when, and from where (seed 001 §2.3 人员信息变动日志)."""

from piccolo.columns import ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.account import Account
from server.tables.person import Person


class AuditLog(Table):
    at = Timestamptz(default=TimestamptzNow(), index=True)
    account = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    account_name = Varchar(length=50, default="")
    ip = Varchar(length=64, default="")
    action = Varchar(length=50, index=True)
    target_type = Varchar(length=30, default="")
    target_id = Varchar(length=40, default="", index=True)
    # A short Chinese description with personal data already masked.
    detail = Text(default="")
    # A change of a person (seed 001 §2.3 人员信息变动日志): whose record, and the changed
    # fields before and after as JSON objects (ID numbers and phones masked).
    person = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.cascade, index=True)
    before_data = Text(default="")
    after_data = Text(default="")
