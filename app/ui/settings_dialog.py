"""Settings: camera (with a live preview), microphone (with a level meter and a
record-and-play-back test), speaker (with a test sound), voice processing (echo
cancellation, noise suppression and its level, automatic gain), display name,
language and digits. Stored with ``app.settings``.

Nothing here may freeze the window: device lists are gathered on a worker thread,
the camera captures on its own thread (the preview shows its latest frame from a
timer), and the microphone opens on a worker thread. A missing device shows as
"unavailable".
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import (
    LANGUAGES,
    LanguageManager,
    digit_mode_names,
    format_number,
    initial_language,
    isolate,
    language_names,
)
from app.media.camera import CameraInfo, CameraSource, list_cameras
from app.media.devices import AudioDevice, list_input_devices, list_output_devices
from app.media.microphone import MicrophoneSource
from app.media.processing import NOISE_SUPPRESSION_LEVELS, ProcessingConfig
from app.media.soundcheck import RECORD_SECONDS, Outcome, Phase, SoundCheck
from app.media.state import SourceState
from app.settings import CAMERA_PATTERN, Settings, save_settings
from app.ui.level_meter import LevelMeter
from app.ui.video_preview import VideoPreview

__all__ = ["DeviceLists", "SettingsDialog", "scan_devices"]

logger = logging.getLogger(__name__)

PREVIEW_INTERVAL_MS = 66  # ~15 frames a second is plenty for a preview
METER_INTERVAL_MS = 100
PREVIEW_SIZE = (320, 240)


@dataclass
class DeviceLists:
    cameras: list[CameraInfo] = field(default_factory=list)
    microphones: list[AudioDevice] = field(default_factory=list)
    speakers: list[AudioDevice] = field(default_factory=list)


def scan_devices() -> DeviceLists:
    """Every camera, microphone and speaker (slow: opens devices; not on the GUI thread)."""
    lists = DeviceLists()
    try:
        lists.cameras = list_cameras()
    except Exception:
        logger.exception("cannot list cameras")
    lists.microphones = list_input_devices()
    lists.speakers = list_output_devices()
    return lists


def _in_background(work: Callable[[], None], name: str) -> None:
    threading.Thread(target=work, name=name, daemon=True).start()


class SettingsDialog(QDialog):
    """``applied`` is emitted after OK, once the settings are saved."""

    applied = Signal()
    # From worker threads (delivered queued on the GUI thread).
    _devices_found = Signal(object)

    def __init__(
        self,
        settings: Settings,
        languages: LanguageManager | None = None,
        parent: QWidget | None = None,
        *,
        save: bool = True,
        scan: Callable[[], DeviceLists] = scan_devices,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.settings = settings
        self.languages = languages
        self._save = save
        self.devices: DeviceLists | None = None
        self._camera: CameraSource | None = None
        self._microphone: MicrophoneSource | None = None
        self._last_seq = -1
        self._scanning = True

        # -------------------------------------------------------------- video
        self.video_box = QGroupBox()
        self.camera_label = QLabel()
        self.camera_combo = QComboBox()
        self.camera_combo.setObjectName("cameraCombo")
        self.camera_label.setBuddy(self.camera_combo)
        self.preview = VideoPreview()
        self.preview.setObjectName("cameraPreview")
        self.camera_status = QLabel()
        self.camera_status.setObjectName("cameraState")
        video_form = QFormLayout()
        video_form.addRow(self.camera_label, self.camera_combo)
        video_layout = QVBoxLayout(self.video_box)
        video_layout.addLayout(video_form)
        video_layout.addWidget(self.preview, 1)
        video_layout.addWidget(self.camera_status)

        # -------------------------------------------------------------- audio
        self.audio_box = QGroupBox()
        self.microphone_label = QLabel()
        self.microphone_combo = QComboBox()
        self.microphone_combo.setObjectName("microphoneCombo")
        self.microphone_label.setBuddy(self.microphone_combo)
        self.meter = LevelMeter()
        self.meter.setObjectName("microphoneMeter")
        self.microphone_status = QLabel()
        self.microphone_status.setObjectName("microphoneState")
        self.speaker_label = QLabel()
        self.speaker_combo = QComboBox()
        self.speaker_combo.setObjectName("speakerCombo")
        self.speaker_label.setBuddy(self.speaker_combo)
        self.speaker_status = QLabel()
        self.speaker_status.setObjectName("speakerState")
        # Test microphone / test speaker, one at a time (a SoundCheck, polled by a timer).
        self.sound_check = SoundCheck()
        self.record_seconds = RECORD_SECONDS
        self._check_kind = ""  # "speaker" or "microphone": the test last started
        self.microphone_test_button = QPushButton()
        self.microphone_test_button.setObjectName("microphoneTestButton")
        self.microphone_test_button.clicked.connect(self._microphone_test_clicked)
        self.speaker_test_button = QPushButton()
        self.speaker_test_button.setObjectName("speakerTestButton")
        self.speaker_test_button.clicked.connect(self._speaker_test_clicked)
        self.sound_check_status = QLabel()
        self.sound_check_status.setObjectName("soundCheckState")
        self.sound_check_status.setWordWrap(True)
        audio_form = QFormLayout(self.audio_box)
        audio_form.addRow(self.microphone_label, self.microphone_combo)
        audio_form.addRow("", self.meter)
        audio_form.addRow("", self.microphone_status)
        audio_form.addRow("", self.microphone_test_button)
        audio_form.addRow(self.speaker_label, self.speaker_combo)
        audio_form.addRow("", self.speaker_status)
        audio_form.addRow("", self.speaker_test_button)
        audio_form.addRow("", self.sound_check_status)

        # -------------------------------------------------------------- voice processing
        self.processing_box = QGroupBox()
        self.echo_check = QCheckBox()
        self.echo_check.setObjectName("echoCancellationCheck")
        self.echo_check.setChecked(settings.echo_cancellation)
        self.noise_check = QCheckBox()
        self.noise_check.setObjectName("noiseSuppressionCheck")
        self.noise_check.setChecked(settings.noise_suppression)
        self.noise_level_label = QLabel()
        self.noise_level_combo = QComboBox()
        self.noise_level_combo.setObjectName("noiseSuppressionLevelCombo")
        self.noise_level_label.setBuddy(self.noise_level_combo)
        for level in NOISE_SUPPRESSION_LEVELS:
            self.noise_level_combo.addItem("", level)
        self.noise_level_combo.setCurrentIndex(
            max(0, self.noise_level_combo.findData(settings.noise_suppression_level))
        )
        self.noise_check.toggled.connect(self.noise_level_combo.setEnabled)
        self.noise_level_combo.setEnabled(settings.noise_suppression)
        self.gain_check = QCheckBox()
        self.gain_check.setObjectName("autoGainCheck")
        self.gain_check.setChecked(settings.auto_gain)
        processing_form = QFormLayout(self.processing_box)
        processing_form.addRow(self.echo_check)
        processing_form.addRow(self.noise_check)
        processing_form.addRow(self.noise_level_label, self.noise_level_combo)
        processing_form.addRow(self.gain_check)

        # -------------------------------------------------------------- general
        self.general_box = QGroupBox()
        self.name_label = QLabel()
        self.name_edit = QLineEdit(settings.display_name)
        self.name_edit.setObjectName("settingsNameEdit")
        self.name_edit.setMaxLength(60)
        self.name_label.setBuddy(self.name_edit)
        self.language_label = QLabel()
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("settingsLanguageCombo")
        self.language_label.setBuddy(self.language_combo)
        current = (languages.language if languages is not None else None) or initial_language(
            settings
        )
        for code in LANGUAGES:
            self.language_combo.addItem(code, code)
            if code == current:
                self.language_combo.setCurrentIndex(self.language_combo.count() - 1)
        self.digits_label = QLabel()
        self.digits_combo = QComboBox()
        self.digits_combo.setObjectName("digitsCombo")
        self.digits_label.setBuddy(self.digits_combo)
        for value in (None, True, False):
            self.digits_combo.addItem("", value)
            if value is settings.arabic_indic_digits:
                self.digits_combo.setCurrentIndex(self.digits_combo.count() - 1)
        self.language_combo.currentIndexChanged.connect(self._language_changed)
        general_form = QFormLayout(self.general_box)
        general_form.addRow(self.name_label, self.name_edit)
        general_form.addRow(self.language_label, self.language_combo)
        general_form.addRow(self.digits_label, self.digits_combo)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        right = QVBoxLayout()
        right.addWidget(self.audio_box)
        right.addWidget(self.processing_box)
        right.addWidget(self.general_box)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addWidget(self.video_box, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)
        self.resize(860, 620)

        # Until the scan is done: what the settings name (and the test pattern).
        self._fill_devices(DeviceLists(), scanning=True)
        self.camera_combo.currentIndexChanged.connect(self._camera_chosen)
        self.microphone_combo.currentIndexChanged.connect(self._microphone_chosen)
        self._devices_found.connect(self._on_devices_found)

        self._preview_timer = QTimer(self)
        self._preview_timer.setInterval(PREVIEW_INTERVAL_MS)
        self._preview_timer.timeout.connect(self._show_preview)
        self._meter_timer = QTimer(self)
        self._meter_timer.setInterval(METER_INTERVAL_MS)
        self._meter_timer.timeout.connect(self._show_level)
        self._language_changed()
        self.retranslate_ui()

        self._scan = scan
        _in_background(self._scan_devices, "liqaa-device-scan")
        self._start_camera()
        self._start_microphone()

    # ------------------------------------------------------------ device lists

    def _scan_devices(self) -> None:
        try:
            found = self._scan()
        except Exception:
            logger.exception("device scan failed")
            found = DeviceLists()
        try:
            self._devices_found.emit(found)
        except RuntimeError:  # the dialog is gone
            pass

    def _on_devices_found(self, found: DeviceLists) -> None:
        self._scanning = False
        self.devices = found
        self._fill_devices(found, scanning=False)

    def _fill_devices(self, found: DeviceLists, *, scanning: bool) -> None:
        camera = self.camera_value() if self.camera_combo.count() else self.settings.camera
        microphone = (
            self.microphone_value() if self.microphone_combo.count() else self.settings.microphone
        )
        speaker = self.speaker_value() if self.speaker_combo.count() else self.settings.speaker
        for combo in (self.camera_combo, self.microphone_combo, self.speaker_combo):
            combo.blockSignals(True)
            combo.clear()
        # Item texts are set in retranslate_ui (they are translated).
        self.camera_combo.addItem("", None)
        self.camera_combo.addItem("", CAMERA_PATTERN)
        for info in found.cameras:
            self.camera_combo.addItem(info.name, info.index)
        if isinstance(camera, str) and camera != CAMERA_PATTERN:
            self.camera_combo.addItem(Path(camera).name, camera)  # a video file
        elif isinstance(camera, int) and self.camera_combo.findData(camera) < 0:
            self.camera_combo.addItem("", camera)  # chosen before, not found now
        self.microphone_combo.addItem("", None)
        for device in found.microphones:
            self.microphone_combo.addItem(device.name, device.name)
        if microphone is not None and self.microphone_combo.findData(microphone) < 0:
            self.microphone_combo.addItem("", microphone)
        self.speaker_combo.addItem("", None)
        for device in found.speakers:
            self.speaker_combo.addItem(device.name, device.name)
        if speaker is not None and self.speaker_combo.findData(speaker) < 0:
            self.speaker_combo.addItem("", speaker)
        for combo, value in (
            (self.camera_combo, camera),
            (self.microphone_combo, microphone),
            (self.speaker_combo, speaker),
        ):
            index = combo.findData(value)
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)
        self.retranslate_ui()

    def camera_value(self) -> int | str | None:
        value = self.camera_combo.currentData()
        return value if isinstance(value, (int, str)) else None

    def microphone_value(self) -> str | None:
        value = self.microphone_combo.currentData()
        return value if isinstance(value, str) else None

    def speaker_value(self) -> str | None:
        value = self.speaker_combo.currentData()
        return value if isinstance(value, str) else None

    # ------------------------------------------------------------ camera preview

    def _camera_chosen(self) -> None:
        self._start_camera()

    def _start_camera(self) -> None:
        self._stop_camera()
        value = self.camera_value()
        width, height = PREVIEW_SIZE
        if value == CAMERA_PATTERN:
            label = self.name_edit.text().strip() or "Liqaa"
            source = CameraSource(pattern=label, width=width, height=height, fps=15)
        else:
            source = CameraSource(0 if value is None else value, width=width, height=height, fps=15)
        self._camera = source
        self._last_seq = -1
        source.start()  # capture runs on the source's own thread
        self._preview_timer.start()
        self._show_preview()

    def _stop_camera(self) -> None:
        source, self._camera = self._camera, None
        self._preview_timer.stop()
        if source is not None:
            # A driver can take a while to let go: never on the GUI thread.
            _in_background(source.stop, "liqaa-camera-stop")

    def camera_state(self) -> SourceState:
        return self._camera.state if self._camera is not None else SourceState.STOPPED

    def _show_preview(self) -> None:
        source = self._camera
        if source is None:
            return
        state = source.state
        frame = source.latest()
        if state is SourceState.UNAVAILABLE:
            self.preview.show_message(self.tr("Camera unavailable"))
        elif frame is not None and frame.seq != self._last_seq:
            self._last_seq = frame.seq
            self.preview.show_frame(frame.image)
        elif frame is None:
            self.preview.show_message(self.tr("Starting the camera..."))
        self._show_camera_state()

    def _show_camera_state(self) -> None:
        state = self.camera_state()
        if state is SourceState.UNAVAILABLE:
            text = self.tr("Unavailable: no picture from this camera.")
        elif state is SourceState.LIVE:
            text = self.tr("Working")
        elif state is SourceState.STARTING:
            text = self.tr("Starting...")
        else:
            text = ""
        self.camera_status.setText(text)

    # ------------------------------------------------------------ microphone meter

    def _microphone_chosen(self) -> None:
        if self._check_kind == "microphone":
            self.sound_check.stop()  # it was recording the previous microphone
        self._start_microphone()

    def _start_microphone(self) -> None:
        self._stop_microphone()
        source = MicrophoneSource(self.microphone_value())
        self._microphone = source
        # Opening a sound device can block (drivers): on a worker thread.
        _in_background(source.start, "liqaa-microphone-start")
        self._meter_timer.start()
        self._show_level()

    def _stop_microphone(self) -> None:
        source, self._microphone = self._microphone, None
        self._meter_timer.stop()
        self.meter.set_level_db(-120.0)
        if source is not None:
            _in_background(source.stop, "liqaa-microphone-stop")

    def microphone_state(self) -> SourceState:
        return self._microphone.state if self._microphone is not None else SourceState.STOPPED

    def _show_level(self) -> None:
        source = self._microphone
        self.meter.set_level_db(source.level_dbfs if source is not None else -120.0)
        self._show_microphone_state()
        self._show_sound_check()

    # ------------------------------------------------------------ sound check

    def processing_config(self) -> ProcessingConfig:
        """The voice processing as chosen on screen (the microphone test uses it)."""
        level = self.noise_level_combo.currentData()
        return ProcessingConfig(
            echo_cancellation=self.echo_check.isChecked(),
            noise_suppression=self.noise_check.isChecked(),
            noise_suppression_level=level if isinstance(level, str) else "high",
            auto_gain=self.gain_check.isChecked(),
        )

    def _speaker_test_clicked(self) -> None:
        if self.sound_check.busy and self._check_kind == "speaker":
            self.sound_check.stop()
        else:
            self._check_kind = "speaker"
            self.sound_check.play_test_sound(self.speaker_value())
        self._show_sound_check()

    def _microphone_test_clicked(self) -> None:
        if self.sound_check.busy and self._check_kind == "microphone":
            self.sound_check.stop()
        elif self._microphone is not None:
            self._check_kind = "microphone"
            self.sound_check.record_and_play(
                self._microphone,
                self.speaker_value(),
                seconds=self.record_seconds,
                processing=self.processing_config(),
            )
        self._show_sound_check()

    def _show_sound_check(self) -> None:
        check = self.sound_check
        phase, kind = check.phase, self._check_kind
        testing_speaker = phase is not Phase.IDLE and kind == "speaker"
        testing_microphone = phase is not Phase.IDLE and kind == "microphone"
        self.speaker_test_button.setText(
            self.tr("Stop") if testing_speaker else self.tr("Test speaker")
        )
        self.microphone_test_button.setText(
            self.tr("Stop") if testing_microphone else self.tr("Test microphone")
        )
        if phase is Phase.RECORDING:
            text = self.tr("Recording... speak now.")
        elif phase is Phase.PLAYING and kind == "microphone":
            text = self.tr("Playing back your recording...")
        elif phase is Phase.PLAYING:
            text = self.tr("Playing a test sound... Can you hear it?")
        elif check.outcome is Outcome.NO_SPEAKER:
            text = self.tr("Cannot play: the speaker is unavailable.")
        elif check.outcome is Outcome.NO_MICROPHONE:
            text = self.tr("Cannot record: the microphone is unavailable.")
        elif check.outcome is Outcome.DONE and kind == "speaker":
            text = self.tr("Did you hear the sound? If not, choose another speaker.")
        elif check.outcome is Outcome.DONE:
            text = self.tr("Did you hear yourself? If not, choose another microphone or speaker.")
        else:
            text = ""
        self.sound_check_status.setText(text)

    def _show_microphone_state(self) -> None:
        state = self.microphone_state()
        if state is SourceState.UNAVAILABLE:
            text = self.tr("Unavailable: no microphone found, or it cannot be opened.")
        elif state is SourceState.LIVE:
            text = self.tr("Working: speak to see the level move.")
        else:
            text = self.tr("Starting...")
        self.microphone_status.setText(text)
        if self.devices is not None and not self.devices.speakers:
            self.speaker_status.setText(self.tr("Unavailable: no speaker found."))
        else:
            self.speaker_status.setText("")

    # ------------------------------------------------------------ language

    def _language_changed(self) -> None:
        self.digits_combo.setEnabled(self.language_combo.currentData() == "ar")

    # ------------------------------------------------------------ closing

    def accept(self) -> None:
        s = self.settings
        s.display_name = " ".join(self.name_edit.text().split())
        s.camera = self.camera_value()
        s.microphone = self.microphone_value()
        s.speaker = self.speaker_value()
        s.set_processing(self.processing_config())
        language = self.language_combo.currentData()
        digits = self.digits_combo.currentData()
        digits = digits if isinstance(digits, bool) else None
        if self.languages is not None:
            # The manager saves both into the same settings object.
            if isinstance(language, str):
                self.languages.set_language(language, remember=True)
            if digits != s.arabic_indic_digits:
                self.languages.set_arabic_indic_digits(digits)
        else:
            if isinstance(language, str):
                s.language = language
            s.arabic_indic_digits = digits
        if self._save:
            save_settings(s)
        self.release_devices()
        super().accept()
        self.applied.emit()

    def reject(self) -> None:
        self.release_devices()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.release_devices()
        super().closeEvent(event)

    def release_devices(self) -> None:
        """Stop the camera preview (its light goes out), the microphone and any sound test."""
        self.sound_check.stop()
        self._stop_camera()
        self._stop_microphone()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        self.video_box.setTitle(self.tr("Video"))
        self.audio_box.setTitle(self.tr("Audio"))
        self.general_box.setTitle(self.tr("General"))
        self.processing_box.setTitle(self.tr("Voice processing"))
        self.echo_check.setText(self.tr("Echo cancellation"))
        self.noise_check.setText(self.tr("Noise suppression"))
        self.noise_level_label.setText(self.tr("Level:"))
        level_names = {
            "low": self.tr("Low", "noise suppression level"),
            "moderate": self.tr("Moderate", "noise suppression level"),
            "high": self.tr("High", "noise suppression level"),
            "very_high": self.tr("Very high", "noise suppression level"),
        }
        for i in range(self.noise_level_combo.count()):
            self.noise_level_combo.setItemText(i, level_names[self.noise_level_combo.itemData(i)])
        self.gain_check.setText(self.tr("Adjust microphone volume automatically"))
        self.camera_label.setText(self.tr("Camera:"))
        self.microphone_label.setText(self.tr("Microphone:"))
        self.speaker_label.setText(self.tr("Speaker:"))
        self.name_label.setText(self.tr("Your name:"))
        self.language_label.setText(self.tr("Language:"))
        self.digits_label.setText(self.tr("Digits in Arabic:"))
        self.preview.setAccessibleName(self.tr("Camera preview"))
        self.camera_combo.setItemText(0, self.tr("Default camera"))
        self.camera_combo.setItemText(1, self.tr("Test pattern"))
        for i in range(2, self.camera_combo.count()):
            value = self.camera_combo.itemData(i)
            if isinstance(value, int) and not self.camera_combo.itemText(i):
                self.camera_combo.setItemText(
                    i, self.tr("Camera %1 (unavailable)").replace("%1", format_number(value))
                )
        default_mic = (
            self.tr("System default (looking for devices...)")
            if self._scanning
            else self.tr("System default")
        )
        self.microphone_combo.setItemText(0, default_mic)
        self.speaker_combo.setItemText(0, self.tr("System default"))
        for combo in (self.microphone_combo, self.speaker_combo):
            for i in range(1, combo.count()):
                if not combo.itemText(i):
                    combo.setItemText(
                        i,
                        self.tr("%1 (unavailable)").replace("%1", isolate(str(combo.itemData(i)))),
                    )
        names = language_names()
        for i in range(self.language_combo.count()):
            code = self.language_combo.itemData(i)
            self.language_combo.setItemText(i, names.get(code, code))
        digit_names = digit_mode_names()
        for i in range(self.digits_combo.count()):
            self.digits_combo.setItemText(i, digit_names[self.digits_combo.itemData(i)])
        self._show_camera_state()
        if self._microphone is not None:
            self._show_microphone_state()
        self._show_sound_check()
