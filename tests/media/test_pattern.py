from __future__ import annotations

import fractions

import av
import cv2
import numpy as np
import pytest
from aiortc.codecs.vpx import MIN_BITRATE, Vp8Decoder, Vp8Encoder, vp8_depayload
from aiortc.jitterbuffer import JitterFrame

from app.media.pattern import (
    COUNTER_MODULUS,
    PatternGenerator,
    colour_distance,
    counter_band_height,
    dominant_colour,
    name_colour,
    paint_counter,
    read_counter,
)

VALUES = [0, 1, 2, 255, 256, 65535, 123456, COUNTER_MODULUS - 1]


@pytest.mark.parametrize("size", [(640, 480), (1280, 720), (1920, 1080), (320, 240)])
def test_counter_round_trip(size: tuple[int, int]) -> None:
    generator = PatternGenerator("Amal", *size)
    for n in VALUES:
        frame = generator.render(n)
        assert frame.shape == (size[1], size[0], 3) and frame.dtype == np.uint8
        assert read_counter(frame) == n


def test_counter_wraps_at_modulus() -> None:
    frame = np.zeros((480, 640, 3), np.uint8)
    paint_counter(frame, COUNTER_MODULUS + 5)
    assert read_counter(frame) == 5


def test_counter_blocks_are_large() -> None:
    # 32 blocks across 640 pixels: 20 px squares, over the 16 px the codec needs.
    assert 640 / 32 >= 16
    assert counter_band_height(640) == 40


def test_counter_reads_after_uniform_scaling() -> None:
    frame = PatternGenerator("Bilal", 1280, 720).render(4242)
    for size in [(640, 360), (1920, 1080)]:
        assert read_counter(cv2.resize(frame, size, interpolation=cv2.INTER_AREA)) == 4242


def test_read_counter_rejects_frames_without_a_valid_counter() -> None:
    rng = np.random.default_rng(1)
    assert read_counter(np.zeros((480, 640, 3), np.uint8)) is None
    assert read_counter(np.full((480, 640, 3), 255, np.uint8)) is None
    assert read_counter(rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)) is None
    # One flipped data block: the CRC catches it.
    frame = PatternGenerator("Amal").render(1000)
    block = 20
    x = 10 * block
    frame[10:30, x : x + block] = 255 - frame[20, x + 10]
    assert read_counter(frame) is None


def test_pattern_moves_and_is_the_name_colour() -> None:
    generator = PatternGenerator("Amal")
    first, later = generator.render(0), generator.render(15)
    below_band = slice(counter_band_height(640), 440)  # skip counter band and "#n" label
    assert np.count_nonzero(first[below_band] != later[below_band]) > 1000
    assert dominant_colour(first) == name_colour("Amal")
    assert colour_distance(name_colour("Amal"), name_colour("Bilal")) > 60


@pytest.mark.parametrize("bitrate", [MIN_BITRATE, 500_000])
def test_counter_and_colour_survive_vp8(bitrate: int) -> None:
    """Through aiortc's own VP8 encoder settings, at its lowest bitrate too."""
    generator = PatternGenerator("Amal", 640, 480)
    encoder, decoder = Vp8Encoder(), Vp8Decoder()
    encoder.target_bitrate = bitrate
    decoded: list[tuple[int, np.ndarray]] = []
    for n in range(90):
        frame = av.VideoFrame.from_ndarray(generator.render(n + 5000), format="rgb24")
        frame.pts = n * 3000
        frame.time_base = fractions.Fraction(1, 90000)
        payloads, timestamp = encoder.encode(frame)
        data = b"".join(vp8_depayload(p) for p in payloads)
        for out in decoder.decode(JitterFrame(data=data, timestamp=timestamp)):
            decoded.append((n + 5000, out.to_ndarray(format="rgb24")))
    assert len(decoded) == 90
    assert [read_counter(image) for _, image in decoded] == [n for n, _ in decoded]
    for _, image in decoded[::10]:
        assert colour_distance(dominant_colour(image), name_colour("Amal")) < 12
