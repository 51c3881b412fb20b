"""Human messages for why a meeting could not be joined or was left.

The session reports a :class:`~app.core.errors.Code`; the start window (and any
other screen) shows the sentence returned here. A wrong passcode and an unknown
meeting share one message on purpose: the app never says which of the two was
wrong (the server does not tell either).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.core.errors import Code
from app.i18n import format_duration_words, isolate_ltr

__all__ = ["JOIN_FAILURE_CODES", "join_failure_message"]

#: The codes a join (or a meeting that closes) can end with; each has its own message.
JOIN_FAILURE_CODES = (
    Code.BAD_CREDENTIALS,
    Code.LOCKED,
    Code.FULL,
    Code.REMOVED,
    Code.DENIED,
    Code.RATE_LIMITED,
    Code.ENDED,
    Code.UNREACHABLE,
    Code.CERTIFICATE_MISMATCH,
    Code.CONNECTION_LOST,
    Code.UNSUPPORTED_VERSION,
)


def join_failure_message(code: Code | str, retry_after: float | None = None) -> str:
    """The sentence that explains ``code`` to the user, in the current UI language.

    ``retry_after`` (seconds) makes the rate-limit message say how long to wait.
    """
    try:
        code = Code(code)
    except ValueError:
        pass
    if code == Code.BAD_CREDENTIALS:
        return QCoreApplication.translate(
            "JoinErrors", "Wrong meeting ID or passcode. Check them and try again."
        )
    if code == Code.LOCKED:
        return QCoreApplication.translate(
            "JoinErrors", "The host has locked this meeting: no one else can join it now."
        )
    if code == Code.FULL:
        return QCoreApplication.translate(
            "JoinErrors", "This meeting is full. Try again when someone leaves."
        )
    if code == Code.REMOVED:
        return QCoreApplication.translate(
            "JoinErrors", "The host removed you from this meeting. You cannot join it again."
        )
    if code == Code.DENIED:
        return QCoreApplication.translate("JoinErrors", "The host did not let you in.")
    if code == Code.RATE_LIMITED:
        if retry_after is not None and retry_after > 0:
            return QCoreApplication.translate(
                "JoinErrors", "Too many attempts. Wait %1, then try again."
            ).replace("%1", format_duration_words(max(1.0, retry_after)))
        return QCoreApplication.translate(
            "JoinErrors", "Too many attempts. Wait a few minutes, then try again."
        )
    if code == Code.ENDED:
        return QCoreApplication.translate("JoinErrors", "This meeting has ended.")
    if code == Code.UNREACHABLE:
        return QCoreApplication.translate(
            "JoinErrors",
            "Cannot reach the meeting server. Check the address and your network connection.",
        )
    if code == Code.CERTIFICATE_MISMATCH:
        return QCoreApplication.translate(
            "JoinErrors",
            "The server's security certificate does not match the invite, so Liqaa did not "
            "connect. Ask the host for a new invite link.",
        )
    if code == Code.CONNECTION_LOST:
        return QCoreApplication.translate(
            "JoinErrors", "The connection to the meeting was lost. Try joining again."
        )
    if code == Code.UNSUPPORTED_VERSION:
        return QCoreApplication.translate(
            "JoinErrors", "This meeting server needs a different version of Liqaa."
        )
    return QCoreApplication.translate(
        "JoinErrors", "Could not join the meeting (error: %1)."
    ).replace("%1", isolate_ltr(str(code)))
