"""Dishonesty records (失信信息, seed 002 §3.4): recorded by a region's admin."""

from piccolo.columns import Date, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.account import Account
from server.tables.credit import Credit
from server.tables.person import Person


class Dishonesty(Table):
    """During [starts_on, ends_on] the person cannot enrol in classes and certificates say so."""

    person = ForeignKey(Person, index=True, on_delete=OnDelete.cascade)
    reason = Text()
    starts_on = Date()
    ends_on = Date()
    # Who decided it (认定部门): the recording admin's region, by name, as printed.
    authority = Varchar(length=100, default="")
    recorded_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    withdrawn_at = Timestamptz(null=True, default=None)
    withdrawn_reason = Text(default="")


class DishonestyCredit(Table, tablename="dishonesty_credit"):
    """A credit record a dishonesty record concerns (revoked with its reason when linked)."""

    dishonesty = ForeignKey(Dishonesty, index=True, on_delete=OnDelete.cascade)
    credit = ForeignKey(Credit, on_delete=OnDelete.cascade)
