"""What is new to a learner after a curriculum changed: pure, no files.

The latest change (metrotui.core.compare) names the stations and topics that
were added.  Each carries a "new" mark on the map and in the station pane
until the learner has looked at its station; the app's what's-new panel lists
the whole change, each entry leading to the station it is about.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from metrotui.core.compare import Change, Entry
from metrotui.core.curriculum import Curriculum
from metrotui.core.text import clean_line
from metrotui.core.words import counted

# Entries a section of the panel lists before it says how many more there are:
# a change of thousands of topics must not build thousands of rows at once.
SECTION_ENTRIES = 200


class News:
    """Which stations and topics are new, and which of their stations were looked at."""

    __slots__ = ("stations", "topics", "looked")

    def __init__(self, change: Change, curriculum: Curriculum, looked: Iterable[str] = ()) -> None:
        stations = {e.station for e in change.stations_added if curriculum.has_station(e.station)}
        topics: dict[str, set[str]] = {}
        # A topic moved to another station is new there (its marks came with it).
        arrived = [*change.topics_added, *(moved.now for moved in change.topics_moved)]
        for entry in arrived:
            # A new station is marked as a whole: its topics need no mark each.
            if entry.station not in stations and curriculum.has_station(entry.station):
                topics.setdefault(entry.station, set()).add(entry.topic)
        self.stations = frozenset(stations)
        self.topics = {station: frozenset(ids) for station, ids in topics.items()}
        # Only stations that have something new: what is kept stays as small as the change.
        self.looked = {s for s in looked if self.has_news(s)}

    def has_news(self, station_id: str) -> bool:
        """Whether the station is new or gained topics, looked at or not."""
        return station_id in self.stations or station_id in self.topics

    def marked(self, station_id: str) -> bool:
        """Whether the map marks the station "new": new, or gained topics, and not yet looked at."""
        return station_id not in self.looked and self.has_news(station_id)

    def station_is_new(self, station_id: str) -> bool:
        return station_id in self.stations and station_id not in self.looked

    def topic_is_new(self, station_id: str, topic_id: str) -> bool:
        ids = self.topics.get(station_id)
        return ids is not None and topic_id in ids and station_id not in self.looked

    def unlooked(self) -> list[str]:
        """The marked stations, in no particular order."""
        return [s for s in (*self.stations, *self.topics) if s not in self.looked]


class Item(NamedTuple):
    """One row of the panel: what it says, and the station (and topic) it leads to."""

    text: str
    station: str | None = None
    topic: str | None = None


class Section(NamedTuple):
    heading: str
    items: list[Item]


def panel_sections(change: Change, curriculum: Curriculum, reopened: list[Entry]) -> list[Section]:
    """The panel's sections, each empty one left out; an entry leads nowhere if its station went."""

    def here(station: str, topic: str | None = None) -> Item:
        return Item("", station, topic) if curriculum.has_station(station) else Item("")

    new_stations = {entry.station for entry in change.stations_added}
    added = [
        _with(here(e.station), f"station {_title(e.station_title)}{_topics(curriculum, e.station)}")
        for e in change.stations_added
    ]
    added += [
        _with(here(e.station, e.topic), f"{_title(e.title)}  in {_title(e.station_title)}")
        for e in change.topics_added
        if e.station not in new_stations
    ]
    renamed = [
        _with(
            here(r.now.station),
            f"station {_title(r.before.station_title)} → {_title(r.now.station_title)}",
        )
        for r in change.stations_renamed
    ]
    renamed += [
        _with(
            here(r.now.station, r.now.topic),
            f"{_title(r.before.title)} → {_title(r.now.title)}  in {_title(r.now.station_title)}",
        )
        for r in change.topics_renamed
    ]
    moved = [
        _with(
            here(m.now.station, m.now.topic),
            f"{_title(m.now.title)}: {_title(m.before.station_title)} → "
            f"{_title(m.now.station_title)}",
        )
        for m in change.topics_moved
    ]
    removed = [Item(f"station {_title(e.station_title)}") for e in change.stations_removed]
    removed += [
        Item(f"{_title(e.title)}  was in {_title(e.station_title)}") for e in change.topics_removed
    ]
    again = [_with(here(e.station), _title(e.station_title)) for e in reopened]
    needs = [_with(here(n.station), _title(n.station_title)) for n in change.prerequisites_changed]
    sections = [
        Section("Added", added),
        Section("Renamed", renamed),
        Section("Moved", moved),
        Section("Removed (marks on them are kept)", removed),
        Section("Finished before, now in progress (they gained topics)", again),
        Section("Prerequisites changed", needs),
    ]
    return [Section(s.heading, _bounded(s.items)) for s in sections if s.items]


def _with(item: Item, text: str) -> Item:
    return item._replace(text=text)


def _title(text: str) -> str:
    return clean_line(text)


def _topics(curriculum: Curriculum, station_id: str) -> str:
    """How many topics a new station has (some may have moved there: all are new to it)."""
    if not curriculum.has_station(station_id):
        return ""
    count = len(curriculum.station(station_id).topics)
    return f" ({counted(count, 'topic')})" if count else ""


def _bounded(items: list[Item]) -> list[Item]:
    if len(items) <= SECTION_ENTRIES:
        return items
    left = len(items) - SECTION_ENTRIES
    return [*items[:SECTION_ENTRIES], Item(f"… and {left:,} more: metrotui changes lists them all")]


RECENT_DAYS = 30  # how long after a change `w` still opens the panel


def is_recent(found: str, now: datetime) -> bool:
    """Whether a change found at ``found`` (an ISO time, as last_seen keeps it) is recent."""
    try:
        when = datetime.fromisoformat(found.replace("Z", "+00:00"))
    except ValueError:
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return now - when <= timedelta(days=RECENT_DAYS)


def found_when(found: str) -> str:
    """``2026-12-01 15:00 UTC`` for an ISO time, as `metrotui changes` says it."""
    return found.replace("T", " ")[:16] + " UTC" if found else "at some time"
