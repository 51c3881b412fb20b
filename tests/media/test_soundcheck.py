"""Test speaker and test microphone (app.media.soundcheck) on real sound.

The PulseAudio fixture's null sink is both the speaker ("pulse" plays into it) and
the microphone ("pulse" records its monitor), so what the test plays is what a
listening microphone hears.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pytest

from app.media.audioformat import SAMPLE_RATE
from app.media.microphone import MicrophoneSource
from app.media.processing import ProcessingConfig
from app.media.soundcheck import Clip, Outcome, Phase, SoundCheck, chime
from app.media.state import SourceState
from tests.fixtures.pulse import PulseServer, pulse_server

from .helpers import max_step, playing_tone, wait_until

__all__ = ["pulse_server"]


def band_share(samples: np.ndarray, low: float, high: float) -> float:
    """The share of the energy (above 100 Hz) between ``low`` and ``high`` Hz.

    No window: a window would weigh the middle of a recording over its ends."""
    x = samples.astype(np.float64)
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE)
    return float(spectrum[(freqs > low) & (freqs < high)].sum() / spectrum[freqs > 100].sum())


def test_chime_is_smooth_and_at_its_two_notes() -> None:
    sound = chime()
    assert len(sound) == int(1.2 * SAMPLE_RATE)
    assert 0.45 < np.abs(sound).max() / 32767 < 0.55  # -6 dBFS
    assert max_step(sound) < 0.1  # the 5 ms attack: no click at the start of a note
    assert band_share(sound[: int(0.35 * SAMPLE_RATE)], 640, 680) > 0.5  # E5
    assert band_share(sound[int(0.5 * SAMPLE_RATE) :], 860, 900) > 0.5  # then A5


def test_clip_plays_once_then_silence() -> None:
    clip = Clip(np.arange(1, 1001, dtype=np.int16))
    assert np.array_equal(clip.read(600), np.arange(1, 601))
    assert not clip.finished and clip.progress == 0.6
    rest = clip.read(600)
    assert np.array_equal(rest[:400], np.arange(601, 1001)) and not rest[400:].any()
    assert clip.finished and not clip.read(10).any()


@pytest.fixture
def listener(pulse_server: PulseServer) -> Iterator[tuple[MicrophoneSource, list[np.ndarray]]]:
    """A microphone on the null sink's monitor, recording everything that is played."""
    microphone = MicrophoneSource(pulse_server.device)
    frames: list[np.ndarray] = []
    microphone.add_tap(frames.append)
    microphone.start()
    assert microphone.state is SourceState.LIVE, microphone.error
    yield microphone, frames
    microphone.stop()


def test_test_sound_plays_on_the_chosen_speaker(
    pulse_server: PulseServer, listener: tuple[MicrophoneSource, list[np.ndarray]]
) -> None:
    _, frames = listener
    check = SoundCheck()
    heard_from = len(frames)
    check.play_test_sound(pulse_server.device)
    assert check.busy and check.phase is Phase.PLAYING  # busy at once, for the UI
    assert wait_until(lambda: check.progress > 0, timeout=5)
    assert check.wait(timeout=10)
    assert check.outcome is Outcome.DONE and check.phase is Phase.IDLE
    heard = np.concatenate(frames[heard_from:])
    level = 20 * np.log10(np.abs(heard).max() / 32768)
    assert level > -12, f"the chime was not heard ({level:.1f} dBFS peak)"
    assert band_share(heard, 640, 680) > 0.15 and band_share(heard, 860, 900) > 0.15


def test_microphone_test_records_then_plays_the_recording_back(
    pulse_server: PulseServer, listener: tuple[MicrophoneSource, list[np.ndarray]]
) -> None:
    """A 440 Hz tone plays while the test records; it stops; what the speaker plays
    after that can only be the recording."""
    microphone, frames = listener
    check = SoundCheck()
    with playing_tone(pulse_server.device):
        assert wait_until(lambda: microphone.level_dbfs > -20, timeout=5)
        # Processing on (as in a call): the recording is what others would hear.
        check.record_and_play(
            microphone,
            pulse_server.device,
            seconds=1.5,
            processing=ProcessingConfig(echo_cancellation=False),
        )
        assert check.phase is Phase.RECORDING
        assert wait_until(lambda: check.phase is Phase.PLAYING, timeout=10)
    time.sleep(0.2)  # the tone's last buffers leave the sink
    heard_from = len(frames)
    assert check.wait(timeout=10)
    assert check.outcome is Outcome.DONE
    assert check.recorded_peak_dbfs > -30
    heard = np.concatenate(frames[heard_from:])
    assert len(heard) > 0.5 * SAMPLE_RATE
    assert 20 * np.log10(np.abs(heard).max() / 32768 + 1e-12) > -30, "no playback heard"
    assert band_share(heard, 400, 480) > 0.5


def test_missing_devices_end_the_test_with_a_reason(pulse_server: PulseServer) -> None:
    check = SoundCheck()
    check.play_test_sound("No such speaker")
    assert check.wait(timeout=10)
    assert check.outcome is Outcome.NO_SPEAKER and "not found" in (check.error or "")
    microphone = MicrophoneSource("No such microphone")
    microphone.start()
    check.record_and_play(microphone, pulse_server.device, seconds=1.0)
    assert check.wait(timeout=10)
    assert check.outcome is Outcome.NO_MICROPHONE and check.phase is Phase.IDLE


def test_stopping_and_restarting_never_mixes_up_tests(pulse_server: PulseServer) -> None:
    check = SoundCheck()
    check.play_test_sound(pulse_server.device)
    check.stop()
    check.play_test_sound(pulse_server.device)  # the first winds down; this one reports
    assert check.phase is Phase.PLAYING
    assert check.wait(timeout=10)
    assert check.outcome is Outcome.DONE
    check.play_test_sound(pulse_server.device)
    assert wait_until(lambda: check.progress > 0, timeout=5)
    check.stop()
    assert check.wait(timeout=5)
    assert check.outcome is Outcome.STOPPED and not check.busy
