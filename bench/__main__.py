"""``python -m bench``: every benchmark, a side-by-side table, and the raw figures as JSON.

python -m bench            # full run (several minutes)
python -m bench --quick    # everything in reduced form, under a minute
python -m bench --only audio  # one section (mouth-to-ear needs pulseaudio)
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from bench import report, suite

RESULTS = Path(__file__).resolve().parent / "results"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="reduced form of every benchmark")
    parser.add_argument(
        "--out", type=Path, default=RESULTS / "latest.json", help="where to write the JSON"
    )
    parser.add_argument("--only", nargs="+", choices=suite.SECTIONS, help="run only these sections")
    parser.add_argument(
        "--sizes", help="meeting sizes, comma-separated (default 2,4,6,8; quick 2,4)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    config = suite.QUICK if args.quick else suite.FULL
    if args.only:
        config = dataclasses.replace(config, only=frozenset(args.only))
    if args.sizes:
        sizes = tuple(sorted({int(s) for s in args.sizes.split(",")}))
        if 2 not in sizes:
            sizes = (2, *sizes)  # the 2-person meeting gives the latency figures
        config = dataclasses.replace(config, sizes=sizes)

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    results = suite.run(config, log, argv)
    table = report.rows(results)
    results["table"] = [dataclasses.asdict(r) for r in table]
    results["notes"] = report.notes(results)
    results["markdown"] = report.markdown_table(table)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=1, default=str)
    args.out.write_text(text, encoding="utf-8")
    if args.out.resolve().parent == RESULTS:
        stamp = results["meta"]["started"].replace(":", "").replace("-", "")[:15]
        (RESULTS / f"{stamp}-{config.mode}.json").write_text(text, encoding="utf-8")

    m = results["meta"]["machine"]
    print(
        f"Liqaa benchmarks ({config.mode}) on {m['cpu']}, {m['cores']} cores, "
        f"Python {m['python']}, aiortc {m['aiortc']}; load average "
        f"{results['meta']['load_average_start']} -> {results['meta']['load_average_end']}"
    )
    print(report.text_table(table))
    for note in results["notes"]:
        print(f"- {note}")
    print(f"Raw figures: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
