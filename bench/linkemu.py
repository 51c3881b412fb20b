"""A userspace network link emulator (loss, delay, jitter, rate) for tests and benchmarks.

The kernel here has no ``sch_netem``, so impairments are applied by a process of our own.
The topology is a star: every emulated host is a network namespace holding ``lo`` and one
TUN device with an address in a private /24. The emulator process stays in the root
namespace and holds every TUN file descriptor; a packet a host sends is read from its TUN,
passed through the sender's *uplink* and then the receiver's *downlink* impairment, and
written to the receiver's TUN. So "every link impaired both ways" means the same
impairment up and down on every host, and a path host A -> host B sees A.up then B.down.

    with LinkEmulator(hosts=3, seed=1) as net:
        a, b = net.hosts[0], net.hosts[1]
        net.impair(a, both=Impairment(loss=0.02, delay=0.03, jitter=0.01))
        net.impair(b, down=Impairment(rate_bps=1_000_000))
        b.run(["python", "-c", "..."])      # or enter_netns(b.netns) in a forked child
        print(net.counters()["h1"].down.dropped)

Each host has ``lo`` up, IPv4 only (IPv6 is disabled, as the emulator drops it) and only
the /24 route: there is no default route, so anything outside the emulated network fails
at once. The emulator runs as its own process (``python -m bench.linkemu``), so it never
competes for the caller's GIL, at real-time priority where allowed, so that a loaded CPU
does not add delay; the caller talks to it over a JSON-lines pipe. Everything needs root
(CAP_NET_ADMIN, CAP_SYS_ADMIN), ``/dev/net/tun`` and iproute2's ``ip``.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import dataclasses
import fcntl
import heapq
import itertools
import json
import os
import random
import re
import select
import selectors
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

__all__ = ["Host", "HostCounters", "Impairment", "LinkCounters", "LinkEmulator", "enter_netns"]

_TUNSETIFF = 0x400454CA
_IFF_TUN = 0x0001
_IFF_NO_PI = 0x1000
_CLONE_NEWNET = 0x40000000
_NETNS_DIR = Path("/run/netns")
# Our naming scheme, so stale namespaces of killed runs can be recognised: lq<pid>[-<k>]h<i>.
_NAME_RE = re.compile(r"^lq(\d+)(?:-\d+)?h\d+$")
_IP_TIMEOUT = 10.0  # one `ip` command; they take milliseconds, a hang means something is wrong
_MAX_PACKET = 65536
# A scheduled packet is sent this much before its due time at most. select() wakes up
# ~50-100 us late (timer slack), so this centres the error on zero.
_EARLY = 0.0001


@dataclass(frozen=True)
class Impairment:
    """What one direction of a host's link does to packets (netem-like).

    Order: random loss, then the serialising FIFO (if ``rate_bps``), then propagation
    delay with jitter. Jitter draws each packet's delay independently, so packets may
    reorder, as with netem.
    """

    loss: float = 0.0  # probability 0..1, independent per packet
    delay: float = 0.0  # seconds, one way
    jitter: float = 0.0  # seconds; delay + uniform(-jitter, +jitter), clamped >= 0
    rate_bps: float | None = None  # None: unlimited
    queue_ms: float = 200.0  # drop-tail limit of the FIFO, in ms of data at rate_bps

    def __post_init__(self) -> None:
        if not 0.0 <= self.loss <= 1.0:
            raise ValueError(f"loss must be within 0..1, not {self.loss}")
        if self.delay < 0 or self.jitter < 0:
            raise ValueError("delay and jitter must not be negative")
        if self.rate_bps is not None and self.rate_bps <= 0:
            raise ValueError("rate_bps must be positive (None means unlimited)")
        if self.queue_ms <= 0:
            raise ValueError("queue_ms must be positive")


@dataclass(frozen=True)
class LinkCounters:
    """Packets through one direction of one host's link, since the emulator started.

    ``packets - lost - dropped - delivered`` are still in flight (delayed or queued). An
    uplink hands a packet on when it admits it if the receiver's downlink has no rate limit
    (the delays simply add up; this saves a wake-up), so then the downlink holds it.
    """

    packets: int = 0  # entered this direction (routable IPv4 only)
    bytes: int = 0
    lost: int = 0  # random loss
    dropped: int = 0  # drop-tail queue overflow, or the receiving TUN refused the write
    delivered: int = 0  # passed on: uplink to the receiver's downlink, downlink to the host
    delivered_bytes: int = 0
    unroutable: int = 0  # uplink only: not IPv4, or no host has the destination address


@dataclass(frozen=True)
class HostCounters:
    up: LinkCounters
    down: LinkCounters


@dataclass(frozen=True)
class Host:
    """One emulated host: a network namespace whose TUN device is also named ``netns``."""

    name: str  # "h0", "h1", ...: the key in LinkEmulator.counters()
    netns: str
    address: str  # IPv4, in the emulator's /24

    def run(self, args: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[Any]:
        """``subprocess.run`` inside the namespace (through ``ip netns exec``)."""
        kwargs.setdefault("timeout", 60)
        return subprocess.run(["ip", "netns", "exec", self.netns, *args], **kwargs)

    def popen(self, args: Sequence[str], **kwargs: Any) -> subprocess.Popen[Any]:
        """``subprocess.Popen`` inside the namespace; the caller waits for it."""
        return subprocess.Popen(["ip", "netns", "exec", self.netns, *args], **kwargs)


def enter_netns(netns: str) -> None:
    """Move the calling thread into network namespace ``netns`` (as in /run/netns).

    Call it first thing in a forked child, before any socket is opened: sockets belong to
    the namespace that was current when they were created, and threads started afterwards
    inherit the new one. Python 3.11 has no os.setns.
    """
    try:
        fd = os.open(_NETNS_DIR / netns, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as e:
        raise RuntimeError(f"cannot open network namespace {netns!r}: {e}") from e
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.setns(fd, _CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise RuntimeError(f"setns({netns!r}) failed: {os.strerror(err)}")
    finally:
        os.close(fd)


def _ip(*args: str) -> None:
    try:
        proc = subprocess.run(
            ["ip", *args], capture_output=True, text=True, timeout=_IP_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as e:
        raise RuntimeError(f"`ip {' '.join(args)}` did not finish in {_IP_TIMEOUT} s") from e
    if proc.returncode != 0:
        raise RuntimeError(f"`ip {' '.join(args)}` failed: {proc.stderr.strip()}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_namespaces() -> None:
    """Delete namespaces of our naming scheme left by runs whose process is dead."""
    with contextlib.suppress(FileNotFoundError):
        for name in os.listdir(_NETNS_DIR):
            m = _NAME_RE.match(name)
            if m and not _pid_alive(int(m.group(1))):
                with contextlib.suppress(RuntimeError):
                    _ip("netns", "del", name)


def _open_tun(name: str) -> int:
    try:
        fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        raise RuntimeError(f"cannot open /dev/net/tun: {e}") from e
    try:
        ifr = struct.pack("16sH22x", name.encode(), _IFF_TUN | _IFF_NO_PI)
        fcntl.ioctl(fd, _TUNSETIFF, ifr)
    except OSError as e:
        os.close(fd)
        raise RuntimeError(f"cannot create TUN device {name}: {e}") from e
    return fd


def _disable_ipv6(netns: str) -> None:
    """No IPv6 in the namespace: the emulator drops it anyway, and without link-local
    addresses ICE gathers no IPv6 candidates that could never connect."""
    errors: list[BaseException] = []

    def work() -> None:
        # /proc/sys/net shows the namespace of the calling thread, so a throwaway thread
        # is enough (no `ip netns exec` + sysctl binary needed).
        try:
            enter_netns(netns)
            for scope in ("all", "default"):
                Path(f"/proc/sys/net/ipv6/conf/{scope}/disable_ipv6").write_text("1")
        except BaseException as e:
            errors.append(e)

    thread = threading.Thread(target=work, name=f"linkemu-{netns}", daemon=True)
    thread.start()
    thread.join(_IP_TIMEOUT)
    if thread.is_alive():
        raise RuntimeError(f"configuring namespace {netns} did not finish")
    if errors and not isinstance(errors[0], FileNotFoundError):  # no IPv6 in the kernel: fine
        raise RuntimeError(f"cannot disable IPv6 in {netns}: {errors[0]}")


_live: weakref.WeakSet[LinkEmulator] = weakref.WeakSet()
_instances = itertools.count()


@atexit.register
def _close_all() -> None:
    # The caller forgot close() or an exception skipped it: leave no namespaces behind.
    for net in list(_live):
        net.close()


class LinkEmulator:
    """Creates ``hosts`` namespaces joined by the emulator; a context manager.

    Stopping (``close()``, leaving the ``with``, interpreter exit, or the caller being
    killed, which the emulator notices) removes the TUN devices and the namespaces.
    """

    def __init__(
        self, hosts: int = 2, seed: int = 0, *, realtime: bool = True, timeout: float = 10.0
    ) -> None:
        if not 1 <= hosts <= 254:
            raise ValueError("hosts must be within 1..254 (one /24)")
        self.seed = seed
        # Run the emulator at a real-time priority, so that hosts loading every core do
        # not delay packets beyond their impairment (see _Emulator._raise_priority).
        self.realtime = realtime
        self.priority = ""  # what the emulator got, once started
        self.timeout = timeout  # for starting, and for each control request
        pid = self._owner = os.getpid()
        # The TUN is named like its namespace, and interface names have 15 characters at
        # most: "lq" + pid (7 digits at most) + "-k" + "h" + host (3 digits at most).
        k = next(_instances) % 10
        prefix = f"lq{pid}h" if k == 0 else f"lq{pid}-{k}h"
        # The subnet only needs to differ between emulators for readability: each
        # namespace is isolated, and the emulator routes by its own host table.
        octet = (pid + k) % 254 + 1
        self.hosts: list[Host] = [
            Host(f"h{i}", f"{prefix}{i}", f"10.77.{octet}.{i + 1}") for i in range(hosts)
        ]
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._created: list[str] = []
        self._buf = b""
        self._requests = itertools.count(1)
        self._lock = threading.Lock()
        self._closed = False

    @property
    def pid(self) -> int | None:
        """The emulator process, e.g. to measure its CPU use."""
        return self._proc.pid if self._proc else None

    def __enter__(self) -> LinkEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> LinkEmulator:
        """Create the namespaces and TUNs, start the emulator, wait until it serves."""
        if os.geteuid() != 0:
            raise RuntimeError("LinkEmulator needs root (network namespaces and TUN devices)")
        if not os.path.exists("/dev/net/tun"):
            raise RuntimeError("/dev/net/tun is missing (no TUN support in this kernel/container)")
        if shutil.which("ip") is None:
            raise RuntimeError("the `ip` command (iproute2) is not installed")
        if self._proc is not None or self._closed:
            raise RuntimeError("a LinkEmulator starts once")
        _remove_stale_namespaces()
        _live.add(self)
        fds: list[int] = []
        try:
            try:
                for host in self.hosts:
                    fds.append(self._create_host(host))
                self._spawn(fds)
            finally:
                # Only the emulator holds the TUNs now, so they vanish when it exits.
                for fd in fds:
                    os.close(fd)
            self._wait_ready()
        except BaseException:
            self.close()
            raise
        return self

    def _create_host(self, host: Host) -> int:
        _ip("netns", "add", host.netns)
        self._created.append(host.netns)
        _disable_ipv6(host.netns)
        fd = _open_tun(host.netns)
        try:
            # The fd stays valid after the move: the emulator reads and writes in the
            # root namespace while the device lives in the host's.
            _ip("link", "set", host.netns, "netns", host.netns)
            # The /24 address brings the subnet route. No default route on purpose:
            # traffic to anywhere else fails at once (ENETUNREACH), e.g. a DNS lookup of
            # a STUN server, instead of vanishing into the emulator and timing out.
            _ip("-n", host.netns, "addr", "add", f"{host.address}/24", "dev", host.netns)
            _ip("-n", host.netns, "link", "set", host.netns, "up")
            _ip("-n", host.netns, "link", "set", "lo", "up")
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _spawn(self, fds: list[int]) -> None:
        config = {
            "seed": self.seed,
            "ppid": os.getpid(),
            "realtime": self.realtime,
            "hosts": [
                {"fd": fd, "address": h.address, "netns": h.netns}
                for fd, h in zip(fds, self.hosts, strict=True)
            ],
        }
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
        self._stderr = tempfile.TemporaryFile()
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "bench.linkemu", json.dumps(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            pass_fds=fds,
            env=env,
            bufsize=0,
            # Out of the terminal's process group: Ctrl-C reaches the caller, whose
            # cleanup then stops the emulator in order.
            start_new_session=True,
        )

    def _wait_ready(self) -> None:
        reply = self._read_reply(self.timeout, None)
        if not reply.get("ready"):
            raise RuntimeError(f"emulator did not start: {reply}")
        self.priority = reply["priority"]

    def _read_reply(self, timeout: float, request: int | None) -> dict[str, Any]:
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            while True:
                while b"\n" not in self._buf:
                    left = deadline - time.monotonic()
                    if left <= 0 or not sel.select(left):
                        raise RuntimeError(f"emulator did not answer within {timeout} s")
                    chunk = os.read(proc.stdout.fileno(), 65536)
                    if not chunk:
                        raise RuntimeError(f"emulator exited: {self._stderr_tail()}")
                    self._buf += chunk
                line, self._buf = self._buf.split(b"\n", 1)
                reply: dict[str, Any] = json.loads(line)
                # A reply to an earlier request that timed out is skipped, not taken
                # for this one's.
                if reply.get("id") == request:
                    break
        if "error" in reply:
            raise RuntimeError(f"emulator: {reply['error']}")
        return reply

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read()[-2000:].decode(errors="replace").strip()

    def _request(self, message: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            proc = self._proc
            if proc is None or proc.stdin is None or self._closed:
                raise RuntimeError("the emulator is not running")
            request = next(self._requests)
            try:
                proc.stdin.write(json.dumps({**message, "id": request}).encode() + b"\n")
            except BrokenPipeError as e:
                raise RuntimeError(f"emulator exited: {self._stderr_tail()}") from e
            return self._read_reply(self.timeout, request)

    def _host_index(self, host: Host | int | str) -> int:
        if isinstance(host, int):
            if not 0 <= host < len(self.hosts):
                raise IndexError(f"no host {host}")
            return host
        name = host.name if isinstance(host, Host) else host
        for i, h in enumerate(self.hosts):
            if h.name == name:
                return i
        raise KeyError(f"no host {name!r}")

    def impair(
        self,
        host: Host | int | str,
        up: Impairment | None = None,
        down: Impairment | None = None,
        *,
        both: Impairment | None = None,
    ) -> None:
        """Set a host's uplink and/or downlink; a direction not given is left as it is.

        Applies to packets entering that direction from now on; ``Impairment()`` clears.
        """
        if both is not None:
            if up is not None or down is not None:
                raise ValueError("give either both= or up=/down=")
            up = down = both
        message: dict[str, Any] = {"op": "impair", "host": self._host_index(host)}
        if up is not None:
            message["up"] = dataclasses.asdict(up)
        if down is not None:
            message["down"] = dataclasses.asdict(down)
        self._request(message)

    def impair_all(self, both: Impairment) -> None:
        """The same impairment up and down on every host: every path sees it twice."""
        for i in range(len(self.hosts)):
            self.impair(i, both=both)

    def counters(self) -> dict[str, HostCounters]:
        """Per host name ("h0", ...), the counters of its uplink and downlink."""
        reply = self._request({"op": "counters"})
        return {
            h.name: HostCounters(LinkCounters(**c["up"]), LinkCounters(**c["down"]))
            for h, c in zip(self.hosts, reply["counters"], strict=True)
        }

    def close(self) -> None:
        """Stop the emulator (its TUNs vanish with it) and delete the namespaces."""
        if self._closed or os.getpid() != self._owner:
            # A forked child (its atexit, a copied `with`) must not stop the parent's net.
            return
        self._closed = True
        _live.discard(self)
        proc = self._proc
        if proc is not None:
            # The lock: not in the middle of another thread's request (which times out).
            with self._lock, contextlib.suppress(OSError):
                assert proc.stdin is not None
                proc.stdin.write(b'{"op": "stop"}\n')
                proc.stdin.close()
            try:
                proc.wait(self.timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(self.timeout)
            if proc.stdout is not None:
                proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
        for netns in self._created:
            # A namespace still used by a process lingers until it exits, but its name
            # is gone at once; errors here must not mask the caller's own.
            with contextlib.suppress(RuntimeError):
                _ip("netns", "del", netns)
        self._created.clear()


# --- the emulator process ------------------------------------------------------------


class _Link:
    """One direction of one host's link: impairment, serialiser state and counters."""

    __slots__ = (
        "busy_until",
        "bytes",
        "delivered",
        "delivered_bytes",
        "dropped",
        "imp",
        "lost",
        "packets",
        "rng",
        "unroutable",
    )

    def __init__(self, rng: random.Random) -> None:
        self.imp = Impairment()
        # Each link draws from its own generator, so the n-th packet on a link meets the
        # same fate in every run with the same seed, whatever other links carry.
        self.rng = rng
        self.busy_until = 0.0  # when the serialiser finishes the packets queued so far
        self.packets = self.bytes = self.lost = self.dropped = 0
        self.delivered = self.delivered_bytes = self.unroutable = 0

    def admit(self, size: int, now: float) -> float | None:
        """When the packet leaves this direction, or None if it is lost or dropped."""
        imp = self.imp
        self.packets += 1
        self.bytes += size
        if imp.loss and self.rng.random() < imp.loss:
            self.lost += 1
            return None
        t = now
        if imp.rate_bps is not None:
            start = max(now, self.busy_until)
            tx = size * 8 / imp.rate_bps
            # Drop-tail: refuse a packet that would take the backlog past the limit,
            # except into an empty queue (so a packet longer than the limit still passes).
            if start > now and start - now + tx > imp.queue_ms / 1000:
                self.dropped += 1
                return None
            t = self.busy_until = start + tx
        if imp.jitter:
            t += max(0.0, imp.delay + self.rng.uniform(-imp.jitter, imp.jitter))
        else:
            t += imp.delay
        return t

    def counters(self) -> dict[str, int]:
        return {f: getattr(self, f) for f in LinkCounters.__dataclass_fields__}


class _Emulator:
    def __init__(self, config: dict[str, Any]) -> None:
        seed = config["seed"]
        hosts = config["hosts"]
        self.ppid: int = config["ppid"]
        self.fds: list[int] = [h["fd"] for h in hosts]
        self.netns: list[str] = [h["netns"] for h in hosts]
        self.by_address = {bytes(map(int, h["address"].split("."))): i for i, h in enumerate(hosts)}
        self.up = [_Link(random.Random(f"{seed}/{i}/up")) for i in range(len(hosts))]
        self.down = [_Link(random.Random(f"{seed}/{i}/down")) for i in range(len(hosts))]
        # (due, tie-break, src, dst, packet): src >= 0 leaves src's uplink into dst's
        # downlink, src == -1 is written to dst's TUN.
        self.heap: list[tuple[float, int, int, int, bytes]] = []
        self.seq = itertools.count()
        self.control = b""
        self.stopped = False  # asked to stop, as opposed to the caller vanishing
        self.realtime: bool = config["realtime"]
        self.watched = [0, *self.fds]  # for select(): the control pipe and the TUNs

    def _raise_priority(self) -> str:
        """The network must not slow down when the hosts load the CPU, as a real one
        would not: take a real-time priority (the lowest), else a better nice level."""
        if self.realtime:
            with contextlib.suppress(OSError):
                os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))
                return "SCHED_FIFO 1"
            with contextlib.suppress(OSError):
                os.nice(-10)
                return "nice -10"
        return "normal"

    def run(self) -> None:
        # select(), not epoll: its timeout has microsecond resolution where epoll's is a
        # millisecond, and a handful of fds costs nothing. Called raw, not through
        # selectors, since the wake-ups are most of the emulator's CPU use.
        fds = self.watched
        host_of = {fd: i for i, fd in enumerate(self.fds)}
        os.set_blocking(0, False)
        self._reply({"ready": True, "priority": self._raise_priority()})
        heap = self.heap
        next_parent_check = 0.0
        while True:
            now = time.monotonic()
            timeout = min(max(0.0, heap[0][0] - now - _EARLY), 1.0) if heap else 1.0
            readable, _, _ = select.select(fds, [], [], timeout)
            for fd in readable:
                if fd == 0:
                    if not self._read_control():
                        return
                else:
                    self._receive(host_of[fd])
            now = time.monotonic()
            while heap and heap[0][0] <= now + _EARLY:
                t, _, src, dst, packet = heapq.heappop(heap)
                if src >= 0:
                    self._pass_uplink(src, dst, packet, t, now)
                else:
                    self._deliver(dst, packet)
            if now >= next_parent_check:
                # The caller may be gone without closing our stdin (a forked child of it
                # can hold the pipe): being re-parented tells.
                if os.getppid() != self.ppid:
                    return
                next_parent_check = now + 1.0

    def _receive(self, src: int) -> None:
        fd = self.fds[src]
        link = self.up[src]
        by_address = self.by_address
        for _ in range(256):  # then let the other hosts have a turn
            try:
                packet = os.read(fd, _MAX_PACKET)
            except BlockingIOError:  # drained
                return
            except OSError:
                # The device is gone (its namespace was deleted under us): stop watching
                # it, or select() would report it forever and we would spin.
                self.watched.remove(fd)
                return
            dst = None
            if len(packet) >= 20 and packet[0] >> 4 == 4:
                dst = by_address.get(packet[16:20])
            if dst is None:
                link.unroutable += 1
                continue
            now = time.monotonic()
            t = link.admit(len(packet), now)
            if t is None:
                pass
            elif t <= now + _EARLY or self.down[dst].imp.rate_bps is None:
                # Without a rate limit the downlink has no queue, so when the packet
                # enters it does not matter: one scheduled event (wake-up) instead of two.
                self._pass_uplink(src, dst, packet, t, now)
            else:
                heapq.heappush(self.heap, (t, next(self.seq), src, dst, packet))

    def _pass_uplink(self, src: int, dst: int, packet: bytes, t: float, now: float) -> None:
        """The packet leaves ``src``'s uplink at ``t`` and enters ``dst``'s downlink."""
        up = self.up[src]
        up.delivered += 1
        up.delivered_bytes += len(packet)
        # Admitted at its due time, not when we got round to it, so queue accounting
        # stays exact however late the loop runs.
        t2 = self.down[dst].admit(len(packet), t)
        if t2 is None:
            return
        if t2 <= now + _EARLY:
            self._deliver(dst, packet)
        else:
            heapq.heappush(self.heap, (t2, next(self.seq), -1, dst, packet))

    def _deliver(self, dst: int, packet: bytes) -> None:
        link = self.down[dst]
        try:
            os.write(self.fds[dst], packet)
        except OSError:
            link.dropped += 1
            return
        link.delivered += 1
        link.delivered_bytes += len(packet)

    def _read_control(self) -> bool:
        try:
            chunk = os.read(0, 65536)
        except BlockingIOError:
            return True
        if not chunk:
            return False
        self.control += chunk
        while b"\n" in self.control:
            line, self.control = self.control.split(b"\n", 1)
            request = None
            try:
                message = json.loads(line)
                request = message.get("id")
                op = message["op"]
                if op == "stop":
                    self.stopped = True
                    return False
                if op == "impair":
                    i = message["host"]
                    if not 0 <= i < len(self.fds):
                        raise ValueError(f"no host {i}")
                    if "up" in message:
                        self.up[i].imp = Impairment(**message["up"])
                    if "down" in message:
                        self.down[i].imp = Impairment(**message["down"])
                    self._reply({"id": request, "ok": True})
                elif op == "counters":
                    counters = [
                        {"up": u.counters(), "down": d.counters()}
                        for u, d in zip(self.up, self.down, strict=True)
                    ]
                    self._reply({"id": request, "counters": counters})
                else:
                    raise ValueError(f"unknown op {op!r}")
            except Exception as e:
                self._reply({"id": request, "error": f"{type(e).__name__}: {e}"})
        return True

    def _reply(self, message: dict[str, Any]) -> None:
        os.write(1, json.dumps(message).encode() + b"\n")

    def close(self) -> None:
        for fd in self.fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        if not self.stopped:
            # The caller died without closing us: remove its namespaces ourselves.
            for netns in self.netns:
                with contextlib.suppress(Exception):
                    subprocess.run(
                        ["ip", "netns", "del", netns], capture_output=True, timeout=_IP_TIMEOUT
                    )


def _main() -> None:
    emulator = _Emulator(json.loads(sys.argv[1]))
    try:
        emulator.run()
    finally:
        emulator.close()


if __name__ == "__main__":
    _main()
