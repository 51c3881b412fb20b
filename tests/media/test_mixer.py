from __future__ import annotations

import numpy as np

from app.media.audioformat import FRAME_SAMPLES, SAMPLE_RATE
from app.media.mixer import AudioMixer

from .helpers import max_step, peak_frequency, tone

AMPLITUDE = 0.5
# Largest natural step of a 440 Hz sine at this amplitude; anything well above is a click.
SINE_STEP = 2 * np.pi * 440 / SAMPLE_RATE * AMPLITUDE
CLICK_LIMIT = SINE_STEP * 1.2


def test_click_metric_sees_a_hard_cut() -> None:
    cut = np.concatenate((tone(440, 1000, amplitude=AMPLITUDE), np.zeros(500, np.int16)))
    assert max_step(cut) > 5 * CLICK_LIMIT
    assert max_step(tone(440, 4800, amplitude=AMPLITUDE)) < CLICK_LIMIT


def test_passes_audio_through_after_a_small_prefill() -> None:
    mixer = AudioMixer(target_ms=40, fade_ms=10)
    sent = tone(440, 20 * FRAME_SAMPLES, amplitude=AMPLITUDE)
    out = []
    for i in range(20):
        mixer.push("amal", sent[i * FRAME_SAMPLES : (i + 1) * FRAME_SAMPLES])
        out.append(mixer.read(FRAME_SAMPLES))
    played = np.concatenate(out)
    # Playback starts once 40 ms are buffered: one 20 ms read of silence.
    delay = FRAME_SAMPLES
    assert not played[:delay].any()
    fade = 480
    # After the 10 ms fade-in the samples are the sender's, bit for bit.
    assert np.array_equal(played[delay + fade :], sent[fade : len(played) - delay])
    assert mixer.participants == ["amal"]
    assert mixer.buffered_ms("amal") == 20.0


def test_latency_stays_bounded_when_the_producer_is_faster() -> None:
    mixer = AudioMixer(target_ms=40, max_ms=120)
    out, position, worst = [], 0, 0.0
    for i in range(300):  # producer 1.5x faster than the consumer, for 6 seconds
        mixer.push("fast", tone(440, FRAME_SAMPLES, position, AMPLITUDE))
        position += FRAME_SAMPLES
        if i % 3 != 2:
            out.append(mixer.read(FRAME_SAMPLES))
        worst = max(worst, mixer.buffered_ms("fast"))
    assert worst <= 120.0
    assert mixer.buffered_ms("fast") <= 120.0
    assert mixer.dropped_samples > 40 * FRAME_SAMPLES  # the excess went, not into delay
    played = np.concatenate(out)
    assert max_step(played) < CLICK_LIMIT  # drops are crossfaded
    assert abs(peak_frequency(played[-SAMPLE_RATE:]) - 440) < 2


def test_participant_leaving_mid_word_fades_without_click() -> None:
    mixer = AudioMixer(fade_ms=10)
    out, position = [], 0
    for _ in range(10):
        mixer.push("amal", tone(440, FRAME_SAMPLES, position, AMPLITUDE))
        position += FRAME_SAMPLES
        out.append(mixer.read(FRAME_SAMPLES))
    mixer.remove("amal")
    assert mixer.participants == []
    for _ in range(5):
        out.append(mixer.read(FRAME_SAMPLES))
    played = np.concatenate(out)
    assert np.abs(played[: 8 * FRAME_SAMPLES]).max() > 0.45 * 32767  # they were talking
    assert max_step(played) < CLICK_LIMIT
    assert not played[-2 * FRAME_SAMPLES :].any()  # then silence
    assert mixer.read(FRAME_SAMPLES).sum() == 0


def test_underrun_conceals_and_resumes_without_click() -> None:
    mixer = AudioMixer()
    out, position = [], 0
    for i in range(60):
        if not 20 <= i < 30:  # the sender goes quiet for 200 ms, then comes back
            mixer.push("bilal", tone(440, FRAME_SAMPLES, position, AMPLITUDE))
        position += FRAME_SAMPLES
        out.append(mixer.read(FRAME_SAMPLES))
    played = np.concatenate(out)
    assert mixer.underruns == 1
    assert max_step(played) < CLICK_LIMIT
    gap = played[23 * FRAME_SAMPLES : 30 * FRAME_SAMPLES]
    assert not gap.any()  # the concealment faded to silence
    assert np.abs(played[-FRAME_SAMPLES:]).max() > 0.45 * 32767  # and the voice is back


def test_mixes_participants_and_clips_instead_of_wrapping() -> None:
    mixer = AudioMixer()
    out = []
    for i in range(50):
        start = i * FRAME_SAMPLES
        mixer.push("low", tone(440, FRAME_SAMPLES, start, 0.9))
        mixer.push("high", tone(1000, FRAME_SAMPLES, start, 0.9))
        out.append(mixer.read(FRAME_SAMPLES))
    played = np.concatenate(out)[-SAMPLE_RATE // 2 :].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(played))
    freqs = np.fft.rfftfreq(len(played), 1 / SAMPLE_RATE)
    top_two = sorted(freqs[np.argsort(spectrum)[-2:]])
    assert abs(top_two[0] - 440) < 3 and abs(top_two[1] - 1000) < 3
    assert played.max() == 32767 and played.min() == -32768  # clipped, not wrapped
    assert sorted(mixer.participants) == ["high", "low"]


def test_silence_with_nobody_and_odd_read_sizes() -> None:
    mixer = AudioMixer()
    assert not mixer.read(123).any() and mixer.read(123).dtype == np.int16
    sent = tone(440, 10 * FRAME_SAMPLES, amplitude=AMPLITUDE)
    mixer.push("amal", sent)
    # A device asking for 1024-sample blocks gets exactly that, continuously.
    played = np.concatenate([mixer.read(1024) for _ in range(8)])
    assert len(played) == 8192
    assert max_step(played) < CLICK_LIMIT


def test_a_lost_packet_is_concealed_in_place_without_click() -> None:
    mixer = AudioMixer(target_ms=30, fade_ms=10)
    out = []
    for i in range(40):
        if i != 20:  # packet 20 is lost: its 20 ms are concealed, later audio stays in time
            start = i * FRAME_SAMPLES
            mixer.push("amal", tone(440, FRAME_SAMPLES, start, AMPLITUDE), pts=start)
        out.append(mixer.read(FRAME_SAMPLES))
    played = np.concatenate(out)
    assert mixer.concealed_samples == FRAME_SAMPLES and mixer.underruns == 0
    assert max_step(played) < CLICK_LIMIT
    # In time: the samples after the gap are where the sender put them.
    lag = FRAME_SAMPLES  # playback starts at the second read (30 ms buffered)
    after = slice(24 * FRAME_SAMPLES, 40 * FRAME_SAMPLES)
    shifted = slice(after.start - lag, after.stop - lag)
    expected = tone(440, 40 * FRAME_SAMPLES, 0, AMPLITUDE)[shifted]
    assert np.array_equal(played[after], expected)


def test_late_and_duplicate_packets_are_dropped() -> None:
    mixer = AudioMixer(target_ms=30)
    for i in range(4):
        mixer.push("amal", tone(440, FRAME_SAMPLES, i * FRAME_SAMPLES, AMPLITUDE), pts=i * 960)
    mixer.push("amal", tone(440, FRAME_SAMPLES, 0, AMPLITUDE), pts=2 * 960)  # again
    assert mixer.buffered_ms("amal") == 80.0


def test_buffer_drains_back_to_target_after_a_burst() -> None:
    mixer = AudioMixer(target_ms=30, max_ms=100, drain_window_s=1.0)
    position = 0

    def send(frames: int) -> None:
        nonlocal position
        for _ in range(frames):
            mixer.push("amal", tone(440, FRAME_SAMPLES, position, AMPLITUDE), pts=position)
            position += FRAME_SAMPLES

    send(2)
    out = [mixer.read(FRAME_SAMPLES)]
    send(4)  # a burst of 80 ms: under max_ms, so not trimmed on arrival
    assert mixer.buffered_ms("amal") >= 80.0
    for _ in range(150):  # three seconds of steady traffic
        send(1)
        out.append(mixer.read(FRAME_SAMPLES))
    assert mixer.buffered_ms("amal") <= 40.0  # back near the target, not 80 ms behind
    assert mixer.dropped_samples >= 40 * SAMPLE_RATE // 1000
    assert max_step(np.concatenate(out)) < CLICK_LIMIT


def test_one_leaving_mid_word_neither_clicks_nor_stalls_the_others() -> None:
    mixer = AudioMixer()
    out, position = [], 0
    for i in range(40):
        mixer.push("amal", tone(440, FRAME_SAMPLES, position, 0.3), pts=position)
        if i < 20:
            mixer.push("sami", tone(660, FRAME_SAMPLES, position, 0.3), pts=position)
        elif i == 20:
            mixer.remove("sami")  # gone mid-word, with audio still buffered
        position += FRAME_SAMPLES
        out.append(mixer.read(FRAME_SAMPLES))
    played = np.concatenate(out)
    assert mixer.participants == ["amal"] and mixer.underruns == 0
    # Both tones' natural steps added: anything larger is a click.
    assert max_step(played) < 2 * np.pi * (440 + 660) / SAMPLE_RATE * 0.3 * 1.1
    # Amal plays on without a gap: the last 300 ms are her tone alone, sample for sample.
    tail = played[-15 * FRAME_SAMPLES :]
    lag = FRAME_SAMPLES  # the prefill
    start = len(played) - len(tail) - lag
    assert np.array_equal(tail, tone(440, len(tail), start, 0.3))
