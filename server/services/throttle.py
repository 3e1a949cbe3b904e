"""Throttling: how many tries a username, an address or a phone gets, counted atomically.

Every limit in the product goes through here: logins (per username and per
address), SMS codes (tries per phone, sends per phone, per address and in all),
re-proving a password or a second factor (password change, turning TOTP off,
editing a registration), and wrong check-in codes per address.

A counter is one row of ``throttle`` per (scope, subject), changed by ONE
conditional upsert: "count this try unless the limit is reached, and tell me
the count". Concurrent requests therefore never all read "4 of 5" and all go
on (which is what read-then-write did: 200 parallel wrong passwords were all
checked). The same statement runs on SQLite and PostgreSQL (on PostgreSQL the
upsert takes the row lock, and its WHERE sees the latest row).

Counting is a sliding window, approximated from two fixed windows: the
previous window's count weighs less as the current one passes, so a burst at
a window's boundary cannot get twice the limit.

Three ways to use a limit:

* :func:`attempt` before checking a secret: the try is counted first, and a
  proven try (:func:`passed`) clears the count. For things guessed one
  subject at a time (a username's password, a phone's SMS code).
* :func:`guard` then :func:`failure` where right answers must never count: a
  lecture hall of 300 behind one address sends right check-in codes and must
  never be slowed, so only wrong codes are counted, and a right one costs a
  read (memoised on SQLite), never a write. The wrong answer itself is
  decided by the count: :func:`failure` raises once the limit is passed.
* :func:`spend` for budgets and cooldowns that must all hold together (an SMS
  send: per address, per phone, a cooldown and a global budget, in one
  transaction, so a refusal by one leaves the others untouched).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from server import db
from server.services.errors import TooManyAttempts
from server.settings import Settings
from server.sqlprog import Program
from server.tables import Throttle

log = logging.getLogger("jijiao")

# Rows untouched this long are deleted (the longest window is a day).
_KEEP_SECONDS = 2 * 86400
_SWEEP_EVERY = 600.0
_last_sweep = 0.0


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``most`` tries per ``window`` seconds (a cooldown: one per ``window``).

    ``detail`` is the 429's Chinese message; ``{seconds}`` in it becomes the wait.
    """

    scope: str
    most: int
    window: int
    detail: str
    cooldown: bool = False

    def subject(self, value: object) -> str:
        return str(value)[:200]

    def refusal(self, retry_after: int) -> TooManyAttempts:
        error = TooManyAttempts(self.detail.replace("{seconds}", str(retry_after)), retry_after=retry_after)
        error.scope = self.scope
        return error


# -- the limits ------------------------------------------------------------------------


def login_user(settings: Settings) -> Limit:
    minutes = settings.login_window_minutes
    return Limit("login_user", settings.login_max_failures_per_user, minutes * 60,
                 f"登录失败次数过多，请 {minutes} 分钟后再试，或使用“忘记密码”找回")


def login_address(settings: Settings) -> Limit:
    minutes = settings.login_window_minutes
    return Limit("login_address", settings.login_max_failures_per_ip, minutes * 60,
                 f"该网络登录失败次数过多，请 {minutes} 分钟后再试")


def reauth(settings: Settings) -> Limit:
    """Re-proving who you are while logged in: the old password, a TOTP code to turn it off."""
    minutes = settings.login_window_minutes
    return Limit("reauth", settings.login_max_failures_per_user, minutes * 60,
                 f"验证失败次数过多，请 {minutes} 分钟后再试")


_WRONG_CODES: dict[int, tuple[Settings, Limit]] = {}


def wrong_codes(settings: Settings) -> Limit:
    """Wrong check-in codes (and claims) from one address (made once per Settings: every check-in asks)."""
    cached = _WRONG_CODES.get(id(settings))
    if cached is None or cached[0] is not settings:
        cached = _WRONG_CODES[id(settings)] = (settings, Limit(
            "wrong_code", settings.wrong_codes_per_ip, settings.wrong_codes_window_minutes * 60,
            "签到码错误次数过多，请稍后再扫描现场二维码"))
    return cached[1]


def sms_cooldown(settings: Settings) -> Limit:
    return Limit("sms_cooldown", 1, settings.sms_cooldown_seconds, "验证码发送过于频繁，请 {seconds} 秒后再试",
                 cooldown=True)


def sms_phone_daily(settings: Settings) -> Limit:
    return Limit("sms_phone", settings.sms_daily_limit, 86400, "该手机号今日获取验证码次数已达上限，请明天再试")


def sms_address(settings: Settings) -> Limit:
    return Limit("sms_address", settings.sms_per_ip_per_hour, 3600, "该网络获取验证码过于频繁，请稍后再试")


def sms_without_captcha(settings: Settings) -> Limit:
    """The sends an address gets each hour before each further one needs the image captcha.

    Counted by :func:`attempt` (one conditional upsert), not read by :func:`guard`:
    twelve parallel sends all read "none sent yet" and all skipped the captcha.
    """
    return Limit("sms_free", settings.sms_captcha_after_per_ip, 3600, "请输入图形验证码")


def sms_global(settings: Settings) -> Limit:
    return Limit("sms_global", settings.sms_global_per_hour, 3600, "短信发送繁忙，请稍后再试")


# -- counting --------------------------------------------------------------------------


def _now() -> int:
    return int(time.time())


def estimate(row: dict | None, limit: Limit, now: int) -> float:
    """The sliding count of a row at ``now``: this window's hits plus the previous window's, weighed."""
    if row is None:
        return 0.0
    if limit.cooldown:
        return 1.0 if row["period"] > now - limit.window else 0.0
    period = now // limit.window
    weight = 1 - (now % limit.window) / limit.window
    if row["period"] == period:
        return row["prev_hits"] * weight + row["hits"]
    if row["period"] == period - 1:
        return row["hits"] * weight
    return 0.0


def room_condition(limit: Limit, subject_sql: str, now: int | None = None) -> tuple[str, tuple]:
    """SQL (``{}`` placeholders) true when :func:`guard` would let the subject named by the SQL
    expression ``subject_sql`` (already cut by :meth:`Limit.subject`) try once more.

    For a statement that checks the limit itself instead of reading it first (the check-ins
    on PostgreSQL, services/checkin_batch.py: one round trip instead of two). The same sliding
    count as :func:`estimate`, so the two agree (a table of cases in the tests holds them to it).
    """
    if limit.cooldown:
        raise ValueError("room_condition covers sliding-window limits only")
    now = _now() if now is None else now
    period = now // limit.window
    weight = 1 - (now % limit.window) / limit.window
    return ("NOT EXISTS (SELECT 1 FROM throttle WHERE scope = {} AND subject = " + subject_sql + " AND "
            "(CASE WHEN period = {} THEN prev_hits * CAST({} AS DOUBLE PRECISION) + hits "
            "WHEN period = {} THEN hits * CAST({} AS DOUBLE PRECISION) ELSE 0 END) + 1 > {})",
            (limit.scope, period, weight, period - 1, weight, float(limit.most)))


def _retry_after(row: dict | None, limit: Limit, now: int) -> int:
    """Seconds until one more try fits, if nobody tries meanwhile (at least 1)."""
    if row is None:
        return 1
    if limit.cooldown:
        return max(1, row["period"] + limit.window - now)
    period, into = divmod(now, limit.window)
    hits = row["hits"] if row["period"] == period else 0
    prev = row["prev_hits"] if row["period"] == period else row["hits"] if row["period"] == period - 1 else 0
    room = limit.most - 1
    if hits > room:
        # Wait for the next window, then for this window's hits to weigh little enough.
        fraction = 1 - room / hits if hits else 0
        return max(1, limit.window - into + math.ceil(fraction * limit.window))
    if prev:
        fraction = 1 - (room - hits) / prev
        return max(1, math.ceil(fraction * limit.window) - into)
    return 1


_COUNT_SQL = """
INSERT INTO throttle (scope, subject, period, hits, prev_hits, touched) VALUES ({}, {}, {}, 1, 0, {})
ON CONFLICT (scope, subject) DO UPDATE SET
  prev_hits = CASE WHEN throttle.period = excluded.period THEN throttle.prev_hits
                   WHEN throttle.period = excluded.period - 1 THEN throttle.hits ELSE 0 END,
  hits = CASE WHEN throttle.period = excluded.period THEN throttle.hits + 1 ELSE 1 END,
  period = excluded.period, touched = excluded.touched
"""
# Counted only while the sliding count stays within the limit: a refused try writes nothing.
_WITHIN = """
WHERE (CASE WHEN throttle.period = excluded.period THEN throttle.prev_hits
            WHEN throttle.period = excluded.period - 1 THEN throttle.hits ELSE 0 END) * CAST({} AS DOUBLE PRECISION)
      + (CASE WHEN throttle.period = excluded.period THEN throttle.hits ELSE 0 END) + 1 <= CAST({} AS DOUBLE PRECISION)
"""
_COOLDOWN_SQL = """
INSERT INTO throttle (scope, subject, period, hits, prev_hits, touched) VALUES ({}, {}, {}, 1, 0, {})
ON CONFLICT (scope, subject) DO UPDATE SET period = excluded.period, hits = throttle.hits + 1,
  touched = excluded.touched
WHERE throttle.period <= {}
"""
_RETURNING = " RETURNING period, hits, prev_hits"
_READ_SQL = "SELECT period, hits, prev_hits FROM throttle WHERE scope = {} AND subject = {}"


class _Refused(Exception):
    def __init__(self, limit: Limit, row: dict | None, now: int) -> None:
        super().__init__(limit.scope)
        self.limit, self.row, self.now = limit, row, now

    def error(self) -> TooManyAttempts:
        return self.limit.refusal(_retry_after(self.row, self.limit, self.now))


def _count_program(limit: Limit, subject: str, now: int, *, within: bool) -> Program[float]:
    """Count one try; with ``within``, only if it fits (else _Refused). The sliding count after it."""
    if limit.cooldown:
        rows = yield (_COOLDOWN_SQL + _RETURNING, (limit.scope, subject, now, now, now - limit.window))
    elif within:
        weight = 1 - (now % limit.window) / limit.window
        rows = yield (_COUNT_SQL + _WITHIN + _RETURNING,
                      (limit.scope, subject, now // limit.window, now, weight, float(limit.most)))
    else:
        rows = yield (_COUNT_SQL + _RETURNING, (limit.scope, subject, now // limit.window, now))
    if not rows:
        current = yield (_READ_SQL, (limit.scope, subject))
        raise _Refused(limit, current[0] if current else None, now)
    return estimate(rows[0], limit, now)


def _with_sweep(program: Program, now: int) -> Program:
    """``program``, then (every few minutes per process) delete rows nobody touched for two days."""
    global _last_sweep
    result = yield from program
    if time.monotonic() - _last_sweep > _SWEEP_EVERY:
        _last_sweep = time.monotonic()
        yield ("DELETE FROM throttle WHERE touched < {}", (now - _KEEP_SECONDS,))
    return result


def _engine():  # type: ignore[no-untyped-def]
    return Throttle._meta.db


async def _run(program: Program):  # type: ignore[no-untyped-def]
    try:
        return await db.run_write(_engine(), program)
    except _Refused as refused:
        raise refused.error() from None


async def attempt(limit: Limit, subject: object) -> float:
    """Count one try of ``subject`` BEFORE checking it; 429 once the limit is reached.

    Returns the sliding count, this try included (so ``count - 1`` tries came before).
    """
    now = _now()
    return await _run(_with_sweep(_count_program(limit, limit.subject(subject), now, within=True), now))


async def failure(limit: Limit, subject: object) -> float:
    """Count a failed try (after the check, for counters that must never count right answers).

    Always counted; 429 when this one passes the limit, so of N parallel
    wrong answers only the first ``most`` are told they were wrong.
    """
    now = _now()
    count = await _run(_with_sweep(_count_program(limit, limit.subject(subject), now, within=False), now))
    if count > limit.most:
        raise limit.refusal(max(1, limit.window // 2))
    return count


async def passed(limit: Limit, subject: object) -> None:
    """A proven try: the subject's count starts again (run inside the success's transaction)."""
    await db.run_write(_engine(), _clear_program(limit, limit.subject(subject)))


def _clear_program(limit: Limit, subject: str) -> Program[None]:
    yield ("DELETE FROM throttle WHERE scope = {} AND subject = {}", (limit.scope, subject))


async def count(limit: Limit, subject: object, *, memo: bool = False) -> float:
    """The sliding count of ``subject`` now (a read; ``memo`` for the check-in hot path)."""
    subject = limit.subject(subject)
    if memo:
        rows = await db.fetch_memo(_engine(), ("throttle", limit.scope, subject), ("throttle",), _READ_SQL,
                                   limit.scope, subject)
    else:
        rows = await db.fetch(_engine(), _READ_SQL, limit.scope, subject)
    return estimate(rows[0] if rows else None, limit, _now())


async def guard(limit: Limit, subject: object, *, memo: bool = False) -> float:
    """429 if ``subject`` has reached the limit already (nothing counted); else its count."""
    subject = limit.subject(subject)
    if memo:
        rows = await db.fetch_memo(_engine(), ("throttle", limit.scope, subject), ("throttle",), _READ_SQL,
                                   limit.scope, subject)
    else:
        rows = await db.fetch(_engine(), _READ_SQL, limit.scope, subject)
    row, now = (rows[0] if rows else None), _now()
    current = estimate(row, limit, now)
    if current + 1 > limit.most:
        raise limit.refusal(_retry_after(row, limit, now))
    return current


async def spend(*charges: tuple[Limit, object]) -> None:
    """Count one try against each (limit, subject) in one transaction: all counted, or none and 429."""
    now = _now()

    def program() -> Program[None]:
        for limit, subject in charges:
            yield from _count_program(limit, limit.subject(subject), now, within=True)

    await _run(_with_sweep(program(), now))


def refused_by(error: TooManyAttempts, limit: Limit) -> bool:
    """Whether a 429 from :func:`spend` came from ``limit``."""
    return getattr(error, "scope", None) == limit.scope
