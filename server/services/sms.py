"""One-time SMS codes and the gateways that deliver them.

A code is six digits, valid a few minutes, dies after a few wrong tries and is
used at most once; the database keeps only a salted hash of it. Delivery goes
through a :class:`SmsGateway`: :class:`LogGateway` (the default, for
development and tests) appends each message to ``sms-outbox.jsonl`` in the
data directory; :class:`HttpGateway` POSTs JSON to a configured SMS provider.
Production mode refuses the log gateway, so a code never lands in a file.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import secrets
import urllib.request
from pathlib import Path
from typing import Protocol

from server.clock import now
from server.services import captcha, identity, throttle
from server.services.errors import Invalid, TooManyAttempts
from server.services.passwords import code_hash, code_matches
from server.settings import Settings
from server.tables import Account, SmsCode
from server.tables.enums import SmsPurpose

PHONE = identity.PHONE
OUTBOX = "sms-outbox.jsonl"
log = logging.getLogger("jijiao")


class SmsGateway(Protocol):
    async def send(self, phone: str, purpose: str, code: str, text: str) -> None: ...


class LogGateway:
    """Appends one JSON line per message to ``$JIJIAO_DATA_DIR/sms-outbox.jsonl``."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / OUTBOX

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    async def send(self, phone: str, purpose: str, code: str, text: str) -> None:
        line = json.dumps({"phone": phone, "purpose": purpose, "code": code, "text": text,
                           "at": now().isoformat()}, ensure_ascii=False)
        await asyncio.to_thread(self._append, line)


class HttpGateway:
    """POSTs ``{"phone", "text"}`` as JSON to the provider's URL with a bearer token."""

    def __init__(self, url: str, token: str, timeout: float = 10.0) -> None:
        self.url, self.token, self.timeout = url, token, timeout

    def _post(self, body: bytes) -> None:
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
            response.read()

    async def send(self, phone: str, purpose: str, code: str, text: str) -> None:
        body = json.dumps({"phone": phone, "purpose": purpose, "text": text}, ensure_ascii=False).encode()
        await asyncio.to_thread(self._post, body)


def gateway_for(settings: Settings) -> SmsGateway:
    """The configured gateway; raises ValueError for a configuration that must not run."""
    if settings.sms_backend == "http":
        if not settings.sms_http_url.startswith(("https://", "http://")):
            raise ValueError("JIJIAO_SMS_BACKEND=http needs JIJIAO_SMS_HTTP_URL")
        return HttpGateway(settings.sms_http_url, settings.sms_http_token)
    if settings.sms_backend == "log":
        if settings.production:
            raise ValueError("production mode never logs SMS codes: set JIJIAO_SMS_BACKEND=http")
        return LogGateway(settings.data_dir)
    raise ValueError(f"unknown JIJIAO_SMS_BACKEND {settings.sms_backend!r} (log | http)")


async def send_text(gateway: SmsGateway, phone: str, purpose: str, text: str) -> bool:
    """A message that carries no code (reminders, digests); False, logged, when the gateway failed.

    Unlike a code, nothing waits on it: the caller records the outcome instead of failing.
    """
    try:
        await gateway.send(phone, purpose, "", text)
    except Exception as error:  # noqa: BLE001 - any gateway failure is an outcome to record
        log.warning("SMS %s to %s failed: %r", purpose, phone[:3] + "****" + phone[-4:], error)
        return False
    return True


def check_phone(phone: str, field: str = "phone") -> str:
    phone = (phone or "").strip()
    if not PHONE.match(phone):
        raise Invalid(field, "请输入正确的 11 位手机号码")
    return phone


async def _known(phone: str, purpose: SmsPurpose) -> bool:
    if purpose == SmsPurpose.login:
        # A listed admin (seed 001 §8) or the one account with this phone, trainees included.
        return await identity.sms_login_account(phone) is not None
    return await Account.exists().where(Account.phone == phone)


async def request_code(phone: str, purpose: SmsPurpose, *, settings: Settings, gateway: SmsGateway, ip: str = "",
                       captcha_id: str | None = None, captcha_answer: str | None = None) -> None:
    """Send a code within the limits; silent for recovery to an unknown phone.

    Limits, all counted in one transaction (throttle.spend): the address's hourly
    budget, the phone's cooldown per purpose and daily cap, and the site's hourly
    budget. Past a few codes an hour the address must solve the image captcha
    for each further one: a person can, a pumping script can't.
    """
    phone = check_phone(phone)
    address = throttle.sms_address(settings)
    if ip:
        await throttle.guard(address, ip)
        if settings.sms_captcha_after_per_ip > 0:
            # One of the address's captcha-free sends is taken atomically, or the captcha is due.
            try:
                await throttle.attempt(throttle.sms_without_captcha(settings), ip)
            except TooManyAttempts:
                await captcha.verify(captcha_id, captcha_answer)
    # Whether the phone is known decides only whether a text goes out (a real cost,
    # so only then the global budget); every request spends the address's budget.
    real = purpose == SmsPurpose.register or await _known(phone, purpose)
    charges = [(throttle.sms_cooldown(settings), f"{phone}:{purpose.value}"),
               (throttle.sms_phone_daily(settings), phone)]
    if ip:
        charges.insert(0, (address, ip))
    if real:
        charges.append((throttle.sms_global(settings), "all"))
    try:
        await throttle.spend(*charges)
    except TooManyAttempts as error:
        if throttle.refused_by(error, throttle.sms_global(settings)):
            log.error("SMS global budget reached: %d codes in the last hour; refusing more (SMS pumping?)",
                      settings.sms_global_per_hour)
        raise
    if not real:
        # Answer as if sent: whether a phone is registered is nobody's business.
        return
    moment = now()
    code = f"{secrets.randbelow(10**6):06d}"
    await SmsCode.insert(SmsCode(phone=phone, purpose=purpose.value, code_hash=code_hash(code), created_at=moment,
                                 expires_at=moment + dt.timedelta(minutes=settings.sms_code_ttl_minutes)))
    minutes = settings.sms_code_ttl_minutes
    await gateway.send(phone, purpose.value, code, f"【继教】您的验证码为：{code}，{minutes}分钟内有效。")


async def check_code(phone: str, purpose: SmsPurpose, code: str, *, settings: Settings) -> int:
    """The id of the live code ``code`` for this phone and purpose; every try is counted first.

    The try is counted by one conditional UPDATE before the code is compared, so
    parallel guesses get exactly ``sms_max_attempts`` comparisons between them.
    The code is not used up here: the caller consumes it with :func:`consume`
    inside the transaction that does the work, so a failure elsewhere leaves it valid.
    """
    row = await (SmsCode.select(SmsCode.id, SmsCode.code_hash)
                 .where((SmsCode.phone == phone) & (SmsCode.purpose == purpose.value)
                        & SmsCode.used_at.is_null() & (SmsCode.expires_at > now()))
                 .order_by(SmsCode.created_at, ascending=False).first())
    if row is None:
        raise Invalid("sms_code", "验证码已过期或无效，请重新获取", code="sms_code_expired")
    counted = await SmsCode.update({SmsCode.attempts: SmsCode.attempts + 1}).where(
        (SmsCode.id == row["id"]) & (SmsCode.attempts < settings.sms_max_attempts)).returning(SmsCode.attempts)
    if not counted:
        raise Invalid("sms_code", "验证码错误次数过多，请重新获取", code="sms_code_exhausted")
    if not code_matches((code or "").strip(), row["code_hash"]):
        left = settings.sms_max_attempts - counted[0]["attempts"]
        if left <= 0:
            raise Invalid("sms_code", "验证码错误次数过多，请重新获取", code="sms_code_exhausted")
        raise Invalid("sms_code", f"验证码不正确，还可尝试 {left} 次", code="wrong_sms_code")
    return row["id"]


async def consume(code_id: int) -> None:
    """Use the code up (call inside the work's transaction); a second use fails."""
    used = await SmsCode.update({SmsCode.used_at: now()}).where(
        (SmsCode.id == code_id) & SmsCode.used_at.is_null()).returning(SmsCode.id)
    if not used:
        raise Invalid("sms_code", "验证码已使用，请重新获取", code="sms_code_expired")
