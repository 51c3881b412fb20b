"""Passcode hashing with argon2id; verification takes the same time whether or not
the meeting exists, so timing does not reveal valid meeting IDs."""

from __future__ import annotations

import hmac

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id, library defaults (RFC 9106 low-memory profile)
# A hash of a random value, verified against when there is nothing real to verify.
_DUMMY_HASH = _hasher.hash("liqaa-no-such-meeting")


def hash_passcode(passcode: str) -> str:
    return _hasher.hash(normalize_passcode(passcode))


def normalize_passcode(passcode: str) -> str:
    """Generated passcodes are upper case without spaces; forgive typing variations."""
    return passcode.strip().upper() if passcode.isascii() else passcode.strip()


def verify_passcode(stored_hash: str | None, candidate: str) -> bool:
    """True when ``candidate`` matches; ``stored_hash=None`` burns the same time and fails."""
    target = stored_hash if stored_hash is not None else _DUMMY_HASH
    ok: bool
    try:
        ok = _hasher.verify(target, normalize_passcode(candidate))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    return ok and stored_hash is not None


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
