"""At-risk reminders (logged, one a week a person), admins' weekly digests, each region's season."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.account import Account
from server.tables.enums import ReminderSms
from server.tables.notice import Notice
from server.tables.organisation import Region
from server.tables.person import Person


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
    # The home-screen notice it made (its SMS goes out with it); None for a person without an account.
    notice = ForeignKey(Notice, null=True, default=None, on_delete=OnDelete.set_null)


class ReminderDigest(Table, tablename="reminder_digest"):
    """An admin's weekly digest of at-risk people: a unique (account, week) index, one a week."""

    account = ForeignKey(Account, on_delete=OnDelete.cascade)
    week = Date()
    sent_at = Timestamptz(default=TimestamptzNow())
    notice = ForeignKey(Notice, null=True, default=None, on_delete=OnDelete.set_null)


class ReminderSetting(Table, tablename="reminder_setting"):
    """From which day of each year `jijiao remind` reminds a region's at-risk trainees."""

    region = ForeignKey(Region, unique=True, on_delete=OnDelete.cascade)
    # "MM-DD": the first day of the year's reminder season (e.g. "09-01").
    starts_on = Varchar(length=5, default="09-01")
    enabled = Boolean(default=True)
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = ForeignKey(Account, null=True, default=None, on_delete=OnDelete.set_null)
