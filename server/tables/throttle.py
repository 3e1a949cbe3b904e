"""Counters of tries, for throttling (services/throttle.py)."""

from piccolo.columns import BigInt, Integer, Varchar
from piccolo.table import Table


class Throttle(Table):
    """One counter: tries of one ``subject`` (a username, an address, a phone) under one ``scope``.

    Instants are whole epoch seconds rather than Timestamptz: the counting is
    one SQL statement of integer arithmetic that must read the same on SQLite
    and PostgreSQL. Unique on (scope, subject) (migration jijiao_0101, which makes this table in SQL).
    """

    scope = Varchar(length=30)
    subject = Varchar(length=200)
    # A counter's window number (epoch seconds // window), or a cooldown's last accepted second.
    period = BigInt()
    hits = Integer(default=0)
    # The previous window's hits, weighed down as the current window passes (a sliding window).
    prev_hits = Integer(default=0)
    # Last write, in epoch seconds: old rows are swept by it.
    touched = BigInt(index=True)
