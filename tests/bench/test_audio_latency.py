"""bench.audio_latency runs briefly and yields mouth-to-ear figures for both paths."""

from __future__ import annotations

import numpy as np

from bench import audio_latency as lat


def test_click_detection_measures_a_known_delay() -> None:
    train = lat._ClickTrain()
    train.clicking = True
    mouth = np.concatenate([train.read(960) for _ in range(100)])
    ear = np.concatenate((np.zeros(4800, dtype=np.int16), mouth[:-4800] // 3))
    sent, delays = lat.latencies_ms(np.stack((mouth, ear), axis=1))
    assert sent == 5 and len(delays) == 5
    assert all(abs(d - 100.0) < 1.0 for d in delays)
