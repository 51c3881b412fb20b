"""Who speaker view shows big: the last remote participant who started speaking and
kept on for the hold; never yourself; the first remote participant when they leave.
Time is passed in, so nothing here sleeps."""

from __future__ import annotations

from app.client.speaking import HOLD, SWITCH_HOLD, ActiveSpeaker, SpeakingDetector

REMOTE = ["a", "b", "c"]  # in join order


def test_the_hold_is_longer_than_a_cough_stays_in_the_speaking_set() -> None:
    # A 0.3 s cough is "speaking" for 0.3 s + the detector's HOLD.
    assert SWITCH_HOLD > 0.3 + HOLD
    assert SWITCH_HOLD <= 1.0


def test_first_remote_participant_until_someone_speaks_and_nobody_when_alone() -> None:
    speaker = ActiveSpeaker(hold=1.0)
    assert not speaker.update([], set(), now=0.0)
    assert speaker.pid is None  # alone: yourself
    assert speaker.update(REMOTE, set(), now=1.0)
    assert speaker.pid == "a"
    assert speaker.next_check(1.0) is None


def test_a_new_speaker_takes_over_only_after_the_hold() -> None:
    speaker = ActiveSpeaker(hold=1.0)
    speaker.update(REMOTE, set(), now=0.0)
    # A cough: in the speaking set for less than the hold.
    assert not speaker.update(REMOTE, {"b"}, now=10.0)
    assert speaker.next_check(10.0) == 1.0
    assert not speaker.update(REMOTE, {"b"}, now=10.9)
    assert not speaker.update(REMOTE, set(), now=10.95)
    assert speaker.pid == "a" and speaker.next_check(11.0) is None
    # Speaking on: the switch comes when the hold ends (the caller asks again then).
    speaker.update(REMOTE, {"c"}, now=20.0)
    assert speaker.next_check(20.25) == 0.75
    assert not speaker.update(REMOTE, {"c"}, now=20.5)
    assert speaker.update(REMOTE, {"c"}, now=21.0)
    assert speaker.pid == "c" and speaker.next_check(21.0) is None


def test_stays_on_the_last_speaker_through_pauses_and_silence() -> None:
    speaker = ActiveSpeaker(hold=1.0)
    speaker.update(REMOTE, {"b"}, now=0.0)
    speaker.update(REMOTE, {"b"}, now=1.0)
    assert speaker.pid == "b"
    assert not speaker.update(REMOTE, set(), now=2.0)  # a pause
    assert not speaker.update(REMOTE, set(), now=60.0)  # silence
    assert speaker.pid == "b"
    # Back to speaking after a pause: still b, nothing to wait for.
    assert not speaker.update(REMOTE, {"b"}, now=61.0)
    assert not speaker.update(REMOTE, {"b"}, now=62.0)
    assert speaker.pid == "b"


def test_the_most_recent_to_start_speaking_wins() -> None:
    speaker = ActiveSpeaker(hold=1.0)
    speaker.update(REMOTE, {"a"}, now=0.0)
    speaker.update(REMOTE, {"a"}, now=1.0)
    assert speaker.pid == "a"
    # b starts while a talks on: b after the hold.
    speaker.update(REMOTE, {"a", "b"}, now=5.0)
    assert speaker.update(REMOTE, {"a", "b"}, now=6.0)
    assert speaker.pid == "b"
    # b pauses while a talks on: a started earlier, so b stays.
    assert not speaker.update(REMOTE, {"a"}, now=7.0)
    assert not speaker.update(REMOTE, {"a"}, now=9.0)
    assert speaker.pid == "b" and speaker.next_check(9.0) is None
    # a stops and starts again: a new turn, a after the hold.
    speaker.update(REMOTE, set(), now=10.0)
    speaker.update(REMOTE, {"a"}, now=11.0)
    assert speaker.update(REMOTE, {"a"}, now=12.0)
    assert speaker.pid == "a"


def test_when_the_speaker_leaves_the_first_remote_participant_or_whoever_speaks() -> None:
    speaker = ActiveSpeaker(hold=1.0)
    speaker.update(REMOTE, {"b"}, now=0.0)
    speaker.update(REMOTE, {"b"}, now=1.0)
    assert speaker.pid == "b"
    assert speaker.update(["a", "c"], set(), now=2.0)
    assert speaker.pid == "a"
    assert speaker.update(["c"], set(), now=3.0)
    assert speaker.pid == "c"
    assert speaker.update([], set(), now=4.0)
    assert speaker.pid is None  # alone again: yourself
    # Someone who has been speaking for the hold takes over from the fallback at once.
    speaker = ActiveSpeaker(hold=1.0)
    speaker.update(REMOTE, {"b"}, now=0.0)
    speaker.update(REMOTE, {"b", "c"}, now=1.0)
    assert speaker.pid == "b"
    assert speaker.update(["a", "c"], {"c"}, now=2.0)
    assert speaker.pid == "c"


def test_only_the_participants_passed_count() -> None:
    # The gallery passes remote participants only: your own ID in the speaking set
    # (or anyone who is not here) never becomes the active speaker.
    speaker = ActiveSpeaker(hold=1.0)
    speaker.update(REMOTE, {"me", "gone"}, now=0.0)
    speaker.update(REMOTE, {"me", "gone"}, now=5.0)
    assert speaker.pid == "a" and speaker.next_check(5.0) is None


def test_detector_expires_voices_whose_audio_stopped_arriving() -> None:
    detector = SpeakingDetector()
    assert detector.update("amal", -20.0, now=10.0)
    assert not detector.expire(now=10.3)  # a pause between words: still speaking
    assert detector.speaking == {"amal"}
    assert detector.expire(now=10.01 + HOLD)  # muted at the relay: no frames at all
    assert detector.speaking == frozenset()
