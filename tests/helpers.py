"""Small curricula built in code, for tests that need a particular shape."""

from __future__ import annotations

import json
from typing import Any

from metrotui.core.curriculum import Curriculum
from metrotui.storage.curriculum_file import parse_curriculum

COLORS = ["#7b3fb5", "#4fadea", "#4fad5b", "#e0a030", "#d04050"]

# The GenAI map's station ids per line, in the order the issue fixes.
GENAI_TRUNK = ["math-basics", "programming", "neural-nets-llms"]
GENAI_SCIENTIST = [
    "llm-foundations",
    "pre-training",
    "fine-tuning-data",
    "supervised-fine-tuning",
    "alignment",
    "evaluation",
    "optimization",
    "emerging-trends",
]
GENAI_ENGINEER = [
    "consuming-llms",
    "vector-store",
    "rag",
    "advanced-apps",
    "inference-optimization",
    "deploying-llms",
    "securing-llms",
]
GENAI_STATION_IDS = GENAI_TRUNK + GENAI_SCIENTIST + GENAI_ENGINEER


def station(
    station_id: str,
    line: str,
    number: int,
    prerequisites: list[str] | None = None,
    topics: int = 2,
    title: str | None = None,
) -> dict[str, Any]:
    return {
        "id": station_id,
        "number": number,
        "title": title or station_id.replace("-", " ").title(),
        "line": line,
        "summary": f"About {station_id}.",
        "prerequisites": prerequisites or [],
        "topics": [
            {"id": f"{station_id}-t{i}", "title": f"Topic {i} of {station_id}"}
            for i in range(1, topics + 1)
        ],
        "references": [],
    }


def curriculum_raw(
    lines: list[str], stations: list[dict[str, Any]], curriculum_id: str = "tiny"
) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "id": curriculum_id,
        "title": f"{curriculum_id.title()} Map",
        "lines": [
            {"id": line, "name": line.title(), "color": COLORS[i % len(COLORS)]}
            for i, line in enumerate(lines)
        ],
        "stations": stations,
    }


def make_curriculum(raw: dict[str, Any]) -> Curriculum:
    return parse_curriculum(json.dumps(raw).encode(), "test.json")


def chain(lines: list[str], per_line: int, fork_at: str | None = None) -> dict[str, Any]:
    """A trunk line, then each other line branching off its last station."""
    stations: list[dict[str, Any]] = []
    number = 1
    for index, line in enumerate(lines):
        previous = None if index == 0 else (fork_at or f"{lines[0]}-{per_line}")
        for n in range(1, per_line + 1):
            sid = f"{line}-{n}"
            stations.append(station(sid, line, number, [previous] if previous else []))
            previous = sid
            number += 1
    return curriculum_raw(lines, stations)


def refuse_temporary_files(monkeypatch: Any, fail: Any) -> None:
    """Make creating any temporary file (``*.tmp``, as every atomic write does) call ``fail``."""
    import os

    real_open = os.open

    def refusing(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith(".tmp") and flags & os.O_CREAT:
            return fail(path)  # type: ignore[no-any-return]
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing)
