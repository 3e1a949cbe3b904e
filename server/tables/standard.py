"""Compliance standards (达标标准, seed 001 §7.1) and the standards people choose for a year (000 §6.1)."""

from piccolo.columns import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.account import Account
from server.tables.enums import StandardScheme
from server.tables.person import Person


class Standard(Table):
    """What one year requires of the people it applies to.

    ``region_code`` None is national; ``title_levels`` / ``unit_levels`` are
    comma-separated enum values, empty for all. ``requirements`` and ``caps``
    are JSON lists, always read and written whole with the standard (validated
    by ``services/standards.py``). A retired standard stays for the record
    (people chose it, certificates cite it) but applies to no one. Live names
    are unique per year and region (migration jijiao_0101's partial index).
    """

    year = Integer(index=True)
    region_code = Varchar(length=6, null=True, default=None)
    name = Varchar(length=100)
    scheme = Varchar(length=5, choices=StandardScheme, default=StandardScheme.cme)
    title_levels = Varchar(length=100, default="")
    unit_levels = Varchar(length=100, default="")
    requirements = Text(default="[]")
    caps = Text(default="[]")
    certificate_requires_pass = Boolean(default=False)
    # False for a reference standard that applies only when a person chooses it.
    auto_apply = Boolean(default=True)
    # Where the figures come from and how sure they are.
    note = Text(default="")
    created_by = ForeignKey(Account, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    retired_at = Timestamptz(null=True, default=None)


class PersonStandard(Table, tablename="person_standard"):
    """A person's own choice of standard for a year (个人学分标准): one per year and scheme."""

    person = ForeignKey(Person, on_delete=OnDelete.cascade)
    year = Integer()
    scheme = Varchar(length=5, choices=StandardScheme)
    standard = ForeignKey(Standard, on_delete=OnDelete.cascade)
    created_at = Timestamptz(default=TimestamptzNow())
