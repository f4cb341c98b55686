"""Deterministic large curricula for the benchmarks.

The shape follows the GenAI map, scaled up: a short trunk line, one line that
carries straight on from the trunk's end, and further lines that branch off
earlier lines.  Each station needs the one before it on its line; about one in
six also needs a station on an earlier line at a similar depth (a cross-line
prerequisite, which the map shows as a transfer).  Every station has five
topics and one reference.  The same arguments always give the same file.

As a script::

    python benchmarks/generate.py 5000 -o /tmp/big.json [--lines 6] [--seed 5]

As a module: ``generate(5000)`` returns the curriculum as a JSON-ready dict.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

COLORS = ["#7b3fb5", "#4fadea", "#4fad5b", "#e0a030", "#d04050", "#40b0a0", "#a06030", "#6070d0"]
WORDS = (
    "vector",
    "attention",
    "gradient",
    "token",
    "embedding",
    "decoder",
    "encoder",
    "prompt",
    "agent",
    "retrieval",
    "index",
    "cache",
    "graph",
    "kernel",
    "tensor",
    "layer",
    "sampling",
    "search",
    "memory",
    "planner",
    "router",
    "adapter",
    "quantised",
    "sparse",
    "dense",
    "latent",
    "reward",
    "policy",
    "critic",
    "dataset",
    "pipeline",
    "schema",
    "shard",
    "replica",
    "stream",
    "batch",
    "window",
    "context",
    "filter",
    "ranking",
    "scoring",
    "metric",
    "probe",
    "circuit",
    "feature",
)
KINDS = ["book", "video", "paper", "docs", "repo", "article", "course"]


def _title(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def _line_sizes(stations: int, lines: int) -> list[int]:
    trunk = max(3, stations // 20)
    rest = stations - trunk
    sizes = [trunk] + [rest // (lines - 1)] * (lines - 1)
    for i in range(rest - sum(sizes[1:])):
        sizes[1 + i] += 1
    return sizes


def generate(stations: int, lines: int = 6, topics: int = 5, seed: int = 5) -> dict[str, Any]:
    """A valid curriculum of ``stations`` stations on ``lines`` lines."""
    if lines < 2 or stations < 3 * lines:
        raise ValueError("need at least two lines and three stations a line")
    rng = random.Random(seed)
    sizes = _line_sizes(stations, lines)
    line_ids = [f"line-{chr(ord('a') + k)}" for k in range(lines)]
    # ids of each line's stations, filled as they are made: cross-line
    # prerequisites only point back at lines already made, so no cycles.
    made: list[list[str]] = []
    out_stations: list[dict[str, Any]] = []
    number = 0
    for k, size in enumerate(sizes):
        ids: list[str] = []
        for i in range(size):
            number += 1
            sid = f"s{number}"
            needs: list[str] = []
            if i:
                needs.append(ids[-1])
            elif k == 1:
                needs.append(made[0][-1])  # carries straight on from the trunk
            elif k > 1:
                parent = made[rng.randrange(1, k)] if rng.random() < 0.7 else made[0]
                needs.append(parent[min(len(parent) - 1, rng.randrange(max(1, len(parent) // 4)))])
            if i and k and rng.random() < 0.17:
                other = made[rng.randrange(k)]
                depth = min(len(other) - 1, max(0, i * len(other) // size - rng.randrange(4)))
                if other[depth] not in needs:
                    needs.append(other[depth])
            station_topics = []
            for t in range(1, topics + 1):
                topic: dict[str, Any] = {"id": f"{sid}-t{t}", "title": _title(rng, 3)}
                if t == 1:
                    topic["summary"] = f"What {topic['title'].lower()} means and when to use it."
                station_topics.append(topic)
            out_stations.append(
                {
                    "id": sid,
                    "number": number,
                    "title": _title(rng, rng.randrange(2, 5)),
                    "line": line_ids[k],
                    "summary": f"Station {number} of {line_ids[k]}: {_title(rng, 6).lower()}.",
                    "prerequisites": needs,
                    "topics": station_topics,
                    "references": [
                        {
                            "title": _title(rng, 3),
                            "url": f"https://example.org/{line_ids[k]}/{sid}",
                            "kind": rng.choice(KINDS),
                        }
                    ],
                }
            )
            ids.append(sid)
        made.append(ids)
    return {
        "schema_version": 1,
        "id": f"generated-{stations}",
        "title": f"Generated Map ({stations:,} stations)",
        "description": "A large curriculum made by benchmarks/generate.py.",
        "lines": [
            {"id": line_id, "name": f"Line {line_id[-1].upper()}", "color": COLORS[k % 8]}
            for k, line_id in enumerate(line_ids)
        ],
        "stations": out_stations,
    }


# Big content on one station of a real map: the first, selected at launch.
BIG_STATION = 0


def with_big_summary(data: dict[str, Any], megabytes: float) -> dict[str, Any]:
    """``data`` (a curriculum) with its first station's summary that many megabytes long."""
    data = json.loads(json.dumps(data))
    sentence = "Attention weighs every token against every other one, layer by layer. "
    size = int(megabytes * 1_000_000)
    data["stations"][BIG_STATION]["summary"] = (sentence * (size // len(sentence) + 1))[:size]
    return data


def with_many_topics(data: dict[str, Any], topics: int) -> dict[str, Any]:
    """``data`` (a curriculum) with that many topics on its first station."""
    data = json.loads(json.dumps(data))
    station = data["stations"][BIG_STATION]
    rng = random.Random(11)
    station["topics"] = [
        {"id": f"{station['id']}-{i}", "title": _title(rng, 3)} for i in range(1, topics + 1)
    ]
    return data


def big_note(megabytes: float) -> str:
    """A note that many megabytes long, in lines of Markdown."""
    line = "- Attention: every token looks at every other; the cost is quadratic.\n"
    size = int(megabytes * 1_000_000)
    return (line * (size // len(line) + 1))[:size]


def lean(stations: int, lines: int = 6, seed: int = 5) -> dict[str, Any]:
    """``generate(stations)`` with one topic a station and no summaries or references.

    So that 100,000 stations fit under the 16 MB a curriculum file may be.
    """
    data = generate(stations, lines=lines, topics=1, seed=seed)
    for station in data["stations"]:
        del station["summary"], station["references"]
        station["title"] = " ".join(station["title"].split()[:2])
        for topic in station["topics"]:
            topic.pop("summary", None)
            topic["title"] = " ".join(topic["title"].split()[:2])
    return data


def progress_file(
    path: Path,
    curriculum_id: str,
    marks: int = 0,
    topics: Sequence[str] = (),
    notes: dict[str, str] | None = None,
) -> Path:
    """A progress file as metrotui writes it, with ``marks`` marks: ``topics`` (of the
    curriculum) and the rest for ids it does not have (``gone-0000001``...), as a
    learner collects over years of a curriculum whose ids keep changing; and notes
    (station id to text)."""
    stamp = "2026-01-05T09:30:00.000Z"
    ids = [*topics, *(f"gone-{i:07d}" for i in range(1, marks - len(topics) + 1))]
    data: dict[str, Any] = {"schema_version": 1, "curriculum": curriculum_id, "done": {}}
    if notes:
        data["notes"] = {sid: {"text": text, "updated": stamp} for sid, text in notes.items()}
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if ids:  # json's indenting takes seconds for a million marks: these rows are plain
        rows = ",\n".join(f'    "{topic_id}": "{stamp}"' for topic_id in sorted(ids))
        text = text.replace('"done": {}', '"done": {\n' + rows + "\n  }", 1)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def write(stations: int, path: Path, lines: int = 6, seed: int = 5) -> Path:
    data = generate(stations, lines=lines, seed=seed)
    path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stations", type=int)
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--lines", type=int, default=6)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    if args.output is None:
        json.dump(generate(args.stations, args.lines, seed=args.seed), sys.stdout)
    else:
        write(args.stations, args.output, args.lines, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
