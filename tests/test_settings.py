"""Settings: JSON round-trip, damaged files, atomic writes, LIQAA_CONFIG_DIR."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from app.media.processing import ProcessingConfig
from app.settings import (
    CONFIG_DIR_ENV,
    Settings,
    config_dir,
    load_settings,
    save_settings,
    settings_file,
)


@pytest.fixture(autouse=True)
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "config"
    monkeypatch.setenv(CONFIG_DIR_ENV, str(directory))
    return directory


def test_config_dir_override(config: Path) -> None:
    assert config_dir() == config
    assert settings_file() == config / "settings.json"


def test_config_dir_default_is_platform_user_config(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv(CONFIG_DIR_ENV)
    assert config_dir() == Path(platformdirs.user_config_dir("Liqaa", appauthor=False))
    assert config_dir().name == "Liqaa"


def test_defaults_when_no_file() -> None:
    loaded = load_settings()
    assert loaded == Settings()
    assert loaded.language is None
    assert loaded.arabic_indic_digits is None
    assert not settings_file().exists()  # reading creates nothing


def test_round_trip(config: Path) -> None:
    original = Settings(
        language="ar",
        arabic_indic_digits=False,
        display_name="سارة Sara",
        camera=2,
        microphone="Built-in Audio Analog Stereo",
        speaker="HDMI / DisplayPort",
        last_server_address="meet.example.org:8443",
        echo_cancellation=False,
        noise_suppression=True,
        noise_suppression_level="very_high",
        auto_gain=False,
    )
    assert save_settings(original) is True
    assert load_settings() == original
    data = json.loads((config / "settings.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["display_name"] == "سارة Sara"  # stored readable, not \\u-escaped
    assert "سارة" in (config / "settings.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("camera", [0, "pattern", "/home/me/clip.mp4", None])
def test_camera_values(camera: int | str | None) -> None:
    save_settings(Settings(camera=camera))
    assert load_settings().camera == camera


def test_explicit_path(tmp_path: Path) -> None:
    path = tmp_path / "other" / "s.json"
    assert save_settings(Settings(display_name="Ali"), path)
    assert load_settings(path).display_name == "Ali"
    assert load_settings() == Settings()


@pytest.mark.parametrize(
    "content",
    ["{not json", "", "[1, 2, 3]", '"just a string"', "\x00\x01garbage"],
)
def test_corrupted_file_gives_defaults_and_warning(
    config: Path, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    config.mkdir(parents=True)
    (config / "settings.json").write_text(content, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="app.settings"):
        assert load_settings() == Settings()
    assert any("using defaults" in r.getMessage() for r in caplog.records)


def test_undecodable_file_gives_defaults(config: Path, caplog: pytest.LogCaptureFixture) -> None:
    config.mkdir(parents=True)
    (config / "settings.json").write_bytes(b'{"display_name": "\xff\xfe"}')
    with caplog.at_level(logging.WARNING, logger="app.settings"):
        assert load_settings() == Settings()
    assert caplog.records


def test_unreadable_file_gives_defaults(config: Path, caplog: pytest.LogCaptureFixture) -> None:
    (config / "settings.json").mkdir(parents=True)  # a directory where the file should be
    with caplog.at_level(logging.WARNING, logger="app.settings"):
        assert load_settings() == Settings()
    assert any("cannot read" in r.getMessage() for r in caplog.records)


def test_unknown_keys_ignored_and_bad_values_replaced(
    config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config.mkdir(parents=True)
    (config / "settings.json").write_text(
        json.dumps(
            {
                "version": 7,
                "future_option": {"x": 1},
                "language": "fr",  # not a UI language
                "arabic_indic_digits": "yes",  # not a bool
                "camera": True,  # bool is not a device index
                "microphone": 5,
                "display_name": "Omar",
                "speaker": None,
                "last_server_address": "10.0.0.5:8443",
                "echo_cancellation": "off",  # not a bool
                "noise_suppression_level": "extreme",  # not a level
                "auto_gain": False,
            }
        ),
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="app.settings"):
        loaded = load_settings()
    assert loaded == Settings(
        display_name="Omar", last_server_address="10.0.0.5:8443", auto_gain=False
    )
    warned = " ".join(r.getMessage() for r in caplog.records)
    fields = ("language", "arabic_indic_digits", "camera", "microphone", "echo_cancellation")
    for field in (*fields, "noise_suppression_level"):
        assert field in warned
    assert "future_option" not in warned


def test_negative_camera_index_rejected(config: Path) -> None:
    config.mkdir(parents=True)
    (config / "settings.json").write_text('{"camera": -1}', encoding="utf-8")
    assert load_settings().camera is None


def test_save_is_atomic(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert save_settings(Settings(display_name="first"))

    def failing_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", failing_replace)
        assert save_settings(Settings(display_name="second")) is False
    assert load_settings().display_name == "first"  # old file intact
    assert sorted(os.listdir(config)) == ["settings.json"]  # no temp file left behind


def test_save_into_unwritable_place_returns_false(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with caplog.at_level(logging.WARNING, logger="app.settings"):
        assert save_settings(Settings(), blocker / "settings.json") is False
    assert any("cannot save" in r.getMessage() for r in caplog.records)


def test_overwrite_keeps_single_file(config: Path) -> None:
    for name in ("a", "b", "c"):
        assert save_settings(Settings(display_name=name))
    assert load_settings().display_name == "c"
    assert os.listdir(config) == ["settings.json"]


def test_processing_defaults_agree_and_round_trip() -> None:
    # The settings file's defaults and the processor's are the same choice.
    assert Settings().processing() == ProcessingConfig()
    settings = Settings()
    chosen = ProcessingConfig(echo_cancellation=False, noise_suppression_level="moderate")
    settings.set_processing(chosen)
    assert settings.processing() == chosen
    assert settings.noise_suppression_level == "moderate" and not settings.echo_cancellation
