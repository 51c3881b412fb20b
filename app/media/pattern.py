"""A generated test picture with a machine-readable frame counter.

The picture tells a viewer whose video it is (a background colour derived from
the name, the name in large letters) and that it is moving (a ball). A row of
black and white blocks across the top carries a frame counter that survives VP8
at 640x480: benchmarks record when each counter value was captured and read it
back from decoded video to measure glass-to-glass latency. Received pts cannot be
used for that (they can come back one tick off), pixels can.

Counter layout: 32 equal blocks across the full width, ``W B`` guards, 20 data
bits (most significant first), an 8-bit CRC, ``B W`` guards. Blocks are as tall as
they are wide (20 px at 640 wide), on a grey band. Positions are relative to the
width, so a uniformly scaled frame still reads.
"""

from __future__ import annotations

import colorsys
import hashlib

import cv2
import numpy as np

COUNTER_BITS = 20
#: Painted values wrap at this modulus (about 9.7 hours at 30 fps).
COUNTER_MODULUS = 1 << COUNTER_BITS
_CRC_BITS = 8
_BLOCKS = 2 + COUNTER_BITS + _CRC_BITS + 2
_BAND_GREY = 128
_MIN_CONTRAST = 60.0

RGB = tuple[int, int, int]


def name_colour(name: str) -> RGB:
    """A stable mid-tone colour for ``name``: white text and black blocks stay readable."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    hue = digest[0] / 256 + digest[1] / 65536
    r, g, b = colorsys.hsv_to_rgb(hue, 0.6, 0.7)
    return round(r * 255), round(g * 255), round(b * 255)


def _crc8(value: int) -> int:
    """CRC-8 (polynomial 0x07) over the counter's three bytes: rejects misreads."""
    crc = 0
    for byte in value.to_bytes(3, "big"):
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def _counter_bits(n: int) -> list[int]:
    value = n % COUNTER_MODULUS
    word = (value << _CRC_BITS) | _crc8(value)
    data = [(word >> shift) & 1 for shift in range(COUNTER_BITS + _CRC_BITS - 1, -1, -1)]
    return [1, 0, *data, 0, 1]


def _block_size(width: int) -> float:
    return width / _BLOCKS


def counter_band_height(width: int) -> int:
    """Rows at the top of a frame that ``paint_counter`` overwrites."""
    return round(2 * _block_size(width))


def paint_counter(frame: np.ndarray, n: int) -> None:
    """Paint ``n`` (mod ``COUNTER_MODULUS``) into the top band of an RGB frame, in place."""
    height, width = frame.shape[:2]
    size = _block_size(width)
    band = min(height, counter_band_height(width))
    frame[:band] = _BAND_GREY
    y0, y1 = round(size / 2), min(height, round(size * 1.5))
    for i, bit in enumerate(_counter_bits(n)):
        x0, x1 = round(i * size), round((i + 1) * size)
        frame[y0:y1, x0:x1] = 255 if bit else 0


def read_counter(frame: np.ndarray) -> int | None:
    """The counter painted by ``paint_counter``, or None if absent or damaged."""
    if frame.ndim != 3 or frame.shape[0] < 4 or frame.shape[1] < _BLOCKS * 2:
        return None
    width = frame.shape[1]
    size = _block_size(width)
    # Sample the middle half of each block: edges blur under compression.
    y0, y1 = round(size * 0.75), max(round(size * 0.75) + 1, round(size * 1.25))
    if y1 > frame.shape[0]:
        return None
    rows = frame[y0:y1].astype(np.float32).mean(axis=(0, 2))
    levels = np.empty(_BLOCKS, dtype=np.float32)
    for i in range(_BLOCKS):
        x0 = round((i + 0.25) * size)
        x1 = max(x0 + 1, round((i + 0.75) * size))
        levels[i] = rows[x0:x1].mean()
    white = (levels[0] + levels[-1]) / 2
    black = (levels[1] + levels[-2]) / 2
    if white - black < _MIN_CONTRAST or min(levels[0], levels[-1]) <= max(levels[1], levels[-2]):
        return None
    bits = levels[2:-2] > (white + black) / 2
    word = 0
    for bit in bits:
        word = (word << 1) | int(bit)
    value, crc = word >> _CRC_BITS, word & 0xFF
    return value if _crc8(value) == crc else None


def dominant_colour(frame: np.ndarray) -> RGB:
    """Mean RGB of the most common colour (quantised to 16 levels per channel).

    Text, the counter band and the moving ball cover far less area than the
    background, so for a pattern frame this is the name colour, even after
    compression shifts each pixel a little.
    """
    pixels = frame.reshape(-1, 3)
    q = (pixels >> 4).astype(np.int32)
    bins = np.bincount((q[:, 0] << 8) | (q[:, 1] << 4) | q[:, 2], minlength=4096)
    top = int(bins.argmax())
    mask = (q[:, 0] == top >> 8) & (q[:, 1] == (top >> 4) & 15) & (q[:, 2] == top & 15)
    mean = pixels[mask].mean(axis=0)
    return round(float(mean[0])), round(float(mean[1])), round(float(mean[2]))


def colour_distance(a: RGB, b: RGB) -> float:
    """Euclidean distance in RGB: under ~30 means "the same colour" after VP8."""
    return float(np.linalg.norm(np.subtract(a, b, dtype=np.float64)))


class PatternGenerator:
    """Renders the test picture for one participant at one size.

    The static part (background, name) is drawn once; each frame copies it and
    adds the ball and the counter, which keeps 1280x720 at 30 fps cheap.
    """

    def __init__(self, name: str, width: int = 640, height: int = 480, fps: float = 30.0) -> None:
        if width < 64 or height < 48:
            raise ValueError("pattern needs at least 64x48 pixels")
        self.name = name
        self.width = width
        self.height = height
        self.fps = fps
        self.colour = name_colour(name)
        self._base = self._render_base()

    def _render_base(self) -> np.ndarray:
        base = np.empty((self.height, self.width, 3), dtype=np.uint8)
        base[:] = self.colour
        # Hershey fonts are ASCII only: other characters show as '?'.
        text = self.name.encode("ascii", "replace").decode("ascii") or "?"
        font = cv2.FONT_HERSHEY_SIMPLEX
        (tw, th), _ = cv2.getTextSize(text, font, 1.0, 2)
        scale = min(0.85 * self.width / tw, 0.22 * self.height / th)
        thickness = max(2, round(scale * 2))
        (tw, th), _ = cv2.getTextSize(text, font, scale, thickness)
        origin = ((self.width - tw) // 2, round(self.height * 0.45 + th / 2))
        cv2.putText(base, text, origin, font, scale, (0, 0, 0), thickness + 4, cv2.LINE_AA)
        cv2.putText(base, text, origin, font, scale, (255, 255, 255), thickness, cv2.LINE_AA)
        return base

    def render(self, n: int) -> np.ndarray:
        """Frame ``n``: a new writable array with the ball at its place and ``n`` painted."""
        frame = self._base.copy()
        # The ball crosses the lower part and back every 4 seconds.
        period = max(2, round(4 * self.fps))
        phase = (n % period) / period
        travel = 2 * phase if phase < 0.5 else 2 * (1 - phase)
        radius = max(4, self.height // 12)
        x = round(radius + travel * (self.width - 2 * radius))
        y = round(self.height * 0.8)
        inverse = tuple(255 - c for c in self.colour)
        cv2.circle(frame, (x, y), radius, inverse, -1, cv2.LINE_AA)
        label = f"#{n}"
        scale = self.height / 960
        cv2.putText(
            frame,
            label,
            (8, self.height - 8),
            cv2.FONT_HERSHEY_SIMPLEX,
            scale,
            (255, 255, 255),
            max(1, round(scale * 2)),
            cv2.LINE_AA,
        )
        paint_counter(frame, n)
        return frame
