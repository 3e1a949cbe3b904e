"""Shared one-time-code primitives for the check-in and personal codes."""

from __future__ import annotations

import functools
import hashlib
import hmac

import pyotp

DIGITS = 8
# pyotp refuses longer TOTP intervals (NIST SP 800-63B-4); we mirror the rule so that
# functions that never build a pyotp object (expires_in) fail the same way.
MAX_STEP = 120
# 10000-01-01T00:00:00Z, exclusive: pyotp rejects later timestamps.
_TIME_LIMIT = 253_402_300_800


def check_step(step: int) -> None:
    """Raise ValueError unless 1 <= step <= MAX_STEP."""
    if isinstance(step, bool) or not isinstance(step, int) or not 0 < step <= MAX_STEP:
        raise ValueError(
            f"step must be an int between 1 and {MAX_STEP} seconds, got {step!r}"
        )


def is_valid_time(now: object) -> bool:
    """True if `now` is a unix timestamp pyotp accepts (epoch <= now < year 10000)."""
    if isinstance(now, bool) or not isinstance(now, (int, float)):
        return False
    return 0 <= now < _TIME_LIMIT  # NaN fails this comparison too


def counter_at(now: float, step: int) -> int:
    """The step counter (unix time // step) that `now` falls in.

    Mirrors pyotp's TOTP.timecode (sub-second precision dropped, pre-epoch rejected)
    so our counters always agree with codes made by pyotp or an authenticator app.
    """
    check_step(step)
    if not is_valid_time(now):
        raise ValueError(
            f"now must be a unix timestamp from the epoch to year 9999, got {now!r}"
        )
    return int(now) // step


@functools.lru_cache(maxsize=4096)
def _key(secret: str, step: int) -> bytes:
    """The secret's key bytes, validated by pyotp (base32, >= 112 bits) and the step, once."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=step).byte_secret()


def code_for_counter(secret: str, counter: int, step: int) -> str:
    """The DIGITS-long HOTP/TOTP code of `secret` at `counter` (RFC 4226, HMAC-SHA1).

    Equal to pyotp's generate_otp; computed here with the decoded key cached,
    because decoding base32 on every scan was a tenth of a check-in's CPU.
    """
    if counter < 0:
        raise ValueError("counter must be >= 0")
    digest = hmac.new(_key(secret, step), counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)


def is_code_shaped(code: object) -> bool:
    """True if `code` is a str of exactly DIGITS ASCII digits."""
    # str.isdigit() alone also accepts Arabic-Indic, full-width or superscript digits;
    # only the canonical ASCII form may ever match.
    return (
        isinstance(code, str)
        and len(code) == DIGITS
        and code.isascii()
        and code.isdigit()
    )


def same_code(candidate: str, expected: str) -> bool:
    """Constant-time equality of two ASCII codes."""
    # compare_digest hides how many leading digits were right. We don't use
    # pyotp.utils.strings_equal: it NFKC-normalises, so full-width digits would match.
    return hmac.compare_digest(candidate.encode("ascii"), expected.encode("ascii"))
