"""bench.linkemu with real namespaces, TUNs and sockets (needs root, as CI runs it).

Senders and receivers are forked children that enter a host's namespace. Send and
receive times are the kernel's (SO_TIMESTAMPING as the sender's TUN takes the packet,
SO_TIMESTAMPNS as the receiver's TUN hands it in), so a sender or receiver kept off the
CPU on a busy machine does not count as delay: what remains is the emulator's timing.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import math
import multiprocessing
import os
import select
import signal
import socket
import statistics
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path

import pytest

from bench.linkemu import Host, Impairment, LinkEmulator, enter_netns

ROOT = Path(__file__).resolve().parents[2]
CTX = multiprocessing.get_context("fork")
PORT = 40000
HEADER = struct.Struct("!I")  # sequence number
IP_UDP_OVERHEAD = 28
SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
SO_TIMESTAMPING = getattr(socket, "SO_TIMESTAMPING", 37)
IP_RECVERR = getattr(socket, "IP_RECVERR", 11)
# TX_SOFTWARE | SOFTWARE | OPT_ID (number the sends) | OPT_TSONLY (no packet copy back)
TIMESTAMPING_FLAGS = (1 << 1) | (1 << 4) | (1 << 7) | (1 << 11)
EXTENDED_ERR = struct.Struct("=IBBBBII")  # struct sock_extended_err
EARLY_MS = 0.5  # the emulator may send up to 0.1 ms early per direction; some slack
LATE_MS = 10.0  # scheduling margin for the emulator on a busy 2-core box


@pytest.fixture
def net() -> Iterator[LinkEmulator]:
    with LinkEmulator(hosts=2, seed=1) as emulator:
        yield emulator


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def quiet(net: LinkEmulator) -> bool:
    """Nothing is in flight in the emulator (delayed or queued)."""
    for c in net.counters().values():
        for link in (c.up, c.down):
            if link.packets != link.lost + link.dropped + link.delivered:
                return False
    return True


# --- UDP: forked children in the hosts' namespaces ---------------------------------------


def _udp_receiver(netns: str, address: str, ready: Event, stop: Event, out: Connection) -> None:
    enter_netns(netns)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # A receiver that falls behind must not lose datagrams in its own buffer.
    sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.bind((address, PORT))
    sock.settimeout(0.05)
    ready.set()
    records: list[tuple[int, float, int]] = []  # seq, received, size
    stopping = False
    while True:
        try:
            data, ancillary, _, _ = sock.recvmsg(2048, 64)
        except TimeoutError:
            if stopping:
                break
            stopping = stop.is_set()  # one more timeout to drain what is left
            continue
        received = math.nan
        for level, kind, value in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", value[:16])
                received = sec + nsec / 1e9
        (seq,) = HEADER.unpack_from(data)
        records.append((seq, received, len(data)))
    out.send(records)


def _tx_stamps(sock: socket.socket, stamps: dict[int, float]) -> None:
    """Collect the kernel's send times (taken as the TUN takes the packet) by sequence."""
    while True:
        try:
            _, ancillary, _, _ = sock.recvmsg(0, 512, socket.MSG_ERRQUEUE | socket.MSG_DONTWAIT)
        except BlockingIOError:
            return
        stamp = key = None
        for level, kind, value in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPING:
                sec, nsec = struct.unpack_from("qq", value)  # the software stamp comes first
                stamp = sec + nsec / 1e9
            elif level == socket.SOL_IP and kind == IP_RECVERR:
                key = EXTENDED_ERR.unpack_from(value)[-1]  # ee_data: OPT_ID, the n-th send
        if stamp is not None and key is not None:
            stamps[key] = stamp


def _udp_sender(
    netns: str, address: str, count: int, interval: float, size: int, out: Connection
) -> None:
    enter_netns(netns)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)  # room for the stamps
    # Kernel send times: the sender being preempted between reading the clock and
    # sendto() on a busy machine must not count as the emulator's delay.
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPING, TIMESTAMPING_FLAGS)
    padding = bytes(size - HEADER.size)
    stamps: dict[int, float] = {}
    start = time.monotonic()
    for seq in range(count):
        # An absolute schedule: a late wake-up is caught up, not accumulated.
        pause = start + seq * interval - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        sock.sendto(HEADER.pack(seq) + padding, (address, PORT))
        _tx_stamps(sock, stamps)
    deadline = time.monotonic() + 20
    while len(stamps) < count and time.monotonic() < deadline:
        time.sleep(0.01)
        _tx_stamps(sock, stamps)
    out.send(stamps)


def udp_flow(
    net: LinkEmulator, src: Host, dst: Host, count: int, interval: float, size: int = 64
) -> list[tuple[int, float, float, int]]:
    """Send ``count`` datagrams src -> dst; return what arrived (seq, sent, received, size)
    with the kernel's send and receive times."""
    ready, stop = CTX.Event(), CTX.Event()
    results, out = CTX.Pipe(duplex=False)
    sent, sender_out = CTX.Pipe(duplex=False)
    receiver = CTX.Process(
        target=_udp_receiver, args=(dst.netns, dst.address, ready, stop, out), daemon=True
    )
    receiver.start()
    try:
        assert ready.wait(20), "receiver did not start"
        sender = CTX.Process(
            target=_udp_sender, args=(src.netns, dst.address, count, interval, size, sender_out)
        )
        sender.start()
        assert sent.poll(count * interval + 30), "sender did not finish"
        stamps: dict[int, float] = sent.recv()
        sender.join(10)
        assert sender.exitcode == 0, f"sender failed: {sender.exitcode}"
        assert len(stamps) == count, "the kernel did not stamp every datagram sent"
        wait_for(lambda: quiet(net), 20, "the emulator to deliver everything")
        stop.set()
        assert results.poll(20), "receiver did not report"
        records: list[tuple[int, float, int]] = results.recv()
        receiver.join(10)
        return [(seq, stamps[seq], received, size) for seq, received, size in records]
    finally:
        if receiver.is_alive():
            receiver.kill()


def delays_ms(records: list[tuple[int, float, float, int]]) -> list[float]:
    return [(received - sent) * 1000 for _, sent, received, _ in records]


# --- tests --------------------------------------------------------------------------------


def test_no_impairment_delivers_everything_at_once(net: LinkEmulator) -> None:
    a, b = net.hosts
    records = udp_flow(net, a, b, count=500, interval=0.001)
    assert sorted(seq for seq, *_ in records) == list(range(500))
    delays = sorted(delays_ms(records))
    # How late the emulator is depends on getting the CPU: say how it was scheduled.
    why = f"emulator priority: {net.priority}; slowest: {delays[-10:]}"
    assert statistics.median(delays) < 2.0, why
    assert delays[int(len(delays) * 0.95)] < 5.0, why
    c = net.counters()
    assert c["h0"].up.delivered == c["h1"].down.delivered == 500
    assert c["h0"].up.lost == c["h1"].down.lost == 0


def test_udp_loss_and_delay(net: LinkEmulator) -> None:
    a, b = net.hosts
    path = Impairment(loss=0.05, delay=0.050, jitter=0.020)
    # a -> b meets a's uplink and b's downlink: two independent 5 % losses, and a one-way
    # delay of 100 ms +- 40 ms (the sum of two uniform draws).
    net.impair(a, up=path)
    net.impair(b, down=path)
    count = 2000
    records = udp_flow(net, a, b, count=count, interval=0.001)

    p = 1 - (1 - path.loss) ** 2
    lost = count - len(records)
    sigma = math.sqrt(count * p * (1 - p))
    assert abs(lost - count * p) < 4.5 * sigma, (lost, count * p)
    c = net.counters()
    # Every loss is the emulator's, counted where it happened.
    assert c["h0"].up.lost + c["h1"].down.lost == lost
    assert c["h0"].up.lost > 0 and c["h1"].down.lost > 0
    assert c["h1"].down.delivered == len(records)
    assert len({seq for seq, *_ in records}) == len(records)  # no duplicates

    delays = sorted(delays_ms(records))
    why = f"emulator priority: {net.priority}; delays {delays[:5]} ... {delays[-5:]}"
    assert abs(statistics.median(delays) - 100) < 5, why
    # The extremes are reached (the jitter is applied) and not exceeded.
    assert 60 - EARLY_MS <= delays[0] < 66, why
    assert 134 < delays[-1] <= 140 + LATE_MS, why
    # 20 ms of jitter at 1 ms spacing reorders, as netem does.
    arrival_order = [seq for seq, *_ in sorted(records, key=lambda r: r[2])]
    assert arrival_order != sorted(arrival_order)


def test_rate_cap_queues_and_drops(net: LinkEmulator) -> None:
    a, b = net.hosts
    rate = 300_000
    # A long queue, so that the link stays busy even if the sender (an ordinary process)
    # is kept off the CPU for a while on a busy machine: the rate is what is measured.
    queue_ms = 1000
    net.impair(b, down=Impairment(rate_bps=rate, queue_ms=queue_ms))
    size = 1200
    bits = (size + IP_UDP_OVERHEAD) * 8
    # 100 packets/s of 1228-byte IP packets: about 3.3 times what the link carries.
    records = udp_flow(net, a, b, count=300, interval=0.01, size=size)
    arrivals = sorted(received for _, _, received, _ in records)
    measured = (len(arrivals) - 1) * bits / (arrivals[-1] - arrivals[0])
    assert abs(measured / rate - 1) < 0.15, measured
    # The serialiser itself: back to back, packets leave one transmission time apart.
    gap = statistics.median(later - earlier for earlier, later in itertools.pairwise(arrivals))
    assert abs(gap / (bits / rate) - 1) < 0.05, gap
    down = net.counters()["h1"].down
    assert down.dropped > 0
    assert down.lost == 0
    assert down.packets == 300 == down.dropped + down.delivered
    assert down.delivered == len(records)
    # Drop-tail: no packet waits longer than the queue limit, plus its own transmission.
    delays = delays_ms(records)
    assert bits / rate * 1000 - EARLY_MS < min(delays), min(delays)
    assert max(delays) < queue_ms + bits / rate * 1000 + LATE_MS, net.priority


def _echo_server(netns: str, address: str, ready: Event) -> None:
    enter_netns(netns)
    server = socket.create_server((address, PORT))
    ready.set()
    conn, _ = server.accept()
    with conn:
        while data := conn.recv(65536):
            conn.sendall(data)


ECHO_CLIENT = """
import hashlib, socket, sys
payload = bytes(range(256)) * 1024
with socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30) as s:
    s.sendall(payload)
    s.shutdown(socket.SHUT_WR)
    back = b""
    while data := s.recv(65536):
        back += data
print(hashlib.sha256(back).hexdigest(), len(back))
"""


def test_tcp_echo_across_lossy_links(net: LinkEmulator) -> None:
    a, b = net.hosts
    net.impair_all(Impairment(loss=0.02, delay=0.005))
    ready = CTX.Event()
    server = CTX.Process(target=_echo_server, args=(b.netns, b.address, ready), daemon=True)
    server.start()
    try:
        assert ready.wait(20)
        done = a.run(
            [sys.executable, "-c", ECHO_CLIENT, b.address, str(PORT)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        payload = bytes(range(256)) * 1024
        assert done.stdout.split() == [hashlib.sha256(payload).hexdigest(), str(len(payload))]
        c = net.counters()
        assert sum(h.up.lost + h.down.lost for h in c.values()) > 0  # TCP did recover
    finally:
        server.join(10)
        if server.is_alive():
            server.kill()


def namespaces() -> set[str]:
    with contextlib.suppress(FileNotFoundError):
        return set(os.listdir("/run/netns"))
    return set()


def root_devices() -> set[str]:
    return set(os.listdir("/sys/class/net"))


def test_cleanup_and_stale_namespaces() -> None:
    # A namespace of our naming scheme whose pid is dead, as a killed run leaves it.
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = f"lq{dead.pid}h0"
    subprocess.run(["ip", "netns", "add", stale], check=True, timeout=10)
    with LinkEmulator(hosts=3) as net:
        assert stale not in namespaces()
        names = {h.netns for h in net.hosts}
        assert names <= namespaces()
        for h in net.hosts:  # each TUN is in its namespace, up, with its address
            shown = subprocess.run(
                ["ip", "-n", h.netns, "-o", "addr", "show", "dev", h.netns],
                capture_output=True,
                text=True,
                timeout=10,
            )
            assert f"inet {h.address}/24" in shown.stdout
        emulator = net.pid
        assert emulator is not None
    assert not names & namespaces()
    assert not names & root_devices()
    assert exited(emulator)
    with pytest.raises(RuntimeError, match="no-such-namespace"):
        enter_netns("no-such-namespace")


def exited(pid: int) -> bool:
    """Gone, or a zombie (an orphan is reaped by whatever init the container has)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


CRASHING_CALLER = """
import sys, time
from bench.linkemu import LinkEmulator
net = LinkEmulator(hosts=2).start()
print(" ".join(h.netns for h in net.hosts), net.pid, flush=True)
time.sleep(60)
"""


def test_emulator_cleans_up_after_a_killed_caller() -> None:
    caller = subprocess.Popen(
        [sys.executable, "-c", CRASHING_CALLER],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    names: list[str] = []
    try:
        assert caller.stdout is not None
        assert select.select([caller.stdout], [], [], 30)[0], "the caller did not start"
        line = caller.stdout.readline()
        assert line, "the caller failed (its stderr is in the captured output)"
        *names, pid = line.split()
        assert set(names) <= namespaces()
    finally:
        caller.send_signal(signal.SIGKILL)
        caller.wait(10)
    # No atexit ran: the emulator notices it was orphaned and removes the namespaces.
    wait_for(lambda: not set(names) & namespaces(), 10, "the namespaces to go")
    wait_for(lambda: exited(int(pid)), 10, "the emulator to exit")


def test_clear_error_without_root() -> None:
    code = (
        "import os\n"
        "from bench.linkemu import LinkEmulator\n"
        "os.setuid(65534)\n"
        "try:\n"
        "    LinkEmulator().start()\n"
        "except RuntimeError as e:\n"
        "    print(e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=30,
    )
    assert "needs root" in done.stdout, done.stderr
