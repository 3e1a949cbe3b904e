"""Proof files attached to a credit record (certificates, approval slips, papers)."""

from piccolo.columns import ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.account import Account
from server.tables.credit import Credit


class Evidence(Table):
    """One stored file; the bytes live under the data directory, never in the database."""

    credit = ForeignKey(Credit, on_delete=OnDelete.cascade, index=True)
    # What we stored (images are re-encoded, so this is ours, not the client's).
    content_type = Varchar(length=40)
    size = Integer()
    # Paths relative to $JIJIAO_DATA_DIR; random names, never the client's.
    storage_key = Varchar(length=120)
    thumb_key = Varchar(length=120, default="")
    # The client's file name, for display only.
    filename = Varchar(length=200, default="")
    sha256 = Varchar(length=64)
    width = Integer(null=True, default=None)
    height = Integer(null=True, default=None)
    # EXIF DateTimeOriginal of a photo: kept as a field because re-encoding
    # strips EXIF (location included) from the stored file.
    captured_at = Timestamptz(null=True, default=None)
    uploaded_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
