"""Protocol fuzzing against a real server on 127.0.0.1.

Random and mutated frames (random text and bytes, random JSON, real message types
with wrong field types, valid messages out of order or from the wrong person,
deep nesting, huge strings, invalid UTF-8) from a connection that has not joined,
from a waiting-room guest and from a plain participant. For every frame: one
Error reply with the right code (until the strike limit closes the connection
with Closed(flooding)), no state change in the meeting, and nothing in the
server log (the autouse fixture fails the test on any ERROR or traceback).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.core import protocol as p
from app.core.errors import Code
from app.core.roles import MediaKind
from app.server.connection import MAX_STRIKES, NOT_STRIKES
from app.server.server import Limits
from tests.abuse.scene import Answer, Scene, eventually, make_scene, probe
from tests.abuse.strategies import (
    NASTY,
    Expect,
    Frame,
    decoded,
    expect_new,
    expect_participant,
    expect_waiting,
    frames,
    ice_candidates,
    loopback_only,
    mutated,
)
from tests.abuse.tools import Disconnected, RawClient, snapshot
from tests.server.conftest import RunningServer
from tests.server.harness import Guest

FUZZ = settings(
    max_examples=120,
    deadline=None,
    database=None,  # no example database (failures print their reproduction)
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def limits() -> Limits:
    # Fuzzed create/join messages fail; with the default 5 failures 127.0.0.1 would be
    # locked out for the rest of the test. Lockout has its own tests (test_bruteforce).
    return Limits(address_failures=1_000_000, meeting_failures=1_000_000)


@pytest.fixture
async def scene(running: RunningServer) -> AsyncIterator[Scene]:
    made = await make_scene(running)
    yield made
    await made.close()


@dataclass
class Striker:
    """A connection's strike count as the server should see it."""

    strikes: int = 0


def check(answer: Answer, expected: Expect, striker: Striker, frame: Frame) -> None:
    """One Error per bad message, the right code, and the close at the strike limit."""
    where = f"for {frame[:200]!r}"
    if expected.maybe:
        assert len(answer.errors) <= 1, where
        assert all(e.code in expected.codes for e in answer.errors), (answer, where)
    elif expected.codes:
        assert len(answer.errors) == 1, (answer, where)
        assert answer.errors[0].code in expected.codes, (answer, where)
        message = decoded(frame)
        if message is not None:  # refused by a rule: the reply names the message
            assert answer.errors[0].ref == message.__struct_config__.tag, (answer, where)
    else:
        assert answer.errors == [], (answer, where)
        if expected.reply is not None:
            assert any(isinstance(r, expected.reply) for r in answer.replies), (answer, where)
    striker.strikes += sum(e.code not in NOT_STRIKES for e in answer.errors)
    if striker.strikes >= MAX_STRIKES:
        assert answer.closed == p.Closed(code=Code.FLOODING), (answer, where)
        assert answer.disconnected, where
        striker.strikes = 0
    else:
        assert answer.closed is None and not answer.disconnected, (answer, where)


# ----------------------------------------------------------- before joining


@FUZZ
@given(data=st.data())
async def test_fuzz_before_joining(scene: Scene, data: st.DataObject) -> None:
    """A stranger's connection: anything but create/join/ping is refused, nothing changes."""
    client: RawClient | None = scene.notes.get("stranger")
    if client is None or client.closed:
        if client is not None:
            await client.close()
        client = scene.notes["stranger"] = RawClient()
        await client.connect(scene.running.url, scene.running.fingerprint)
        scene.notes["striker"] = Striker()
    pids = [scene.host.pid or "", scene.participant.pid, scene.waiting.pid]
    frame = data.draw(frames(pids), label="frame")
    expected = expect_new(frame)
    assume(not expected.skip)
    before = snapshot(scene.meeting)
    meetings = set(scene.running.server.rooms)
    answer = await probe(client, frame)
    check(answer, expected, scene.notes["striker"], frame)
    assert snapshot(scene.meeting) == before
    assert set(scene.running.server.rooms) == meetings


# ----------------------------------------------------------- waiting room


@FUZZ
@given(data=st.data())
async def test_fuzz_waiting_guest(scene: Scene, data: st.DataObject) -> None:
    """A waiting-room guest may only wait: no SDP, chat, actions; never in the meeting."""
    strikers = scene.notes.setdefault("strikers", {})
    waiting = await scene.ensure_waiting()
    striker = strikers.setdefault(waiting.pid, Striker())
    pids = [scene.host.pid or "", scene.participant.pid, waiting.pid]
    frame = data.draw(frames(pids), label="frame")
    expected = expect_waiting(frame)
    assume(not expected.skip)
    before = snapshot(scene.meeting)
    answer = await probe(waiting.client, frame)
    check(answer, expected, striker, frame)
    if answer.disconnected:
        # Closed for too many bad messages: out of the waiting room, nothing else.
        await eventually(lambda: waiting.pid not in scene.meeting.lobby)
        before["lobby"].pop(waiting.pid)
    assert snapshot(scene.meeting) == before
    assert waiting.pid not in scene.meeting.participants
    assert waiting.pid not in scene.running.server.rooms[scene.created.meeting_id].relay.peers


# ----------------------------------------------------------- participant


@FUZZ
@given(data=st.data())
async def test_fuzz_participant_has_no_host_powers(scene: Scene, data: st.DataObject) -> None:
    """A plain participant in a suspended meeting: every host action, chat, media,
    rename and claim-host guess is refused and changes nothing."""
    if not scene.meeting.suspended:
        await scene.host.send(p.Suspend())
        await eventually(lambda: scene.meeting.suspended)
    actor = await scene.ensure_participant()
    striker = scene.notes.setdefault("striker", Striker())
    pids = [scene.host.pid or "", actor.pid, scene.waiting.pid]
    frame = data.draw(frames(pids, exclude=(p.Sdp, p.Ice, p.Leave)), label="frame")
    expected = expect_participant(
        frame, actor.pid, set(scene.meeting.participants), scene.created.host_key
    )
    assume(not expected.skip)
    before = snapshot(scene.meeting, own=actor.pid)
    answer = await probe(actor.client, frame)
    check(answer, expected, striker, frame)
    if answer.disconnected:
        await eventually(lambda: actor.pid not in scene.meeting.participants)
        before["participants"].pop(actor.pid)
    assert snapshot(scene.meeting, own=actor.pid) == before
    me = scene.meeting.participants.get(actor.pid)
    assert me is None or me.role == "participant"


# ----------------------------------------------------------- nasty frames


async def test_deep_nesting_huge_strings_and_bad_encodings(scene: Scene) -> None:
    """Deep nesting, huge strings and binary frames get one Error each; invalid
    UTF-8 in a text frame and frames over the transport limit fail the WebSocket
    as RFC 6455 requires (connection dropped; close code 1009); nothing crashes."""
    before = snapshot(scene.meeting)
    stranger = RawClient()
    await stranger.connect(scene.running.url, scene.running.fingerprint)
    for index, (name, frame) in enumerate(NASTY):
        if index and index % (MAX_STRIKES - 1) == 0:  # stay under the strike limit
            await stranger.close()
            stranger = RawClient()
            await stranger.connect(scene.running.url, scene.running.fingerprint)
            await scene.fresh_participant()
        for client in (stranger, scene.participant.client):
            answer = await probe(client, frame)
            assert len(answer.errors) == 1 and not answer.disconnected, (name, answer)
            assert answer.errors[0].code in (Code.MALFORMED, Code.TOO_LARGE), (name, answer)
            if "300 KB" in name:
                assert answer.errors[0].code == Code.TOO_LARGE
    await stranger.close()
    # Text frames that are not UTF-8: aiohttp fails the WebSocket connection at once
    # (RFC 6455 section 8.1): it drops the TCP connection, so the client sees 1006.
    client = RawClient()
    await client.connect(scene.running.url, scene.running.fingerprint)
    await client.send_invalid_utf8_text(b'{"type":"ping","x":"\xc3\x28\xff"}')
    with pytest.raises(Disconnected) as closed:
        await client.recv(5)
    assert closed.value.close_code in (1006, 1007)
    await client.close()
    # Over the transport limit (4 x 256 KiB): closed with 1009 "message too big".
    client = RawClient()
    await client.connect(scene.running.url, scene.running.fingerprint)
    await client.send('{"type":"chat","text":"' + "y" * (4 * p.MAX_MESSAGE_BYTES + 10) + '"}')
    with pytest.raises(Disconnected) as closed:
        await client.recv(10)
    assert closed.value.close_code in (1006, 1009)
    await client.close()
    # The meeting did not notice; the server still serves.
    participant = await scene.ensure_participant()
    before["participants"][participant.pid] = snapshot(scene.meeting)["participants"][
        participant.pid
    ]
    assert snapshot(scene.meeting) == before
    answer = await probe(participant.client, p.encode(p.RaiseHand(up=True)))
    assert answer.errors == []


# ----------------------------------------------------------- flooding


async def test_flood_is_cut_off_after_the_strike_limit(scene: Scene) -> None:
    """Valid messages faster than the rate limit: each one over gets Error(flooding)
    and the tenth strike closes the connection with Closed(flooding)."""
    actor = await scene.ensure_participant()
    for i in range(200):
        await actor.client.send(p.encode(p.Ping(nonce=i)))
    errors, closed = 0, None
    with pytest.raises(Disconnected):
        for _ in range(1000):
            message = await actor.client.recv(5)
            if isinstance(message, p.Error):
                assert message.code == Code.FLOODING
                errors += 1
            elif isinstance(message, p.Closed):
                closed = message
    assert errors == MAX_STRIKES and closed == p.Closed(code=Code.FLOODING)
    await eventually(lambda: actor.pid not in scene.meeting.participants)
    # It may come back (it was not removed), as the same participant.
    again = await scene.ensure_participant()
    assert again.pid in scene.meeting.participants


# ----------------------------------------------------------- SDP and ICE


@pytest.fixture
async def media_scene(scene: Scene) -> AsyncIterator[tuple[Scene, Guest]]:
    """The host and a second participant send media while the fuzzer works."""
    other = Guest("Other")
    await other.connect(scene.running.url, scene.running.fingerprint)
    reply = await other.join(scene.created.meeting_id, passcode=scene.created.passcode or "")
    assert isinstance(reply, p.InWaitingRoom)
    await scene.host.send(p.Admit(pid=other.pid or ""))
    await eventually(lambda: other.pid in scene.meeting.participants)
    await scene.host.start_media((220, 40, 40))
    await other.start_media((40, 200, 60))
    assert scene.host.pid is not None and other.pid is not None
    await other.wait_for(lambda: other.frames_from(scene.host.pid, MediaKind.VIDEO) > 5, 20)
    await scene.host.wait_for(lambda: scene.host.frames_from(other.pid, MediaKind.VIDEO) > 5, 20)
    yield scene, other
    await other.close()


async def _real_offer(scene: Scene) -> str:
    """A genuine aiortc offer (loopback candidates only) to mutate."""
    if "offer" not in scene.notes:
        from app.rtc.peer import MediaPeer

        sent: list[p.Sdp] = []

        async def keep(message: p.Sdp) -> None:
            sent.append(message)

        peer = MediaPeer(keep, lambda transceiver, track: None)
        await peer.start()
        await peer.close()
        scene.notes["offer"] = sent[0].sdp
    return str(scene.notes["offer"])


def sdp_messages(offer: str) -> st.SearchStrategy[p.Sdp]:
    text = st.one_of(
        st.text(max_size=300),
        st.just(offer),
        mutated(st.just(offer)),
        st.lists(st.sampled_from(offer.split("\r\n")), max_size=40).map("\r\n".join),
    )
    tracks = st.dictionaries(
        st.text(max_size=3) | st.sampled_from(["0", "1", "2"]),
        st.builds(p.TrackInfo, pid=st.text(max_size=12), kind=st.sampled_from(list(MediaKind))),
        max_size=4,
    )
    return st.builds(p.Sdp, sdp_type=st.sampled_from(["offer", "answer"]), sdp=text, tracks=tracks)


@settings(FUZZ, max_examples=60)
@given(data=st.data())
async def test_fuzz_sdp_and_ice(media_scene: tuple[Scene, Guest], data: st.DataObject) -> None:
    """Garbage, truncated and mutated SDP and ICE candidates from a participant: at
    most one Error each (malformed or bad_state), no server error, and the other
    participants' media keeps flowing."""
    scene, other = media_scene
    actor = await scene.ensure_participant()
    striker = scene.notes.setdefault("striker", Striker())
    offer = await _real_offer(scene)
    message: p.Sdp | p.Ice = data.draw(
        sdp_messages(offer)
        | st.builds(
            p.Ice,
            candidate=ice_candidates(),
            sdp_mid=st.none() | st.sampled_from(["0", "1", "2", "9", ""]),
            sdp_mline_index=st.none() | st.integers(-5, 2**40),
        ),
        label="message",
    )
    text = message.sdp if isinstance(message, p.Sdp) else message.candidate
    assume(loopback_only(text))
    frame = p.encode(message)
    answer = await probe(actor.client, frame)
    check(
        answer,
        Expect(maybe=True, codes=frozenset({Code.MALFORMED, Code.BAD_STATE, Code.TOO_LARGE})),
        striker,
        frame,
    )
    host_pid = scene.host.pid
    assert host_pid is not None and other.pid is not None
    if data.draw(st.integers(0, 9), label="check media") == 0:
        before = other.frames_from(host_pid, MediaKind.VIDEO)
        await other.wait_for(lambda: other.frames_from(host_pid, MediaKind.VIDEO) > before + 3)
