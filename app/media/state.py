"""The one state vocabulary every source and sink reports to the UI."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from enum import StrEnum

logger = logging.getLogger(__name__)


class SourceState(StrEnum):
    """Lifecycle of a camera, screen, microphone or speaker.

    - ``starting``: ``start()`` was called, nothing delivered yet.
    - ``live``: media is flowing.
    - ``unavailable``: the device is missing, busy, unplugged or failing (see
      ``error``); sources that can recover keep retrying and go ``live`` again.
    - ``stopped``: not started, or ``stop()`` was called.
    """

    STARTING = "starting"
    LIVE = "live"
    UNAVAILABLE = "unavailable"
    STOPPED = "stopped"


StateCallback = Callable[[SourceState], None]


class StateCell:
    """Thread-safe current state plus the reason, reporting each change once.

    The callback runs on whichever thread made the change, outside the lock, and
    its exceptions are logged: a faulty UI handler must never kill a capture thread.
    """

    def __init__(self, callback: StateCallback | None = None) -> None:
        self._callback = callback
        self._lock = threading.Lock()
        self._state = SourceState.STOPPED
        self._error: str | None = None

    @property
    def value(self) -> SourceState:
        return self._state

    @property
    def error(self) -> str | None:
        return self._error

    def set(self, state: SourceState, error: str | None = None) -> bool:
        """Move to ``state``; returns True (and calls back) only if it changed."""
        with self._lock:
            self._error = error if state is SourceState.UNAVAILABLE else None
            if state is self._state:
                return False
            self._state = state
        if self._callback is not None:
            try:
                self._callback(state)
            except Exception:
                logger.exception("state callback failed")
        return True


class LoopWake:
    """An ``asyncio.Event`` that a device or capture thread can set.

    The reader takes ``event()`` on its loop (a new loop gets a new event); any
    thread calls ``wake()``, which only pokes the loop and never blocks.
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    def event(self) -> asyncio.Event:
        loop = asyncio.get_running_loop()
        if self._loop is not loop or self._event is None:
            self._event = asyncio.Event()
            self._loop = loop
        return self._event

    def wake(self) -> None:
        loop, event = self._loop, self._event
        if loop is None or event is None:
            return
        try:
            loop.call_soon_threadsafe(event.set)
        except RuntimeError:  # the loop is closed: nobody is reading any more
            self._loop = None
