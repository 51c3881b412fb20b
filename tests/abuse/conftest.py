"""Abuse, fault and load tests run against real servers on 127.0.0.1 only.

WebRTC media is kept on loopback too: aioice normally offers every interface's
address except 127.0.0.1, so in these tests (and in the helper processes they
start) it offers 127.0.0.1 alone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from tests.abuse.loopback import media_on_loopback_only
from tests.abuse.tools import log_problems
from tests.server.conftest import RunningServer, certificate, limits, running

__all__ = ["RunningServer", "certificate", "limits", "running"]


@pytest.fixture(autouse=True)
def loopback_media() -> Iterator[None]:
    with media_on_loopback_only():
        yield


@pytest.fixture(autouse=True)
def server_log_is_clean(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """No test here may leave an ERROR or a traceback in the log (server or client)."""
    caplog.set_level(logging.INFO)
    yield
    records = [
        *caplog.get_records("setup"),
        *caplog.get_records("call"),
        *caplog.get_records("teardown"),
    ]
    problems = log_problems(records)
    assert not problems, f"errors in the log: {problems}"
