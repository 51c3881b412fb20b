"""The meeting controls along the bottom of the window.

Each control is a ``QAction`` (so its keyboard shortcut works anywhere in the window)
shown on a tool button. The buttons show the current state ("Mute" while the
microphone is on, "Unmute" while it is off) and are disabled, with a tooltip saying
why, when the host does not allow what they do.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QSizePolicy, QToolButton, QWidget

from app.client.state import DeviceState, LocalMedia
from app.core import protocol as p
from app.core.roles import MediaKind
from app.i18n import format_count, isolate_ltr, localize_digits
from app.ui.abilities import Ability, is_host_like, me, media_ability
from app.ui.gallery import ViewMode
from app.ui.ui_icons import ui_icon

__all__ = ["MeetingToolbar", "format_elapsed"]


def format_elapsed(seconds: float) -> str:
    """The meeting timer: ``mm:ss`` under an hour, ``h:mm:ss`` after, in the locale's digits."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
    return localize_digits(text)


class MeetingToolbar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("meetingToolbar")
        self.mic_action = self._action("Alt+A")
        self.video_action = self._action("Alt+V")
        self.share_action = self._action("Alt+S")
        self.participants_action = self._action("Alt+U", checkable=True)
        self.chat_action = self._action("Alt+H", checkable=True)
        self.hand_action = self._action("Alt+Y")
        self.leave_action = self._action("")
        self.security_button = QToolButton()
        self.security_button.setObjectName("securityButton")
        self.security_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.security_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        self.security_button.setIconSize(QSize(24, 24))
        self.security_button.setAutoRaise(True)
        self.security_button.setVisible(False)
        # "View": a menu of the two layouts, like Zoom's View button; one is checked.
        self.gallery_view_action = self._action("", checkable=True)
        self.speaker_view_action = self._action("", checkable=True)
        self.gallery_view_action.setChecked(True)
        self.view_group = QActionGroup(self)
        self.view_group.addAction(self.gallery_view_action)
        self.view_group.addAction(self.speaker_view_action)
        self.view_menu = QMenu(self)
        self.view_menu.setObjectName("viewMenu")
        self.view_menu.addActions([self.gallery_view_action, self.speaker_view_action])
        self.view_menu.setToolTipsVisible(True)
        self.view_group.triggered.connect(self._show_view_icon)
        self.view_button = QToolButton()
        self.view_button.setObjectName("viewButton")
        self.view_button.setMenu(self.view_menu)
        self.view_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.view_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        self.view_button.setIconSize(QSize(24, 24))
        self.view_button.setAutoRaise(True)

        self.timer_label = QLabel()
        self.timer_label.setObjectName("meetingTimer")
        self.lock_label = QLabel()
        self.lock_label.setPixmap(ui_icon("lock").pixmap(16, 16))
        self.lock_label.setVisible(False)

        self.buttons: dict[str, QToolButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 4, 12, 4)
        row.setSpacing(4)
        status = QWidget()
        status_row = QHBoxLayout(status)
        status_row.setContentsMargins(0, 0, 0, 0)
        status_row.addWidget(self.lock_label)
        status_row.addWidget(self.timer_label)
        status.setMinimumWidth(110)
        status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        row.addWidget(status)
        row.addStretch(1)
        for name, action in (
            ("mic", self.mic_action),
            ("video", self.video_action),
            ("share", self.share_action),
            ("participants", self.participants_action),
            ("chat", self.chat_action),
            ("hand", self.hand_action),
        ):
            row.addWidget(self._button(name, action))
        row.addWidget(self.security_button)
        row.addStretch(1)
        row.addWidget(self.view_button)
        row.addSpacing(12)  # keeps Leave apart
        leave = self._button("leave", self.leave_action)
        leave.setObjectName("leaveButton")
        leave.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        row.addWidget(leave)

        self._view: p.MeetingView | None = None
        self._local = LocalMedia()
        self._participants = 0
        self._unread = 0
        self._reasons: dict[str, Ability] = {}
        self._state: tuple[object, ...] = ()
        self._clock = QElapsedTimer()
        self._offset = 0.0
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._show_time)
        self.retranslate_ui()

    def _action(self, shortcut: str, *, checkable: bool = False) -> QAction:
        action = QAction(self)
        action.setCheckable(checkable)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.addAction(action)
        return action

    def _button(self, name: str, action: QAction) -> QToolButton:
        button = QToolButton()
        button.setObjectName(f"{name}Button")
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        button.setIconSize(QSize(24, 24))
        button.setAutoRaise(True)
        button.setMinimumWidth(84)
        self.buttons[name] = button
        return button

    def set_security_menu(self, menu: QMenu) -> None:
        self.security_button.setMenu(menu)

    @property
    def view_mode(self) -> ViewMode:
        """The layout checked in the View menu."""
        return ViewMode.SPEAKER if self.speaker_view_action.isChecked() else ViewMode.GALLERY

    def show_view_mode(self, mode: ViewMode) -> None:
        """Check ``mode`` in the View menu (without emitting ``triggered``)."""
        action = self.speaker_view_action if mode is ViewMode.SPEAKER else self.gallery_view_action
        action.setChecked(True)
        self._show_view_icon()

    def _show_view_icon(self, _action: QAction | None = None) -> None:
        # The button shows the layout in use, so its state reads at a glance.
        self.view_button.setIcon(ui_icon(f"view-{self.view_mode}"))

    # ------------------------------------------------------------ state

    def update_state(
        self, view: p.MeetingView | None, local: LocalMedia, *, unread_chat: int = 0
    ) -> None:
        state = (
            local.mic_on,
            local.camera_on,
            local.screen_on,
            local.camera,
            local.microphone,
            unread_chat,
        )
        if view is self._view and state == self._state:
            return  # the microphone level alone changed (several times a second)
        self._state = state
        self._view, self._local, self._unread = view, local, unread_chat
        self._participants = len(view.participants) if view is not None else 0
        mine = me(view)
        self.security_button.setVisible(is_host_like(view))
        self.hand_action.setEnabled(mine is not None)
        self.lock_label.setVisible(bool(view is not None and view.locked))
        self._update_reasons()
        self.mic_action.setEnabled(self._reasons["mic"].allowed)
        self.video_action.setEnabled(self._reasons["video"].allowed)
        self.share_action.setEnabled(self._reasons["share"].allowed)
        self.retranslate_ui()

    def _update_reasons(self) -> None:
        """What the media buttons may do, and why not (in the current language)."""
        view, local = self._view, self._local
        self._reasons = {
            "mic": media_ability(view, MediaKind.AUDIO, local.mic_on),
            "video": media_ability(view, MediaKind.VIDEO, local.camera_on),
            "share": media_ability(view, MediaKind.SCREEN, local.screen_on),
        }

    def start_timer(self, already: float = 0.0) -> None:
        """Start counting from the moment we joined (``already`` seconds ago); later
        calls change nothing, so a reconnect keeps the time."""
        if not self._clock.isValid():
            self._clock.start()
            self._offset = already
            self._tick.start()
            self._show_time()

    def stop_timer(self) -> None:
        self._tick.stop()

    def elapsed_seconds(self) -> float:
        return self._offset + self._clock.elapsed() / 1000 if self._clock.isValid() else 0.0

    def _show_time(self) -> None:
        self.timer_label.setText(format_elapsed(self.elapsed_seconds()))

    # ------------------------------------------------------------ language

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._update_reasons()  # the reasons are sentences in the old language
            self.retranslate_ui()
        super().changeEvent(event)

    def _set(self, action: QAction, name: str, text: str, icon: str, tip: str) -> None:
        action.setText(text)
        action.setIcon(ui_icon(icon))
        ability = self._reasons.get(name)
        if ability is not None and not ability.allowed:
            tip = ability.reason
        elif not action.shortcut().isEmpty():
            tip = (
                self.tr("%1 (%2)")
                .replace("%1", tip)
                .replace(
                    "%2",
                    isolate_ltr(action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)),
                )
            )
        action.setToolTip(tip)

    def retranslate_ui(self) -> None:
        local = self._local
        mine = me(self._view)
        if local.mic_on:
            self._set(
                self.mic_action, "mic", self.tr("Mute"), "mic", self.tr("Mute your microphone")
            )
        else:
            tip = (
                self.tr("No microphone was found")
                if local.microphone is DeviceState.UNAVAILABLE
                else self.tr("Unmute your microphone")
            )
            self._set(self.mic_action, "mic", self.tr("Unmute"), "mic-off", tip)
        if local.camera_on:
            self._set(
                self.video_action,
                "video",
                self.tr("Stop video"),
                "camera",
                self.tr("Stop your video"),
            )
        else:
            tip = (
                self.tr("No camera was found")
                if local.camera is DeviceState.UNAVAILABLE
                else self.tr("Start your video")
            )
            self._set(self.video_action, "video", self.tr("Start video"), "camera-off", tip)
        if local.screen_on:
            self._set(
                self.share_action,
                "share",
                self.tr("Stop share"),
                "share-screen",
                self.tr("Stop sharing your screen"),
            )
        else:
            self._set(
                self.share_action,
                "share",
                self.tr("Share screen"),
                "share-screen",
                self.tr("Share your screen"),
            )
        if self._participants:
            text = self.tr("Participants (%1)").replace("%1", format_count(self._participants))
        else:
            text = self.tr("Participants")
        self._set(
            self.participants_action,
            "participants",
            text,
            "participants",
            self.tr("Show or hide the participants"),
        )
        chat = (
            self.tr("Chat (%1)").replace("%1", format_count(self._unread, 99))
            if self._unread
            else self.tr("Chat")
        )
        self._set(self.chat_action, "chat", chat, "chat", self.tr("Show or hide the chat"))
        if mine is not None and mine.hand_raised:
            self._set(
                self.hand_action, "hand", self.tr("Lower hand"), "hand", self.tr("Lower your hand")
            )
        else:
            self._set(
                self.hand_action, "hand", self.tr("Raise hand"), "hand", self.tr("Raise your hand")
            )
        if mine is not None and mine.role == "host":
            self._set(
                self.leave_action,
                "leave",
                self.tr("End"),
                "leave",
                self.tr("Leave the meeting or end it for everyone"),
            )
        else:
            self._set(
                self.leave_action, "leave", self.tr("Leave"), "leave", self.tr("Leave the meeting")
            )
        self.view_button.setText(self.tr("View", "button: choose how the videos are arranged"))
        self.view_button.setToolTip(self.tr("Choose how the videos are arranged"))
        self._show_view_icon()
        self.gallery_view_action.setText(self.tr("Gallery view"))
        self.gallery_view_action.setToolTip(self.tr("Everyone in a grid of equal tiles"))
        self.gallery_view_action.setIcon(ui_icon("view-gallery"))
        self.speaker_view_action.setText(self.tr("Speaker view"))
        self.speaker_view_action.setToolTip(
            self.tr("The person speaking large, the others in a row above")
        )
        self.speaker_view_action.setIcon(ui_icon("view-speaker"))
        self.security_button.setText(self.tr("Security"))
        self.security_button.setIcon(ui_icon("shield"))
        self.security_button.setToolTip(self.tr("Security options for this meeting"))
        self.lock_label.setToolTip(self.tr("The meeting is locked: nobody new can join"))
        self._show_time()
        if not self._clock.isValid():
            self.timer_label.setText(format_elapsed(0))
        self.timer_label.setToolTip(self.tr("Time since you joined"))
