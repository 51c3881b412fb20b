"""The aiortc seams the relay relies on (aiortc is pinned; these catch an upgrade
that moved them) and that the relay really forwards without decoding."""

from __future__ import annotations

import inspect

import aiortc
import av
from aiortc import rtcrtpreceiver, rtcrtpsender
from aiortc.jitterbuffer import JitterBuffer
from aiortc.rtp import RtpPacket

from app.core.roles import MediaKind
from app.server import passthrough
from app.server.relay import Publication
from tests.server.conftest import RunningServer
from tests.server.test_meeting_flow import RED, guest_joins, host_meeting


def test_aiortc_seams_still_exist() -> None:
    assert aiortc.__version__ == "1.16.0"
    worker = inspect.signature(passthrough._original_worker)
    assert list(worker.parameters) == ["loop", "input_q", "output_q", "decode_error"]
    receive = inspect.getsource(rtcrtpreceiver.RTCRtpReceiver.receive)
    assert "target=decoder_worker" in receive and "self._track._queue" in receive
    init = inspect.getsource(rtcrtpreceiver.RTCRtpReceiver.__init__)
    assert "self.__jitter_buffer = JitterBuffer(" in init
    assert "self._send_keyframe()" in inspect.getsource(rtcrtpsender.RTCRtpSender)
    assert "self.__encoder.pack(data)" in inspect.getsource(rtcrtpsender.RTCRtpSender)
    assert hasattr(rtcrtpreceiver.RTCRtpReceiver, "_send_rtcp_pli")


def _packet(seq: int, ts: int, marker: bool, payload: bytes) -> RtpPacket:
    packet = RtpPacket(sequence_number=seq, timestamp=ts, marker=int(marker))
    packet._data = payload  # type: ignore[attr-defined]
    return packet


def test_marker_jitter_buffer_releases_on_the_last_packet() -> None:
    buffer = passthrough.MarkerJitterBuffer(capacity=128, is_video=True)
    assert buffer.add(_packet(1, 100, False, b"a")) == (False, None)
    _, frame = buffer.add(_packet(2, 100, True, b"b"))
    assert frame is not None and frame.data == b"ab" and frame.timestamp == 100
    # aiortc's own buffer holds the same frame until the next frame starts.
    stock = JitterBuffer(capacity=128, is_video=True)
    stock.add(_packet(1, 100, False, b"a"))
    assert stock.add(_packet(2, 100, True, b"b"))[1] is None
    # Audio: one packet per frame, released at once.
    audio = passthrough.MarkerJitterBuffer(capacity=16)
    assert audio.add(_packet(7, 960, True, b"opus"))[1] is not None


def test_vp8_keyframe_bit() -> None:
    assert passthrough.is_vp8_keyframe(b"\x10\x02\x00\x9d\x01\x2a")
    assert not passthrough.is_vp8_keyframe(b"\x31\x02\x00")
    assert not passthrough.is_vp8_keyframe(b"")


async def test_relay_forwards_packets_without_decoding(running: RunningServer) -> None:
    host, created = await host_meeting(running, waiting_room=False)
    viewer = await guest_joins(running, created, "Viewer")
    await host.start_media(RED, 440)
    await viewer.start_media()
    assert host.pid is not None
    await viewer.wait_for(lambda: viewer.frames_from(host.pid, MediaKind.VIDEO) > 10, 20)
    room = running.server.rooms[created.meeting_id]
    publications: list[Publication] = list(room.relay.peers[host.pid].publications.values())
    assert {pub.kind for pub in publications} == set(MediaKind)
    sending = [pub for pub in publications if pub.kind is not MediaKind.SCREEN]
    for pub in sending:
        assert pub.forwarded > 0
        # What the relay's receiver yields is still encoded.
        assert isinstance(await pub.track.recv(), av.Packet)
    screen = next(pub for pub in publications if pub.kind is MediaKind.SCREEN)
    assert screen.forwarded == 0  # no screen share: nothing forwarded
    for guest in (host, viewer):
        await guest.close()


def test_a_lost_packet_does_not_hold_video_back_for_long() -> None:
    buffer = passthrough.MarkerJitterBuffer(capacity=512, is_video=True, max_backlog=8)
    assert buffer.add(_packet(1, 100, False, b"a")) == (False, None)
    # Packet 2 (the end of frame 100) is lost; three-packet frames keep coming.
    released, plis, seq = [], 0, 3
    for k in range(1, 13):
        for i in range(3):
            pli, frame = buffer.add(_packet(seq, 100 + 10 * k, i == 2, bytes([k, i])))
            seq += 1
            plis += pli
            if frame is not None:
                released.append(frame.timestamp)
    # Held for max_backlog packets (time for a retransmission), then the incomplete
    # frame is dropped, a keyframe requested, and the frames after it catch up.
    assert plis == 1 and buffer.skipped_gaps == 1
    assert released == [100 + 10 * k for k in range(1, 13)]
    # A retransmission that arrives in time fills the gap without any skip.
    again = passthrough.MarkerJitterBuffer(capacity=512, is_video=True, max_backlog=8)
    again.add(_packet(1, 100, False, b"a"))
    again.add(_packet(3, 110, True, b"c"))
    filled = again.add(_packet(2, 100, True, b"b"))[1]
    assert filled is not None and filled.data == b"ab" and again.skipped_gaps == 0


def test_a_large_frame_still_arriving_is_not_a_gap() -> None:
    buffer = passthrough.MarkerJitterBuffer(capacity=512, is_video=True, max_backlog=8)
    # A 100-packet keyframe (a shared screen) arrives in order: nothing is skipped.
    frames = [buffer.add(_packet(seq, 500, seq == 100, b"k"))[1] for seq in range(1, 101)]
    assert frames[:-1] == [None] * 99 and frames[-1] is not None
    assert len(frames[-1].data) == 100 and buffer.skipped_gaps == 0


def test_lost_audio_is_skipped_at_once() -> None:
    buffer = passthrough.MarkerJitterBuffer(capacity=16)
    assert buffer.add(_packet(1, 960, True, b"1"))[1] is not None
    frames = [buffer.add(_packet(seq, 960 * seq, True, bytes([seq])))[1] for seq in (3, 4, 5)]
    # Packet 2 never comes: 3 waits for one packet's worth of reordering, then plays.
    assert [f.timestamp if f else None for f in frames] == [None, 960 * 3, 960 * 4]
