"""Rotating session check-in codes (qr.totp)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import pyotp
import pytest

from qr import (
    DEFAULT_STEP,
    DIGITS,
    checkin_url,
    code_at,
    expires_in,
    matched_step,
    new_secret,
    verify,
)

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
OTHER_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
T = 1_700_000_040.0  # a multiple of 60, so T starts a step of 20, 30 and 60 seconds
assert T % 60 == 0


def _fullwidth(digits: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in digits)


def _arabic_indic(digits: str) -> str:
    return "".join(chr(ord(c) - ord("0") + 0x0660) for c in digits)


def test_constants() -> None:
    assert DEFAULT_STEP == 20
    assert DIGITS == 8


def test_new_secret_is_32_base32_chars() -> None:
    secret = new_secret()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)


def test_new_secret_is_random() -> None:
    assert len({new_secret() for _ in range(20)}) == 20


def test_new_secret_makes_codes() -> None:
    assert re.fullmatch(r"[0-9]{8}", code_at(new_secret(), T))


def test_code_is_eight_ascii_digits() -> None:
    assert re.fullmatch(r"[0-9]{8}", code_at(SECRET, T))


@pytest.mark.parametrize("now", [T, T + 0.999, T + 19.5, T + 20, T + 31.25, 5.0, 0.0])
def test_code_matches_pyotp_totp(now: float) -> None:
    # Interop: any standard TOTP implementation with the same parameters agrees.
    assert code_at(SECRET, now) == pyotp.TOTP(SECRET, digits=8, interval=20).at(now)


def test_same_code_throughout_one_step() -> None:
    codes = {code_at(SECRET, T + offset) for offset in (0, 0.001, 7, 13.3, 19, 19.999)}
    assert codes == {code_at(SECRET, T)}


def test_code_changes_exactly_at_step_boundary() -> None:
    assert code_at(SECRET, T - 0.001) != code_at(SECRET, T)


def test_different_secrets_give_different_codes() -> None:
    assert code_at(SECRET, T) != code_at(OTHER_SECRET, T)


def test_step_parameter_is_used() -> None:
    assert code_at(SECRET, T + 25, step=30) == pyotp.TOTP(
        SECRET, digits=8, interval=30
    ).at(T)
    assert code_at(SECRET, T + 25, step=30) != code_at(SECRET, T + 25)


@pytest.mark.parametrize("now", [-1.0, -0.5, math.nan, math.inf, 253_402_300_800.0])
def test_code_at_rejects_impossible_time(now: float) -> None:
    with pytest.raises(ValueError):
        code_at(SECRET, now)


@pytest.mark.parametrize("step", [0, -20, 121])
def test_step_outside_pyotp_range_is_rejected(step: int) -> None:
    with pytest.raises(ValueError):
        code_at(SECRET, T, step=step)


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(0, 20), (0.5, 20), (1, 19), (10, 10), (19, 1), (19.5, 1), (19.999, 1), (20, 20)],
)
def test_expires_in_at_boundaries(offset: float, expected: int) -> None:
    assert expires_in(T + offset) == expected


def test_expires_in_with_custom_step() -> None:
    assert expires_in(T, step=30) == 30
    assert expires_in(T + 29, step=30) == 1


def test_after_expires_in_the_code_has_changed_and_not_before() -> None:
    for tenth in range(0, 600, 7):
        now = T + tenth / 10
        wait = expires_in(now)
        assert 1 <= wait <= DEFAULT_STEP
        assert code_at(SECRET, now + wait) != code_at(SECRET, now), now
        assert code_at(SECRET, now + wait - 1) == code_at(SECRET, now), now


def test_expires_in_rejects_bad_step() -> None:
    with pytest.raises(ValueError):
        expires_in(T, step=0)


def test_current_code_accepted() -> None:
    assert verify(SECRET, code_at(SECRET, T + 3), T + 3)


def test_previous_step_code_accepted() -> None:
    assert verify(SECRET, code_at(SECRET, T - 1), T)


def test_previous_step_code_accepted_until_end_of_current_step() -> None:
    assert verify(SECRET, code_at(SECRET, T - 20), T + 19.999)


def test_code_two_steps_old_rejected() -> None:
    assert not verify(SECRET, code_at(SECRET, T - 20), T + 20)


def test_code_long_expired_rejected() -> None:
    assert not verify(SECRET, code_at(SECRET, T - 600), T)


def test_next_step_code_rejected() -> None:
    # Never a future code, even a fraction of a second before it becomes current.
    assert not verify(SECRET, code_at(SECRET, T + 20), T + 19.999)


def test_code_of_other_secret_rejected() -> None:
    assert not verify(SECRET, code_at(OTHER_SECRET, T), T)


@pytest.mark.parametrize(
    "mutate", [lambda c: c[:-1], lambda c: c + "0", lambda c: "", lambda c: c * 2]
)
def test_wrong_length_rejected(mutate: Callable[[str], str]) -> None:
    assert not verify(SECRET, mutate(code_at(SECRET, T)), T)


def test_six_digit_authenticator_code_rejected() -> None:
    assert not verify(SECRET, pyotp.TOTP(SECRET, interval=20).at(T), T)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda c: c[:-1] + "a",
        lambda c: " " + c[1:],
        lambda c: c[:-1] + "\n",
        lambda c: "-" + c[1:],
        _fullwidth,
        _arabic_indic,
    ],
    ids=["letter", "space", "newline", "sign", "fullwidth", "arabic-indic"],
)
def test_non_ascii_digit_code_rejected(mutate: Callable[[str], str]) -> None:
    # Full-width digits NFKC-normalise to the real code; pyotp.verify would accept them.
    assert not verify(SECRET, mutate(code_at(SECRET, T)), T)


@pytest.mark.parametrize("code", [None, 12345678, b"12345678"])
def test_non_string_code_rejected_without_raising(code: object) -> None:
    assert not verify(SECRET, code, T)  # type: ignore[arg-type]


def test_verify_in_first_step_after_epoch_does_not_raise() -> None:
    # The previous counter would be -1; pyotp raises for negative counters.
    assert verify(SECRET, code_at(SECRET, 5.0), 5.0)
    assert not verify(SECRET, code_at(SECRET, 25.0), 5.0)


def test_verify_uses_step_parameter() -> None:
    code = code_at(SECRET, T, step=60)
    assert verify(SECRET, code, T + 119, step=60)
    assert not verify(SECRET, code, T + 120, step=60)


def test_matched_step_for_current_code() -> None:
    assert matched_step(SECRET, code_at(SECRET, T), T + 5) == T // 20


def test_matched_step_for_previous_code() -> None:
    assert matched_step(SECRET, code_at(SECRET, T - 5), T + 5) == T // 20 - 1


def test_matched_step_none_for_rejected_code() -> None:
    assert matched_step(SECRET, code_at(SECRET, T + 20), T) is None


def test_matched_step_is_an_int() -> None:
    assert type(matched_step(SECRET, code_at(SECRET, T), T)) is int


def test_verify_rejects_impossible_server_time() -> None:
    with pytest.raises(ValueError):
        verify(SECRET, "12345678", -1.0)


def test_checkin_url_format() -> None:
    assert checkin_url("https://cme.example.org", 17, "01234567") == (
        "https://cme.example.org/c/17?t=01234567"
    )


def test_checkin_url_ignores_trailing_slash_and_escapes_session_id() -> None:
    assert checkin_url("https://x.org/app/", "a/b c", "01234567") == (
        "https://x.org/app/c/a%2Fb%20c?t=01234567"
    )


def test_code_matches_pyotp_for_many_counters():
    import pyotp

    from qr._otp import code_for_counter

    secret = pyotp.random_base32()
    for counter in (0, 1, 59, 10**6, 2**31, 88_000_000):
        assert code_for_counter(secret, counter, 20) == pyotp.TOTP(secret, digits=8, interval=20).generate_otp(counter)
