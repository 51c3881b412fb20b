"""The meeting window: the gallery, the controls, the side panels (waiting room,
participants, chat), notifications, and the host's Security menu.

It only shows what the :class:`SessionBridge` reports and sends intents back; it
never waits on the network. Video frames are pulled with ``take_frames()`` when the
bridge says some are ready, so a busy GUI skips frames instead of queuing them.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.client.bridge import SessionBridge
from app.client.state import HostedMeeting, LocalMedia, Status, TileKey
from app.core import protocol as p
from app.core.roles import MediaKind, Role
from app.i18n import isolate
from app.ui.abilities import is_host_like, me
from app.ui.chat_panel import ChatPanel
from app.ui.dialogs import MeetingDialogs
from app.ui.gallery import Gallery, ViewMode
from app.ui.meeting_toolbar import MeetingToolbar
from app.ui.notifications import NotificationArea, error_text, notice_text
from app.ui.participants_panel import ParticipantsPanel
from app.ui.security_menu import SecurityMenu
from app.ui.status_page import StatusPage
from app.ui.waiting_room_panel import WaitingRoomPanel

__all__ = ["STYLE", "MeetingWindow"]

SPEAKING_DB = -45.0
SIDE_WIDTH = 330

STYLE = """
QMainWindow, #meetingPage, #statusPage, #gallery, #galleryTiles { background: #1b1b1d; }
QWidget { color: #e8eaed; }
#meetingToolbar { background: #242427; }
#meetingToolbar QToolButton {
    color: #e8eaed; padding: 4px 6px; border: none; border-radius: 6px; }
#meetingToolbar QToolButton:hover { background: #3a3a3d; }
#meetingToolbar QToolButton:checked { background: #30435e; }
#meetingToolbar QToolButton:disabled { color: #7d7d82; }
#meetingToolbar QToolButton::menu-indicator { image: none; width: 0; }
#meetingToolbar #leaveButton {
    background: #d93025; color: white; font-weight: bold; padding: 6px 14px; }
#meetingToolbar #leaveButton:hover { background: #e8453c; }
#meetingTimer { color: #bdc1c6; }
#sidePanel, #waitingRoomPanel, #participantsPanel, #chatPanel { background: #242427; }
#waitingRoomPanel { border-bottom: 1px solid #38383c; }
#panelTitle { font-weight: bold; font-size: 14px; padding: 2px 0 6px 0; }
#secondaryLabel, #roleLabel { color: #9aa0a6; font-size: 11px; }
#statusMessage { font-size: 20px; }
QListWidget, QScrollArea, #chatMessages, #waitingList { background: transparent; border: none; }
QScrollBar:vertical { background: transparent; width: 8px; margin: 0; }
QScrollBar::handle:vertical { background: #55555a; border-radius: 4px; min-height: 24px; }
QScrollBar::add-line, QScrollBar::sub-line { height: 0; width: 0; }
QScrollBar::add-page, QScrollBar::sub-page { background: transparent; }
QPushButton {
    background: #3a3a3d; border: 1px solid #4a4a4e; border-radius: 6px;
    padding: 4px 12px; color: #e8eaed; }
QPushButton:hover { background: #48484c; }
QPushButton:disabled { color: #7d7d82; }
#admitButton, #bannerAction, #statusButton {
    background: #0e71eb; border-color: #0e71eb; color: white; }
#banner { background: #2e2e32; border: 1px solid #4a4a4e; border-radius: 8px; }
#banner[level="warning"] { border-color: #f9ab00; }
#banner[level="error"] { border-color: #ee675c; }
#chatBubble { background: #333337; border-radius: 10px; }
#chatBubbleMine { background: #0b57c2; border-radius: 10px; }
#chatDisabled { color: #fdd663; }
QLineEdit, QComboBox, QPlainTextEdit, QSpinBox {
    background: #2c2c2f; border: 1px solid #4a4a4e; border-radius: 6px; padding: 4px;
    color: #e8eaed; }
QLineEdit:disabled, QComboBox:disabled { color: #7d7d82; }
QComboBox QAbstractItemView { background: #2c2c2f; color: #e8eaed; }
QMenu { background: #2c2c2f; color: #e8eaed; border: 1px solid #4a4a4e; padding: 4px; }
QMenu::item { padding: 5px 24px 5px 28px; }
QMenu::item:selected { background: #0e71eb; color: white; }
QMenu::item:disabled { color: #8a8a8f; }
QMenu::separator { height: 1px; background: #4a4a4e; margin: 4px 8px; }
QToolTip { background: #f1f3f4; color: #202124; border: none; padding: 4px; }
QDialog, QMessageBox, QInputDialog { background: #2c2c2f; }
"""


class MeetingWindow(QMainWindow):
    """``session_closed(code)``: our session ended (left, removed, denied, ended...; the
    window now says why). ``finished()``: the user is done with the window (its Close
    button, or the window closed); the application goes back to its start screen.
    ``view_mode_changed(mode)``: the user chose gallery or speaker view (a ViewMode
    value), for the application to open its next meeting window the same way."""

    session_closed = Signal(str)
    finished = Signal()
    view_mode_changed = Signal(str)

    def __init__(
        self,
        bridge: SessionBridge,
        parent: QWidget | None = None,
        *,
        view_mode: ViewMode = ViewMode.GALLERY,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("meetingWindow")
        self.bridge = bridge
        self.dialogs = MeetingDialogs(self)
        self.setStyleSheet(STYLE)
        self.resize(1180, 740)
        self.setMinimumSize(QSize(760, 480))
        self._joined_once = False
        self._finished_sent = False
        self._unread = 0
        self._role_notice_pending = False

        self.gallery = Gallery()
        self.notifications = NotificationArea()
        self.notifications.setMinimumWidth(380)
        self.notifications.setMaximumWidth(560)
        self.toolbar = MeetingToolbar()
        self.security_menu = SecurityMenu(bridge, self.dialogs, self)
        self.toolbar.set_security_menu(self.security_menu)
        self.waiting_panel = WaitingRoomPanel(bridge)
        self.participants_panel = ParticipantsPanel(bridge, self.dialogs)
        self.chat_panel = ChatPanel(bridge)
        self.status_page = StatusPage()

        # The stage: the gallery with the notifications over its top edge (same grid cell).
        stage = QWidget()
        stage_grid = QGridLayout(stage)
        stage_grid.setContentsMargins(0, 0, 0, 0)
        stage_grid.addWidget(self.gallery, 0, 0)
        stage_grid.addWidget(
            self.notifications, 0, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter
        )
        self.notifications.raise_()

        self.side = QWidget()
        self.side.setObjectName("sidePanel")
        self.side.setFixedWidth(SIDE_WIDTH)
        side_layout = QVBoxLayout(self.side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(0)
        side_layout.addWidget(self.waiting_panel)
        side_layout.addWidget(self.participants_panel, 1)
        side_layout.addWidget(self.chat_panel, 1)
        side_layout.addStretch(0)  # takes the room when only the waiting room shows
        self.participants_panel.setVisible(False)
        self.chat_panel.setVisible(False)
        self.waiting_panel.setVisible(False)

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(stage, 1)
        body.addWidget(self.side)
        self.meeting_page = QWidget()
        self.meeting_page.setObjectName("meetingPage")
        page = QVBoxLayout(self.meeting_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(0)
        page.addLayout(body, 1)
        page.addWidget(self.toolbar)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.meeting_page)
        self.stack.addWidget(self.status_page)
        self.setCentralWidget(self.stack)

        t = self.toolbar
        t.mic_action.triggered.connect(self.toggle_mic)
        t.video_action.triggered.connect(self.toggle_video)
        t.share_action.triggered.connect(self.toggle_share)
        t.participants_action.toggled.connect(self._show_side_panels)
        t.chat_action.toggled.connect(self._show_side_panels)
        t.hand_action.triggered.connect(self.toggle_hand)
        t.leave_action.triggered.connect(self.leave_clicked)
        t.gallery_view_action.triggered.connect(lambda: self.set_view_mode(ViewMode.GALLERY))
        t.speaker_view_action.triggered.connect(lambda: self.set_view_mode(ViewMode.SPEAKER))
        self.set_view_mode(view_mode)
        self.chat_panel.unread_changed.connect(self._unread_changed)
        self.status_page.button.clicked.connect(self._status_button)

        bridge.status_changed.connect(self._on_status)
        bridge.meeting_changed.connect(self._on_view)
        bridge.local_media_changed.connect(self._on_local)
        bridge.notice.connect(self._on_notice)
        bridge.chat_received.connect(self.chat_panel.add_message)
        bridge.error.connect(self._on_error)
        bridge.frames_ready.connect(self._on_frames)
        bridge.tile_closed.connect(self._on_tile_closed)
        bridge.speaking_changed.connect(self.gallery.set_speaking)
        bridge.hosted.connect(self._on_hosted)

        self._on_status(str(bridge.status), "")
        if bridge.status in (Status.JOINED, Status.RECONNECTING):
            self._on_view(bridge.view)
        else:
            self._refresh()
        self.retranslate_ui()

    # ------------------------------------------------------------ from the bridge

    def _on_status(self, status: str, code: str) -> None:
        state = Status(status)
        if state is Status.JOINED:
            self._joined_once = True
            self.notifications.dismiss("reconnecting")
            self.stack.setCurrentWidget(self.meeting_page)
            self.toolbar.start_timer()
        elif state is Status.RECONNECTING:
            self.notifications.show_message(
                lambda: self.tr("Connection lost. Reconnecting…"),
                level="warning",
                timeout_ms=0,
                key="reconnecting",
            )
        else:
            if state is Status.CLOSED:
                self.toolbar.stop_timer()
                self.notifications.dismiss("reconnecting")
                if self.dialogs.current is not None:
                    self.dialogs.current.reject()
                self.security_menu.close()
            self.status_page.show_status(state, code)
            self.stack.setCurrentWidget(self.status_page)
            if state is Status.CLOSED:
                self.session_closed.emit(code)

    def _on_view(self, view: p.MeetingView | None) -> None:
        if view is None:
            return
        mine = me(view)
        if self._role_notice_pending and mine is not None:
            self._role_notice_pending = False
            self._show_role_change(Role(mine.role))
        self._refresh()

    def _refresh(self) -> None:
        """Bring every part up to date with the bridge's latest view and local media."""
        view = self.bridge.view if self._joined_once else None
        local = self.bridge.local
        self.gallery.update_view(view, local)
        self.toolbar.update_state(view, local, unread_chat=self._unread)
        self.security_menu.update_view(view)
        if not is_host_like(view):
            self.security_menu.close()
        self.waiting_panel.update_view(view)
        self.participants_panel.update_view(view)
        self.chat_panel.update_view(view)
        self._show_side_panels()

    def _on_local(self, local: LocalMedia) -> None:
        view = self.bridge.view if self._joined_once else None
        self.gallery.update_view(view, local)
        self.gallery.set_self_speaking(local.mic_on and local.mic_level_db > SPEAKING_DB)
        self.toolbar.update_state(view, local, unread_chat=self._unread)

    def _on_frames(self) -> None:
        self.gallery.set_frames(self.bridge.take_frames())

    def _on_tile_closed(self, key: TileKey) -> None:
        self.gallery.close_tile(key)

    def _on_hosted(self, hosted: HostedMeeting) -> None:
        self.security_menu.update_view(self.bridge.view if self._joined_once else None)

    def _on_notice(self, notice: p.Notice) -> None:
        kind = notice.kind
        if kind == "waiting_arrived":
            pid = notice.pid
            self.notifications.show_message(
                partial(notice_text, notice),
                action_text=lambda: self.tr("Admit"),
                action=lambda: self.bridge.send(p.Admit(pid=pid)),
                key=f"waiting:{pid}",
            )
        elif kind == "asked_to_unmute":
            self.notifications.show_message(
                partial(notice_text, notice),
                action_text=lambda: self.tr("Unmute"),
                action=lambda: self.bridge.set_media(MediaKind.AUDIO, True),
                key="asked_to_unmute",
            )
        elif kind in ("reported", "suspended"):
            self.notifications.show_message(partial(notice_text, notice), level="warning")
        elif kind == "role_changed":
            # The server sends the notice before the state with the new role.
            self._role_notice_pending = True
        else:
            self.notifications.show_message(partial(notice_text, notice))

    def _show_role_change(self, role: Role) -> None:
        def text() -> str:
            if role is Role.COHOST:
                return self.tr("The host made you a co-host")
            if role is Role.HOST:
                return self.tr("You are now the host")
            return self.tr("You are no longer a co-host")

        self.notifications.show_message(text, key="role")

    def _on_error(self, code: str, detail: str) -> None:
        self.notifications.show_message(partial(error_text, code), level="error")
        # A refused change leaves the menu and buttons showing the real state.
        self._refresh()

    # ------------------------------------------------------------ intents

    def toggle_mic(self) -> None:
        self.bridge.set_media(MediaKind.AUDIO, not self.bridge.local.mic_on)

    def toggle_video(self) -> None:
        self.bridge.set_media(MediaKind.VIDEO, not self.bridge.local.camera_on)

    def toggle_share(self) -> None:
        self.bridge.set_media(MediaKind.SCREEN, not self.bridge.local.screen_on)

    def toggle_hand(self) -> None:
        mine = me(self.bridge.view)
        if mine is not None:
            self.bridge.send(p.RaiseHand(up=not mine.hand_raised))

    def leave_clicked(self) -> None:
        mine = me(self.bridge.view)
        if mine is not None and Role(mine.role) is Role.HOST:
            self.dialogs.ask_leave(
                can_end=True, leave=self.bridge.leave, end=self.bridge.end_meeting
            )
        else:
            self.bridge.leave()

    def set_view_mode(self, mode: ViewMode) -> None:
        """Gallery or speaker view, kept while the window lives (shares come and go)."""
        changed = mode is not self.gallery.view_mode
        self.gallery.set_view_mode(mode)
        self.toolbar.show_view_mode(mode)
        if changed:
            self.view_mode_changed.emit(str(mode))

    def _status_button(self) -> None:
        if self.status_page.status is Status.CLOSED:
            self.close()
        else:
            self.bridge.leave()

    # ------------------------------------------------------------ panels

    def _show_side_panels(self) -> None:
        self.participants_panel.setVisible(self.toolbar.participants_action.isChecked())
        self.chat_panel.setVisible(self.toolbar.chat_action.isChecked())
        self.waiting_panel.setVisible(self.waiting_panel.wanted())
        self.side.setVisible(
            self.participants_panel.isVisibleTo(self.side)
            or self.chat_panel.isVisibleTo(self.side)
            or self.waiting_panel.isVisibleTo(self.side)
        )

    def show_participants(self, on: bool = True) -> None:
        self.toolbar.participants_action.setChecked(on)

    def show_chat(self, on: bool = True) -> None:
        self.toolbar.chat_action.setChecked(on)

    def _unread_changed(self, count: int) -> None:
        self._unread = count
        view = self.bridge.view if self._joined_once else None
        self.toolbar.update_state(view, self.bridge.local, unread_chat=count)

    # ------------------------------------------------------------ window

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.bridge.status not in (Status.IDLE, Status.CLOSED):
            self.bridge.leave()
        if self.dialogs.current is not None:
            self.dialogs.current.reject()
        super().closeEvent(event)
        if not self._finished_sent:
            self._finished_sent = True
            self.finished.emit()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        # Never the meeting ID: people share screenshots of their windows.
        self.setWindowTitle(self.tr("Liqaa"))
        mine = me(self.bridge.view) if self._joined_once else None
        self.gallery.setAccessibleDescription(
            self.tr("You are %1").replace("%1", isolate(mine.name)) if mine is not None else ""
        )
