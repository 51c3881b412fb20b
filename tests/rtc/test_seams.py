"""The private aiortc hooks in app.rtc.seams, exercised on real peer connections
(aiortc is pinned exactly; these catch an upgrade that moved a hook)."""

from __future__ import annotations

import asyncio
import inspect
import queue
import socket
import threading
import time

import aiortc
from aiortc import MediaStreamTrack, RTCPeerConnection, RTCRtpReceiver, RTCRtpSender, rtcrtpreceiver
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from app.rtc import seams, udp
from app.rtc.configuration import preferred_codecs, rtc_configuration
from app.rtc.recovery import ReceiverRecovery, connection_rtt
from tests.rtc.lossy import Dropper
from tests.server.harness import ColourTrack
from tests.waiting import wait_until


def test_the_pinned_aiortc_still_has_every_hook() -> None:
    assert aiortc.__version__ == "1.16.0"
    worker = inspect.signature(seams._original_worker)
    assert list(worker.parameters) == ["loop", "input_q", "output_q", "decode_error"]
    receive = inspect.signature(rtcrtpreceiver.RTCRtpReceiver.receive)
    assert list(receive.parameters) == ["self", "parameters"]
    receiver_private = ("__jitter_buffer", "__nack_generator", "__rtcp_ssrc", "__rtx_ssrc")
    init = inspect.getsource(RTCRtpReceiver.__init__)
    for name in receiver_private:
        assert f"self.{name}" in init, name
    sender_init = inspect.getsource(RTCRtpSender.__init__)
    assert "self.__rtt" in sender_init and "self.__encoder" in sender_init
    for method in ("_send_rtcp_pli", "_send_rtcp_nack", "_send_rtcp", "_handle_rtp_packet"):
        assert callable(getattr(RTCRtpReceiver, method)), method
    for method in ("_send_keyframe", "_handle_rtcp_packet", "_retransmit"):
        assert callable(getattr(RTCRtpSender, method)), method


async def _connect(sender: RTCPeerConnection, receiver: RTCPeerConnection) -> None:
    await sender.setLocalDescription(await sender.createOffer())
    await receiver.setRemoteDescription(sender.localDescription)
    await receiver.setLocalDescription(await receiver.createAnswer())
    await sender.setRemoteDescription(receiver.localDescription)


async def test_retransmissions_reach_each_of_two_video_receivers_under_loss() -> None:
    """aiortc alone drops every RTX packet when a connection has two video receivers."""
    sender, receiver = (
        RTCPeerConnection(rtc_configuration()),
        RTCPeerConnection(rtc_configuration()),
    )
    for colour in ((200, 0, 0), (0, 0, 200)):
        transceiver = sender.addTransceiver(ColourTrack(colour), direction="sendonly")
        transceiver.setCodecPreferences(preferred_codecs("video"))
    recoveries: list[ReceiverRecovery] = []
    frames = [0, 0]

    async def consume(track: MediaStreamTrack, index: int) -> None:
        while True:
            await track.recv()
            frames[index] += 1

    tasks = []

    def on_track(track: MediaStreamTrack) -> None:
        transceiver = next(t for t in receiver.getTransceivers() if t.receiver.track is track)
        seams.set_decoder(transceiver.receiver)
        recoveries.append(
            ReceiverRecovery(transceiver.receiver, "video", lambda: connection_rtt(receiver))
        )
        tasks.append(asyncio.ensure_future(consume(track, len(tasks))))

    receiver.on("track", on_track)
    try:
        await _connect(sender, receiver)
        dropper = Dropper(0.05, seed=3)
        dropper.attach(sender)
        await wait_until(
            lambda: len(recoveries) == 2 and all(r.stats()["repaired"] >= 10 for r in recoveries),
            asyncio.Event(),  # polled every 100 ms
            30,
            "both receivers repair losses",
        )
        # Every receiver's RTX SSRC is in the router's table.
        transport = receiver.getTransceivers()[0].receiver.transport
        router_ssrcs = set(transport._rtp_router.ssrc_table)
        for t in receiver.getTransceivers():
            parameters = receiver._RTCPeerConnection__remoteRtp(t)  # type: ignore[attr-defined]
            assert parameters.encodings[0].rtx.ssrc in router_ssrcs
        assert dropper.dropped > 0
        # What aiortc computes but keeps private: the RTCP figures Liqaa reads.
        for t in receiver.getTransceivers():
            assert isinstance(seams.rtcp_ssrc(t.receiver), int)
        await wait_until(
            lambda: all(seams.round_trip_time(s) is not None for s in sender.getSenders()),
            asyncio.Event(),
            10,
            "receiver reports give a round-trip time",
        )
        assert 0 < connection_rtt(sender) < 0.5
        assert all(n > 30 for n in frames), frames
    finally:
        for task in tasks:
            task.cancel()
        for r in recoveries:
            r.close()
        await sender.close()
        await receiver.close()


class _RecordingDecoder:
    def __init__(self, decoded: list[bytes]) -> None:
        self.decoded = decoded

    def decode(self, frame: JitterFrame) -> list[bytes]:
        self.decoded.append(frame.data)
        return [frame.data]


def _vp8_codec() -> RTCRtpCodecParameters:
    return RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=97)


async def _run_decoder(backlog: list[object], later: list[object]) -> tuple[list[bytes], bool]:
    """Queue ``backlog`` before the decoder thread starts (it has fallen behind), then
    ``later`` once it has dealt with that, to the end of the stream; what it decoded,
    and whether it asked for a keyframe."""
    loop = asyncio.get_running_loop()
    input_q: queue.Queue[object] = queue.Queue()
    for task in backlog:
        input_q.put(task)
    output_q: asyncio.Queue[object] = asyncio.Queue()
    error = threading.Event()
    decoded: list[bytes] = []
    thread = threading.Thread(
        target=seams._decode,
        args=(lambda codec: _RecordingDecoder(decoded), loop, input_q, output_q, error),
    )
    thread.start()
    await wait_until(input_q.empty, asyncio.Event(), 5, "the backlog is taken")
    for task in [*later, None]:
        input_q.put(task)
    while await output_q.get() is not None:
        pass
    thread.join()
    return decoded, error.is_set()


KEY, DELTA = b"\x10key", b"\x11delta"


def stale(frame: JitterFrame) -> JitterFrame:
    """Released by the jitter buffer a second ago: the decoder is that far behind."""
    frame.released = time.monotonic() - 1.0  # type: ignore[attr-defined]
    return frame


async def test_a_burst_of_fresh_frames_is_decoded_not_skipped() -> None:
    """Jitter completes several frames at once: that is not falling behind."""
    codec = _vp8_codec()
    burst = [(codec, JitterFrame(DELTA + bytes([i]), i)) for i in range(8)]
    for _, frame in burst:
        frame.released = time.monotonic()  # type: ignore[attr-defined]
    decoded, asked = await _run_decoder(burst, [])
    assert decoded == [f.data for _, f in burst] and not asked


async def test_a_decoder_that_falls_behind_skips_to_the_newest_keyframe() -> None:
    codec = _vp8_codec()
    frames = [DELTA + bytes([i]) for i in range(8)] + [KEY] + [DELTA + b"after"]
    tasks = [(codec, stale(JitterFrame(data, i))) for i, data in enumerate(frames)]
    decoded, asked = await _run_decoder(tasks, [(codec, JitterFrame(DELTA + b"next", 10))])
    # The stale deltas are skipped, decoding resumes at the keyframe and goes on, without
    # asking for another keyframe.
    assert decoded == [KEY, DELTA + b"after", DELTA + b"next"] and not asked


async def test_with_no_keyframe_waiting_it_drops_the_backlog_and_asks_for_one() -> None:
    codec = _vp8_codec()
    behind = [(codec, stale(JitterFrame(DELTA + bytes([i]), i))) for i in range(8)]
    later = [(codec, JitterFrame(DELTA + b"x", 9)), (codec, JitterFrame(KEY, 10))]
    decoded, asked = await _run_decoder(behind, later)
    # Deltas after the dropped backlog are useless until the keyframe comes.
    assert decoded == [KEY] and asked


async def test_ready_sockets_are_drained_in_one_wake_up() -> None:
    """asyncio reads one datagram per socket per loop iteration; Liqaa reads them all."""
    udp.drain_datagrams()
    loop = asyncio.get_running_loop()
    received: list[bytes] = []

    class Collect(asyncio.DatagramProtocol):
        def datagram_received(self, data: bytes, addr: object) -> None:
            received.append(data)

    transport, _ = await loop.create_datagram_endpoint(Collect, local_addr=("127.0.0.1", 0))
    address = transport.get_extra_info("sockname")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        for i in range(100):
            sender.sendto(bytes([i]), address)
    await asyncio.sleep(0.05)  # the datagrams are queued in the kernel by now
    wake_ups = 0
    while len(received) < 100 and wake_ups < 100:
        await asyncio.sleep(0)
        wake_ups += 1
    transport.close()
    assert len(received) == 100 and wake_ups <= 3
