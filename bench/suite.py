"""Every benchmark, in full or reduced (``--quick``) form, and the figures they yield."""

from __future__ import annotations

import datetime
import os
import platform
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from importlib import metadata
from typing import Any

import psutil

from bench import audio_latency, network
from bench.codec import measure_codec
from bench.crew import wait_for_servers, warm_up
from bench.meeting import FPS_FLOOR, Timing, run_meeting
from bench.processing import measure_processing
from bench.scenarios import run_gui, run_join
from bench.stats import dig, ratio, slope

SECTIONS = (
    "codec",
    "latency",
    "meeting",
    "relay",
    "join",
    "gui",
    "audio",
    "processing",
    "network",
)


@dataclass(frozen=True)
class Config:
    mode: str
    sizes: tuple[int, ...]
    latency: Timing  # the 2-participant meetings, which give the latency figures
    meeting: Timing  # the larger meetings
    relay: Timing  # the relay series (video only, receivers that do not decode)
    codec_frames: int
    joins: int
    gui_seconds: float
    gui_idle_seconds: float
    audio_seconds: float  # clicking time per path (a click every 0.4 s)
    audio_warmup: float  # audio flowing through each path before the clicks
    audio_rounds: int  # fresh set-ups per path, taking turns (the delay is set per set-up)
    processing_seconds: float  # of audio through the voice processing, per level
    network: Timing  # each 3-person meeting over emulated links
    network_conditions: tuple[str, ...]  # keys of bench.network.CONDITIONS
    timeout: float
    only: frozenset[str] = field(default_factory=lambda: frozenset(SECTIONS))


FULL = Config(
    mode="full",
    sizes=(2, 4, 6, 8),
    latency=Timing(warmup=3, measure=20, ready_timeout=60),
    meeting=Timing(warmup=3, measure=10, ready_timeout=90),
    relay=Timing(warmup=2, measure=10, ready_timeout=60),
    codec_frames=300,
    joins=10,
    gui_seconds=10,
    gui_idle_seconds=3,
    audio_seconds=8,
    audio_warmup=2,
    audio_rounds=3,
    processing_seconds=20,
    network=Timing(warmup=5, measure=40, ready_timeout=120),
    network_conditions=tuple(c.key for c in network.CONDITIONS),
    timeout=120,
)

QUICK = Config(
    mode="quick",
    sizes=(2, 4),
    latency=Timing(warmup=1, measure=3, ready_timeout=20),
    meeting=Timing(warmup=0.5, measure=1.5, ready_timeout=20),
    relay=Timing(warmup=0.3, measure=1.0, ready_timeout=20),
    codec_frames=45,
    joins=3,
    gui_seconds=1.0,
    gui_idle_seconds=0.3,
    audio_seconds=3,
    audio_warmup=1,
    audio_rounds=1,
    processing_seconds=4,
    network=Timing(warmup=1, measure=3, ready_timeout=60),
    network_conditions=("loss5",),
    timeout=30,
)


def machine() -> dict[str, Any]:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "?"

    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "physical_cores": psutil.cpu_count(logical=False),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "aiortc": version("aiortc"),
        "av": version("av"),
        "PySide6": version("PySide6-Essentials"),
        "numpy": version("numpy"),
    }


def _guarded(
    name: str, work: Callable[[], dict[str, Any]], log: Callable[[str], None]
) -> dict[str, Any]:
    log(f"[bench] {name} ...")
    started = time.monotonic()
    try:
        result = work()
    except Exception:
        result = {"error": traceback.format_exc()}
        log(f"[bench] {name} failed:\n{result['error']}")
    result["elapsed_s"] = round(time.monotonic() - started, 1)
    log(f"[bench] {name} done in {result['elapsed_s']} s")
    return result


def run(
    config: Config, log: Callable[[str], None] = print, argv: Sequence[str] = ()
) -> dict[str, Any]:
    started = time.monotonic()
    results: dict[str, Any] = {
        "meta": {
            "mode": config.mode,
            "command": " ".join(["python -m bench", *argv]).strip(),
            "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": machine(),
            "load_average_start": [round(x, 2) for x in os.getloadavg()],
            "config": asdict(config) | {"only": sorted(config.only)},
        }
    }
    want = config.only

    warming = warm_up()
    if config.mode != "quick":  # quick: overlap with the codec run (CPU time is per process)
        warming.join()
    codec: dict[str, Any] = {}
    if want & {"codec", "relay"}:
        codec = _guarded(
            "codec: one aiortc VP8 encode", lambda: measure_codec(config.codec_frames), log
        )
        results["codec"] = codec
    warming.join()

    runs: dict[tuple[str, int], dict[str, Any]] = {}
    if want & {"latency", "meeting", "relay"}:
        sizes = config.sizes if want & {"meeting", "relay"} else (2,)
        for count in sizes:
            timing = config.latency if count == 2 else config.meeting
            for system in ("liqaa", "raw"):  # interleaved: both see the same machine
                runs[(system, count)] = _guarded(
                    f"meeting: {system}, {count} participants",
                    partial(run_meeting, system, count, timing),
                    log,
                )
            if "relay" in want:
                runs[("relay", count)] = _guarded(
                    f"relay: {count} publishers, video only, receivers not decoding",
                    partial(run_meeting, "liqaa", count, config.relay, decode=False, audio=False),
                    log,
                )
    if "latency" in want:
        results["latency"] = latency_section(runs)
    if "meeting" in want:
        results["meeting"] = meeting_section(runs, config.sizes)
    if "relay" in want:
        results["relay"] = relay_section(runs, config.sizes, codec)
    if "join" in want:
        results["join"] = _guarded(
            "join time", lambda: join_section(run_join(config.joins, config.timeout)), log
        )
    if "gui" in want:
        results["gui"] = _guarded(
            "GUI responsiveness",
            lambda: gui_section(
                run_gui(4, config.gui_seconds, config.gui_idle_seconds, config.timeout)
            ),
            log,
        )
    if "processing" in want:
        results["processing"] = _guarded(
            "processing: voice processing CPU per 10 ms",
            lambda: processing_section(measure_processing(config.processing_seconds)),
            log,
        )
    if "network" in want:
        network_runs: dict[tuple[str, str], dict[str, Any]] = {}
        for key in config.network_conditions:
            condition = network.BY_KEY[key]
            for system in ("liqaa", "raw"):  # taking turns: both see the same machine
                network_runs[(key, system)] = _guarded(
                    f"network: {system}, {condition.label}",
                    partial(network.run_condition, system, condition, config.network),
                    log,
                )
        results["network"] = network_section(network_runs, config.network_conditions)
    wait_for_servers()
    if "audio" in want:  # last: no meeting server of ours is still shutting down
        results["audio"] = _guarded(
            "audio: mouth-to-ear through the relay and P2P",
            lambda: audio_section(
                audio_latency.run_in_child(
                    config.audio_seconds,
                    config.audio_warmup,
                    config.audio_rounds,
                    # Set-up (PulseAudio, server, join) plus every round's clicking.
                    config.timeout
                    + 2 * config.audio_rounds * (config.audio_warmup + config.audio_seconds + 5),
                    log,
                )
            ),
            log,
        )
    results["meta"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["meta"]["elapsed_s"] = round(time.monotonic() - started, 1)
    return results


# ---------------------------------------------------------------- sections


def _ratios(
    liqaa: dict[str, Any], raw: dict[str, Any], **figures: tuple[str, ...]
) -> dict[str, float | None]:
    """Liqaa / baseline for each named figure (a path of keys into both runs)."""
    return {name: ratio(dig(liqaa, *path), dig(raw, *path)) for name, path in figures.items()}


def _strip(run: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in run.items() if k != "samples"}


def latency_section(runs: dict[tuple[str, int], dict[str, Any]]) -> dict[str, Any]:
    liqaa, raw = runs.get(("liqaa", 2), {}), runs.get(("raw", 2), {})
    section: dict[str, Any] = {
        "participants": 2,
        "how": "Liqaa: 2 client processes through the embedded server's relay; "
        "raw: 2 aiortc processes connected directly (VP8/Opus, 640x480@30). Video: "
        "capture wall time of the counter painted in the pattern -> counter read back "
        "from the decoded RGB picture. Audio: click capture -> click found in decoded audio.",
    }
    for kind in ("video", "audio"):
        a = liqaa.get(f"{kind}_latency", {})
        b = raw.get(f"{kind}_latency", {})
        section[kind] = {
            "liqaa": a,
            "raw": b,
            "ratio_p50": ratio(a.get("p50_ms"), b.get("p50_ms")),
            "ratio_p95": ratio(a.get("p95_ms"), b.get("p95_ms")),
        }
    section["samples_ms"] = {
        "liqaa": liqaa.get("samples", {}),
        "raw": raw.get("samples", {}),
    }
    section["errors"] = [e for r in (liqaa, raw) for e in r.get("errors", [])] + [
        r["error"] for r in (liqaa, raw) if "error" in r
    ]
    return section


def meeting_section(
    runs: dict[tuple[str, int], dict[str, Any]], sizes: Sequence[int]
) -> dict[str, Any]:
    rows = []
    warnings = []
    for count in sizes:
        liqaa, raw = runs.get(("liqaa", count), {}), runs.get(("raw", count), {})
        row: dict[str, Any] = {
            "participants": count,
            "liqaa": _strip(liqaa),
            "raw": _strip(raw),
            "ratio": _ratios(
                liqaa,
                raw,
                fps_median=("fps", "median"),
                client_cpu_mean=("client_cpu_per_s", "mean"),
                video_latency_p50=("video_latency", "p50_ms"),
            ),
        }
        rows.append(row)
        for system, r in (("liqaa", liqaa), ("raw", raw)):
            below = dig(r, "fps", "below_25")
            if below:
                warnings.append(
                    f"{system}, {count} participants: {below} of {r['streams']} streams "
                    f"below {FPS_FLOOR:g} fps (median {r['fps']['median']:.1f}, "
                    f"min {r['fps']['min']:.1f})"
                )
    return {
        "how": "Every participant is a separate process (multiprocessing, fork server); each "
        "measures its own CPU (psutil, all threads) and counts received frames per stream "
        "over the same window. Liqaa: MeetingSession (camera 'pattern', microphone "
        "'synthetic' as a click train) through the embedded server; raw: a full mesh of "
        "aiortc peer connections (each one encodes its own copy, as aiortc does).",
        "sizes": rows,
        "fps_below_25": warnings,
    }


def relay_section(
    runs: dict[tuple[str, int], dict[str, Any]], sizes: Sequence[int], codec: dict[str, Any]
) -> dict[str, Any]:
    encode = codec.get("encode_cpu_per_s")
    per_size = []
    xs: list[float] = []
    ys: list[float] = []
    for count in sizes:
        series = runs.get(("relay", count), {})
        server = series.get("server")
        if not server:
            continue
        # Streams actually forwarded, in 30 fps equivalents (an overloaded machine
        # forwards fewer frames than 30 a second).
        equivalents = sum(series["fps"]["per_stream"]) / 30
        per_stream = server["cpu_per_s"] / equivalents if equivalents > 0 else None
        per_size.append(
            {
                "participants": count,
                "streams": series["streams"],
                "server_cpu_per_s": server["cpu_per_s"],
                "stream_equivalents": round(equivalents, 2),
                "fps_median": series["fps"]["median"],
                "server_cpu_per_stream": per_stream,
                "times_cheaper_than_encode": ratio(encode, per_stream),
                "other_load_cores": series.get("other_load_cores"),
            }
        )
        if equivalents > 0:
            xs.append(equivalents)
            ys.append(server["cpu_per_s"])
    marginal = slope(xs, ys)
    fixed = None
    if marginal is not None and marginal > 0:
        fixed = sum(ys) / len(ys) - marginal * sum(xs) / len(xs)
    else:  # one size, or noise: the all-in figure of the largest meeting
        candidates = [s["server_cpu_per_stream"] for s in per_size if s["server_cpu_per_stream"]]
        marginal = candidates[-1] if candidates else None

    # Memory, from the full meetings (audio and video, decoding clients).
    rss_n: list[float] = []
    rss: list[float] = []
    raw_pcs: list[float] = []
    raw_rss: list[float] = []
    memory = []
    for count in sizes:
        liqaa, raw = runs.get(("liqaa", count), {}), runs.get(("raw", count), {})
        server = liqaa.get("server")
        if server and server.get("rss_mb") is not None:
            rss_n.append(count)
            rss.append(server["rss_mb"])
            memory.append(
                {
                    "participants": count,
                    "server_rss_mb": server["rss_mb"],
                    "server_idle_rss_mb": server["idle_rss_mb"],
                    "rss_per_participant_mb": (server["rss_mb"] - server["idle_rss_mb"]) / count,
                }
            )
        if raw.get("client_rss_mb") is not None:
            raw_pcs.append(count - 1)
            raw_rss.append(raw["client_rss_mb"])
    rss_slope = slope(rss_n, rss)
    if rss_slope is None and memory:
        rss_slope = memory[-1]["rss_per_participant_mb"]
    pc_slope = slope(raw_pcs, raw_rss)
    return {
        "how": "Relay series: N Liqaa participants publish video only and count what they "
        "receive without decoding it, so the server is not starved of CPU. Server CPU "
        "(psutil on the server child process, all threads) over the window, per forwarded "
        "stream (one publisher's video to one subscriber, counted as received fps / 30). "
        "The headline is the slope of server CPU over forwarded streams across sizes (the "
        "cost of one more stream; the intercept is the server's fixed cost). Baseline: "
        "aiortc's own Vp8Encoder on the same pattern frames. Memory: slope of server RSS "
        "over participants in the full meetings; baseline: slope of a raw aiortc mesh "
        "client's RSS over its peer connections.",
        "encode_cpu_per_s": encode,
        "server_cpu_per_stream": marginal,
        "server_fixed_cpu_per_s": fixed,
        "ratio_to_encode": ratio(marginal, encode),
        "times_cheaper_than_encode": ratio(encode, marginal),
        "per_size": per_size,
        "memory": memory,
        "server_rss_per_participant_mb": rss_slope,
        "raw_rss_per_peer_connection_mb": pc_slope,
        "rss_ratio": ratio(rss_slope, pc_slope),
        "errors": [e for k, r in runs.items() if k[0] == "relay" for e in r.get("errors", [])],
    }


def join_section(figures: dict[str, Any]) -> dict[str, Any]:
    figures["ratio_p50"] = ratio(
        dig(figures, "liqaa", "first_frame", "p50_ms"), dig(figures, "raw", "first_frame", "p50_ms")
    )
    figures["how"] = (
        "Liqaa: a fresh MeetingSession joins a meeting where one participant sends video "
        "(another process); time from join() to the first remote frame decoded to RGB, "
        "passcode check, TLS, two SDP negotiations, ICE, DTLS and a keyframe request "
        "included. Raw: a new pair of aiortc connections in one process, from createOffer "
        "to the first frame decoded."
    )
    return figures


def gui_section(figures: dict[str, Any]) -> dict[str, Any]:
    figures["ratio_max_gap"] = ratio(
        dig(figures, "real", "max_gap_ms"), dig(figures, "baseline", "max_gap_ms")
    )
    figures["how"] = (
        "A GUI process (QT_QPA_PLATFORM=offscreen) with a real SessionBridge shows 4 remote "
        "video tiles; a 5 ms PreciseTimer logs its firings and a stall is the longest gap. "
        "Baseline: a minimal 2x2 QLabel grid fed by take_frames() in the same meeting."
    )
    return figures


def audio_section(figures: dict[str, Any]) -> dict[str, Any]:
    how = (
        "Mouth-to-ear with real sound devices on a private PulseAudio server: a click train "
        "played into a null sink's left channel is the sender's microphone; the receiver's "
        "speaker plays into the right channel; one recording of both gives each click's "
        "delay, device buffers included. Liqaa: two MeetingSessions through the embedded "
        "server's relay; baseline: one aiortc peer connection pair, same microphone track "
        "and processing, mixer and speaker, no relay. Both with the app client's settings "
        "(audio released as it arrives, AudioMixer's defaults). Each round is a fresh "
        "set-up of both paths, taking turns; the delay barely moves within a set-up (it is "
        "fixed by the playback buffers' fill when audio starts), so the figures pool every "
        "click of every round and rounds_p50_ms gives each set-up's median."
    )
    if "skipped" in figures:
        return {"skipped": figures["skipped"], "how": how}
    paths = {r["path"]: r for r in figures.get("audio_latency", [])}
    relay, p2p = paths.get("relay", {}), paths.get("p2p", {})
    return {
        "how": how,
        "pulseaudio": figures.get("pulseaudio"),
        "tuning": relay.get("tuning"),
        "relay": relay,
        "p2p": p2p,
        "ratio_p50": ratio(relay.get("p50_ms"), p2p.get("p50_ms")),
        "ratio_p95": ratio(relay.get("p95_ms"), p2p.get("p95_ms")),
        "ratio_max": ratio(relay.get("max_ms"), p2p.get("max_ms")),
        **({"stderr": figures["stderr"]} if "stderr" in figures else {}),
    }


def processing_section(figures: dict[str, Any]) -> dict[str, Any]:
    how = (
        "CPU of the microphone's voice processing per 10 ms chunk (time.process_time), "
        "after 2 s of adaptation: Liqaa's AudioProcessor (echo cancellation with its "
        "far-end queue, noise suppression at each level, automatic gain) against one bare "
        "livekit AudioProcessingModule with every feature on, same signals, same run."
    )
    if "skipped" in figures:
        return {"skipped": figures["skipped"], "how": how}
    baseline = figures["baseline_cpu_ms_per_10ms"]
    levels = figures["cpu_ms_per_10ms"]
    return {
        "how": how,
        **figures,
        "ratios": {level: ratio(ms, baseline) for level, ms in levels.items()},
    }


def network_section(
    runs: dict[tuple[str, str], dict[str, Any]], conditions: Sequence[str]
) -> dict[str, Any]:
    rows = []
    for key in conditions:
        liqaa, raw = runs.get((key, "liqaa"), {}), runs.get((key, "raw"), {})
        rows.append(
            {
                "condition": key,
                "label": network.BY_KEY[key].label,
                "liqaa": _strip(liqaa),
                "raw": _strip(raw),
                "ratio": _ratios(
                    liqaa,
                    raw,
                    fps_median=("fps", "median"),
                    video_latency_p50=("video_latency", "p50_ms"),
                    longest_freeze=("freezes", "longest_ms"),
                ),
            }
        )
    return {
        "how": "3 participants, each in a network namespace of its own behind a userspace link "
        "emulator (bench/linkemu.py: TUN devices, random loss and delay with jitter per packet, "
        "a rate-limited drop-tail queue), 640x480@30 VP8 and Opus. A condition impairs every "
        "participant's link both ways (Liqaa's server link is clean, so a relayed stream "
        "crosses the same two impaired links as a P2P one) or caps participant 1's downlink. "
        "Liqaa: MeetingSessions through the embedded server's relay; baseline: a full mesh of "
        "plain aiortc peer connections. Freeze: no new picture for over 500 ms. "
        "Retransmissions: RTX packets the participants' senders sent and their receivers got "
        "(the relay's own are not counted).",
        "conditions": rows,
    }
