"""Notices: what a user must not miss (a returned credit, a request to review), and its SMS."""

from piccolo.columns import ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.account import Account
from server.tables.credit import Credit
from server.tables.enums import NoticeKind
from server.tables.training import Training


class Notice(Table):
    """One thing for one account, shown until read; its SMS goes out once (an outbox row)."""

    account = ForeignKey(Account, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=20, choices=NoticeKind)
    credit = ForeignKey(Credit, null=True, on_delete=OnDelete.cascade)
    training = ForeignKey(Training, null=True, on_delete=OnDelete.cascade)
    title = Varchar(length=200)
    detail = Varchar(length=500, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    read_at = Timestamptz(null=True, default=None)
    # The SMS: to this phone ('' when the account has none), sent once sms_sent_at is set.
    sms_phone = Varchar(length=20, default="")
    sms_sent_at = Timestamptz(null=True, default=None)
