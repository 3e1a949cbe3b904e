"""Optional TOTP second factor for admin accounts (an authenticator app, enrolled by QR).

Enrolment writes a pending secret; a correct code from the app confirms it and
turns the factor on. A code is accepted for the current 30-second step and the
one before (a slow typist), never a future one, and each step only once.
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import time

import msgspec
import pyotp

from qr.images import qr_svg
from server.services import audit, throttle
from server.services.errors import Conflict, DomainError, Forbidden, Invalid, NotAuthenticated
from server.services.passwords import verify_password
from server.services.principal import Principal
from server.settings import Settings
from server.tables import Account
from server.tables.enums import Role

ISSUER = "继教"
STEP = 30


def may_enrol(principal: Principal) -> bool:
    return principal.is_admin or principal.has_any(Role.provider_admin)


def _require_admin(principal: Principal) -> None:
    if not may_enrol(principal):
        raise Forbidden("forbidden", "只有管理员账号可以开启两步验证")


def matching_step(secret: str, code: str, last_step: int | None, at: float | None = None) -> int | None:
    """The step whose code ``code`` is (current or previous, newer than ``last_step``), else None."""
    code = (code or "").strip()
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if at is None else at) // STEP)
    for step in (current, current - 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


async def _account(principal: Principal) -> Account:
    account = await Account.objects().where(Account.id == principal.account_id).first()
    if account is None:
        raise NotAuthenticated()
    return account


class TotpStatusRead(msgspec.Struct, frozen=True):
    enabled: bool


class TotpEnrolmentRead(msgspec.Struct, frozen=True):
    secret: str
    otpauth_url: str
    qr_image: str


async def status(principal: Principal) -> TotpStatusRead:
    _require_admin(principal)
    account = await _account(principal)
    return TotpStatusRead(enabled=account.totp_secret is not None)


async def enrol(principal: Principal) -> TotpEnrolmentRead:
    """A fresh pending secret with its otpauth URL and QR; the factor stays off until confirmed."""
    _require_admin(principal)
    account = await _account(principal)
    if account.totp_secret is not None:
        raise Conflict("totp_enabled", "两步验证已开启；如需更换，请先关闭")
    secret = pyotp.random_base32()
    await Account.update({Account.totp_pending_secret: secret}).where(Account.id == account.id)
    url = pyotp.TOTP(secret).provisioning_uri(name=account.username, issuer_name=ISSUER)
    svg = qr_svg(url)
    return TotpEnrolmentRead(secret=secret, otpauth_url=url,
                             qr_image="data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode())


async def confirm(principal: Principal, code: str) -> None:
    _require_admin(principal)
    account = await _account(principal)
    if account.totp_pending_secret is None:
        raise Conflict("totp_not_enrolling", "请先获取二维码并在验证器中添加账号")
    step = matching_step(account.totp_pending_secret, code, None)
    if step is None:
        raise Invalid("code", "验证码不正确，请输入验证器上当前显示的 6 位数字", code="totp_invalid")
    async with Account._meta.db.transaction():
        done = await Account.update({Account.totp_secret: account.totp_pending_secret,
                                     Account.totp_pending_secret: None, Account.totp_last_step: step}).where(
            (Account.id == account.id) & (Account.totp_pending_secret == account.totp_pending_secret)
        ).returning(Account.id)
        if not done:
            raise Conflict("totp_not_enrolling", "二维码已更新，请按最新二维码重新添加")
        await audit.record("totp_enable", principal=principal, target_type="account", target_id=account.id,
                           detail="开启两步验证")


async def disable(principal: Principal, settings: Settings, *, code: str = "", password: str = "") -> None:
    """Turn the factor off, proven by a current code or the account's password (tries counted first)."""
    _require_admin(principal)
    account = await _account(principal)
    if account.totp_secret is None:
        raise Conflict("totp_disabled", "两步验证未开启")
    # A million codes, or the password: either is guessed one try at a time, counted before the check.
    await throttle.attempt(throttle.reauth(settings), principal.account_id)
    step = None
    if code:
        step = matching_step(account.totp_secret, code, account.totp_last_step)
        if step is None:
            raise Invalid("code", "验证码不正确", code="totp_invalid")
    elif not password or not await asyncio.to_thread(verify_password, password, account.password_hash):
        raise Invalid("password", "请输入正确的验证码或登录密码", code="wrong_password")
    async with Account._meta.db.transaction():
        await Account.update({Account.totp_secret: None, Account.totp_pending_secret: None,
                              Account.totp_last_step: None}).where(Account.id == account.id)
        await throttle.passed(throttle.reauth(settings), principal.account_id)
        await audit.record("totp_disable", principal=principal, target_type="account", target_id=account.id,
                           detail="关闭两步验证")


async def check_login(account: Account, code: str | None) -> int | None:
    """For a login whose first factor passed: None if no TOTP is on, else the step to mark used.

    Raises ``totp_required`` (no code sent) or ``totp_invalid`` (wrong, old or replayed code).
    """
    if account.totp_secret is None:
        return None
    if not code:
        raise DomainError("totp_required", "请输入验证器上的 6 位动态验证码", status_code=401, field="totp_code")
    step = matching_step(account.totp_secret, code, account.totp_last_step)
    if step is None:
        raise DomainError("totp_invalid", "动态验证码不正确或已使用，请输入新的验证码", status_code=401,
                          field="totp_code")
    return step


async def mark_used(account_id: int, step: int) -> bool:
    """Record ``step`` as used (inside the login's transaction); False if another login took it first."""
    done = await Account.update({Account.totp_last_step: step}).where(
        (Account.id == account_id)
        & (Account.totp_last_step.is_null() | (Account.totp_last_step < step))
    ).returning(Account.id)
    return bool(done)
