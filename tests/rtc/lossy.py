"""Random loss injected into a real peer connection's outgoing RTP, in-process (the
link emulator in bench/linkemu.py does it between network namespaces)."""

from __future__ import annotations

import random
from typing import Any

from aiortc import RTCPeerConnection
from aiortc.rtp import is_rtcp


class Dropper:
    def __init__(self, rate: float, seed: int) -> None:
        self.rate = rate
        self.sent = 0
        self.dropped = 0
        self._random = random.Random(seed)

    def attach(self, pc: RTCPeerConnection) -> None:
        """Drop RTP (not RTCP: NACKs and PLIs get through) leaving ``pc``."""
        transports = {t.sender.transport for t in pc.getTransceivers()}
        for transport in transports:
            send = transport._send_rtp

            async def lossy(data: bytes, send: Any = send) -> None:
                if not is_rtcp(data):
                    self.sent += 1
                    if self._random.random() < self.rate:
                        self.dropped += 1
                        return
                await send(data)

            transport._send_rtp = lossy
