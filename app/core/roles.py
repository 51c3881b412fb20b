"""Roles, participant permissions and media kinds."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    HOST = "host"
    COHOST = "cohost"
    PARTICIPANT = "participant"

    @property
    def is_host_like(self) -> bool:
        """Hosts and co-hosts hold the Security menu."""
        return self is not Role.PARTICIPANT


class Permission(StrEnum):
    """What the host lets participants do (Security menu → "Allow participants to")."""

    SHARE_SCREEN = "share_screen"
    CHAT = "chat"
    RENAME = "rename"
    UNMUTE = "unmute"
    START_VIDEO = "start_video"


class MediaKind(StrEnum):
    AUDIO = "audio"
    VIDEO = "video"
    SCREEN = "screen"

    @property
    def permission(self) -> Permission:
        return _MEDIA_PERMISSION[self]


_MEDIA_PERMISSION = {
    MediaKind.AUDIO: Permission.UNMUTE,
    MediaKind.VIDEO: Permission.START_VIDEO,
    MediaKind.SCREEN: Permission.SHARE_SCREEN,
}
