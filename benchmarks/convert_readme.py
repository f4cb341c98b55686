"""How long `metrotui convert` takes on a big README: the budget is under 1 s for 2,000 lines.

    python benchmarks/convert_readme.py [--lines 2000] [--rounds 5]

Writes a deterministic README of about that many lines (parts of numbered
sections, each with bold-label topics, nested bullets, a course table and a
References block), converts it in-process the way the command does (read,
parse, build, check with the curriculum checker) and prints the median of the
rounds.  Exits 1 if the median is over budget.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

BUDGET_S = 1.0


def readme(lines: int) -> str:
    """A roadmap README of about ``lines`` lines; the same count always gives the same text."""
    out = ["# Big Roadmap", "", "A generated roadmap for the benchmark.", ""]
    part = station = 0
    while len(out) < lines:
        if station % 12 == 0:
            part += 1
            out += [f"## Part {part}: Track {part}", ""]
        station += 1
        out += [f"### {station}. Station number {station}", "", f"About station {station}.", ""]
        for topic in range(1, 6):
            out.append(f"* **Topic {station}.{topic}:** what topic {topic} covers, in a sentence.")
            out.append(f"  - detail of topic {topic}")
        out += ["", "| Course | Weeks |", "| --- | --- |"]
        out += [f"| [Course {station}](https://example.com/c/{station}) | {station % 9 + 1} |"]
        out += ["", "📚 **References:**"]
        out += [f"* [Video {station}](https://www.youtube.com/watch?v={station})"]
        out += [f"* [Paper {station}](https://arxiv.org/abs/{station}.0001)", "", "---"]
    return "\n".join(out[:lines]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    from metrotui.storage.convert_source import ConvertOptions, convert_file

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "README.md"
        source.write_text(readme(args.lines), encoding="utf-8")
        times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            conversion = convert_file(str(source), ConvertOptions())
            times.append(time.perf_counter() - start)
    median = statistics.median(times)
    stations = len(conversion.data["stations"])
    verdict = "pass" if median < BUDGET_S else "MISS"
    print(
        f"convert, {args.lines}-line README ({stations} stations): median {median * 1000:.0f} ms "
        f"over {args.rounds} rounds (budget < {BUDGET_S * 1000:.0f} ms): {verdict}"
    )
    return 0 if median < BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
