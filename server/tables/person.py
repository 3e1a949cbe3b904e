"""Health professionals and their per-year title/status history."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.enums import PersonStatus, Sex, Staffing, TitleLevel
from server.tables.organisation import Department, Unit


class Person(Table):
    """The fields of seed 001 §2.1 (人员基本信息)."""

    unit = ForeignKey(Unit, index=True)
    department = ForeignKey(Department, null=True, index=True)
    id_number = Varchar(length=18, unique=True)
    name = Varchar(length=50, index=True)
    sex = Varchar(length=2, choices=Sex)
    birth_date = Date(null=True, default=None)
    title = Varchar(length=50, default="")
    title_level = Varchar(length=4, choices=TitleLevel, default=TitleLevel.none)
    title_assessed_on = Date(null=True, default=None)
    # None means 未聘任 (not appointed).
    appointment_year = Integer(null=True, default=None)
    staffing = Varchar(length=4, choices=Staffing, default=Staffing.on_staff)
    status = Varchar(length=4, choices=PersonStatus, default=PersonStatus.active)
    phone = Varchar(length=20, default="")
    specialty = Varchar(length=50, default="")
    person_no = Varchar(length=20, unique=True)
    position = Varchar(length=50, default="")
    photo = Varchar(length=255, null=True, default=None)
    joins_cme = Boolean(default=True)
    # Seeds the trainee's personal rotating code (reverse-mode check-in);
    # created on first use.
    checkin_secret = Varchar(length=64, null=True, default=None, secret=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class PersonYear(Table):
    """A person's title and status as they stood in one year (seed 001 §2.2)."""

    person = ForeignKey(Person, index=True)
    year = Integer()
    title = Varchar(length=50, default="")
    title_level = Varchar(length=4, choices=TitleLevel, default=TitleLevel.none)
    title_assessed_on = Date(null=True, default=None)
    status = Varchar(length=4, choices=PersonStatus, default=PersonStatus.active)
    unit = ForeignKey(Unit)
    remark = Text(default="")
