"""A meeting under attack: a host (real participant), an admitted participant and a
waiting guest speaking raw protocol, and helpers to probe the server with one
message and collect exactly what it answered."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.core import protocol as p
from app.core.devicekey import DeviceKey
from app.core.meeting import Meeting
from tests.abuse.tools import Disconnected, RawClient
from tests.server.conftest import RunningServer
from tests.server.harness import Guest


async def eventually(predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.02)


@dataclass
class Answer:
    """What the server sent back for one probe (broadcasts left out)."""

    errors: list[p.Error] = field(default_factory=list)
    replies: list[p.ServerMessage] = field(default_factory=list)  # join_failed, pong...
    closed: p.Closed | None = None
    disconnected: bool = False
    close_code: int | None = None


_markers = iter(range(1, 10**9))


async def probe(client: RawClient, data: str | bytes, *, timeout: float = 10.0) -> Answer:
    """Send one message, then a Ping marker; collect everything up to its Pong (or
    until the server closes the connection)."""
    marker = next(_markers) + 1_000_000
    answer = Answer()
    await client.send(data)
    try:
        await client.send(p.encode(p.Ping(nonce=marker)))
    except (ConnectionError, RuntimeError):
        pass  # already closed by the server: the replies are still readable
    try:
        while True:
            message = await client.recv(timeout)
            if isinstance(message, p.Pong) and message.nonce == marker:
                return answer
            if isinstance(message, p.Error):
                answer.errors.append(message)
            elif isinstance(message, p.Closed):
                answer.closed = message
            elif isinstance(message, (p.JoinFailed, p.Pong, p.Created, p.Joined)):
                answer.replies.append(message)
    except Disconnected as exc:
        answer.disconnected = True
        answer.close_code = exc.close_code
    return answer


@dataclass
class Actor:
    """Someone speaking raw protocol, who comes back when the server closes it."""

    name: str
    key: DeviceKey
    client: RawClient
    pid: str = ""
    token: str = ""


@dataclass
class Scene:
    running: RunningServer
    host: Guest
    created: p.Created
    participant: Actor
    waiting: Actor
    notes: dict[str, Any] = field(default_factory=dict)  # per-test state across examples

    @property
    def meeting(self) -> Meeting:
        return self.running.server.rooms[self.created.meeting_id].meeting

    async def connect(self, name: str, key: DeviceKey | None = None) -> Actor:
        client = RawClient()
        await client.connect(self.running.url, self.running.fingerprint)
        return Actor(name, key or DeviceKey.generate(), client)

    async def join(self, actor: Actor, rejoin: bool = False) -> p.ServerMessage:
        await actor.client.send(
            actor.client.join_message(
                self.created.meeting_id,
                actor.key,
                name=actor.name,
                passcode=self.created.passcode or "",
                rejoin_token=actor.token if rejoin else None,
            )
        )
        reply = await actor.client.recv_until((p.Joined, p.InWaitingRoom, p.JoinFailed))
        if isinstance(reply, (p.Joined, p.InWaitingRoom)):
            actor.pid, actor.token = reply.pid, reply.session_token
        return reply

    async def ensure_participant(self) -> Actor:
        """The admitted participant, back with its session token if it was closed."""
        actor = self.participant
        if not actor.client.closed:
            return actor
        await actor.client.close()
        await eventually(lambda: actor.pid not in self.meeting.participants)
        actor.client = RawClient()
        await actor.client.connect(self.running.url, self.running.fingerprint)
        old = actor.pid
        reply = await self.join(actor, rejoin=True)
        assert isinstance(reply, p.Joined) and reply.pid == old, reply
        return actor

    async def fresh_participant(self) -> Actor:
        """Drop the participant's connection and come back (strikes start over)."""
        await self.participant.client.close()
        return await self.ensure_participant()

    async def ensure_waiting(self) -> Actor:
        """The waiting guest, back in the waiting room if it was closed."""
        actor = self.waiting
        if not actor.client.closed:
            return actor
        await actor.client.close()
        await eventually(lambda: actor.pid not in self.meeting.lobby)
        actor.client = RawClient()
        await actor.client.connect(self.running.url, self.running.fingerprint)
        reply = await self.join(actor)
        assert isinstance(reply, p.InWaitingRoom), reply
        await eventually(lambda: actor.pid in self.meeting.lobby)
        return actor

    async def close(self) -> None:
        for note in self.notes.values():
            if isinstance(note, RawClient):
                await note.close()
        await self.participant.client.close()
        await self.waiting.client.close()
        await self.host.close()


async def make_scene(running: RunningServer) -> Scene:
    host = Guest("Host")
    await host.connect(running.url, running.fingerprint)
    created = await host.create(running.token)
    reply = await host.join(created.meeting_id, host_secret=created.host_secret)
    assert isinstance(reply, p.Joined)
    client = RawClient()
    await client.connect(running.url, running.fingerprint)
    scene = Scene(
        running,
        host,
        created,
        Actor("Participant", DeviceKey.generate(), client),
        Actor("Waiting", DeviceKey.generate(), RawClient()),
    )
    assert isinstance(await scene.join(scene.participant), p.InWaitingRoom)
    await host.send(p.Admit(pid=scene.participant.pid))
    await eventually(lambda: scene.participant.pid in scene.meeting.participants)
    await scene.waiting.client.connect(running.url, running.fingerprint)
    assert isinstance(await scene.join(scene.waiting), p.InWaitingRoom)
    return scene
