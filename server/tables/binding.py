"""A trainee's request to be bound to another unit / department (seed 002 §3.2.1)."""

from piccolo.columns import ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.account import Account
from server.tables.enums import RegistrationStatus
from server.tables.organisation import Department, Unit
from server.tables.person import Person


class BindingRequest(Table, tablename="binding_request"):
    """Pending until the target unit's admin confirms; approving moves the person."""

    person = ForeignKey(Person, on_delete=OnDelete.cascade, index=True)
    # Where the person was when asking, so the review shows the move and the history keeps it.
    from_unit = ForeignKey(Unit)
    from_department = ForeignKey(Department, null=True)
    unit = ForeignKey(Unit, index=True)
    department = ForeignKey(Department)
    # Same three states as a registration: pending, approved, rejected.
    status = Varchar(length=10, choices=RegistrationStatus, default=RegistrationStatus.pending, index=True)
    reason = Varchar(length=500, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    reviewed_by = ForeignKey(Account, null=True, default=None, on_delete=OnDelete.set_null)
    reviewed_at = Timestamptz(null=True, default=None)
