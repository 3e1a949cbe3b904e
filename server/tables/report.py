"""Printed reports that a code on every page verifies, as certificates are."""

from piccolo.columns import ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.account import Account
from server.tables.enums import ReportKind


class Report(Table):
    """One issued report; ``code`` is what its QR verifies at ``/v/{code}``.

    Printing the same subject again with the same content reuses the code
    (``subject`` + ``fingerprint``), so a reprint verifies like the first print.
    """

    code = Varchar(length=20, unique=True)
    kind = Varchar(length=14, choices=ReportKind)
    # What was printed, e.g. "register:12:2026:title=:status=" — the reuse key.
    subject = Varchar(length=200, index=True)
    title = Varchar(length=200)
    issued_by = ForeignKey(Account, null=True, default=None, on_delete=OnDelete.set_null)
    issued_at = Timestamptz(default=TimestamptzNow())
    # sha256 of everything printed (record ids included).
    fingerprint = Varchar(length=64)
    # What verification shows, as JSON: the people, their results and totals.
    snapshot = Text(default="")
