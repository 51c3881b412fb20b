"""The host's Security menu: lock, waiting room, what participants may do, capacity,
remove / report / suspend, and the invite link.

Every item shows the meeting's state as the server last reported it and sends the
matching message; the server decides, and its next state is what the menu shows.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMenu, QWidget

from app.client.bridge import SessionBridge
from app.core import protocol as p
from app.core.meeting import MAX_CAPACITY
from app.core.roles import Permission
from app.i18n import format_number
from app.ui.abilities import act_on, is_host_like
from app.ui.dialogs import MeetingDialogs

__all__ = ["SecurityMenu"]


class SecurityMenu(QMenu):
    def __init__(
        self, bridge: SessionBridge, dialogs: MeetingDialogs, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("securityMenu")
        self.setToolTipsVisible(True)
        self._bridge = bridge
        self._dialogs = dialogs
        self._view: p.MeetingView | None = None

        self.lock_action = self._add(checkable=True)
        self.lock_action.triggered.connect(
            lambda checked: self._bridge.send(p.SetLock(locked=checked))
        )
        self.waiting_room_action = self._add(checkable=True)
        self.waiting_room_action.triggered.connect(
            lambda checked: self._bridge.send(p.SetWaitingRoom(on=checked))
        )
        self.addSeparator()
        self.allow_header = self._add()
        self.allow_header.setEnabled(False)
        self.permission_actions: dict[Permission, QAction] = {}
        for permission in (
            Permission.SHARE_SCREEN,
            Permission.CHAT,
            Permission.RENAME,
            Permission.UNMUTE,
            Permission.START_VIDEO,
        ):
            action = self._add(checkable=True)
            action.triggered.connect(
                lambda checked, perm=permission: self._bridge.send(
                    p.SetPermission(permission=perm, allowed=checked)
                )
            )
            self.permission_actions[permission] = action
        self.addSeparator()
        self.capacity_action = self._add()
        self.capacity_action.triggered.connect(self.ask_capacity)
        self.remove_action = self._add()
        self.remove_action.triggered.connect(self.ask_remove)
        self.report_action = self._add()
        self.report_action.triggered.connect(self.ask_report)
        self.suspend_action = self._add()
        self.suspend_action.triggered.connect(self.ask_suspend)
        self.addSeparator()
        self.copy_invite_action = self._add()
        self.copy_invite_action.triggered.connect(self.copy_invite)
        self.update_view(bridge.view)

    def _add(self, *, checkable: bool = False) -> QAction:
        action = self.addAction("")
        action.setCheckable(checkable)
        return action

    # ------------------------------------------------------------ state

    def update_view(self, view: p.MeetingView | None) -> None:
        self._view = view
        host_like = is_host_like(view)
        for action in self.actions():
            if action is not self.allow_header and not action.isSeparator():
                action.setEnabled(host_like)
        if view is not None:
            self.lock_action.setChecked(view.locked)
            self.waiting_room_action.setChecked(view.waiting_room)
            for permission, action in self.permission_actions.items():
                action.setChecked(view.permissions.get(permission, True))
            self.suspend_action.setEnabled(host_like and not view.suspended)
            self.remove_action.setEnabled(host_like and bool(self._removable()))
            self.report_action.setEnabled(bool(self._others()))
        self.copy_invite_action.setEnabled(self._bridge.hosted_meeting is not None)
        self.retranslate_ui()

    def _others(self) -> list[tuple[str, str]]:
        view = self._view
        if view is None:
            return []
        return [(x.pid, x.name) for x in view.participants if x.pid != view.you]

    def _removable(self) -> list[tuple[str, str]]:
        view = self._view
        if view is None:
            return []
        return [(pid, name) for pid, name in self._others() if act_on(view, pid)]

    # ------------------------------------------------------------ actions

    def ask_capacity(self) -> None:
        current = self._view.capacity if self._view is not None else 100
        self._dialogs.ask_int(
            self.tr("Capacity limit"),
            #: %1 and %2: the smallest and largest limit (1 and 500)
            self.tr("Most people allowed in the meeting (%1-%2):")
            .replace("%1", format_number(1))
            .replace("%2", format_number(MAX_CAPACITY)),
            current,
            1,
            MAX_CAPACITY,
            lambda value: self._bridge.send(p.SetCapacity(capacity=value)),
        )

    def ask_remove(self) -> None:
        self._dialogs.ask_participant(
            self.tr("Remove participant"),
            self.tr("Remove who? They cannot come back to this meeting."),
            self.tr("Remove"),
            self._removable(),
            lambda pid, _reason: self._bridge.send(p.Remove(pid=pid)),
        )

    def ask_report(self) -> None:
        self._dialogs.ask_participant(
            self.tr("Report participant"),
            self.tr("Report who?"),
            self.tr("Report"),
            self._others(),
            lambda pid, reason: self._bridge.send(p.ReportParticipant(pid=pid, reason=reason)),
            with_reason=True,
        )

    def ask_suspend(self) -> None:
        self._dialogs.confirm(
            self.tr("Suspend participant activities"),
            self.tr(
                "Everyone's video, audio and screen sharing stop, chat is turned off and the "
                "meeting is locked. You can turn things back on one by one."
            ),
            self.tr("Suspend"),
            lambda: self._bridge.send(p.Suspend()),
        )

    def copy_invite(self) -> None:
        hosted = self._bridge.hosted_meeting
        if hosted is not None:
            QGuiApplication.clipboard().setText(hosted.invite.link())

    # ------------------------------------------------------------ language

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setTitle(self.tr("Security"))
        self.lock_action.setText(self.tr("Lock meeting"))
        self.lock_action.setToolTip(self.tr("Nobody new can join while the meeting is locked"))
        self.waiting_room_action.setText(self.tr("Enable waiting room"))
        self.waiting_room_action.setToolTip(
            self.tr("New people wait until a host lets them in; turning it off lets everyone in")
        )
        self.allow_header.setText(self.tr("Allow participants to:"))
        texts = {
            Permission.SHARE_SCREEN: self.tr("Share screen"),
            Permission.CHAT: self.tr("Chat"),
            Permission.RENAME: self.tr("Rename themselves"),
            Permission.UNMUTE: self.tr("Unmute themselves"),
            Permission.START_VIDEO: self.tr("Start video"),
        }
        for permission, action in self.permission_actions.items():
            action.setText(texts[permission])
        capacity = self._view.capacity if self._view is not None else None
        if capacity is None:
            self.capacity_action.setText(self.tr("Capacity limit…"))
        else:
            self.capacity_action.setText(
                self.tr("Capacity limit (%1)…").replace("%1", format_number(capacity))
            )
        self.remove_action.setText(self.tr("Remove participant…"))
        self.remove_action.setToolTip(
            "" if self.remove_action.isEnabled() else self.tr("Nobody here can be removed by you")
        )
        self.report_action.setText(self.tr("Report participant…"))
        self.suspend_action.setText(self.tr("Suspend participant activities…"))
        if self._view is not None and self._view.suspended:
            self.suspend_action.setToolTip(self.tr("Participant activities are suspended"))
        else:
            self.suspend_action.setToolTip(
                self.tr("Stop everyone's video, audio, sharing and chat, and lock the meeting")
            )
        self.copy_invite_action.setText(self.tr("Copy invite link"))
        if self._bridge.hosted_meeting is None:
            self.copy_invite_action.setToolTip(
                self.tr("Only the host who started this meeting has its invite link")
            )
        else:
            self.copy_invite_action.setToolTip(self.tr("Copy the link that lets people join"))
