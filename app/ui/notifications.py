"""Transient banners for what happens in the meeting, and the words for every
notice kind and refusal code.

Banners keep a function that makes their text, not the text, so a language switch
re-words the banners still on screen.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core import protocol as p
from app.core.errors import Code
from app.i18n import isolate
from app.ui.ui_icons import ui_icon

__all__ = [
    "Banner",
    "NotificationArea",
    "closed_text",
    "error_text",
    "notice_text",
]

MAX_BANNERS = 3
DEFAULT_TIMEOUT_MS = 6000
ACTION_TIMEOUT_MS = 15000

TextFactory = Callable[[], str]


def notice_text(notice: p.Notice) -> str:
    """Human words for a notice from the server."""
    name = isolate(notice.name) if notice.name else ""
    kind = notice.kind
    if kind == "waiting_arrived":
        return QCoreApplication.translate(
            "Notifications", "%1 is waiting to join the meeting"
        ).replace("%1", name)
    if kind == "admitted":
        return QCoreApplication.translate("Notifications", "The host let you into the meeting")
    if kind == "asked_to_unmute":
        return QCoreApplication.translate("Notifications", "The host asks you to unmute")
    if kind == "muted_by_host":
        return QCoreApplication.translate("Notifications", "The host muted you")
    if kind == "video_stopped_by_host":
        return QCoreApplication.translate("Notifications", "The host stopped your video")
    if kind == "share_stopped_by_host":
        return QCoreApplication.translate("Notifications", "The host stopped your screen share")
    if kind == "role_changed":
        return QCoreApplication.translate("Notifications", "The host changed your role")
    if kind == "sent_to_waiting_room":
        return QCoreApplication.translate("Notifications", "The host moved you to the waiting room")
    if kind == "suspended":
        return QCoreApplication.translate(
            "Notifications", "The host suspended participant activities"
        )
    if kind == "reported":
        return QCoreApplication.translate("Notifications", "%1 was reported to the host").replace(
            "%1", name
        )
    return QCoreApplication.translate("Notifications", "Something changed in the meeting")


def error_text(code: Code | str) -> str:
    """Human words for a refusal code (an action that did not work)."""
    try:
        code = Code(code)
    except ValueError:
        code = Code.INTERNAL
    texts: dict[Code, Callable[[], str]] = {
        Code.BAD_CREDENTIALS: lambda: QCoreApplication.translate(
            "Notifications", "The meeting ID or passcode is not right"
        ),
        Code.RATE_LIMITED: lambda: QCoreApplication.translate(
            "Notifications", "Too many attempts. Please wait a little and try again"
        ),
        Code.LOCKED: lambda: QCoreApplication.translate(
            "Notifications", "The host has locked this meeting"
        ),
        Code.FULL: lambda: QCoreApplication.translate("Notifications", "The meeting is full"),
        Code.REMOVED: lambda: QCoreApplication.translate(
            "Notifications", "You were removed from this meeting"
        ),
        Code.DENIED: lambda: QCoreApplication.translate(
            "Notifications", "The host did not let you in"
        ),
        Code.ENDED: lambda: QCoreApplication.translate("Notifications", "The meeting has ended"),
        Code.NOT_ALLOWED: lambda: QCoreApplication.translate(
            "Notifications", "You are not allowed to do that"
        ),
        Code.PERMISSION_OFF: lambda: QCoreApplication.translate(
            "Notifications", "The host has turned that off"
        ),
        Code.NO_SUCH_PARTICIPANT: lambda: QCoreApplication.translate(
            "Notifications", "That person is no longer in the meeting"
        ),
        Code.SOMEONE_SHARING: lambda: QCoreApplication.translate(
            "Notifications", "Someone else is already sharing their screen"
        ),
        Code.INVALID: lambda: QCoreApplication.translate(
            "Notifications", "That request was not valid"
        ),
        Code.MALFORMED: lambda: QCoreApplication.translate(
            "Notifications", "The server did not understand a message from this app"
        ),
        Code.TOO_LARGE: lambda: QCoreApplication.translate(
            "Notifications", "A message was too large to send"
        ),
        Code.UNSUPPORTED_VERSION: lambda: QCoreApplication.translate(
            "Notifications", "This app's version does not work with that server"
        ),
        Code.BAD_STATE: lambda: QCoreApplication.translate(
            "Notifications", "That is not possible right now"
        ),
        Code.FLOODING: lambda: QCoreApplication.translate(
            "Notifications", "Too many requests in a short time"
        ),
        Code.INTERNAL: lambda: QCoreApplication.translate(
            "Notifications", "Something went wrong on the server"
        ),
        Code.UNREACHABLE: lambda: QCoreApplication.translate(
            "Notifications", "Could not reach the meeting server"
        ),
        Code.CERTIFICATE_MISMATCH: lambda: QCoreApplication.translate(
            "Notifications",
            "The server's identity does not match the invite. Check the link with the host",
        ),
        Code.CONNECTION_LOST: lambda: QCoreApplication.translate(
            "Notifications", "The connection to the meeting was lost"
        ),
    }
    return texts[code]()


def closed_text(code: Code | str) -> str:
    """Why the meeting is over for us, as the full-window message shows it."""
    if code == "":
        return QCoreApplication.translate("Notifications", "You left the meeting")
    if code == Code.REMOVED:
        return QCoreApplication.translate("Notifications", "The host removed you from the meeting")
    if code == Code.ENDED:
        return QCoreApplication.translate(
            "Notifications", "The host ended the meeting for everyone"
        )
    return error_text(code)


class Banner(QFrame):
    """One notification: text, an optional action button and a close button."""

    closed = Signal()

    def __init__(
        self,
        text: TextFactory,
        *,
        level: str = "info",
        action_text: TextFactory | None = None,
        action: Callable[[], None] | None = None,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setProperty("level", level)
        self._text = text
        self._action_text = action_text
        self._action = action
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.action_button = QPushButton()
        self.action_button.setObjectName("bannerAction")
        self.action_button.setVisible(action is not None)
        self.action_button.clicked.connect(self._act)
        self.close_button = QToolButton()
        self.close_button.setIcon(ui_icon("close"))
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 6, 6)
        row.addWidget(self.label, 1)
        row.addWidget(self.action_button)
        row.addWidget(self.close_button)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        if timeout_ms > 0:
            self._timer.start(timeout_ms)
        self.retranslate_ui()

    @property
    def text(self) -> str:
        return self.label.text()

    def _act(self) -> None:
        if self._action is not None:
            self._action()
        self.dismiss()

    def dismiss(self) -> None:
        self._timer.stop()
        self.hide()
        self.closed.emit()
        self.deleteLater()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.label.setText(self._text())
        if self._action_text is not None:
            self.action_button.setText(self._action_text())
        self.close_button.setToolTip(self.tr("Dismiss"))


class NotificationArea(QWidget):
    """A column of at most three banners; the oldest goes when a fourth arrives."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notifications")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 8, 0, 0)
        self._layout.setSpacing(6)
        self._banners: list[Banner] = []
        self.setVisible(False)

    @property
    def banners(self) -> list[Banner]:
        return list(self._banners)

    def texts(self) -> list[str]:
        return [b.text for b in self._banners]

    def show_message(
        self,
        text: TextFactory,
        *,
        level: str = "info",
        action_text: TextFactory | None = None,
        action: Callable[[], None] | None = None,
        timeout_ms: int | None = None,
        key: str = "",
    ) -> Banner:
        """Show a banner. A banner with the same non-empty ``key`` is replaced."""
        if key:
            for old in [b for b in self._banners if b.property("key") == key]:
                old.dismiss()
        if timeout_ms is None:
            timeout_ms = ACTION_TIMEOUT_MS if action is not None else DEFAULT_TIMEOUT_MS
        banner = Banner(
            text, level=level, action_text=action_text, action=action, timeout_ms=timeout_ms
        )
        banner.setProperty("key", key)
        banner.closed.connect(lambda b=banner: self._forget(b))
        self._banners.append(banner)
        self._layout.addWidget(banner)
        while len(self._banners) > MAX_BANNERS:
            self._banners[0].dismiss()
        self.setVisible(True)
        return banner

    def dismiss(self, key: str) -> None:
        for banner in [b for b in self._banners if b.property("key") == key]:
            banner.dismiss()

    def _forget(self, banner: Banner) -> None:
        if banner in self._banners:
            self._banners.remove(banner)
            self._layout.removeWidget(banner)
        self.setVisible(bool(self._banners))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        """Banners re-word themselves (each gets LanguageChange too)."""
