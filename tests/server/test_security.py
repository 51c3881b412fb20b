"""Brute-force limits, malformed input, suspend, end, co-hosts, reconnects."""

from __future__ import annotations

import asyncio
import time

import pytest

from app.core import protocol as p
from app.core.errors import Code
from app.core.roles import MediaKind
from app.rtc.signaling import CertificateMismatch, SignalingClient
from app.server.connection import MAX_STRIKES
from tests.server.conftest import RunningServer
from tests.server.harness import Guest
from tests.server.test_meeting_flow import GREEN, RED, guest_joins, host_meeting


async def attempt(running: RunningServer, meeting_id: str, passcode: str) -> p.ServerMessage:
    guest = Guest("Scanner")
    await guest.connect(running.url, running.fingerprint)
    try:
        return await guest.join(meeting_id, passcode=passcode)
    finally:
        await guest.close()


async def test_unknown_id_and_wrong_passcode_look_the_same_then_lock_out(
    running: RunningServer,
) -> None:
    host, created = await host_meeting(running)
    unknown = await attempt(running, "12345678901", "WRONGPWD")
    wrong = await attempt(running, created.meeting_id, "WRONGPWD")
    assert unknown == wrong == p.JoinFailed(code=Code.BAD_CREDENTIALS)
    for _ in range(3):
        reply = await attempt(running, created.meeting_id, "WRONGPWD")
        assert isinstance(reply, p.JoinFailed) and reply.code == Code.BAD_CREDENTIALS
    # Five failures from this address: locked out, even with the right passcode.
    locked = await attempt(running, created.meeting_id, created.passcode or "")
    assert isinstance(locked, p.JoinFailed) and locked.code == Code.RATE_LIMITED
    assert locked.retry_after > 0
    # The meeting itself is undisturbed: the host is still in and can act.
    await host.send(p.SetLock(locked=True))
    await host.wait_for(lambda: host.state.locked)
    await host.close()


async def test_malformed_messages_get_errors_and_abuse_disconnects(running: RunningServer) -> None:
    client = SignalingClient()
    await client.connect(running.url, running.fingerprint)
    bad_inputs: list[str | bytes] = [
        "{",
        "[]",
        '{"type":"no_such_type"}',
        '{"type":"admit"}',
        '{"type":"chat","text":' + '"' + "x" * 9000 + '"}',
        "x" * (p.MAX_MESSAGE_BYTES + 10),
        b"\x00\xff binary",
        '{"type":"sdp","sdp_type":"offer","sdp":"v=0"}',  # SDP before joining
    ]
    codes = []
    for data in bad_inputs:
        await client.send_raw(data)
        reply = await asyncio.wait_for(client.recv(), 5)
        assert isinstance(reply, p.Error), reply
        codes.append(reply.code)
    assert codes == [
        Code.MALFORMED,
        Code.MALFORMED,
        Code.MALFORMED,
        Code.MALFORMED,
        Code.MALFORMED,
        Code.TOO_LARGE,
        Code.MALFORMED,
        Code.BAD_STATE,
    ]
    # The server still serves others.
    host, _ = await host_meeting(running)
    # Repeated abuse: the connection is closed with a reason.
    replies = []
    for _ in range(2):  # strikes 9 and 10 of MAX_STRIKES
        await client.send_raw("{")
    for _ in range(3):
        replies.append(await asyncio.wait_for(client.recv(), 5))
    assert [type(r) for r in replies] == [p.Error, p.Error, p.Closed]
    assert replies[-1] == p.Closed(code=Code.FLOODING)
    await client.close()
    await host.close()


async def test_refusals_from_races_never_disconnect_a_guest(running: RunningServer) -> None:
    """A guest who keeps trying to chat after the host switched chat off gets an
    error each time, and stays: only abuse counts towards the strike limit."""
    host, created = await host_meeting(running, waiting_room=False)
    guest = await guest_joins(running, created, "Guest")
    await host.send(p.SetPermission(permission="chat", allowed=False))
    await guest.wait_for(lambda: not guest.state.permissions["chat"])
    for _ in range(MAX_STRIKES + 5):
        await guest.send(p.SendChat(text="hello?"))
    await guest.wait_for(lambda: len(guest.errors()) == MAX_STRIKES + 5)
    assert {e.code for e in guest.errors()} == {Code.PERMISSION_OFF}
    await asyncio.sleep(0.2)
    assert guest.closed is None
    await host.send(p.SetPermission(permission="chat", allowed=True))
    await guest.wait_for(lambda: guest.state.permissions["chat"])
    await guest.send(p.SendChat(text="finally"))
    await host.wait_for(
        lambda: any(isinstance(e, p.ChatMessage) and e.text == "finally" for e in host.events)
    )
    await guest.close()
    await host.close()


async def test_wrong_certificate_is_refused(running: RunningServer) -> None:
    client = SignalingClient()
    with pytest.raises(CertificateMismatch):
        await client.connect(running.url, "00" * 32)


async def test_suspend_stops_media_and_chat_and_locks(running: RunningServer) -> None:
    host, created = await host_meeting(running, waiting_room=False)
    guest = await guest_joins(running, created, "Guest")
    watcher = await guest_joins(running, created, "Watcher")
    await guest.start_media(GREEN, 440)
    await watcher.start_media()
    await host.start_media(RED)
    assert guest.pid is not None
    await watcher.wait_for(lambda: watcher.frames_from(guest.pid, MediaKind.VIDEO) > 5, 20)
    await watcher.wait_for(lambda: watcher.frames_from(guest.pid, MediaKind.AUDIO) > 5, 20)

    await host.send(p.Suspend())
    await guest.wait_for(lambda: guest.state.suspended and guest.state.locked)
    assert not any(guest.state.permissions.values())
    me = guest.participant("Guest")
    assert me is not None and not me.audio_on and not me.video_on
    await asyncio.sleep(0.5)
    counts = (
        watcher.frames_from(guest.pid, MediaKind.VIDEO),
        watcher.frames_from(guest.pid, MediaKind.AUDIO),
    )
    await asyncio.sleep(1.0)
    assert counts == (
        watcher.frames_from(guest.pid, MediaKind.VIDEO),
        watcher.frames_from(guest.pid, MediaKind.AUDIO),
    ), "a suspended participant's media is still forwarded"
    # Turning media back on or chatting is refused while suspended.
    await guest.send(p.SetMedia(kind=MediaKind.VIDEO, on=True))
    await guest.send(p.SendChat(text="hello"))
    await guest.wait_for(lambda: len(guest.errors()) == 2)
    assert {e.code for e in guest.errors()} == {Code.PERMISSION_OFF}
    # The host's own media is not suspended.
    assert host.pid is not None
    before = watcher.frames_from(host.pid, MediaKind.VIDEO)
    await watcher.wait_for(lambda: watcher.frames_from(host.pid, MediaKind.VIDEO) > before + 5)
    # The host allows video again and the guest can turn it back on.
    await host.send(p.SetPermission(permission="start_video", allowed=True))
    await guest.wait_for(lambda: guest.state.permissions["start_video"])
    await guest.send(p.SetMedia(kind=MediaKind.VIDEO, on=True))
    resumed = watcher.frames_from(guest.pid, MediaKind.VIDEO)
    await watcher.wait_for(
        lambda: watcher.frames_from(guest.pid, MediaKind.VIDEO) > resumed + 5, 10
    )
    for g in (host, guest, watcher):
        await g.close()


async def test_end_for_all(running: RunningServer) -> None:
    host, created = await host_meeting(running, waiting_room=False)
    guest = await guest_joins(running, created, "Guest")
    await host.wait_for(lambda: len(host.state.participants) == 2)
    await host.send(p.EndMeeting())
    await guest.wait_for(lambda: guest.closed is not None)
    await host.wait_for(lambda: host.closed is not None)
    assert guest.closed.code == host.closed.code == Code.ENDED
    assert created.meeting_id not in running.server.rooms
    reply = await attempt(running, created.meeting_id, created.passcode or "")
    assert reply == p.JoinFailed(code=Code.BAD_CREDENTIALS)
    await host.close()
    await guest.close()


async def test_cohost_claim_host_and_host_handover(running: RunningServer) -> None:
    host, created = await host_meeting(running, waiting_room=False)
    co = await guest_joins(running, created, "Co")
    other = await guest_joins(running, created, "Other")
    await host.wait_for(lambda: len(host.state.participants) == 3)
    assert co.pid is not None and other.pid is not None
    await host.send(p.SetCohost(pid=co.pid, on=True))
    await co.wait_for(lambda: co.participant("Co").role == "cohost")
    # Co-hosts hold the Security menu but cannot end the meeting or touch the host.
    await co.send(p.SetLock(locked=True))
    await host.wait_for(lambda: host.state.locked)
    await co.send(p.EndMeeting())
    await co.send(p.Remove(pid=host.pid or ""))
    await co.wait_for(lambda: len(co.errors()) == 2)
    assert all(e.code == Code.NOT_ALLOWED for e in co.errors())

    # The host's connection drops: the co-host becomes host at once.
    await host.close()
    await co.wait_for(lambda: co.participant("Co") and co.participant("Co").role == "host")
    # The host returns with the host secret and is host again; the stand-in is co-host.
    back = Guest("Host")
    await back.connect(running.url, running.fingerprint)
    reply = await back.join(created.meeting_id, host_secret=created.host_secret)
    assert isinstance(reply, p.Joined)
    await co.wait_for(lambda: co.participant("Co").role == "cohost")

    # Claim host with the 6-digit key: three wrong keys and claiming stops.
    for key in ("000000", "111111", "222222"):
        await other.send(p.ClaimHost(host_key=key))
    await other.send(p.ClaimHost(host_key=created.host_key))
    await other.wait_for(lambda: len(other.errors()) == 4)
    assert [e.code for e in other.errors()][-1] == Code.RATE_LIMITED
    await co.send(p.ClaimHost(host_key=created.host_key))
    await co.wait_for(lambda: co.participant("Co").role == "host")
    await back.wait_for(lambda: back.participant("Host").role == "participant")
    for g in (co, other, back):
        await g.close()


async def test_chat_identity_and_private_messages(running: RunningServer) -> None:
    host, created = await host_meeting(running, waiting_room=False)
    a = await guest_joins(running, created, "Amal")
    b = await guest_joins(running, created, "Badr")
    await host.wait_for(lambda: len(host.state.participants) == 3)
    # A forged sender field is not part of the schema: the server sets the sender.
    await a.signaling.send_raw('{"type":"chat","text":"مرحبا hello","from_pid":"forged"}')
    for g in (host, a, b):
        await g.wait_for(lambda g=g: any(isinstance(e, p.ChatMessage) for e in g.events))
    message = next(e for e in b.events if isinstance(e, p.ChatMessage))
    assert message.from_pid == a.pid and message.from_name == "Amal"
    assert message.text == "مرحبا hello"
    await a.send(p.SendChat(text="just for you", to=host.pid))
    await host.wait_for(lambda: sum(isinstance(e, p.ChatMessage) for e in host.events) == 2)
    await asyncio.sleep(0.3)
    assert sum(isinstance(e, p.ChatMessage) for e in b.events) == 1
    # Chat off: participants cannot chat, the host still can.
    await host.send(p.SetPermission(permission="chat", allowed=False))
    await a.wait_for(lambda: not a.state.permissions["chat"])
    await a.send(p.SendChat(text="still here?"))
    await a.wait_for(lambda: a.errors() and a.errors()[-1].code == Code.PERMISSION_OFF)
    for g in (host, a, b):
        await g.close()


async def test_reconnect_keeps_place_without_lobby(running: RunningServer) -> None:
    host, created = await host_meeting(running)
    guest = await guest_joins(running, created, "Guest")
    await host.wait_for(lambda: host.state.lobby)
    await host.send(p.Admit(pid=guest.pid or ""))
    await host.wait_for(lambda: len(host.state.participants) == 2)
    await host.send(p.SetLock(locked=True))
    await host.wait_for(lambda: host.state.locked)
    old_pid, token = guest.pid, guest.session_token
    await guest.close()  # connection lost
    await host.wait_for(lambda: len(host.state.participants) == 1, timeout=10)
    again = Guest("Guest", device_key=guest.device_key)
    await again.connect(running.url, running.fingerprint)
    reply = await again.join(
        created.meeting_id, passcode=created.passcode or "", rejoin_token=token
    )
    assert isinstance(reply, p.Joined) and reply.pid == old_pid
    # Someone else's token does not help a different device.
    thief = Guest("Thief")
    await thief.connect(running.url, running.fingerprint)
    stolen = await thief.join(
        created.meeting_id, passcode=created.passcode or "", rejoin_token=token
    )
    assert isinstance(stolen, p.JoinFailed) and stolen.code == Code.LOCKED
    for g in (host, again, thief):
        await g.close()


async def test_late_joiner_gets_a_picture_fast(running: RunningServer) -> None:
    host, created = await host_meeting(running, waiting_room=False)
    await host.start_media(RED)
    await asyncio.sleep(3.0)  # past the first keyframe: the late joiner needs a PLI
    late = await guest_joins(running, created, "Late")
    started = time.monotonic()
    await late.start_media()
    assert host.pid is not None
    await late.wait_for(lambda: late.frames_from(host.pid, MediaKind.VIDEO) > 0, timeout=5)
    first = late.received[(host.pid, MediaKind.VIDEO)].first_at
    assert first is not None and first - started < 2.0
    for g in (host, late):
        await g.close()
