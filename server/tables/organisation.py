"""Region → unit → department."""

from piccolo.columns import Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.enums import RegionLevel, UnitLevel


class Region(Table):
    """An administrative region, keyed by its 6-digit GB/T 2260 code."""

    code = Varchar(length=6, unique=True)
    name = Varchar(length=50)
    level = Varchar(length=10, choices=RegionLevel)
    parent = ForeignKey("self", null=True)
    # The significant leading digits of the code ("99" province, "9901" city,
    # "990102" district): every region below shares it, so a subtree is one
    # LIKE 'prefix%' on the units' own region_code.
    prefix = Varchar(length=6, index=True)


class Unit(Table):
    """A hospital or other institution (单位/机构)."""

    name = Varchar(length=100, index=True)
    code = Varchar(length=20, null=True, unique=True)
    region = ForeignKey(Region)
    # Denormalised from region so scope filters need no join.
    region_code = Varchar(length=6, index=True)
    level = Varchar(length=10, choices=UnitLevel, default=UnitLevel.city)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Department(Table):
    """A department (科室) of a unit."""

    unit = ForeignKey(Unit, index=True)
    name = Varchar(length=50)
    sort_order = Integer(default=0)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
