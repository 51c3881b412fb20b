"""GUI-thread responsiveness: how long the Qt event loop stalls while video tiles update.

A process of its own joins a meeting of four publishers through a real
``SessionBridge`` (its asyncio thread decodes the four streams) and shows their
video offscreen (``QT_QPA_PLATFORM=offscreen``). A 5 ms precise ``QTimer`` logs
when it fires; a stall is a gap between two firings. Phases, same process and
meeting:

1. ``idle``: the widgets shown, not in a meeting yet;
2. ``baseline``: in the meeting, a minimal 2x2 grid of ``QLabel`` pixmaps fed by
   ``SessionBridge.take_frames()``;
3. ``real``: the app's ``MeetingWindow(bridge)`` (``app/ui/meeting_window.py``; if
   it is absent or fails, the app's own ``Gallery`` of ``VideoTile`` widgets fed by
   the bridge as the window feeds it, and the report says so).
"""

from __future__ import annotations

import itertools
import os
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

TIMER_MS = 5


@dataclass(frozen=True)
class GuiSpec:
    tiles: int
    seconds: float  # per measured phase
    idle_seconds: float
    ready_timeout: float


def main(conn: Connection, spec: GuiSpec) -> None:
    """Entry point of the GUI process (a child process of the benchmark)."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        conn.send(("result", _run(conn, spec)))
    except Exception:
        conn.send(("error", f"gui: {traceback.format_exc()}"))
    try:
        conn.recv()  # "leave"
    except (EOFError, OSError):
        pass


def _run(conn: Connection, spec: GuiSpec) -> dict[str, Any]:
    from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer
    from PySide6.QtGui import QImage, QPixmap
    from PySide6.QtWidgets import QApplication, QGridLayout, QLabel, QWidget

    from app.client.bridge import SessionBridge
    from app.client.state import PATTERN, SELF, SYNTHETIC, MediaConfig, TileKey
    from app.core.devicekey import DeviceKey
    from app.ui.gallery import Gallery
    from app.ui.video_tile import VideoTile
    from bench.stats import CpuMeter, percentile

    app = QApplication.instance() or QApplication([])
    config = MediaConfig(camera=PATTERN, microphone=SYNTHETIC, pattern_label="Viewer")
    bridge = SessionBridge(DeviceKey.generate(), config)

    class Router(QObject):
        """Takes the bridge's frames on the GUI thread. (A slot must belong to a QObject
        of the GUI thread: a plain function connected to a signal emitted on the asyncio
        thread would run on that thread.)"""

        def __init__(self) -> None:
            super().__init__()
            self.sink: Any = None
            self.gallery: Gallery | None = None
            self.began = time.monotonic()
            self.statuses: list[tuple[float, str, str]] = []

        def on_status(self, status: str, code: str) -> None:
            self.statuses.append((round(time.monotonic() - self.began, 2), status, code))

        def on_view(self, view: Any) -> None:
            if self.gallery is not None:
                self.gallery.update_view(view, bridge.local, "Viewer")

        def on_frames(self) -> None:
            frames = bridge.take_frames()
            if self.sink is not None:
                self.sink(frames)

    router = Router()
    bridge.status_changed.connect(router.on_status)

    def run_for(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(round(seconds * 1000), loop.quit)
        loop.exec()

    def measure(seconds: float) -> dict[str, Any]:
        stamps: list[float] = []
        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(TIMER_MS)
        timer.timeout.connect(lambda: stamps.append(time.perf_counter()))
        cpu = CpuMeter()
        timer.start()
        run_for(seconds)
        timer.stop()
        cpu_s, wall = cpu.read()
        gaps = [b - a for a, b in itertools.pairwise(stamps)]
        return {
            "max_gap_ms": max(gaps) * 1000 if gaps else None,
            "p99_gap_ms": (percentile(gaps, 99) or 0) * 1000 if gaps else None,
            "mean_gap_ms": sum(gaps) / len(gaps) * 1000 if gaps else None,
            "ticks": len(stamps),
            "process_cpu_per_s": cpu_s / wall,
        }

    # Idle, then the baseline: the meeting's frames into bare QLabels.
    grid = QWidget()
    layout = QGridLayout(grid)
    labels: dict[TileKey, QLabel] = {}
    shown: dict[TileKey, int] = {}

    def to_labels(frames: dict[TileKey, np.ndarray]) -> None:
        for key, image in frames.items():
            if key.pid == SELF:
                continue
            label = labels.get(key)
            if label is None:
                if len(labels) >= spec.tiles:
                    continue
                row, column = divmod(len(labels), 2)
                label = labels[key] = QLabel()
                label.setScaledContents(True)
                label.setMinimumSize(160, 120)
                layout.addWidget(label, row, column)
            array = np.ascontiguousarray(image)
            height, width = array.shape[:2]
            qimage = QImage(array.data, width, height, 3 * width, QImage.Format.Format_RGB888)
            label.setPixmap(QPixmap.fromImage(qimage))
            shown[key] = shown.get(key, 0) + 1

    grid.resize(1280, 720)
    grid.show()
    app.processEvents()
    idle = measure(spec.idle_seconds)

    invite = None
    while invite is None:
        message = conn.recv()
        if message[0] == "invite":
            invite = message[1]
    router.sink = to_labels
    bridge.frames_ready.connect(router.on_frames)
    bridge.join(invite, "Viewer")
    deadline = time.monotonic() + spec.ready_timeout
    while time.monotonic() < deadline:
        run_for(0.2)
        if sum(1 for k in shown if shown[k] > 3) >= spec.tiles:
            break
    run_for(min(1.0, spec.seconds / 2))
    before_shown = dict(shown)
    baseline = measure(spec.seconds)
    baseline["painted_fps"] = sorted(
        round((shown[k] - before_shown.get(k, 0)) / spec.seconds, 1) for k in shown
    )
    baseline["tiles"] = len(labels)
    grid.hide()
    bridge.frames_ready.disconnect(router.on_frames)
    router.sink = None

    # The app's widgets: its meeting window if it exists yet, else its gallery, built
    # while joined (as the app does after the start window) and fed by the bridge.
    widgets = "app.ui.meeting_window.MeetingWindow"
    window: QWidget
    try:
        from app.ui.meeting_window import MeetingWindow

        window = MeetingWindow(bridge)
    except Exception as exc:
        reason = "absent" if isinstance(exc, ImportError) else f"failed: {exc!r}"
        widgets = (
            f"app.ui.gallery.Gallery of VideoTiles fed like the window feeds it "
            f"(MeetingWindow {reason})"
        )
        gallery = Gallery()
        window = gallery
        router.gallery = gallery
        bridge.meeting_changed.connect(router.on_view)
        gallery.update_view(bridge.view, bridge.local, "Viewer")
        router.sink = gallery.set_frames
        bridge.frames_ready.connect(router.on_frames)
    window.resize(1280, 720)
    window.show()
    # The bridge signals "frames ready" once until someone takes them: hand over.
    bridge.frames_ready.emit()
    deadline = time.monotonic() + spec.ready_timeout
    tiles: list[VideoTile] = []
    while time.monotonic() < deadline:
        run_for(0.2)
        tiles = [t for t in window.findChildren(VideoTile) if t.key.pid != SELF]
        if sum(1 for t in tiles if t.frames_painted > 3) >= spec.tiles:
            break
    run_for(min(1.0, spec.seconds / 2))
    painted_before = {id(t): t.frames_painted for t in tiles}
    received_before = {id(t): t.frames_received for t in tiles}
    real = measure(spec.seconds)
    real["received_fps"] = sorted(
        round((t.frames_received - received_before.get(id(t), 0)) / spec.seconds, 1) for t in tiles
    )
    real["tile_sizes"] = [f"{t.width()}x{t.height()}" for t in tiles]
    real["tile_visible"] = [t.isVisible() for t in tiles]
    real["tile_camera_off"] = [t.camera_off for t in tiles]
    real["status"] = str(bridge.status)
    real["frames_received_total"] = [t.frames_received for t in tiles]
    real["painted_fps"] = sorted(
        round((t.frames_painted - painted_before.get(id(t), 0)) / spec.seconds, 1) for t in tiles
    )
    real["tiles"] = len(tiles)
    bridge.shutdown()
    return {
        "widgets": widgets,
        "baseline_widgets": "minimal 2x2 QLabel grid fed by SessionBridge.take_frames()",
        "timer_ms": TIMER_MS,
        "idle": idle,
        "statuses": router.statuses,
        "real": real,
        "baseline": baseline,
    }
