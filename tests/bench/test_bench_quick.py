"""``python -m bench --quick`` runs every benchmark in reduced form and reports them all.

Benchmarks are not tests: nothing here asserts on speed (the one bound, mouth-to-ear
under 400 ms, is sanity: clicks come every 400 ms). This checks that every section is
present with sane numbers and that every figure has its baseline and ratio, so the
suite cannot silently rot.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench import suite

ROOT = Path(__file__).resolve().parents[2]


def positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and value > 0


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench") / "quick.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "Video latency p50" in done.stdout  # the table was printed
    assert "Mouth-to-ear audio p50" in done.stdout, done.stdout[-4000:]
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


@pytest.mark.timeout(900)
def test_quick_run_reports_every_section_with_baselines(results: dict[str, Any]) -> None:
    meta = results["meta"]
    assert meta["mode"] == "quick"
    assert meta["machine"]["cores"] >= 1 and meta["machine"]["aiortc"]
    assert "network" in suite.SECTIONS
    for section in suite.SECTIONS:
        assert section in results, section
        assert "error" not in results[section], results[section].get("error")

    codec = results["codec"]
    assert positive(codec["encode_cpu_per_s"]) and positive(codec["decode_cpu_per_s"])

    latency = results["latency"]
    for kind in ("video", "audio"):
        for system in ("liqaa", "raw"):
            figures = latency[kind][system]
            assert figures["n"] > 0, (kind, system)
            assert positive(figures["p50_ms"]) and figures["p95_ms"] >= figures["p50_ms"]
        assert positive(latency[kind]["ratio_p50"]) and positive(latency[kind]["ratio_p95"])

    sizes = results["meeting"]["sizes"]
    assert [s["participants"] for s in sizes] == [2, 4]
    for size in sizes:
        for system in ("liqaa", "raw"):
            run = size[system]
            assert "error" not in run, run.get("error")
            assert len(run["fps"]["per_stream"]) == run["streams"]
            assert positive(run["fps"]["median"]), (size["participants"], system)
            assert all(positive(c) for c in run["client_cpu_per_s"]["per_process"])
        assert positive(size["liqaa"]["server"]["cpu_per_s"])
        assert positive(size["ratio"]["fps_median"]) and positive(size["ratio"]["client_cpu_mean"])

    relay = results["relay"]
    assert positive(relay["server_cpu_per_stream"]) and positive(relay["encode_cpu_per_s"])
    assert positive(relay["ratio_to_encode"]) and positive(relay["times_cheaper_than_encode"])
    assert isinstance(relay["server_rss_per_participant_mb"], (int, float))

    join = results["join"]
    for system in ("liqaa", "raw"):
        first_frame = join[system]["first_frame"]
        assert first_frame["n"] > 0 and positive(first_frame["p50_ms"])
    assert positive(join["ratio_p50"])

    gui = results["gui"]
    assert gui["widgets"]
    for phase in ("idle", "real", "baseline"):
        assert gui[phase]["ticks"] > 0 and positive(gui[phase]["max_gap_ms"])
    assert gui["real"]["tiles"] > 0 and gui["baseline"]["tiles"] > 0
    assert positive(gui["ratio_max_gap"])

    # Mouth-to-ear through a private PulseAudio (CI has no sound card): real clicks
    # heard on both paths, and latencies a loaded 2-core machine can still reach.
    audio = results["audio"]
    assert "skipped" not in audio, audio["skipped"]
    for path in ("relay", "p2p"):
        figures = audio[path]
        assert figures["clicks_sent"] >= 5, (path, figures)
        assert figures["clicks_heard"] >= figures["clicks_sent"] // 2, (path, figures)
        assert 0 < figures["p50_ms"] < 400, (path, figures)
        assert figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"], (path, figures)
    assert positive(audio["ratio_p50"]) and positive(audio["ratio_p95"])

    # Voice processing: every noise suppression level measured against the bare module.
    processing = results["processing"]
    assert "skipped" not in processing, processing["skipped"]
    assert positive(processing["baseline_cpu_ms_per_10ms"])
    assert set(processing["cpu_ms_per_10ms"]) == {"low", "moderate", "high", "very_high"}
    assert all(positive(ms) for ms in processing["cpu_ms_per_10ms"].values())
    assert all(positive(r) for r in processing["ratios"].values())

    # Impaired links (the quick run has one condition): both systems measured, every
    # stream counted, freezes, latency and retransmission figures present.
    (condition,) = results["network"]["conditions"]
    assert condition["condition"] == "loss5"
    for system in ("liqaa", "raw"):
        run = condition[system]
        assert "error" not in run, run.get("error")
        assert len(run["fps"]["per_stream"]) == run["streams"] == 6
        assert run["freezes"]["longest_ms"] > 0
        assert set(run["retransmissions"]) == {"sent", "received"}
        lost = sum(h["up"]["lost"] + h["down"]["lost"] for h in run["link"].values())
        assert lost > 0, run["link"]

    table = results["table"]
    assert len(table) >= 15
    assert all(row["liqaa"] and row["baseline"] and row["ratio"] for row in table)
    assert results["markdown"].startswith("| Metric")
