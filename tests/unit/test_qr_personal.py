"""Personal rotating codes scanned by the organiser (qr.personal)."""

from __future__ import annotations

import dataclasses
import math
import re

import pyotp
import pytest

from qr import PersonalCode, parse_personal_payload, personal_payload, verify_personal

ALICE = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
BOB = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
T = 1_700_000_040.0  # a multiple of 30, so T starts a step
assert T % 30 == 0
COUNTER = int(T) // 30


def _scan(payload: str) -> PersonalCode:
    parsed = parse_personal_payload(payload)
    assert parsed is not None
    return parsed


def test_payload_format() -> None:
    payload = personal_payload(42, ALICE, T + 7)
    assert re.fullmatch(rf"JJ1\.42\.{COUNTER}\.[0-9]{{8}}", payload)


def test_payload_code_is_hotp_of_counter() -> None:
    # Interop: the code is plain RFC 4226 HOTP (8 digits, SHA-1) at the step counter.
    assert _scan(personal_payload(42, ALICE, T)).code == pyotp.HOTP(ALICE, digits=8).at(
        COUNTER
    )


def test_payload_stable_within_step_and_changes_after() -> None:
    assert personal_payload(42, ALICE, T) == personal_payload(42, ALICE, T + 29.999)
    assert personal_payload(42, ALICE, T) != personal_payload(42, ALICE, T + 30)


def test_payload_round_trip() -> None:
    payload = personal_payload(42, ALICE, T)
    expected = PersonalCode(
        person_id=42, counter=COUNTER, code=payload.rsplit(".", 1)[1]
    )
    assert parse_personal_payload(payload) == expected


def test_fresh_payload_verifies() -> None:
    assert verify_personal(_scan(personal_payload(42, ALICE, T + 12)), ALICE, T + 12)


def test_parse_tolerates_scanner_line_ending() -> None:
    payload = personal_payload(42, ALICE, T)
    assert parse_personal_payload(payload + "\r\n") == parse_personal_payload(payload)


def test_verify_at_scan_time_not_wall_clock() -> None:
    # An offline tablet syncing later: a 2001 scan still verifies against its own time.
    then = 1_000_000_020.0
    assert verify_personal(
        _scan(personal_payload(7, ALICE, then)), ALICE, scanned_at=then + 3
    )


def test_previous_step_accepted() -> None:
    assert verify_personal(_scan(personal_payload(42, ALICE, T)), ALICE, T + 59.999)


def test_two_steps_old_rejected() -> None:
    assert not verify_personal(_scan(personal_payload(42, ALICE, T)), ALICE, T + 60)


def test_larger_skew_accepts_older_code() -> None:
    parsed = _scan(personal_payload(42, ALICE, T))
    assert verify_personal(parsed, ALICE, T + 60, max_skew_steps=2)
    assert not verify_personal(parsed, ALICE, T + 90, max_skew_steps=2)


def test_zero_skew_rejects_previous_step() -> None:
    assert not verify_personal(
        _scan(personal_payload(42, ALICE, T)), ALICE, T + 30, max_skew_steps=0
    )


def test_future_counter_rejected() -> None:
    assert not verify_personal(
        _scan(personal_payload(42, ALICE, T + 30)), ALICE, T + 29.999
    )


def test_future_counter_rejected_even_with_large_skew() -> None:
    parsed = _scan(personal_payload(42, ALICE, T + 30))
    assert not verify_personal(parsed, ALICE, T, max_skew_steps=10)


def test_tampered_code_rejected() -> None:
    parsed = _scan(personal_payload(42, ALICE, T))
    last = str((int(parsed.code[-1]) + 1) % 10)
    assert not verify_personal(
        dataclasses.replace(parsed, code=parsed.code[:-1] + last), ALICE, T
    )


def test_code_is_bound_to_its_counter() -> None:
    # Relabelling an old code with the current counter must not refresh it.
    parsed = _scan(personal_payload(42, ALICE, T - 60))
    assert not verify_personal(dataclasses.replace(parsed, counter=COUNTER), ALICE, T)


def test_wrong_person_rejected() -> None:
    # Alice's payload relabelled as Bob's: the server then checks it with Bob's secret.
    alice = personal_payload(1, ALICE, T)
    forged = _scan(alice.replace("JJ1.1.", "JJ1.2.", 1))
    assert forged.person_id == 2
    assert not verify_personal(forged, BOB, T)


def test_other_persons_code_rejected() -> None:
    assert not verify_personal(_scan(personal_payload(1, BOB, T)), ALICE, T)


def test_step_parameter_is_used() -> None:
    parsed = _scan(personal_payload(42, ALICE, T, step=60))
    assert parsed.counter == int(T) // 60
    assert verify_personal(parsed, ALICE, T + 119, step=60)
    assert not verify_personal(parsed, ALICE, T + 119)


@pytest.mark.parametrize("scanned_at", [-1.0, math.nan, math.inf, "1700000040"])
def test_nonsense_scan_time_rejected_without_raising(scanned_at: object) -> None:
    parsed = _scan(personal_payload(42, ALICE, T))
    assert not verify_personal(parsed, ALICE, scanned_at)  # type: ignore[arg-type]


def test_negative_counter_rejected_without_raising() -> None:
    assert not verify_personal(PersonalCode(42, -1, "12345678"), ALICE, 5.0)


def test_malformed_hand_built_code_rejected() -> None:
    assert not verify_personal(PersonalCode(42, COUNTER, "１２３４５６７８"), ALICE, T)


def test_negative_skew_is_an_error() -> None:
    with pytest.raises(ValueError):
        verify_personal(
            _scan(personal_payload(42, ALICE, T)), ALICE, T, max_skew_steps=-1
        )


def test_bad_step_is_an_error() -> None:
    with pytest.raises(ValueError):
        verify_personal(_scan(personal_payload(42, ALICE, T)), ALICE, T, step=0)


def test_personal_code_is_frozen() -> None:
    parsed = _scan(personal_payload(42, ALICE, T))
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.person_id = 43  # type: ignore[misc]


@pytest.mark.parametrize("person_id", [-1, 2**63])
def test_payload_rejects_out_of_range_person(person_id: int) -> None:
    with pytest.raises(ValueError):
        personal_payload(person_id, ALICE, T)


@pytest.mark.parametrize("person_id", [True, 42.0, "42"])
def test_payload_rejects_non_int_person(person_id: object) -> None:
    with pytest.raises(TypeError):
        personal_payload(person_id, ALICE, T)  # type: ignore[arg-type]


def test_payload_rejects_impossible_time() -> None:
    with pytest.raises(ValueError):
        personal_payload(42, ALICE, -1.0)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "JJ1",
        "JJ1.42.56666668",
        "JJ1.42.56666668.12345678.9",
        "JJ2.42.56666668.12345678",
        "jj1.42.56666668.12345678",
        "JJ1.x.56666668.12345678",
        "JJ1.042.56666668.12345678",
        "JJ1.+42.56666668.12345678",
        "JJ1.-42.56666668.12345678",
        "JJ1. 42.56666668.12345678",
        "JJ1.4_2.56666668.12345678",
        "JJ1.٤٢.56666668.12345678",
        "JJ1.42.-1.12345678",
        "JJ1.42.56666668.1234567",
        "JJ1.42.56666668.123456789",
        "JJ1.42.56666668.1234567a",
        "JJ1.42.56666668.１２３４５６７８",
        "JJ1.9223372036854775808.56666668.12345678",
        "JJ1.42.99999999999999999999.12345678",
        "https://cme.example.org/c/17?t=12345678",
    ],
)
def test_parse_rejects_malformed_text(text: str) -> None:
    assert parse_personal_payload(text) is None


@pytest.mark.parametrize("text", [None, b"JJ1.42.56666668.12345678", 42])
def test_parse_rejects_non_string(text: object) -> None:
    assert parse_personal_payload(text) is None


def test_parse_accepts_largest_person_id() -> None:
    parsed = parse_personal_payload(f"JJ1.{2**63 - 1}.0.00000000")
    assert parsed == PersonalCode(2**63 - 1, 0, "00000000")
