"""QR check-in building blocks: rotating codes, personal codes, claim tokens, images.

Pure and synchronous: no clock reads (callers pass unix timestamps), no I/O.
"""

from .claims import DEFAULT_CLAIM_TTL, claim_expiry, display_url, hash_token, new_claim_token, new_display_token
from .images import qr_png, qr_svg
from .personal import (
    DEFAULT_PERSONAL_STEP,
    PAYLOAD_PREFIX,
    PersonalCode,
    parse_personal_payload,
    personal_payload,
    verify_personal,
)
from .totp import (
    DEFAULT_STEP,
    DIGITS,
    checkin_url,
    code_at,
    expires_in,
    matched_step,
    new_secret,
    verify,
)

__all__ = [
    "DEFAULT_CLAIM_TTL",
    "DEFAULT_PERSONAL_STEP",
    "DEFAULT_STEP",
    "DIGITS",
    "PAYLOAD_PREFIX",
    "PersonalCode",
    "checkin_url",
    "claim_expiry",
    "code_at",
    "display_url",
    "expires_in",
    "hash_token",
    "matched_step",
    "new_claim_token",
    "new_display_token",
    "new_secret",
    "parse_personal_payload",
    "personal_payload",
    "qr_png",
    "qr_svg",
    "verify",
    "verify_personal",
]
