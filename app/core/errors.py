"""Refusal codes shared by the server, the client and the UI (which translates them)."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    # Joining. Unknown meeting and wrong passcode share one code on purpose.
    BAD_CREDENTIALS = "bad_credentials"
    RATE_LIMITED = "rate_limited"
    LOCKED = "locked"
    FULL = "full"
    REMOVED = "removed"
    DENIED = "denied"
    ENDED = "ended"
    # Actions inside a meeting.
    NOT_ALLOWED = "not_allowed"
    PERMISSION_OFF = "permission_off"
    NO_SUCH_PARTICIPANT = "no_such_participant"
    SOMEONE_SHARING = "someone_sharing"
    INVALID = "invalid"
    # Protocol.
    MALFORMED = "malformed"
    TOO_LARGE = "too_large"
    UNSUPPORTED_VERSION = "unsupported_version"
    BAD_STATE = "bad_state"
    FLOODING = "flooding"
    INTERNAL = "internal"
    # Found by the client itself (never sent by a server).
    UNREACHABLE = "unreachable"
    CERTIFICATE_MISMATCH = "certificate_mismatch"
    CONNECTION_LOST = "connection_lost"


class Refused(Exception):
    """An action the rules do not allow; carries a code the UI can translate."""

    def __init__(self, code: Code, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else str(code))
        self.code = code
        self.detail = detail
