"""Signaling protocol: typed, versioned JSON messages (msgspec tagged unions).

Every message is a JSON object with a ``type`` field. The server sends ``welcome``
first; the client's first message is ``create`` or ``join`` and carries the protocol
version ``v``. Strings are bounded here so oversized input is refused while
decoding, before any rule runs.
"""

from __future__ import annotations

from typing import Annotated, Literal, TypeVar

import msgspec

from app.core.errors import Code
from app.core.roles import MediaKind, Permission, Role

PROTOCOL_VERSION = 1
MAX_MESSAGE_BYTES = 256 * 1024  # SDP for a large meeting is tens of KiB

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Secret = Annotated[str, msgspec.Meta(max_length=200)]
Text = Annotated[str, msgspec.Meta(max_length=8000)]
SdpText = Annotated[str, msgspec.Meta(max_length=MAX_MESSAGE_BYTES)]


class _Msg(msgspec.Struct, tag_field="type"):
    pass


# ------------------------------------------------------------ client → server


class Create(_Msg, tag="create"):
    """Create a meeting (needs the server's create token). The creator then joins
    with the returned host secret."""

    v: int
    create_token: Secret
    passcode: Secret | None = None  # None: the server generates one
    passcode_required: bool = True
    waiting_room: bool = True


class Join(_Msg, tag="join"):
    v: int
    meeting_id: Id
    name: Name
    device_key: Secret  # base64 raw Ed25519 public key
    device_sig: Secret  # base64 signature of welcome nonce + meeting ID
    passcode: Secret = ""
    host_secret: Secret | None = None
    rejoin_token: Secret | None = None


class Leave(_Msg, tag="leave"):
    pass


class SetLock(_Msg, tag="set_lock"):
    locked: bool


class SetWaitingRoom(_Msg, tag="set_waiting_room"):
    on: bool


class SetCapacity(_Msg, tag="set_capacity"):
    capacity: int


class SetPermission(_Msg, tag="set_permission"):
    permission: Permission
    allowed: bool


class Admit(_Msg, tag="admit"):
    pid: Id


class AdmitAll(_Msg, tag="admit_all"):
    pass


class Deny(_Msg, tag="deny"):
    pid: Id


class SendToWaitingRoom(_Msg, tag="send_to_waiting_room"):
    pid: Id


class Remove(_Msg, tag="remove"):
    pid: Id


class ReportParticipant(_Msg, tag="report"):
    pid: Id
    reason: Text = ""


class Mute(_Msg, tag="mute"):
    pid: Id


class MuteAll(_Msg, tag="mute_all"):
    pass


class AskToUnmute(_Msg, tag="ask_to_unmute"):
    pid: Id


class StopVideo(_Msg, tag="stop_video"):
    pid: Id


class StopShare(_Msg, tag="stop_share"):
    pid: Id


class SetCohost(_Msg, tag="set_cohost"):
    pid: Id
    on: bool


class Rename(_Msg, tag="rename"):
    pid: Id
    name: Name


class LowerHand(_Msg, tag="lower_hand"):
    pid: Id


class Suspend(_Msg, tag="suspend"):
    pass


class EndMeeting(_Msg, tag="end"):
    pass


class ClaimHost(_Msg, tag="claim_host"):
    host_key: Secret


class SetMedia(_Msg, tag="set_media"):
    """The sender turns its own microphone, camera or screen share on or off."""

    kind: MediaKind
    on: bool


class RaiseHand(_Msg, tag="raise_hand"):
    up: bool


class SendChat(_Msg, tag="chat"):
    text: Text
    to: Id | None = None  # None: everyone


class Sdp(_Msg, tag="sdp"):
    """An SDP offer or answer, in either direction. Server offers carry ``tracks``:
    which participant and media kind each m-line (by mid) carries."""

    sdp_type: Literal["offer", "answer"]
    sdp: SdpText
    tracks: dict[str, TrackInfo] = {}


class Ice(_Msg, tag="ice"):
    """A trickled ICE candidate (aiortc gathers before offering, so mostly unused)."""

    candidate: Secret
    sdp_mid: Id | None = None
    sdp_mline_index: int | None = None


class Ping(_Msg, tag="ping"):
    nonce: int = 0


# ------------------------------------------------------------ server → client


class TrackInfo(msgspec.Struct):
    pid: str
    kind: MediaKind


class Welcome(_Msg, tag="welcome"):
    v: int
    server: str
    nonce: str


class Created(_Msg, tag="created"):
    meeting_id: str
    passcode: str | None
    host_secret: str
    host_key: str


class ParticipantView(msgspec.Struct):
    pid: str
    name: str
    role: Role
    audio_on: bool
    video_on: bool
    screen_on: bool
    hand_raised: bool
    joined_at: float


class WaitingView(msgspec.Struct):
    pid: str
    name: str
    since: float


class MeetingView(msgspec.Struct):
    """The meeting as one participant may see it (the lobby only for hosts)."""

    you: str
    participants: list[ParticipantView]
    lobby: list[WaitingView]
    locked: bool
    waiting_room: bool
    capacity: int
    suspended: bool
    permissions: dict[Permission, bool]
    asked_to_unmute: bool = False
    host_key: str | None = None  # only for the host


class Joined(_Msg, tag="joined"):
    pid: str
    session_token: str
    state: MeetingView


class InWaitingRoom(_Msg, tag="waiting"):
    pid: str
    session_token: str


class JoinFailed(_Msg, tag="join_failed"):
    code: Code
    retry_after: float = 0.0


class State(_Msg, tag="state"):
    state: MeetingView


class ChatMessage(_Msg, tag="chat_message"):
    from_pid: str
    from_name: str
    to: str | None
    text: str
    at: float


class Notice(_Msg, tag="notice"):
    """Something the UI may show as a notification."""

    kind: Literal[
        "waiting_arrived",
        "admitted",
        "asked_to_unmute",
        "muted_by_host",
        "video_stopped_by_host",
        "share_stopped_by_host",
        "role_changed",
        "sent_to_waiting_room",
        "suspended",
        "reported",
    ]
    pid: str = ""
    name: str = ""


class Closed(_Msg, tag="closed"):
    """The server ends this participant's session: removed, denied, meeting ended."""

    code: Code


class Error(_Msg, tag="error"):
    code: Code
    detail: str = ""
    ref: str = ""  # the type of the message that caused it, when known


class Pong(_Msg, tag="pong"):
    nonce: int = 0


ClientMessage = (
    Create
    | Join
    | Leave
    | SetLock
    | SetWaitingRoom
    | SetCapacity
    | SetPermission
    | Admit
    | AdmitAll
    | Deny
    | SendToWaitingRoom
    | Remove
    | ReportParticipant
    | Mute
    | MuteAll
    | AskToUnmute
    | StopVideo
    | StopShare
    | SetCohost
    | Rename
    | LowerHand
    | Suspend
    | EndMeeting
    | ClaimHost
    | SetMedia
    | RaiseHand
    | SendChat
    | Sdp
    | Ice
    | Ping
)
ServerMessage = (
    Welcome
    | Created
    | Joined
    | InWaitingRoom
    | JoinFailed
    | State
    | ChatMessage
    | Notice
    | Closed
    | Error
    | Pong
    | Sdp
)

_encoder = msgspec.json.Encoder()
_client_decoder: msgspec.json.Decoder[ClientMessage] = msgspec.json.Decoder(ClientMessage)
_server_decoder: msgspec.json.Decoder[ServerMessage] = msgspec.json.Decoder(ServerMessage)


class ProtocolError(Exception):
    def __init__(self, code: Code, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def encode(message: _Msg) -> str:
    return _encoder.encode(message).decode()


_T = TypeVar("_T")


def _decode(decoder: msgspec.json.Decoder[_T], data: str | bytes) -> _T:
    if len(data) > MAX_MESSAGE_BYTES:
        raise ProtocolError(Code.TOO_LARGE, f"message larger than {MAX_MESSAGE_BYTES} bytes")
    try:
        return decoder.decode(data)
    except msgspec.ValidationError as exc:
        raise ProtocolError(Code.MALFORMED, str(exc)) from None
    except msgspec.DecodeError as exc:
        raise ProtocolError(Code.MALFORMED, f"not a JSON message: {exc}") from None
    except RecursionError:
        # msgspec skips unknown fields recursively: 10,000 nested arrays overflow it.
        raise ProtocolError(Code.MALFORMED, "nested too deeply") from None


def decode_client(data: str | bytes) -> ClientMessage:
    """Parse a client message; raises :class:`ProtocolError` with a clear reason."""
    return _decode(_client_decoder, data)


def decode_server(data: str | bytes) -> ServerMessage:
    return _decode(_server_decoder, data)
