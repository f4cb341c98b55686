"""A study group made up for tests: learners who study the GenAI map in station order.

Learner i has ticked the first ``ticked[i]`` keys of the map (stations in number
order, each station's topics in order), all at one time: ``stale`` learners a
month ago, the others yesterday.  So what each station's count must be can be
worked out by hand, without the code under test.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from metrotui.core.curriculum import Curriculum


@dataclass(frozen=True)
class Learner:
    name: str
    ticked: int
    stale: bool


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ordered_keys(curriculum: Curriculum) -> list[str]:
    stations = sorted(curriculum.stations, key=lambda station: station.number)
    return [key for station in stations for key in curriculum.keys_of(station.id)]


def make_learners(curriculum: Curriculum, count: int) -> list[Learner]:
    total = len(ordered_keys(curriculum))
    # A spread that hits the ends (nothing, everything) and the middle of stations.
    return [
        Learner(f"learner {i:03d}", (i * 7) % (total + 1), stale=i % 3 == 0) for i in range(count)
    ]


def progress_doc(
    curriculum: Curriculum, who: Learner, now: datetime, **extra: object
) -> dict[str, object]:
    when = now - (timedelta(days=30) if who.stale else timedelta(days=1))
    keys = ordered_keys(curriculum)[: who.ticked]
    return {
        "schema_version": 1,
        "curriculum": curriculum.id,
        "done": {key: stamp(when) for key in keys},
        **extra,
    }


def write_exports(
    folder: Path, curriculum: Curriculum, learners: list[Learner], now: datetime
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for learner in learners:
        doc = progress_doc(curriculum, learner, now, learner=learner.name)
        (folder / f"{learner.name.replace(' ', '-')}.json").write_text(json.dumps(doc))


@dataclass(frozen=True)
class Expected:
    finished: int
    in_it: int
    stuck: int


def expected_counts(curriculum: Curriculum, learners: list[Learner]) -> dict[int, Expected]:
    """Per station number: how many learners finished it, are in it, are stuck (by hand)."""
    out: dict[int, Expected] = {}
    start = 0
    for station in sorted(curriculum.stations, key=lambda s: s.number):
        end = start + len(curriculum.keys_of(station.id))
        finished = sum(learner.ticked >= end for learner in learners)
        partial = [learner for learner in learners if start < learner.ticked < end]
        stuck = sum(learner.stale for learner in partial)
        out[station.number] = Expected(finished, len(partial) - stuck, stuck)
        start = end
    return out
