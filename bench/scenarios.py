"""Join time and GUI responsiveness: set-ups of processes around one measuring process."""

from __future__ import annotations

import time
from typing import Any

from bench import gui, participant
from bench.crew import Crew, participant_key
from bench.participant import Spec
from bench.stats import summary_ms


def run_join(joins: int, timeout: float) -> dict[str, Any]:
    """Liqaa: a publisher sends video in a meeting; a joiner process joins ``joins``
    times with a fresh session and times join intent -> first remote frame decoded.
    Baseline: a new raw aiortc connection pair in one process (loopback), from
    creating the offer to the first frame decoded."""
    figures: dict[str, Any] = {"passcode_check_ms": _passcode_check_ms()}
    with Crew() as crew:
        crew.add_participant(Spec("liqaa", 0, 2))
        crew.start_server()
        publisher = crew.members[participant_key(0)]
        crew.wait_until(lambda: bool(publisher.status) or bool(crew.failed()), timeout)
        crew.pump(1.0)  # the publisher's video is flowing
        crew.add("joiner", participant.main, Spec("liqaa", 1, 2, joins=joins), invite=True)
        results = crew.results(["joiner"], timeout)
        figures["liqaa"] = _join_summary(results.get("joiner"), joins)
        figures["errors"] = crew.failed()
    with Crew() as crew:
        crew.add("joiner", participant.main, Spec("raw", 1, 2, joins=joins))
        results = crew.results(["joiner"], timeout)
        figures["raw"] = _join_summary(results.get("joiner"), joins)
        figures["errors"] += crew.failed()
    return figures


def _join_summary(result: dict[str, Any] | None, attempts: int) -> dict[str, Any]:
    joins = result["joins"] if result else []
    return {
        "attempts": attempts,
        "first_frame": summary_ms([j["first_frame_s"] for j in joins]),
        "joined": summary_ms([j["joined_s"] for j in joins]),
        "samples_ms": [round(j["first_frame_s"] * 1000, 1) for j in joins],
    }


def run_gui(tiles: int, seconds: float, idle_seconds: float, timeout: float) -> dict[str, Any]:
    """Four publishers (separate processes that decode nothing, so the cores go to the
    GUI process) and one GUI process showing their video; see ``bench.gui``."""
    with Crew() as crew:
        for i in range(tiles):
            crew.add_participant(Spec("liqaa", i, tiles + 1, decode=False))
        crew.start_server()
        keys = [participant_key(i) for i in range(tiles)]
        crew.wait_until(
            lambda: all(crew.members[k].status for k in keys) or bool(crew.failed()), timeout
        )
        spec = gui.GuiSpec(tiles, seconds, idle_seconds, timeout)
        crew.add("gui", gui.main, spec, invite=True)
        results = crew.results(["gui"], timeout + idle_seconds + 2 * seconds + 30)
        figures: dict[str, Any] = results.get("gui") or {}
        figures["errors"] = crew.failed()
    return figures


def _passcode_check_ms() -> float:
    """What one argon2id passcode check costs here (the server does one per join)."""
    from app.core.passcode import hash_passcode, verify_passcode

    stored = hash_passcode("BENCH1")
    times = []
    for _ in range(3):
        start = time.perf_counter()
        verify_passcode(stored, "BENCH1")
        times.append(time.perf_counter() - start)
    return round(sorted(times)[1] * 1000, 1)
