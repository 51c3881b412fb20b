"""The cost of one aiortc VP8 encode (and decode) of the benchmark's video stream.

The same pattern frames the participants send (640x480, counter and moving
ball), through aiortc's own ``Vp8Encoder`` with its default settings, timed with
``time.process_time`` (every thread of this otherwise idle process). CPU seconds
per second of video is the CPU time per frame times 30.
"""

from __future__ import annotations

import fractions
import time
from typing import Any

import av
from aiortc.codecs.vpx import Vp8Decoder, Vp8Encoder, vp8_depayload
from aiortc.jitterbuffer import JitterFrame

from app.media.pattern import PatternGenerator

WIDTH, HEIGHT, FPS = 640, 480, 30
TIME_BASE = fractions.Fraction(1, 90000)


def measure_codec(frames: int) -> dict[str, Any]:
    generator = PatternGenerator("Encode", WIDTH, HEIGHT, FPS)
    encoder = Vp8Encoder()
    decoder = Vp8Decoder()
    encode_cpu = decode_cpu = 0.0
    encoded_bytes = 0
    warmup = 10  # the first frames (keyframe, encoder set-up) are not counted
    for n in range(frames + warmup):
        frame = av.VideoFrame.from_ndarray(generator.render(n), format="rgb24")
        frame.pts = n * 90000 // FPS
        frame.time_base = TIME_BASE
        start = time.process_time()
        payloads, timestamp = encoder.encode(frame)
        middle = time.process_time()
        data = b"".join(vp8_depayload(payload) for payload in payloads)
        middle2 = time.process_time()
        for decoded in decoder.decode(JitterFrame(data=data, timestamp=timestamp)):
            decoded.to_ndarray(format="rgb24")  # type: ignore[attr-defined]
        end = time.process_time()
        if n >= warmup:
            encode_cpu += middle - start
            decode_cpu += end - middle2
            encoded_bytes += len(data)
    video_seconds = frames / FPS
    return {
        "frames": frames,
        "resolution": f"{WIDTH}x{HEIGHT}@{FPS}",
        "encoder": "aiortc.codecs.vpx.Vp8Encoder (defaults: 500 kbit/s CBR, realtime)",
        "encode_cpu_per_s": encode_cpu / video_seconds,
        "decode_cpu_per_s": decode_cpu / video_seconds,
        "encoded_kbit_per_s": encoded_bytes * 8 / video_seconds / 1000,
    }
