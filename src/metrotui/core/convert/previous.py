"""Reconverting a roadmap that changed: ``formerly`` for what kept its place but not its name.

A converted id is the slug of a title, so a title that changes beyond case and
punctuation gives a new id, and marks made under the old one would be orphans.
Given the version converted before, a station or topic that sits where an old
one sat (same line and position, same station and position) and says the same
(its summary, or for a station its topics) while the old id is gone is taken
for a rename: the old id goes into ``formerly``.  Former ids the previous
version already carried are carried on, so a chain of renames keeps working.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from metrotui.core.curriculum import KEY_SEPARATOR, Curriculum, Station, Topic

# How alike two summaries must be (difflib's ratio) to count as the same text.
SAME_TEXT = 0.8
# Enough of a long summary to judge it by, without a quadratic comparison of megabytes.
_COMPARED_CHARS = 2000
# Renames listed in the report; the rest are counted.
_SHOWN = 10


@dataclass
class Renamed:
    kind: str  # "station" or "topic"
    old_title: str
    new_title: str
    old_id: str


@dataclass
class Carried:
    """What ``carry_former_ids`` did to a converted curriculum."""

    data: dict[str, Any]
    renamed: list[Renamed] = field(default_factory=list)
    kept: int = 0  # former ids the previous version had, carried on


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()[:_COMPARED_CHARS]


def same_text(a: str, b: str) -> bool:
    """Whether two summaries say the same, give or take an edit; two empty ones say nothing."""
    a, b = _normal(a), _normal(b)
    if not a or not b:
        return False
    if a == b:
        return True
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= SAME_TEXT and matcher.ratio() >= SAME_TEXT


class _Names:
    """The ids a former id must not be (the check refuses a current one, or one claimed twice)."""

    def __init__(self, stations: list[dict[str, Any]]) -> None:
        self.stations = {s["id"] for s in stations}
        self.topics: set[str] = set()
        for station in stations:
            for topic in station.get("topics", []):
                self.topics.add(topic["id"])
                self.topics.add(f"{station['id']}{KEY_SEPARATOR}{topic['id']}")
        self.claimed_by_stations: set[str] = set()
        self.claimed_by_topics: set[str] = set()

    def station_may_claim(self, old: str) -> bool:
        free = old not in self.stations and old not in self.claimed_by_stations
        return free and KEY_SEPARATOR not in old

    def topic_may_claim(self, old: str) -> bool:
        taken = old in self.topics or old in self.stations or old in self.claimed_by_topics
        return not taken


def carry_former_ids(data: dict[str, Any], previous: Curriculum) -> Carried:
    """``data`` (a converted curriculum, not changed) with ``formerly`` where ids changed."""
    result = Carried(copy.deepcopy(data))
    stations: list[dict[str, Any]] = result.data.get("stations", [])
    names = _Names(stations)
    old_by_id = {station.id: station for station in previous.stations}
    new_ids = {station["id"] for station in stations}
    # Each station's place: its line, and its position among that line's stations.
    old_places = dict(
        zip(_places(s.line for s in previous.stations), previous.stations, strict=True)
    )
    pairs = [
        (new, _old_station(new, old_places.get(place), old_by_id, new_ids))
        for new, place in zip(stations, _places(s.get("line") for s in stations), strict=True)
    ]
    # Stations first: a topic's former id may be spelled with its station's old id.
    for new, old in pairs:
        if old is not None:
            _claim_station(new, old, names, result)
    for new, old in pairs:
        if old is not None:
            _carry_topics(new, old, previous, names, result)
    return result


def _places(lines: Iterable[Any]) -> list[tuple[Any, int]]:
    """For stations on these lines in order: (line, position among that line's stations)."""
    counts: dict[Any, int] = {}
    places = []
    for line in lines:
        places.append((line, counts.get(line, 0)))
        counts[line] = counts.get(line, 0) + 1
    return places


def _old_station(
    new: dict[str, Any],
    old: Station | None,
    old_by_id: dict[str, Station],
    new_ids: set[str],
) -> Station | None:
    """The station of the previous version this one is: the same id, or the one in its place."""
    if new["id"] in old_by_id:
        return old_by_id[new["id"]]
    if old is None:
        return None
    if old.id in new_ids:
        return None  # the old station is still there: this one is new
    same_topics = _overlap(old.topic_ids, [t["id"] for t in new.get("topics", [])])
    return old if same_topics or same_text(old.summary, new.get("summary", "")) else None


def _overlap(old: Iterable[str], new: Iterable[str]) -> bool:
    """Whether at least half of the old topics are still there (and there were some)."""
    old_ids = set(old)
    return bool(old_ids) and 2 * len(old_ids & set(new)) >= len(old_ids)


def _claim_station(new: dict[str, Any], old: Station, names: _Names, result: Carried) -> None:
    renamed = new["id"] != old.id
    wanted = [old.id, *old.formerly] if renamed else list(old.formerly)
    claimed = _claim(new, wanted, names.station_may_claim, names.claimed_by_stations)
    if renamed and old.id in claimed:
        result.renamed.append(Renamed("station", old.title, new["title"], old.id))
    result.kept += len([c for c in claimed if c in old.formerly])


def _carry_topics(
    new: dict[str, Any], old: Station, previous: Curriculum, names: _Names, result: Carried
) -> None:
    topics: list[dict[str, Any]] = new.get("topics", [])
    current = {topic["id"] for topic in topics}
    old_topics = {topic.id: topic for topic in old.topics}
    for index, topic in enumerate(topics):
        was: Topic | None = old_topics.get(topic["id"])
        renamed = False
        if was is None and index < len(old.topics):
            candidate = old.topics[index]
            if candidate.id not in current and same_text(
                candidate.summary, topic.get("summary", "")
            ):
                was, renamed = candidate, True
        if was is None:
            continue
        wanted = list(was.formerly)
        if renamed:
            wanted = [*_spellings(was, old, previous, names), *wanted]
        claimed = _claim(topic, wanted, names.topic_may_claim, names.claimed_by_topics)
        if renamed and claimed and claimed[0] not in was.formerly:
            result.renamed.append(Renamed("topic", was.title, topic["title"], claimed[0]))
        result.kept += len([c for c in claimed if c in was.formerly])


def _spellings(topic: Topic, station: Station, previous: Curriculum, names: _Names) -> list[str]:
    """How marks on the old topic were recorded: its key then; qualified if the bare id is taken."""
    key = previous.topic_key(station.id, topic.id)
    if KEY_SEPARATOR not in key and names.topic_may_claim(key):
        return [key]
    return [f"{station.id}{KEY_SEPARATOR}{topic.id}"]


def _claim(
    item: dict[str, Any],
    wanted: list[str],
    may_claim: Callable[[str], bool],
    claimed_set: set[str],
) -> list[str]:
    """Add to ``item``'s formerly the wanted ids that are free; returns those added."""
    formerly: list[str] = list(item.get("formerly", []))
    added = []
    for old in wanted:
        if old not in formerly and may_claim(old):
            formerly.append(old)
            claimed_set.add(old)
            added.append(old)
    if formerly:
        item["formerly"] = formerly
    return added


def previous_report(carried: Carried, name: str) -> list[str]:
    """What comparing with the previous version did, for the conversion's report."""
    if not carried.renamed:
        found = "no renames" if not carried.kept else f"{carried.kept} former ids carried on"
        return [f"Compared with {name}: {found}."]
    shown = [
        f"  {item.kind} {item.old_title!r} → {item.new_title!r} (formerly {item.old_id})"
        for item in carried.renamed[:_SHOWN]
    ]
    more = len(carried.renamed) - len(shown)
    if more:
        shown.append(f"  … and {more} more")
    count = len(carried.renamed)
    noun = "rename keeps its" if count == 1 else "renames keep their"
    return [f"Compared with {name}: {count} {noun} marks through formerly:", *shown]
