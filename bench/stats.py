"""Small statistics and measuring helpers shared by the benchmarks."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Sequence
from typing import Any

import psutil


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100, linear interpolation); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_ms(seconds: Sequence[float]) -> dict[str, Any]:
    """p50 / p95 / max in milliseconds of durations given in seconds."""

    def ms(value: float | None) -> float | None:
        return None if value is None else round(value * 1000, 2)

    return {
        "n": len(seconds),
        "p50_ms": ms(percentile(seconds, 50)),
        "p95_ms": ms(percentile(seconds, 95)),
        "max_ms": ms(max(seconds) if seconds else None),
    }


def ratio(value: float | None, baseline: float | None) -> float | None:
    """``value / baseline`` rounded, or None when either is missing or the baseline is 0."""
    if value is None or baseline is None or baseline <= 0:
        return None
    return round(value / baseline, 3)


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def slope(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Least-squares slope of ``ys`` over ``xs`` (None with fewer than two distinct xs)."""
    if len(xs) < 2 or len(set(xs)) < 2:
        return None
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    num = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    den = sum((x - mx) ** 2 for x in xs)
    return num / den


def dig(data: Any, *keys: str) -> Any:
    """``data[k1][k2]...``, or None where a level is missing."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


class CpuMeter:
    """CPU seconds per wall second of a process (all its threads), between two calls."""

    def __init__(self, pid: int | None = None) -> None:
        self.process = psutil.Process(pid if pid is not None else os.getpid())
        self._cpu = 0.0
        self._wall = 0.0
        self.start()

    def _cpu_now(self) -> float:
        times = self.process.cpu_times()
        return float(times.user + times.system)

    def start(self) -> None:
        self._cpu = self._cpu_now()
        self._wall = time.monotonic()

    def read(self) -> tuple[float, float]:
        """(CPU seconds, wall seconds) since ``start``."""
        return self._cpu_now() - self._cpu, time.monotonic() - self._wall

    def rss(self) -> int:
        return int(self.process.memory_info().rss)


class MachineMeter:
    """How busy the whole machine is (in cores), to tell our load from others'."""

    def __init__(self) -> None:
        self.start()

    @staticmethod
    def _busy() -> float:
        t = psutil.cpu_times()
        return float(sum(t) - t.idle - getattr(t, "iowait", 0.0))

    def start(self) -> None:
        self._busy0 = self._busy()
        self._wall0 = time.monotonic()

    def busy_cores(self) -> float:
        wall = time.monotonic() - self._wall0
        return (self._busy() - self._busy0) / wall if wall > 0 else 0.0


def udp_receive_drops() -> int | None:
    """UDP datagrams the kernel dropped because a socket's receive buffer was full
    (Linux, system-wide; None elsewhere)."""
    try:
        with open("/proc/net/snmp", encoding="ascii") as snmp:
            rows = [line.split() for line in snmp if line.startswith("Udp:")]
    except OSError:
        return None
    if len(rows) < 2 or "RcvbufErrors" not in rows[0]:
        return None
    return int(rows[1][rows[0].index("RcvbufErrors")])
