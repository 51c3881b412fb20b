"""Opus in-band FEC: a lost 20 ms frame is rebuilt from the next packet's FEC copy."""

from __future__ import annotations

import numpy as np
from aiortc.codecs.opus import OpusEncoder
from aiortc.jitterbuffer import JitterFrame
from av import AudioFrame

from app.media.opus import FecOpusDecoder, FecOpusEncoder
from app.rtc.recovery import FecFrame
from tests.media.test_processing import voice

FRAME = 960


def encode(encoder: OpusEncoder, samples: np.ndarray) -> list[tuple[bytes, int]]:
    packets = []
    for i in range(len(samples) // FRAME):
        chunk = samples[i * FRAME : (i + 1) * FRAME].astype(np.int16)
        frame = AudioFrame.from_ndarray(
            np.repeat(chunk, 2).reshape(1, -1), format="s16", layout="stereo"
        )
        frame.sample_rate, frame.pts = 48000, i * FRAME
        payloads, timestamp = encoder.encode(frame)
        packets += [(p, timestamp) for p in payloads]
    return packets


def decode(decoder: FecOpusDecoder, frame: JitterFrame) -> np.ndarray:
    (out,) = decoder.decode(frame)
    return out.to_ndarray().reshape(-1, 2)[:, 0].astype(float)


def rebuilt_similarity(encoder: OpusEncoder, lost: list[int]) -> tuple[float, float]:
    """Decode a speech-like stream losing the packets ``lost``, each rebuilt from the next
    packet; the mean correlation of the rebuilt frames with the same frames decoded
    without loss, and of the whole stream with its lossless decoding."""
    packets = encode(encoder, voice(4.0, 140.0, seed=3))
    reference = FecOpusDecoder()
    clean = [decode(reference, JitterFrame(p, t)) for p, t in packets]
    decoder = FecOpusDecoder()
    out, rebuilt = [], []
    for k, (payload, timestamp) in enumerate(packets):
        if k in lost:
            frame = decode(decoder, FecFrame(packets[k + 1][0], timestamp))
            rebuilt.append(np.corrcoef(frame, clean[k])[0, 1])
        else:
            frame = decode(decoder, JitterFrame(payload, timestamp))
        out.append(frame)
    whole = np.corrcoef(np.concatenate(out), np.concatenate(clean))[0, 1]
    return float(np.nanmean(rebuilt)), float(whole)


def test_fec_rebuilds_lost_speech_and_plain_opus_cannot() -> None:
    rng = np.random.default_rng(7)
    # 5 % of 200 packets lost, each alone (the FEC copy rides in the next packet).
    lost = sorted(int(k) for k in rng.choice(np.arange(20, 190, 2), size=10, replace=False))
    with_fec, whole = rebuilt_similarity(FecOpusEncoder(), lost)
    without, whole_without = rebuilt_similarity(OpusEncoder(), lost)
    # Without FEC data libopus can only conceal (extrapolate) the lost frame.
    assert with_fec > 0.7 and with_fec > without + 0.2, (with_fec, without)
    assert whole > 0.97 and whole > whole_without, (whole, whole_without)


def test_a_malformed_packet_is_skipped_not_a_crash() -> None:
    decoder = FecOpusDecoder()
    assert decoder.decode(JitterFrame(b"\xff\xff\xff", 0)) == []
