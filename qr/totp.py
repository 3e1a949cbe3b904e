"""Rotating check-in codes shown as a QR on the screens of a training session.

The QR encodes ``{base_url}/c/{session_id}?t={code}`` where ``code`` is an 8-digit TOTP
of the session secret. The code depends only on the secret and the time, so any number
of screens show the same code and a page refresh changes nothing.
"""

from __future__ import annotations

import math
from urllib.parse import quote

import pyotp

from ._otp import DIGITS, code_for_counter, counter_at, is_code_shaped, same_code

__all__ = [
    "DEFAULT_STEP",
    "DIGITS",
    "checkin_url",
    "code_at",
    "expires_in",
    "matched_step",
    "new_secret",
    "verify",
]

DEFAULT_STEP = 20


def new_secret() -> str:
    """A fresh 32-character base32 session secret (160 bits)."""
    return pyotp.random_base32()


def code_at(secret: str, now: float, step: int = DEFAULT_STEP) -> str:
    """The check-in code that is current at unix time `now`."""
    return code_for_counter(secret, counter_at(now, step), step)


def expires_in(now: float, step: int = DEFAULT_STEP) -> int:
    """Whole seconds until the code current at `now` is replaced (1..step).

    Rounded up so that a screen sleeping this long is guaranteed to find a new code.
    """
    next_boundary = (counter_at(now, step) + 1) * step
    return max(1, math.ceil(next_boundary - now))


def matched_step(
    secret: str, code: str, now: float, step: int = DEFAULT_STEP
) -> int | None:
    """The step counter `code` belongs to if it is valid at `now`, else None.

    Valid means the current or the previous step, so a code scanned just before it
    rotates still works. A future step is never valid: no screen can show it yet, so
    accepting it would only widen the window for guessing. Malformed codes give None
    without raising; a bad step or `now` is a programming error and raises ValueError.
    """
    current = counter_at(now, step)
    if not is_code_shaped(code):
        return None
    for counter in (current, current - 1):
        # Counter -1 would be before the epoch; pyotp raises for it.
        if counter >= 0 and same_code(code, code_for_counter(secret, counter, step)):
            return counter
    return None


def verify(secret: str, code: str, now: float, step: int = DEFAULT_STEP) -> bool:
    """True if `code` is the current or previous step's code at `now`."""
    return matched_step(secret, code, now, step) is not None


def checkin_url(base_url: str, session_id: int | str, code: str) -> str:
    """The URL a check-in QR encodes: ``{base_url}/c/{session_id}?t={code}``."""
    session = quote(str(session_id), safe="")
    return f"{base_url.rstrip('/')}/c/{session}?t={quote(code, safe='')}"
