"""A meeting on the server: the rules (core Meeting), the relay, and who is connected.

After every change the room sends each connected person a fresh view of the
meeting (the lobby only to hosts). Meetings are small, so full snapshots keep
clients simple and never leave them with a lost update.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from app.core import protocol as p
from app.core.errors import Code
from app.core.meeting import Meeting
from app.core.roles import Role
from app.server.relay import Relay

logger = logging.getLogger(__name__)


class Peer(Protocol):
    """What a room needs from a connection."""

    pid: str | None
    state: str

    async def send(self, message: p._Msg) -> None: ...

    async def close_with(self, code: Code) -> None: ...


class Room:
    def __init__(self, meeting: Meeting, on_empty: Callable[[Room], Awaitable[None]]) -> None:
        self.meeting = meeting
        self.relay = Relay(meeting.may_forward)
        self.connections: dict[str, Peer] = {}  # pid → connection (in meeting or lobby)
        self.created = time.monotonic()
        self._on_empty = on_empty

    @property
    def meeting_id(self) -> str:
        return self.meeting.meeting_id

    def view_for(self, pid: str) -> p.MeetingView:
        m = self.meeting
        me = m.participants.get(pid)
        host_like = me is not None and me.role.is_host_like
        return p.MeetingView(
            you=pid,
            participants=[
                p.ParticipantView(
                    pid=x.pid,
                    name=x.name,
                    role=x.role,
                    audio_on=x.audio_on,
                    video_on=x.video_on,
                    screen_on=x.screen_on,
                    hand_raised=x.hand_raised,
                    joined_at=x.joined_at,
                )
                for x in sorted(m.participants.values(), key=lambda x: x.joined_at)
            ],
            lobby=[
                p.WaitingView(pid=w.pid, name=w.name, since=w.since)
                for w in sorted(m.lobby.values(), key=lambda w: w.since)
            ]
            if host_like
            else [],
            locked=m.locked,
            waiting_room=m.waiting_room,
            capacity=m.capacity,
            suspended=m.suspended,
            permissions=dict(m.permissions),
            asked_to_unmute=me.asked_to_unmute if me else False,
            host_key=m.host_key if me is not None and me.role is Role.HOST else None,
        )

    async def broadcast_state(self) -> None:
        for pid, connection in list(self.connections.items()):
            if pid in self.meeting.participants:
                await connection.send(p.State(state=self.view_for(pid)))

    async def notify_hosts(self, notice: p.Notice) -> None:
        for pid, connection in list(self.connections.items()):
            participant = self.meeting.participants.get(pid)
            if participant is not None and participant.role.is_host_like:
                await connection.send(notice)

    async def send_to(self, pid: str, message: p._Msg) -> None:
        connection = self.connections.get(pid)
        if connection is not None:
            await connection.send(message)

    async def admitted(self, pid: str) -> None:
        """Someone left the lobby for the meeting: tell them, with their first view."""
        connection = self.connections.get(pid)
        if connection is not None:
            connection.state = "joined"
            await connection.send(p.Notice(kind="admitted", pid=pid))
            await connection.send(p.State(state=self.view_for(pid)))

    async def expel(self, pid: str, code: Code) -> None:
        """Disconnect someone at once (removed, denied, meeting ended)."""
        await self.relay.remove(pid)
        connection = self.connections.pop(pid, None)
        if connection is not None:
            await connection.close_with(code)

    async def detach(self, pid: str, *, left: bool) -> None:
        """A connection ended (closed, dropped, or the person left)."""
        if self.connections.get(pid) is None:
            return
        del self.connections[pid]
        was_in = pid in self.meeting.participants or pid in self.meeting.lobby
        self.meeting.disconnect(pid, time.time(), left=left)
        await self.relay.remove(pid)
        if was_in:
            await self.broadcast_state()
        if not self.connections:
            await self._on_empty(self)

    async def end(self) -> None:
        for pid in list(self.connections):
            await self.expel(pid, Code.ENDED)
        await self.relay.close()
