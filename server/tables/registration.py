"""Self-registration (注册) and the one-time SMS codes that guard it and recovery."""

from piccolo.columns import Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.account import Account
from server.tables.enums import RegistrationStatus
from server.tables.organisation import Department, Unit


class SmsCode(Table, tablename="sms_code"):
    """One code sent to one phone for one purpose; only a salted hash is kept."""

    phone = Varchar(length=20, index=True)
    purpose = Varchar(length=20)
    code_hash = Varchar(length=100, secret=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    attempts = Integer(default=0)
    used_at = Timestamptz(null=True, default=None)


class Registration(Table):
    """The registration form as submitted; its account stays pending until the unit approves."""

    phone = Varchar(length=20)
    unit = ForeignKey(Unit, index=True)
    department = ForeignKey(Department, null=True)
    username = Varchar(length=50, unique=True)
    name = Varchar(length=50)
    id_number = Varchar(length=18, unique=True)
    email = Varchar(length=100, default="")
    joins_cme = Boolean(default=True)
    standard_id = Integer(null=True, default=None)
    status = Varchar(length=10, choices=RegistrationStatus, default=RegistrationStatus.pending, index=True)
    reason = Varchar(length=500, default="")
    account = ForeignKey(Account, on_delete=OnDelete.cascade, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    reviewed_by = ForeignKey(Account, null=True, default=None, on_delete=OnDelete.set_null)
    reviewed_at = Timestamptz(null=True, default=None)
