"""The one clock: instants in UTC, calendar days in China.

Instants are stored and compared as aware UTC datetimes. A day (an activity
date, "today", a credit year, a date printed on a page) is the day in China,
wherever the server's own clock is set: China has one zone, UTC+8, with no
daylight saving since 1991, so a fixed offset is exact for every date we keep.
"""

from __future__ import annotations

import datetime as dt

CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def now() -> dt.datetime:
    """The current instant, aware, in UTC."""
    return dt.datetime.now(dt.timezone.utc)


def today() -> dt.date:
    """Today's date in China."""
    return dt.datetime.now(CHINA).date()


def china_date(moment: dt.datetime) -> dt.date:
    """The day in China on which ``moment`` falls."""
    return moment.astimezone(CHINA).date()


def china_time(moment: dt.datetime) -> dt.datetime:
    """``moment`` as a wall-clock time in China."""
    return moment.astimezone(CHINA)


def start_of_next_day(moment: dt.datetime) -> dt.datetime:
    """Midnight in China after ``moment``, as an instant in UTC."""
    day = china_date(moment) + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(), CHINA).astimezone(dt.timezone.utc)
