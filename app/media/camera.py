"""Camera capture: an OpenCV device, a looping video file, or the generated pattern.

Capture runs in its own thread and publishes into a latest-frame slot. A missing,
busy or unplugged camera never raises: the source reports ``unavailable`` (with a
reason in ``error``), keeps trying to reopen it every ``retry_interval`` seconds,
and goes ``live`` again when frames come back.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import cv2
import numpy as np

from .frames import CaptureSource, Ticker, even, fit_frame
from .pattern import PatternGenerator, paint_counter
from .state import SourceState, StateCallback

logger = logging.getLogger(__name__)

SIZE_VGA = (640, 480)
SIZE_HD = (1280, 720)

_SYSFS_V4L = Path("/sys/class/video4linux")
_IS_LINUX = sys.platform.startswith("linux")
# Bound every driver call so a wedged device cannot hang the capture thread forever.
_OPEN_TIMEOUT_MS = 5000
_READ_TIMEOUT_MS = 2000

SourceKind = Literal["device", "file", "pattern"]


@dataclass(frozen=True, slots=True)
class CameraInfo:
    index: int
    name: str


def _device_name(index: int) -> str:
    try:
        name = (_SYSFS_V4L / f"video{index}" / "name").read_text(encoding="utf-8").strip()
    except OSError:
        name = ""
    return name or f"Camera {index}"


def _open_device(index: int) -> cv2.VideoCapture | None:
    if _IS_LINUX and not Path(f"/dev/video{index}").exists():
        return None  # cheaper than OpenCV's probe, and no warning spam
    api = cv2.CAP_V4L2 if _IS_LINUX else cv2.CAP_ANY
    params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, _OPEN_TIMEOUT_MS]
    params += [cv2.CAP_PROP_READ_TIMEOUT_MSEC, _READ_TIMEOUT_MS]
    try:
        cap = cv2.VideoCapture(index, api, params)
    except cv2.error:
        return None
    if not cap.isOpened():
        cap.release()
        return None
    return cap


def list_cameras(max_index: int = 10) -> list[CameraInfo]:
    """Cameras that open at indices ``0 .. max_index - 1``, named from sysfs on Linux.

    Probing opens each device briefly, so a camera held exclusively by another
    program may be missing from the list on some platforms.
    """
    found: list[CameraInfo] = []
    for index in range(max_index):
        cap = _open_device(index)
        if cap is None:
            continue
        cap.release()
        found.append(CameraInfo(index, _device_name(index)))
    return found


class CameraSource(CaptureSource):
    """Captures RGB frames at a chosen size and rate into a latest-frame slot.

    ``CameraSource(0)`` opens a device index, ``CameraSource("clip.mp4")`` plays a
    file in a loop, ``CameraSource(pattern="Amal")`` generates the test pattern.
    Frames are centre-cropped and resized to ``width`` x ``height``.

    ``on_state`` is called from the capture thread (or, if that thread is stuck in
    a driver call, from the thread calling ``stop()``): keep it short, e.g. emit a
    Qt signal. Frame listeners (``subscribe``) run on the capture thread too.
    """

    def __init__(
        self,
        source: int | str | os.PathLike[str] | None = None,
        *,
        pattern: str | None = None,
        width: int = SIZE_VGA[0],
        height: int = SIZE_VGA[1],
        fps: float = 30.0,
        on_state: StateCallback | None = None,
        counter: bool = False,
        failure_threshold: int = 10,
        retry_interval: float = 2.0,
    ) -> None:
        if (source is None) == (pattern is None):
            raise ValueError("give either a device index / file path or pattern=<name>")
        if fps <= 0:
            raise ValueError("fps must be positive")
        super().__init__(on_state=on_state, retry_interval=retry_interval)
        self.kind: SourceKind
        self._device: int | None = None
        self._path: Path | None = None
        if pattern is not None:
            self.kind = "pattern"
        elif isinstance(source, int):
            self.kind = "device"
            self._device = source
        else:
            assert source is not None
            self.kind = "file"
            self._path = Path(source)
        self.pattern_name = pattern
        self.width = even(width)
        self.height = even(height)
        self.fps = float(fps)
        #: Paint the frame counter on device/file frames too (pattern frames always have it).
        self.counter = counter
        self.failure_threshold = max(1, failure_threshold)
        self.THREAD = f"camera-{self.kind}"

    def __repr__(self) -> str:
        what = self.pattern_name if self.kind == "pattern" else (self._device, self._path)
        return f"<CameraSource {self.kind} {what!r} {self.state}>"

    def _capture(self, stop: threading.Event) -> None:
        if self.kind == "pattern":
            self._run_pattern(stop)
        else:
            self._run_capture(stop)

    def _run_pattern(self, stop: threading.Event) -> None:
        assert self.pattern_name is not None
        generator = PatternGenerator(self.pattern_name, self.width, self.height, self.fps)
        ticker = Ticker(self.fps)
        while not stop.is_set():
            self._publish(generator.render(self._slot.next_seq), stop)
            ticker.wait(stop)

    def _open(self) -> cv2.VideoCapture | None:
        if self.kind == "device":
            assert self._device is not None
            cap = _open_device(self._device)
            if cap is not None:
                cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
                cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
                cap.set(cv2.CAP_PROP_FPS, self.fps)
                cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # fewer stale frames in the driver
            return cap
        assert self._path is not None
        if not self._path.is_file():
            return None
        try:
            cap = cv2.VideoCapture(str(self._path), cv2.CAP_ANY)
        except cv2.error:
            return None
        if not cap.isOpened():
            cap.release()
            return None
        return cap

    def _describe(self) -> str:
        return f"camera {self._device}" if self.kind == "device" else f"video file {self._path}"

    def _run_capture(self, stop: threading.Event) -> None:
        is_file = self.kind == "file"
        cap: cv2.VideoCapture | None = None
        failures = 0
        read_since_open = 0
        ticker = Ticker(self.fps)
        min_gap = 0.7 / self.fps  # devices faster than fps: publish every other frame
        last_publish = 0.0
        try:
            while not stop.is_set():
                if cap is None:
                    cap = self._open()
                    if cap is None:
                        self._unavailable(f"cannot open {self._describe()}", stop)
                        continue
                    read_since_open = 0
                try:
                    ok, bgr = cap.read()
                except cv2.error:
                    ok, bgr = False, None
                if ok and bgr is not None and bgr.size:
                    failures = 0
                    read_since_open += 1
                    now = time.monotonic()
                    if is_file or now - last_publish >= min_gap:
                        last_publish = now
                        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                        rgb = np.ascontiguousarray(fit_frame(rgb, self.width, self.height))
                        if self.counter:
                            paint_counter(rgb, self._slot.next_seq)
                        self._publish(rgb, stop)
                    if is_file:
                        ticker.wait(stop)  # files play at the chosen rate
                    continue
                if is_file and read_since_open > 0:
                    # End of file: reopen to loop (also notices a deleted file).
                    cap.release()
                    cap = None
                    continue
                failures += 1
                if is_file or failures >= self.failure_threshold:
                    cap.release()
                    cap = None
                    failures = 0
                    reason = "no frames from" if self.state is not SourceState.LIVE else "lost"
                    self._unavailable(f"{reason} {self._describe()}", stop)
                else:
                    stop.wait(1 / self.fps)
        finally:
            if cap is not None:
                cap.release()
