"""The server as people run it: embedded child process and standalone `liqaa-server`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from app.core import protocol as p
from app.core.errors import Code
from app.server.embedded import start_embedded_server
from tests.server.harness import Guest


async def test_embedded_child_process_serves_and_stops() -> None:
    server = start_embedded_server()
    try:
        assert server.port > 0 and len(server.fingerprint) == 64 and server.create_token
        host = Guest("Host")
        await host.connect(server.url, server.fingerprint)
        created = await host.create(server.create_token)
        reply = await host.join(created.meeting_id, host_secret=created.host_secret)
        assert isinstance(reply, p.Joined)
        await host.close()
        wrong = Guest("Wrong")
        await wrong.connect(server.url, server.fingerprint)
        reply = await wrong.request(p.Create(v=p.PROTOCOL_VERSION, create_token="not-it"))
        assert reply == p.JoinFailed(code=Code.BAD_CREDENTIALS)
        await wrong.close()
    finally:
        server.stop()
    assert server.process.returncode == 0, "the child did not shut down gracefully"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_standalone_server_logs_and_stops_on_ctrl_c(tmp_path: object) -> None:
    port = free_port()
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path), LIQAA_CREATE_TOKEN="")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.server", "--host", "127.0.0.1", "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stderr is not None
    lines = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        lines.append(line)
        if "create token" in line:
            break
    log = "".join(lines)
    assert f"listening on wss://127.0.0.1:{port}/ws" in log
    assert "fingerprint" in log
    process.send_signal(signal.SIGINT)
    assert process.wait(10) == 0
    assert "shutting down" in process.stderr.read()
