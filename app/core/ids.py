"""Meeting IDs, passcodes, host keys and secrets, all from :mod:`secrets`."""

from __future__ import annotations

import hashlib
import hmac
import secrets

MEETING_ID_DIGITS = 11
HOST_KEY_DIGITS = 6
PASSCODE_LENGTH = 8
# No 0/O, 1/I/L: people read passcodes aloud and type them from a screen.
PASSCODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_meeting_id() -> str:
    """11 random digits, never starting with 0 (so it survives int() round trips)."""
    low = 10 ** (MEETING_ID_DIGITS - 1)
    return str(low + secrets.randbelow(9 * low))


def new_host_key() -> str:
    return f"{secrets.randbelow(10**HOST_KEY_DIGITS):0{HOST_KEY_DIGITS}d}"


def new_passcode() -> str:
    return "".join(secrets.choice(PASSCODE_ALPHABET) for _ in range(PASSCODE_LENGTH))


def new_secret() -> str:
    """A bearer secret (host secret, session token): 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def new_participant_id() -> str:
    return secrets.token_hex(6)


def normalize_meeting_id(text: str) -> str:
    """Accept '123 4567 8901' or '123-4567-8901' as typed by people."""
    return "".join(ch for ch in text if ch not in " -\u00a0")


def is_meeting_id(text: str) -> bool:
    return len(text) == MEETING_ID_DIGITS and text.isascii() and text.isdigit()


def format_meeting_id(meeting_id: str) -> str:
    """Group as 3-4-4 digits, the way meeting apps display IDs."""
    return f"{meeting_id[:3]} {meeting_id[3:7]} {meeting_id[7:]}"


def secret_digest(secret: str) -> bytes:
    """Servers keep only a digest of bearer secrets (high entropy: no slow hash needed)."""
    return hashlib.sha256(secret.encode()).digest()


def secret_matches(digest: bytes, candidate: str) -> bool:
    return hmac.compare_digest(digest, secret_digest(candidate))
