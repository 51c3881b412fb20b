"""Keep WebRTC media on 127.0.0.1: aioice gathers every interface's address except
loopback; these tests and their helper processes offer 127.0.0.1 alone."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import aioice.ice


def _loopback(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    return ["127.0.0.1"]


def patch() -> None:
    """For helper processes: patch once, for the life of the process."""
    aioice.ice.get_host_addresses = _loopback


@contextlib.contextmanager
def media_on_loopback_only() -> Iterator[None]:
    original = aioice.ice.get_host_addresses
    aioice.ice.get_host_addresses = _loopback
    try:
        yield
    finally:
        aioice.ice.get_host_addresses = original
