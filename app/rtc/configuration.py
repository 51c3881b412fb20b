"""The peer-connection configuration the relay and the clients share."""

from __future__ import annotations

from aiortc import RTCBundlePolicy, RTCConfiguration, RTCRtpCodecCapability, RTCRtpSender

from app.rtc import seams, udp


def rtc_configuration() -> RTCConfiguration:
    """Shared by the relay and the clients.

    No STUN: aiortc's default asks a public server, and Liqaa's relay is reached
    directly (LAN, or a server with a public address). MAX_BUNDLE: with aiortc's
    default (balanced) a second transceiver of a kind shares the first one's
    transport from birth, BUNDLE negotiation then skips it as already bundled, and
    it is left on a transport that gets discarded: the screen share (the second
    video m-line) never started sending.

    Creating a connection also installs the transport-level fixes every Liqaa
    connection relies on: retransmissions routed to their receiver
    (``seams.register_rtx``) and sockets drained on each wake-up (``udp``).
    """
    seams.register_rtx()
    udp.drain_datagrams()
    return RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)


def preferred_codecs(kind: str) -> list[RTCRtpCodecCapability]:
    """Opus for audio, VP8 (with RTX) for video: one codec per meeting, so the relay
    forwards each frame to every subscriber as is."""
    wanted = ("audio/opus",) if kind == "audio" else ("video/vp8", "video/rtx")
    return [c for c in RTCRtpSender.getCapabilities(kind).codecs if c.mimeType.lower() in wanted]
