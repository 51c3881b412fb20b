from __future__ import annotations

import time

from app.media.pattern import colour_distance, dominant_colour
from app.media.screen import ScreenSource, list_monitors
from app.media.state import SourceState
from tests.fixtures.xvfb import free_display_number, paint_screen, xvfb_on

from .helpers import wait_until

BLUE = (0x33, 0x66, 0xCC)
RED = (0xCC, 0x33, 0x22)


def test_lists_the_monitors_of_a_display(xvfb_display: str) -> None:
    monitors = list_monitors(xvfb_display)
    assert [(m.index, m.width, m.height) for m in monitors] == [(1, 2560, 1440)]


def test_captures_a_monitor_scaled_to_1920_at_its_rate(xvfb_display: str) -> None:
    paint_screen(xvfb_display, BLUE)
    states: list[SourceState] = []
    source = ScreenSource(display=xvfb_display, fps=10, on_state=states.append)
    source.start()
    try:
        assert wait_until(lambda: source.latest() is not None)
        frame = source.latest()
        assert frame is not None
        assert frame.image.shape == (1080, 1920, 3)  # 2560x1440 scaled to 1920 wide
        assert colour_distance(dominant_colour(frame.image), BLUE) < 3  # RGB, not BGRA
        paint_screen(xvfb_display, RED)
        assert wait_until(lambda: colour_distance(dominant_colour(source.latest().image), RED) < 3)  # type: ignore[union-attr]
        first = source.latest()
        time.sleep(1.0)
        last = source.latest()
        assert first is not None and last is not None
        assert 4 <= last.seq - first.seq <= 12  # 10 fps, never faster; slower on a busy box
    finally:
        source.stop()
    assert states == [SourceState.STARTING, SourceState.LIVE, SourceState.STOPPED]


def test_rate_is_clamped_and_start_stop_any_time(xvfb_display: str) -> None:
    assert ScreenSource(fps=60).fps == 15 and ScreenSource(fps=1).fps == 5
    source = ScreenSource(display=xvfb_display, max_width=1280)
    source.stop()  # before start: harmless
    for _ in range(2):
        source.start()
        source.start()  # twice: harmless
        assert wait_until(lambda: source.state is SourceState.LIVE)
        frame = source.latest()
        assert frame is not None and frame.image.shape == (720, 1280, 3)
        source.stop()
        assert source.state is SourceState.STOPPED and source.latest() is None


def test_missing_monitor_is_unavailable_until_a_valid_one_is_chosen(xvfb_display: str) -> None:
    source = ScreenSource(3, display=xvfb_display, retry_interval=0.1)
    source.start()
    try:
        assert wait_until(lambda: source.state is SourceState.UNAVAILABLE)
        assert source.error == "no monitor 3"
        source.monitor = 1
        assert wait_until(lambda: source.state is SourceState.LIVE)
    finally:
        source.stop()


def test_no_display_is_unavailable_then_recovers_when_one_appears() -> None:
    number = free_display_number()
    display = f":{number}"
    assert list_monitors(display) == []
    source = ScreenSource(display=display, retry_interval=0.1)
    source.start()
    try:
        assert wait_until(lambda: source.state is SourceState.UNAVAILABLE)
        assert source.error is not None and "display" in source.error
        with xvfb_on(number):
            assert wait_until(lambda: source.state is SourceState.LIVE, timeout=5)
            assert source.latest() is not None
        # The X server went away under a running capture: no crash, just unavailable.
        assert wait_until(lambda: source.state is SourceState.UNAVAILABLE, timeout=5)
    finally:
        source.stop()
    assert source.state is SourceState.STOPPED
