"""Hypothesis strategies for hostile signaling input, and the answer each one must get."""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from typing import Any, get_args

from aiortc.sdp import candidate_from_sdp
from hypothesis import strategies as st

from app.core import protocol as p
from app.core.errors import Code

Frame = str | bytes

MESSAGE_TYPES: dict[str, type[Any]] = {
    str(cls.__struct_config__.tag): cls for cls in get_args(p.ClientMessage)
}
HOST_ACTIONS = (
    p.SetLock,
    p.SetWaitingRoom,
    p.SetCapacity,
    p.SetPermission,
    p.Admit,
    p.AdmitAll,
    p.Deny,
    p.SendToWaitingRoom,
    p.Remove,
    p.Mute,
    p.MuteAll,
    p.AskToUnmute,
    p.StopVideo,
    p.StopShare,
    p.SetCohost,
    p.LowerHand,
    p.Suspend,
    p.EndMeeting,
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and infinities become invalid JSON: fine, they are hostile too
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=16,
)


def shaped_messages() -> st.SearchStrategy[dict[str, Any]]:
    """A real message type with any JSON in its fields (mostly wrong types)."""
    return st.sampled_from(sorted(MESSAGE_TYPES)).flatmap(
        lambda tag: st.fixed_dictionaries(
            {}, optional=dict.fromkeys(MESSAGE_TYPES[tag].__struct_fields__, json_values)
        ).map(lambda fields: {"type": tag, **fields})
    )


def valid_messages(pids: list[str], exclude: tuple[type, ...] = ()) -> st.SearchStrategy[Any]:
    """Schema-valid messages of every client type, aimed at real and made-up people."""
    pid = st.sampled_from(pids) | st.text(min_size=1, max_size=64)
    choices = []
    for cls in MESSAGE_TYPES.values():
        if cls in exclude:
            continue
        if "pid" in cls.__struct_fields__:
            choices.append(st.builds(cls, pid=pid))
        else:
            choices.append(st.builds(cls))
    return st.one_of(choices)


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[str]) -> str:
    """A valid message with characters deleted, inserted or replaced."""
    text = draw(base)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["delete", "insert", "replace"]))
        piece = draw(
            st.text(min_size=1, max_size=6) | st.sampled_from(['"', "{", "}", "[", ",", ":", "\\"])
        )
        if op == "delete":
            text = text[:at] + text[at + len(piece) :]
        elif op == "insert":
            text = text[:at] + piece + text[at:]
        else:
            text = text[:at] + piece + text[at + len(piece) :]
    return text


def frames(pids: list[str], exclude: tuple[type, ...] = ()) -> st.SearchStrategy[Frame]:
    valid = valid_messages(pids, exclude)
    return st.one_of(
        st.text(max_size=200),
        st.binary(max_size=200),
        json_values.map(json.dumps),
        shaped_messages().map(json.dumps),
        valid.map(p.encode),
        mutated(valid.map(p.encode)),
    )


# Frames the schema must refuse without falling over: deep nesting, huge strings.
DEEP = 10_000
ARRAYS = "[" * DEEP + "]" * DEEP
OBJECTS = '{"a":' * DEEP + "1" + "}" * DEEP
NASTY: list[tuple[str, Frame]] = [
    ("10,000 nested arrays", ARRAYS),
    ("10,000 nested arrays in an unknown field", '{"type":"ping","x":' + ARRAYS + "}"),
    ("10,000 nested objects in an unknown field", '{"type":"ping","x":' + OBJECTS + "}"),
    ("10,000 nested arrays in a known field", '{"type":"chat","text":' + ARRAYS + "}"),
    ("100,000 unclosed arrays", '{"type":"ping","x":' + "[" * 100_000),
    (
        "nested arrays in SDP tracks",
        '{"type":"sdp","sdp_type":"offer","sdp":"","tracks":' + '{"0":' + ARRAYS + "}}",
    ),
    ("300 KB string", '{"type":"chat","text":"' + "x" * 300_000 + '"}'),
    (
        "250 KB name in join",
        '{"type":"join","v":1,"meeting_id":"1","name":"'
        + "n" * 250_000
        + '","device_key":"","device_sig":""}',
    ),
    ("huge integer", '{"type":"set_capacity","capacity":' + "9" * 5000 + "}"),
    ("lone surrogate escape", '{"type":"chat","text":"\\ud800"}'),
    ("NUL bytes", '{"type":"chat","text":"\x00\x00"}'),
    ("empty text frame", ""),
    ("JSON null", "null"),
    ("JSON string", '"join"'),
    ("binary frame", b"\x00\xff\xfe binary"),
    ("binary JSON", b'{"type":"ping"}'),
    ("invalid UTF-8 inside a binary frame", b'{"type":"chat","text":"\xc3\x28"}'),
]


# ----------------------------------------------------------------------- oracle


@dataclass(frozen=True)
class Expect:
    """The answer one message must get: exactly one Error with one of ``codes``, or
    (``codes`` empty) no error and maybe a reply of type ``reply``. ``maybe``: zero
    or one error, for messages that may legitimately succeed."""

    codes: frozenset[Code] = frozenset()
    reply: type | None = None
    maybe: bool = False
    skip: bool = False


def error(*codes: Code) -> Expect:
    return Expect(codes=frozenset(codes))


def decoded(frame: Frame) -> Any:
    if isinstance(frame, bytes):
        return None
    try:
        return p.decode_client(frame)
    except p.ProtocolError:
        return None


def protocol_expectation(frame: Frame) -> Expect | None:
    """Answers that do not depend on the sender's state, or None."""
    if isinstance(frame, bytes):
        return error(Code.MALFORMED)
    try:
        message = p.decode_client(frame)
    except p.ProtocolError as exc:
        return error(exc.code)
    if isinstance(message, p.Ping):
        return Expect(reply=p.Pong)
    if isinstance(message, p.Leave):
        return Expect(skip=True)  # leaving is always allowed
    return None


def expect_new(frame: Frame) -> Expect:
    """A connection that has not joined: may create, join or ping; nothing else."""
    known = protocol_expectation(frame)
    if known is not None:
        return known
    message = decoded(frame)
    if isinstance(message, (p.Create, p.Join)):
        if message.v != p.PROTOCOL_VERSION:
            return error(Code.UNSUPPORTED_VERSION)
        return Expect(reply=p.JoinFailed)
    return error(Code.BAD_STATE)


def expect_waiting(frame: Frame) -> Expect:
    """A waiting-room guest may only ping or leave."""
    known = protocol_expectation(frame)
    if known is not None:
        return known
    return error(Code.BAD_STATE)


def expect_participant(frame: Frame, own: str, present: set[str], host_key: str) -> Expect:
    """A plain participant in a suspended meeting: no host power, no chat, no media,
    no renaming."""
    known = protocol_expectation(frame)
    if known is not None:
        return known
    message = decoded(frame)
    match message:
        case p.Create() | p.Join():
            return error(Code.BAD_STATE)
        case p.Sdp() | p.Ice():
            return Expect(skip=True)  # fuzzed with loopback-only candidates elsewhere
        case p.ClaimHost(host_key=key) if key == host_key:
            return Expect(skip=True)
        case p.ClaimHost():
            return error(Code.NOT_ALLOWED, Code.RATE_LIMITED)
        case p.RaiseHand() | p.ReportParticipant() | p.SetMedia(on=False):
            return Expect(maybe=True, codes=frozenset({Code.NO_SUCH_PARTICIPANT, Code.INVALID}))
        case p.SetMedia() | p.SendChat():
            return error(Code.PERMISSION_OFF)
        case p.Rename(pid=pid):
            if pid == own:
                return error(Code.PERMISSION_OFF)
            return error(Code.NOT_ALLOWED if pid in present else Code.NO_SUCH_PARTICIPANT)
        case _ if isinstance(message, HOST_ACTIONS):
            return error(Code.NOT_ALLOWED)
    raise AssertionError(f"no expectation for {message!r}")


# -------------------------------------------------------------- SDP and ICE


def loopback_only(text: str) -> bool:
    """Every ICE candidate in ``text`` that parses names a 127.x address: fuzzed
    input must never make the relay send packets anywhere else (or resolve names)."""
    for line in text.replace("\r", "\n").split("\n"):
        if "candidate" not in line:
            continue
        value = line.split("candidate:", 1)[-1]
        try:
            candidate = candidate_from_sdp(value)
        except Exception:
            continue
        try:
            if not ipaddress.ip_address(candidate.ip).is_loopback:
                return False
        except ValueError:
            return False
    return True


def ice_candidates() -> st.SearchStrategy[str]:
    token = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-+/", min_size=0, max_size=12)
    number = st.integers(-(2**40), 2**40).map(str) | token
    return st.one_of(
        st.text(max_size=80),
        st.builds(
            lambda f, c, t, pr, port, typ, extra: " ".join(
                x for x in (f, c, t, pr, "127.0.0.1", port, "typ", typ, *extra) if x is not None
            ),
            token,
            number,
            st.sampled_from(["udp", "tcp", "UDP", "sctp", ""]),
            number,
            number,
            st.sampled_from(["host", "srflx", "relay", "prflx", "bogus", ""]),
            st.lists(token, max_size=4),
        ).map(lambda c: "candidate:" + c if c and c[0] != "c" else c),
    )
