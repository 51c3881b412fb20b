"""Start the meeting server as a child process of the host's app.

A crash in the relay then never takes the UI down, and relay work does not compete
with the UI for the GIL. The child prints its port, certificate fingerprint and
create token on one line; it exits when our end of its stdin closes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass

STARTUP_TIMEOUT = 20.0


class EmbeddedServerError(RuntimeError):
    pass


@dataclass
class EmbeddedServer:
    process: subprocess.Popen[str]
    host: str
    port: int
    fingerprint: str
    create_token: str

    @property
    def url(self) -> str:
        return f"wss://{self.host}:{self.port}/ws"

    def stop(self, timeout: float = 5.0) -> None:
        if self.process.poll() is not None:
            return
        if self.process.stdin is not None:
            self.process.stdin.close()  # the child's cue to shut down gracefully
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def alive(self) -> bool:
        return self.process.poll() is None


def server_command() -> list[str]:
    if getattr(sys, "frozen", False):  # PyInstaller bundle: the app binary serves too
        return [sys.executable, "--server"]
    return [sys.executable, "-m", "app.server"]


def start_embedded_server(host: str = "127.0.0.1", log_level: str = "WARNING") -> EmbeddedServer:
    """Start the child and wait until it listens. ``host="0.0.0.0"`` opens it to the LAN."""
    process = subprocess.Popen(
        [*server_command(), "--embedded", "--host", host, "--log-level", log_level],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + STARTUP_TIMEOUT
    line = process.stdout.readline()  # the child prints this line before anything else
    if not line or time.monotonic() > deadline:
        process.kill()
        raise EmbeddedServerError("the meeting server did not start")
    try:
        info = json.loads(line)
        return EmbeddedServer(
            process,
            "127.0.0.1" if host in ("0.0.0.0", "") else host,
            int(info["port"]),
            info["fingerprint"],
            info["create_token"],
        )
    except (ValueError, KeyError) as exc:
        process.kill()
        raise EmbeddedServerError(f"unexpected output from the meeting server: {line!r}") from exc
