"""bench.audio_latency runs briefly and yields mouth-to-ear figures for both paths."""

from __future__ import annotations

import os
import subprocess

import numpy as np
import pytest

from bench import audio_latency as lat
from tests.fixtures.pulse import PulseServer


def test_click_detection_measures_a_known_delay() -> None:
    train = lat._ClickTrain()
    train.clicking = True
    mouth = np.concatenate([train.read(960) for _ in range(100)])
    ear = np.concatenate((np.zeros(4800, dtype=np.int16), mouth[:-4800] // 3))
    sent, delays = lat.latencies_ms(np.stack((mouth, ear), axis=1))
    assert sent == 5 and len(delays) == 5
    assert all(abs(d - 100.0) < 1.0 for d in delays)


def test_silence_is_no_click() -> None:
    quiet = np.random.default_rng(1).integers(-3, 4, size=(48000, 2)).astype(np.int16)
    assert lat.latencies_ms(quiet) == (0, [])


def _modules(server: str) -> str:
    return subprocess.run(
        ["pactl", f"--server={server}", "list", "short", "modules"],
        check=True,
        capture_output=True,
        text=True,
        timeout=10,
    ).stdout


@pytest.mark.timeout(180)
def test_relay_and_p2p_under_the_tests_pulseaudio(pulse_server: PulseServer) -> None:
    """The tests' PulseAudio is up and this process points at it (PULSE_SERVER,
    PULSE_SINK, PULSE_SOURCE): the rig runs its own server, leaves that one alone and
    gives both paths' figures. Each path clicks for 2 s (5 clicks): a recording that
    lost its end (the old unread parec pipe) shows fewer sent, clicks that went to the
    wrong sink none heard. Half heard is enough on a loaded machine."""
    before = {k: os.environ.get(k) for k in ("PULSE_SERVER", "PULSE_SINK", "PULSE_SOURCE")}
    assert before["PULSE_SERVER"] == pulse_server.server
    modules = _modules(pulse_server.server)

    logged: list[str] = []
    figures = lat.run(seconds=2.0, tunings=(lat.CLIENT,), log=logged.append, warmup=0.5)

    assert "skipped" not in figures, figures.get("skipped")
    results = {r["path"]: r for r in figures["audio_latency"]}
    assert set(results) == {"relay", "p2p"}, logged
    for path, r in results.items():
        assert r["clicks_sent"] >= 5, (path, r)
        assert r["clicks_heard"] >= r["clicks_sent"] // 2, (path, r)
        assert 0 < r["p50_ms"] < 400 and r["p95_ms"] >= r["p50_ms"], (path, r)
    # The tests' server is untouched and this process points at it again.
    assert _modules(pulse_server.server) == modules
    assert {k: os.environ.get(k) for k in before} == before
