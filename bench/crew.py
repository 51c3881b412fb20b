"""The parent side: participant processes, the message router between them, and
the embedded server whose CPU and memory are measured from outside."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from app.core.invite import Invite
from app.server.embedded import EmbeddedServer, EmbeddedServerError, start_embedded_server
from bench import participant
from bench.linkemu import enter_netns
from bench.participant import ServerInfo, Spec
from bench.stats import CpuMeter

# Every participant is a process of its own, as in real use. A fork server that has
# already imported aiortc, PyAV, OpenCV and the app starts them in a fraction of the
# time a fresh interpreter takes (spawn where fork servers do not exist).
CONTEXT: multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext
if "forkserver" in multiprocessing.get_all_start_methods():
    CONTEXT = multiprocessing.get_context("forkserver")
    CONTEXT.set_forkserver_preload(["bench.participant", "bench.gui"])
else:
    CONTEXT = multiprocessing.get_context("spawn")


def _noop() -> None:
    pass


def warm_up() -> threading.Thread:
    """Start the fork server (it imports everything once) in the background."""

    def start() -> None:
        process = CONTEXT.Process(target=_noop, daemon=True)
        process.start()
        process.join()

    thread = threading.Thread(target=start, name="bench-warm-up", daemon=True)
    thread.start()
    return thread


class Member:
    """One child process and its pipe."""

    def __init__(self, key: str, target: Callable[..., None], *args: Any) -> None:
        self.key = key
        self.conn, child_conn = CONTEXT.Pipe()
        self.process: BaseProcess = CONTEXT.Process(
            target=target, args=(child_conn, *args), name=f"bench-{key}", daemon=True
        )
        self.process.start()
        child_conn.close()
        self.status: dict[str, Any] = {}
        self.result: dict[str, Any] | None = None
        self.error: str | None = None

    def send(self, *message: Any) -> None:
        with contextlib.suppress(OSError, ValueError, BrokenPipeError):
            self.conn.send(message)


class Crew:
    """Child processes that publish and receive, and the router between them."""

    def __init__(self) -> None:
        self.members: dict[str, Member] = {}
        self.invite: Invite | None = None
        self.invite_to: list[str] = []  # who gets the meeting's invite when it exists
        self.server: Server | None = None

    def add(
        self, key: str, target: Callable[..., None], *args: Any, invite: bool = False
    ) -> Member:
        member = self.members[key] = Member(key, target, *args)
        if invite:
            self.invite_to.append(key)
            if self.invite is not None:
                member.send("invite", self.invite)
        return member

    def add_participant(self, spec: Spec, *, invite: bool | None = None) -> Member:
        wants = spec.system == "liqaa" and spec.index != 0 if invite is None else invite
        return self.add(participant_key(spec.index), participant.main, spec, invite=wants)

    def start_server(
        self, netns: str | None = None, host: str = "127.0.0.1", nice: int = 0
    ) -> Server:
        """Start the embedded server (inside ``netns``, listening on ``host``, its nice
        value raised by ``nice``) and tell participant 0, who creates the meeting."""
        server = self.server = Server(netns, host, nice)
        self.members[participant_key(0)].send("server", server.info)
        return server

    def pump(self, timeout: float) -> None:
        """Route messages for up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            conns = {m.conn: m for m in self.members.values() if not m.conn.closed}
            ready = wait(list(conns), timeout=max(0.0, remaining)) if conns else []
            for conn in ready:
                assert isinstance(conn, Connection)
                member = conns[conn]
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    conn.close()
                    if member.result is None and member.error is None:
                        member.error = f"{member.key} exited (code {member.process.exitcode})"
                    continue
                self._route(member, message)
            if remaining <= 0:
                return
            if not conns:
                time.sleep(min(remaining, 0.05))

    def _route(self, member: Member, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "invite":
            self.invite = message[1]
            for key in self.invite_to:
                self.members[key].send("invite", self.invite)
        elif kind == "signal":
            target = self.members.get(participant_key(message[1]))
            if target is not None:
                target.send("signal", int(member.key[1:]), message[2])
        elif kind == "status":
            member.status = message[1]
        elif kind == "result":
            member.result = message[1]
        elif kind == "error":
            member.error = message[1]
            print(f"bench: {message[1]}", file=sys.stderr)

    def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            self.pump(0.1)
        return predicate()

    def failed(self) -> list[str]:
        return [m.error for m in self.members.values() if m.error]

    def broadcast(self, *message: Any, keys: list[str] | None = None) -> None:
        for key, member in self.members.items():
            if keys is None or key in keys:
                member.send(*message)

    def results(self, keys: list[str], timeout: float) -> dict[str, dict[str, Any]]:
        self.wait_until(
            lambda: all(self.members[k].result is not None or self.members[k].error for k in keys),
            timeout,
        )
        return {k: r for k in keys if (r := self.members[k].result) is not None}

    def close(self, timeout: float = 15.0) -> None:
        """Ask everyone to leave, then make sure every child we started is gone."""
        self.broadcast("leave")
        deadline = time.monotonic() + timeout
        for member in self.members.values():
            while member.process.is_alive() and time.monotonic() < deadline:
                self.pump(0.05)  # keep draining pipes so nobody blocks on a send
            if member.process.is_alive():
                member.process.terminate()
                member.process.join(3)
            if member.process.is_alive():
                member.process.kill()
                member.process.join(3)
            member.conn.close()
        if self.server is not None:
            self.server.stop()
            self.server = None

    def __enter__(self) -> Crew:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def participant_key(index: int) -> str:
    return f"p{index}"


_stopping: list[threading.Thread] = []


def _start_embedded(netns: str | None, host: str, nice: int = 0) -> EmbeddedServer:
    """The server child process; inside ``netns`` and at ``nice`` when given (a child
    starts in the namespace and with the nice value of the thread that forks it, so a
    short-lived thread takes them on)."""
    if netns is None and not nice:
        return start_embedded_server(host, log_level="ERROR")
    outcome: list[EmbeddedServer | BaseException] = []

    def start() -> None:
        try:
            if netns is not None:
                enter_netns(netns)
            if nice:
                os.nice(nice)
            outcome.append(start_embedded_server(host, log_level="ERROR"))
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=start, name="bench-server-netns")
    thread.start()
    thread.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def wait_for_servers() -> None:
    while _stopping:
        _stopping.pop().join()


class Server:
    """The real embedded server (a child process, as the host's app starts it)."""

    def __init__(self, netns: str | None = None, host: str = "127.0.0.1", nice: int = 0) -> None:
        try:
            self.embedded: EmbeddedServer = _start_embedded(netns, host, nice)
        except EmbeddedServerError:  # seen once on a machine at load 17: try again
            time.sleep(1.0)
            self.embedded = _start_embedded(netns, host, nice)
        self.meter = CpuMeter(self.embedded.process.pid)
        time.sleep(0.3)
        self.idle_rss = self.meter.rss()

    @property
    def info(self) -> ServerInfo:
        e = self.embedded
        return ServerInfo(e.host, e.port, e.fingerprint, e.create_token)

    def stop(self) -> None:
        """Shut the server down gracefully in the background (it takes a second or so;
        nothing is measured meanwhile); ``wait_for_servers`` joins them."""
        thread = threading.Thread(target=self.embedded.stop, name="bench-server-stop")
        thread.start()
        _stopping.append(thread)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
