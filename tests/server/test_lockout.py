"""Lockout timing with short delays (the defaults are minutes)."""

from __future__ import annotations

import asyncio

import pytest

from app.core import protocol as p
from app.core.errors import Code
from app.server.server import Limits
from tests.server.conftest import RunningServer
from tests.server.test_meeting_flow import host_meeting
from tests.server.test_security import attempt


@pytest.fixture
def limits() -> Limits:
    # Delays long enough that a TLS handshake and an argon2 check on a loaded
    # machine fit inside them.
    return Limits(address_failures=3, address_delay=2.0, meeting_failures=100)


async def test_lockout_grows_and_expires(running: RunningServer) -> None:
    host, created = await host_meeting(running)
    for _ in range(3):
        await attempt(running, created.meeting_id, "NOPE1234")
    first = await attempt(running, created.meeting_id, created.passcode or "")
    assert isinstance(first, p.JoinFailed) and first.code == Code.RATE_LIMITED
    await asyncio.sleep(first.retry_after + 0.1)
    # One more failure after the lockout doubles the delay.
    failed = await attempt(running, created.meeting_id, "NOPE1234")
    assert failed == p.JoinFailed(code=Code.BAD_CREDENTIALS)
    second = await attempt(running, created.meeting_id, created.passcode or "")
    assert isinstance(second, p.JoinFailed) and second.code == Code.RATE_LIMITED
    assert second.retry_after > first.retry_after
    await asyncio.sleep(second.retry_after + 0.1)
    ok = await attempt(running, created.meeting_id, created.passcode or "")
    assert isinstance(ok, p.InWaitingRoom)
    await host.close()
