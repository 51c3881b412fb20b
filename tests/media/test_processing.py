"""Echo cancellation, noise suppression and gain (app.media.processing), device-free.

A speech-like far-end voice goes through a synthetic echo path (delay, attenuation,
a short reverberant tail) into the near end; the processor gets the far end as
the speaker would hand it over, then the near-end frames, 20 ms at a time.
"""

from __future__ import annotations

import asyncio
import time

import numpy as np
import pytest

from app.media import processing
from app.media.audioformat import FRAME_SAMPLES, SAMPLE_RATE
from app.media.mixer import AudioMixer
from app.media.processing import AudioProcessor, ProcessingConfig
from app.media.speaker import SpeakerSink
from app.media.tracks import MicrophoneTrack

pytest.importorskip("livekit.rtc")

SECONDS = 10.0
CONVERGED = int(5 * SAMPLE_RATE)  # measure after 5 s of adaptation


def voice(seconds: float, f0: float, seed: int) -> np.ndarray:
    """A speech-like signal: harmonics to 4 kHz on a gliding pitch, in syllables."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    pitch = f0 * (1 + 0.15 * np.sin(2 * np.pi * 0.7 * t + rng.uniform(0, 6)))
    pitch *= 1 + 0.05 * np.sin(2 * np.pi * 3.1 * t)
    phase = 2 * np.pi * np.cumsum(pitch) / SAMPLE_RATE
    x = np.zeros(n)
    for k in range(1, int(4000 / f0)):
        x += np.sin(k * phase + rng.uniform(0, 6)) / k
    envelope = np.zeros(n)
    pos = 0
    while pos < n:
        length = int(rng.uniform(0.12, 0.3) * SAMPLE_RATE)
        seg = np.sin(np.pi * np.arange(min(length, n - pos)) / length) ** 2
        envelope[pos : pos + len(seg)] = seg
        pos += length + int(rng.uniform(0.03, 0.15) * SAMPLE_RATE)
    x = x * envelope + 0.01 * rng.standard_normal(n)
    return x / np.max(np.abs(x)) * 0.5 * 32767


def echo_path(x: np.ndarray, delay_ms: float = 100.0, gain: float = 0.3) -> np.ndarray:
    """Loudspeaker to microphone: delay, -10 dB, and a 60 ms reverberant tail."""
    rng = np.random.default_rng(1)
    tail = int(0.06 * SAMPLE_RATE)
    response = rng.standard_normal(tail) * np.exp(-np.arange(tail) / (0.012 * SAMPLE_RATE)) * 0.03
    response[0] = 1.0
    h = np.concatenate((np.zeros(int(delay_ms * SAMPLE_RATE / 1000)), response)) * gain
    return np.convolve(x, h)[: len(x)]


def run(far: np.ndarray, near: np.ndarray, config: ProcessingConfig) -> tuple[np.ndarray, float]:
    """Process like a call does; returns the output and CPU ms per 10 ms chunk."""
    processor = AudioProcessor(config)
    assert processor.active, processor.reason
    out = np.zeros(len(near), dtype=np.int16)
    began = time.process_time()
    for i in range(0, len(near) - FRAME_SAMPLES + 1, FRAME_SAMPLES):
        processor.far_end(np.clip(far[i : i + FRAME_SAMPLES], -32768, 32767).astype(np.int16))
        mic = np.clip(near[i : i + FRAME_SAMPLES], -32768, 32767).astype(np.int16)
        out[i : i + FRAME_SAMPLES] = processor.process(mic)
    cpu_ms = (time.process_time() - began) * 1000 / processor.chunks
    return out, cpu_ms


def power_db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.asarray(x, dtype=np.float64) ** 2) + 1e-9))


def spectrogram_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Correlation of 20 ms magnitude spectra (100 Hz-4 kHz): insensitive to the
    module's filter-bank phase shift, sensitive to anything missing or added."""
    n = FRAME_SAMPLES
    k = min(len(a), len(b)) // n
    window = np.hanning(n)
    spec_a = np.abs(np.fft.rfft(a[: k * n].reshape(k, n) * window, axis=1))[:, 2:80]
    spec_b = np.abs(np.fft.rfft(b[: k * n].reshape(k, n) * window, axis=1))[:, 2:80]
    return float(np.corrcoef(spec_a.ravel(), spec_b.ravel())[0, 1])


def aligned_correlation(a: np.ndarray, b: np.ndarray, max_lag: int = 96) -> float:
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    return max(float(np.corrcoef(a[lag:], b[: len(b) - lag])[0, 1]) for lag in range(0, max_lag, 2))


FAR = voice(SECONDS, 140.0, seed=0)
ECHO = echo_path(FAR)
NEAR = voice(SECONDS, 220.0, seed=5) * 0.6


@pytest.mark.parametrize("delay_ms", [50.0, 150.0])
def test_echo_is_reduced_by_20_db_with_a_silent_near_end(delay_ms: float) -> None:
    echo = echo_path(FAR, delay_ms=delay_ms)
    out, cpu_ms = run(FAR, echo, ProcessingConfig())
    reduction = power_db(echo[CONVERGED:]) - power_db(out[CONVERGED:])
    print(f"echo {delay_ms:.0f} ms: reduced by {reduction:.1f} dB; {cpu_ms:.3f} ms CPU per 10 ms")
    assert reduction >= 20.0


def test_double_talk_keeps_the_near_voice() -> None:
    config = ProcessingConfig()
    out, _ = run(FAR, ECHO + NEAR, config)
    # The module shifts phase a little (its band-splitting filter bank): compare with
    # the near voice alone through the same module, and spectra with the clean voice.
    alone, _ = run(np.zeros_like(FAR), NEAR, config)
    waveform = aligned_correlation(out[CONVERGED:], alone[CONVERGED:])
    spectra = spectrogram_correlation(out[CONVERGED:].astype(np.float64), NEAR[CONVERGED:])
    echo_only, _ = run(FAR, ECHO, config)
    baseline = spectrogram_correlation(echo_only[CONVERGED:].astype(np.float64), NEAR[CONVERGED:])
    print(
        f"double talk: waveform corr {waveform:.3f}, spectrogram corr {spectra:.3f} "
        f"(echo alone: {baseline:.3f})"
    )
    assert waveform > 0.8
    assert spectra > 0.8


def test_cpu_cost_per_10_ms_frame() -> None:
    _, cpu_ms = run(FAR, ECHO + NEAR, ProcessingConfig())
    _, aec_only = run(FAR, ECHO + NEAR, ProcessingConfig(noise_suppression=False, auto_gain=False))
    print(f"CPU per 10 ms chunk: all on {cpu_ms:.3f} ms, echo cancellation only {aec_only:.3f} ms")
    assert cpu_ms < 2.0  # 20 % of a core at most; measured ~0.17 ms


def test_noise_suppression_lowers_steady_noise() -> None:
    rng = np.random.default_rng(9)
    noise = rng.standard_normal(int(4 * SAMPLE_RATE)) * 600
    config = ProcessingConfig(echo_cancellation=False, auto_gain=False)
    out, _ = run(np.zeros_like(noise), noise, config)
    half = len(noise) // 2
    assert power_db(noise[half:]) - power_db(out[half:]) > 6.0


def test_noise_suppression_levels_go_deeper_in_order_and_keep_speech() -> None:
    rng = np.random.default_rng(9)
    noise = rng.standard_normal(int(4 * SAMPLE_RATE)) * 600
    speech = voice(4.0, 180.0, seed=3) * 0.5
    half = len(noise) // 2
    depth, kept = {}, {}
    for level in processing.NOISE_SUPPRESSION_LEVELS:
        config = ProcessingConfig(
            echo_cancellation=False, auto_gain=False, noise_suppression_level=level
        )
        out, _ = run(np.zeros_like(noise), noise, config)
        depth[level] = power_db(noise[half:]) - power_db(out[half:])
        noisy, _ = run(np.zeros_like(noise), speech + noise, config)
        kept[level] = spectrogram_correlation(speech[half:], noisy[half:])
    print("suppression dB:", depth, "speech kept:", kept)
    # Measured: low 7, moderate 10, high 15, very high 28 dB.
    assert depth["low"] < depth["moderate"] < depth["high"] < depth["very_high"]
    assert 3 < depth["low"] <= 8 and depth["very_high"] > depth["high"] + 6
    assert min(kept.values()) > 0.9  # the voice is there at every level


def test_the_suppressor_delay_is_measured() -> None:
    # The capped levels mix two modules' outputs: they must line up to the sample.
    delay = processing.suppressor_delay()
    assert delay is not None and 0 < delay < 1200


@pytest.mark.parametrize("level", ["low", "very_high"])
def test_echo_is_still_cancelled_at_other_levels(level: str) -> None:
    out, cpu_ms = run(FAR, ECHO, ProcessingConfig(noise_suppression_level=level))
    assert power_db(ECHO[CONVERGED:]) - power_db(out[CONVERGED:]) >= 20.0
    assert cpu_ms < 2.0  # four modules in a chain; measured ~0.23 ms


def test_everything_off_or_no_binding_passes_audio_through(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frame = (np.arange(FRAME_SAMPLES) % 200 * 50).astype(np.int16)
    off = AudioProcessor(
        ProcessingConfig(
            echo_cancellation=False,
            noise_suppression=False,
            auto_gain=False,
            high_pass_filter=False,
        )
    )
    assert not off.active and off.reason
    assert np.array_equal(off.process(frame), frame)
    monkeypatch.setattr(processing, "_load_binding", lambda: (None, None, "no livekit"))
    missing = AudioProcessor()
    assert not missing.active and missing.reason == "no livekit"
    missing.far_end(frame)
    assert np.array_equal(missing.process(frame), frame)
    with pytest.raises(ValueError):
        AudioProcessor(ProcessingConfig(noise_suppression_level="loud"))


def test_far_end_takes_any_block_size_and_stays_bounded() -> None:
    processor = AudioProcessor()
    for _ in range(300):
        processor.far_end(np.zeros(1024, dtype=np.int16))  # a device's odd block size
    assert len(processor._far) <= processing._MAX_FAR_CHUNKS
    out = processor.process(np.zeros(FRAME_SAMPLES, dtype=np.int16))
    assert len(out) == FRAME_SAMPLES and not processor._far


def test_speaker_hands_what_it_plays_to_the_far_end_tap() -> None:
    mixer = AudioMixer()
    sink = SpeakerSink(mixer)
    heard: list[np.ndarray] = []
    sink.far_end = heard.append
    tone = (np.sin(np.arange(4 * FRAME_SAMPLES) * 0.05) * 8000).astype(np.int16)
    mixer.push("a", tone)
    out = np.zeros((FRAME_SAMPLES, 2), dtype=np.int16)
    sink._callback(out, FRAME_SAMPLES, None, None)  # what PortAudio calls
    assert len(heard) == 1 and np.array_equal(heard[0], out[:, 0])


class _FakeMicrophone:
    def __init__(self, frames: list[np.ndarray]) -> None:
        self.frames = frames

    def discard_backlog(self, keep: int = 0) -> None:
        pass

    async def read(self) -> np.ndarray:
        await asyncio.sleep(0)
        return self.frames.pop(0)


async def test_microphone_track_sends_processed_audio() -> None:
    frames = [
        np.clip(NEAR[i : i + FRAME_SAMPLES], -32768, 32767).astype(np.int16)
        for i in range(0, 20 * FRAME_SAMPLES, FRAME_SAMPLES)
    ]

    class Halve(AudioProcessor):
        def process(self, samples: np.ndarray) -> np.ndarray:
            return (samples // 2).astype(np.int16)

    track = MicrophoneTrack(_FakeMicrophone(list(frames)), Halve())  # type: ignore[arg-type]
    sent = await track.recv()
    assert np.array_equal(sent.to_ndarray().reshape(-1), frames[0] // 2)
