"""Scanning and brute force against a real server with the default limits.

A scanner tries 1,000 random meeting IDs and a guesser 1,000 passcodes on a real
meeting; a distributed guesser spreads 1,000 passcodes over 250 addresses. Each
is locked out exactly after the configured number of failures, every attempt is
answered (the ones after lockout at once, without hashing), the answers before
lockout are byte-identical for unknown IDs and wrong passcodes, and the meeting's
host and guest keep talking and receiving video meanwhile.

Addresses: every connection comes from 127.0.0.1. To play attackers at several
addresses, a join named ``from 198.51.100.7`` is counted by the limiter under the
key ``198.51.100.7`` (documentation range; only a dictionary key, never dialled).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import app.server.server as server_module
from app.core import protocol as p
from app.core.devicekey import DeviceKey
from app.core.errors import Code
from app.core.ids import new_meeting_id, new_passcode
from app.core.passcode import normalize_passcode, verify_passcode
from app.core.roles import MediaKind
from app.server import tls
from app.server.rooms import Room
from app.server.server import Limits, MeetingServer
from tests.abuse.tools import RawClient
from tests.server.conftest import CREATE_TOKEN, RunningServer
from tests.server.harness import Guest

ATTEMPTS = 1000
PER_CONNECTION = 50  # stays inside the per-connection burst (80 messages)
LIMITS = Limits()  # the defaults: 5 failures per address, 20 per meeting


class SimulatedAddresses(MeetingServer):
    """Counts a join named ``from <address>`` under that limiter key."""

    async def authenticate(
        self, message: p.Join, address: str, signed: bool
    ) -> tuple[Room, bool] | p.JoinFailed:
        if message.name.startswith("from "):
            address = message.name.removeprefix("from ")
        return await super().authenticate(message, address, signed)


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """Every argon2 verification the server runs (its start time)."""
    calls: list[float] = []

    def counting(stored: str | None, candidate: str) -> bool:
        calls.append(time.monotonic())
        return verify_passcode(stored, candidate)

    monkeypatch.setattr(server_module, "verify_passcode", counting)
    yield calls


@pytest.fixture
async def server(certificate: tuple[Path, Path, str]) -> AsyncIterator[RunningServer]:
    cert, key, fingerprint = certificate
    instance = SimulatedAddresses(CREATE_TOKEN, limits=LIMITS)
    port = await instance.start("127.0.0.1", 0, tls.server_context(cert, key))
    yield RunningServer(instance, f"wss://127.0.0.1:{port}/ws", fingerprint)
    await instance.stop()


@dataclass
class Meeting:
    """A real meeting with a host and a guest sending video to each other."""

    host: Guest
    guest: Guest
    created: p.Created
    rtts: list[float] = field(default_factory=list)

    def fast(self) -> bool:
        """Signaling stayed fast: median under 250 ms, 95 % under 500 ms, none over 2 s
        (a loaded 2-core machine may stall any one round trip briefly)."""
        ordered = sorted(self.rtts)
        p95 = ordered[int(len(ordered) * 0.95)]
        return statistics.median(ordered) < 0.25 and p95 < 0.5 and ordered[-1] < 2.0

    def frames(self) -> tuple[int, int]:
        assert self.host.pid and self.guest.pid
        return (
            self.guest.frames_from(self.host.pid, MediaKind.VIDEO),
            self.host.frames_from(self.guest.pid, MediaKind.VIDEO),
        )

    async def ping(self) -> float:
        """Round trip of a Ping from the host (its reader hands us the Pong)."""
        nonce, seen = len(self.rtts) + 1, len(self.host.events)
        started = time.monotonic()
        await self.host.send(p.Ping(nonce=nonce))
        await self.host.wait_for(
            lambda: any(isinstance(e, p.Pong) and e.nonce == nonce for e in self.host.events[seen:])
        )
        rtt = time.monotonic() - started
        self.rtts.append(rtt)
        return rtt


@pytest.fixture
async def meeting(server: RunningServer) -> AsyncIterator[Meeting]:
    host = Guest("Host")
    await host.connect(server.url, server.fingerprint)
    created = await host.create(server.token, waiting_room=False)
    assert isinstance(
        await host.join(created.meeting_id, host_secret=created.host_secret), p.Joined
    )
    guest = Guest("Guest")
    await guest.connect(server.url, server.fingerprint)
    reply = await guest.join(created.meeting_id, passcode=created.passcode or "")
    assert isinstance(reply, p.Joined)
    await host.start_media((220, 40, 40))
    await guest.start_media((40, 200, 60))
    the_meeting = Meeting(host, guest, created)
    await host.wait_for(lambda: min(the_meeting.frames()) > 10, 20)
    yield the_meeting
    await host.close()
    await guest.close()


@dataclass
class Attempt:
    meeting_id: str
    passcode: str
    address: str
    reply: str = ""
    seconds: float = 0.0


async def run_attack(server: RunningServer, attempts: list[Attempt]) -> None:
    """Make every attempt in order, a fresh connection every PER_CONNECTION."""
    key = DeviceKey.generate()
    for start in range(0, len(attempts), PER_CONNECTION):
        client = RawClient()
        try:
            await client.connect(server.url, server.fingerprint)
            for attempt in attempts[start : start + PER_CONNECTION]:
                started = time.monotonic()
                await client.send(
                    client.join_message(
                        attempt.meeting_id,
                        key,
                        name=f"from {attempt.address}",
                        passcode=attempt.passcode,
                    )
                )
                attempt.reply = await client.recv_text(30)
                attempt.seconds = time.monotonic() - started
        finally:
            await client.close()


async def while_attacked(meeting: Meeting, attack: asyncio.Future[Any]) -> tuple[int, int]:
    """Ping every 200 ms and count frames while the attack runs; returns the
    frames each side received meanwhile."""
    before = meeting.frames()
    while not attack.done():
        await meeting.ping()
        await asyncio.sleep(0.2)
    await attack
    after = meeting.frames()
    return after[0] - before[0], after[1] - before[1]


def lockout_point(attempts: list[Attempt]) -> int:
    """1-based number of the first attempt answered rate_limited."""
    codes = [p.decode_server(a.reply) for a in attempts]
    return next(
        i + 1
        for i, reply in enumerate(codes)
        if isinstance(reply, p.JoinFailed) and reply.code == Code.RATE_LIMITED
    )


def wrong_passcode(real: str) -> str:
    while True:
        guess = new_passcode()
        if normalize_passcode(guess) != normalize_passcode(real):
            return guess


async def test_id_scan_and_passcode_guessing_are_locked_out(
    server: RunningServer, meeting: Meeting, hashes: list[float]
) -> None:
    real = meeting.created
    ids = [new_meeting_id() for _ in range(ATTEMPTS)]
    scan = [Attempt(i, "ABCDEFGH", "198.51.100.1") for i in ids if i != real.meeting_id]
    guess = [
        Attempt(real.meeting_id, wrong_passcode(real.passcode or ""), "198.51.100.2")
        for _ in range(ATTEMPTS)
    ]
    assert len(scan) == len(guess) == ATTEMPTS
    hashes.clear()
    started = time.monotonic()
    attack = asyncio.gather(run_attack(server, scan), run_attack(server, guess))
    frames = await while_attacked(meeting, asyncio.ensure_future(attack))
    elapsed = time.monotonic() - started

    # Every attempt was made and answered.
    assert all(a.reply for a in scan + guess)
    # Locked out right after the configured number of failures, and for good.
    limit = LIMITS.address_failures
    for attempts in (scan, guess):
        assert lockout_point(attempts) == limit + 1
        for a in attempts[limit:]:
            reply = p.decode_server(a.reply)
            assert isinstance(reply, p.JoinFailed) and reply.code == Code.RATE_LIMITED
            assert reply.retry_after > 0
    # Before lockout, an unknown ID and a wrong passcode get the same bytes...
    before = {a.reply for a in scan[:limit] + guess[:limit]}
    assert before == {p.encode(p.JoinFailed(code=Code.BAD_CREDENTIALS))}, before
    # ...after the same work: one argon2 verification each, none after lockout.
    assert len(hashes) == 2 * limit
    locked = [a.seconds for a in scan[limit:] + guess[limit:]]
    assert statistics.median(locked) < 0.05, statistics.median(locked)
    # The per-meeting limiter saw the guesser's failures (not the scanner's).
    assert server.server.meeting_limiter.failures(real.meeting_id) == limit
    assert server.server.meeting_limiter.retry_after(real.meeting_id, time.monotonic()) == 0

    # The meeting was not disturbed: signaling fast, video flowing both ways.
    assert meeting.fast(), sorted(meeting.rtts)
    assert min(frames) >= 10 * elapsed, (frames, elapsed)  # >= 10 fps each way
    print(
        f"\nscan+guess: {2 * ATTEMPTS} attempts in {elapsed:.1f}s, lockout at attempt "
        f"{lockout_point(scan)}/{lockout_point(guess)}, locked-out answer median "
        f"{statistics.median(locked) * 1000:.1f} ms, ping median "
        f"{statistics.median(meeting.rtts) * 1000:.0f} ms max {max(meeting.rtts) * 1000:.0f} ms, "
        f"video {frames[0] / elapsed:.0f}/{frames[1] / elapsed:.0f} fps"
    )


async def test_distributed_guessing_locks_the_meeting(
    server: RunningServer, meeting: Meeting, hashes: list[float]
) -> None:
    """1,000 guesses from 250 addresses, 4 each (under the address limit): the
    meeting locks after its 20th failure. Honest newcomers are refused meanwhile
    (the documented trade-off); the host still enters with the host secret."""
    real = meeting.created
    per_address = LIMITS.address_failures - 1
    guesses = [
        Attempt(
            real.meeting_id, wrong_passcode(real.passcode or ""), f"198.51.100.{n // per_address}"
        )
        for n in range(ATTEMPTS)
    ]
    hashes.clear()
    started = time.monotonic()
    frames = await while_attacked(meeting, asyncio.ensure_future(run_attack(server, guesses)))
    elapsed = time.monotonic() - started

    assert all(a.reply for a in guesses)
    limit = LIMITS.meeting_failures
    assert lockout_point(guesses) == limit + 1
    assert {a.reply for a in guesses[:limit]} == {p.encode(p.JoinFailed(code=Code.BAD_CREDENTIALS))}
    assert all(p.decode_server(a.reply).code == Code.RATE_LIMITED for a in guesses[limit:])  # type: ignore[union-attr]
    assert len(hashes) == limit
    # No address reached its own limit: the meeting's limiter did the work.
    assert all(
        server.server.address_limiter.retry_after(f"198.51.100.{n}", time.monotonic()) == 0
        for n in range(ATTEMPTS // per_address)
    )

    # During the lockout an honest guest with the right passcode is turned away...
    late = Guest("from 203.0.113.9")
    await late.connect(server.url, server.fingerprint)
    refused = await late.join(real.meeting_id, passcode=real.passcode or "")
    assert isinstance(refused, p.JoinFailed) and refused.code == Code.RATE_LIMITED
    await late.close()
    # ...but the host comes back in with the host secret.
    host_again = Guest("from 203.0.113.10")
    await host_again.connect(server.url, server.fingerprint)
    back = await host_again.join(real.meeting_id, host_secret=real.host_secret)
    assert isinstance(back, p.Joined)
    await host_again.close()

    assert meeting.fast(), sorted(meeting.rtts)
    assert min(frames) >= 10 * elapsed, (frames, elapsed)
    print(
        f"\ndistributed: {ATTEMPTS} attempts from {ATTEMPTS // per_address} addresses in "
        f"{elapsed:.1f}s, meeting locked at attempt {lockout_point(guesses)}, "
        f"ping max {max(meeting.rtts) * 1000:.0f} ms"
    )
