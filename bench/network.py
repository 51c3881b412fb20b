"""Meetings over impaired links: Liqaa's relay against plain aiortc P2P.

Every participant (and the Liqaa server) runs in a network namespace of its own
behind ``bench/linkemu.py``'s userspace link emulator (this kind of machine has no
``sch_netem``). A condition impairs every participant's link both ways (the
server's link is clean, so a relayed stream crosses two impaired links, exactly as
a P2P stream does: the publisher's uplink and the subscriber's downlink), or caps
one participant's downlink. Each (condition, system) pair is a fresh meeting,
taking turns so both see the same machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench.linkemu import Impairment, LinkEmulator
from bench.meeting import Placement, Timing, run_meeting
from bench.participant import HEIGHT, WIDTH
from bench.stats import CpuMeter

PARTICIPANTS = 3


@dataclass(frozen=True)
class Condition:
    key: str
    label: str
    every: Impairment | None = None  # on every participant's link, both ways
    capped_bps: float | None = None  # participant 1's downlink rate


CONDITIONS = (
    Condition("none", "no impairment"),
    Condition("loss2", "2 % loss, 30±10 ms", Impairment(loss=0.02, delay=0.030, jitter=0.010)),
    Condition("loss5", "5 % loss, 50±20 ms", Impairment(loss=0.05, delay=0.050, jitter=0.020)),
    Condition("capped", "one subscriber capped at 300 kbit/s", capped_bps=300_000),
)
BY_KEY = {c.key: c for c in CONDITIONS}


def run_condition(
    system: str,
    condition: Condition,
    timing: Timing,
    seed: int = 1,
    size: tuple[int, int] = (WIDTH, HEIGHT),
    nice: int = 0,
) -> dict[str, Any]:
    """One meeting of ``PARTICIPANTS`` on ``system`` ("liqaa" or "raw") under
    ``condition``; the figures of ``bench.meeting.analyse`` plus the emulator's counters.
    ``nice`` < 0 lets the meeting's processes outrank other work on the machine."""
    with LinkEmulator(hosts=PARTICIPANTS + 1, seed=seed) as net:
        server, people = net.hosts[0], net.hosts[1:]
        if condition.every is not None:
            for host in people:
                net.impair(host, both=condition.every)
        if condition.capped_bps is not None:
            net.impair(people[1], down=Impairment(rate_bps=condition.capped_bps))
        placement = Placement(
            tuple(h.netns for h in people), server.netns, server.address, nice=nice
        )
        emulator = CpuMeter(net.pid)
        emulator.start()
        report = run_meeting(system, PARTICIPANTS, timing, placement=placement, size=size)
        cpu, wall = emulator.read()
        counters = net.counters()
    report["condition"] = condition.key
    report["emulator_cpu_per_s"] = round(cpu / wall, 3)  # set-up included
    report["link"] = {
        name: {"up": vars(c.up), "down": vars(c.down)} for name, c in counters.items()
    }
    return report
