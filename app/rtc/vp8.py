"""The two VP8 bits the relay and the receive buffers read (the rest of a frame is opaque,
so that end-to-end encrypted frames can pass)."""

from __future__ import annotations


def is_vp8_keyframe(data: bytes) -> bool:
    """VP8 frame tag: bit 0 of the first byte is 0 for key frames (RFC 6386 §9.1)."""
    return bool(data) and not data[0] & 0x01


def vp8_starts_frame(payload: bytes) -> bool:
    """VP8 payload descriptor (RFC 7741 §4.2): S bit set and partition index 0."""
    return bool(payload) and payload[0] & 0x17 == 0x10
