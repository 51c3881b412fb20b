"""The meeting rules the abuse tests led to, checked on the core Meeting alone
(the network versions are in test_removed.py and test_faults.py)."""

from __future__ import annotations

from app.core.errors import Code, Refused
from app.core.ids import new_secret, secret_digest
from app.core.meeting import REJOIN_GRACE, Meeting
from app.core.roles import Role


def meeting(waiting_room: bool = False) -> Meeting:
    return Meeting(
        meeting_id="12345678901",
        passcode_hash=None,
        host_secret_digest=secret_digest("host-secret"),
        host_key="123456",
        created_at=0.0,
        waiting_room=waiting_room,
    )


def refused_with(m: Meeting, code: Code, *args: object, **kwargs: object) -> bool:
    try:
        m.join(*args, **kwargs)  # type: ignore[arg-type]
    except Refused as exc:
        return exc.code is code
    return False


def test_removed_session_token_is_refused_from_a_new_device_key() -> None:
    m = meeting()
    host = m.join("Host", "dev-host", new_secret(), 1.0, as_host=True).participant
    token = new_secret()
    mallory = m.join("Mallory", "dev-m", token, 2.0).participant
    assert host is not None and mallory is not None
    m.remove(host.pid, mallory.pid)
    assert refused_with(
        m, Code.REMOVED, "M", "brand-new-key", new_secret(), 3.0, rejoin_token=token
    )


def test_reconnect_before_the_drop_is_noticed_takes_the_place_over() -> None:
    m = meeting()
    host = m.join("Host", "dev-host", new_secret(), 1.0, as_host=True).participant
    token = new_secret()
    a = m.join("A", "dev-a", token, 2.0).participant
    assert host is not None and a is not None
    m.set_cohost(host.pid, a.pid, True)
    m.set_locked(host.pid, True)
    # A's old connection is still "present"; its reconnect arrives first.
    back = m.join("A", "dev-a", new_secret(), 3.0, rejoin_token=token).participant
    assert back is not None and back.pid == a.pid and back.role is Role.COHOST
    assert list(m.participants).count(a.pid) == 1 and len(m.participants) == 2
    # The old token is spent: it cannot be used again.
    assert refused_with(m, Code.LOCKED, "A", "dev-a", new_secret(), 4.0, rejoin_token=token)


def test_someone_elses_device_cannot_use_up_a_ticket() -> None:
    m = meeting()
    token = new_secret()
    a = m.join("A", "dev-a", token, 1.0).participant
    assert a is not None
    m.disconnect(a.pid, 2.0)
    m.locked = True
    assert refused_with(m, Code.LOCKED, "Thief", "dev-thief", new_secret(), 3.0, rejoin_token=token)
    back = m.join("A", "dev-a", new_secret(), 4.0, rejoin_token=token).participant
    assert back is not None and back.pid == a.pid


def test_host_keeps_its_id_when_it_comes_back() -> None:
    m = meeting()
    token = new_secret()
    host = m.join("Host", "dev-host", token, 1.0, as_host=True).participant
    co = m.join("Co", "dev-co", new_secret(), 2.0).participant
    assert host is not None and co is not None
    m.set_cohost(host.pid, co.pid, True)
    m.disconnect(host.pid, 3.0)
    assert m.participants[co.pid].role is Role.HOST
    back = m.join("Host", "dev-host", new_secret(), 4.0, as_host=True, rejoin_token=token)
    assert back.participant is not None and back.participant.pid == host.pid
    assert back.participant.role is Role.HOST and m.participants[co.pid].role is Role.COHOST


def test_waiting_guest_keeps_its_place_when_it_reconnects() -> None:
    m = meeting(waiting_room=True)
    token = new_secret()
    first = m.join("A", "dev-a", token, 1.0).waiting
    m.join("B", "dev-b", new_secret(), 2.0)
    assert first is not None
    again = m.join("A", "dev-a", new_secret(), 3.0, rejoin_token=token).waiting
    assert again is first and len(m.lobby) == 2 and not m.participants
    # Another device with the token is a new guest, not A.
    other = m.join("A?", "dev-x", new_secret(), 4.0, rejoin_token=token).waiting
    assert other is not None and other.pid != first.pid


def test_tickets_of_people_who_never_return_do_not_pile_up() -> None:
    m = meeting()
    for n in range(200):
        joined = m.join(f"P{n}", f"dev-{n}", new_secret(), float(n)).participant
        assert joined is not None
        m.disconnect(joined.pid, float(n))  # dropped, never back
    assert len(m._tickets) <= REJOIN_GRACE + 1
    later = m.join("Late", "dev-late", new_secret(), 1000.0).participant
    assert later is not None
    m.disconnect(later.pid, 1000.0)
    assert len(m._tickets) == 1


def test_reporting_someone_again_and_again_is_recorded_once() -> None:
    m = meeting()
    a = m.join("A", "dev-a", new_secret(), 1.0).participant
    b = m.join("B", "dev-b", new_secret(), 1.0).participant
    assert a is not None and b is not None
    m.report(a.pid, b.pid, "spam", 2.0)
    for n in range(100):
        assert refused_report(m, a.pid, b.pid, n)
    m.report(b.pid, a.pid, "and you", 3.0)  # others may still report
    assert len(m.reports) == 2


def refused_report(m: Meeting, actor: str, target: str, n: int) -> bool:
    try:
        m.report(actor, target, "x" * 1000, float(n))
    except Refused as exc:
        return exc.code is Code.INVALID
    return False
