"""``liqaa --self-test``: check an installation (or a packaged bundle) without windows.

Checks, in order: translations in both languages (and the start window builds in
each), the test-pattern camera gives a frame, the sound system opens if there is
one ("audio: none" is not a failure), and the embedded meeting server starts, turns
away a join with a wrong passcode (``bad_credentials``) and stops. Prints ONE line
and exits 0, or 1 with the reason.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from typing import TextIO

import numpy as np

from app import __version__

__all__ = ["SelfTestFailure", "run_self_test"]

logger = logging.getLogger(__name__)

SUMMARY_PREFIX = "liqaa self-test:"


class SelfTestFailure(Exception):
    pass


def _check(condition: bool, reason: str) -> None:
    if not condition:
        raise SelfTestFailure(reason)


# ---------------------------------------------------------------- translations


def check_translations() -> str:
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    from app.i18n import LanguageManager
    from app.settings import Settings
    from app.ui.application import create_application
    from app.ui.start_window import StartWindow

    app = create_application()
    languages = LanguageManager(Settings(), app, save=None)
    try:
        languages.set_language("ar", remember=False)
        arabic = QCoreApplication.translate("Language", "Arabic")
        _check(arabic == "العربية", f"Arabic translation not loaded (got {arabic!r})")
        _check(
            QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft,
            "Arabic did not switch the layout to right-to-left",
        )
        window = StartWindow(Settings(), languages, save=False)
        QCoreApplication.processEvents()  # LanguageChange is posted, not sent
        _check(
            window.new_meeting_button.text() not in ("", "New meeting"),
            "start window not in Arabic",
        )
        languages.set_language("en", remember=False)
        QCoreApplication.processEvents()
        english = QCoreApplication.translate("Language", "Arabic")
        _check(english == "Arabic", f"English UI shows {english!r} for 'Arabic'")
        _check(window.new_meeting_button.text() == "New meeting", "start window not in English")
        window.deleteLater()
    finally:
        languages.uninstall()
    return "translations: ar, en"


# ---------------------------------------------------------------- camera


def check_camera(timeout: float = 5.0) -> str:
    from app.media.camera import CameraSource

    source = CameraSource(pattern="Liqaa", width=320, height=240, fps=30)
    source.start()
    try:
        deadline = time.monotonic() + timeout
        frame = source.latest()
        while frame is None and time.monotonic() < deadline:
            time.sleep(0.02)
            frame = source.latest()
        _check(frame is not None, f"no frame from the test pattern camera ({source.error})")
        assert frame is not None
        image = frame.image
        _check(
            image.shape == (240, 320, 3) and image.dtype == np.uint8,
            f"unexpected pattern frame {image.shape} {image.dtype}",
        )
        _check(int(image.std()) > 0, "the pattern frame is blank")
    finally:
        source.stop()
    return "camera: pattern 320x240"


# ---------------------------------------------------------------- audio


def check_audio() -> str:
    from app.media.devices import (
        list_input_devices,
        list_output_devices,
        portaudio,
        portaudio_error,
    )

    if portaudio() is None:
        logger.info("no PortAudio: %s", portaudio_error())
        return "audio: none (no PortAudio)"
    inputs, outputs = list_input_devices(), list_output_devices()
    if not inputs and not outputs:
        return "audio: none"
    opened: list[str] = []
    if outputs:
        from app.media.mixer import AudioMixer
        from app.media.speaker import SpeakerSink
        from app.media.state import SourceState

        speaker = SpeakerSink(AudioMixer())
        speaker.start()
        if speaker.state is SourceState.LIVE:
            opened.append("output")
        speaker.stop()
    if inputs:
        from app.media.microphone import MicrophoneSource
        from app.media.state import SourceState

        microphone = MicrophoneSource()
        microphone.start()
        if microphone.state is SourceState.LIVE:
            opened.append("input")
        microphone.stop()
    what = " and ".join(opened) if opened else "none could be opened"
    return f"audio: {len(inputs)} in, {len(outputs)} out ({what})"


# ---------------------------------------------------------------- server


class _Probe:
    """A SessionListener that remembers why the session closed."""

    def __init__(self) -> None:
        self.closed_with: object = None

    def status_changed(self, status: object, code: object) -> None:
        if str(status) == "closed":
            self.closed_with = code

    def __getattr__(self, name: str) -> object:
        return lambda *args: None  # every other notification: ignored


async def _refused_join(host: str, port: int, fingerprint: str, create_token: str) -> str:
    from app.client.devices import LocalDevices
    from app.client.session import MeetingSession
    from app.client.state import PATTERN, SYNTHETIC, MediaConfig
    from app.core import protocol as p
    from app.core.devicekey import DeviceKey
    from app.core.invite import Invite
    from app.rtc.signaling import SignalingClient

    signaling = SignalingClient()
    url = Invite(host, port, "0" * 11).server_url
    await signaling.connect(url, fingerprint)
    try:
        await signaling.send(p.Create(v=p.PROTOCOL_VERSION, create_token=create_token))
        created = await asyncio.wait_for(signaling.recv(), 10)
    finally:
        await signaling.close()
    _check(isinstance(created, p.Created), f"the server did not create a meeting: {created}")
    assert isinstance(created, p.Created)
    probe = _Probe()
    session = MeetingSession(
        probe,  # type: ignore[arg-type]
        DeviceKey.generate(),
        LocalDevices(MediaConfig(camera=PATTERN, microphone=SYNTHETIC)),
    )
    wrong = "WRONG" + (created.passcode or "")
    try:
        await asyncio.wait_for(
            session.join(Invite(host, port, created.meeting_id, wrong, fingerprint), "Self-test"),
            20,
        )
    finally:
        await session.close()
    return str(probe.closed_with)


def check_server() -> str:
    from app.server.embedded import EmbeddedServerError, start_embedded_server

    try:
        server = start_embedded_server()
    except (EmbeddedServerError, OSError) as exc:
        raise SelfTestFailure(f"the embedded meeting server did not start: {exc}") from None
    try:
        code = asyncio.run(
            _refused_join(server.host, server.port, server.fingerprint, server.create_token)
        )
        _check(code == "bad_credentials", f"a wrong passcode got {code!r}, not bad_credentials")
    finally:
        server.stop()
    _check(not server.alive(), "the embedded meeting server did not stop")
    return f"server: started, wrong passcode refused ({code}), stopped"


# ---------------------------------------------------------------- entry


def run_self_test(out: TextIO | None = None) -> int:
    out = sys.stdout if out is None else out
    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # never show a window
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    started = time.monotonic()
    parts: list[str] = []
    try:
        for check in (check_translations, check_camera, check_audio, check_server):
            parts.append(check())
    except SelfTestFailure as exc:
        print(f"{SUMMARY_PREFIX} FAILED: {exc}", file=out, flush=True)
        return 1
    except Exception as exc:
        logger.exception("self-test crashed")
        print(f"{SUMMARY_PREFIX} FAILED: {type(exc).__name__}: {exc}", file=out, flush=True)
        return 1
    elapsed = time.monotonic() - started
    frozen = ", bundled" if getattr(sys, "frozen", False) else ""
    print(
        f"{SUMMARY_PREFIX} ok (liqaa {__version__}{frozen}; {'; '.join(parts)}) in {elapsed:.1f} s",
        file=out,
        flush=True,
    )
    return 0
