"""Check-in claim tokens (qr.claims)."""

from __future__ import annotations

import math
import re

import pytest

from qr import DEFAULT_CLAIM_TTL, claim_expiry, hash_token, new_claim_token

NOW = 1_700_000_000.5


def test_token_is_32_url_safe_chars() -> None:
    # 24 random bytes -> 32 base64url characters, no padding.
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", new_claim_token())


def test_tokens_are_unique() -> None:
    assert len({new_claim_token() for _ in range(200)}) == 200


def test_default_ttl_is_ten_minutes() -> None:
    assert DEFAULT_CLAIM_TTL == 600
    assert claim_expiry(NOW) == NOW + 600


def test_custom_ttl() -> None:
    assert claim_expiry(NOW, ttl=30) == NOW + 30


@pytest.mark.parametrize("ttl", [0, -1])
def test_non_positive_ttl_rejected(ttl: int) -> None:
    with pytest.raises(ValueError):
        claim_expiry(NOW, ttl=ttl)


@pytest.mark.parametrize("now", [math.nan, math.inf])
def test_non_finite_now_rejected(now: float) -> None:
    with pytest.raises(ValueError):
        claim_expiry(now)


def test_hash_is_sha256_hex() -> None:
    assert (
        hash_token("abc")
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_hash_is_deterministic() -> None:
    token = new_claim_token()
    assert hash_token(token) == hash_token(token)


def test_hash_differs_per_token() -> None:
    assert hash_token(new_claim_token()) != hash_token(new_claim_token())


def test_hash_does_not_contain_token() -> None:
    token = new_claim_token()
    digest = hash_token(token)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert token not in digest
