"""The gallery: every participant's tile in a grid sized to the count (gallery view),
or the active speaker large under a filmstrip of the others (speaker view), or a
shared screen shown large beside a strip of tiles (in either view).

Tiles are 16:9 and as large as the area allows; a short last row is centred. The
layout mirrors itself in right-to-left layouts (the self view, which comes first,
sits at the top right in Arabic).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from enum import StrEnum

import numpy as np
from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLayout, QLayoutItem, QStyle, QWidget, QWidgetItem

from app.client.speaking import ActiveSpeaker
from app.client.state import SELF, LocalMedia, TileKey
from app.core import protocol as p
from app.core.roles import MediaKind
from app.ui.video_tile import VideoTile

__all__ = ["Gallery", "GalleryLayout", "ViewMode", "best_grid"]

ASPECT = 16 / 9
SPACING = 8
# The filmstrip over the active speaker: a fifth of the height, within these bounds.
FILMSTRIP_MIN_HEIGHT = 68
FILMSTRIP_MAX_HEIGHT = 180


class ViewMode(StrEnum):
    GALLERY = "gallery"
    SPEAKER = "speaker"


def best_grid(count: int, width: int, height: int, spacing: int = SPACING) -> tuple[int, int]:
    """(rows, columns) that make ``count`` 16:9 tiles as large as possible in the area."""
    if count <= 0:
        return (0, 0)
    best = (1, count)
    best_width = -1.0
    for columns in range(1, count + 1):
        rows = math.ceil(count / columns)
        cell_w = (width - (columns - 1) * spacing) / columns
        cell_h = (height - (rows - 1) * spacing) / rows
        tile_w = min(cell_w, cell_h * ASPECT)
        if tile_w > best_width + 0.5:
            best, best_width = (rows, columns), tile_w
    return best


def grid_cells(
    count: int, area: QRect, spacing: int = SPACING, *, centre_vertically: bool = True
) -> tuple[tuple[int, int], list[QRect]]:
    """(rows, columns) and the left-to-right cells of ``count`` equal 16:9 tiles as
    large as ``area`` allows, each row centred; the block at the top unless centred."""
    rows, columns = best_grid(count, area.width(), area.height(), spacing)
    if count <= 0:
        return (rows, columns), []
    cell_w = (area.width() - (columns - 1) * spacing) / columns
    cell_h = (area.height() - (rows - 1) * spacing) / rows
    tile_w = int(min(cell_w, cell_h * ASPECT))
    tile_h = int(tile_w / ASPECT)
    top = area.top()
    if centre_vertically:
        top += (area.height() - (rows * tile_h + (rows - 1) * spacing)) // 2
    cells: list[QRect] = []
    for row in range(rows):
        in_row = min(columns, count - row * columns)
        row_width = in_row * tile_w + (in_row - 1) * spacing
        left = area.left() + (area.width() - row_width) // 2
        y = top + row * (tile_h + spacing)
        cells.extend(QRect(left + i * (tile_w + spacing), y, tile_w, tile_h) for i in range(in_row))
    return (rows, columns), cells


def fit_16_9(area: QRect) -> QRect:
    """The largest 16:9 rectangle centred in ``area``."""
    width = int(min(area.width(), area.height() * ASPECT))
    height = int(width / ASPECT)
    rect = QRect(0, 0, width, height)
    rect.moveCenter(area.center())
    return rect


class GalleryLayout(QLayout):
    """Places its widgets on a best-fit grid of equal 16:9 cells, last row centred; or,
    with a ``featured`` widget, that one large under a filmstrip of the others."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._featured: QWidget | None = None
        self.shape = (0, 0)  # of the grid, or of the filmstrip
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(SPACING)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        if 0 <= index < len(self._items):
            return self._items.pop(index)
        return None

    def set_widgets(self, widgets: list[QWidget], featured: QWidget | None = None) -> None:
        """Replace the contents with ``widgets`` in this order; ``featured`` (one of
        them) is shown large below a filmstrip of the rest."""
        self._items = [QWidgetItem(w) for w in widgets]
        self._featured = featured if featured in widgets else None
        self.invalidate()

    def widgets(self) -> list[QWidget]:
        return [w for item in self._items if (w := item.widget()) is not None]

    @property
    def featured(self) -> QWidget | None:
        return self._featured

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal | Qt.Orientation.Vertical

    def sizeHint(self) -> QSize:
        return QSize(640, 360)

    def minimumSize(self) -> QSize:
        return QSize(120, 68)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        area = self.contentsRect()
        featured = next((i for i in self._items if i.widget() is self._featured), None)
        if featured is None:
            self.shape, cells = grid_cells(len(self._items), area, self.spacing())
            self._place(self._items, cells, area)
        else:
            self._place_speaker(featured, area)

    def _place_speaker(self, featured: QLayoutItem, area: QRect) -> None:
        """The filmstrip along the top (sized to its tiles), the featured tile below."""
        others = [item for item in self._items if item is not featured]
        spacing = self.spacing()
        band = QRect(area)
        band.setHeight(max(FILMSTRIP_MIN_HEIGHT, min(FILMSTRIP_MAX_HEIGHT, area.height() // 5)))
        self.shape, cells = grid_cells(len(others), band, spacing, centre_vertically=False)
        self._place(others, cells, area)
        stage = QRect(area)
        if cells:
            stage.setTop(cells[-1].bottom() + 1 + spacing)
        self._place([featured], [fit_16_9(stage)], area)

    def _place(self, items: list[QLayoutItem], cells: list[QRect], area: QRect) -> None:
        """Give each item its cell, mirrored in right-to-left layouts."""
        parent = self.parentWidget()
        direction = (
            parent.layoutDirection() if parent is not None else Qt.LayoutDirection.LeftToRight
        )
        for item, cell in zip(items, cells, strict=True):
            item.setGeometry(QStyle.visualRect(direction, area, cell))


class Gallery(QWidget):
    """All video tiles of the meeting, re-flowed as people come and go.

    ``clock`` (seconds, monotonic) and ``active_speaker`` can be given by tests, so
    that speaker switching is checked without waiting for real time to pass."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        active_speaker: ActiveSpeaker | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("gallery")
        self.tiles: dict[TileKey, VideoTile] = {}
        self.screen_tile: VideoTile | None = None
        self.view_mode = ViewMode.GALLERY
        self.speaker = active_speaker if active_speaker is not None else ActiveSpeaker()
        self._clock = clock
        self._keys: list[TileKey] = []  # camera tiles in display order, self view first
        self._speaking: frozenset[str] = frozenset()
        self._you = ""
        # Someone who started speaking takes over once their turn has lasted the hold.
        self._speaker_timer = QTimer(self)
        self._speaker_timer.setSingleShot(True)
        self._speaker_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._speaker_timer.timeout.connect(self.follow_speaker)
        self._strip = QWidget()
        self._strip.setObjectName("galleryTiles")
        self.grid = GalleryLayout(self._strip)
        self._root = QHBoxLayout(self)
        self._root.setContentsMargins(8, 8, 8, 8)
        self._root.setSpacing(SPACING)
        self._root.addWidget(self._strip, 1)

    # ------------------------------------------------------------ queries

    @property
    def sharing(self) -> TileKey | None:
        return None if self.screen_tile is None else self.screen_tile.key

    def ordered_tiles(self) -> list[VideoTile]:
        """Camera tiles in display order (self view first)."""
        return [w for w in self.grid.widgets() if isinstance(w, VideoTile)]

    def grid_shape(self) -> tuple[int, int]:
        """(rows, columns) of the grid, or of the filmstrip in speaker view."""
        return self.grid.shape

    def featured_tile(self) -> VideoTile | None:
        """The camera tile shown large (speaker view without a shared screen)."""
        featured = self.grid.featured
        return featured if isinstance(featured, VideoTile) else None

    # ------------------------------------------------------------ updates

    def update_view(self, view: p.MeetingView | None, local: LocalMedia, my_name: str = "") -> None:
        """Tiles for everyone in ``view`` (plus the self view), a screen tile if anyone shares."""
        participants = list(view.participants) if view is not None else []
        self._you = view.you if view is not None else ""
        me = next((x for x in participants if x.pid == self._you), None)
        keys: list[TileKey] = [TileKey(SELF)]
        info: dict[TileKey, tuple[str, bool, bool, bool]] = {
            TileKey(SELF): (
                me.name if me is not None else my_name,
                not local.mic_on,
                not local.camera_on,
                me.hand_raised if me is not None else False,
            )
        }
        for x in sorted(participants, key=lambda x: x.joined_at):
            if x.pid == self._you:
                continue
            key = TileKey(x.pid)
            keys.append(key)
            info[key] = (x.name, not x.audio_on, not x.video_on, x.hand_raised)
        for key in [k for k in self.tiles if k not in info]:
            tile = self.tiles.pop(key)
            tile.hide()
            tile.deleteLater()
        for key in keys:
            found = self.tiles.get(key)
            tile = found if found is not None else VideoTile(key, self._strip)
            self.tiles[key] = tile
            name, muted, camera_off, hand = info[key]
            tile.set_info(name, muted=muted, camera_off=camera_off, hand_raised=hand)
            tile.set_speaking(key.pid in self._speaking)
        self._keys = keys
        self._update_share(participants, local)
        self.follow_speaker()  # arranges the tiles

    def set_view_mode(self, mode: ViewMode) -> None:
        """Gallery or speaker view; a shared screen is shown large in both."""
        self.view_mode = mode
        self._arrange()

    def follow_speaker(self) -> None:
        """Bring the active speaker up to date (after the speaking set or the people
        changed, or a new speaker's hold ended) and re-arrange the tiles."""
        now = self._clock()
        remote = [key.pid for key in self._keys if key.pid != SELF]
        # A muted voice is not a speaker (the speaking set may lag behind a mute).
        speaking = {
            pid
            for pid in self._speaking
            if (tile := self.tiles.get(TileKey(pid))) is not None and not tile.muted
        }
        self.speaker.update(remote, speaking, now)
        wait = self.speaker.next_check(now)
        if wait is None:
            self._speaker_timer.stop()
        else:
            self._speaker_timer.start(max(1, math.ceil(wait * 1000)))
        self._arrange()

    def _arrange(self) -> None:
        """Hand the camera tiles to the layout when their order or the big one changed."""
        tiles = [self.tiles[key] for key in self._keys]
        featured: VideoTile | None = None
        if self.view_mode is ViewMode.SPEAKER and self.screen_tile is None:
            featured = self.tiles.get(TileKey(self.speaker.pid or SELF))
        if self.grid.widgets() != tiles or self.grid.featured is not featured:
            self.grid.set_widgets(list(tiles), featured)
            for tile in tiles:
                tile.show()

    def _update_share(self, participants: list[p.ParticipantView], local: LocalMedia) -> None:
        sharer = next((x for x in participants if x.screen_on), None)
        key: TileKey | None = None
        name = ""
        if sharer is not None:
            pid = SELF if sharer.pid == self._you else sharer.pid
            if pid != SELF or local.screen_on:
                key, name = TileKey(pid, MediaKind.SCREEN), sharer.name
        if self.screen_tile is not None and (key is None or self.screen_tile.key != key):
            self._root.removeWidget(self.screen_tile)
            self.screen_tile.hide()
            self.screen_tile.deleteLater()
            self.screen_tile = None
        if key is not None:
            if self.screen_tile is None:
                self.screen_tile = VideoTile(key, self)
                self._root.insertWidget(0, self.screen_tile, 1)
            self.screen_tile.set_info(name, muted=False, camera_off=False)
        self._place_strip()

    def _place_strip(self) -> None:
        if self.screen_tile is not None:
            width = max(160, min(320, self.width() // 4))
            self._strip.setFixedWidth(width)
        else:
            self._strip.setMinimumWidth(0)
            self._strip.setMaximumWidth(16777215)

    def set_frames(self, frames: dict[TileKey, np.ndarray]) -> None:
        for key, image in frames.items():
            tile = self._tile(key)
            if tile is not None:
                tile.set_frame(image)

    def close_tile(self, key: TileKey) -> None:
        tile = self._tile(key)
        if tile is not None:
            tile.clear_frame()

    def set_speaking(self, pids: frozenset[str]) -> None:
        self._speaking = frozenset(pids)
        for key, tile in self.tiles.items():
            tile.set_speaking(key.pid in self._speaking)
        self.follow_speaker()

    def set_self_speaking(self, speaking: bool) -> None:
        tile = self.tiles.get(TileKey(SELF))
        if tile is not None:
            tile.set_speaking(speaking)

    def _tile(self, key: TileKey) -> VideoTile | None:
        if key.kind == MediaKind.SCREEN:
            if self.screen_tile is not None and self.screen_tile.key == key:
                return self.screen_tile
            return None
        if key.pid == self._you:
            key = TileKey(SELF)
        return self.tiles.get(key)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._place_strip()
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        elif event.type() == QEvent.Type.LayoutDirectionChange:
            self.grid.invalidate()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setAccessibleName(self.tr("Video of the participants"))
