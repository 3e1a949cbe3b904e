"""A trainee's enrolment in a provider's class (培训班情况查看, seed 002 §3.3.3)."""

from piccolo.columns import ForeignKey, Numeric, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.account import Account
from server.tables.credit import Credit
from server.tables.enums import EnrolmentStatus
from server.tables.organisation import Department, Unit
from server.tables.person import Person
from server.tables.provider import TrainingClass


class Enrolment(Table):
    """At most one per (class, person): the unique index of migration jijiao_0101."""

    training_class = ForeignKey(TrainingClass, on_delete=OnDelete.cascade)
    person = ForeignKey(Person, index=True)
    # Where the person worked when enrolling: the provider's list shows it.
    unit = ForeignKey(Unit)
    department = ForeignKey(Department, null=True)
    status = Varchar(length=10, choices=EnrolmentStatus, default=EnrolmentStatus.pending, index=True)
    reason = Text(default="")
    # The hours the provider confirmed, and the credit record they made.
    hours = Numeric(digits=(6, 2), null=True, default=None)
    credit = ForeignKey(Credit, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    decided_by = ForeignKey(Account, null=True, default=None, on_delete=OnDelete.set_null)
