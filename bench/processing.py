"""The CPU cost of the microphone's voice processing, per 10 ms chunk.

Liqaa's ``AudioProcessor`` (echo cancellation with its far-end queue, noise
suppression at each level, automatic gain) against the baseline of one bare
WebRTC audio processing module (LiveKit's binding) with every feature on, fed
the same far end and near end in the same run. Timed with ``time.process_time``
in this process, after two seconds of adaptation.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from app.media.audioformat import FRAME_SAMPLES, SAMPLE_RATE
from app.media.processing import (
    CHUNK_SAMPLES,
    NOISE_SUPPRESSION_LEVELS,
    AudioProcessor,
    ProcessingConfig,
)

_WARMUP_CHUNKS = 200  # 2 s: AEC3 and the suppressor adapt before we time them


def _signals(seconds: float) -> tuple[np.ndarray, np.ndarray]:
    """A far-end voice-like signal and a near end holding its echo, a voice and noise."""
    rng = np.random.default_rng(3)
    n = int(seconds * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    syllables = np.sin(np.pi * 2.5 * t) ** 2
    far = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 20)) * syllables
    near_voice = sum(np.sin(2 * np.pi * 220 * k * t) / k for k in range(1, 12)) * (1 - syllables)
    echo = np.concatenate((np.zeros(4800), far[:-4800])) * 0.3
    near = echo + 0.6 * near_voice + rng.standard_normal(n) * 0.02
    scale = 0.4 * 32767 / max(np.abs(far).max(), np.abs(near).max())
    return (far * scale).astype(np.int16), (near * scale).astype(np.int16)


def _time_processor(processor: AudioProcessor, far: np.ndarray, near: np.ndarray) -> float:
    """CPU ms per 10 ms chunk, fed 20 ms at a time as a call does."""
    spent = 0.0
    for i in range(0, len(near) - FRAME_SAMPLES + 1, FRAME_SAMPLES):
        began = time.process_time()
        processor.far_end(far[i : i + FRAME_SAMPLES])
        processor.process(near[i : i + FRAME_SAMPLES])
        if i >= _WARMUP_CHUNKS * CHUNK_SAMPLES:
            spent += time.process_time() - began
    timed = len(near) // CHUNK_SAMPLES - _WARMUP_CHUNKS
    return spent * 1000 / timed


def _time_bare_module(far: np.ndarray, near: np.ndarray) -> float:
    from livekit.rtc import AudioFrame, AudioProcessingModule

    apm = AudioProcessingModule(
        echo_cancellation=True,
        noise_suppression=True,
        high_pass_filter=True,
        auto_gain_control=True,
    )
    spent = 0.0
    for i in range(0, len(near) - CHUNK_SAMPLES + 1, CHUNK_SAMPLES):
        began = time.process_time()
        apm.process_reverse_stream(
            AudioFrame(
                bytearray(far[i : i + CHUNK_SAMPLES].tobytes()), SAMPLE_RATE, 1, CHUNK_SAMPLES
            )
        )
        frame = AudioFrame(
            bytearray(near[i : i + CHUNK_SAMPLES].tobytes()), SAMPLE_RATE, 1, CHUNK_SAMPLES
        )
        apm.process_stream(frame)
        np.frombuffer(frame.data, dtype=np.int16).copy()
        if i >= _WARMUP_CHUNKS * CHUNK_SAMPLES:
            spent += time.process_time() - began
    timed = len(near) // CHUNK_SAMPLES - _WARMUP_CHUNKS
    return spent * 1000 / timed


def measure_processing(seconds: float) -> dict[str, Any]:
    far, near = _signals(seconds)
    probe = AudioProcessor()
    if not probe.active:
        return {"skipped": probe.reason}
    # A throwaway pass first: the first one pays for caches and lazy imports.
    _time_processor(AudioProcessor(ProcessingConfig(noise_suppression_level="low")), far, near)
    levels = {}
    for level in NOISE_SUPPRESSION_LEVELS:
        processor = AudioProcessor(ProcessingConfig(noise_suppression_level=level))
        levels[level] = round(_time_processor(processor, far, near), 4)
    return {
        "seconds": seconds,
        "cpu_ms_per_10ms": levels,
        "baseline_cpu_ms_per_10ms": round(_time_bare_module(far, near), 4),
        "baseline": "one livekit AudioProcessingModule, AEC+NS+HPF+AGC, same signals",
    }
