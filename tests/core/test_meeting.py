"""The meeting rules on their own: no network, no Qt."""

from __future__ import annotations

import pytest

from app.core.errors import Code, Refused
from app.core.ids import new_secret, secret_digest
from app.core.meeting import REJOIN_GRACE, Meeting
from app.core.roles import MediaKind, Permission, Role

HOST_SECRET = "host-secret"


def make_meeting(**options: object) -> Meeting:
    return Meeting(
        meeting_id="12345678901",
        passcode_hash=None,
        host_secret_digest=secret_digest(HOST_SECRET),
        host_key="123456",
        created_at=0.0,
        **options,  # type: ignore[arg-type]
    )


def enter(
    meeting: Meeting, name: str, device: str | None = None, *, host: bool = False, now: float = 1.0
) -> str:
    result = meeting.join(name, device or f"dev-{name}", new_secret(), now, as_host=host)
    if result.participant is not None:
        return result.participant.pid
    assert result.waiting is not None
    return result.waiting.pid


@pytest.fixture
def meeting() -> Meeting:
    return make_meeting(waiting_room=False)


def test_waiting_room_admit_deny_admit_all() -> None:
    m = make_meeting()
    host = enter(m, "Host", host=True)
    a, b, c = (enter(m, n) for n in "ABC")
    assert set(m.lobby) == {a, b, c} and list(m.participants) == [host]
    m.admit(host, a)
    m.deny(host, b)
    assert a in m.participants and b not in m.lobby and b not in m.participants
    assert [w.pid for w in m.admit_all(host)] == [c]
    with pytest.raises(Refused) as refused:
        m.admit(a, c)
    assert refused.value.code is Code.NOT_ALLOWED


def test_turning_waiting_room_off_admits_everyone() -> None:
    m = make_meeting()
    host = enter(m, "Host", host=True)
    waiting = enter(m, "W")
    assert [w.pid for w in m.set_waiting_room(host, False)] == [waiting]
    assert waiting in m.participants


def test_lock_and_capacity(meeting: Meeting) -> None:
    host = enter(meeting, "Host", host=True)
    meeting.set_capacity(host, 2)
    enter(meeting, "A")
    with pytest.raises(Refused) as full:
        enter(meeting, "B")
    assert full.value.code is Code.FULL
    meeting.set_capacity(host, 10)
    meeting.set_locked(host, True)
    with pytest.raises(Refused) as locked:
        enter(meeting, "C")
    assert locked.value.code is Code.LOCKED
    # The host always gets in.
    assert meeting.participants[enter(meeting, "Host 2", host=True)].role is Role.HOST
    with pytest.raises(Refused):
        meeting.set_capacity(host, 0)


def test_every_host_action_refuses_participants(meeting: Meeting) -> None:
    host = enter(meeting, "Host", host=True)
    a = enter(meeting, "A")
    b = enter(meeting, "B")
    actions = [
        lambda: meeting.set_locked(a, True),
        lambda: meeting.set_waiting_room(a, True),
        lambda: meeting.set_capacity(a, 5),
        lambda: meeting.set_permission(a, Permission.CHAT, False),
        lambda: meeting.remove(a, b),
        lambda: meeting.mute(a, b),
        lambda: meeting.mute_all(a),
        lambda: meeting.ask_to_unmute(a, b),
        lambda: meeting.stop_video(a, b),
        lambda: meeting.stop_share(a, b),
        lambda: meeting.set_cohost(a, b, True),
        lambda: meeting.rename(a, b, "X"),
        lambda: meeting.send_to_waiting_room(a, b),
        lambda: meeting.lower_hand(a, b),
        lambda: meeting.suspend(a),
        lambda: meeting.end(a),
        lambda: meeting.admit_all(a),
    ]
    for action in actions:
        with pytest.raises(Refused) as refused:
            action()
        assert refused.value.code is Code.NOT_ALLOWED
    assert not meeting.locked and not meeting.suspended and not meeting.ended
    assert meeting.participants[host].role is Role.HOST


def test_cohost_limits(meeting: Meeting) -> None:
    host = enter(meeting, "Host", host=True)
    co = enter(meeting, "Co")
    co2 = enter(meeting, "Co2")
    p = enter(meeting, "P")
    meeting.set_cohost(host, co, True)
    meeting.set_cohost(host, co2, True)
    meeting.set_locked(co, True)
    meeting.mute(co, p)
    for action in (
        lambda: meeting.end(co),
        lambda: meeting.remove(co, host),
        lambda: meeting.remove(co, co2),
        lambda: meeting.set_cohost(co, p, True),
    ):
        with pytest.raises(Refused):
            action()
    meeting.remove(co, p)
    assert p not in meeting.participants


def test_remove_bans_device_and_session(meeting: Meeting) -> None:
    host = enter(meeting, "Host", host=True)
    token = new_secret()
    result = meeting.join("Bad", "device-x", token, 1.0)
    assert result.participant is not None
    meeting.remove(host, result.participant.pid)
    for name, device, session in (("New name", "device-x", new_secret()), ("Bad", "other", token)):
        with pytest.raises(Refused) as refused:
            meeting.join(name, device, session, 2.0)
        assert refused.value.code is Code.REMOVED
    with pytest.raises(Refused):
        meeting.join("Bad", "device-x", new_secret(), 3.0, rejoin_token=token)


def test_permissions_and_suspend(meeting: Meeting) -> None:
    host = enter(meeting, "Host", host=True)
    a = enter(meeting, "A")
    meeting.set_own_media(a, MediaKind.AUDIO, True)
    meeting.set_own_media(a, MediaKind.VIDEO, True)
    assert meeting.may_forward(a, MediaKind.AUDIO)
    meeting.set_permission(host, Permission.START_VIDEO, False)
    assert not meeting.participants[a].video_on and not meeting.may_forward(a, MediaKind.VIDEO)
    with pytest.raises(Refused) as refused:
        meeting.set_own_media(a, MediaKind.VIDEO, True)
    assert refused.value.code is Code.PERMISSION_OFF
    meeting.suspend(host)
    assert meeting.locked and meeting.suspended
    assert not meeting.may_forward(a, MediaKind.AUDIO)
    with pytest.raises(Refused):
        meeting.chat_recipients(a, None, "hi")
    # Hosts keep their powers and media while participants are suspended.
    meeting.set_own_media(host, MediaKind.VIDEO, True)
    assert meeting.may_forward(host, MediaKind.VIDEO)
    assert meeting.chat_recipients(host, None, "announcement") == [host, a]
    meeting.set_permission(host, Permission.CHAT, True)
    assert not meeting.suspended


def test_mute_and_ask_to_unmute(meeting: Meeting) -> None:
    host = enter(meeting, "Host", host=True)
    a = enter(meeting, "A")
    meeting.set_permission(host, Permission.UNMUTE, False)
    with pytest.raises(Refused):
        meeting.set_own_media(a, MediaKind.AUDIO, True)
    meeting.ask_to_unmute(host, a)
    meeting.set_own_media(a, MediaKind.AUDIO, True)  # asked: allowed once
    assert meeting.may_forward(a, MediaKind.AUDIO)
    meeting.mute(host, a)
    assert not meeting.may_forward(a, MediaKind.AUDIO)
    with pytest.raises(Refused):
        meeting.set_own_media(a, MediaKind.AUDIO, True)


def test_one_screen_share_at_a_time_hosts_take_over(meeting: Meeting) -> None:
    host = enter(meeting, "Host", host=True)
    a = enter(meeting, "A")
    b = enter(meeting, "B")
    meeting.set_own_media(a, MediaKind.SCREEN, True)
    with pytest.raises(Refused) as refused:
        meeting.set_own_media(b, MediaKind.SCREEN, True)
    assert refused.value.code is Code.SOMEONE_SHARING
    meeting.set_own_media(host, MediaKind.SCREEN, True)
    assert not meeting.participants[a].screen_on and meeting.participants[host].screen_on


def test_rejoin_within_grace_keeps_place_then_expires(meeting: Meeting) -> None:
    host = enter(meeting, "Host", host=True)
    token = new_secret()
    joined = meeting.join("A", "dev-a", token, 10.0).participant
    assert joined is not None
    meeting.set_cohost(host, joined.pid, True)
    meeting.disconnect(joined.pid, 20.0)
    meeting.set_locked(host, True)
    back = meeting.join("A", "dev-a", new_secret(), 30.0, rejoin_token=token).participant
    assert back is not None and back.pid == joined.pid and back.role is Role.COHOST
    meeting.disconnect(back.pid, 40.0)
    with pytest.raises(Refused) as refused:  # expired ticket: locked meeting refuses
        meeting.join("A", "dev-a", new_secret(), 40.0 + REJOIN_GRACE + 1, rejoin_token=token)
    assert refused.value.code is Code.LOCKED


def test_host_drop_promotes_cohost_and_host_returns(meeting: Meeting) -> None:
    host = enter(meeting, "Host", host=True)
    co = enter(meeting, "Co", now=2.0)
    meeting.set_cohost(host, co, True)
    meeting.disconnect(host, 5.0)
    assert meeting.participants[co].role is Role.HOST
    back = enter(meeting, "Host", host=True, now=6.0)
    assert meeting.participants[back].role is Role.HOST
    assert meeting.participants[co].role is Role.COHOST


def test_claim_host_limits(meeting: Meeting) -> None:
    host = enter(meeting, "Host", host=True)
    a = enter(meeting, "A")
    for _ in range(3):
        with pytest.raises(Refused):
            meeting.claim_host(a, "000000")
    with pytest.raises(Refused) as refused:
        meeting.claim_host(a, "123456")
    assert refused.value.code is Code.RATE_LIMITED
    b = enter(meeting, "B")
    meeting.claim_host(b, "123456")
    assert meeting.participants[b].role is Role.HOST
    assert meeting.participants[host].role is Role.PARTICIPANT


def test_rename_and_names(meeting: Meeting) -> None:
    host = enter(meeting, "Host", host=True)
    a = enter(meeting, "A")
    meeting.rename(a, a, "  Amal \u202e\n ")
    assert meeting.participants[a].name == "Amal"
    meeting.set_permission(host, Permission.RENAME, False)
    with pytest.raises(Refused):
        meeting.rename(a, a, "Other")
    meeting.rename(host, a, "Renamed by host")
    assert meeting.participants[a].name == "Renamed by host"
    with pytest.raises(Refused):
        meeting.rename(host, a, "\n\t")


def test_reports_recorded(meeting: Meeting) -> None:
    host = enter(meeting, "Host", host=True)
    a = enter(meeting, "A")
    report = meeting.report(host, a, "spam in chat", 42.0)
    assert (report.reporter_name, report.target_name, report.reason, report.at) == (
        "Host",
        "A",
        "spam in chat",
        42.0,
    )
    assert meeting.reports == [report]


def test_private_chat_recipients(meeting: Meeting) -> None:
    host = enter(meeting, "Host", host=True)
    a = enter(meeting, "A")
    enter(meeting, "B")
    assert meeting.chat_recipients(a, host, "psst") == [a, host]
    with pytest.raises(Refused):
        meeting.chat_recipients(a, "nobody", "x")
    with pytest.raises(Refused):
        meeting.chat_recipients(a, None, "   ")
