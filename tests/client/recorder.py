"""A SessionListener that records everything, for tests without Qt."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np

from app.client.state import LocalMedia, Status, TileKey
from app.core import protocol as p
from app.core.errors import Code
from tests.waiting import wait_until


class Recorder:
    def __init__(self, name: str) -> None:
        self.name = name
        self.statuses: list[tuple[Status, Code | None]] = []
        self.view: p.MeetingView | None = None
        self.local = LocalMedia()
        self.notices: list[p.Notice] = []
        self.chats: list[p.ChatMessage] = []
        self.errors: list[tuple[Code, str]] = []
        self.frames: dict[TileKey, int] = defaultdict(int)
        self.last_image: dict[TileKey, np.ndarray] = {}
        self.closed_tiles: list[TileKey] = []
        self.speaking: frozenset[str] = frozenset()
        self.changed = asyncio.Event()

    def _touch(self) -> None:
        self.changed.set()

    def status_changed(self, status: Status, code: Code | None) -> None:
        self.statuses.append((status, code))
        self._touch()

    def meeting_changed(self, view: p.MeetingView) -> None:
        self.view = view
        self._touch()

    def local_media_changed(self, media: LocalMedia) -> None:
        self.local = media
        self._touch()

    def notice(self, notice: p.Notice) -> None:
        self.notices.append(notice)
        self._touch()

    def chat(self, message: p.ChatMessage) -> None:
        self.chats.append(message)
        self._touch()

    def error(self, code: Code, detail: str) -> None:
        self.errors.append((code, detail))
        self._touch()

    def frame(self, tile: TileKey, image: np.ndarray) -> None:
        self.frames[tile] += 1
        self.last_image[tile] = image
        self._touch()

    def tile_closed(self, tile: TileKey) -> None:
        self.closed_tiles.append(tile)
        self._touch()

    def speaking_changed(self, pids: frozenset[str]) -> None:
        self.speaking = pids
        self._touch()

    @property
    def status(self) -> Status | None:
        return self.statuses[-1][0] if self.statuses else None

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        return await wait_until(predicate, self.changed, timeout, self.name)
