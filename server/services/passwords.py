"""Password hashing with scrypt (a memory-hard KDF in the standard library)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

# ~50 ms and 16 MiB per hash on this class of machine: slow for an attacker
# with a stolen table, fine for a login.
_N, _R, _P = 2**14, 8, 1
_DKLEN = 32


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN)
    return "scrypt${}${}${}${}${}".format(
        _N, _R, _P, base64.b64encode(salt).decode(), base64.b64encode(digest).decode()
    )


# A department-made account's first password is the last six characters of the
# ID number kept in the same database: a slow hash of it protects nothing from
# whoever holds the table, and at 50 ms a hash an import of 5,000 staff would
# take four minutes. It is changed at first login (must_change_password), and
# the new password gets the full cost. verify_password reads N from the hash.
_INITIAL_N = 2**6


def hash_initial_password(password: str) -> str:
    """A cheap scrypt hash for a first password derived from data stored beside it."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_INITIAL_N, r=_R, p=_P, dklen=_DKLEN)
    return "scrypt${}${}${}${}${}".format(
        _INITIAL_N, _R, _P, base64.b64encode(salt).decode(), base64.b64encode(digest).decode()
    )


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt = base64.b64decode(salt_b64)
        expected = base64.b64decode(digest_b64)
        digest = hashlib.scrypt(
            password.encode(), salt=salt, n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, expected)


# A hash of a random password, verified against when the username is unknown
# so that a missing account takes as long to answer as a wrong password.
DUMMY_HASH = hash_password(secrets.token_urlsafe(16))

_LETTER = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"\d")


def password_problem(password: str) -> str | None:
    """Why a new password is unacceptable, in Chinese, or None if it is fine."""
    if len(password) < 8:
        return "密码至少 8 位"
    if len(password) > 128:
        return "密码不能超过 128 位"
    if not (_LETTER.search(password) and _DIGIT.search(password)):
        return "密码须同时包含字母和数字"
    return None


# -- one-time codes ----------------------------------------------------------------
# SMS codes and captcha answers live minutes and are tried a few times at most:
# a salted SHA-256 keeps them out of a stolen table without scrypt's cost.


def code_hash(code: str, salt: str | None = None) -> str:
    """Salted SHA-256 of a short-lived code, as ``salt$hex``."""
    salt = salt or secrets.token_hex(8)
    digest = hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()
    return f"{salt}${digest}"


def code_matches(code: str, stored: str) -> bool:
    salt, _, _ = stored.partition("$")
    return hmac.compare_digest(code_hash(code, salt), stored)
