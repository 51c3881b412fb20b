"""Meetings of N participants, each in its own process: Liqaa through the real relay
(embedded server child process) against a raw aiortc full mesh.

One run measures, over the same window: received fps of every stream, CPU
seconds per second of every client process and of the server, server memory,
glass-to-glass video latency (frame counter in the pixels) and audio latency
(click train), matched across processes by wall-clock time.
"""

from __future__ import annotations

import itertools
import statistics
import time
from dataclasses import dataclass
from typing import Any

from bench.crew import Crew, Server, participant_key
from bench.participant import HEIGHT, WIDTH, Spec, participant_name
from bench.probes import match_clicks
from bench.stats import MachineMeter, summary_ms, udp_receive_drops

FPS_FLOOR = 25.0


FREEZE = 0.5  # s: a gap between two displayed frames longer than this is a freeze


@dataclass(frozen=True)
class Placement:
    """Where the processes run: network namespaces behind the link emulator."""

    participants: tuple[str, ...]  # network namespace of each participant, by index
    server_netns: str
    server_host: str  # the server's address inside its namespace
    nice: int = 0  # every process of the meeting (negative: it outranks other work)


@dataclass(frozen=True)
class Timing:
    warmup: float  # seconds after everyone receives everyone, before measuring
    measure: float
    ready_timeout: float  # how long to wait for every stream to arrive


def run_meeting(
    system: str,
    count: int,
    timing: Timing,
    *,
    decode: bool = True,
    audio: bool = True,
    placement: Placement | None = None,
    size: tuple[int, int] = (WIDTH, HEIGHT),
) -> dict[str, Any]:
    """One meeting of ``count`` participants on ``system`` ("liqaa" or "raw").
    ``decode=False``: participants count received frames without decoding them.
    ``placement``: run each process in its own network namespace (impaired links)."""
    server: Server | None = None
    started = time.monotonic()
    drops_before = udp_receive_drops()
    with Crew() as crew:
        keys = [participant_key(i) for i in range(count)]
        for i in range(count):
            netns = placement.participants[i] if placement else None
            nice = placement.nice if placement else 0
            spec = Spec(
                system, i, count, decode=decode, audio=audio, netns=netns, size=size, nice=nice
            )
            crew.add_participant(spec)
        if system == "liqaa":  # starts while the participants' processes start
            if placement is None:
                server = crew.start_server()
            else:
                server = crew.start_server(
                    placement.server_netns, placement.server_host, placement.nice
                )

        def everyone_receives() -> bool:
            return all(len(crew.members[k].status.get("video", ())) >= count - 1 for k in keys)

        ready = crew.wait_until(
            lambda: everyone_receives() or bool(crew.failed()), timing.ready_timeout
        )
        setup_s = time.monotonic() - started
        crew.pump(timing.warmup)
        crew.broadcast("measure", timing.measure)
        rss: list[int] = []
        machine = MachineMeter()
        if server is not None:
            server.meter.start()
        end = time.monotonic() + timing.measure
        while time.monotonic() < end:
            crew.pump(min(0.5, max(0.0, end - time.monotonic())))
            if server is not None:
                rss.append(server.meter.rss())
        server_cpu = server.meter.read() if server is not None else None
        busy = machine.busy_cores()
        results = crew.results(keys, timing.measure + 60)
        errors = crew.failed()
        measured = time.monotonic()
        drops_after = udp_receive_drops()
    teardown_s = time.monotonic() - measured
    report = analyse(system, count, results)
    ours = report["client_cpu_per_s"]["total"] + (
        server_cpu[0] / server_cpu[1] if server_cpu else 0
    )
    report.update(
        ready=ready and everyone_receives(),
        setup_s=round(setup_s, 2),
        teardown_s=round(teardown_s, 2),
        errors=errors,
        machine_busy_cores=round(busy, 2),
        # Datagrams the kernel dropped (socket receive buffer full) from set-up to the
        # end of the window, machine-wide: lost RTP packets, under CPU starvation.
        udp_receive_drops=None
        if drops_before is None or drops_after is None
        else drops_after - drops_before,
        # Other programs' load during the window (other people's tests, say).
        other_load_cores=round(max(0.0, busy - ours), 2),
    )
    if server is not None and server_cpu is not None:
        cpu, wall = server_cpu
        report["server"] = {
            "cpu_per_s": cpu / wall,
            "rss_mb": max(rss) / 2**20 if rss else None,
            "idle_rss_mb": server.idle_rss / 2**20,
            "forwarded_streams": count * (count - 1),  # video; as many audio
        }
    return report


def analyse(system: str, count: int, results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per-stream fps, per-process CPU and the latencies, from every process's report."""
    by_name = {participant_name(int(k[1:])): r for k, r in results.items()}
    fps: list[float] = []
    video_latency: list[float] = []
    audio_latency: list[float] = []
    freezes: list[tuple[float, int]] = []  # per stream: longest gap, gaps over FREEZE
    fps_1s_median: list[float] = []  # per stream: median of its 1-second frame counts
    clicks_heard: list[int] = []  # per audio stream
    retransmissions = {"sent": 0, "received": 0}
    unreadable = 0
    for receiver, r in by_name.items():
        wall = r["wall_s"]
        for kind in retransmissions:
            retransmissions[kind] += r.get("retransmissions", {}).get(kind, 0)
        for i in range(count):
            publisher = participant_name(i)
            if publisher == receiver:
                continue
            fps.append(r["frames"].get(publisher, 0) / wall)
            shown = [at for who, _, at in r["arrivals"] if who == publisher]
            freezes.append(_gaps(shown, *r["window"]))
            fps_1s_median.append(_median_per_second(shown, *r["window"]))
            clicks_heard.append(sum(1 for who, _, _ in r["detections"] if who == publisher))
        unreadable += sum(r["unreadable"].values())
        for publisher, counter, at in r["arrivals"]:
            sender = by_name.get(publisher)
            captured = sender["captures"].get(counter) if sender is not None else None
            if captured is not None and 0 < at - captured < 5:
                video_latency.append(at - captured)
        detections: dict[str, list[tuple[int, float]]] = {}
        for publisher, tag, at in r["detections"]:
            detections.setdefault(publisher, []).append((tag, at))
        for publisher, found in detections.items():
            sender = by_name.get(publisher)
            if sender is not None:
                audio_latency += match_clicks(sender["clicks"], found)
    missing = count * (count - 1) - len(fps)
    fps += [0.0] * max(0, missing)  # a process that reported nothing received nothing
    clicks_heard += [0] * max(0, missing)
    cpu = [r["cpu_per_s"] for r in by_name.values()]
    return {
        "system": system,
        "participants": count,
        "streams": count * (count - 1),
        "fps": {
            "median": statistics.median(fps) if fps else 0.0,
            "min": min(fps) if fps else 0.0,
            "mean": statistics.fmean(fps) if fps else 0.0,
            "below_25": sum(1 for f in fps if f < FPS_FLOOR),
            "per_stream": [round(f, 2) for f in fps],
            # Each stream's median over the window's whole seconds (pictures shown).
            "per_stream_1s_median": fps_1s_median,
        },
        "capture_fps": statistics.fmean([r["capture_fps"] for r in by_name.values()])
        if by_name
        else 0.0,
        "client_cpu_per_s": {
            "mean": statistics.fmean(cpu) if cpu else None,
            "max": max(cpu) if cpu else None,
            "per_process": [round(c, 3) for c in cpu],
            "total": sum(cpu),
        },
        "client_rss_mb": statistics.fmean([r["rss"] / 2**20 for r in by_name.values()])
        if by_name
        else None,
        "video_latency": summary_ms(video_latency),
        "audio_latency": summary_ms(audio_latency),
        "freezes": {
            "longest_ms": round(max((g for g, _ in freezes), default=0.0) * 1000, 1),
            "over_500ms_total": sum(n for _, n in freezes),
            "over_500ms_per_stream": [n for _, n in freezes],
            "longest_per_stream_ms": [round(g * 1000, 1) for g, _ in freezes],
        },
        "audio_streams_heard": sum(1 for n in clicks_heard if n > 0),
        "clicks_heard_per_stream": clicks_heard,
        "retransmissions": retransmissions,
        "unreadable_frames": unreadable,
        "samples": {
            "video_latency_ms": [round(x * 1000, 1) for x in video_latency],
            "audio_latency_ms": [round(x * 1000, 1) for x in audio_latency],
        },
    }


def _gaps(shown: list[float], start: float, end: float) -> tuple[float, int]:
    """The longest time without a new picture in the window, and how many gaps were
    freezes (longer than ``FREEZE``); the window's edges count as frames."""
    times = [start, *sorted(t for t in shown if start <= t <= end), end]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    return max(gaps), sum(1 for g in gaps if g > FREEZE)


def _median_per_second(shown: list[float], start: float, end: float) -> float:
    """The median number of pictures shown per whole second of the window."""
    seconds = int(end - start)
    if seconds < 1:
        return 0.0
    counts = [0] * seconds
    for t in shown:
        k = int(t - start)
        if 0 <= k < seconds:
            counts[k] += 1
    return float(statistics.median(counts))
