"""The curriculum: lines, stations, topics and references, as metrotui uses them.

A file is checked once, by metrotui.storage.check (pydantic, every problem
reported at once).  What the check produces, plain tuples of cleaned text, is
kept in a cache keyed by the file's bytes (metrotui.storage.cache), so the
next load of the same file builds these objects straight from the cache and
never imports pydantic: that import and pydantic's model building cost more
than the rest of a launch.  The objects are small named tuples, immutable, and
cheap to build by the tens of thousands.

The records below are also the one statement of the file format.  Each field
is annotated with what it holds in the file (an ``Id``, a ``Title``, a list of
one or more topics...); the check builds its pydantic models from these
annotations, and the rows, ``to_data`` and the names of known keys follow the
same fields, so a new field is one line here (the cache's fingerprint holds
the fields, so entries of the old shape are not used).  This module leaves
its annotations unquoted (no ``from __future__ import annotations``) so that
they are objects when the class is made: reading them costs a launch nothing.
"""

import functools
from collections.abc import Callable, Hashable, Iterable, Iterator
from operator import attrgetter
from types import NoneType, UnionType
from typing import Annotated, Any, NamedTuple, TypeAlias, TypeVar, get_args, get_origin

from metrotui.core.words import closest

SCHEMA_VERSION = 1
MAX_PROBLEMS_SHOWN = 50

REFERENCE_KINDS = ("book", "free-book", "video", "paper", "docs", "repo", "article", "course")

# The checked form of a curriculum, as nested tuples of str, int and None, one
# tuple per record with its fields in the order declared below.  It is what the
# check returns and what the cache stores.
Rows = tuple[Any, ...]

# The file format -----------------------------------------------------------

REQUIRED: Any = ...  # as a FieldKind's default: the key must be in the file


class FieldKind:
    """What a field holds in the file; metrotui.storage.check checks each kind its own way."""

    __slots__ = ("name", "default")

    def __init__(self, name: str, default: Any = REQUIRED) -> None:
        self.name = name
        self.default = default  # what a missing key means, or REQUIRED

    def __repr__(self) -> str:
        return f"FieldKind({self.name!r})"


_T = TypeVar("_T")

Id: TypeAlias = Annotated[str, FieldKind("id")]
Title: TypeAlias = Annotated[str, FieldKind("title")]
Summary: TypeAlias = Annotated[str, FieldKind("summary", "")]
Url: TypeAlias = Annotated[str, FieldKind("url")]
Color: TypeAlias = Annotated[str, FieldKind("color")]
StationNumber: TypeAlias = Annotated[int, FieldKind("station number")]
ReferenceKind: TypeAlias = Annotated[str, FieldKind("reference kind", "article")]
# Lists in the file, tuples here.
OneOrMore: TypeAlias = Annotated[tuple[_T, ...], FieldKind("one or more")]
ZeroOrMore: TypeAlias = Annotated[tuple[_T, ...], FieldKind("zero or more", ())]


class Source(NamedTuple):
    url: Url
    license: Title
    attribution: Summary = ""


class Line(NamedTuple):
    id: Id
    name: Title
    color: Color
    description: Summary = ""


class Topic(NamedTuple):
    id: Id
    title: Title
    summary: Summary = ""


class Reference(NamedTuple):
    title: Title
    url: Url
    kind: ReferenceKind = "article"


class Station(NamedTuple):
    id: Id
    number: StationNumber
    title: Title
    line: Id
    summary: Summary
    prerequisites: ZeroOrMore[Id]
    topics: OneOrMore[Topic]
    references: ZeroOrMore[Reference]

    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(topic.id for topic in self.topics)


class TopLevel:
    """The top level of a curriculum file; Curriculum adds its lookups to these."""

    __slots__ = ()

    schema_version: int
    id: Id
    title: Title
    description: Summary
    source: Source | None
    lines: OneOrMore[Line]
    stations: OneOrMore[Station]


class FileField:
    """One field of a record, as the file has it: read from the record's annotations."""

    __slots__ = ("name", "kind", "plain", "record", "many", "optional")

    def __init__(self, name: str, hint: Any) -> None:
        if isinstance(hint, str):
            raise TypeError(
                f"{name}: {hint!r} is a string; declare records without postponed annotations"
            )
        self.name = name
        self.many: FieldKind | None = None  # the list's kind, for a list
        self.optional = False  # a record that may be missing (None)
        hint, kind = _unannotated(hint)
        if get_origin(hint) is tuple:
            self.many = kind
            hint, kind = _unannotated(get_args(hint)[0])
        elif get_origin(hint) is UnionType:
            (hint,) = (arg for arg in get_args(hint) if arg is not NoneType)
            self.optional = True
        self.kind: FieldKind | None = kind  # of each value; None for a record or a plain type
        self.plain: type = hint
        self.record: type | None = hint if _is_record(hint) else None

    @property
    def default(self) -> Any:
        """What a missing key means, or REQUIRED."""
        if self.many is not None:
            return self.many.default
        if self.optional:
            return None
        return REQUIRED if self.kind is None else self.kind.default

    def __repr__(self) -> str:
        return f"FileField({self.name!r})"


def _unannotated(hint: Any) -> tuple[Any, FieldKind | None]:
    kinds = [meta for meta in getattr(hint, "__metadata__", ()) if isinstance(meta, FieldKind)]
    return (hint.__origin__, kinds[0]) if kinds else (hint, None)


def _is_record(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, tuple) and hasattr(hint, "_fields")


@functools.cache
def file_fields(record: type) -> tuple[FileField, ...]:
    """The fields of a record (or of TopLevel), in the file's order."""
    return tuple(FileField(name, hint) for name, hint in record.__annotations__.items())


def records() -> tuple[type, ...]:
    """TopLevel and every record nested in it, each once, outermost first."""
    found: list[type] = [TopLevel]
    for record in found:
        for field in file_fields(record):
            if field.record is not None and field.record not in found:
                found.append(field.record)
    return tuple(found)


def _row_builder(record: type) -> Callable[[tuple[Any, ...]], Any]:
    """What turns a checked row into ``record``: its nested rows built too."""
    make: Callable[[Iterable[Any]], Any] = record._make  # type: ignore[attr-defined]
    nested = [
        (index, _value_builder(field))
        for index, field in enumerate(file_fields(record))
        if field.record is not None
    ]
    if not nested:
        return make

    def build(row: tuple[Any, ...]) -> Any:
        values = list(row)
        for index, inner in nested:
            values[index] = inner(values[index])
        return make(values)

    return build


def _value_builder(field: FileField) -> Callable[[Any], Any]:
    assert field.record is not None
    build = _row_builder(field.record)
    if field.many is not None:
        return lambda rows: tuple(map(build, rows))
    return lambda row: None if row is None else build(row)


def _data(record: Any, fields: tuple[FileField, ...]) -> dict[str, Any]:
    """A record as JSON data in the file's own shape; a missing optional record is left out."""
    data: dict[str, Any] = {}
    for field in fields:
        value = getattr(record, field.name)
        if field.record is None:
            data[field.name] = list(value) if field.many is not None else value
        elif field.many is not None:
            inner = file_fields(field.record)
            data[field.name] = [_data(item, inner) for item in value]
        elif value is not None:
            data[field.name] = _data(value, file_fields(field.record))
    return data


_TOP_LEVEL = file_fields(TopLevel)
_TOP_LEVEL_BUILDERS = tuple(
    (field.name, _value_builder(field) if field.record is not None else None)
    for field in _TOP_LEVEL
)
_top_level_values = attrgetter(*(field.name for field in _TOP_LEVEL))


class Curriculum(TopLevel):
    """A checked curriculum and the lookups the tracker, CLI and app ask of it."""

    __slots__ = (
        *TopLevel.__annotations__,
        "_lines",
        "_stations",
        "_topic_station",
        "_topics",
        "_dependents",
        "_order",
        "memo",
        "__weakref__",
    )

    def __init__(self, rows: Rows) -> None:
        """Build from checked rows: the top level's fields in order (see TopLevel)."""
        for (name, build), value in zip(_TOP_LEVEL_BUILDERS, rows, strict=True):
            setattr(self, name, value if build is None else build(value))
        stations = self.stations
        topic_station: dict[str, Station] = {}
        topics: dict[str, Topic] = {}
        dependents: dict[str, list[Station]] = {station.id: [] for station in stations}
        for station in stations:
            for topic in station.topics:
                topic_station[topic.id] = station
                topics[topic.id] = topic
            for prerequisite in station.prerequisites:
                dependents[prerequisite].append(station)
        self._lines = {line.id: line for line in self.lines}
        self._stations = {station.id: station for station in stations}
        self._order = {station.id: index for index, station in enumerate(stations)}
        self._topic_station = topic_station
        self._topics = topics
        self._dependents = dependents
        # What other layers work out from this curriculum (path members, map
        # topologies), kept on it: it never changes, and when it goes they go.
        self.memo: dict[Hashable, Any] = {}

    @classmethod
    def from_rows(cls, rows: Rows) -> "Curriculum":
        return cls(rows)

    def to_data(self) -> dict[str, Any]:
        """The curriculum as JSON data in the file's own shape."""
        return _data(self, _TOP_LEVEL)

    def _fields(self) -> tuple[Any, ...]:
        return _top_level_values(self)

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
