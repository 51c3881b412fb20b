"""What the local user may do right now, and in words why not.

The server enforces every rule (``app/core/meeting.py``); this module only mirrors
them so buttons and menu items can be greyed out with a tooltip saying why, instead
of letting people click and get an error back.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from app.core import protocol as p
from app.core.roles import MediaKind, Permission, Role

__all__ = [
    "Ability",
    "act_on",
    "chat_ability",
    "cohost_ability",
    "find",
    "is_host_like",
    "me",
    "media_ability",
    "rename_ability",
    "role_name",
]


@dataclass(frozen=True)
class Ability:
    allowed: bool
    reason: str = ""  # translated; empty when allowed

    def __bool__(self) -> bool:
        return self.allowed


_YES = Ability(True)


def _no(reason: str) -> Ability:
    return Ability(False, reason)


def me(view: p.MeetingView | None) -> p.ParticipantView | None:
    if view is None:
        return None
    return find(view, view.you)


def find(view: p.MeetingView | None, pid: str) -> p.ParticipantView | None:
    if view is None:
        return None
    return next((x for x in view.participants if x.pid == pid), None)


def is_host_like(view: p.MeetingView | None) -> bool:
    mine = me(view)
    return mine is not None and Role(mine.role).is_host_like


def role_name(role: Role | str) -> str:
    """The translated name of a role ("Host", "Co-host", "" for participants)."""
    role = Role(role)
    if role is Role.HOST:
        return QCoreApplication.translate("Roles", "Host")
    if role is Role.COHOST:
        return QCoreApplication.translate("Roles", "Co-host")
    return ""


def _permission_off(kind: MediaKind) -> str:
    if kind is MediaKind.AUDIO:
        return QCoreApplication.translate(
            "Abilities", "The host does not allow participants to unmute themselves"
        )
    if kind is MediaKind.VIDEO:
        return QCoreApplication.translate(
            "Abilities", "The host does not allow participants to start their video"
        )
    return QCoreApplication.translate(
        "Abilities", "The host does not allow participants to share their screen"
    )


def _suspended() -> str:
    return QCoreApplication.translate("Abilities", "The host has suspended participant activities")


def media_ability(view: p.MeetingView | None, kind: MediaKind, currently_on: bool) -> Ability:
    """May the user turn ``kind`` on (turning off is always allowed)?"""
    mine = me(view)
    if currently_on or view is None or mine is None:
        return _YES
    if Role(mine.role).is_host_like:
        return _YES
    if kind is MediaKind.AUDIO and view.asked_to_unmute:
        return _YES
    if not view.permissions.get(kind.permission, True):
        return _no(_suspended() if view.suspended else _permission_off(kind))
    if kind is MediaKind.SCREEN:
        sharer = next((x for x in view.participants if x.screen_on and x.pid != mine.pid), None)
        if sharer is not None:
            return _no(
                QCoreApplication.translate("Abilities", "Someone else is sharing their screen")
            )
    return _YES


def chat_ability(view: p.MeetingView | None) -> Ability:
    mine = me(view)
    if view is None or mine is None or Role(mine.role).is_host_like:
        return _YES
    if not view.permissions.get(Permission.CHAT, True):
        return _no(
            _suspended()
            if view.suspended
            else QCoreApplication.translate("Abilities", "The host has turned chat off")
        )
    return _YES


def rename_ability(view: p.MeetingView | None, target_pid: str) -> Ability:
    mine = me(view)
    if view is None or mine is None:
        return _no(QCoreApplication.translate("Abilities", "You are not in the meeting"))
    if target_pid == mine.pid:
        if Role(mine.role).is_host_like or view.permissions.get(Permission.RENAME, True):
            return _YES
        return _no(
            QCoreApplication.translate(
                "Abilities", "The host does not allow participants to rename themselves"
            )
        )
    return act_on(view, target_pid)


def act_on(view: p.MeetingView | None, target_pid: str) -> Ability:
    """May the user use a host power (mute, remove...) on someone else?"""
    mine = me(view)
    target = find(view, target_pid)
    if mine is None or target is None:
        return _no(
            QCoreApplication.translate("Abilities", "This person is no longer in the meeting")
        )
    if not Role(mine.role).is_host_like:
        return _no(
            QCoreApplication.translate("Abilities", "Only the host and co-hosts can do this")
        )
    if target.pid == mine.pid:
        return _no(QCoreApplication.translate("Abilities", "You cannot do this to yourself"))
    if Role(target.role) is Role.HOST:
        return _no(QCoreApplication.translate("Abilities", "Nobody can do this to the host"))
    if Role(target.role) is Role.COHOST and Role(mine.role) is not Role.HOST:
        return _no(
            QCoreApplication.translate("Abilities", "Only the host can do this to a co-host")
        )
    return _YES


def cohost_ability(view: p.MeetingView | None, target_pid: str) -> Ability:
    mine = me(view)
    if mine is None or find(view, target_pid) is None:
        return _no(
            QCoreApplication.translate("Abilities", "This person is no longer in the meeting")
        )
    if Role(mine.role) is not Role.HOST:
        return _no(QCoreApplication.translate("Abilities", "Only the host can choose co-hosts"))
    if target_pid == mine.pid:
        return _no(QCoreApplication.translate("Abilities", "You cannot do this to yourself"))
    return _YES
