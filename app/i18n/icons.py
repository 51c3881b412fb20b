"""Icons whose direction follows the layout (back/forward arrows, "send", panels).

Icons live in ``resources/icons/<name>.svg`` (or ``.png``). An icon that points somewhere
gets a mirrored twin ``<name>-rtl.svg``, used when the layout is right-to-left. Media
controls (play, record, the timeline, ...) are never mirrored, following the platform
conventions: name them ``media-*`` (never given an ``-rtl`` variant) or pass
``mirror=False``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QIcon

from app.resources import resource_path

__all__ = ["ICON_SUFFIXES", "NEVER_MIRRORED_PREFIX", "directional_icon", "icon_path"]

ICON_SUFFIXES: Final = (".svg", ".png")
NEVER_MIRRORED_PREFIX: Final = "media-"
RTL_SUFFIX: Final = "-rtl"


def _find(directory: Path, stem: str) -> Path | None:
    for suffix in ICON_SUFFIXES:
        candidate = directory / (stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def icon_path(
    name: str,
    direction: Qt.LayoutDirection | None = None,
    *,
    mirror: bool = True,
    directory: Path | None = None,
) -> Path:
    """The file for icon ``name``: its ``-rtl`` variant when the layout is right-to-left
    and that file exists, else the plain one.

    ``direction`` defaults to the application's layout direction. The returned path may
    not exist if the icon itself is missing (QIcon then gives a null icon).
    """
    directory = resource_path("resources", "icons") if directory is None else directory
    if direction is None:
        direction = QGuiApplication.layoutDirection()
    if (
        mirror
        and direction == Qt.LayoutDirection.RightToLeft
        and not name.startswith(NEVER_MIRRORED_PREFIX)
    ):
        rtl = _find(directory, name + RTL_SUFFIX)
        if rtl is not None:
            return rtl
    return _find(directory, name) or directory / (name + ICON_SUFFIXES[0])


def directional_icon(
    name: str, direction: Qt.LayoutDirection | None = None, *, mirror: bool = True
) -> QIcon:
    """``QIcon`` of :func:`icon_path`; call again from ``retranslate_ui`` after a switch."""
    return QIcon(str(icon_path(name, direction, mirror=mirror)))
