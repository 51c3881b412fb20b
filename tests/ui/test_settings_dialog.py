"""The settings dialog: live camera preview, missing devices shown as unavailable
without freezing, the microphone meter on real sound, and saving."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.i18n import LanguageManager
from app.media.camera import CameraInfo
from app.media.processing import ProcessingConfig
from app.media.state import SourceState
from app.settings import CAMERA_PATTERN, Settings, load_settings
from app.ui.application import media_config
from app.ui.settings_dialog import DeviceLists, SettingsDialog
from tests.fixtures.pulse import PulseServer, pulse_server
from tests.media.helpers import playing_tone

__all__ = ["pulse_server"]

GHOST = CameraInfo(57, "Ghost camera")  # listed, but nothing at /dev/video57


def no_devices() -> DeviceLists:
    return DeviceLists(cameras=[GHOST])


def open_dialog(qtbot: QtBot, settings: Settings, **options: object) -> SettingsDialog:
    dialog = SettingsDialog(settings, save=False, **options)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_pattern_preview_and_missing_devices_never_freeze(
    qtbot: QtBot, config_dir: Path, output_dir: Path
) -> None:
    settings = Settings(display_name="Amal", camera=CAMERA_PATTERN, microphone="No such mic")
    began = time.monotonic()
    dialog = open_dialog(qtbot, settings, scan=no_devices)
    assert time.monotonic() - began < 1.0
    # The test pattern plays in the preview, from its own capture thread.
    qtbot.waitUntil(lambda: dialog.preview.frames_shown >= 5, timeout=10000)
    assert dialog.preview.has_picture() and dialog.camera_state() is SourceState.LIVE
    assert dialog.camera_status.text() == "Working"
    # The microphone named in the settings is missing: "unavailable", and no freeze.
    qtbot.waitUntil(lambda: dialog.microphone_state() is SourceState.UNAVAILABLE, timeout=5000)
    assert dialog.microphone_status.text().startswith("Unavailable")
    # The device name is isolated (it may be right-to-left, or not, in either UI).
    assert dialog.microphone_combo.currentText() == "\u2068No such mic\u2069 (unavailable)"
    assert dialog.meter.value() == 0
    qtbot.waitUntil(lambda: dialog.camera_combo.findData(GHOST.index) >= 0)
    shots = output_dir / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(shots / "settings_dialog.png"))
    # A camera that is listed but gone: the preview says so at once.
    began = time.monotonic()
    dialog.camera_combo.setCurrentIndex(dialog.camera_combo.findData(GHOST.index))
    assert time.monotonic() - began < 0.5  # the GUI thread never waits on a driver
    qtbot.waitUntil(lambda: dialog.camera_state() is SourceState.UNAVAILABLE, timeout=5000)
    qtbot.waitUntil(lambda: dialog.preview.text() == "Camera unavailable")
    assert not dialog.preview.has_picture()
    assert dialog.camera_status.text().startswith("Unavailable")
    camera, microphone = dialog._camera, dialog._microphone
    assert camera is not None and microphone is not None
    dialog.reject()
    # Released on close (the camera light goes out), off the GUI thread.
    qtbot.waitUntil(lambda: camera.state is SourceState.STOPPED, timeout=5000)
    qtbot.waitUntil(lambda: microphone.state is SourceState.STOPPED, timeout=5000)


def test_slow_device_scan_keeps_the_dialog_responsive(qtbot: QtBot, config_dir: Path) -> None:
    release = threading.Event()

    def slow_scan() -> DeviceLists:
        release.wait(10)
        return DeviceLists(cameras=[CameraInfo(3, "USB camera")])

    began = time.monotonic()
    dialog = open_dialog(qtbot, Settings(camera=CAMERA_PATTERN), scan=slow_scan)
    assert time.monotonic() - began < 1.0
    assert dialog.microphone_combo.itemText(0) == "System default (looking for devices...)"
    assert [dialog.camera_combo.itemText(i) for i in range(dialog.camera_combo.count())] == [
        "Default camera",
        "Test pattern",
    ]
    qtbot.waitUntil(lambda: dialog.preview.frames_shown > 0, timeout=10000)  # still live
    release.set()
    qtbot.waitUntil(lambda: dialog.camera_combo.findData(3) >= 0, timeout=5000)
    assert dialog.camera_combo.itemText(dialog.camera_combo.findData(3)) == "USB camera"
    assert dialog.microphone_combo.itemText(0) == "System default"
    assert dialog.camera_value() == CAMERA_PATTERN  # the choice survived the refresh
    dialog.reject()


def test_ok_saves_the_choices(qtbot: QtBot, config_dir: Path, languages: LanguageManager) -> None:
    settings = languages.settings
    saved: list[Settings] = []
    languages._save = lambda s: saved.append(s)  # the manager saves what it changes
    dialog = SettingsDialog(settings, languages, scan=no_devices)
    qtbot.addWidget(dialog)
    dialog.show()
    applied: list[bool] = []
    dialog.applied.connect(lambda: applied.append(True))
    assert not dialog.digits_combo.isEnabled()  # digits only matter in Arabic
    dialog.name_edit.setText("  Sara   Ali ")
    dialog.camera_combo.setCurrentIndex(dialog.camera_combo.findData(CAMERA_PATTERN))
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("ar"))
    assert dialog.digits_combo.isEnabled()
    dialog.digits_combo.setCurrentIndex(dialog.digits_combo.findData(True))
    QTest.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert applied == [True]
    assert languages.language == "ar"
    assert QGuiApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    stored = load_settings()
    assert stored.display_name == "Sara Ali" and stored.camera == CAMERA_PATTERN
    assert stored.language == "ar" and stored.arabic_indic_digits is True
    assert dialog.camera_state() is SourceState.STOPPED


def test_microphone_meter_follows_real_sound(
    qtbot: QtBot, config_dir: Path, pulse_server: PulseServer
) -> None:
    """A tone played into the PulseAudio null sink is what the "pulse" microphone
    records (the sink's monitor): the meter rises."""
    with playing_tone(pulse_server.device):
        settings = Settings(camera=CAMERA_PATTERN, microphone=pulse_server.device)
        dialog = open_dialog(qtbot, settings, scan=no_devices)
        qtbot.waitUntil(lambda: dialog.microphone_state() is SourceState.LIVE, timeout=10000)
        qtbot.waitUntil(lambda: dialog.meter.value() > 50, timeout=10000)
        assert dialog.meter.level_db > -30
        assert dialog.microphone_status.text().startswith("Working")
        microphone = dialog._microphone
        assert microphone is not None
        dialog.reject()
        qtbot.waitUntil(lambda: microphone.state is SourceState.STOPPED, timeout=5000)


def test_voice_processing_choices_are_saved_and_reach_the_call(
    qtbot: QtBot, config_dir: Path
) -> None:
    dialog = SettingsDialog(Settings(camera=CAMERA_PATTERN), scan=no_devices)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.echo_check.isChecked() and dialog.noise_check.isChecked()
    assert dialog.gain_check.isChecked()
    assert dialog.noise_level_combo.currentData() == "high"
    assert [dialog.noise_level_combo.itemText(i) for i in range(4)] == [
        "Low",
        "Moderate",
        "High",
        "Very high",
    ]
    dialog.noise_check.setChecked(False)
    assert not dialog.noise_level_combo.isEnabled()  # a level of nothing means nothing
    dialog.noise_check.setChecked(True)
    dialog.noise_level_combo.setCurrentIndex(dialog.noise_level_combo.findData("low"))
    dialog.echo_check.setChecked(False)
    dialog.gain_check.setChecked(False)
    dialog.accept()
    stored = load_settings()
    assert (stored.echo_cancellation, stored.noise_suppression, stored.auto_gain) == (
        False,
        True,
        False,
    )
    assert stored.noise_suppression_level == "low"
    config = media_config(stored)
    assert config.processing == ProcessingConfig(
        echo_cancellation=False, noise_suppression_level="low", auto_gain=False
    )


def test_test_speaker_and_test_microphone_on_real_sound(
    qtbot: QtBot, config_dir: Path, pulse_server: PulseServer
) -> None:
    settings = Settings(
        camera=CAMERA_PATTERN, microphone=pulse_server.device, speaker=pulse_server.device
    )
    dialog = open_dialog(qtbot, settings, scan=no_devices)
    dialog.record_seconds = 0.6
    qtbot.waitUntil(lambda: dialog.microphone_state() is SourceState.LIVE, timeout=10000)
    assert dialog.speaker_test_button.text() == "Test speaker"
    assert dialog.microphone_test_button.text() == "Test microphone"
    QTest.mouseClick(dialog.speaker_test_button, Qt.MouseButton.LeftButton)
    assert dialog.speaker_test_button.text() == "Stop"
    assert dialog.sound_check_status.text() == "Playing a test sound... Can you hear it?"
    # The chime comes back through the microphone (the null sink's monitor): the meter moves.
    qtbot.waitUntil(lambda: dialog.meter.level_db > -30, timeout=5000)
    qtbot.waitUntil(lambda: dialog.speaker_test_button.text() == "Test speaker", timeout=10000)
    assert dialog.sound_check_status.text().startswith("Did you hear the sound?")
    QTest.mouseClick(dialog.microphone_test_button, Qt.MouseButton.LeftButton)
    assert dialog.sound_check_status.text() == "Recording... speak now."
    assert dialog.microphone_test_button.text() == "Stop"
    qtbot.waitUntil(
        lambda: dialog.sound_check_status.text() == "Playing back your recording...",
        timeout=10000,
    )
    qtbot.waitUntil(
        lambda: dialog.sound_check_status.text().startswith("Did you hear yourself?"),
        timeout=10000,
    )
    assert dialog.microphone_test_button.text() == "Test microphone"
    # Stop in the middle: the button stops the test.
    QTest.mouseClick(dialog.speaker_test_button, Qt.MouseButton.LeftButton)
    QTest.mouseClick(dialog.speaker_test_button, Qt.MouseButton.LeftButton)
    assert dialog.sound_check.wait(5)
    qtbot.waitUntil(lambda: dialog.sound_check_status.text() == "", timeout=2000)
    dialog.reject()


def test_test_speaker_without_a_speaker_says_so(qtbot: QtBot, config_dir: Path) -> None:
    settings = Settings(camera=CAMERA_PATTERN, microphone="No such mic", speaker="No such one")
    dialog = open_dialog(qtbot, settings, scan=no_devices)
    began = time.monotonic()
    QTest.mouseClick(dialog.speaker_test_button, Qt.MouseButton.LeftButton)
    assert time.monotonic() - began < 0.5  # opening the device is not on the GUI thread
    qtbot.waitUntil(
        lambda: dialog.sound_check_status.text() == "Cannot play: the speaker is unavailable.",
        timeout=10000,
    )
    qtbot.waitUntil(lambda: dialog.microphone_state() is SourceState.UNAVAILABLE, timeout=5000)
    QTest.mouseClick(dialog.microphone_test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: dialog.sound_check_status.text() == "Cannot record: the microphone is unavailable.",
        timeout=10000,
    )
    dialog.reject()
