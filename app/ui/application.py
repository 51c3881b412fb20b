"""The app controller: QApplication set-up, languages, the session bridge, and which
window shows when (start window, waiting screen, meeting window).

The windows follow ``bridge.status_changed``: connecting keeps the start window
(busy), the waiting room shows the waiting screen, joined shows the meeting window,
and a closed session brings the start window back with the reason, if any.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from app import __version__
from app.client.state import PATTERN, HostedMeeting, MediaConfig, Status
from app.core.devicekey import DeviceKey
from app.core.invite import Invite, InviteError, parse_invite
from app.i18n import LanguageManager
from app.resources import resource_path
from app.settings import APP_NAME, CAMERA_PATTERN, Settings, config_dir, load_settings
from app.ui.start_window import StartWindow
from app.ui.waiting_screen import WaitingScreen

__all__ = [
    "AppController",
    "create_application",
    "load_device_key",
    "media_config",
    "run",
]

logger = logging.getLogger(__name__)

ORGANIZATION = "Liqaa"
DEVICE_KEY_FILE = "device-key"


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with Liqaa's name, organisation and icon (reused if one exists)."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or [APP_NAME])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("liqaa")
    icon = resource_path("resources", "icons", "liqaa.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    # The controller decides when to quit: windows come and go between screens.
    app.setQuitOnLastWindowClosed(False)
    return app


def load_device_key(path: Path | None = None) -> DeviceKey:
    """This install's device key pair, made on first use and kept in the config dir."""
    path = config_dir() / DEVICE_KEY_FILE if path is None else path
    try:
        return DeviceKey.from_bytes(path.read_bytes())
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        logger.warning("device key %s unreadable (%s): making a new one", path, exc)
    key = DeviceKey.generate()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(key.private_bytes())
    except OSError as exc:
        logger.warning("cannot keep the device key in %s: %s", path, exc)
    return key


def media_config(settings: Settings) -> MediaConfig:
    """The session's device choices from the user's settings."""
    camera: int | str
    if settings.camera is None:
        camera = 0
    elif settings.camera == CAMERA_PATTERN:
        camera = PATTERN
    else:
        camera = settings.camera
    return MediaConfig(
        camera=camera,
        microphone=settings.microphone,
        speaker=settings.speaker,
        processing=settings.processing(),
        pattern_label=settings.display_name.encode("ascii", "ignore").decode().strip() or APP_NAME,
    )


class AppController(QObject):
    """Owns the windows and wires them to the bridge (a ``SessionBridge``)."""

    def __init__(
        self,
        settings: Settings,
        languages: LanguageManager | None,
        bridge: Any,
        *,
        save: bool = True,
        demo_pace: float = 1.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.languages = languages
        self.bridge = bridge
        self._save = save
        self.demo_pace = demo_pace
        self.demo: Any = None  # DemoMeeting while a test meeting runs
        self.meeting_window: QWidget | None = None
        self.view_mode = "gallery"  # the meeting windows' layout (a ViewMode value) this run
        self.hosted_dialog: QWidget | None = None
        self.settings_dialog: QWidget | None = None
        self._name = settings.display_name
        self._shut_down = False

        self.start_window = StartWindow(settings, languages, save=save)
        self.start_window.new_meeting_requested.connect(self.new_meeting)
        self.start_window.join_requested.connect(self.join)
        self.start_window.test_meeting_requested.connect(self.start_demo)
        self.start_window.settings_requested.connect(self.open_settings)
        self.start_window.closed.connect(self.quit)
        self.waiting_screen = WaitingScreen()
        self.waiting_screen.leave_requested.connect(self.leave)

        bridge.status_changed.connect(self._on_status)
        bridge.hosted.connect(self._on_hosted)

    # ------------------------------------------------------------ start

    def start(self, *, invite_link: str | None = None, demo: bool = False) -> None:
        """Show the first screen: the start window, or straight into the test meeting."""
        if demo:
            self.start_demo(self.settings.display_name)
            return
        self.start_window.show()
        if invite_link:
            self.start_window.set_invite_link(invite_link)
            try:
                parse_invite(invite_link)
            except InviteError:
                self.start_window.submit_join()  # shows what is wrong with the link
                return
            if self.start_window.display_name():
                self.start_window.submit_join()
            else:
                self.start_window.name_edit.setFocus()

    # ------------------------------------------------------------ intents

    def new_meeting(self, name: str, lan: bool = False) -> None:
        self._name = name
        self.start_window.set_busy(True)
        self.bridge.host_new_meeting(name, lan=lan, waiting_room=True)

    def join(self, invite: Invite, name: str) -> None:
        self._name = name
        self.start_window.set_busy(True)
        self.bridge.join(invite, name)

    def start_demo(self, name: str = "") -> None:
        from app.client.demo import DemoMeeting

        if self.demo is not None:
            return
        self._name = name or self.tr("Me")
        self.start_window.set_busy(True)
        self.demo = DemoMeeting(self.bridge, pace=self.demo_pace, parent=self)
        self.demo.start(self._name)

    def leave(self) -> None:
        self.bridge.leave()

    def open_settings(self, parent: QWidget | None = None) -> QWidget:
        from app.ui.settings_dialog import SettingsDialog

        if self.settings_dialog is not None:
            self.settings_dialog.raise_()
            self.settings_dialog.activateWindow()
            return self.settings_dialog
        owner = parent if isinstance(parent, QWidget) else self._visible_window()
        dialog = SettingsDialog(self.settings, self.languages, owner, save=self._save)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.applied.connect(self._settings_applied)
        dialog.finished.connect(lambda _result: self._settings_closed(dialog))
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def _settings_applied(self) -> None:
        if self.settings.display_name:
            self.start_window.name_edit.setText(self.settings.display_name)
        self.bridge.configure_media(media_config(self.settings))

    def _settings_closed(self, dialog: QWidget) -> None:
        if self.settings_dialog is dialog:
            self.settings_dialog = None

    def _visible_window(self) -> QWidget:
        if self.meeting_window is not None and self.meeting_window.isVisible():
            return self.meeting_window
        return self.start_window

    # ------------------------------------------------------------ state

    def _on_status(self, status: str, code: str) -> None:
        if self._shut_down:
            return
        state = Status(status)
        if state is Status.CONNECTING:
            if self.meeting_window is None:
                self.start_window.set_busy(True)
        elif state is Status.WAITING:
            if self.meeting_window is None:
                self.waiting_screen.set_name(self._name)
                self.waiting_screen.reset()
                self._show(self.waiting_screen)
                self.start_window.hide()
            # else: sent back to the waiting room; the meeting window shows it.
        elif state is Status.JOINED:
            window = self._ensure_meeting_window()
            if window is not None:
                self._show(window)
                self.start_window.hide()
            self.waiting_screen.hide()
            self.start_window.set_busy(False)
        elif state is Status.CLOSED:
            self._closed(code)

    def _closed(self, code: str) -> None:
        self.waiting_screen.hide()
        self.demo = None  # the demo makes its guests leave on its own
        self.start_window.set_busy(False)
        if code:
            self.start_window.show_failure(code, self.bridge.session.retry_after or None)
        else:
            self.start_window.clear_status()
        window = self.meeting_window
        if window is not None and code and window.isVisible():
            # Removed, denied, ended...: the meeting window says why until the user
            # closes it (its ``finished``), then the start window comes back.
            return
        self._drop_meeting_window()
        self._show(self.start_window)

    def _meeting_finished(self) -> None:
        """The user is done with the meeting window (closed it, or its Close button)."""
        if self.meeting_window is None:
            return
        self._drop_meeting_window()
        if self.bridge.status not in (Status.IDLE, Status.CLOSED):
            self.bridge.leave()  # CLOSED follows; the start window is already back
        self._show(self.start_window)

    def _on_hosted(self, hosted: HostedMeeting) -> None:
        if self._shut_down or self.demo is not None:
            return  # the test meeting's passcode is of no use to anyone
        from app.ui.hosted_dialog import HostedDialog

        self._close_hosted_dialog()
        dialog = HostedDialog(hosted, self._visible_window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._hosted_dialog_finished(dialog))
        self.hosted_dialog = dialog
        dialog.show()
        dialog.raise_()

    def _hosted_dialog_finished(self, dialog: QWidget) -> None:
        if self.hosted_dialog is dialog:
            self.hosted_dialog = None

    def _close_hosted_dialog(self) -> None:
        dialog, self.hosted_dialog = self.hosted_dialog, None
        if dialog is not None:
            dialog.close()

    # ------------------------------------------------------------ meeting window

    def _ensure_meeting_window(self) -> QWidget | None:
        if self.meeting_window is not None:
            return self.meeting_window
        try:
            from app.ui.gallery import ViewMode
            from app.ui.meeting_window import MeetingWindow
        except ImportError:
            logger.exception("the meeting window is not available")
            return None
        window = MeetingWindow(self.bridge, view_mode=ViewMode(self.view_mode))
        window.finished.connect(self._meeting_finished)
        window.view_mode_changed.connect(self._remember_view_mode)
        self.meeting_window = window
        return window

    def _remember_view_mode(self, mode: str) -> None:
        self.view_mode = mode

    def _drop_meeting_window(self) -> None:
        window, self.meeting_window = self.meeting_window, None
        self._close_hosted_dialog()
        if window is not None:
            window.hide()  # not close(): that would ask the bridge to leave again
            window.deleteLater()

    # ------------------------------------------------------------ windows and quitting

    @staticmethod
    def _show(window: QWidget) -> None:
        window.show()
        window.raise_()
        window.activateWindow()

    def quit(self) -> None:
        QCoreApplication.quit()

    def shutdown(self) -> None:
        """Leave the meeting, let the test guests go and stop the embedded server."""
        if self._shut_down:
            return
        self._shut_down = True
        demo, self.demo = self.demo, None
        if demo is not None:
            demo.stop()
        if self.settings_dialog is not None:
            with contextlib.suppress(RuntimeError):
                self.settings_dialog.release_devices()  # type: ignore[attr-defined]
        with contextlib.suppress(RuntimeError):
            self.bridge.status_changed.disconnect(self._on_status)
            self.bridge.hosted.disconnect(self._on_hosted)
        self.bridge.shutdown()


def _install_interrupt_handler(app: QApplication) -> QTimer:
    """Ctrl-C in the terminal quits cleanly (Python only sees signals between Qt events)."""
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)
    return timer


def run(
    *,
    demo: bool = False,
    language: str | None = None,
    invite_link: str | None = None,
    qt_argv: list[str] | None = None,
) -> int:
    """Run the app until the user quits; returns the exit status."""
    from app.client.bridge import SessionBridge

    app = create_application([sys.argv[0] if sys.argv else APP_NAME, *(qt_argv or [])])
    settings = load_settings()
    languages = LanguageManager(settings, app)
    languages.start()
    if language:
        languages.set_language(language, remember=False)
    bridge = SessionBridge(load_device_key(), media_config(settings))
    controller = AppController(settings, languages, bridge)
    app.aboutToQuit.connect(controller.shutdown)
    _install_interrupt_handler(app)
    controller.start(invite_link=invite_link, demo=demo)
    return app.exec()
