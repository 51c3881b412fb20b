"""Fixtures for the language tests: offscreen Qt, a private config dir, and a
LanguageManager that puts the application back as it found it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication

from app.i18n import LanguageManager
from app.settings import CONFIG_DIR_ENV, Settings

# Before pytest-qt creates the QApplication (it does so lazily, in the qapp fixture).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the real ~/.config/Liqaa."""
    directory = tmp_path / "config"
    monkeypatch.setenv(CONFIG_DIR_ENV, str(directory))
    return directory


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def languages(qapp: QApplication, settings: Settings) -> Iterator[LanguageManager]:
    """A started manager on an English (en_US) system, undone after the test."""
    manager = LanguageManager(settings, system_locale=QLocale("en_US"))
    manager.start()
    qapp.processEvents()
    yield manager
    manager.uninstall()
    qapp.processEvents()
