"""Invite links: ``liqaa://HOST:PORT/MEETING_ID?pwd=PASSCODE&fp=SHA256``.

The fingerprint pins the server's certificate, so an invite is all a guest needs
to reach the right server safely. The passcode travels in the link as in other
meeting apps' one-click links; people who share a link share the way in.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from app.core.ids import is_meeting_id, normalize_meeting_id

SCHEME = "liqaa"
DEFAULT_PORT = 8443


class InviteError(ValueError):
    pass


@dataclass(frozen=True)
class Invite:
    host: str
    port: int
    meeting_id: str
    passcode: str = ""
    fingerprint: str | None = None

    @property
    def server_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"wss://{host}:{self.port}/ws"

    def link(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        query = {k: v for k, v in (("pwd", self.passcode), ("fp", self.fingerprint)) if v}
        suffix = f"?{urllib.parse.urlencode(query)}" if query else ""
        return f"{SCHEME}://{host}:{self.port}/{self.meeting_id}{suffix}"


def parse_invite(text: str) -> Invite:
    """Parse an invite link; raises :class:`InviteError` saying what is wrong."""
    text = text.strip()
    parts = urllib.parse.urlsplit(text)
    if parts.scheme != SCHEME:
        raise InviteError("not a liqaa:// link")
    try:
        host, port = parts.hostname, parts.port or DEFAULT_PORT
    except ValueError:
        raise InviteError("invalid port") from None
    if not host:
        raise InviteError("no server address")
    meeting_id = normalize_meeting_id(urllib.parse.unquote(parts.path.strip("/")))
    if not is_meeting_id(meeting_id):
        raise InviteError("invalid meeting ID")
    query = urllib.parse.parse_qs(parts.query)
    fingerprint = query.get("fp", [None])[0]
    if fingerprint is not None:
        fingerprint = fingerprint.replace(":", "").lower()
        if len(fingerprint) != 64 or any(c not in "0123456789abcdef" for c in fingerprint):
            raise InviteError("invalid certificate fingerprint")
    return Invite(host, port, meeting_id, query.get("pwd", [""])[0], fingerprint)


def parse_server_address(text: str) -> tuple[str, int]:
    """``host``, ``host:port`` or ``[v6]:port`` as typed in the Join form."""
    text = text.strip()
    if not text:
        raise InviteError("no server address")
    parts = urllib.parse.urlsplit(f"//{text}")
    try:
        host, port = parts.hostname, parts.port or DEFAULT_PORT
    except ValueError:
        raise InviteError("invalid port") from None
    if not host:
        raise InviteError("no server address")
    return host, port
