"""Bidi isolation of user text, directional icons, and locating bundled files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app import resources
from app.i18n import LanguageManager, icon_path, isolate, isolate_ltr, strip_bidi_controls
from app.i18n.bidi import FSI, LRI, PDI
from app.i18n.icons import directional_icon

RTL = Qt.LayoutDirection.RightToLeft
LTR = Qt.LayoutDirection.LeftToRight


def test_isolate_wraps_user_text() -> None:
    assert isolate("سارة") == FSI + "سارة" + PDI
    assert isolate_ltr("10.0.0.1:8443") == LRI + "10.0.0.1:8443" + PDI
    sentence = "%1 انضم إلى الاجتماع".replace("%1", isolate("Sara (سارة)"))
    assert sentence == "\u2068Sara (سارة)\u2069 انضم إلى الاجتماع"


def test_isolate_strips_spoofing_controls() -> None:
    # RLO would reverse everything after the name; a stray PDI would close our isolate.
    hostile = "admin\u202egnp.exe\u2069\u2066x"
    assert strip_bidi_controls(hostile) == "admingnp.exex"
    assert isolate(hostile) == FSI + "admingnp.exex" + PDI
    assert isolate("a\u200fb") == FSI + "a\u200fb" + PDI  # RLM is kept: harmless


@pytest.fixture
def icons(tmp_path: Path) -> Path:
    for name in ("go-back", "go-back-rtl", "send", "media-play", "media-play-rtl"):
        (tmp_path / f"{name}.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "settings.png").write_bytes(b"")
    return tmp_path


def test_icon_path_uses_rtl_variant_only_when_rtl_and_present(icons: Path) -> None:
    assert icon_path("go-back", RTL, directory=icons) == icons / "go-back-rtl.svg"
    assert icon_path("go-back", LTR, directory=icons) == icons / "go-back.svg"
    assert icon_path("send", RTL, directory=icons) == icons / "send.svg"  # no -rtl file
    assert icon_path("settings", RTL, directory=icons) == icons / "settings.png"
    assert icon_path("missing", RTL, directory=icons) == icons / "missing.svg"


def test_media_icons_are_never_mirrored(icons: Path) -> None:
    assert icon_path("media-play", RTL, directory=icons) == icons / "media-play.svg"
    assert icon_path("go-back", RTL, mirror=False, directory=icons) == icons / "go-back.svg"


def test_icon_follows_application_direction(
    qapp: QApplication, languages: LanguageManager, icons: Path
) -> None:
    assert icon_path("go-back", directory=icons).name == "go-back.svg"
    languages.set_language("ar")
    assert icon_path("go-back", directory=icons).name == "go-back-rtl.svg"
    # The default icon directory is resources/icons; a missing icon gives a null QIcon.
    assert directional_icon("no-such-icon").isNull()


def test_resource_path_from_source_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(resources.DATA_DIR_ENV, raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    root = Path(__file__).resolve().parents[2]
    assert resources.data_root() == root
    assert resources.resource_path("translations", "liqaa_ar.qm").is_file()
    assert resources.resource_path("resources", "fonts", "NotoSansArabic-Regular.ttf").is_file()
    assert resources.resource_path("resources", "fonts", "OFL.txt").is_file()


def test_resource_path_inside_pyinstaller_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(resources.DATA_DIR_ENV, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resource_path("translations", "liqaa_ar.qm") == (
        tmp_path / "translations" / "liqaa_ar.qm"
    )


def test_resource_path_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", "/elsewhere", raising=False)
    monkeypatch.setenv(resources.DATA_DIR_ENV, str(tmp_path))
    assert resources.resource_path("resources") == tmp_path / "resources"
