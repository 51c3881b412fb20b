"""One signaling WebSocket: authentication, then meeting actions and SDP.

A connection moves through three states: ``new`` (may create or join), ``waiting``
(in the lobby: may only leave) and ``joined``. Anything else gets an error reply.
Every error is a strike, except the refusals a well-behaved client meets through a
race (``NOT_STRIKES``); too many strikes, or too many messages per second, and the
connection is closed. Nothing a client sends can raise out of here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import WSCloseCode, WSMsgType, web

from app.core import devicekey
from app.core import protocol as p
from app.core.errors import Code, Refused
from app.core.ids import new_secret
from app.core.roles import MediaKind, Role
from app.server.relay import BadSdp, NegotiationFailed

if TYPE_CHECKING:
    from app.server.rooms import Room
    from app.server.server import MeetingServer

logger = logging.getLogger(__name__)

MAX_STRIKES = 10
# Refused by the meeting's rules after a race, not by abuse: the host switched chat
# off while the guest was typing, someone else started sharing first, the
# participant acted on left a moment ago; or the server's own fault. A guest who
# keeps pressing "unmute" after the host forbade it must not be thrown out.
NOT_STRIKES = frozenset(
    {Code.PERMISSION_OFF, Code.SOMEONE_SHARING, Code.NO_SUCH_PARTICIPANT, Code.INTERNAL}
)
RATE_PER_SECOND = 40.0  # token bucket: SDP bursts fit, floods do not
RATE_BURST = 80.0


class Connection:
    def __init__(self, server: MeetingServer, ws: web.WebSocketResponse, address: str) -> None:
        self.server = server
        self.ws = ws
        self.address = address
        self.nonce = secrets.token_urlsafe(24)
        self.pid: str | None = None
        self.room: Room | None = None
        self.state = "new"
        self.strikes = 0
        self._tokens = RATE_BURST
        self._last = time.monotonic()
        self._send_lock = asyncio.Lock()
        self._closing = False
        self._handlers: dict[type, Callable[[Any], Awaitable[None]]] = {
            p.Create: self._create,
            p.Join: self._join,
            p.Leave: self._leave,
            p.Ping: self._ping,
            p.Sdp: self._sdp,
            p.Ice: self._ice,
            p.SetMedia: self._set_media,
            p.RaiseHand: self._raise_hand,
            p.SendChat: self._chat,
            p.ReportParticipant: self._report,
            p.ClaimHost: self._claim_host,
        }

    # ------------------------------------------------------------ transport

    async def send(self, message: p._Msg) -> None:
        if self.ws.closed:
            return
        async with self._send_lock:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.ws.send_str(p.encode(message))

    async def close_with(self, code: Code) -> None:
        """Tell the client why, then close (the room has already let go of us)."""
        self._closing = True
        self.room = None
        await self.send(p.Closed(code=code))
        with contextlib.suppress(Exception):
            await self.ws.close(code=WSCloseCode.POLICY_VIOLATION, message=code.encode())

    async def error(self, code: Code, detail: str = "", ref: str = "") -> None:
        await self.send(p.Error(code=code, detail=detail, ref=ref))
        if code in NOT_STRIKES:
            return
        self.strikes += 1
        if self.strikes >= MAX_STRIKES:
            logger.warning("%s: too many bad messages, disconnecting", self.address)
            await self.send(p.Closed(code=Code.FLOODING))
            await self.ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"flooding")

    def _within_rate(self) -> bool:
        now = time.monotonic()
        self._tokens = min(RATE_BURST, self._tokens + (now - self._last) * RATE_PER_SECOND)
        self._last = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True

    async def run(self) -> None:
        await self.send(p.Welcome(v=p.PROTOCOL_VERSION, server=self.server.name, nonce=self.nonce))
        try:
            async for frame in self.ws:
                if frame.type == WSMsgType.TEXT:
                    await self._receive(frame.data)
                elif frame.type == WSMsgType.BINARY:
                    await self.error(Code.MALFORMED, "binary frames are not part of the protocol")
                elif frame.type == WSMsgType.ERROR:
                    break
                if self.ws.closed:
                    break
        finally:
            await self._detach(left=False)

    async def _receive(self, data: str) -> None:
        if not self._within_rate():
            await self.error(Code.FLOODING, "too many messages")
            return
        try:
            message = p.decode_client(data)
        except p.ProtocolError as exc:
            await self.error(exc.code, exc.detail)
            return
        ref = type(message).__struct_config__.tag
        try:
            await self._dispatch(message)
        except Refused as exc:
            await self.error(exc.code, exc.detail, ref=str(ref))
        except Exception:
            logger.exception("%s: internal error handling %s", self.address, ref)
            await self.error(Code.INTERNAL, "the server could not handle this message", str(ref))

    async def _dispatch(self, message: p.ClientMessage) -> None:
        handler = self._handlers.get(type(message))
        if handler is not None:
            await handler(message)
            return
        await self._host_action(message)

    def _require(self, state: str) -> Room:
        if self.state != state or self.room is None or self.pid is None:
            raise Refused(Code.BAD_STATE, f"not allowed before joining ({self.state})")
        if state == "joined" and self.pid not in self.room.meeting.participants:
            # Removed, denied or sent back a moment ago, the connection not closed
            # yet: its SDP must not open a new media session in the relay.
            raise Refused(Code.BAD_STATE, "no longer in the meeting")
        return self.room

    async def _detach(self, *, left: bool) -> None:
        room, self.room = self.room, None
        if room is not None and self.pid is not None:
            await room.detach(self.pid, left=left)

    # ---------------------------------------------------------- entry

    async def _ping(self, message: p.Ping) -> None:
        await self.send(p.Pong(nonce=message.nonce))

    async def _create(self, message: p.Create) -> None:
        if self.state != "new":
            raise Refused(Code.BAD_STATE, "already in a meeting")
        if message.v != p.PROTOCOL_VERSION:
            raise Refused(Code.UNSUPPORTED_VERSION, f"server speaks v{p.PROTOCOL_VERSION}")
        created = await self.server.create_meeting(message, self.address)
        await self.send(created)

    async def _join(self, message: p.Join) -> None:
        if self.state != "new":
            raise Refused(Code.BAD_STATE, "already joined")
        if message.v != p.PROTOCOL_VERSION:
            raise Refused(Code.UNSUPPORTED_VERSION, f"server speaks v{p.PROTOCOL_VERSION}")
        signed = devicekey.verify(
            message.device_key, message.device_sig, self.nonce, message.meeting_id
        )
        outcome = await self.server.authenticate(message, self.address, signed)
        if isinstance(outcome, p.JoinFailed):
            await self.send(outcome)
            return
        room, as_host = outcome
        token = new_secret()
        try:
            result = room.meeting.join(
                message.name,
                message.device_key,
                token,
                time.time(),
                as_host=as_host,
                rejoin_token=message.rejoin_token,
            )
        except Refused as exc:
            await self.send(p.JoinFailed(code=exc.code))
            return
        self.room = room
        if result.participant is not None:
            self.pid = result.participant.pid
            self.state = "joined"
            await self._replace_stale_connection(room, self.pid)
            room.connections[self.pid] = self
            await self.send(
                p.Joined(pid=self.pid, session_token=token, state=room.view_for(self.pid))
            )
            await room.broadcast_state()
        else:
            assert result.waiting is not None
            self.pid = result.waiting.pid
            self.state = "waiting"
            await self._replace_stale_connection(room, self.pid)
            room.connections[self.pid] = self
            await self.send(p.InWaitingRoom(pid=self.pid, session_token=token))
            await room.notify_hosts(
                p.Notice(kind="waiting_arrived", pid=self.pid, name=result.waiting.name)
            )
            await room.broadcast_state()

    async def _replace_stale_connection(self, room: Room, pid: str) -> None:
        """A reconnect may beat the server noticing the old connection died."""
        old = room.connections.pop(pid, None)
        if old is not None and old is not self:
            await room.relay.remove(pid)
            await old.close_with(Code.ENDED)

    async def _leave(self, message: p.Leave) -> None:
        await self._detach(left=True)
        self.state = "left"
        await self.ws.close()

    # ---------------------------------------------------------- media signaling

    async def _sdp(self, message: p.Sdp) -> None:
        room = self._require("joined")
        assert self.pid is not None
        session = room.relay.peer(self.pid, self.send)
        try:
            if message.sdp_type == "offer":
                await session.handle_offer(message.sdp, message.tracks)
            else:
                await session.handle_answer(message.sdp)
        except BadSdp as exc:
            raise Refused(Code.MALFORMED, str(exc)) from None
        except NegotiationFailed as exc:
            # The sender's own media session is in an unknown state: start it over.
            logger.warning("%s: SDP not applied, media session reset: %s", self.address, exc)
            await room.relay.remove(self.pid)
            raise Refused(Code.MALFORMED, "SDP not accepted; media session reset") from None
        except ValueError as exc:
            raise Refused(Code.BAD_STATE, str(exc)) from None

    async def _ice(self, message: p.Ice) -> None:
        room = self._require("joined")
        assert self.pid is not None
        session = room.relay.peers.get(self.pid)
        if session is None:
            raise Refused(Code.BAD_STATE, "no media session yet")
        from aiortc.exceptions import InvalidStateError
        from aiortc.sdp import candidate_from_sdp

        if message.sdp_mid is None and message.sdp_mline_index is None:
            raise Refused(Code.MALFORMED, "an ICE candidate needs sdp_mid or sdp_mline_index")
        try:
            # aiortc's parser asserts on short input: any failure here is bad input.
            candidate = candidate_from_sdp(message.candidate.removeprefix("candidate:"))
        except (ValueError, IndexError, AssertionError):
            raise Refused(Code.MALFORMED, "bad ICE candidate") from None
        candidate.sdpMid = message.sdp_mid
        candidate.sdpMLineIndex = message.sdp_mline_index
        try:
            await session.pc.addIceCandidate(candidate)
        except (ValueError, InvalidStateError) as exc:
            raise Refused(Code.BAD_STATE, f"ICE candidate not accepted: {exc}") from None

    # ---------------------------------------------------------- own actions

    async def _set_media(self, message: p.SetMedia) -> None:
        room = self._require("joined")
        assert self.pid is not None
        room.meeting.set_own_media(self.pid, message.kind, message.on)
        if message.on and message.kind is not MediaKind.AUDIO:
            room.relay.request_keyframes(self.pid)
        await room.broadcast_state()

    async def _raise_hand(self, message: p.RaiseHand) -> None:
        room = self._require("joined")
        assert self.pid is not None
        room.meeting.raise_hand(self.pid, message.up)
        await room.broadcast_state()

    async def _chat(self, message: p.SendChat) -> None:
        room = self._require("joined")
        assert self.pid is not None
        recipients = room.meeting.chat_recipients(self.pid, message.to, message.text)
        sender = room.meeting.participants[self.pid]
        # The sender's identity comes from the session, never from the message.
        chat = p.ChatMessage(
            from_pid=self.pid,
            from_name=sender.name,
            to=message.to,
            text=message.text,
            at=time.time(),
        )
        for pid in recipients:
            await room.send_to(pid, chat)

    async def _report(self, message: p.ReportParticipant) -> None:
        room = self._require("joined")
        assert self.pid is not None
        report = room.meeting.report(self.pid, message.pid, message.reason, time.time())
        logger.warning(
            "meeting %s: %s reported %s: %s",
            room.meeting_id,
            report.reporter_name,
            report.target_name,
            report.reason,
        )
        await room.notify_hosts(
            p.Notice(kind="reported", pid=report.target_pid, name=report.target_name)
        )

    async def _claim_host(self, message: p.ClaimHost) -> None:
        room = self._require("joined")
        assert self.pid is not None
        room.meeting.claim_host(self.pid, message.host_key)
        await room.broadcast_state()

    # ---------------------------------------------------------- host actions

    async def _host_action(self, message: p.ClientMessage) -> None:
        room = self._require("joined")
        actor = self.pid
        assert actor is not None
        m = room.meeting
        match message:
            case p.SetLock(locked=locked):
                m.set_locked(actor, locked)
            case p.SetWaitingRoom(on=on):
                for waiting in m.set_waiting_room(actor, on):
                    await room.admitted(waiting.pid)
            case p.SetCapacity(capacity=capacity):
                m.set_capacity(actor, capacity)
            case p.SetPermission(permission=permission, allowed=allowed):
                m.set_permission(actor, permission, allowed)
            case p.Admit(pid=pid):
                m.admit(actor, pid)
                await room.admitted(pid)
            case p.AdmitAll():
                for waiting in m.admit_all(actor):
                    await room.admitted(waiting.pid)
            case p.Deny(pid=pid):
                m.deny(actor, pid)
                await room.expel(pid, Code.DENIED)
            case p.SendToWaitingRoom(pid=pid):
                m.send_to_waiting_room(actor, pid)
                await room.relay.remove(pid)
                await room.send_to(pid, p.Notice(kind="sent_to_waiting_room", pid=pid))
                connection = room.connections.get(pid)
                if connection is not None:
                    connection.state = "waiting"
            case p.Remove(pid=pid):
                name = m.remove(actor, pid)
                logger.info("meeting %s: %s removed", room.meeting_id, name)
                await room.expel(pid, Code.REMOVED)
            case p.Mute(pid=pid):
                m.mute(actor, pid)
                await room.send_to(pid, p.Notice(kind="muted_by_host", pid=pid))
            case p.MuteAll():
                m.mute_all(actor)
                for pid in m.participants:
                    if pid != actor:
                        await room.send_to(pid, p.Notice(kind="muted_by_host", pid=pid))
            case p.AskToUnmute(pid=pid):
                m.ask_to_unmute(actor, pid)
                await room.send_to(pid, p.Notice(kind="asked_to_unmute", pid=pid))
            case p.StopVideo(pid=pid):
                m.stop_video(actor, pid)
                await room.send_to(pid, p.Notice(kind="video_stopped_by_host", pid=pid))
            case p.StopShare(pid=pid):
                m.stop_share(actor, pid)
                await room.send_to(pid, p.Notice(kind="share_stopped_by_host", pid=pid))
            case p.SetCohost(pid=pid, on=on):
                m.set_cohost(actor, pid, on)
                await room.send_to(pid, p.Notice(kind="role_changed", pid=pid))
            case p.Rename(pid=pid, name=name):
                m.rename(actor, pid, name)
            case p.LowerHand(pid=pid):
                m.lower_hand(actor, pid)
            case p.Suspend():
                m.suspend(actor)
                for pid, participant in m.participants.items():
                    if participant.role is Role.PARTICIPANT:
                        await room.send_to(pid, p.Notice(kind="suspended"))
            case p.EndMeeting():
                m.end(actor)
                await self.server.end_meeting(room)
                return
            case _:
                raise Refused(Code.BAD_STATE, "not valid here")
        await room.broadcast_state()
