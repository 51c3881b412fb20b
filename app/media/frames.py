"""Captured video frames and the latest-frame slot between a capture thread and its readers.

A slot holds one frame, never a queue: a reader that falls behind gets the newest
picture, so a slow consumer never adds latency.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from .state import SourceState, StateCallback, StateCell

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CapturedFrame:
    """One RGB picture (H x W x 3, uint8) and when it was captured.

    ``seq`` counts frames published by the source (from 0, never reset by a
    restart); for a pattern source it is also the counter painted in the pixels.
    ``monotonic`` paces tracks, ``wall_time`` (``time.time()``) lets benchmarks
    in other processes compare capture and display times.
    """

    image: np.ndarray
    seq: int
    monotonic: float
    wall_time: float

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])


FrameListener = Callable[[CapturedFrame], None]


class FrameSlot:
    """Latest-frame slot: ``put`` replaces, ``latest`` reads, listeners hear each put.

    Listeners run on the capture thread and must return quickly (e.g. schedule
    work on an event loop with ``call_soon_threadsafe``).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frame: CapturedFrame | None = None
        self._seq = 0
        self._listeners: list[FrameListener] = []

    def put(self, image: np.ndarray) -> CapturedFrame:
        # Readers share the array: freeze it so nobody paints on another's frame.
        image.flags.writeable = False
        with self._lock:
            frame = CapturedFrame(image, self._seq, time.monotonic(), time.time())
            self._seq += 1
            self._frame = frame
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(frame)
            except Exception:
                logger.exception("frame listener failed")
        return frame

    @property
    def next_seq(self) -> int:
        """The ``seq`` the next ``put`` will get (a pattern paints it before putting)."""
        return self._seq

    def latest(self) -> CapturedFrame | None:
        return self._frame

    def clear(self) -> None:
        self._frame = None

    def subscribe(self, listener: FrameListener) -> Callable[[], None]:
        """Add a listener; returns the function that removes it."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe


class CaptureSource:
    """What the camera and the screen share: a capture thread filling a ``FrameSlot``,
    a state that says whether it works and why not, and ``start``/``stop`` that can
    be called any time, in any order, and never wait long on a stuck driver.

    Subclasses implement ``_capture(stop)`` (the loop, until ``stop`` is set), using
    ``_publish`` and ``_unavailable``; ``THREAD`` names the thread. ``on_state`` and
    frame listeners run on the capture thread (``stopped`` may come from the thread
    calling ``stop()``).
    """

    THREAD = "capture"

    def __init__(self, *, on_state: StateCallback | None, retry_interval: float) -> None:
        self.retry_interval = retry_interval
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
        """Why the source is ``unavailable`` (None otherwise)."""
        return self._state.error

    def latest(self) -> CapturedFrame | None:
        """The newest frame, or None before the first one (kept while unavailable)."""
        return self._slot.latest()

    def subscribe(self, listener: FrameListener) -> Callable[[], None]:
        return self._slot.subscribe(listener)

    def start(self) -> None:
        with self._control:
            if self._thread is not None and self._thread.is_alive():
                return
            # Each capture thread gets its own stop event: one abandoned in a stuck
            # driver call can never be revived by a later start().
            stop = threading.Event()
            self._stop = stop
            self._state.set(SourceState.STARTING)
            self._thread = threading.Thread(
                target=self._run, args=(stop,), name=self.THREAD, daemon=True
            )
            self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop capturing; never waits longer than ``timeout`` for a stuck driver."""
        with self._control:
            thread = self._thread
            self._stop.set()
            if thread is not None:
                thread.join(timeout)
                if thread.is_alive():
                    logger.warning(
                        "%s thread still blocked in the driver; abandoning it", self.THREAD
                    )
            self._thread = None
            self._stopped()
            self._state.set(SourceState.STOPPED)

    def _stopped(self) -> None:
        """Hook: the capture has stopped (under the control lock)."""

    def _capture(self, stop: threading.Event) -> None:
        raise NotImplementedError

    # Capture thread

    def _run(self, stop: threading.Event) -> None:
        try:
            self._capture(stop)
        except Exception as exc:  # last line of defence: report, never crash the app
            logger.exception("%s failed", self.THREAD)
            if not stop.is_set():
                self._state.set(SourceState.UNAVAILABLE, f"capture failed: {exc}")
        finally:
            if stop.is_set() and self._thread is threading.current_thread():
                self._state.set(SourceState.STOPPED)

    def _publish(self, image: np.ndarray, stop: threading.Event) -> None:
        if stop.is_set():
            return  # stopped while this frame was being read
        self._slot.put(image)
        self._state.set(SourceState.LIVE)

    def _unavailable(self, reason: str, stop: threading.Event) -> None:
        if not stop.is_set():
            self._state.set(SourceState.UNAVAILABLE, reason)
            stop.wait(self.retry_interval)


def even(value: int) -> int:
    """Round down to an even number: YUV 4:2:0 encoders need even sizes."""
    return max(2, value - value % 2)


def fit_frame(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Centre-crop ``image`` to the aspect of ``width`` x ``height``, then resize.

    Cropping instead of stretching keeps faces undistorted when a 4:3 camera
    answers a 16:9 request.
    """
    h, w = image.shape[:2]
    if (w, h) == (width, height):
        return image
    if w * height > h * width:  # too wide
        crop_w = max(1, round(h * width / height))
        x0 = (w - crop_w) // 2
        image = image[:, x0 : x0 + crop_w]
    elif w * height < h * width:  # too tall
        crop_h = max(1, round(w * height / width))
        y0 = (h - crop_h) // 2
        image = image[y0 : y0 + crop_h]
    shrinking = image.shape[1] > width
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
    return cv2.resize(image, (width, height), interpolation=interpolation)


def scale_to_width(image: np.ndarray, max_width: int) -> np.ndarray:
    """Shrink (never enlarge) to at most ``max_width``, keeping aspect and even sizes."""
    h, w = image.shape[:2]
    if w <= max_width and w % 2 == 0 and h % 2 == 0:
        return image
    scale = min(1.0, max_width / w)
    size = (even(round(w * scale)), even(round(h * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


class Ticker:
    """Sleeps until the next tick of a fixed rate, resynchronising after stalls."""

    def __init__(self, fps: float) -> None:
        self._period = 1.0 / fps
        self._next = time.monotonic() + self._period

    def wait(self, stop: threading.Event) -> None:
        now = time.monotonic()
        if self._next < now - self._period:  # fell behind (stall): don't burst to catch up
            self._next = now
        delay = self._next - now
        self._next += self._period
        if delay > 0:
            stop.wait(delay)
