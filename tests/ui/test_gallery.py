"""The gallery re-flows as people come and go, shows a shared screen large beside a
strip, routes frames to the right tiles and mirrors itself right-to-left."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.client.state import SELF, LocalMedia, TileKey
from app.core.roles import MediaKind, Role
from app.ui.gallery import Gallery, best_grid
from tests.ui.conftest import frame, person, view


def test_best_grid() -> None:
    assert best_grid(1, 1600, 900) == (1, 1)
    assert best_grid(2, 1600, 900) == (1, 2)
    assert best_grid(3, 1000, 700) == (2, 2)
    assert best_grid(4, 1600, 900) == (2, 2)
    assert best_grid(3, 300, 900) == (3, 1)  # a tall strip: one column
    assert best_grid(9, 1600, 900) == (3, 3)


def _gallery(qtbot: QtBot) -> Gallery:
    gallery = Gallery()
    qtbot.addWidget(gallery)
    gallery.resize(1280, 640)
    gallery.show()
    qtbot.waitExposed(gallery)
    return gallery


def _x(gallery: Gallery, key: TileKey) -> int:
    return gallery.tiles[key].geometry().center().x()


def test_tiles_reflow_as_people_come_and_go(qtbot: QtBot) -> None:
    gallery = _gallery(qtbot)
    host = person("h", "Hana", Role.HOST, joined=1)
    amal = person("a", "Amal", video=True, joined=2)
    badr = person("b", "Badr", audio=True, joined=3)
    gallery.update_view(view("h", [host]), LocalMedia())
    qtbot.waitUntil(lambda: gallery.grid_shape() == (1, 1))
    assert list(gallery.tiles) == [TileKey(SELF)]

    gallery.update_view(view("h", [host, amal, badr]), LocalMedia(camera_on=True))
    qtbot.waitUntil(lambda: gallery.grid_shape() == (2, 2))
    assert [t.key for t in gallery.ordered_tiles()] == [TileKey(SELF), TileKey("a"), TileKey("b")]
    tiles = [t.geometry() for t in gallery.ordered_tiles()]
    assert tiles[0].width() == tiles[1].width() == tiles[2].width()
    assert abs(tiles[0].width() / tiles[0].height() - 16 / 9) < 0.05
    # The short last row is centred under the first.
    middle = (tiles[0].left() + tiles[1].right()) / 2
    assert abs(tiles[2].center().x() - middle) <= 2
    assert gallery.tiles[TileKey("a")].muted and not gallery.tiles[TileKey("b")].muted

    gallery.update_view(view("h", [host, badr]), LocalMedia())
    qtbot.waitUntil(lambda: gallery.grid_shape() == (1, 2))
    assert TileKey("a") not in gallery.tiles


def test_frames_go_to_their_tiles_and_closed_tiles_clear(qtbot: QtBot) -> None:
    gallery = _gallery(qtbot)
    people = [person("h", "Hana", Role.HOST, video=True), person("a", "Amal", video=True)]
    gallery.update_view(view("h", people), LocalMedia(camera_on=True))
    gallery.set_frames(
        {
            TileKey(SELF): frame((0, 0, 200)),
            TileKey("a"): frame((200, 0, 0)),
            TileKey("gone"): frame((0, 200, 0)),  # no such tile: ignored
        }
    )
    assert gallery.tiles[TileKey(SELF)].has_frame and gallery.tiles[TileKey("a")].has_frame
    qtbot.waitUntil(lambda: all(t.frames_painted for t in gallery.tiles.values()))
    gallery.close_tile(TileKey("a"))
    assert not gallery.tiles[TileKey("a")].has_frame
    gallery.set_speaking(frozenset({"a"}))
    assert gallery.tiles[TileKey("a")].speaking and not gallery.tiles[TileKey(SELF)].speaking


def test_shared_screen_is_large_beside_a_strip(qtbot: QtBot) -> None:
    gallery = _gallery(qtbot)
    people = [
        person("h", "Hana", Role.HOST, joined=1),
        person("a", "Amal", screen=True, joined=2),
        person("b", "Badr", joined=3),
    ]
    gallery.update_view(view("h", people), LocalMedia())
    assert gallery.sharing == TileKey("a", MediaKind.SCREEN)
    screen = gallery.screen_tile
    assert screen is not None
    gallery.set_frames({TileKey("a", MediaKind.SCREEN): frame((90, 90, 90), 1280, 720)})
    qtbot.waitUntil(lambda: screen.frames_painted > 0)
    qtbot.waitUntil(lambda: gallery.grid_shape() == (3, 1))  # a vertical strip
    strip = gallery.ordered_tiles()[0].parentWidget()
    assert screen.width() > 2 * strip.width()
    assert screen.geometry().center().x() < strip.geometry().center().x()
    # Sharing stops: back to the grid.
    people[1] = person("a", "Amal", joined=2)
    gallery.update_view(view("h", people), LocalMedia())
    assert gallery.sharing is None
    qtbot.waitUntil(lambda: gallery.grid_shape() == (2, 2))


def test_gallery_mirrors_in_right_to_left(qtbot: QtBot) -> None:
    gallery = _gallery(qtbot)
    people = [person("h", "Hana", Role.HOST, joined=1), person("a", "Amal", joined=2)]
    gallery.update_view(view("h", people), LocalMedia())
    qtbot.waitUntil(lambda: gallery.grid_shape() == (1, 2))
    assert _x(gallery, TileKey(SELF)) < _x(gallery, TileKey("a"))
    gallery.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    qtbot.waitUntil(lambda: _x(gallery, TileKey(SELF)) > _x(gallery, TileKey("a")))
