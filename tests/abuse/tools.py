"""Tools for abuse, fault and load tests: a raw WebSocket client that speaks bad
protocol, a pausable TCP proxy for network faults, snapshots of a meeting's state
and a check that the server logged no unhandled exception.

Everything listens on and connects to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from app.core import protocol as p
from app.core.devicekey import DeviceKey
from app.core.meeting import Meeting

LOOPBACK = "127.0.0.1"


# ------------------------------------------------------------------ raw client


class RawClient:
    """A signaling client without schemas: sends any frame, returns raw text.

    A background task reads all the time, so the server's heartbeat pings are
    answered even while a test is not reading (aiohttp answers pings in receive()).
    """

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.nonce = ""
        self._inbox: asyncio.Queue[str | Disconnected] = asyncio.Queue()
        self._pump: asyncio.Task[None] | None = None

    async def connect(self, url: str, fingerprint: str) -> None:
        assert url.startswith(f"wss://{LOOPBACK}:"), url
        self._session = aiohttp.ClientSession()
        self.ws = await self._session.ws_connect(
            url,
            ssl=aiohttp.Fingerprint(bytes.fromhex(fingerprint)),
            max_msg_size=8 * p.MAX_MESSAGE_BYTES,
            heartbeat=None,
        )
        self._pump = asyncio.ensure_future(self._read(self.ws))
        welcome = p.decode_server(await self.recv_text())
        assert isinstance(welcome, p.Welcome), welcome
        self.nonce = welcome.nonce

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        try:
            while True:
                frame = await ws.receive()
                if frame.type == aiohttp.WSMsgType.TEXT:
                    assert isinstance(frame.data, str)
                    self._inbox.put_nowait(frame.data)
                elif frame.type in (
                    aiohttp.WSMsgType.CLOSE,
                    aiohttp.WSMsgType.CLOSING,
                    aiohttp.WSMsgType.CLOSED,
                    aiohttp.WSMsgType.ERROR,
                ):
                    break
        finally:
            self._inbox.put_nowait(Disconnected(ws.close_code))

    async def send(self, data: str | bytes) -> None:
        assert self.ws is not None
        if isinstance(data, bytes):
            await self.ws.send_bytes(data)
        else:
            await self.ws.send_str(data)

    async def send_invalid_utf8_text(self, payload: bytes) -> None:
        """A TEXT frame whose payload is not UTF-8 (aiohttp's send_str cannot do that)."""
        assert self.ws is not None
        await self.ws.send_frame(payload, aiohttp.WSMsgType.TEXT)

    async def recv_text(self, timeout: float = 10.0) -> str:
        """The next text frame; raises :class:`Disconnected` when the server closed."""
        item = await asyncio.wait_for(self._inbox.get(), timeout)
        if isinstance(item, Disconnected):
            self._inbox.put_nowait(item)  # every later read sees it too
            raise item
        return item

    async def recv(self, timeout: float = 10.0) -> p.ServerMessage:
        return p.decode_server(await self.recv_text(timeout))

    async def recv_until(self, kind: type | tuple[type, ...], timeout: float = 10.0) -> Any:
        """Skip broadcasts (state, SDP, notices) until a message of ``kind``."""
        deadline = time.monotonic() + timeout
        while True:
            message = await self.recv(max(0.01, deadline - time.monotonic()))
            if isinstance(message, kind):
                return message

    def drain(self) -> list[str]:
        """Everything received and not read yet."""
        items = []
        while not self._inbox.empty():
            item = self._inbox.get_nowait()
            if isinstance(item, Disconnected):
                self._inbox.put_nowait(item)
                break
            items.append(item)
        return items

    def join_message(
        self,
        meeting_id: str,
        key: DeviceKey,
        *,
        name: str = "Raw",
        passcode: str = "",
        host_secret: str | None = None,
        rejoin_token: str | None = None,
    ) -> str:
        return p.encode(
            p.Join(
                v=p.PROTOCOL_VERSION,
                meeting_id=meeting_id,
                name=name,
                device_key=key.public_b64,
                device_sig=key.sign(self.nonce, meeting_id),
                passcode=passcode,
                host_secret=host_secret,
                rejoin_token=rejoin_token,
            )
        )

    @property
    def closed(self) -> bool:
        return self.ws is None or self.ws.closed

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
        if self._pump is not None:
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump
        if self._session is not None:
            await self._session.close()


class Disconnected(Exception):
    def __init__(self, close_code: int | None) -> None:
        super().__init__(f"server closed the connection (code {close_code})")
        self.close_code = close_code


# ---------------------------------------------------------------- meeting state


def snapshot(meeting: Meeting, *, own: str | None = None) -> dict[str, Any]:
    """Everything in a meeting that matters for security. ``own``: a participant
    whose own hand and media switches may change (it may raise its hand)."""
    people = {
        pid: (
            x.name,
            x.role,
            x.device_key,
            x.session_digest,
            None if pid == own else (x.audio_on, x.video_on, x.screen_on, x.hand_raised),
            x.asked_to_unmute,
        )
        for pid, x in meeting.participants.items()
    }
    return {
        "participants": people,
        "lobby": {pid: (w.name, w.device_key) for pid, w in meeting.lobby.items()},
        "locked": meeting.locked,
        "waiting_room": meeting.waiting_room,
        "capacity": meeting.capacity,
        "suspended": meeting.suspended,
        "ended": meeting.ended,
        "permissions": dict(meeting.permissions),
        "banned": (
            set(meeting.banned_devices),
            set(meeting.banned_pids),
            set(meeting.banned_sessions),
        ),
        "host_key": meeting.host_key,
    }


# ------------------------------------------------------------------ server log


@dataclass
class LogProblem:
    logger: str
    level: str
    message: str


def log_problems(records: list[logging.LogRecord]) -> list[LogProblem]:
    """Records that mean something went wrong inside the server: ERROR or worse,
    or any record carrying a traceback, from any logger (app, aiohttp, asyncio)."""
    return [
        LogProblem(r.name, r.levelname, r.getMessage())
        for r in records
        if r.levelno >= logging.ERROR or r.exc_info is not None
    ]


# ------------------------------------------------------------------ TCP proxy


class Proxy:
    """A TCP proxy on 127.0.0.1 between clients and the server, for network faults.

    - :meth:`pause` stops forwarding bytes in both directions (a network that went
      silent: no FIN, no RST; only heartbeats can notice); :meth:`resume` forwards
      what was held back and carries on.
    - :meth:`cut` closes every connection and refuses new ones for a while.
    - :meth:`cut_client_side` closes only the client's side of every connection and
      keeps the server's side open and silent (the client's network changed: its
      old connection is dead on its side, half-open on the server's).
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self.connections = 0
        self._server: asyncio.base_events.Server | None = None
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._refuse_until = 0.0
        self._pipes: set[_Pipe] = set()
        self._held: set[_Pipe] = set()  # server sides kept open by cut_client_side

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._accept, LOOPBACK, 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if time.monotonic() < self._refuse_until:
            writer.transport.abort()
            return
        self.connections += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(LOOPBACK, self.target_port)
        except OSError:
            writer.transport.abort()
            return
        pipe = _Pipe(reader, writer, up_reader, up_writer, self._flowing)
        self._pipes.add(pipe)
        try:
            await pipe.run()
        finally:
            self._pipes.discard(pipe)
            if pipe.server_side_held:
                self._held.add(pipe)

    def pause(self) -> None:
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    def cut(self, refuse_for: float) -> None:
        self._refuse_until = time.monotonic() + refuse_for
        for pipe in list(self._pipes):
            pipe.abort()

    def cut_client_side(self) -> None:
        for pipe in list(self._pipes):
            pipe.abort_client_side()

    async def close(self) -> None:
        self.resume()
        for pipe in [*self._pipes, *self._held]:
            pipe.abort()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


class _Pipe:
    def __init__(
        self,
        client_reader: asyncio.StreamReader,
        client_writer: asyncio.StreamWriter,
        server_reader: asyncio.StreamReader,
        server_writer: asyncio.StreamWriter,
        flowing: asyncio.Event,
    ) -> None:
        self.client = (client_reader, client_writer)
        self.server = (server_reader, server_writer)
        self._flowing = flowing
        self._tasks: list[asyncio.Task[None]] = []
        self.server_side_held = False

    async def run(self) -> None:
        self._tasks = [
            asyncio.ensure_future(self._copy(self.client[0], self.server[1])),
            asyncio.ensure_future(self._copy(self.server[0], self.client[1])),
        ]
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if not self.server_side_held:
            self.abort()

    async def _copy(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                await self._flowing.wait()  # paused: hold the bytes back
                writer.write(data)
                await writer.drain()

    def abort(self) -> None:
        for task in self._tasks:
            task.cancel()
        for _, writer in (self.client, self.server):
            writer.transport.abort()

    def abort_client_side(self) -> None:
        """Drop the client's socket; the server's stays open but nothing reaches it."""
        self.server_side_held = True
        for task in self._tasks:
            task.cancel()
        self.client[1].transport.abort()
