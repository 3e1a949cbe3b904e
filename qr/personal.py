"""Reverse check-in: a trainee shows a personal rotating code, the organiser scans it.

Payload: ``JJ1.{person_id}.{counter}.{code}``, where ``code`` is the 8-digit HOTP of the
person's secret at ``counter`` (the TOTP step counter when the code was shown). The
counter travels in the payload because the scanning tablet may be offline and sync
later; the server then verifies against the recorded scan time, not its own clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._otp import (
    check_step,
    code_for_counter,
    counter_at,
    is_code_shaped,
    is_valid_time,
    same_code,
)

__all__ = [
    "DEFAULT_PERSONAL_STEP",
    "PAYLOAD_PREFIX",
    "PersonalCode",
    "parse_personal_payload",
    "personal_payload",
    "verify_personal",
]

PAYLOAD_PREFIX = "JJ1"
DEFAULT_PERSONAL_STEP = 30
# Person ids must fit a signed 64-bit column so a parsed id never overflows a lookup.
_MAX_PERSON_ID = 2**63 - 1
# Canonical non-negative decimal only: no sign, blanks, underscores, leading zeros or
# non-ASCII digits (all of which int() accepts), so each value has exactly one spelling.
_CANONICAL_INT = re.compile(r"0|[1-9][0-9]{0,18}")


@dataclass(frozen=True, slots=True)
class PersonalCode:
    """A parsed, not yet verified, personal payload."""

    person_id: int
    counter: int
    code: str


def personal_payload(
    person_id: int, secret: str, now: float, step: int = DEFAULT_PERSONAL_STEP
) -> str:
    """The payload a trainee's device shows at unix time `now`."""
    if isinstance(person_id, bool) or not isinstance(person_id, int):
        raise TypeError(f"person_id must be an int, got {person_id!r}")
    if not 0 <= person_id <= _MAX_PERSON_ID:
        raise ValueError(f"person_id out of range: {person_id}")
    counter = counter_at(now, step)
    code = code_for_counter(secret, counter, step)
    return f"{PAYLOAD_PREFIX}.{person_id}.{counter}.{code}"


def parse_personal_payload(text: object) -> PersonalCode | None:
    """Split a scanned payload into its fields, or None if it is not one.

    Surrounding whitespace is ignored because keyboard-wedge scanners append CR/LF.
    """
    if not isinstance(text, str):
        return None
    parts = text.strip().split(".")
    if len(parts) != 4 or parts[0] != PAYLOAD_PREFIX:
        return None
    _, person_id, counter, code = parts
    if not (
        _CANONICAL_INT.fullmatch(person_id)
        and _CANONICAL_INT.fullmatch(counter)
        and is_code_shaped(code)
    ):
        return None
    if int(person_id) > _MAX_PERSON_ID:
        return None
    return PersonalCode(person_id=int(person_id), counter=int(counter), code=code)


def verify_personal(
    parsed: PersonalCode,
    secret: str,
    scanned_at: float,
    step: int = DEFAULT_PERSONAL_STEP,
    max_skew_steps: int = 1,
) -> bool:
    """True if `parsed` is authentic for `secret` and fresh at `scanned_at`.

    Fresh means its counter lies within the `max_skew_steps` steps before the step of
    `scanned_at`, or is that step; a future counter is never accepted. `scanned_at`
    comes from a syncing tablet, so a nonsensical value is a failed scan, not an
    error. The caller must still bound `scanned_at` against its own clock.
    """
    check_step(step)  # a bad step is our own bug, so it raises
    if max_skew_steps < 0:
        raise ValueError(f"max_skew_steps must be >= 0, got {max_skew_steps}")
    if not is_valid_time(scanned_at):
        return False
    current = counter_at(scanned_at, step)
    # counter >= 0 also guards hand-built PersonalCode values; pyotp raises below zero.
    if not (
        0 <= parsed.counter and current - max_skew_steps <= parsed.counter <= current
    ):
        return False
    if not is_code_shaped(parsed.code):
        return False
    return same_code(parsed.code, code_for_counter(secret, parsed.counter, step))
