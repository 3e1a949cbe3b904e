"""Check-in claim tokens: one-time bearer tokens whose hash the server stores."""

from __future__ import annotations

import hashlib
import math
import secrets

__all__ = ["DEFAULT_CLAIM_TTL", "claim_expiry", "display_url", "hash_token", "new_claim_token", "new_display_token"]

DEFAULT_CLAIM_TTL = 600


def new_claim_token() -> str:
    """A fresh URL-safe token (24 random bytes, 32 characters)."""
    return secrets.token_urlsafe(24)


def new_display_token() -> str:
    """A display link's token: 16 random bytes (128 bits, beyond guessing) in 22 URL-safe characters."""
    return secrets.token_urlsafe(16)


def display_url(base_url: str, token: str) -> str:
    """The display link: ``{base_url}/d/{token}``, short enough to type on a lecture-hall PC."""
    return f"{base_url.rstrip('/')}/d/{token}"


def claim_expiry(now: float, ttl: int = DEFAULT_CLAIM_TTL) -> float:
    """The unix time at which a claim issued at `now` stops being redeemable."""
    if not math.isfinite(now):
        raise ValueError(f"now must be a finite unix timestamp, got {now!r}")
    if ttl <= 0:
        raise ValueError(f"ttl must be positive, got {ttl}")
    return now + ttl


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which the server stores `token`."""
    # No salt or slow KDF needed: 192 random bits cannot be brute-forced, and an
    # unsalted digest lets the server look the claim up by an indexed column.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
