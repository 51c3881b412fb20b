"""The side-by-side table (text for the terminal, Markdown for the README)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench.stats import dig


@dataclass(frozen=True)
class Row:
    metric: str
    liqaa: str
    baseline: str
    ratio: str
    baseline_is: str


def _num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, (int, float)):
        return f"{value:.{digits}f}"
    return str(value)


def _ratio(value: Any) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def rows(results: dict[str, Any]) -> list[Row]:
    out: list[Row] = []
    latency = results.get("latency")
    if latency:
        for kind in ("video", "audio"):
            figures = latency.get(kind, {})
            for q in ("p50", "p95"):
                out.append(
                    Row(
                        f"{kind.capitalize()} latency {q}, 2 people (ms)",
                        _num(dig(figures, "liqaa", f"{q}_ms")),
                        _num(dig(figures, "raw", f"{q}_ms")),
                        _ratio(figures.get(f"ratio_{q}")),
                        "raw aiortc P2P",
                    )
                )
    out += _audio_rows(results.get("audio"))
    out += _processing_rows(results.get("processing"))
    out += _network_rows(results.get("network"))
    meeting = results.get("meeting")
    relay = results.get("relay", {})
    encode = relay.get("encode_cpu_per_s")
    if meeting:
        for size in meeting["sizes"]:
            n = size["participants"]
            liqaa, raw, r = size["liqaa"], size["raw"], size["ratio"]
            out.append(
                Row(
                    f"Received fps, {n} people (median / min)",
                    f"{_num(dig(liqaa, 'fps', 'median'))} / {_num(dig(liqaa, 'fps', 'min'))}",
                    f"{_num(dig(raw, 'fps', 'median'))} / {_num(dig(raw, 'fps', 'min'))}",
                    _ratio(r.get("fps_median")),
                    "raw aiortc mesh",
                )
            )
            out.append(
                Row(
                    f"CPU per client process, {n} people (cores)",
                    _num(dig(liqaa, "client_cpu_per_s", "mean"), 2),
                    _num(dig(raw, "client_cpu_per_s", "mean"), 2),
                    _ratio(r.get("client_cpu_mean")),
                    "raw aiortc mesh",
                )
            )
            server = dig(liqaa, "server", "cpu_per_s")
            clients = dig(liqaa, "client_cpu_per_s", "total")
            total = None if server is None or clients is None else server + clients
            raw_total = dig(raw, "client_cpu_per_s", "total")
            out.append(
                Row(
                    f"CPU of all processes, {n} people (cores)",
                    f"{_num(total, 2)} (server {_num(server, 2)})",
                    _num(raw_total, 2),
                    _ratio(_ratio_of(total, raw_total)),
                    "raw aiortc mesh",
                )
            )
            if n == 2:
                continue  # the latency rows above are this meeting's
            out.append(
                Row(
                    f"Video latency p50, {n} people (ms)",
                    _num(dig(liqaa, "video_latency", "p50_ms")),
                    _num(dig(raw, "video_latency", "p50_ms")),
                    _ratio(r.get("video_latency_p50")),
                    "raw aiortc mesh",
                )
            )
    if relay:
        for s in relay.get("per_size", []):
            out.append(
                Row(
                    f"Relay CPU per video stream, {s['participants']} publishers (cores)",
                    _num(s["server_cpu_per_stream"], 4),
                    _num(encode, 4),
                    _ratio(_ratio_of(s["server_cpu_per_stream"], encode)),
                    "one aiortc VP8 encode",
                )
            )
        out.append(
            Row(
                "Relay CPU per added video stream, fit (cores)",
                _num(relay.get("server_cpu_per_stream"), 4),
                _num(encode, 4),
                _ratio(relay.get("ratio_to_encode")),
                "one aiortc VP8 encode",
            )
        )
        out.append(
            Row(
                "Server RSS per participant (MiB)",
                _num(relay.get("server_rss_per_participant_mb")),
                _num(relay.get("raw_rss_per_peer_connection_mb")),
                _ratio(relay.get("rss_ratio")),
                "raw client RSS per peer conn.",
            )
        )
    join = results.get("join")
    if join:
        out.append(
            Row(
                "Join -> first remote frame p50 (ms)",
                _num(dig(join, "liqaa", "first_frame", "p50_ms")),
                _num(dig(join, "raw", "first_frame", "p50_ms")),
                _ratio(join.get("ratio_p50")),
                "raw aiortc P2P connect",
            )
        )
        signaling = dig(join, "liqaa", "joined", "p50_ms")
        raw_signaling = dig(join, "raw", "joined", "p50_ms")
        out.append(
            Row(
                "Join: of which until 'joined' p50 (ms)",
                _num(signaling),
                _num(raw_signaling),
                _ratio(_ratio_of(signaling, raw_signaling)),
                "raw offer/answer",
            )
        )
    gui = results.get("gui")
    if gui:
        out.append(
            Row(
                "GUI stall, 4 tiles: longest gap (ms)",
                _num(dig(gui, "real", "max_gap_ms")),
                _num(dig(gui, "baseline", "max_gap_ms")),
                _ratio(gui.get("ratio_max_gap")),
                "bare QLabel grid",
            )
        )
        out.append(
            Row(
                "GUI: tiles painted per second (min)",
                _num(min(dig(gui, "real", "painted_fps") or [0])),
                _num(min(dig(gui, "baseline", "painted_fps") or [0])),
                _ratio(
                    _ratio_of(
                        min(dig(gui, "real", "painted_fps") or [0]),
                        min(dig(gui, "baseline", "painted_fps") or [0]),
                    )
                ),
                "bare QLabel grid",
            )
        )
    return out


MOUTH_TO_EAR_BASELINE = "aiortc P2P, same client"
PROCESSING_BASELINE = "one bare WebRTC APM"
_LEVEL_NAMES = {
    "low": "low",
    "moderate": "moderate",
    "high": "high (default)",
    "very_high": "very high",
}


def _processing_rows(processing: dict[str, Any] | None) -> list[Row]:
    """Voice processing CPU per 10 ms chunk at each noise suppression level."""
    if not processing:
        return []
    if "skipped" in processing or "error" in processing:
        word = "skipped" if "skipped" in processing else "failed"
        return [Row("Voice processing CPU per 10 ms (ms)", word, word, "n/a", PROCESSING_BASELINE)]
    baseline = processing.get("baseline_cpu_ms_per_10ms")
    return [
        Row(
            f"Voice processing CPU per 10 ms, noise suppression {_LEVEL_NAMES[level]} (ms)",
            _num(ms, 3),
            _num(baseline, 3),
            _ratio(processing.get("ratios", {}).get(level)),
            PROCESSING_BASELINE,
        )
        for level, ms in processing.get("cpu_ms_per_10ms", {}).items()
    ]


def _audio_rows(audio: dict[str, Any] | None) -> list[Row]:
    """Mouth-to-ear through the relay next to P2P; one "skipped"/"failed" row when the
    section has no figures, so the table says so instead of dropping it."""
    if not audio:
        return []
    if "skipped" in audio or "error" in audio:
        word = "skipped" if "skipped" in audio else "failed"
        return [Row("Mouth-to-ear audio latency (ms)", word, word, "n/a", MOUTH_TO_EAR_BASELINE)]
    relay, p2p = audio.get("relay", {}), audio.get("p2p", {})
    out = [
        Row(
            f"Mouth-to-ear audio {q}, 2 people (ms)",
            _num(relay.get(f"{q}_ms")),
            _num(p2p.get(f"{q}_ms")),
            _ratio(audio.get(f"ratio_{q}")),
            MOUTH_TO_EAR_BASELINE,
        )
        for q in ("p50", "p95", "max")
    ]

    def heard(r: dict[str, Any]) -> str:
        return f"{r.get('clicks_heard', 0)}/{r.get('clicks_sent', 0)}"

    def share(r: dict[str, Any]) -> float | None:
        return r["clicks_heard"] / r["clicks_sent"] if r.get("clicks_sent") else None

    out.append(
        Row(
            "Mouth-to-ear clicks heard / sent",
            heard(relay),
            heard(p2p),
            _ratio(_ratio_of(share(relay), share(p2p))),
            MOUTH_TO_EAR_BASELINE,
        )
    )
    return out


NETWORK_BASELINE = "plain aiortc P2P, same links"


def _network_rows(section: dict[str, Any] | None) -> list[Row]:
    """Per link condition: fps, freezes, latency and retransmissions, relay vs P2P."""
    if not section:
        return []
    out = []
    for row in section.get("conditions", []):
        for metric, keys, digits, ratio_key in _NETWORK_METRICS:

            def pair(r: dict[str, Any], keys: tuple[str, str] = keys, digits: int = digits) -> str:
                first, second = (dig(r, *k.split(".")) for k in keys)
                return f"{_num(first, digits)} / {_num(second, digits)}"

            out.append(
                Row(
                    f"{row['label']}: {metric}",
                    pair(row["liqaa"]),
                    pair(row["raw"]),
                    _ratio(row["ratio"][ratio_key]) if ratio_key else "n/a",
                    NETWORK_BASELINE,
                )
            )
    return out


# Per condition: the row's words, the two figures it shows, their digits, its ratio.
_NETWORK_METRICS: tuple[tuple[str, tuple[str, str], int, str | None], ...] = (
    ("received fps (median / min)", ("fps.median", "fps.min"), 1, "fps_median"),
    (
        "longest freeze (ms) / freezes > 500 ms",
        ("freezes.longest_ms", "freezes.over_500ms_total"),
        0,
        "longest_freeze",
    ),
    (
        "video latency p50 / p95 (ms)",
        ("video_latency.p50_ms", "video_latency.p95_ms"),
        0,
        "video_latency_p50",
    ),
    (
        "retransmissions sent / received",
        ("retransmissions.sent", "retransmissions.received"),
        0,
        None,
    ),
)


def _ratio_of(value: float | None, baseline: float | None) -> float | None:
    if value is None or baseline is None or baseline <= 0:
        return None
    return value / baseline


HEADER = Row("Metric", "Liqaa", "Baseline", "Ratio", "Baseline is")


def text_table(table: list[Row]) -> str:
    all_rows = [HEADER, *table]
    widths = [max(len(getattr(r, f)) for r in all_rows) for f in Row.__dataclass_fields__]
    lines = []
    for i, r in enumerate(all_rows):
        cells = [getattr(r, f) for f in Row.__dataclass_fields__]
        lines.append(
            "  ".join(
                c.ljust(w) if j in (0, 4) else c.rjust(w)
                for j, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
        )
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(table: list[Row]) -> str:
    lines = [
        "| " + " | ".join(getattr(HEADER, f) for f in Row.__dataclass_fields__) + " |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for r in table:
        lines.append("| " + " | ".join(getattr(r, f) for f in Row.__dataclass_fields__) + " |")
    return "\n".join(lines)


def notes(results: dict[str, Any]) -> list[str]:
    """What the reader must know next to the table."""
    out = []
    codec = results.get("codec", {})
    if codec.get("encode_cpu_per_s"):
        out.append(
            f"reference: one aiortc VP8 encode of the 640x480@30 pattern costs "
            f"{codec['encode_cpu_per_s']:.3f} cores, one decode + RGB conversion "
            f"{codec['decode_cpu_per_s']:.3f} cores ({codec['encoded_kbit_per_s']:.0f} kbit/s)"
        )
    meeting = results.get("meeting", {})
    out += meeting.get("fps_below_25", [])
    relay = results.get("relay", {})
    if relay.get("times_cheaper_than_encode"):
        fixed = relay.get("server_fixed_cpu_per_s")
        out.append(
            f"relay: one more forwarded video stream costs the server "
            f"{relay['times_cheaper_than_encode']:.1f}x less CPU than one VP8 encode"
            + (f"; fixed cost {fixed:.3f} cores" if fixed is not None else "")
        )
    for row in results.get("network", {}).get("conditions", []):
        for system in ("liqaa", "raw"):
            r = row.get(system, {})
            if r.get("error"):
                out.append(f"network, {system}, {row['label']}: failed (see JSON)")
            elif r and not r.get("ready"):
                out.append(f"network, {system}, {row['label']}: not every stream arrived")
            elif r.get("machine_busy_cores", 0) > 1.8:
                out.append(
                    f"network, {system}, {row['label']}: the machine was saturated "
                    f"({r['machine_busy_cores']:.1f} cores busy; link emulator "
                    f"{r.get('emulator_cpu_per_s', 0):.2f}): fps reflect CPU as well as the link"
                )
    for size in meeting.get("sizes", []):
        for system in ("liqaa", "raw"):
            r = size.get(system, {})
            if r.get("error"):
                out.append(f"{system}, {size['participants']} participants: failed (see JSON)")
            elif r and not r.get("ready"):
                out.append(
                    f"{system}, {size['participants']} participants: not every stream arrived "
                    f"within the set-up time"
                )
            if r.get("udp_receive_drops"):
                out.append(
                    f"{system}, {size['participants']} participants: the kernel dropped "
                    f"{r['udp_receive_drops']} UDP datagrams machine-wide (socket receive "
                    f"buffers full) during the run"
                )
            if r.get("other_load_cores", 0) > 0.3:
                out.append(
                    f"{system}, {size['participants']} participants: other programs used "
                    f"{r['other_load_cores']:.1f} of the cores during the window"
                )
    join = results.get("join", {})
    if join.get("passcode_check_ms"):
        out.append(
            f"join: one argon2id passcode check (done by the server on every join) takes "
            f"{join['passcode_check_ms']:.0f} ms on this machine"
        )
    audio = results.get("audio", {})
    if audio.get("skipped"):
        out.append(f"audio: skipped: {audio['skipped']}")
    for path in ("relay", "p2p"):
        r = audio.get(path, {})
        if r and r.get("clicks_heard", 0) < r.get("clicks_sent", 0):
            out.append(
                f"audio, {path}: {r['clicks_heard']} of {r['clicks_sent']} clicks heard "
                f"({r.get('underruns', 0)} mixer underruns, {r.get('dropped_ms', 0)} ms dropped)"
            )
    gui = results.get("gui", {})
    if gui.get("widgets"):
        out.append(f"GUI widgets measured: {gui['widgets']}")
    for name in ("codec", "join", "gui", "audio", "processing"):
        if results.get(name, {}).get("error"):
            out.append(f"{name}: failed (see JSON)")
    return out
