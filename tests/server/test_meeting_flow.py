"""A real server on 127.0.0.1 and real aiortc participants: lobby, media, host powers."""

from __future__ import annotations

import asyncio

from app.core import protocol as p
from app.core.errors import Code
from app.core.roles import MediaKind
from tests.server.conftest import RunningServer
from tests.server.harness import Guest, close_to

RED, GREEN, BLUE, YELLOW = (220, 40, 40), (40, 200, 60), (40, 60, 220), (230, 220, 40)


async def host_meeting(running: RunningServer, **options: object) -> tuple[Guest, p.Created]:
    host = Guest("Host")
    await host.connect(running.url, running.fingerprint)
    created = await host.create(running.token, **options)
    reply = await host.join(created.meeting_id, host_secret=created.host_secret)
    assert isinstance(reply, p.Joined) and reply.state.participants[0].role == "host"
    return host, created


async def guest_joins(running: RunningServer, created: p.Created, name: str) -> Guest:
    guest = Guest(name)
    await guest.connect(running.url, running.fingerprint)
    reply = await guest.join(created.meeting_id, passcode=created.passcode or "")
    assert isinstance(reply, (p.Joined, p.InWaitingRoom)), reply
    return guest


async def test_lobby_media_mute_remove(running: RunningServer) -> None:
    host, created = await host_meeting(running)
    assert created.passcode and len(created.meeting_id) == 11
    a = await guest_joins(running, created, "Amal")
    b = await guest_joins(running, created, "Badr")
    c = await guest_joins(running, created, "Carim")

    # Everyone waits: the waiting room is on by default; the host sees them.
    await host.wait_for(lambda: host.state and len(host.state.lobby) == 3)
    assert any(isinstance(e, p.Notice) and e.kind == "waiting_arrived" for e in host.events)
    lobby = {w.name: w.pid for w in host.state.lobby}
    await host.send(p.Admit(pid=lobby["Amal"]))
    await host.send(p.Admit(pid=lobby["Carim"]))
    await host.send(p.Deny(pid=lobby["Badr"]))
    await a.wait_for(
        lambda: any(isinstance(e, p.Notice) and e.kind == "admitted" for e in a.events)
    )
    await b.wait_for(lambda: b.closed is not None)
    assert b.closed.code == Code.DENIED
    await host.wait_for(lambda: len(host.state.participants) == 3 and not host.state.lobby)
    # Guests do not see the lobby or the host key.
    assert a.state is not None and a.state.lobby == [] and a.state.host_key is None
    assert host.state.host_key == created.host_key

    # Media: everyone publishes a colour and a tone; everyone sees everyone else's.
    await host.start_media(RED, 440)
    await a.start_media(GREEN, 550)
    await c.start_media(BLUE, 660)
    colours = {host: RED, a: GREEN, c: BLUE}
    for viewer in colours:
        for publisher, colour in colours.items():
            if publisher is viewer:
                continue
            pid = publisher.pid
            assert pid is not None
            await viewer.wait_for(
                lambda v=viewer, pid=pid, colour=colour: (
                    v.received[(pid, MediaKind.VIDEO)].frames > 5
                    and close_to(v.received[(pid, MediaKind.VIDEO)].last_rgb, colour)
                ),
                timeout=20,
            )
            await viewer.wait_for(
                lambda v=viewer, pid=pid: v.frames_from(pid, MediaKind.AUDIO) > 10, timeout=10
            )

    # The host mutes Amal: the relay stops forwarding her audio to everyone.
    assert a.pid is not None
    await host.send(p.Mute(pid=a.pid))
    await a.wait_for(
        lambda: any(isinstance(e, p.Notice) and e.kind == "muted_by_host" for e in a.events)
    )
    await asyncio.sleep(0.5)
    before = c.frames_from(a.pid, MediaKind.AUDIO)
    await asyncio.sleep(1.0)
    assert c.frames_from(a.pid, MediaKind.AUDIO) == before, "muted audio still forwarded"
    # Amal's video is untouched, and others' audio still flows.
    video_before = c.frames_from(a.pid, MediaKind.VIDEO)
    host_audio = c.frames_from(host.pid or "", MediaKind.AUDIO)
    await asyncio.sleep(0.5)
    assert c.frames_from(a.pid, MediaKind.VIDEO) > video_before
    assert c.frames_from(host.pid or "", MediaKind.AUDIO) > host_audio

    # Remove Carim: disconnected at once, and his rejoin (same device, new name) is refused.
    assert c.pid is not None
    await host.send(p.Remove(pid=c.pid))
    await c.wait_for(lambda: c.closed is not None)
    assert c.closed.code == Code.REMOVED
    await host.wait_for(lambda: host.participant("Carim") is None)
    again = Guest("Carim Again", device_key=c.device_key)
    await again.connect(running.url, running.fingerprint)
    reply = await again.join(created.meeting_id, passcode=created.passcode or "")
    assert isinstance(reply, p.JoinFailed) and reply.code == Code.REMOVED

    for guest in (host, a, b, c, again):
        await guest.close()


async def test_lock_and_capacity(running: RunningServer) -> None:
    host, created = await host_meeting(running, waiting_room=False)
    await host.send(p.SetCapacity(capacity=2))
    await host.wait_for(lambda: host.state.capacity == 2)
    first = await guest_joins(running, created, "First")
    await host.wait_for(lambda: len(host.state.participants) == 2)
    third = Guest("Third")
    await third.connect(running.url, running.fingerprint)
    reply = await third.join(created.meeting_id, passcode=created.passcode or "")
    assert isinstance(reply, p.JoinFailed) and reply.code == Code.FULL

    await host.send(p.SetCapacity(capacity=10))
    await host.send(p.SetLock(locked=True))
    await host.wait_for(lambda: host.state.locked)
    late = Guest("Late")
    await late.connect(running.url, running.fingerprint)
    reply = await late.join(created.meeting_id, passcode=created.passcode or "")
    assert isinstance(reply, p.JoinFailed) and reply.code == Code.LOCKED
    for guest in (host, first, third, late):
        await guest.close()


async def test_participant_cannot_use_host_powers(running: RunningServer) -> None:
    host, created = await host_meeting(running, waiting_room=False)
    guest = await guest_joins(running, created, "Guest")
    await host.wait_for(lambda: len(host.state.participants) == 2)
    assert host.pid is not None
    for attempt in (
        p.SetLock(locked=True),
        p.Remove(pid=host.pid),
        p.Mute(pid=host.pid),
        p.Suspend(),
        p.EndMeeting(),
        p.SetPermission(permission="chat", allowed=False),
        p.SetCohost(pid=guest.pid or "", on=True),
    ):
        await guest.send(attempt)
    await guest.wait_for(lambda: len(guest.errors()) == 7)
    assert all(e.code == Code.NOT_ALLOWED for e in guest.errors())
    assert host.state is not None and not host.state.locked and not host.state.suspended
    assert host.state.permissions["chat"] is True
    assert host.participant("Host").role == "host"
    for g in (host, guest):
        await g.close()
