"""What changed between two versions of a curriculum: pure, no files.

A version is compared by its outline (``Outline``): ids, titles, which
station each topic is in, prerequisites and former ids; summaries and
references are left out, so that the copy metrotui keeps of the last version a
learner saw stays small.  A topic is the same topic in the new version when it
keeps its id in the same station (or in the station that names the old one in
``formerly``), when it names its old id in ``formerly`` (``old-station/topic``
for a move), or, in another station, when both its id and its title are the
same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from metrotui.core.curriculum import KEY_SEPARATOR, Curriculum
from metrotui.core.words import counted


class TopicOutline(NamedTuple):
    id: str
    title: str
    formerly: tuple[str, ...] = ()


class StationOutline(NamedTuple):
    id: str
    title: str
    line: str
    # Each group is met when any one of its stations is done (see Station.needs).
    needs: tuple[tuple[str, ...], ...]
    topics: tuple[TopicOutline, ...]
    formerly: tuple[str, ...] = ()


class Outline(NamedTuple):
    """A curriculum as far as telling two versions apart needs."""

    id: str
    title: str
    stations: tuple[StationOutline, ...]


def outline(curriculum: Curriculum) -> Outline:
    return Outline(
        curriculum.id,
        curriculum.title,
        tuple(
            StationOutline(
                station.id,
                station.title,
                station.line,
                station.needs,
                tuple(TopicOutline(t.id, t.title, t.formerly) for t in station.topics),
                station.formerly,
            )
            for station in curriculum.stations
        ),
    )


class Entry(NamedTuple):
    """A station (``topic`` empty) or a topic, and the station it is in."""

    station: str
    station_title: str
    topic: str = ""
    title: str = ""


class Renamed(NamedTuple):
    """The same station or topic under a new title or id; ``before`` is how it was."""

    now: Entry
    before: Entry


class Moved(NamedTuple):
    """A topic now in another station."""

    now: Entry
    before: Entry


class NeedsChanged(NamedTuple):
    station: str
    station_title: str
    before: tuple[tuple[str, ...], ...]
    now: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Change:
    """Everything that differs between two versions, each list in the new version's order."""

    title: str
    stations_added: list[Entry] = field(default_factory=list)
    stations_removed: list[Entry] = field(default_factory=list)
    stations_renamed: list[Renamed] = field(default_factory=list)
    topics_added: list[Entry] = field(default_factory=list)
    topics_removed: list[Entry] = field(default_factory=list)
    topics_renamed: list[Renamed] = field(default_factory=list)
    topics_moved: list[Moved] = field(default_factory=list)
    prerequisites_changed: list[NeedsChanged] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in _LISTS)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"title": self.title}
        for name in _LISTS:
            data[name] = [_json(item) for item in getattr(self, name)]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        """A change as to_json wrote it; ValueError (or KeyError, TypeError) if it is not one."""
        lists = {name: [_LIST_TYPES[name](item) for item in data[name]] for name in _LISTS}
        return cls(str(data["title"]), **lists)


_LISTS = (
    "stations_added",
    "stations_removed",
    "stations_renamed",
    "topics_added",
    "topics_removed",
    "topics_renamed",
    "topics_moved",
    "prerequisites_changed",
)


def _entry(data: dict[str, Any]) -> Entry:
    return Entry(str(data["station"]), str(data["station_title"]), data["topic"], data["title"])


def _pair(kind: type[Renamed] | type[Moved]) -> Callable[[dict[str, Any]], Any]:
    return lambda data: kind(_entry(data["now"]), _entry(data["before"]))


def _needs(data: dict[str, Any]) -> NeedsChanged:
    return NeedsChanged(
        str(data["station"]),
        str(data["station_title"]),
        tuple(tuple(map(str, group)) for group in data["before"]),
        tuple(tuple(map(str, group)) for group in data["now"]),
    )


_LIST_TYPES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "stations_added": _entry,
    "stations_removed": _entry,
    "stations_renamed": _pair(Renamed),
    "topics_added": _entry,
    "topics_removed": _entry,
    "topics_renamed": _pair(Renamed),
    "topics_moved": _pair(Moved),
    "prerequisites_changed": _needs,
}


def _json(item: Any) -> Any:
    if isinstance(item, Entry):
        return item._asdict()
    if isinstance(item, Renamed | Moved):
        return {"now": item.now._asdict(), "before": item.before._asdict()}
    return {
        **item._asdict(),
        "before": list(map(list, item.before)),
        "now": list(map(list, item.now)),
    }


# The comparison ----------------------------------------------------------------------


def compare(old: Outline, new: Outline) -> Change:
    """What changed from ``old`` to ``new``."""
    change = Change(new.title)
    was = _match_stations(old, new, change)
    _match_topics(old, new, was, change)
    return change


def _match_stations(old: Outline, new: Outline, change: Change) -> dict[str, StationOutline]:
    """Each new station id to the old station it was, if any; records stations added and renamed."""
    before = {station.id: station for station in old.stations}
    was: dict[str, StationOutline] = {}
    claimed: set[str] = set()
    for station in new.stations:
        earlier = next(
            (before[sid] for sid in (station.id, *station.formerly) if sid in before), None
        )
        if earlier is None or earlier.id in claimed:
            change.stations_added.append(Entry(station.id, station.title))
            continue
        was[station.id] = earlier
        claimed.add(earlier.id)
        if (earlier.id, earlier.title) != (station.id, station.title):
            change.stations_renamed.append(
                Renamed(Entry(station.id, station.title), Entry(earlier.id, earlier.title))
            )
    change.stations_removed.extend(
        Entry(s.id, s.title) for s in old.stations if s.id not in claimed
    )
    now_id = {earlier.id: sid for sid, earlier in was.items()}
    for station in new.stations:
        earlier = was.get(station.id)
        if earlier is None:
            continue
        then = _normal(tuple(tuple(now_id.get(s, s) for s in g) for g in earlier.needs))
        if then != _normal(station.needs):
            change.prerequisites_changed.append(
                NeedsChanged(station.id, station.title, earlier.needs, station.needs)
            )
    return was


def _normal(needs: Iterable[tuple[str, ...]]) -> frozenset[frozenset[str]]:
    return frozenset(frozenset(group) for group in needs)


def _match_topics(
    old: Outline, new: Outline, was: dict[str, StationOutline], change: Change
) -> None:
    titles = {station.id: station.title for station in old.stations}
    left: dict[tuple[str, str], TopicOutline] = {
        (station.id, topic.id): topic for station in old.stations for topic in station.topics
    }
    # Each old topic id to the stations that had it: what lets a move be found at once.
    places: dict[str, list[str]] = {}
    for station_id, topic_id in left:
        places.setdefault(topic_id, []).append(station_id)
    found: dict[tuple[str, str], tuple[str, TopicOutline]] = {}  # new (station, topic) -> old
    unmatched: list[tuple[StationOutline, TopicOutline]] = []
    # The same id in the same station first, so that a former id never takes a kept topic.
    for station in new.stations:
        earlier = was.get(station.id)
        for topic in station.topics:
            if earlier is not None and (earlier.id, topic.id) in left:
                found[(station.id, topic.id)] = (earlier.id, left.pop((earlier.id, topic.id)))
            else:
                unmatched.append((station, topic))
    rest: list[tuple[StationOutline, TopicOutline]] = []
    for station, topic in unmatched:
        hit = _by_former_id(topic, was.get(station.id), left, places)
        if hit is None:
            rest.append((station, topic))
        else:
            found[(station.id, topic.id)] = (hit[0], left.pop(hit))
    for station, topic in rest:
        same = next(
            (
                (sid, topic.id)
                for sid in places.get(topic.id, ())
                if (sid, topic.id) in left and left[(sid, topic.id)].title == topic.title
            ),
            None,
        )
        if same is None:
            change.topics_added.append(Entry(station.id, station.title, topic.id, topic.title))
        else:
            found[(station.id, topic.id)] = (same[0], left.pop(same))
    for station in new.stations:
        earlier = was.get(station.id)
        for topic in station.topics:
            if (station.id, topic.id) not in found:
                continue
            then_station, then = found[(station.id, topic.id)]
            now = Entry(station.id, station.title, topic.id, topic.title)
            before = Entry(then_station, titles[then_station], then.id, then.title)
            if earlier is None or earlier.id != then_station:
                change.topics_moved.append(Moved(now, before))
            elif (then.id, then.title) != (topic.id, topic.title):
                change.topics_renamed.append(Renamed(now, before))
    change.topics_removed.extend(
        Entry(sid, titles[sid], topic.id, topic.title) for (sid, _), topic in left.items()
    )


def _by_former_id(
    topic: TopicOutline,
    earlier: StationOutline | None,
    left: dict[tuple[str, str], TopicOutline],
    places: dict[str, list[str]],
) -> tuple[str, str] | None:
    """The old (station, topic) that ``topic`` names in ``formerly``, if it is still unclaimed.

    A bare former id is looked for in the topic's own station first, then anywhere.
    """
    for old in topic.formerly:
        station_id, sep, topic_id = old.partition(KEY_SEPARATOR)
        if sep:
            if (station_id, topic_id) in left:
                return station_id, topic_id
            continue
        if earlier is not None and (earlier.id, old) in left:
            return earlier.id, old
        elsewhere = next((sid for sid in places.get(old, ()) if (sid, old) in left), None)
        if elsewhere is not None:
            return elsewhere, old
    return None


# What a learner is told ---------------------------------------------------------------


def reopened(change: Change, curriculum: Curriculum, is_done: Callable[[str], bool]) -> list[Entry]:
    """Stations finished before the change that gained topics and so are in progress again."""
    gained: dict[str, set[str]] = {}
    for entry in change.topics_added:
        gained.setdefault(entry.station, set()).add(entry.topic)
    for move in change.topics_moved:
        gained.setdefault(move.now.station, set()).add(move.now.topic)
    new_stations = {entry.station for entry in change.stations_added}
    found = []
    for station_id, topics in gained.items():
        if station_id in new_stations or not curriculum.has_station(station_id):
            continue
        station = curriculum.station(station_id)
        keys = dict(zip(station.topic_ids, curriculum.keys_of(station_id), strict=False))
        old_keys = [key for topic_id, key in keys.items() if topic_id not in topics]
        new_keys = [key for topic_id, key in keys.items() if topic_id in topics]
        if old_keys and all(map(is_done, old_keys)) and not all(map(is_done, new_keys)):
            found.append(Entry(station.id, station.title))
    return sorted(found, key=lambda entry: curriculum.index(entry.station))


def summary(change: Change, reopened_stations: Iterable[Entry] = ()) -> str:
    """One short line: '9 stations and 36 topics added, 1 renamed, 3 removed'."""
    parts = []
    added = _stations_and_topics(len(change.stations_added), len(change.topics_added))
    if added:
        parts.append(f"{added} added")
    renamed = len(change.stations_renamed) + len(change.topics_renamed)
    if renamed:
        parts.append(f"{renamed} renamed")
    if change.topics_moved:
        parts.append(f"{len(change.topics_moved)} moved")
    removed = _stations_and_topics(len(change.stations_removed), len(change.topics_removed))
    if removed:
        parts.append(f"{removed} removed")
    if change.prerequisites_changed:
        parts.append(
            f"prerequisites of {counted(len(change.prerequisites_changed), 'station')} changed"
        )
    again = list(reopened_stations)
    if again:
        names = ", ".join(entry.station_title for entry in again[:3])
        more = f" and {len(again) - 3} more" if len(again) > 3 else ""
        verb = "is" if len(again) == 1 else "are"
        parts.append(f"{names}{more} {verb} in progress again")
    return ", ".join(parts) if parts else "nothing that changes the map"


def _stations_and_topics(stations: int, topics: int) -> str:
    named = [counted(stations, "station")] if stations else []
    named += [counted(topics, "topic")] if topics else []
    return " and ".join(named)
