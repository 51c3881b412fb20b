"""Video tiles: frames scaled with their aspect ratio, initials when the camera is
off, the speaking border, and a name plate that follows the layout direction."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from app.client.state import SELF, TileKey
from app.core.roles import MediaKind
from app.ui.video_tile import SPEAKING, VideoTile, initials
from tests.ui.conftest import frame


def _shown(qtbot: QtBot, tile: VideoTile, width: int = 400, height: int = 300) -> None:
    qtbot.addWidget(tile)
    tile.resize(width, height)
    tile.show()
    qtbot.waitExposed(tile)


def _pixel(image: QImage, x: int, y: int) -> tuple[int, int, int]:
    colour = QColor(image.pixel(x, y))
    return colour.red(), colour.green(), colour.blue()


def _close(a: tuple[int, int, int], b: tuple[int, int, int], tol: int = 12) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def test_initials() -> None:
    assert initials("Amal Haddad") == "AH"
    assert initials("badr") == "B"
    assert initials("سارة أحمد") == "سأ"
    assert initials("سارة Sara") == "س"  # never one letter of each script
    assert initials("  ") == "?"


def test_frame_is_scaled_with_its_aspect_ratio(qtbot: QtBot) -> None:
    tile = VideoTile(TileKey("p1"))
    _shown(qtbot, tile, 400, 300)
    tile.set_info("Amal", muted=False, camera_off=False)
    red = (200, 30, 30)
    image = frame(red, 320, 120)  # very wide: letterboxed top and bottom
    image[:, :] = red
    tile.set_frame(image)
    qtbot.waitUntil(lambda: tile.frames_painted >= 1)
    shot = tile.grab().toImage()
    assert _close(_pixel(shot, 200, 150), red)  # the middle is video
    assert _close(_pixel(shot, 200, 10), (0x2B, 0x2C, 0x2F))  # the band above is not
    # 320x120 into 400x300 keeps 8:3 -> 400x150, centred: rows 75..225.
    assert _close(_pixel(shot, 200, 80), red)
    assert not _close(_pixel(shot, 200, 70), red)


def test_camera_off_shows_initials_and_drops_frames(qtbot: QtBot) -> None:
    tile = VideoTile(TileKey("p1"))
    _shown(qtbot, tile)
    tile.set_info("Amal Haddad", muted=True, camera_off=False)
    tile.set_frame(frame((0, 200, 0)))
    assert tile.has_frame
    tile.set_info("Amal Haddad", muted=True, camera_off=True)
    assert not tile.has_frame
    tile.set_frame(frame((0, 200, 0)))  # a late frame after the camera went off
    assert not tile.has_frame
    assert "muted" in tile.toolTip()
    shot = tile.grab().toImage()
    assert not _close(_pixel(shot, 200, 150), (0x2B, 0x2C, 0x2F))  # the avatar circle


def test_speaking_border_and_captions(qtbot: QtBot) -> None:
    tile = VideoTile(TileKey(SELF))
    _shown(qtbot, tile)
    tile.set_info("Hana", muted=False, camera_off=True)
    assert tile.caption.endswith("(you)") and "Hana" in tile.caption
    tile.set_speaking(True)
    shot = tile.grab().toImage()
    edge = _pixel(shot, 200, 1)
    assert _close(edge, (SPEAKING.red(), SPEAKING.green(), SPEAKING.blue()), 40)
    screen = VideoTile(TileKey("p2", MediaKind.SCREEN))
    screen.set_info("Badr", muted=True, camera_off=False)
    assert "Badr" in screen.caption and "screen" in screen.caption
    screen.deleteLater()


def test_name_plate_moves_to_the_right_in_rtl(qtbot: QtBot) -> None:
    tile = VideoTile(TileKey("p1"))
    _shown(qtbot, tile, 400, 240)
    tile.set_info("Amal", muted=True, camera_off=True)

    def plate_side() -> str:
        shot = tile.grab().toImage()
        y = 240 - 8 - 10
        left = _pixel(shot, 14, y)
        right = _pixel(shot, 400 - 14, y)
        background = (0x2B, 0x2C, 0x2F)
        if not _close(left, background, 6) and _close(right, background, 6):
            return "left"
        if _close(left, background, 6) and not _close(right, background, 6):
            return "right"
        return "?"

    assert plate_side() == "left"
    tile.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    assert plate_side() == "right"
