"""Screen sharing capture with mss: one monitor, 5–15 fps, at most 1920 pixels wide.

Like the camera it captures in its own thread into a latest-frame slot. With no
display (none set, X server gone, monitor unplugged) it reports ``unavailable``
and retries every ``retry_interval`` seconds; it never raises.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cv2
import mss
import numpy as np

from .frames import CapturedFrame, FrameListener, FrameSlot, Ticker, scale_to_width
from .state import SourceState, StateCallback, StateCell

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


class ScreenSource:
    """Captures monitor ``monitor`` (1-based, as mss counts) as RGB frames.

    ``display`` selects the X display on Linux (default ``$DISPLAY``) without
    touching the environment. ``on_state`` and frame listeners run on the
    capture thread (``stopped`` may come from the thread calling ``stop()``).
    ``start``/``stop`` can be called any time, in any order.
    """

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
        self.fps = min(MAX_FPS, max(MIN_FPS, float(fps)))
        self.max_width = max_width
        self.display = display
        self.retry_interval = retry_interval
        self._monitor = monitor
        self._state = StateCell(on_state)
        self._slot = FrameSlot()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._control = threading.Lock()

    @property
    def state(self) -> SourceState:
        return self._state.value

    @property
    def error(self) -> str | None:
        return self._state.error

    @property
    def monitor(self) -> int:
        return self._monitor

    @monitor.setter
    def monitor(self, index: int) -> None:
        """Switch monitors while running; takes effect on the next frame."""
        self._monitor = index

    def latest(self) -> CapturedFrame | None:
        return self._slot.latest()

    def subscribe(self, listener: FrameListener) -> Callable[[], None]:
        return self._slot.subscribe(listener)

    def start(self) -> None:
        with self._control:
            if self._thread is not None and self._thread.is_alive():
                return
            stop = threading.Event()  # per thread, as in CameraSource
            self._stop = stop
            self._state.set(SourceState.STARTING)
            self._thread = threading.Thread(
                target=self._run, args=(stop,), name="screen", daemon=True
            )
            self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        with self._control:
            thread = self._thread
            self._stop.set()
            if thread is not None:
                thread.join(timeout)
            self._thread = None
            self._slot.clear()  # a stale shared screen must not reappear on restart
            self._state.set(SourceState.STOPPED)

    def _run(self, stop: threading.Event) -> None:
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
                if stop.is_set():
                    break
                self._slot.put(image)
                self._state.set(SourceState.LIVE)
                ticker.wait(stop)
        finally:
            self._close(grabber)
            if stop.is_set() and self._thread is threading.current_thread():
                self._state.set(SourceState.STOPPED)

    def _unavailable(self, reason: str, stop: threading.Event) -> None:
        if not stop.is_set():
            self._state.set(SourceState.UNAVAILABLE, reason)
            stop.wait(self.retry_interval)

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
