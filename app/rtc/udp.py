"""Read every waiting datagram when a UDP socket becomes readable.

asyncio's selector transport reads one datagram per socket per event-loop
iteration. A loop that also runs many peer connections (the relay) or encodes and
decodes (a client) spends milliseconds per iteration, so a socket receiving a few
hundred packets a second falls behind: measured here, the kernel queues of a
three-person meeting held ~400 KB and every packet, NACK and PLI arrived ~1 s late,
which no loss recovery can survive. Draining up to ``BATCH`` datagrams per wake-up
(what libuv, and so uvloop, does) keeps the queues empty. Only the selector event
loop (Linux, macOS) is changed; Windows' proactor loop reads differently.
"""

from __future__ import annotations

from asyncio import selector_events
from typing import Any

BATCH = 256

_Transport: Any = selector_events._SelectorDatagramTransport  # type: ignore[attr-defined]
_original_read_ready = _Transport._read_ready


def _read_all_ready(self: Any) -> None:
    for _ in range(BATCH):
        if self._conn_lost:
            return
        try:
            data, addr = self._sock.recvfrom(self.max_size)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self._protocol.error_received(exc)
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal read error on datagram transport")
            return
        self._protocol.datagram_received(data, addr)


def drain_datagrams() -> None:
    """Install the batched read for every datagram transport (idempotent)."""
    _Transport._read_ready = _read_all_ready
