"""Accounts, their scoped roles, login sessions and login attempts."""

from piccolo.columns import BigInt, Boolean, ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.enums import AccountStatus, Role
from server.tables.organisation import Department, Region, Unit
from server.tables.person import Person
from server.tables.provider import Provider


class Account(Table):
    username = Varchar(length=50, unique=True)
    password_hash = Varchar(length=255)
    person = ForeignKey(Person, null=True, unique=True)
    name = Varchar(length=50)
    phone = Varchar(length=20, default="")
    status = Varchar(length=10, choices=AccountStatus, default=AccountStatus.active)
    must_change_password = Boolean(default=False)
    totp_secret = Varchar(length=64, null=True, default=None)
    # Enrolment writes the new secret here; only a confirmed code moves it to totp_secret.
    totp_pending_secret = Varchar(length=64, null=True, default=None)
    # The last 30-second step whose code was accepted: a code works once.
    totp_last_step = BigInt(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    password_changed_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)


class RoleGrant(Table):
    """One role of an account, scoped to exactly one department, unit, region or provider."""

    account = ForeignKey(Account, on_delete=OnDelete.cascade, index=True)
    role = Varchar(length=20, choices=Role)
    department = ForeignKey(Department, null=True)
    unit = ForeignKey(Unit, null=True)
    region = ForeignKey(Region, null=True)
    provider = ForeignKey(Provider, null=True)
    created_at = Timestamptz(default=TimestamptzNow())


class LoginSession(Table):
    """A revocable login; the browser holds the token, we keep only its hash."""

    token_hash = Varchar(length=64, unique=True)
    csrf_token = Varchar(length=64)
    account = ForeignKey(Account, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    ip = Varchar(length=64, default="")
    user_agent = Varchar(length=255, default="")
    # "保持登录" on a phone: a long idle lifetime (settings.remember_days), listed on the
    # account page so that it can be ended from another device.
    remember = Boolean(default=False)


class LoginCaptcha(Table):
    """An image captcha handed out to a login form; only a salted hash of its answer is kept."""

    key = Varchar(length=64, unique=True)
    answer_hash = Varchar(length=100, secret=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(index=True)
    used_at = Timestamptz(null=True, default=None)
    # Who asked: drawing one costs CPU and a row, so one address gets a bounded number.
    ip = Varchar(length=64, default="", index=True)


class AdminContact(Table):
    """A named admin of an admin account (seed 001 §8); a listed phone may log in by SMS code."""

    account = ForeignKey(Account, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=50)
    # Unique across the system, so an SMS login names exactly one account.
    phone = Varchar(length=20, unique=True)
    office_phone = Varchar(length=30, default="")
    created_at = Timestamptz(default=TimestamptzNow())
