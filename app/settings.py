"""User settings: one typed object stored as JSON in the user's config directory.

The file is ``settings.json`` under platformdirs' user config dir for the app name
"Liqaa" (``~/.config/Liqaa`` on Linux), or under ``$LIQAA_CONFIG_DIR`` when that is set
(tests use it).

Reading never fails: a missing file gives the defaults; an unreadable or corrupted file
gives the defaults plus a logged warning; a value of the wrong type or out of range falls
back to that field's default (with a warning) and keeps the other fields; unknown keys are
ignored. Writing is atomic (a temporary file in the same directory, then ``os.replace``),
so a crash while saving never leaves a half-written file.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Final

import platformdirs

from app.media.processing import NOISE_SUPPRESSION_LEVELS, ProcessingConfig

__all__ = [
    "APP_NAME",
    "CAMERA_PATTERN",
    "CONFIG_DIR_ENV",
    "LANGUAGES",
    "SETTINGS_VERSION",
    "Settings",
    "config_dir",
    "load_settings",
    "save_settings",
    "settings_file",
]

log = logging.getLogger(__name__)

APP_NAME: Final = "Liqaa"
#: Environment variable that replaces the platform config directory (used by tests).
CONFIG_DIR_ENV: Final = "LIQAA_CONFIG_DIR"
SETTINGS_FILE_NAME: Final = "settings.json"
SETTINGS_VERSION: Final = 1
#: UI languages Liqaa ships; ``Settings.language`` is one of these or ``None``.
LANGUAGES: Final = ("ar", "en")
#: The value of ``Settings.camera`` that selects the generated test pattern.
CAMERA_PATTERN: Final = "pattern"


@dataclass
class Settings:
    """Everything Liqaa remembers between runs. Every field has a safe default."""

    #: "ar" or "en"; ``None`` until the user has chosen (then the system locale decides).
    language: str | None = None
    #: Arabic UI only: True = Arabic-Indic digits (١٢٣), False = Latin digits (123),
    #: None = follow the system locale (see ``app.i18n.locale_for``).
    arabic_indic_digits: bool | None = None
    #: The name shown to other participants; "" = not set yet.
    display_name: str = ""
    #: A camera device index (0, 1, ...), a video file path, "pattern" for the generated
    #: test pattern, or ``None`` for the system default camera.
    camera: int | str | None = None
    #: Microphone device name; ``None`` = system default.
    microphone: str | None = None
    #: Speaker device name; ``None`` = system default.
    speaker: str | None = None
    #: The last server address the user joined or hosted on (host:port); "" = none.
    last_server_address: str = ""
    #: Microphone processing (``app.media.processing``): all on by default, as in
    #: every meeting app; a studio microphone or headphones may want them off.
    echo_cancellation: bool = True
    noise_suppression: bool = True
    #: One of ``NOISE_SUPPRESSION_LEVELS``.
    noise_suppression_level: str = "high"
    auto_gain: bool = True

    def processing(self) -> ProcessingConfig:
        """The microphone processing these settings choose."""
        return ProcessingConfig(
            echo_cancellation=self.echo_cancellation,
            noise_suppression=self.noise_suppression,
            noise_suppression_level=self.noise_suppression_level,
            auto_gain=self.auto_gain,
        )

    def set_processing(self, config: ProcessingConfig) -> None:
        self.echo_cancellation = config.echo_cancellation
        self.noise_suppression = config.noise_suppression
        self.noise_suppression_level = config.noise_suppression_level
        self.auto_gain = config.auto_gain

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"version": SETTINGS_VERSION}
        data.update(asdict(self))
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Build settings from decoded JSON, keeping every valid field.

        Unknown keys are ignored; a field with an invalid value gets its default and a
        logged warning.
        """
        defaults = cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            if _VALIDATORS[f.name](value):
                values[f.name] = value
            else:
                log.warning(
                    "settings: ignoring invalid %s=%r, using %r",
                    f.name,
                    value,
                    getattr(defaults, f.name),
                )
        return cls(**values)


def _is_optional_str(value: object) -> bool:
    return value is None or isinstance(value, str)


def _is_camera(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, bool):  # bool is an int subclass: not a device index
        return False
    if isinstance(value, int):
        return value >= 0
    return isinstance(value, str) and value != ""


def _is_language(value: object) -> bool:
    return value is None or value in LANGUAGES


def _is_optional_bool(value: object) -> bool:
    return value is None or isinstance(value, bool)


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_bool(value: object) -> bool:
    return isinstance(value, bool)


def _is_noise_level(value: object) -> bool:
    return value in NOISE_SUPPRESSION_LEVELS


_VALIDATORS: Final[dict[str, Callable[[object], bool]]] = {
    "language": _is_language,
    "arabic_indic_digits": _is_optional_bool,
    "display_name": _is_str,
    "camera": _is_camera,
    "microphone": _is_optional_str,
    "speaker": _is_optional_str,
    "last_server_address": _is_str,
    "echo_cancellation": _is_bool,
    "noise_suppression": _is_bool,
    "noise_suppression_level": _is_noise_level,
    "auto_gain": _is_bool,
}


def config_dir() -> Path:
    """The directory for Liqaa's settings (``$LIQAA_CONFIG_DIR`` if set)."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def settings_file() -> Path:
    return config_dir() / SETTINGS_FILE_NAME


def load_settings(path: Path | None = None) -> Settings:
    """Read settings; never raises. Missing, unreadable or corrupted -> defaults."""
    path = settings_file() if path is None else path
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("settings: cannot read %s (%s); using defaults", path, exc)
        return Settings()
    try:
        data = json.loads(text)
    except ValueError as exc:
        log.warning("settings: %s is corrupted (%s); using defaults", path, exc)
        return Settings()
    if not isinstance(data, dict):
        log.warning("settings: %s does not hold a JSON object; using defaults", path)
        return Settings()
    return Settings.from_dict(data)


def save_settings(settings: Settings, path: Path | None = None) -> bool:
    """Write settings atomically. Returns False (and logs) if the file cannot be written."""
    path = settings_file() if path is None else path
    text = json.dumps(settings.to_dict(), ensure_ascii=False, indent=2) + "\n"
    tmp_name: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as tmp:
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        log.warning("settings: cannot save %s (%s)", path, exc)
        return False
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
    return True
