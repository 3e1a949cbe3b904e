"""The technical archive (技术档案, seed 000 §7): approved items and the changes waiting for the unit."""

from enum import Enum

from piccolo.columns import ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.account import Account
from server.tables.organisation import Unit
from server.tables.person import Person


class ArchiveSection(str, Enum):
    """000 §7.1.1: 个人基本信息、教育经历、培训经历、论文论著、工作经验、获奖情况."""

    basic = "basic"
    education = "education"
    training = "training"
    papers = "papers"
    work = "work"
    awards = "awards"


class ArchiveAction(str, Enum):
    add = "add"
    update = "update"
    delete = "delete"


class ArchiveChangeStatus(str, Enum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    withdrawn = "withdrawn"


class ArchiveItem(Table):
    """One approved entry of a section; its fields as a JSON object (services/archive.py says which)."""

    person = ForeignKey(Person, index=True)
    section = Varchar(length=12, choices=ArchiveSection)
    data = Text(default="{}")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ArchiveChange(Table):
    """A trainee's add, edit or removal, applied only when the unit approves it (000 §7.1.3)."""

    person = ForeignKey(Person, index=True)
    # The unit that reviews it: the person's unit when it was submitted.
    unit = ForeignKey(Unit, index=True)
    section = Varchar(length=12, choices=ArchiveSection)
    action = Varchar(length=8, choices=ArchiveAction)
    item = ForeignKey(ArchiveItem, null=True, default=None, on_delete=OnDelete.set_null)
    # JSON objects of the section's fields; "" where there is no before (an add) or after (a removal).
    before_data = Text(default="")
    after_data = Text(default="")
    status = Varchar(length=10, choices=ArchiveChangeStatus, default=ArchiveChangeStatus.pending, index=True)
    # Set only while pending ("item:<id>", "basic:<person>"): one pending change per item, even in a race.
    pending_key = Varchar(length=40, null=True, default=None, unique=True)
    reason = Text(default="")
    created_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    reviewed_by = ForeignKey(Account, null=True, default=None, on_delete=OnDelete.set_null)
    reviewed_at = Timestamptz(null=True, default=None)
