"""The curriculum: lines, stations, topics and references, as metrotui uses them.

A file is checked once, by metrotui.curriculum_check (pydantic, every problem
reported at once).  What the check produces, plain tuples of cleaned text, is
kept in a cache keyed by the file's bytes (metrotui.curriculum_cache), so the
next load of the same file builds these objects straight from the cache and
never imports pydantic: that import and pydantic's model building cost more
than the rest of a launch.  The objects are small named tuples, immutable, and
cheap to build by the tens of thousands.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

SCHEMA_VERSION = 1
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_PROBLEMS_SHOWN = 50

REFERENCE_KINDS = ("book", "free-book", "video", "paper", "docs", "repo", "article", "course")

# The checked form of a curriculum, as nested tuples of str, int and None (see
# Curriculum.from_rows for the order).  It is what the check returns and what
# the cache stores.
Rows = tuple[Any, ...]


class Source(NamedTuple):
    url: str
    license: str
    attribution: str = ""


class Line(NamedTuple):
    id: str
    name: str
    color: str
    description: str = ""


class Topic(NamedTuple):
    id: str
    title: str
    summary: str = ""


class Reference(NamedTuple):
    title: str
    url: str
    kind: str = "article"


class Station(NamedTuple):
    id: str
    number: int
    title: str
    line: str
    summary: str
    prerequisites: tuple[str, ...]
    topics: tuple[Topic, ...]
    references: tuple[Reference, ...]

    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(topic.id for topic in self.topics)


def _station(row: tuple[Any, ...]) -> Station:
    sid, number, title, line, summary, prerequisites, topics, references = row
    return Station(
        sid,
        number,
        title,
        line,
        summary,
        prerequisites,
        tuple(Topic._make(topic) for topic in topics),
        tuple(Reference._make(reference) for reference in references),
    )


class Curriculum:
    """A checked curriculum and the lookups the tracker, CLI and app ask of it."""

    __slots__ = (
        "schema_version",
        "id",
        "title",
        "description",
        "source",
        "lines",
        "stations",
        "_lines",
        "_stations",
        "_topic_station",
        "_topics",
        "_dependents",
        "_order",
        "__weakref__",
    )

    def __init__(
        self,
        schema_version: int,
        id: str,  # noqa: A002 - the file's own key
        title: str,
        description: str,
        source: Source | None,
        lines: tuple[Line, ...],
        stations: tuple[Station, ...],
    ) -> None:
        self.schema_version = schema_version
        self.id = id
        self.title = title
        self.description = description
        self.source = source
        self.lines = lines
        self.stations = stations
        topic_station: dict[str, Station] = {}
        topics: dict[str, Topic] = {}
        dependents: dict[str, list[Station]] = {station.id: [] for station in stations}
        for station in stations:
            for topic in station.topics:
                topic_station[topic.id] = station
                topics[topic.id] = topic
            for prerequisite in station.prerequisites:
                dependents[prerequisite].append(station)
        self._lines = {line.id: line for line in lines}
        self._stations = {station.id: station for station in stations}
        self._order = {station.id: index for index, station in enumerate(stations)}
        self._topic_station = topic_station
        self._topics = topics
        self._dependents = dependents

    @classmethod
    def from_rows(cls, rows: Rows) -> Curriculum:
        """Build from checked rows: (schema_version, id, title, description,
        source row or None, line rows, station rows)."""
        schema_version, cid, title, description, source, lines, stations = rows
        return cls(
            schema_version,
            cid,
            title,
            description,
            None if source is None else Source._make(source),
            tuple(Line._make(line) for line in lines),
            tuple(map(_station, stations)),
        )

    def to_data(self) -> dict[str, Any]:
        """The curriculum as JSON data in the file's own shape."""
        data: dict[str, Any] = {
            "schema_version": self.schema_version,
            "id": self.id,
            "title": self.title,
            "description": self.description,
        }
        if self.source is not None:
            data["source"] = self.source._asdict()
        data["lines"] = [line._asdict() for line in self.lines]
        data["stations"] = [
            {
                **station._asdict(),
                "prerequisites": list(station.prerequisites),
                "topics": [topic._asdict() for topic in station.topics],
                "references": [reference._asdict() for reference in station.references],
            }
            for station in self.stations
        ]
        return data

    def _fields(self) -> tuple[Any, ...]:
        return (
            self.schema_version,
            self.id,
            self.title,
            self.description,
            self.source,
            self.lines,
            self.stations,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Curriculum):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # equal by content, and big: not a key

    def __repr__(self) -> str:
        return f"<Curriculum {self.id!r}: {len(self.stations)} stations>"

    # Lookups -------------------------------------------------------------
    def line(self, line_id: str) -> Line:
        return self._lines[line_id]

    def has_line(self, line_id: str) -> bool:
        return line_id in self._lines

    def station(self, station_id: str) -> Station:
        return self._stations[station_id]

    def has_station(self, station_id: str) -> bool:
        return station_id in self._stations

    def topic(self, topic_id: str) -> Topic:
        return self._topics[topic_id]

    def has_topic(self, topic_id: str) -> bool:
        return topic_id in self._topics

    def station_of(self, topic_id: str) -> Station:
        return self._topic_station[topic_id]

    def dependents(self, station_id: str) -> list[Station]:
        """Stations that list ``station_id`` among their prerequisites."""
        return self._dependents[station_id]

    def index(self, station_id: str) -> int:
        """A station's position in the curriculum (its order on the map)."""
        return self._order[station_id]

    def stations_on(self, line_id: str) -> list[Station]:
        return [station for station in self.stations if station.line == line_id]

    def all_topic_ids(self) -> Iterator[str]:
        return iter(self._topics)

    def suggest(self, unknown: str) -> str | None:
        """The closest station or topic id to a misspelt one, if any is close."""
        return closest(unknown, [*self._stations, *self._topics])

    @property
    def topic_count(self) -> int:
        return len(self._topics)


class CurriculumError(Exception):
    """A curriculum file that cannot be used, with every problem found in it."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(source, problems)
        self.source = source
        self.problems = problems

    def __str__(self) -> str:
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        if len(self.problems) == 1 and not shown[0].startswith(("stations", "lines", "source")):
            return f"{self.source}: {shown[0]}"
        noun = "problem" if len(self.problems) == 1 else "problems"
        lines = [f"{self.source}: {len(self.problems)} {noun} in this curriculum:"]
        lines += [f"  {problem}" for problem in shown]
        if len(self.problems) > len(shown):
            lines.append(f"  … and {len(self.problems) - len(shown)} more")
        return "\n".join(lines)


def closest(word: str, candidates: Iterable[str]) -> str | None:
    import difflib  # only a misspelt id needs it

    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.7)
    return matches[0] if matches else None


def location(parts: Iterable[int | str]) -> str:
    """A JSON location such as ``stations[4].topics[0]``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


# Loading -----------------------------------------------------------------


def load_curriculum(path: str | Path, *, recheck: bool = False) -> Curriculum:
    """Read a curriculum file, or raise CurriculumError naming it.

    A file whose exact bytes were checked before is built from the cache;
    ``recheck`` (``metrotui validate``) checks it again all the same.
    """
    from metrotui.files import FileTooLarge, NotARegularFile, read_bounded

    path = Path(path)
    source = str(path)
    try:
        data = read_bounded(path, MAX_FILE_BYTES)
    except NotARegularFile as error:
        raise CurriculumError(source, [f"is {error.kind}, not a curriculum file"]) from None
    except FileTooLarge as error:
        raise CurriculumError(
            source,
            [
                f"is {error.size / 1e6:.1f} MB; "
                f"a curriculum may be at most {MAX_FILE_BYTES // 2**20} MB"
            ],
        ) from None
    except FileNotFoundError:
        raise CurriculumError(source, ["no such file"]) from None
    except PermissionError:
        raise CurriculumError(source, ["cannot be read (permission denied)"]) from None
    except OSError as error:
        raise CurriculumError(source, [f"cannot be read ({error.strerror or error})"]) from None
    return _load_checked(data, source, recheck)


def _without_gc(build: Callable[..., Curriculum]) -> Callable[..., Curriculum]:
    """Run with the cyclic garbage collector paused.

    Loading makes a great many objects and no garbage cycles; on a file of
    thousands of stations the collector's passes over them took as long as the
    loading itself.
    """

    @functools.wraps(build)
    def paused(*args: Any, **kwargs: Any) -> Curriculum:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return build(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


@_without_gc
def _load_checked(data: bytes, source: str, recheck: bool) -> Curriculum:
    from metrotui import curriculum_cache

    rows = None if recheck else curriculum_cache.read(data)
    if rows is not None:
        try:
            return Curriculum.from_rows(rows)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError):
            pass  # not the shape this version builds from: check the file instead
    from metrotui.curriculum_check import check

    rows = check(data, source)
    curriculum = Curriculum.from_rows(rows)
    curriculum_cache.write(data, rows)
    return curriculum


@_without_gc
def parse_curriculum(data: bytes, source: str = "<curriculum>") -> Curriculum:
    """Check a curriculum given as bytes (no cache), or raise CurriculumError."""
    from metrotui.curriculum_check import check

    return Curriculum.from_rows(check(data, source))
