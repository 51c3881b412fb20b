"""Removed means removed, the waiting room cannot be skipped, nobody grants itself
host powers or speaks (in chat or in signaling) as someone else."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator

import pytest

from app.core import protocol as p
from app.core.devicekey import DeviceKey
from app.core.errors import Code
from app.core.meeting import HOST_KEY_ATTEMPTS, Meeting
from app.core.roles import MediaKind, Permission, Role
from app.rtc.peer import MediaPeer
from app.server.rooms import Room
from tests.abuse.scene import eventually
from tests.server.conftest import RunningServer
from tests.server.harness import ColourTrack, Guest, close_to

RED, GREEN, BLUE = (220, 40, 40), (40, 200, 60), (40, 60, 220)


class Party:
    """A host with its meeting (waiting room on) and helpers to bring people in."""

    def __init__(self, running: RunningServer) -> None:
        self.running = running
        self.host = Guest("Host")
        self.created: p.Created | None = None
        self.people: list[Guest] = []

    async def start(self) -> None:
        await self.host.connect(self.running.url, self.running.fingerprint)
        self.created = await self.host.create(self.running.token)
        reply = await self.host.join(self.created.meeting_id, host_secret=self.created.host_secret)
        assert isinstance(reply, p.Joined)

    @property
    def room(self) -> Room:
        assert self.created is not None
        return self.running.server.rooms[self.created.meeting_id]

    @property
    def meeting(self) -> Meeting:
        return self.room.meeting

    async def knock(
        self,
        name: str,
        key: DeviceKey | None = None,
        rejoin_token: str | None = None,
    ) -> tuple[Guest, p.ServerMessage]:
        assert self.created is not None
        guest = Guest(name, key)
        self.people.append(guest)
        await guest.connect(self.running.url, self.running.fingerprint)
        reply = await guest.join(
            self.created.meeting_id,
            passcode=self.created.passcode or "",
            rejoin_token=rejoin_token,
        )
        return guest, reply

    async def admitted(self, name: str, key: DeviceKey | None = None) -> Guest:
        guest, reply = await self.knock(name, key)
        assert isinstance(reply, p.InWaitingRoom), reply
        await self.host.send(p.Admit(pid=reply.pid))
        await eventually(lambda: reply.pid in self.meeting.participants)
        return guest

    async def close(self) -> None:
        for guest in [*self.people, self.host]:
            await guest.close()


@pytest.fixture
async def party(running: RunningServer) -> AsyncIterator[Party]:
    made = Party(running)
    await made.start()
    yield made
    await made.close()


def refused(reply: p.ServerMessage, code: Code) -> bool:
    return isinstance(reply, p.JoinFailed) and reply.code == code


# ------------------------------------------------------------------ removed


async def test_removed_participant_cannot_come_back(party: Party) -> None:
    key = DeviceKey.generate()
    mallory = await party.admitted("Mallory", key)
    pid, token = mallory.pid, mallory.session_token
    assert pid is not None and token is not None
    await party.host.start_media()
    await mallory.start_media(GREEN)
    await party.host.wait_for(lambda: party.host.frames_from(pid, MediaKind.VIDEO) > 5, 20)

    # Removed while firing messages at the server: whatever arrives late changes nothing.
    await party.host.send(p.Remove(pid=pid))
    for text in ("still here", "and here"):
        try:
            await mallory.send(p.SendChat(text=text))
            await mallory.send(p.SetMedia(kind=MediaKind.VIDEO, on=True))
            await mallory.send(p.RaiseHand(up=True))
        except Exception:
            break  # the server already closed the connection
    await mallory.wait_for(lambda: mallory.closed is not None)
    assert mallory.closed == p.Closed(code=Code.REMOVED)
    await eventually(lambda: pid not in party.room.relay.peers)
    assert pid not in party.meeting.participants and pid not in party.meeting.lobby
    assert pid not in party.room.connections
    assert all(t.pid != pid for t in party.meeting._tickets.values())

    # A new name, a new connection, the same invite and the same device key...
    _, reply = await party.knock("Totally Not Mallory", key)
    assert refused(reply, Code.REMOVED), reply
    # ...with its session token too...
    _, reply = await party.knock("Mallory", key, rejoin_token=token)
    assert refused(reply, Code.REMOVED), reply
    # ...and the session token on a freshly generated device key: still her.
    _, reply = await party.knock("M.", DeviceKey.generate(), rejoin_token=token)
    assert refused(reply, Code.REMOVED), reply
    # With the waiting room off she would have walked straight in: still refused.
    await party.host.send(p.SetWaitingRoom(on=False))
    await eventually(lambda: not party.meeting.waiting_room)
    _, reply = await party.knock("Mallory again", key)
    assert refused(reply, Code.REMOVED), reply
    assert [x.name for x in party.meeting.participants.values()] == ["Host"]


async def test_removed_from_the_waiting_room_is_banned_too(party: Party) -> None:
    key = DeviceKey.generate()
    lurker, reply = await party.knock("Lurker", key)
    assert isinstance(reply, p.InWaitingRoom)
    await party.host.send(p.Remove(pid=reply.pid))
    await lurker.wait_for(lambda: lurker.closed is not None)
    assert lurker.closed == p.Closed(code=Code.REMOVED)
    _, again = await party.knock("Lurker", key)
    assert refused(again, Code.REMOVED)
    assert not party.meeting.lobby


async def test_no_media_session_between_removal_and_disconnect(party: Party) -> None:
    """The rules have removed her, her connection is not closed yet (the relay is
    still tearing her session down): an SDP offer arriving now must not open a new
    media session, which would be subscribed to everyone's media."""
    assert party.host.pid is not None
    await party.host.start_media(RED)
    mallory = await party.admitted("Mallory")
    assert mallory.pid is not None
    party.meeting.remove(party.host.pid, mallory.pid)  # the rule, before the expel
    peer = MediaPeer(mallory.send, mallory._remote_track)
    mallory.peer = peer
    await peer.start()
    await mallory.wait_for(lambda: mallory.errors())
    assert mallory.errors()[-1].code == Code.BAD_STATE and mallory.errors()[-1].ref == "sdp"
    assert mallory.pid not in party.room.relay.peers
    await party.room.expel(mallory.pid, Code.REMOVED)
    await mallory.wait_for(lambda: mallory.closed is not None)
    assert mallory.pid not in party.room.relay.peers


# ------------------------------------------------------------------ waiting room


async def test_denied_guest_cannot_skip_the_waiting_room(party: Party) -> None:
    key = DeviceKey.generate()
    eve, reply = await party.knock("Eve", key)
    assert isinstance(reply, p.InWaitingRoom)
    pid = reply.pid
    # While waiting: joining again, SDP, chat, media, hand, actions are all refused.
    attempts: list[p._Msg] = [
        p.Join(
            v=p.PROTOCOL_VERSION,
            meeting_id=party.meeting.meeting_id,
            name="Eve",
            device_key=key.public_b64,
            device_sig=key.sign(eve.signaling.welcome.nonce, party.meeting.meeting_id),  # type: ignore[union-attr]
            passcode=party.created.passcode or "",  # type: ignore[union-attr]
        ),
        p.Sdp(sdp_type="offer", sdp="v=0\r\n"),
        p.Ice(candidate="candidate:1 1 udp 1 127.0.0.1 9 typ host", sdp_mid="0"),
        p.SendChat(text="let me in"),
        p.SetMedia(kind=MediaKind.VIDEO, on=True),
        p.RaiseHand(up=True),
        p.Admit(pid=pid),
        p.AdmitAll(),
        p.SetWaitingRoom(on=False),
        p.ClaimHost(host_key=party.created.host_key),  # type: ignore[union-attr]
        p.Rename(pid=pid, name="Host"),
    ]
    for message in attempts:
        await eve.send(message)
    # Every one is refused; the tenth strike closes the connection.
    await eve.wait_for(lambda: eve.closed is not None)
    assert [e.code for e in eve.errors()] == [Code.BAD_STATE] * 10
    assert eve.closed == p.Closed(code=Code.FLOODING)
    assert pid not in party.meeting.participants
    assert pid not in party.room.relay.peers
    assert party.meeting.waiting_room and len(party.meeting.participants) == 1
    assert not any(isinstance(e, p.ChatMessage) for e in party.host.events)

    # Denied: the connection ends; a new one lands in the waiting room again.
    eve2, reply2 = await party.knock("Eve", key)
    assert isinstance(reply2, p.InWaitingRoom)
    await party.host.send(p.Deny(pid=reply2.pid))
    await eve2.wait_for(lambda: eve2.closed is not None)
    assert eve2.closed == p.Closed(code=Code.DENIED)
    for rejoin in (None, reply2.session_token):
        _, reply3 = await party.knock("Eve", key, rejoin_token=rejoin)
        assert isinstance(reply3, p.InWaitingRoom), reply3
        assert reply3.pid in party.meeting.lobby
        assert reply3.pid not in party.meeting.participants
    assert [x.name for x in party.meeting.participants.values()] == ["Host"]


# ------------------------------------------------------------------ host powers


async def test_participant_cannot_grant_itself_host_powers(party: Party) -> None:
    assert party.created is not None and party.host.pid is not None
    mallory = await party.admitted("Mallory")
    helper = await party.admitted("Helper")
    assert mallory.pid is not None and helper.pid is not None
    for message in (
        p.SetCohost(pid=mallory.pid, on=True),
        p.SetCohost(pid=helper.pid, on=True),
        p.SetLock(locked=True),
        p.SetPermission(permission=Permission.CHAT, allowed=False),
        p.Remove(pid=party.host.pid),
        p.EndMeeting(),
    ):
        await mallory.send(message)
    await mallory.wait_for(lambda: len(mallory.errors()) == 6)
    assert {e.code for e in mallory.errors()} == {Code.NOT_ALLOWED}
    assert party.meeting.participants[mallory.pid].role == "participant"
    assert party.meeting.participants[helper.pid].role == "participant"
    assert not party.meeting.locked and not party.meeting.ended

    # Brute-forcing the 6-digit host key, coming back as a fresh participant (same
    # device key and session token) whenever the per-participant budget runs out:
    # the meeting allows 15 wrong keys in all, then refuses even the right one.
    wrong = rate_limited = 0
    guesser = mallory
    for _cycle in range(12):
        seen = len(guesser.errors())
        for _ in range(HOST_KEY_ATTEMPTS + 1):
            key = f"{secrets.randbelow(10**6):06d}"
            if key == party.created.host_key:
                key = f"{(int(key) + 1) % 10**6:06d}"
            await guesser.send(p.ClaimHost(host_key=key))
        await guesser.wait_for(
            lambda g=guesser, s=seen: len(g.errors()) >= s + HOST_KEY_ATTEMPTS + 1
        )
        codes = [e.code for e in guesser.errors()[seen:]]
        wrong += codes.count(Code.NOT_ALLOWED)
        rate_limited += codes.count(Code.RATE_LIMITED)
        if set(codes) == {Code.RATE_LIMITED}:
            break
        await guesser.close()
        guesser, reply = await party.knock(
            "Mallory", guesser.device_key, rejoin_token=guesser.session_token
        )
        assert isinstance(reply, p.Joined) and reply.pid == mallory.pid, reply
    assert wrong == HOST_KEY_ATTEMPTS * 5
    seen = len(guesser.errors())
    await guesser.send(p.ClaimHost(host_key=party.created.host_key))
    await guesser.wait_for(lambda: len(guesser.errors()) > seen)
    assert guesser.errors()[-1].code == Code.RATE_LIMITED
    host = party.meeting.host
    assert host is not None and host.pid == party.host.pid
    assert [x.role for x in party.meeting.participants.values()].count(Role.HOST) == 1


# ------------------------------------------------------------------ identity


async def test_chat_sender_is_set_by_the_server(party: Party) -> None:
    assert party.host.pid is not None
    mallory = await party.admitted("Mallory")
    bob = await party.admitted("Bob")
    forged = {"from_pid": party.host.pid, "from_name": "Host", "sender": party.host.pid, "at": 0}
    await mallory.signaling.send_raw(
        json.dumps({"type": "chat", "text": "I am the host", "pid": party.host.pid, **forged})
    )
    await mallory.signaling.send_raw(
        json.dumps({"type": "chat", "text": "psst", "to": bob.pid, **forged})
    )
    for g in (party.host, bob):
        await g.wait_for(lambda g=g: any(isinstance(e, p.ChatMessage) for e in g.events))
    await bob.wait_for(lambda: sum(isinstance(e, p.ChatMessage) for e in bob.events) == 2)
    for message in [e for g in (party.host, bob) for e in g.events if isinstance(e, p.ChatMessage)]:
        assert message.from_pid == mallory.pid and message.from_name == "Mallory"
    await asyncio.sleep(0.3)
    assert sum(isinstance(e, p.ChatMessage) for e in party.host.events) == 1  # private to Bob


async def test_signaling_cannot_touch_another_participants_media(party: Party) -> None:
    """Mallory labels her tracks as the host's and sends answers and candidates
    out of turn: the relay files her media under her own ID and the host's peer
    connection is untouched."""
    assert party.host.pid is not None
    bob = await party.admitted("Bob")
    mallory = await party.admitted("Mallory")
    assert bob.pid is not None and mallory.pid is not None
    await party.host.start_media(RED)
    await bob.start_media()
    await bob.wait_for(
        lambda: close_to(bob.received[(party.host.pid, MediaKind.VIDEO)].last_rgb, RED), 20
    )
    host_session = party.room.relay.peers[party.host.pid]
    host_publications = dict(host_session.publications)
    host_remote = host_session.pc.remoteDescription.sdp

    # Her offer claims every m-line belongs to the host.
    peer = MediaPeer(mallory.send, mallory._remote_track)
    mallory.peer = peer
    peer.set_track(MediaKind.VIDEO, ColourTrack(GREEN))
    await mallory.send(p.SetMedia(kind=MediaKind.VIDEO, on=True))
    await peer.pc.setLocalDescription(await peer.pc.createOffer())
    forged = {
        t.mid: p.TrackInfo(pid=party.host.pid, kind=kind)
        for kind, t in peer.senders.items()
        if t.mid is not None
    }
    await mallory.send(p.Sdp(sdp_type="offer", sdp=peer.pc.localDescription.sdp, tracks=forged))
    await bob.wait_for(
        lambda: close_to(bob.received[(mallory.pid, MediaKind.VIDEO)].last_rgb, GREEN), 20
    )
    # Out-of-turn answers and candidates only reach her own peer connection.
    errors = len(mallory.errors())
    await mallory.send(p.Sdp(sdp_type="answer", sdp=host_remote))
    await mallory.send(p.Ice(candidate="candidate:1 1 udp 1 127.0.0.1 9 typ host", sdp_mid="0"))
    await mallory.wait_for(lambda: len(mallory.errors()) > errors)

    # Bob's map: green is Mallory's, red is still the host's, nothing else claims the host.
    await asyncio.sleep(1.0)
    assert close_to(bob.received[(party.host.pid, MediaKind.VIDEO)].last_rgb, RED)
    assert close_to(bob.received[(mallory.pid, MediaKind.VIDEO)].last_rgb, GREEN)
    labels = party.room.relay.peers[bob.pid].subscriptions()
    assert sorted((x.pid, x.kind) for x in labels.values()) == sorted(
        (pid, kind) for pid in (party.host.pid, mallory.pid) for kind in MediaKind
    )
    assert {pub.pid for pub in party.room.relay.peers[mallory.pid].publications.values()} == {
        mallory.pid
    }
    # The host's own session: same session, same publications, still connected.
    assert party.room.relay.peers[party.host.pid] is host_session
    assert host_session.publications == host_publications
    assert all(pub.pid == party.host.pid for pub in host_session.publications.values())
    assert host_session.pc.connectionState == "connected"
    before = bob.frames_from(party.host.pid, MediaKind.VIDEO)
    await bob.wait_for(lambda: bob.frames_from(party.host.pid, MediaKind.VIDEO) > before + 10)
