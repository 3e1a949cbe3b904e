"""Login, sessions, throttling and password changes."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import math
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from server import db
from server.batching import Batcher
from server.clock import now
from server.services import audit, captcha, sms, throttle, totp
from server.services.identity import find_account, sms_login_account
from server.services.errors import DomainError, Forbidden, Invalid, NotAuthenticated, TooManyAttempts
from server.services.masking import mask_phone
from server.services.passwords import DUMMY_HASH, hash_password, password_problem, verify_password
from server.services.principal import Grant, Principal
from server.settings import Settings
from server.tables import Account, LoginSession
from server.tables.enums import AccountStatus, Role, SmsPurpose

# Writing last_seen_at on every request would turn every read into a write (and
# drop the memoised session reads of the check-in burst): the idle expiry slides
# once 1/24 of its lifetime has passed, every 30 min for a 12 h session and
# every 30 h for a 30-day "保持登录" one.
_TOUCH_FRACTION = 24
# However busy, a session ends this long after its login: a plain one after 30
# days, a remembered one after 180 (a term of weekly lectures), or when revoked.
_ABSOLUTE_LIFETIME = dt.timedelta(days=30)
_REMEMBERED_ABSOLUTE_LIFETIME = dt.timedelta(days=180)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class LoginResult:
    token: str
    csrf_token: str
    principal: Principal
    expires_at: dt.datetime


def idle_lifetime(remember: bool, settings: Settings) -> dt.timedelta:
    """How long a session lives unused: the configured hours, or days when remembered."""
    if remember:
        return dt.timedelta(days=settings.remember_days)
    return dt.timedelta(hours=settings.session_ttl_hours)


def cookie_max_age(principal: Principal, settings: Settings) -> int:
    """Seconds the session cookie should live: until the session's own idle expiry."""
    if principal.session_expires_at is None:
        return int(idle_lifetime(principal.remember, settings).total_seconds())
    # Rounded up: a cookie that dies a fraction of a second early says "29 days" to a reader.
    return max(0, math.ceil((principal.session_expires_at - now()).total_seconds()))


# -- throttling --------------------------------------------------------------


def captcha_needed(tries: float, address_failures: float, settings: Settings) -> bool:
    """Whether this login must carry a solved captcha: ``tries`` of the username (this one
    included) or failures from the address have passed the settings' counts."""
    by_user = settings.login_captcha_after_failures
    by_ip = settings.login_captcha_after_ip_failures
    return (by_user > 0 and tries - 1 >= by_user) or (by_ip > 0 and address_failures >= by_ip)


async def _failed(ip: str, settings: Settings) -> None:
    """A failed login from ``ip`` (the username's try is already counted by ``throttle.attempt``)."""
    if ip:
        try:
            await throttle.failure(throttle.login_address(settings), ip)
        except TooManyAttempts:
            pass  # this try's own answer stands; the next one from the address meets the 429


# -- login / logout ----------------------------------------------------------


async def login(username: str, password: str, *, ip: str, user_agent: str, settings: Settings,
                captcha_id: str | None = None, captcha_answer: str | None = None,
                totp_code: str | None = None, remember: bool = False) -> LoginResult:
    # Throttled by what was typed, not by the account it names: counting an account's
    # failures under its username, ID number and phone together would let a captcha or
    # 429 on one tell a guesser that the other belongs to the same account.
    username = username.strip()
    # The address counts failures only (a hospital's staff share one NAT address
    # and log in at once); the username counts every try before it is checked,
    # so parallel guesses cannot all slip in under the limit.
    address_failures = await throttle.guard(throttle.login_address(settings), ip) if ip else 0.0
    tries = await throttle.attempt(throttle.login_user(settings), username)
    if captcha_needed(tries, address_failures, settings):
        if not captcha_id or not captcha_answer:
            # Counted (above): a script that ignores the captcha still reaches the 429
            # the contract promises ("once one username has failed too often").
            await _failed(ip, settings)
            raise DomainError("captcha_required", "登录失败次数较多，请输入图形验证码", status_code=401,
                              field="captcha_answer")
        try:
            await captcha.verify(captcha_id, captcha_answer)
        except DomainError:
            await _failed(ip, settings)
            raise
    account = await find_account(username)
    stored = account.password_hash if account else DUMMY_HASH
    # scrypt takes ~50 ms of CPU: off the event loop so other requests go on.
    ok = await asyncio.to_thread(verify_password, password, stored)
    if not account or not ok:
        await _failed(ip, settings)
        raise NotAuthenticated("invalid_credentials", "用户名或密码错误")
    try:
        _check_status(account)
    except Forbidden:
        # The password was right (a registration still pending, say): not a guess.
        await throttle.passed(throttle.login_user(settings), username)
        raise
    step = await _second_factor(account, totp_code, ip, settings)
    return await start_session(account, attempt_key=username, ip=ip, user_agent=user_agent, settings=settings,
                               totp_step=step, action="login", detail="登录", remember=remember)


def _check_status(account: Account) -> None:
    if account.status == AccountStatus.pending:
        raise Forbidden("registration_pending", "注册信息正在等待单位审核，审核通过后方能登录")
    if account.status == AccountStatus.rejected:
        raise Forbidden("registration_rejected", "注册未通过单位审核，请查询注册状态并修改后重新提交")
    if account.status == AccountStatus.disabled:
        raise Forbidden("account_disabled", "账号已停用，请联系单位管理员")


async def _second_factor(account: Account, totp_code: str | None, ip: str, settings: Settings) -> int | None:
    """The TOTP step to mark used, None when the account has no TOTP; a wrong code is a failed attempt
    (the try was counted against the username before the password was checked, and stays counted)."""
    try:
        return await totp.check_login(account, totp_code)
    except DomainError as error:
        if error.code == "totp_invalid":
            await _failed(ip, settings)
        raise


async def start_session(account: Account, *, attempt_key: str, ip: str, user_agent: str, settings: Settings,
                        totp_step: int | None, action: str, detail: str, remember: bool = False,
                        before: Callable[[], Awaitable[None]] | None = None) -> LoginResult:
    """Make the session of a fully proven login; ``before`` runs first in the same transaction.

    ``attempt_key`` is the subject whose tries were counted (``throttle.login_user``): proven, they start again.
    """
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    moment = now()
    expires = moment + idle_lifetime(remember, settings)
    async with LoginSession._meta.db.transaction():
        if before is not None:
            await before()
        if totp_step is not None and not await totp.mark_used(account.id, totp_step):
            raise DomainError("totp_invalid", "动态验证码已使用，请输入新的验证码", status_code=401, field="totp_code")
        session = LoginSession(
            token_hash=token_hash(token),
            csrf_token=csrf,
            account=account.id,
            created_at=moment,
            last_seen_at=moment,
            expires_at=expires,
            ip=ip[:64],
            user_agent=user_agent[:255],
            remember=remember,
        )
        await session.save()
        await Account.update({Account.last_login_at: moment}).where(Account.id == account.id)
        await throttle.passed(throttle.login_user(settings), attempt_key)
        await audit.record(action, account_id=account.id, account_name=account.username, ip=ip,
                           target_type="account", target_id=account.id, detail=detail)
    principal = await load_principal(account.id, session_id=session.id, csrf_token=csrf, ip=ip,
                                     remember=remember, session_expires_at=expires)
    return LoginResult(token=token, csrf_token=csrf, principal=principal, expires_at=expires)


async def check_sms_code(phone: str, purpose: SmsPurpose, sms_code: str, *, settings: Settings, ip: str,
                         before_code: Callable[[], None] | None = None) -> tuple[str, str, int]:
    """``(phone, attempt key, code id)`` for a live SMS code, throttled like a login by ``phone:<phone>``.

    ``before_code`` runs first (validation of the rest of a form, which must not
    spend a try); then the try is counted, then the code is looked at. The caller
    clears the count with ``throttle.passed(throttle.login_user(settings), key)``
    once the code has done its work (start_session does).
    """
    phone = sms.check_phone(phone)
    key = f"phone:{phone}"
    if before_code is not None:
        before_code()
    await throttle.attempt(throttle.login_user(settings), key)
    try:
        code_id = await sms.check_code(phone, purpose, sms_code, settings=settings)
    except Invalid:
        await _failed(ip, settings)
        raise
    return phone, key, code_id


async def sms_login(phone: str, sms_code: str, *, ip: str, user_agent: str, settings: Settings,
                    totp_code: str | None = None, remember: bool = False) -> LoginResult:
    """Log in any active account by a ``login`` SMS code sent to its phone."""
    # Codes are only ever sent to phones that name one account, so any other phone fails here like a wrong code.
    phone, key, code_id = await check_sms_code(phone, SmsPurpose.login, sms_code, settings=settings, ip=ip)
    who = await sms_login_account(phone)
    account = await Account.objects().where(Account.id == who[0]).first() if who else None
    if account is None or who is None:  # delisted or changed since the code was sent
        raise Invalid("sms_code", "验证码已过期或无效，请重新获取", code="sms_code_expired")
    _check_status(account)
    step = await _second_factor(account, totp_code, ip, settings)

    async def use_code() -> None:
        await sms.consume(code_id)

    name = f"{who[1]} " if who[1] else ""
    return await start_session(account, attempt_key=key, ip=ip, user_agent=user_agent, settings=settings,
                               totp_step=step, action="sms_login", before=use_code, remember=remember,
                               detail=f"短信验证码登录（{name}{mask_phone(phone)}）")


async def logout(principal: Principal) -> None:
    if principal.session_id is None:
        return
    await LoginSession.update({LoginSession.revoked_at: now()}).where(
        LoginSession.id == principal.session_id
    )


async def end_all_sessions(account_id: int, *, except_session: int | None = None) -> None:
    query = LoginSession.update({LoginSession.revoked_at: now()}).where(
        (LoginSession.account == account_id) & LoginSession.revoked_at.is_null()
    )
    if except_session is not None:
        query = query.where(LoginSession.id != except_session)
    await query


# -- resolving a request -----------------------------------------------------

_GRANTS_FROM = """
LEFT JOIN role_grant g ON g.account = a.id
LEFT JOIN department d ON d.id = g.department
LEFT JOIN unit du ON du.id = d.unit
LEFT JOIN unit u ON u.id = g.unit
LEFT JOIN region r ON r.id = g.region
LEFT JOIN provider pv ON pv.id = g.provider
LEFT JOIN person p ON p.id = a.person
LEFT JOIN department pd ON pd.id = p.department
LEFT JOIN unit pu ON pu.id = p.unit
"""
_ACCOUNT_COLUMNS = """
a.id AS account_id, a.username, a.name, a.person AS person_id, a.must_change_password, a.status,
g.role, g.department AS g_department, d.name AS d_name, du.id AS du_id, du.name AS du_name,
g.unit AS g_unit, u.name AS u_name, g.region AS g_region, r.name AS r_name, r.prefix AS r_prefix,
g.provider AS g_provider, pv.name AS pv_name,
pd.id AS pd_id, pd.name AS pd_name, pu.id AS pu_id, pu.name AS pu_name
"""
_TYPES = {"must_change_password": "bool"}
_AUTH_TABLES = ("login_session", "account", "role_grant", "person", "department", "unit", "region", "provider")
_SESSION_TYPES = {**_TYPES, "expires_at": "timestamp", "revoked_at": "timestamp", "last_seen_at": "timestamp",
                  "created_at": "timestamp", "remember": "bool"}
_PRINCIPAL_SQL = f"SELECT {_ACCOUNT_COLUMNS} FROM account a {_GRANTS_FROM} WHERE a.id = {{}} ORDER BY g.id"
# Every authenticated request: the session, its account and the account's
# grants in one round trip (a row per grant).
_SESSION_FROM = f"""
SELECT s.token_hash, s.id AS session_id, s.csrf_token, s.expires_at, s.revoked_at, s.last_seen_at, s.created_at,
s.remember, {_ACCOUNT_COLUMNS}
FROM login_session s JOIN account a ON a.id = s.account {_GRANTS_FROM}
"""
_SESSION_SQL = _SESSION_FROM + "WHERE s.token_hash = {} ORDER BY g.id"
# PostgreSQL: the sessions of the requests that arrived together, one statement for all
# (server/batching.py; a read of its own per request was a third of a check-in's round trips).
_SESSIONS_SQL = _SESSION_FROM + "WHERE s.token_hash = ANY({}) ORDER BY s.token_hash, g.id"


async def _sessions_of(engine, digests: Sequence[str]) -> list[list[dict]]:  # type: ignore[no-untyped-def]
    rows = await db.fetch(engine, _SESSIONS_SQL, list(dict.fromkeys(digests)))
    found: dict[str, list[dict]] = {}
    for row in rows:
        found.setdefault(row["token_hash"], []).append(row)
    return [found.get(digest, []) for digest in digests]


_session_reads: Batcher[str, list[dict]] = Batcher(_sessions_of, most=200)


async def _session_rows(digest: str) -> Sequence[dict]:
    """The session's rows (one per grant): memoised on SQLite, read with the others waiting on PostgreSQL."""
    engine = LoginSession._meta.db
    if db.engine_kind(engine) == "sqlite":
        return await db.fetch_memo(engine, ("session", digest), _AUTH_TABLES, _SESSION_SQL, digest,
                                   types=_SESSION_TYPES)
    return await _session_reads.submit(engine, digest)


def _grant_from_row(row: dict) -> Grant | None:
    if row["role"] is None:
        return None
    role = Role(row["role"])
    if role == Role.trainee:
        # A trainee's scope is wherever their person record is now, so a
        # transfer between departments needs no grant edit.
        name = " / ".join(x for x in (row["pu_name"], row["pd_name"]) if x)
        return Grant(role, row["pd_id"] or row["pu_id"], name,
                     department_id=row["pd_id"], unit_id=row["pu_id"])
    if row["g_department"] is not None:
        return Grant(role, row["g_department"], f"{row['du_name']} / {row['d_name']}",
                     department_id=row["g_department"], unit_id=row["du_id"])
    if row["g_unit"] is not None:
        return Grant(role, row["g_unit"], row["u_name"], unit_id=row["g_unit"])
    if row["g_region"] is not None:
        return Grant(role, row["g_region"], row["r_name"], region_id=row["g_region"],
                     region_prefix=row["r_prefix"])
    if row["g_provider"] is not None:
        return Grant(role, row["g_provider"], row["pv_name"], provider_id=row["g_provider"])
    return Grant(role, None, "")


async def load_principal(account_id: int, *, session_id: int | None = None, csrf_token: str = "",
                         via_cookie: bool = False, ip: str = "", remember: bool = False,
                         session_expires_at: dt.datetime | None = None) -> Principal:
    rows = await db.fetch(Account._meta.db, _PRINCIPAL_SQL, account_id, types=_TYPES)
    if not rows:
        raise NotAuthenticated()
    return _principal(rows, session_id=session_id, csrf_token=csrf_token, via_cookie=via_cookie, ip=ip,
                      remember=remember, session_expires_at=session_expires_at)


def _principal(rows: list[dict], *, session_id: int | None, csrf_token: str, via_cookie: bool,
               ip: str, remember: bool = False, session_expires_at: dt.datetime | None = None) -> Principal:
    first = rows[0]
    grants = tuple(g for g in (_grant_from_row(r) for r in rows) if g is not None)
    return Principal(
        account_id=first["account_id"],
        username=first["username"],
        name=first["name"],
        person_id=first["person_id"],
        must_change_password=bool(first["must_change_password"]),
        grants=grants,
        session_id=session_id,
        csrf_token=csrf_token,
        via_cookie=via_cookie,
        ip=ip,
        remember=remember,
        session_expires_at=session_expires_at,
    )


async def resolve_token(token: str, *, via_cookie: bool, ip: str, settings: Settings) -> Principal:
    """The principal behind a bearer token or session cookie; 401 if it is not live."""
    digest = token_hash(token)
    rows = await _session_rows(digest)
    if not rows:
        raise NotAuthenticated("session_invalid", "登录已失效，请重新登录")
    row = rows[0]
    moment = now()
    remember = bool(row["remember"])
    absolute = _REMEMBERED_ABSOLUTE_LIFETIME if remember else _ABSOLUTE_LIFETIME
    if (
        row["revoked_at"] is not None
        or row["expires_at"] <= moment
        or row["created_at"] + absolute <= moment
        or row["status"] != AccountStatus.active.value
    ):
        raise NotAuthenticated("session_expired", "登录已过期，请重新登录")
    expires_at = row["expires_at"]
    idle = idle_lifetime(remember, settings)
    if moment - row["last_seen_at"] > idle / _TOUCH_FRACTION:
        expires_at = moment + idle
        await LoginSession.update({LoginSession.last_seen_at: moment, LoginSession.expires_at: expires_at}).where(
            LoginSession.id == row["session_id"])
    return _principal(rows, session_id=row["session_id"], csrf_token=row["csrf_token"], via_cookie=via_cookie,
                      ip=ip, remember=remember, session_expires_at=expires_at)


def csrf_matches(principal: Principal, header_value: str | None) -> bool:
    return bool(header_value) and hmac.compare_digest(principal.csrf_token, header_value or "")


# -- passwords -----------------------------------------------------------------


async def change_password(principal: Principal, old_password: str, new_password: str, *,
                          settings: Settings) -> None:
    account = await Account.objects().where(Account.id == principal.account_id).first()
    if account is None:
        raise NotAuthenticated()
    # A stolen session must not become a password oracle: tries counted before the check.
    await throttle.attempt(throttle.reauth(settings), principal.account_id)
    if not await asyncio.to_thread(verify_password, old_password, account.password_hash):
        raise Invalid("old_password", "原密码不正确", code="wrong_password")
    await throttle.passed(throttle.reauth(settings), principal.account_id)
    problem = password_problem(new_password)
    if problem:
        raise Invalid("new_password", problem, code="weak_password")
    if new_password == old_password:
        raise Invalid("new_password", "新密码不能与原密码相同", code="weak_password")
    new_hash = await asyncio.to_thread(hash_password, new_password)
    async with Account._meta.db.transaction():
        await Account.update(
            {
                Account.password_hash: new_hash,
                Account.must_change_password: False,
                Account.password_changed_at: now(),
            }
        ).where(Account.id == principal.account_id)
        # A changed password ends every other login: a thief's session dies too.
        await end_all_sessions(principal.account_id, except_session=principal.session_id)
        await audit.record("password_change", principal=principal, target_type="account",
                           target_id=principal.account_id, detail="修改密码")
