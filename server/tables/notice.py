"""In-app notices, at-risk reminders and each region's reminder season."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.account import Account
from server.tables.enums import NoticeKind, ReminderSms
from server.tables.organisation import Region
from server.tables.person import Person


class Notice(Table):
    """A message on the home screen: a person's (reminders) or an account's (admins' digests)."""

    person = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.cascade, index=True)
    account = ForeignKey(Account, null=True, default=None, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=10, choices=NoticeKind)
    title = Varchar(length=100)
    body = Text(default="")
    # A PWA path the notice opens ("/credits").
    link = Varchar(length=200, default="")
    # One digest per account per week: "digest:<account>:<monday>"; None never conflicts.
    dedupe_key = Varchar(length=80, null=True, default=None, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    read_at = Timestamptz(null=True, default=None)


class Reminder(Table):
    """One at-risk reminder, logged. A unique (person, week) index keeps it to one a week."""

    person = ForeignKey(Person, on_delete=OnDelete.cascade)
    year = Integer()
    # Monday (China time) of the week it was sent in.
    week = Date()
    sent_at = Timestamptz(default=TimestamptzNow())
    # None: sent by `jijiao remind`.
    sent_by = ForeignKey(Account, null=True, default=None, on_delete=OnDelete.set_null)
    # What the person still needed, as the message said it.
    text = Text(default="")
    sms = Varchar(length=10, choices=ReminderSms, default=ReminderSms.no_phone)
    notice = ForeignKey(Notice, null=True, default=None, on_delete=OnDelete.set_null)


class ReminderSetting(Table, tablename="reminder_setting"):
    """From which day of each year `jijiao remind` reminds a region's at-risk trainees."""

    region = ForeignKey(Region, unique=True, on_delete=OnDelete.cascade)
    # "MM-DD": the first day of the year's reminder season (e.g. "09-01").
    starts_on = Varchar(length=5, default="09-01")
    enabled = Boolean(default=True)
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = ForeignKey(Account, null=True, default=None, on_delete=OnDelete.set_null)
