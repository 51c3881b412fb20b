from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.server import tls
from app.server.server import Limits, MeetingServer

CREATE_TOKEN = "test-create-token"


@dataclass
class RunningServer:
    server: MeetingServer
    url: str
    fingerprint: str
    token: str = CREATE_TOKEN


@pytest.fixture(scope="session")
def certificate() -> tuple[Path, Path, str]:
    directory = Path(tempfile.mkdtemp(prefix="liqaa-test-cert-"))
    cert, key = directory / "cert.pem", directory / "key.pem"
    tls.make_self_signed(cert, key)
    return cert, key, tls.fingerprint(cert)


@pytest.fixture
def limits() -> Limits:
    return Limits()


@pytest.fixture
async def running(
    certificate: tuple[Path, Path, str], limits: Limits
) -> AsyncIterator[RunningServer]:
    cert, key, fingerprint = certificate
    server = MeetingServer(CREATE_TOKEN, limits=limits)
    port = await server.start("127.0.0.1", 0, tls.server_context(cert, key))
    yield RunningServer(server, f"wss://127.0.0.1:{port}/ws", fingerprint)
    await server.stop()
