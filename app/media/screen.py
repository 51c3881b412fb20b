"""Screen sharing capture with mss: one monitor, 5–15 fps, at most 1920 pixels wide.

Like the camera it captures in its own thread into a latest-frame slot. With no
display (none set, X server gone, monitor unplugged) it reports ``unavailable``
and retries every ``retry_interval`` seconds; it never raises.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

import cv2
import mss
import numpy as np

from .frames import CaptureSource, Ticker, scale_to_width
from .state import StateCallback

logger = logging.getLogger(__name__)

MIN_FPS = 5.0
MAX_FPS = 15.0
MAX_WIDTH = 1920


@dataclass(frozen=True, slots=True)
class MonitorInfo:
    """A monitor as mss numbers them: 1 is the first (0 is all monitors together)."""

    index: int
    left: int
    top: int
    width: int
    height: int


def _open_mss(display: str | None) -> Any:
    # mss >= 10.2 spells it MSS; earlier versions only have the mss() factory.
    factory: Any = getattr(mss, "MSS", None) or mss.mss
    return factory(display=display) if display else factory()


def list_monitors(display: str | None = None) -> list[MonitorInfo]:
    """Monitors of ``display`` (default: ``$DISPLAY``), empty if there is no display."""
    try:
        with _open_mss(display) as grabber:
            monitors = grabber.monitors
    except Exception as exc:
        logger.info("no monitors: %s", exc)
        return []
    return [
        MonitorInfo(i, int(m["left"]), int(m["top"]), int(m["width"]), int(m["height"]))
        for i, m in enumerate(monitors)
        if i > 0
    ]


class ScreenSource(CaptureSource):
    """Captures monitor ``monitor`` (1-based, as mss counts) as RGB frames.

    ``display`` selects the X display on Linux (default ``$DISPLAY``) without
    touching the environment. ``on_state`` and frame listeners run on the
    capture thread (``stopped`` may come from the thread calling ``stop()``).
    ``start``/``stop`` can be called any time, in any order.
    """

    THREAD = "screen"

    def __init__(
        self,
        monitor: int = 1,
        *,
        fps: float = 10.0,
        max_width: int = MAX_WIDTH,
        display: str | None = None,
        on_state: StateCallback | None = None,
        retry_interval: float = 2.0,
    ) -> None:
        super().__init__(on_state=on_state, retry_interval=retry_interval)
        self.fps = min(MAX_FPS, max(MIN_FPS, float(fps)))
        self.max_width = max_width
        self.display = display
        self._monitor = monitor

    @property
    def monitor(self) -> int:
        return self._monitor

    @monitor.setter
    def monitor(self, index: int) -> None:
        """Switch monitors while running; takes effect on the next frame."""
        self._monitor = index

    def _stopped(self) -> None:
        self._slot.clear()  # a stale shared screen must not reappear on restart

    def _capture(self, stop: threading.Event) -> None:
        grabber: Any = None
        ticker = Ticker(self.fps)
        try:
            while not stop.is_set():
                if grabber is None:
                    try:
                        grabber = _open_mss(self.display)
                    except Exception as exc:
                        self._unavailable(f"no display: {exc}", stop)
                        continue
                try:
                    image = self._grab(grabber)
                except Exception as exc:
                    # The X connection may be dead: reconnect on the next try.
                    self._close(grabber)
                    grabber = None
                    self._unavailable(f"screen capture failed: {exc}", stop)
                    continue
                if image is None:
                    self._unavailable(f"no monitor {self._monitor}", stop)
                    continue
                self._publish(image, stop)
                ticker.wait(stop)
        finally:
            self._close(grabber)

    def _grab(self, grabber: Any) -> np.ndarray | None:
        monitors = grabber.monitors
        if not 1 <= self._monitor < len(monitors):
            return None
        shot = grabber.grab(monitors[self._monitor])
        bgra = np.asarray(shot)  # H x W x 4, BGRA
        rgb = cv2.cvtColor(bgra, cv2.COLOR_BGRA2RGB)
        return np.ascontiguousarray(scale_to_width(rgb, self.max_width))

    @staticmethod
    def _close(grabber: Any) -> None:
        if grabber is not None:
            try:
                grabber.close()
            except Exception:
                pass
