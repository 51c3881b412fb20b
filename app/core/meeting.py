"""The meeting state machine: who is in, who waits, who may do what.

Pure rules, no I/O: the server authenticates people (passcode, host secret, device
key signature) and then asks this object. Every action names its actor; an action
the actor's role or the meeting's permissions do not allow raises :class:`Refused`
and changes nothing.

Decisions (see SECURITY.md):
- Co-hosts hold host powers except ending the meeting, making co-hosts, and acting
  on the host or on other co-hosts.
- Removing bans the device key, the participant ID and the session token: a new
  name or a new connection does not get them back in.
- A participant whose connection drops may come back with its session token within
  ``REJOIN_GRACE`` seconds and keeps its place, role and admission (no new lobby
  wait, even when the meeting was locked meanwhile: the lock keeps new people out).
- When the host drops, the longest-present co-host becomes host; without a co-host
  the meeting goes on hostless until the host returns with the host secret.
- Suspend turns every participant permission off, stops all participants' media
  and locks the meeting; hosts turn things back on one by one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.core.errors import Code, Refused
from app.core.ids import new_participant_id, secret_digest, secret_matches
from app.core.passcode import constant_time_equal
from app.core.roles import MediaKind, Permission, Role

REJOIN_GRACE = 120.0
MAX_NAME_LENGTH = 64
MAX_CHAT_LENGTH = 4000
MAX_REPORT_LENGTH = 1000
MAX_CAPACITY = 500
HOST_KEY_ATTEMPTS = 3


@dataclass
class Participant:
    pid: str
    name: str
    role: Role
    device_key: str
    joined_at: float
    session_digest: bytes
    audio_on: bool = False
    video_on: bool = False
    screen_on: bool = False
    hand_raised: bool = False
    asked_to_unmute: bool = False
    host_key_failures: int = 0

    def media_on(self, kind: MediaKind) -> bool:
        return {
            MediaKind.AUDIO: self.audio_on,
            MediaKind.VIDEO: self.video_on,
            MediaKind.SCREEN: self.screen_on,
        }[kind]

    def set_media(self, kind: MediaKind, on: bool) -> None:
        if kind is MediaKind.AUDIO:
            self.audio_on = on
        elif kind is MediaKind.VIDEO:
            self.video_on = on
        else:
            self.screen_on = on


@dataclass
class Waiting:
    """Someone in the waiting room."""

    pid: str
    name: str
    device_key: str
    since: float
    session_digest: bytes


@dataclass
class Report:
    reporter_pid: str
    reporter_name: str
    target_pid: str
    target_name: str
    reason: str
    at: float


@dataclass
class _Ticket:
    """What a dropped participant gets back when it rejoins with its session token."""

    pid: str
    name: str
    role: Role
    device_key: str
    expires: float


@dataclass
class JoinResult:
    """Outcome of :meth:`Meeting.join`: admitted (``participant``) or waiting (``waiting``)."""

    participant: Participant | None = None
    waiting: Waiting | None = None


def clean_name(name: str) -> str:
    """Display names: trimmed, no control characters, bounded length, never empty."""
    cleaned = "".join(ch for ch in name if ch.isprintable()).strip()
    if not cleaned:
        raise Refused(Code.INVALID, "empty name")
    return cleaned[:MAX_NAME_LENGTH]


@dataclass
class Meeting:
    meeting_id: str
    passcode_hash: str | None
    host_secret_digest: bytes
    host_key: str
    created_at: float
    waiting_room: bool = True
    locked: bool = False
    capacity: int = 100
    suspended: bool = False
    ended: bool = False
    permissions: dict[Permission, bool] = field(
        default_factory=lambda: {p: True for p in Permission}
    )
    participants: dict[str, Participant] = field(default_factory=dict)
    lobby: dict[str, Waiting] = field(default_factory=dict)
    reports: list[Report] = field(default_factory=list)
    banned_devices: set[str] = field(default_factory=set)
    banned_sessions: set[bytes] = field(default_factory=set)
    banned_pids: set[str] = field(default_factory=set)
    _tickets: dict[bytes, _Ticket] = field(default_factory=dict)
    _host_key_failures: int = 0

    # ----------------------------------------------------------------- entry

    def join(
        self,
        name: str,
        device_key: str,
        session_token: str,
        now: float,
        *,
        as_host: bool = False,
        rejoin_token: str | None = None,
    ) -> JoinResult:
        """Admit or queue someone whose credentials the server has already checked.

        ``as_host`` means the host secret was presented. ``rejoin_token`` is the
        session token from an earlier join of this meeting (reconnects).
        """
        if self.ended:
            raise Refused(Code.ENDED)
        name = clean_name(name)
        digest = secret_digest(session_token)
        old_digest = secret_digest(rejoin_token) if rejoin_token else None
        if (
            device_key in self.banned_devices
            or digest in self.banned_sessions
            or old_digest in self.banned_sessions  # a removed session, on a new device key
        ):
            raise Refused(Code.REMOVED)
        ticket = self._take_ticket(old_digest, device_key, now) if old_digest else None
        if ticket is not None and (ticket.pid in self.banned_pids):
            raise Refused(Code.REMOVED)

        if as_host:
            pid = ticket.pid if ticket is not None else None  # the host keeps its ID
            return JoinResult(participant=self._enter_as_host(name, device_key, digest, now, pid))
        if ticket is not None:
            role = Role.PARTICIPANT if ticket.role is Role.HOST else ticket.role
            participant = Participant(ticket.pid, ticket.name, role, device_key, now, digest)
            self.participants[participant.pid] = participant
            return JoinResult(participant=participant)
        if old_digest is not None:
            waiting = self._lobby_place(old_digest, device_key, digest)
            if waiting is not None:
                return JoinResult(waiting=waiting)
        if self.locked:
            raise Refused(Code.LOCKED)
        if len(self.participants) >= self.capacity:
            raise Refused(Code.FULL)
        pid = new_participant_id()
        if self.waiting_room:
            waiting = Waiting(pid, name, device_key, now, digest)
            self.lobby[pid] = waiting
            return JoinResult(waiting=waiting)
        participant = Participant(pid, name, Role.PARTICIPANT, device_key, now, digest)
        self.participants[pid] = participant
        return JoinResult(participant=participant)

    def check_host_secret(self, host_secret: str) -> bool:
        return secret_matches(self.host_secret_digest, host_secret)

    def _enter_as_host(
        self, name: str, device_key: str, digest: bytes, now: float, pid: str | None = None
    ) -> Participant:
        for other in self.participants.values():
            if other.role is Role.HOST:
                # The host came back (another device or a reconnect): the stand-in
                # host returns to being a co-host.
                other.role = Role.COHOST
        participant = Participant(
            pid or new_participant_id(), name, Role.HOST, device_key, now, digest
        )
        self.participants[participant.pid] = participant
        return participant

    def _take_ticket(self, digest: bytes, device_key: str, now: float) -> _Ticket | None:
        """The place of a participant coming back with its session token (only from
        the same device key). A reconnect can beat the server noticing that the old
        connection died: a participant still present with that token is taken over,
        as if its old connection had dropped just now."""
        self._expire_tickets(now)
        present = next((x for x in self.participants.values() if x.session_digest == digest), None)
        if present is not None and present.device_key == device_key:
            self.disconnect(present.pid, now)
        ticket = self._tickets.get(digest)
        if ticket is None or ticket.device_key != device_key:
            return None  # someone else's token does not use up the owner's ticket
        del self._tickets[digest]
        return ticket

    def _lobby_place(self, digest: bytes, device_key: str, new_digest: bytes) -> Waiting | None:
        """A waiting guest reconnecting with its session token keeps its place."""
        waiting = next((w for w in self.lobby.values() if w.session_digest == digest), None)
        if waiting is None or waiting.device_key != device_key:
            return None
        waiting.session_digest = new_digest
        return waiting

    def _expire_tickets(self, now: float) -> None:
        for digest in [d for d, t in self._tickets.items() if t.expires < now]:
            del self._tickets[digest]

    def disconnect(self, pid: str, now: float, *, left: bool = False) -> None:
        """A connection closed. ``left`` means the person chose to leave (no rejoin ticket)."""
        self._expire_tickets(now)  # tickets never pile up, even if nobody comes back
        self.lobby.pop(pid, None)
        participant = self.participants.pop(pid, None)
        if participant is None:
            return
        if not left and pid not in self.banned_pids:
            self._tickets[participant.session_digest] = _Ticket(
                pid,
                participant.name,
                participant.role,
                participant.device_key,
                now + REJOIN_GRACE,
            )
        if participant.role is Role.HOST:
            cohosts = sorted(
                (p for p in self.participants.values() if p.role is Role.COHOST),
                key=lambda p: p.joined_at,
            )
            if cohosts:
                cohosts[0].role = Role.HOST

    @property
    def host(self) -> Participant | None:
        return next((p for p in self.participants.values() if p.role is Role.HOST), None)

    # --------------------------------------------------------------- helpers

    def participant(self, pid: str) -> Participant:
        try:
            return self.participants[pid]
        except KeyError:
            raise Refused(Code.NO_SUCH_PARTICIPANT) from None

    def _host_like(self, actor_pid: str) -> Participant:
        actor = self.participant(actor_pid)
        if not actor.role.is_host_like:
            raise Refused(Code.NOT_ALLOWED, "host or co-host only")
        return actor

    def _host_only(self, actor_pid: str) -> Participant:
        actor = self.participant(actor_pid)
        if actor.role is not Role.HOST:
            raise Refused(Code.NOT_ALLOWED, "host only")
        return actor

    def _may_act_on(self, actor: Participant, target: Participant) -> None:
        if actor.pid == target.pid:
            raise Refused(Code.INVALID, "cannot do this to yourself")
        if target.role is Role.HOST or (target.role is Role.COHOST and actor.role is not Role.HOST):
            raise Refused(Code.NOT_ALLOWED, "only the host can do this to a co-host")

    def allowed(self, pid: str, permission: Permission) -> bool:
        participant = self.participants.get(pid)
        if participant is None:
            return False
        return participant.role.is_host_like or self.permissions[permission]

    def may_forward(self, pid: str, kind: MediaKind) -> bool:
        """Whether the relay forwards this publisher's media of this kind right now."""
        participant = self.participants.get(pid)
        return participant is not None and not self.ended and participant.media_on(kind)

    # -------------------------------------------------------------- settings

    def set_locked(self, actor_pid: str, locked: bool) -> None:
        self._host_like(actor_pid)
        self.locked = locked
        if not locked:
            self.suspended = False

    def set_waiting_room(self, actor_pid: str, on: bool) -> list[Waiting]:
        """Turning the waiting room off admits everyone waiting (as Zoom does)."""
        self._host_like(actor_pid)
        self.waiting_room = on
        return [] if on else self.admit_all(actor_pid)

    def set_capacity(self, actor_pid: str, capacity: int) -> None:
        self._host_like(actor_pid)
        if not 1 <= capacity <= MAX_CAPACITY:
            raise Refused(Code.INVALID, f"capacity must be between 1 and {MAX_CAPACITY}")
        self.capacity = capacity

    def set_permission(self, actor_pid: str, permission: Permission, allowed: bool) -> None:
        self._host_like(actor_pid)
        self.permissions[permission] = allowed
        if allowed:
            self.suspended = False
            return
        # Taking a permission away stops what it covered, right away.
        for p in self._plain_participants():
            if permission is Permission.UNMUTE:
                p.audio_on = False
            elif permission is Permission.START_VIDEO:
                p.video_on = False
            elif permission is Permission.SHARE_SCREEN:
                p.screen_on = False

    def suspend(self, actor_pid: str) -> None:
        self._host_like(actor_pid)
        for permission in Permission:
            self.permissions[permission] = False
        for p in self._plain_participants():
            p.audio_on = p.video_on = p.screen_on = False
            p.asked_to_unmute = False
        self.locked = True
        self.suspended = True

    def end(self, actor_pid: str) -> None:
        self._host_only(actor_pid)
        self.ended = True

    def _plain_participants(self) -> Iterable[Participant]:
        return (p for p in self.participants.values() if p.role is Role.PARTICIPANT)

    # ---------------------------------------------------------- waiting room

    def admit(self, actor_pid: str, pid: str) -> Participant:
        self._host_like(actor_pid)
        waiting = self.lobby.get(pid)
        if waiting is None:
            raise Refused(Code.NO_SUCH_PARTICIPANT)
        if len(self.participants) >= self.capacity:
            raise Refused(Code.FULL)
        del self.lobby[pid]
        participant = Participant(
            waiting.pid,
            waiting.name,
            Role.PARTICIPANT,
            waiting.device_key,
            waiting.since,
            waiting.session_digest,
        )
        self.participants[pid] = participant
        return participant

    def admit_all(self, actor_pid: str) -> list[Waiting]:
        self._host_like(actor_pid)
        admitted = []
        for waiting in sorted(self.lobby.values(), key=lambda w: w.since):
            if len(self.participants) >= self.capacity:
                break
            self.admit(actor_pid, waiting.pid)
            admitted.append(waiting)
        return admitted

    def deny(self, actor_pid: str, pid: str) -> Waiting:
        self._host_like(actor_pid)
        waiting = self.lobby.pop(pid, None)
        if waiting is None:
            raise Refused(Code.NO_SUCH_PARTICIPANT)
        return waiting

    def send_to_waiting_room(self, actor_pid: str, pid: str) -> Waiting:
        actor = self._host_like(actor_pid)
        target = self.participant(pid)
        self._may_act_on(actor, target)
        del self.participants[pid]
        waiting = Waiting(
            pid, target.name, target.device_key, target.joined_at, target.session_digest
        )
        self.lobby[pid] = waiting
        return waiting

    # ------------------------------------------------------- people actions

    def remove(self, actor_pid: str, pid: str) -> str:
        """Remove and ban someone in the meeting or in the waiting room; returns the name."""
        actor = self._host_like(actor_pid)
        if pid in self.lobby:
            waiting = self.lobby.pop(pid)
            self._ban(pid, waiting.device_key, waiting.session_digest)
            return waiting.name
        target = self.participant(pid)
        self._may_act_on(actor, target)
        del self.participants[pid]
        self._ban(pid, target.device_key, target.session_digest)
        return target.name

    def _ban(self, pid: str, device_key: str, session_digest: bytes) -> None:
        self.banned_pids.add(pid)
        self.banned_devices.add(device_key)
        self.banned_sessions.add(session_digest)
        self._tickets = {d: t for d, t in self._tickets.items() if t.pid != pid}

    def report(self, actor_pid: str, pid: str, reason: str, now: float) -> Report:
        actor = self.participant(actor_pid)
        target = self.participant(pid)
        if actor.pid == target.pid:
            raise Refused(Code.INVALID, "cannot report yourself")
        if any(r.reporter_pid == actor.pid and r.target_pid == pid for r in self.reports):
            # Once is enough: repeats would only grow the list and flood the hosts.
            raise Refused(Code.INVALID, "already reported")
        entry = Report(
            actor.pid, actor.name, target.pid, target.name, reason.strip()[:MAX_REPORT_LENGTH], now
        )
        self.reports.append(entry)
        return entry

    def mute(self, actor_pid: str, pid: str) -> None:
        actor = self._host_like(actor_pid)
        target = self.participant(pid)
        if target.pid != actor.pid:
            self._may_act_on(actor, target)
        target.audio_on = False
        target.asked_to_unmute = False

    def mute_all(self, actor_pid: str) -> None:
        self._host_like(actor_pid)
        for p in self.participants.values():
            if p.pid != actor_pid and p.role is not Role.HOST:
                p.audio_on = False
                p.asked_to_unmute = False

    def ask_to_unmute(self, actor_pid: str, pid: str) -> None:
        actor = self._host_like(actor_pid)
        target = self.participant(pid)
        self._may_act_on(actor, target)
        if self.suspended:
            raise Refused(Code.PERMISSION_OFF, "activities are suspended")
        target.asked_to_unmute = True

    def stop_video(self, actor_pid: str, pid: str) -> None:
        actor = self._host_like(actor_pid)
        target = self.participant(pid)
        self._may_act_on(actor, target)
        target.video_on = False

    def stop_share(self, actor_pid: str, pid: str) -> None:
        actor = self._host_like(actor_pid)
        target = self.participant(pid)
        self._may_act_on(actor, target)
        target.screen_on = False

    def set_cohost(self, actor_pid: str, pid: str, on: bool) -> None:
        actor = self._host_only(actor_pid)
        target = self.participant(pid)
        if target.pid == actor.pid:
            raise Refused(Code.INVALID, "cannot do this to yourself")
        target.role = Role.COHOST if on else Role.PARTICIPANT

    def rename(self, actor_pid: str, pid: str, name: str) -> None:
        actor = self.participant(actor_pid)
        target = self.participant(pid)
        if actor.pid == target.pid:
            if not self.allowed(actor.pid, Permission.RENAME):
                raise Refused(Code.PERMISSION_OFF, "renaming is turned off")
        else:
            self._host_like(actor_pid)
            self._may_act_on(actor, target)
        target.name = clean_name(name)

    def claim_host(self, actor_pid: str, host_key: str) -> None:
        """Become host with the 6-digit host key; a few wrong keys and claiming stops."""
        actor = self.participant(actor_pid)
        if (
            actor.host_key_failures >= HOST_KEY_ATTEMPTS
            or self._host_key_failures >= HOST_KEY_ATTEMPTS * 5
        ):
            raise Refused(Code.RATE_LIMITED, "too many wrong host keys")
        if not constant_time_equal(host_key, self.host_key):
            actor.host_key_failures += 1
            self._host_key_failures += 1
            raise Refused(Code.NOT_ALLOWED, "wrong host key")
        for other in self.participants.values():
            if other.role is Role.HOST:
                other.role = Role.PARTICIPANT
        actor.role = Role.HOST

    # ------------------------------------------------------ own media state

    def set_own_media(self, pid: str, kind: MediaKind, on: bool) -> None:
        """A participant turns its own microphone, camera or screen share on or off."""
        participant = self.participant(pid)
        if not on:
            participant.set_media(kind, False)
            return
        if not participant.role.is_host_like:
            asked = kind is MediaKind.AUDIO and participant.asked_to_unmute
            if not self.permissions[kind.permission] and not asked:
                raise Refused(Code.PERMISSION_OFF, f"{kind} is not allowed by the host")
        if kind is MediaKind.SCREEN:
            sharer = next(
                (p for p in self.participants.values() if p.screen_on and p.pid != pid), None
            )
            if sharer is not None:
                if not participant.role.is_host_like:
                    raise Refused(Code.SOMEONE_SHARING)
                sharer.screen_on = False  # hosts take over the shared screen
        if kind is MediaKind.AUDIO:
            participant.asked_to_unmute = False
        participant.set_media(kind, True)

    def raise_hand(self, pid: str, up: bool) -> None:
        self.participant(pid).hand_raised = up

    def lower_hand(self, actor_pid: str, pid: str) -> None:
        self._host_like(actor_pid)
        self.participant(pid).hand_raised = False

    def chat_recipients(self, actor_pid: str, to: str | None, text: str) -> list[str]:
        """Check a chat message; returns the participant IDs that receive it."""
        actor = self.participant(actor_pid)
        if not self.allowed(actor.pid, Permission.CHAT):
            raise Refused(Code.PERMISSION_OFF, "chat is turned off")
        if not text.strip():
            raise Refused(Code.INVALID, "empty message")
        if len(text) > MAX_CHAT_LENGTH:
            raise Refused(Code.INVALID, "message too long")
        if to is None:
            return list(self.participants)
        if to == actor.pid:
            raise Refused(Code.INVALID, "cannot message yourself")
        self.participant(to)
        return [actor.pid, to]
