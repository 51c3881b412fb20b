"""The gallery re-flows as people come and go, shows a shared screen large beside a
strip, routes frames to the right tiles and mirrors itself right-to-left; in speaker
view it shows the active speaker large under a filmstrip of the others."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QRect, Qt
from pytestqt.qtbot import QtBot

from app.client.speaking import ActiveSpeaker
from app.client.state import SELF, LocalMedia, TileKey
from app.core.roles import MediaKind, Role
from app.ui.gallery import Gallery, ViewMode, best_grid
from app.ui.video_tile import VideoTile
from tests.ui.conftest import frame, person, view


def test_best_grid() -> None:
    assert best_grid(1, 1600, 900) == (1, 1)
    assert best_grid(2, 1600, 900) == (1, 2)
    assert best_grid(3, 1000, 700) == (2, 2)
    assert best_grid(4, 1600, 900) == (2, 2)
    assert best_grid(3, 300, 900) == (3, 1)  # a tall strip: one column
    assert best_grid(9, 1600, 900) == (3, 3)


def _gallery(qtbot: QtBot, gallery: Gallery | None = None) -> Gallery:
    gallery = gallery if gallery is not None else Gallery()
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


# ---------------------------------------------------------------- speaker view


class Clock:
    """Time the test moves on by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# Everyone's microphone is on: a muted voice never counts as the speaker.
SPEAKER_PEOPLE = [
    person("h", "Hana", Role.HOST, audio=True, video=True, joined=1),
    person("a", "Amal", audio=True, video=True, joined=2),
    person("b", "Badr", audio=True, video=True, joined=3),
    person("c", "Carim", audio=True, video=True, joined=4),
]


def _speaker_gallery(qtbot: QtBot, clock: Clock) -> Gallery:
    gallery = _gallery(qtbot, Gallery(clock=clock))
    gallery.update_view(view("h", SPEAKER_PEOPLE), LocalMedia(mic_on=True, camera_on=True))
    gallery.set_view_mode(ViewMode.SPEAKER)
    return gallery


def _featured(gallery: Gallery) -> TileKey | None:
    tile = gallery.featured_tile()
    return None if tile is None else tile.key


def _strip_tiles(gallery: Gallery) -> list[VideoTile]:
    return [t for t in gallery.ordered_tiles() if t is not gallery.featured_tile()]


def _x_order(tiles: list[VideoTile]) -> list[TileKey]:
    return [t.key for t in sorted(tiles, key=lambda t: t.geometry().center().x())]


def test_speaker_view_shows_the_speaker_large_under_a_filmstrip(qtbot: QtBot) -> None:
    gallery = _speaker_gallery(qtbot, Clock())
    qtbot.waitUntil(lambda: gallery.grid_shape() == (1, 3))  # the filmstrip: one row
    big = gallery.featured_tile()
    assert big is not None and big.key == TileKey("a")  # nobody spoke yet: the first other
    strip = _strip_tiles(gallery)
    assert [t.key for t in strip] == [TileKey(SELF), TileKey("b"), TileKey("c")]
    area = gallery.grid.contentsRect()
    for tile in strip:
        assert tile.isVisible()
        assert tile.size() == strip[0].size()
        assert big.width() > 3 * tile.width() and big.height() > 3 * tile.height()
        assert tile.geometry().bottom() < big.geometry().top()  # the strip along the top
        assert area.contains(tile.geometry())
    assert area.contains(big.geometry())
    assert abs(big.width() / big.height() - 16 / 9) < 0.05
    assert abs(big.geometry().center().x() - area.center().x()) <= 2
    assert _x_order(strip) == [TileKey(SELF), TileKey("b"), TileKey("c")]  # self view first
    before = QRect(big.geometry())
    # Right to left: the filmstrip reads from the right, the big tile stays centred.
    gallery.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    qtbot.waitUntil(lambda: _x_order(strip) == [TileKey("c"), TileKey("b"), TileKey(SELF)])
    assert strip[0].geometry().right() > area.center().x()
    assert big.geometry() == before
    # Back to the grid: all four tiles, same size.
    gallery.set_view_mode(ViewMode.GALLERY)
    qtbot.waitUntil(lambda: gallery.grid_shape() == (2, 2))
    assert gallery.featured_tile() is None
    assert len({t.size().toTuple() for t in gallery.ordered_tiles()}) == 1


def test_speaker_view_follows_the_speaker_after_a_hold(qtbot: QtBot) -> None:
    clock = Clock()
    gallery = _speaker_gallery(qtbot, clock)
    hold = gallery.speaker.hold
    gallery.set_speaking(frozenset({"c"}))
    clock.now += hold / 2
    gallery.follow_speaker()
    assert _featured(gallery) == TileKey("a")  # a cough does not switch
    gallery.set_speaking(frozenset())
    clock.now += hold
    gallery.follow_speaker()
    assert _featured(gallery) == TileKey("a")
    # Someone who speaks on takes over once the hold has passed.
    gallery.set_speaking(frozenset({"b"}))
    clock.now += hold
    gallery.follow_speaker()
    assert _featured(gallery) == TileKey("b")
    big = gallery.featured_tile()
    assert big is not None
    qtbot.waitUntil(lambda: big.width() > 3 * gallery.tiles[TileKey("a")].width())
    # ...and stays there while they pause and when nobody speaks.
    gallery.set_speaking(frozenset())
    clock.now += 10 * hold
    gallery.follow_speaker()
    assert _featured(gallery) == TileKey("b")
    # Your own voice never puts you in the big tile (the self view, or your own ID).
    gallery.set_self_speaking(True)
    gallery.set_speaking(frozenset({"h"}))
    clock.now += 10 * hold
    gallery.follow_speaker()
    assert _featured(gallery) == TileKey("b")
    # A muted participant is not the speaker, even while still listed as speaking.
    people = list(SPEAKER_PEOPLE)
    people[3] = person("c", "Carim", video=True, joined=4)
    gallery.update_view(view("h", people), LocalMedia(camera_on=True))
    gallery.set_speaking(frozenset({"c"}))
    clock.now += 10 * hold
    gallery.follow_speaker()
    assert _featured(gallery) == TileKey("b")


def test_when_the_speaker_leaves_the_first_other_participant_is_shown(qtbot: QtBot) -> None:
    clock = Clock()
    gallery = _speaker_gallery(qtbot, clock)
    gallery.set_speaking(frozenset({"c"}))
    clock.now += gallery.speaker.hold
    gallery.follow_speaker()
    assert _featured(gallery) == TileKey("c")
    gallery.set_speaking(frozenset())
    gallery.update_view(view("h", SPEAKER_PEOPLE[:3]), LocalMedia(camera_on=True))
    assert _featured(gallery) == TileKey("a")
    assert [t.key for t in _strip_tiles(gallery)] == [TileKey(SELF), TileKey("b")]
    # Alone: yourself, as large as the area allows.
    gallery.update_view(view("h", SPEAKER_PEOPLE[:1]), LocalMedia(camera_on=True))
    assert _featured(gallery) == TileKey(SELF)
    me = gallery.tiles[TileKey(SELF)]
    qtbot.waitUntil(lambda: me.width() > gallery.width() // 2)


def test_the_switch_comes_on_its_own_when_the_hold_ends(qtbot: QtBot) -> None:
    # A real clock and timer, with a short hold.
    gallery = _gallery(qtbot, Gallery(active_speaker=ActiveSpeaker(hold=0.05)))
    gallery.update_view(view("h", SPEAKER_PEOPLE), LocalMedia())
    gallery.set_view_mode(ViewMode.SPEAKER)
    assert _featured(gallery) == TileKey("a")
    gallery.set_speaking(frozenset({"c"}))
    assert _featured(gallery) == TileKey("a")
    qtbot.waitUntil(lambda: _featured(gallery) == TileKey("c"), timeout=2000)


def test_switching_views_keeps_every_tile_and_its_frame(qtbot: QtBot) -> None:
    gallery = _speaker_gallery(qtbot, Clock())
    gallery.set_view_mode(ViewMode.GALLERY)
    colours = {
        TileKey(SELF): (0, 0, 200),
        TileKey("a"): (200, 0, 0),
        TileKey("b"): (0, 200, 0),
        TileKey("c"): (200, 200, 0),
    }
    gallery.set_frames({key: frame(rgb) for key, rgb in colours.items()})
    tiles = dict(gallery.tiles)
    qtbot.waitUntil(lambda: all(t.frames_painted for t in tiles.values()))
    for mode, shape in (
        (ViewMode.SPEAKER, (1, 3)),
        (ViewMode.GALLERY, (2, 2)),
        (ViewMode.SPEAKER, (1, 3)),
    ):
        gallery.set_view_mode(mode)
        qtbot.waitUntil(lambda shape=shape: gallery.grid_shape() == shape)
        assert gallery.tiles == tiles  # the same widgets: nothing re-created
        assert all(t.has_frame and t.isVisible() for t in tiles.values())
    # New frames keep reaching every tile, the big one too.
    painted = {key: tile.frames_painted for key, tile in tiles.items()}
    gallery.set_frames({key: frame(rgb) for key, rgb in colours.items()})
    qtbot.waitUntil(lambda: all(t.frames_painted > painted[k] for k, t in tiles.items()))
    image = gallery.grab().toImage()
    big = gallery.featured_tile()
    assert big is not None
    centre = big.mapTo(gallery, big.rect().center())
    assert image.pixelColor(centre).name() == "#ffffff"  # the frame's white middle


def test_a_shared_screen_takes_precedence_in_speaker_view(qtbot: QtBot) -> None:
    gallery = _speaker_gallery(qtbot, Clock())
    people = list(SPEAKER_PEOPLE)
    people[2] = person("b", "Badr", audio=True, video=True, screen=True, joined=3)
    gallery.update_view(view("h", people), LocalMedia(camera_on=True))
    screen = gallery.screen_tile
    assert screen is not None and gallery.featured_tile() is None
    qtbot.waitUntil(lambda: gallery.grid_shape() == (4, 1))  # every camera in the strip
    assert screen.width() > 2 * gallery.ordered_tiles()[0].parentWidget().width()
    # The share ends: back to speaker view, which the gallery remembered.
    gallery.update_view(view("h", SPEAKER_PEOPLE), LocalMedia(camera_on=True))
    assert gallery.view_mode is ViewMode.SPEAKER
    assert _featured(gallery) == TileKey("a")
    qtbot.waitUntil(lambda: gallery.grid_shape() == (1, 3))


def test_speaker_view_keeps_a_long_filmstrip_inside_the_window(qtbot: QtBot) -> None:
    gallery = _gallery(qtbot, Gallery(clock=Clock()))
    people = [person(f"p{i}", f"Guest {i}", joined=i) for i in range(12)]
    gallery.update_view(view("p0", people), LocalMedia())
    gallery.set_view_mode(ViewMode.SPEAKER)
    big = gallery.featured_tile()
    assert big is not None and big.key == TileKey("p1")
    qtbot.waitUntil(lambda: gallery.grid_shape() == (1, 11))  # tiles narrower, one row
    area = gallery.grid.contentsRect()
    assert all(area.contains(t.geometry()) for t in gallery.ordered_tiles())
    strip = _strip_tiles(gallery)
    assert len(strip) == 11
    assert max(t.geometry().bottom() for t in strip) < big.geometry().top()
    assert big.height() > area.height() // 2
    for left, right in itertools.pairwise(strip):
        assert not left.geometry().intersects(right.geometry())
