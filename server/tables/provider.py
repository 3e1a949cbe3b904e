"""Training providers (施教机构) and their training classes (seed 002 §3.3.2, 004 §4)."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Numeric, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.enums import ClassStatus, CreditCategory
from server.tables.organisation import Region


class Provider(Table):
    """An organisation that runs classes and public courses, registered by a region's admin."""

    name = Varchar(length=100, unique=True)
    region = ForeignKey(Region)
    # Denormalised from region, as on Unit: a trainee sees the providers of
    # their unit's region and the regions above it (seed 002 §3.3.2).
    region_code = Varchar(length=6, index=True)
    contact = Varchar(length=50, default="")
    phone = Varchar(length=30, default="")
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class TrainingClass(Table, tablename="training_class"):
    """A class (培训班) trainees enrol in; its hours are confirmed per person by the provider.

    Attendance runs on the training-session check-in: the class owns a Training
    row (``Training.training_class``) whose sessions are ordinary sessions.
    """

    provider = ForeignKey(Provider, index=True, on_delete=OnDelete.cascade)
    title = Varchar(length=200)
    year = Integer(index=True)
    category = Varchar(length=12, choices=CreditCategory, default=CreditCategory.professional)
    hours = Numeric(digits=(6, 2))
    starts_on = Date()
    ends_on = Date()
    online = Boolean(default=False)
    place = Varchar(length=200, default="")
    capacity = Integer()
    # Pending and confirmed enrolments hold a seat. Only a conditional UPDATE
    # (seats_taken < capacity) takes one, so concurrent enrolments never overfill.
    seats_taken = Integer(default=0)
    description = Text(default="")
    status = Varchar(length=10, choices=ClassStatus, default=ClassStatus.draft, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
