"""The meeting window's line icons (``resources/icons/ui/*.svg``).

Only icons that point somewhere (send, leave) have an ``-rtl`` twin; media controls
(microphone, camera, screen) are never mirrored. Call :func:`ui_icon` again from
``retranslate_ui()`` for directional icons so a language switch picks the right one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QIcon

from app.i18n import icon_path
from app.resources import resource_path

__all__ = ["UI_ICON_NAMES", "ui_icon", "ui_icon_path"]

#: Every icon the meeting window uses (the tests check each file exists and renders).
UI_ICON_NAMES: Final = (
    "camera",
    "camera-off",
    "chat",
    "close",
    "hand",
    "leave",
    "lock",
    "mic",
    "mic-off",
    "more",
    "participants",
    "send",
    "share-screen",
    "shield",
    "view-gallery",
    "view-speaker",
    "waiting-room",
    "warning",
)

_cache: dict[tuple[str, Qt.LayoutDirection], QIcon] = {}


def _directory() -> Path:
    return resource_path("resources", "icons", "ui")


def ui_icon_path(name: str, direction: Qt.LayoutDirection | None = None) -> Path:
    """The SVG for ``name``: its ``-rtl`` variant in right-to-left layouts when one exists."""
    return icon_path(name, direction, directory=_directory())


def ui_icon(name: str, direction: Qt.LayoutDirection | None = None) -> QIcon:
    if direction is None:
        direction = QGuiApplication.layoutDirection()
    key = (name, direction)
    icon = _cache.get(key)
    if icon is None:
        icon = _cache[key] = QIcon(str(ui_icon_path(name, direction)))
    return icon
