"""Resident identity card numbers (GB 11643-1999): check digit, birth date, sex."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from server import clock

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$")


@dataclass(frozen=True, slots=True)
class IdNumber:
    value: str
    birth_date: dt.date
    sex: str  # "男" / "女"
    region_code: str


def check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK[total % 11]


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdNumber | None:
    """The parsed number, or None when it is not a valid 18-digit ID number."""
    value = (raw or "").strip().upper()
    if not _SHAPE.match(value):
        return None
    if check_digit(value[:17]) != value[17]:
        return None
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None
    today = today or clock.today()
    # The standard sets no lower bound; 1800 only rules out typing slips.
    if birth.year < 1800 or birth > today:
        return None
    sex = "男" if int(value[16]) % 2 == 1 else "女"
    return IdNumber(value=value, birth_date=birth, sex=sex, region_code=value[:6])


def make_id_number(region: str, birth: dt.date, sequence: int) -> str:
    """A valid number for the given region, birth date and 3-digit sequence (demo data)."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)
