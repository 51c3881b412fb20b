"""The meeting server: meetings by ID, authentication with brute-force limits, and
the aiohttp application serving the signaling WebSocket."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import ssl
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from aiohttp import web

from app import __version__
from app.core import protocol as p
from app.core.errors import Code
from app.core.ids import (
    is_meeting_id,
    new_host_key,
    new_meeting_id,
    new_passcode,
    new_secret,
    normalize_meeting_id,
    secret_digest,
)
from app.core.meeting import Meeting
from app.core.passcode import constant_time_equal, hash_passcode, verify_passcode
from app.core.ratelimit import FailureLimiter
from app.server.connection import Connection
from app.server.rooms import Room

logger = logging.getLogger(__name__)

EMPTY_MEETING_TTL = 3600.0  # an empty meeting is kept this long for people to return
HEARTBEAT = 4.0  # WebSocket ping interval; a dead peer is noticed within ~1.5x this
# argon2 takes ~64 MiB and ~0.2 s of a core per hash. Leave a core to the relay and
# the event loop, and refuse a join storm at once ("busy") instead of queueing it.
HASHING_THREADS = min(4, max(1, (os.cpu_count() or 2) - 1))
MAX_WAITING_FOR_HASH = 16


def _yield_to_media() -> None:
    """Hashing threads run at a lower priority than the relay and the event loop, so
    a join storm never takes the CPU from meetings in progress (Linux keeps a nice
    value per thread; elsewhere this does nothing)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


@dataclass
class Limits:
    """Brute-force protection. Per address: a scanner is stopped early. Per meeting:
    a distributed guesser is stopped too (at the cost of briefly refusing honest
    guests of a meeting under attack; the host enters with the host secret)."""

    address_failures: int = 5
    address_delay: float = 30.0
    meeting_failures: int = 20
    meeting_delay: float = 60.0
    window: float = 900.0
    max_delay: float = 3600.0


class MeetingServer:
    def __init__(
        self,
        create_token: str,
        *,
        name: str = f"liqaa/{__version__}",
        limits: Limits | None = None,
        empty_ttl: float = EMPTY_MEETING_TTL,
    ) -> None:
        self.name = name
        self.create_token = create_token
        self.rooms: dict[str, Room] = {}
        limits = limits or Limits()
        self.address_limiter = FailureLimiter(
            limits.address_failures, limits.address_delay, limits.max_delay, limits.window
        )
        self.meeting_limiter = FailureLimiter(
            limits.meeting_failures, limits.meeting_delay, limits.max_delay, limits.window
        )
        self.empty_ttl = empty_ttl
        self._empty_since: dict[str, float] = {}
        self._hashing = ThreadPoolExecutor(
            HASHING_THREADS, thread_name_prefix="liqaa-argon2", initializer=_yield_to_media
        )
        self._waiting_for_hash = 0
        self._runner: web.AppRunner | None = None
        self._janitor: asyncio.Task[None] | None = None
        self.connections: set[Connection] = set()
        self.port = 0

    # ------------------------------------------------------------ meetings

    async def create_meeting(self, message: p.Create, address: str) -> p.Created | p.JoinFailed:
        now = time.monotonic()
        wait = self.address_limiter.retry_after(address, now)
        if wait > 0:
            return p.JoinFailed(code=Code.RATE_LIMITED, retry_after=wait)
        if not constant_time_equal(message.create_token, self.create_token):
            self.address_limiter.failure(address, now)
            return p.JoinFailed(code=Code.BAD_CREDENTIALS)
        meeting_id = new_meeting_id()
        while meeting_id in self.rooms:
            meeting_id = new_meeting_id()
        passcode: str | None = None
        passcode_hash: str | None = None
        if message.passcode_required:
            passcode = message.passcode.strip() if message.passcode else new_passcode()
            loop = asyncio.get_running_loop()
            passcode_hash = await loop.run_in_executor(self._hashing, hash_passcode, passcode)
        host_secret = new_secret()
        meeting = Meeting(
            meeting_id=meeting_id,
            passcode_hash=passcode_hash,
            host_secret_digest=secret_digest(host_secret),
            host_key=new_host_key(),
            created_at=time.time(),
            waiting_room=message.waiting_room,
        )
        self.rooms[meeting_id] = Room(meeting, self._room_empty)
        self._empty_since[meeting_id] = now
        logger.info("meeting created (%d meetings)", len(self.rooms))
        return p.Created(
            meeting_id=meeting_id,
            passcode=passcode,
            host_secret=host_secret,
            host_key=meeting.host_key,
        )

    async def authenticate(
        self, message: p.Join, address: str, signed: bool
    ) -> tuple[Room, bool] | p.JoinFailed:
        """Check credentials. Unknown meeting, wrong passcode and a bad device
        signature get the same answer, after the same work."""
        now = time.monotonic()
        meeting_id = normalize_meeting_id(message.meeting_id)
        wait = max(
            self.address_limiter.retry_after(address, now),
            self.meeting_limiter.retry_after(meeting_id, now)
            if message.host_secret is None
            else 0.0,
        )
        if wait > 0:
            return p.JoinFailed(code=Code.RATE_LIMITED, retry_after=round(wait, 1))
        room = self.rooms.get(meeting_id) if is_meeting_id(meeting_id) else None
        as_host = False
        if message.host_secret is not None:
            ok = room is not None and room.meeting.check_host_secret(message.host_secret)
            as_host = ok
        else:
            stored = room.meeting.passcode_hash if room is not None else None
            needs_passcode = room is None or stored is not None
            if needs_passcode:
                if self._waiting_for_hash >= MAX_WAITING_FOR_HASH:
                    # Busy: not a failure, and the same for every meeting ID.
                    return p.JoinFailed(code=Code.RATE_LIMITED, retry_after=1.0)
                self._waiting_for_hash += 1
                try:
                    ok = await asyncio.get_running_loop().run_in_executor(
                        self._hashing, verify_passcode, stored, message.passcode
                    )
                finally:
                    self._waiting_for_hash -= 1
            else:
                ok = True
        if not ok or not signed or room is None:
            self.address_limiter.failure(address, now)
            if message.host_secret is None:
                self.meeting_limiter.failure(meeting_id, now)
            return p.JoinFailed(code=Code.BAD_CREDENTIALS)
        self._empty_since.pop(meeting_id, None)
        return room, as_host

    async def end_meeting(self, room: Room) -> None:
        self.rooms.pop(room.meeting_id, None)
        self._empty_since.pop(room.meeting_id, None)
        await room.end()
        logger.info("meeting ended by its host (%d meetings)", len(self.rooms))

    async def _room_empty(self, room: Room) -> None:
        self._empty_since[room.meeting_id] = time.monotonic()

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(min(60.0, self.empty_ttl))
            now = time.monotonic()
            for meeting_id, since in list(self._empty_since.items()):
                room = self.rooms.get(meeting_id)
                if room is None or room.connections:
                    self._empty_since.pop(meeting_id, None)
                elif now - since > self.empty_ttl:
                    self._empty_since.pop(meeting_id, None)
                    self.rooms.pop(meeting_id, None)
                    await room.end()

    # ------------------------------------------------------------ web

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        # The transport limit is generous so that oversized messages get a
        # protocol error reply instead of a dropped connection.
        ws = web.WebSocketResponse(heartbeat=HEARTBEAT, max_msg_size=4 * p.MAX_MESSAGE_BYTES)
        await ws.prepare(request)
        connection = Connection(self, ws, request.remote or "unknown")
        self.connections.add(connection)
        try:
            await connection.run()
        finally:
            self.connections.discard(connection)
        return ws

    async def _health(self, request: web.Request) -> web.Response:
        return web.json_response({"server": self.name, "protocol": p.PROTOCOL_VERSION})

    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/ws", self._websocket)
        app.router.add_get("/health", self._health)
        return app

    async def start(self, host: str, port: int, ssl_context: ssl.SSLContext | None) -> int:
        self._runner = web.AppRunner(self.application(), handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, ssl_context=ssl_context)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self._janitor = asyncio.ensure_future(self._sweep())
        return self.port

    async def stop(self) -> None:
        if self._janitor is not None:
            self._janitor.cancel()
        for room in list(self.rooms.values()):
            await room.end()
        self.rooms.clear()
        for connection in list(self.connections):
            with contextlib.suppress(Exception):
                await connection.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
        self._hashing.shutdown(wait=False, cancel_futures=True)
