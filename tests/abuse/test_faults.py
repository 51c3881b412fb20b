"""Faults: a client process killed mid-call, the host's connection dropping, a
client's network going silent for 10 s (or dying on its side only), and the server
crashing or restarting. Participants are real session controllers
(app/client/session.py) or headless real participants; everything on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import IO

import aiohttp
import pytest

import app.client.session as session_module
from app.client.state import Status, TileKey
from app.core import protocol as p
from app.core.errors import Code
from app.core.invite import Invite
from app.core.roles import MediaKind
from tests.abuse.scene import eventually
from tests.abuse.tools import Proxy
from tests.client.test_session import Party, pattern
from tests.server.conftest import CREATE_TOKEN, RunningServer
from tests.server.harness import Guest

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = "127.0.0.1"


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/")[0])


@pytest.fixture
async def parties() -> AsyncIterator[list[Party]]:
    created: list[Party] = []
    yield created
    for party in created:
        await party.close()


@pytest.fixture
async def proxy(running: RunningServer) -> AsyncIterator[Proxy]:
    made = Proxy(port_of(running.url))
    await made.start()
    yield made
    await made.close()


async def host_meeting(
    parties: list[Party], port: int, fingerprint: str, *, waiting_room: bool = False
) -> tuple[Party, Invite]:
    host = Party("Host", pattern("Host"))
    parties.append(host)
    hosted = await host.session.create_meeting(
        LOOPBACK, port, fingerprint, CREATE_TOKEN, "Host", waiting_room=waiting_room
    )
    assert hosted is not None and host.session.status is Status.JOINED
    return host, hosted.invite


async def join(parties: list[Party], name: str, invite: Invite, port: int | None = None) -> Party:
    party = Party(name, pattern(name))
    parties.append(party)
    if port is not None:
        invite = Invite(LOOPBACK, port, invite.meeting_id, invite.passcode, invite.fingerprint)
    status = await party.session.join(invite, name)
    assert status in (Status.JOINED, Status.WAITING), party.recorder.statuses
    return party


def pids(party: Party) -> list[str]:
    view = party.recorder.view
    return [x.pid for x in view.participants] if view else []


def role(party: Party, pid: str | None) -> str | None:
    view = party.recorder.view
    return next((x.role for x in view.participants if x.pid == pid), None) if view else None


# ------------------------------------------------------------------ killed process


@contextlib.contextmanager
def child_participant(running: RunningServer, invite: Invite) -> Iterator[subprocess.Popen[str]]:
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.abuse.participant",
            running.url,
            running.fingerprint,
            invite.meeting_id,
            invite.passcode,
            "Doomed",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield child
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(10)
        assert child.stdout is not None
        child.stdout.close()


async def read_line(stream: IO[str], timeout: float) -> str:
    return await asyncio.wait_for(asyncio.to_thread(stream.readline), timeout)


async def test_killed_client_process_disappears_without_ghost_tracks(
    running: RunningServer, parties: list[Party]
) -> None:
    host, invite = await host_meeting(parties, port_of(running.url), running.fingerprint)
    await host.session.set_media(MediaKind.VIDEO, True)
    watcher = Guest("Watcher")
    await watcher.connect(running.url, running.fingerprint)
    assert isinstance(await watcher.join(invite.meeting_id, passcode=invite.passcode), p.Joined)
    await watcher.start_media()
    room = running.server.rooms[invite.meeting_id]
    try:
        with child_participant(running, invite) as child:
            assert child.stdout is not None
            line = await read_line(child.stdout, 60)
            assert line.startswith("JOINED "), line
            pid = line.split()[1]
            tile = TileKey(pid, MediaKind.VIDEO)
            await host.recorder.wait_for(lambda: host.recorder.frames[tile] > 10, 30)
            await watcher.wait_for(lambda: watcher.frames_from(pid, MediaKind.VIDEO) > 10, 30)
            assert pid in room.relay.peers

            killed = time.monotonic()
            os.kill(child.pid, signal.SIGKILL)
            await host.recorder.wait_for(lambda: pid not in pids(host), 10)
            gone = time.monotonic() - killed
            await watcher.wait_for(lambda: all(x.pid != pid for x in watcher.state.participants))
    finally:
        await watcher.close()

    # No ghost: the host's tile closed, nobody's track map or relay slot names it.
    await host.recorder.wait_for(lambda: tile in host.recorder.closed_tiles)
    await eventually(lambda: pid not in room.relay.peers)
    await eventually(
        lambda: all(key[0] != pid for s in room.relay.peers.values() for key in s._slots), 10
    )
    peer = host.session._peer
    assert peer is not None
    await eventually(lambda: all(info.pid != pid for info in peer.track_map.values()), 10)
    assert pid not in room.connections and pid not in room.meeting.participants
    frames = host.recorder.frames[tile]
    await asyncio.sleep(1.0)
    assert host.recorder.frames[tile] == frames
    assert gone < 10.0, gone
    print(f"\nkilled client gone from the host's list after {gone:.2f}s")


# ------------------------------------------------------------------ host drops


async def test_host_drop_hands_host_to_cohost_then_host_returns(
    running: RunningServer, proxy: Proxy, parties: list[Party]
) -> None:
    host, invite = await host_meeting(parties, proxy.port, running.fingerprint)
    co = await join(parties, "Co", invite, port_of(running.url))
    guest = await join(parties, "Guest", invite, port_of(running.url))
    host_pid, co_pid = host.session.pid, co.session.pid
    await host.session.send(p.SetCohost(pid=co_pid or "", on=True))
    await co.recorder.wait_for(lambda: role(co, co_pid) == "cohost")

    dropped = time.monotonic()
    proxy.cut(refuse_for=4.0)  # the host's network goes away for 4 s
    await co.recorder.wait_for(lambda: role(co, co_pid) == "host", 10)
    handover = time.monotonic() - dropped
    await guest.recorder.wait_for(lambda: role(guest, co_pid) == "host")
    assert host_pid not in pids(guest)
    await host.recorder.wait_for(lambda: host.recorder.status is Status.RECONNECTING, 10)

    # The host comes back with its host secret: host again, same ID; the stand-in
    # returns to co-host.
    await host.recorder.wait_for(lambda: host.recorder.status is Status.JOINED, 30)
    assert host.session.pid == host_pid
    await co.recorder.wait_for(
        lambda: role(co, co_pid) == "cohost" and role(co, host_pid) == "host"
    )
    assert [r for r in (role(guest, x) for x in pids(guest))].count("host") == 1
    print(f"\nhost handed to the co-host {handover:.2f}s after the host's connection dropped")


# ------------------------------------------------------------------ network drop


async def test_network_silent_for_10s_then_back_in_the_same_place(
    running: RunningServer, proxy: Proxy, parties: list[Party]
) -> None:
    """No FIN, no RST: only heartbeats notice. The guest comes back with the same
    ID, straight into the meeting (no second waiting-room wait, though the meeting
    was locked meanwhile), and its media flows again."""
    host, invite = await host_meeting(
        parties, port_of(running.url), running.fingerprint, waiting_room=True
    )
    guest = await join(parties, "Guest", invite, proxy.port)
    await host.recorder.wait_for(lambda: host.recorder.view and host.recorder.view.lobby)
    gid = host.recorder.view.lobby[0].pid  # type: ignore[union-attr]
    await host.session.send(p.Admit(pid=gid))
    await guest.recorder.wait_for(lambda: guest.recorder.status is Status.JOINED)
    await guest.session.set_media(MediaKind.VIDEO, True)
    tile = TileKey(gid, MediaKind.VIDEO)
    await host.recorder.wait_for(lambda: host.recorder.frames[tile] > 10, 20)
    await host.session.send(p.SetLock(locked=True))
    statuses_before = len(guest.recorder.statuses)

    paused = time.monotonic()
    proxy.pause()
    await host.recorder.wait_for(lambda: gid not in pids(host), 12)
    noticed = time.monotonic() - paused
    await guest.recorder.wait_for(lambda: guest.recorder.status is Status.RECONNECTING, 12)
    await asyncio.sleep(max(0.0, paused + 10.0 - time.monotonic()))
    proxy.resume()

    await guest.recorder.wait_for(lambda: guest.recorder.status is Status.JOINED, 30)
    back = time.monotonic() - paused
    assert guest.session.pid == gid
    after = [s for s, _ in guest.recorder.statuses[statuses_before:]]
    assert Status.WAITING not in after and Status.CLOSED not in after, after
    await host.recorder.wait_for(lambda: pids(host).count(gid) == 1)
    assert not host.recorder.view.lobby  # type: ignore[union-attr]
    await guest.session.set_media(MediaKind.VIDEO, True)
    frames = host.recorder.frames[tile]
    await host.recorder.wait_for(lambda: host.recorder.frames[tile] > frames + 10, 20)
    print(
        f"\nnetwork silent 10s: server noticed after {noticed:.1f}s, guest back after {back:.1f}s"
    )


async def test_network_dies_on_the_client_side_only(
    running: RunningServer, proxy: Proxy, parties: list[Party]
) -> None:
    """The client's old connection is dead on its side but still open on the
    server's (a Wi-Fi change): the client reconnects before the server's heartbeat
    notices. It must get its own place back, not a second one in the waiting room."""
    host, invite = await host_meeting(
        parties, port_of(running.url), running.fingerprint, waiting_room=True
    )
    guest = await join(parties, "Guest", invite, proxy.port)
    await host.recorder.wait_for(lambda: host.recorder.view and host.recorder.view.lobby)
    gid = host.recorder.view.lobby[0].pid  # type: ignore[union-attr]
    await host.session.send(p.Admit(pid=gid))
    await guest.recorder.wait_for(lambda: guest.recorder.status is Status.JOINED)
    room = running.server.rooms[invite.meeting_id]
    stale = room.connections[gid]

    dropped = time.monotonic()
    proxy.cut_client_side()
    await guest.recorder.wait_for(lambda: guest.recorder.status is Status.RECONNECTING, 10)
    await guest.recorder.wait_for(lambda: guest.recorder.status is Status.JOINED, 20)
    back = time.monotonic() - dropped
    assert back < 4.0, back  # before the server's heartbeat (4 s) could notice
    assert guest.session.pid == gid
    assert room.connections[gid] is not stale
    await host.recorder.wait_for(lambda: pids(host).count(gid) == 1)
    assert not host.recorder.view.lobby  # type: ignore[union-attr]
    assert list(room.meeting.participants).count(gid) == 1 and not room.meeting.lobby
    # The server let go of the stale connection at once; when its handler finally
    # ends (close handshake timeout), nothing changes.
    assert stale.room is None  # type: ignore[attr-defined]
    await eventually(lambda: stale not in running.server.connections, 20)
    ended = time.monotonic() - dropped
    assert room.connections.get(gid) is not stale and gid in room.meeting.participants
    await host.recorder.wait_for(lambda: pids(host).count(gid) == 1)
    print(
        f"\nclient-side drop: back in the meeting after {back:.2f}s "
        f"(the stale connection's handler ended after {ended:.1f}s)"
    )


# ------------------------------------------------------------------ server crash / restart


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """A standalone server (app.server's entry point) on a fixed port."""

    def __init__(self, certificate: tuple[Path, Path, str], port: int, log: Path) -> None:
        self.cert, self.key, self.fingerprint = certificate
        self.port = port
        self.log = log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.abuse.server_process",
                "--host",
                LOOPBACK,
                "--port",
                str(self.port),
                "--cert",
                str(self.cert),
                "--key",
                str(self.key),
                "--create-token",
                CREATE_TOKEN,
                "--log-level",
                "WARNING",
                cwd=ROOT,
                stdin=asyncio.subprocess.DEVNULL,
                stderr=log,
            )
        fingerprint = aiohttp.Fingerprint(bytes.fromhex(self.fingerprint))
        deadline = time.monotonic() + 30
        async with aiohttp.ClientSession() as http:
            while True:
                try:
                    url = f"https://{LOOPBACK}:{self.port}/health"
                    async with http.get(url, ssl=fingerprint) as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                assert time.monotonic() < deadline, "the server did not start"
                await asyncio.sleep(0.2)

    async def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        await asyncio.wait_for(self.process.wait(), 10)

    async def terminate(self) -> int:
        assert self.process is not None
        self.process.terminate()
        return await asyncio.wait_for(self.process.wait(), 15)

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            await self.kill()


@pytest.fixture
async def server_process(
    certificate: tuple[Path, Path, str], tmp_path: Path
) -> AsyncIterator[ServerProcess]:
    made = ServerProcess(certificate, free_port(), tmp_path / "server.log")
    yield made
    await made.stop()
    log = made.log.read_text() if made.log.exists() else ""
    assert "Traceback" not in log and " ERROR " not in log, log


async def test_server_crash_and_restart_are_reported_clearly(
    server_process: ServerProcess, parties: list[Party], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_module, "RECONNECT_FOR", 3.0)
    fingerprint = server_process.fingerprint

    # 1. The server crashes and stays down: after the retry window, connection_lost.
    await server_process.start()
    host, invite = await host_meeting(parties, server_process.port, fingerprint)
    guest = await join(parties, "Guest", invite)
    await server_process.kill()
    crashed = time.monotonic()
    for party in (host, guest):
        await party.recorder.wait_for(
            lambda party=party: party.recorder.status is Status.CLOSED, 15
        )
        assert (Status.RECONNECTING, None) in party.recorder.statuses
        assert party.recorder.statuses[-1] == (Status.CLOSED, Code.CONNECTION_LOST)
    lost_after = time.monotonic() - crashed

    # 2. It crashes and comes back on the same port within the retry window: the
    # meeting is gone with it, and the clients say so ("ended"), not "wrong passcode".
    monkeypatch.setattr(session_module, "RECONNECT_FOR", 20.0)
    await server_process.start()
    host, invite = await host_meeting(parties, server_process.port, fingerprint)
    guest = await join(parties, "Guest", invite)
    await server_process.kill()
    await server_process.start()
    for party in (host, guest):
        await party.recorder.wait_for(
            lambda party=party: party.recorder.status is Status.CLOSED, 25
        )
        assert party.recorder.statuses[-1] == (Status.CLOSED, Code.ENDED), party.recorder.statuses

    # 3. A graceful restart (SIGTERM) ends every meeting with a reason at once.
    host, invite = await host_meeting(parties, server_process.port, fingerprint)
    guest = await join(parties, "Guest", invite)
    stopped = time.monotonic()
    assert await server_process.terminate() == 0
    for party in (host, guest):
        await party.recorder.wait_for(
            lambda party=party: party.recorder.status is Status.CLOSED, 10
        )
        assert party.recorder.statuses[-1] == (Status.CLOSED, Code.ENDED)
        assert (Status.RECONNECTING, None) not in party.recorder.statuses
    print(
        f"\nserver crash: connection_lost after {lost_after:.1f}s (window 3s); "
        f"graceful stop reported in {time.monotonic() - stopped:.1f}s"
    )
