from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from app.media.camera import CameraSource, list_cameras
from app.media.frames import CapturedFrame
from app.media.pattern import colour_distance, dominant_colour, name_colour, read_counter
from app.media.state import SourceState

from .helpers import wait_until, write_pattern_video

FILE_FRAMES = 15


def test_file_source_delivers_rgb_frames_and_loops(tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    write_pattern_video(path, "Camera file", FILE_FRAMES)
    states: list[SourceState] = []
    source = CameraSource(path, width=320, height=240, on_state=states.append)
    source.start()
    try:
        assert wait_until(lambda: (f := source.latest()) is not None and f.seq > FILE_FRAMES + 5)
        frame = source.latest()
        assert frame is not None
        assert frame.image.shape == (240, 320, 3) and frame.image.dtype == np.uint8
        # RGB order (not OpenCV's BGR): the background is the name's colour.
        assert colour_distance(dominant_colour(frame.image), name_colour("Camera file")) < 15
        # Every frame of the file is published in order, then it starts again.
        assert read_counter(frame.image) == frame.seq % FILE_FRAMES
        assert source.state is SourceState.LIVE
    finally:
        source.stop()
    assert states == [SourceState.STARTING, SourceState.LIVE, SourceState.STOPPED]


def test_latest_frame_slot_drops_stale_frames(tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    write_pattern_video(path, "Slot", FILE_FRAMES)
    published: list[CapturedFrame] = []
    source = CameraSource(path, width=320, height=240)
    source.subscribe(published.append)
    source.start()
    try:
        time.sleep(0.6)  # a consumer that did not read for a while...
        count = len(published)
        frame = source.latest()
        assert frame is not None and count >= 10
        # ...gets the newest frame, not the oldest waiting one: there is no queue.
        assert frame.seq >= published[count - 1].seq
        assert read_counter(frame.image) == frame.seq % FILE_FRAMES
        assert not frame.image.flags.writeable  # shared with other readers
        seqs = [f.seq for f in published]
        assert seqs == list(range(len(seqs)))
    finally:
        source.stop()


def test_frames_are_cropped_and_resized_to_the_chosen_size(tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    write_pattern_video(path, "Resize", FILE_FRAMES, size=(320, 240))
    source = CameraSource(path, width=1280, height=720)
    source.start()
    try:
        assert wait_until(lambda: source.latest() is not None)
        frame = source.latest()
        assert frame is not None and frame.image.shape == (720, 1280, 3)
        assert colour_distance(dominant_colour(frame.image), name_colour("Resize")) < 15
    finally:
        source.stop()


def test_pattern_source_counts_frames_at_its_rate() -> None:
    source = CameraSource(pattern="Amal", width=1280, height=720, fps=30)
    source.start()
    try:
        assert wait_until(lambda: source.latest() is not None)
        first = source.latest()
        time.sleep(1.0)
        last = source.latest()
        assert first is not None and last is not None
        assert last.image.shape == (720, 1280, 3)
        assert read_counter(last.image) == last.seq
        assert 15 <= last.seq - first.seq <= 36  # 30 fps, never faster; slower on a busy box
        assert source.state is SourceState.LIVE
    finally:
        source.stop()
    assert source.state is SourceState.STOPPED


def test_source_restarts_and_keeps_counting() -> None:
    source = CameraSource(pattern="Restart", fps=30)
    source.start()
    assert wait_until(lambda: source.latest() is not None)
    source.stop()
    before = source.latest()
    assert before is not None
    source.start()
    try:
        assert wait_until(lambda: (f := source.latest()) is not None and f.seq > before.seq)
        assert source.state is SourceState.LIVE
    finally:
        source.stop()


def test_missing_device_is_unavailable_without_crash_or_hang() -> None:
    states: list[SourceState] = []
    source = CameraSource(99, on_state=states.append, retry_interval=0.1)
    source.start()
    try:
        assert wait_until(lambda: source.state is SourceState.UNAVAILABLE, timeout=3)
        assert source.error is not None and "99" in source.error
        time.sleep(0.3)  # it keeps retrying quietly
        assert source.state is SourceState.UNAVAILABLE and source.latest() is None
    finally:
        began = time.monotonic()
        source.stop()
    assert time.monotonic() - began < 1.0
    assert states == [SourceState.STARTING, SourceState.UNAVAILABLE, SourceState.STOPPED]


def test_file_that_disappears_goes_unavailable_and_recovers(tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    write_pattern_video(path, "Vanish", 10)
    source = CameraSource(path, width=320, height=240, retry_interval=0.1)
    source.start()
    try:
        assert wait_until(lambda: source.state is SourceState.LIVE)
        path.unlink()
        # The open file plays to its end, then reopening fails.
        assert wait_until(lambda: source.state is SourceState.UNAVAILABLE, timeout=3)
        assert source.error is not None and "clip.avi" in source.error
        stale = source.latest()
        assert stale is not None
        write_pattern_video(path, "Vanish", 10)
        assert wait_until(lambda: source.state is SourceState.LIVE, timeout=3)
        assert wait_until(lambda: source.latest().seq > stale.seq)  # type: ignore[union-attr]
    finally:
        source.stop()


def test_file_missing_at_start_then_created(tmp_path: Path) -> None:
    path = tmp_path / "later.avi"
    source = CameraSource(path, width=320, height=240, retry_interval=0.1)
    source.start()
    try:
        assert wait_until(lambda: source.state is SourceState.UNAVAILABLE)
        write_pattern_video(path, "Later", 10)
        assert wait_until(lambda: source.state is SourceState.LIVE, timeout=3)
        frame = source.latest()
        assert frame is not None and read_counter(frame.image) is not None
    finally:
        source.stop()


def test_corrupt_file_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "broken.avi"
    path.write_bytes(b"RIFF" + bytes(range(256)) * 40)
    source = CameraSource(path, retry_interval=0.1)
    source.start()
    try:
        assert wait_until(lambda: source.state is SourceState.UNAVAILABLE, timeout=3)
        time.sleep(0.3)
        assert source.state is SourceState.UNAVAILABLE and source.latest() is None
    finally:
        source.stop()
    assert source.state is SourceState.STOPPED


def test_list_cameras_only_lists_devices_that_exist() -> None:
    began = time.monotonic()
    cameras = list_cameras(max_index=16)
    assert time.monotonic() - began < 10
    for camera in cameras:
        assert Path(f"/dev/video{camera.index}").exists() and camera.name
    missing = [i for i in range(16) if not Path(f"/dev/video{i}").exists()]
    assert not {c.index for c in cameras} & set(missing)
