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
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from itertools import repeat
from operator import attrgetter
from types import NoneType, UnionType
from typing import Annotated, Any, NamedTuple, TypeAlias, TypeVar, get_args, get_origin

from metrotui.core.words import closest

SCHEMA_VERSION = 2  # the newest this metrotui reads; version 1 files keep their rules
MAX_PROBLEMS_SHOWN = 50

# Between a station's id and a topic's in a qualified key: no id has it.
KEY_SEPARATOR = "/"

REFERENCE_KINDS = ("book", "free-book", "video", "paper", "docs", "repo", "article", "course")

# The checked form of a curriculum, as nested tuples of str, int and None, one
# tuple per record with its fields in the order declared below.  It is what the
# check returns and what the cache stores.
Rows = tuple[Any, ...]

# The file format -----------------------------------------------------------

REQUIRED: Any = ...  # as a FieldKind's default: the key must be in the file


class FieldKind:
    """What a field holds in the file; metrotui.storage.check checks each kind its own way."""

    __slots__ = ("name", "default", "since", "relaxed")

    def __init__(
        self, name: str, default: Any = REQUIRED, *, since: int = 1, relaxed: Any = REQUIRED
    ) -> None:
        self.name = name
        self.default = default  # what a missing key means, or REQUIRED
        self.since = since  # the first schema version that has the key
        # What a missing key means from schema version 2 on, for a key version 1 requires.
        self.relaxed = relaxed

    def default_in(self, version: int) -> Any:
        """What a missing key means in a file of ``version``, or REQUIRED."""
        if self.default is REQUIRED and version >= 2:
            return self.relaxed
        return self.default

    def __repr__(self) -> str:
        return f"FieldKind({self.name!r})"


class MappingKind(FieldKind):
    """A field that is an object of short texts in the file, and (key, value) pairs here."""

    __slots__ = ()


_T = TypeVar("_T")

Id: TypeAlias = Annotated[str, FieldKind("id")]
Title: TypeAlias = Annotated[str, FieldKind("title")]
Summary: TypeAlias = Annotated[str, FieldKind("summary", "")]
Url: TypeAlias = Annotated[str, FieldKind("url")]
# A line without a colour (version 2) is given one from metrotui.core.palette;
# a station without a number, its place in the file.  The rows hold the result.
Color: TypeAlias = Annotated[str, FieldKind("color", relaxed="")]
StationNumber: TypeAlias = Annotated[int, FieldKind("station number", relaxed=0)]
ReferenceKind: TypeAlias = Annotated[str, FieldKind("reference kind", "article")]
BaseUrl: TypeAlias = Annotated[str, FieldKind("base url", "", since=2)]
# Lists in the file, tuples here.
OneOrMore: TypeAlias = Annotated[tuple[_T, ...], FieldKind("one or more")]
ZeroOrMore: TypeAlias = Annotated[tuple[_T, ...], FieldKind("zero or more", ())]
# Version 2 lets a station have no topics: it is then ticked as a whole.
Topics: TypeAlias = Annotated[tuple[_T, ...], FieldKind("one or more", relaxed=())]
# Short text fields (duration, effort, level...): an object in the file, pairs here.
Meta: TypeAlias = Annotated[tuple[tuple[str, str], ...], MappingKind("meta", (), since=2)]
# Ids a station or topic had in earlier versions of the file (version 2): marks
# recorded under them count for it.  A topic's may be ``old-station/topic``.
FormerId: TypeAlias = Annotated[str, FieldKind("former id")]
Formerly: TypeAlias = Annotated[tuple[FormerId, ...], FieldKind("zero or more", (), since=2)]


class Source(NamedTuple):
    url: Url
    license: Title
    attribution: Summary = ""


class Line(NamedTuple):
    id: Id
    name: Title
    color: Color
    description: Summary = ""
    meta: Meta = ()


class Topic(NamedTuple):
    id: Id
    title: Title
    summary: Summary = ""
    meta: Meta = ()
    formerly: Formerly = ()


class OneOf(NamedTuple):
    """A prerequisite met when any one of these stations is done (version 2)."""

    one_of: OneOrMore[Id]


# A station id, or (version 2) a OneOf.
Prerequisite: TypeAlias = Annotated[str | OneOf, FieldKind("prerequisite")]


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
    prerequisites: ZeroOrMore[Prerequisite]
    topics: Topics[Topic]
    references: ZeroOrMore[Reference]
    meta: Meta = ()
    formerly: Formerly = ()

    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(topic.id for topic in self.topics)

    @property
    def needs(self) -> tuple[tuple[str, ...], ...]:
        """The prerequisites as groups of station ids, each met when any one of it is done.

        A plain prerequisite is a group of one.
        """
        return tuple(
            item.one_of if isinstance(item, OneOf) else (item,) for item in self.prerequisites
        )

    @property
    def prerequisite_ids(self) -> tuple[str, ...]:
        """Every station named among the prerequisites, each once, in the file's order."""
        return tuple(dict.fromkeys(sid for group in self.needs for sid in group))


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
    base_url: BaseUrl
    meta: Meta


class FileField:
    """One field of a record, as the file has it: read from the record's annotations."""

    __slots__ = ("name", "kind", "plain", "record", "many", "optional", "choice", "mapping")

    def __init__(self, name: str, hint: Any) -> None:
        if isinstance(hint, str):
            raise TypeError(
                f"{name}: {hint!r} is a string; declare records without postponed annotations"
            )
        self.name = name
        self.many: FieldKind | None = None  # the list's kind, for a list
        self.optional = False  # a record that may be missing (None)
        self.choice: type | None = None  # the record a value may be instead of plain text
        hint, kind = _unannotated(hint)
        self.mapping = isinstance(kind, MappingKind)
        if self.mapping:
            hint = dict
        elif get_origin(hint) is tuple:
            self.many = kind
            hint, kind = _unannotated(get_args(hint)[0])
        elif get_origin(hint) is UnionType:
            (hint,) = (arg for arg in get_args(hint) if arg is not NoneType)
            self.optional = True
        if get_origin(hint) is UnionType:  # text or a record, such as a prerequisite
            (self.choice,) = (arg for arg in get_args(hint) if _is_record(arg))
            hint = str
        self.kind: FieldKind | None = kind  # of each value; None for a record or a plain type
        self.plain: type = hint
        self.record: type | None = hint if _is_record(hint) else None

    @property
    def default(self) -> Any:
        """What a missing key means in a version 1 file, or REQUIRED."""
        return self.default_in(1)

    def default_in(self, version: int) -> Any:
        """What a missing key means in a file of ``version``, or REQUIRED."""
        if self.many is not None:
            return self.many.default_in(version)
        if self.optional:
            return None
        return REQUIRED if self.kind is None else self.kind.default_in(version)

    @property
    def since(self) -> int:
        """The first schema version whose files may have this key."""
        kind = self.many or self.kind
        return 1 if kind is None else kind.since

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
            for inner in (field.record, field.choice):
                if inner is not None and inner not in found:
                    found.append(inner)
    return tuple(found)


def _row_builder(record: type) -> Callable[[tuple[Any, ...]], Any]:
    """What turns a checked row into ``record``: its nested rows built too."""
    make: Callable[[Iterable[Any]], Any] = record._make  # type: ignore[attr-defined]
    nested = [
        (index, _value_builder(field))
        for index, field in enumerate(file_fields(record))
        if field.record is not None or field.choice is not None
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
    if field.choice is not None:
        make = _row_builder(field.choice)

        def chosen(value: Any) -> Any:
            return make(value) if isinstance(value, tuple) else value  # a row is the record

        if field.many is None:
            return chosen

        def each(values: tuple[Any, ...]) -> tuple[Any, ...]:
            if tuple in map(type, values):
                return tuple(map(chosen, values))
            return values  # the usual case, text only: nothing to build

        return each
    assert field.record is not None
    build = _row_builder(field.record)
    if field.many is None:
        return lambda row: None if row is None else build(row)
    if any(inner.record or inner.choice for inner in file_fields(field.record)):
        return lambda rows: tuple(map(build, rows))
    return _flat_rows_builder(field.record)


def _flat_rows_builder(record: type) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """What turns checked rows of a record with none nested in it (a topic) into
    records: in C, 100,000 of them in half the time ``_make`` takes."""
    new = functools.partial(tuple.__new__, record)
    size = len(record._fields)  # type: ignore[attr-defined]

    def each(rows: tuple[Any, ...]) -> tuple[Any, ...]:
        built = tuple(map(new, rows))
        # What _make would refuse: a row of another shape (and the caller then checks the file).
        if built and set(map(len, built)) != {size}:
            raise ValueError(f"{record.__name__} rows of another shape")
        return built

    return each


def _data(record: Any, fields: tuple[FileField, ...]) -> dict[str, Any]:
    """A record as JSON data in the file's own shape; a missing optional record is left out."""
    data: dict[str, Any] = {}
    for field in fields:
        value = getattr(record, field.name)
        if field.since > 1 and value == field.default_in(field.since):
            continue  # what a version 1 file cannot hold is written only when used
        if field.mapping:
            data[field.name] = dict(value)
        elif field.choice is not None:
            inner = file_fields(field.choice)
            data[field.name] = [
                _data(item, inner) if isinstance(item, tuple) else item for item in value
            ]
        elif field.record is None:
            data[field.name] = list(value) if field.many is not None else value
        elif field.many is not None:
            inner = file_fields(field.record)
            data[field.name] = [_data(item, inner) for item in value]
        elif value is not None:
            data[field.name] = _data(value, file_fields(field.record))
    return data


_topic_id = attrgetter("id")
_formerly = attrgetter("formerly")
_TOP_LEVEL = file_fields(TopLevel)
_TOP_LEVEL_BUILDERS = tuple(
    (
        field.name,
        _value_builder(field) if field.record is not None or field.choice is not None else None,
    )
    for field in _TOP_LEVEL
)
_top_level_values = attrgetter(*(field.name for field in _TOP_LEVEL))


class Curriculum(TopLevel):
    """A checked curriculum and the lookups the tracker, CLI and app ask of it."""

    __slots__ = (
        *TopLevel.__annotations__,
        "_lines",
        "_stations",
        "_key_station",
        "_topics",
        "_station_keys",
        "_qualified",
        "_dependents",
        "_order",
        "_former",
        "memo",
        "__weakref__",
    )

    def __init__(self, rows: Rows) -> None:
        """Build from checked rows: the top level's fields in order (see TopLevel)."""
        for (name, build), value in zip(_TOP_LEVEL_BUILDERS, rows, strict=True):
            setattr(self, name, value if build is None else build(value))
        stations = self.stations
        self._stations = {station.id: station for station in stations}
        # Topic ids that need their station to name one topic (never in version 1).
        self._qualified = self._ambiguous_topic_ids()
        key_station: dict[str, Station] = {}
        topics: dict[str, Topic] = {}
        station_keys: dict[str, tuple[str, ...]] = {}
        dependents: dict[str, list[Station]] = {station.id: [] for station in stations}
        for station in stations:
            keys = (
                tuple(map(_topic_id, station.topics))
                if station.topics and not self._qualified
                else self._keys(station)
            )
            station_keys[station.id] = keys
            key_station.update(zip(keys, repeat(station)))
            # Not strict: a station without topics has its own id as its one key.
            topics.update(zip(keys, station.topics, strict=False))
            for need in station.prerequisites:
                for prerequisite in (need,) if isinstance(need, str) else need.one_of:
                    dependents[prerequisite].append(station)
        self._lines = {line.id: line for line in self.lines}
        self._order = {station.id: index for index, station in enumerate(stations)}
        self._key_station = key_station
        self._topics = topics
        self._station_keys = station_keys
        self._dependents = dependents
        # Former ids (``formerly``) to the keys and stations they now are, made
        # on the first look-up that needs it: a launch never pays for it.
        self._former: tuple[dict[str, str], dict[str, str]] | None = None
        # What other layers work out from this curriculum (path members, map
        # topologies), kept on it: it never changes, and when it goes they go.
        self.memo: dict[Hashable, Any] = {}

    def _ambiguous_topic_ids(self) -> frozenset[str]:
        if self.schema_version < 2:
            return frozenset()  # the check holds version 1 ids unique, and apart from stations'
        every = [topic.id for station in self.stations for topic in station.topics]
        distinct = set(every)
        if len(distinct) == len(every) and self._stations.keys().isdisjoint(distinct):
            return frozenset()  # every version 1 file: each key is a bare topic id
        repeated = {topic_id for topic_id, n in Counter(every).items() if n > 1}
        return frozenset(repeated | (self._stations.keys() & distinct))

    def _keys(self, station: Station) -> tuple[str, ...]:
        if not station.topics:
            return (station.id,)
        return tuple(self._topic_key(station.id, topic.id) for topic in station.topics)

    def _topic_key(self, station_id: str, topic_id: str) -> str:
        # The bare id whenever it names one topic and no station, so that every
        # version 1 progress file (where that always holds) keeps its keys.
        if topic_id in self._qualified:
            return f"{station_id}{KEY_SEPARATOR}{topic_id}"
        return topic_id

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

    # Progress keys: what a mark is recorded under.  Every tickable thing has
    # one: a topic's is its id (or "station/topic" when its id alone names more
    # than one thing), a station without topics is ticked under its own id.
    def topic(self, key: str) -> Topic:
        """The topic recorded under ``key`` (a topic id, where it is a key)."""
        return self._topics[key]

    def has_topic(self, key: str) -> bool:
        return key in self._topics

    def has_key(self, key: str) -> bool:
        return key in self._key_station

    def station_of(self, key: str) -> Station:
        """The station a key belongs to: a topic's station, or the station ticked whole."""
        return self._key_station[key]

    def keys_of(self, station_id: str) -> tuple[str, ...]:
        """What ticking a whole station marks: its topics' keys, or its own id."""
        return self._station_keys[station_id]

    def topic_key(self, station_id: str, topic_id: str) -> str:
        """The key of topic ``topic_id`` of station ``station_id``."""
        key = self._topic_key(station_id, topic_id)
        if key not in self._topics or self._key_station[key].id != station_id:
            raise KeyError(f"{station_id}{KEY_SEPARATOR}{topic_id}")
        return key

    def key_for(self, recorded: str) -> str | None:
        """The key a recorded or typed mark stands for, or None if it stands for nothing.

        Both spellings of a topic are read: its bare id where that is its
        key, and ``station/topic`` always; and so are the ids it had before
        (its ``formerly``, and its station's), which is how a mark made on an
        earlier version of the file follows a renamed or moved topic.  Every
        reading of a mark goes through here.
        """
        if recorded in self._key_station:
            return recorded
        # A qualified spelling of a key that is a bare topic id.
        station_id, sep, topic_id = recorded.partition(KEY_SEPARATOR)
        if sep and topic_id in self._topics and self._key_station[topic_id].id == station_id:
            return topic_id
        return self._former_ids()[0].get(recorded)

    def station_id_for(self, recorded: str) -> str | None:
        """The station a recorded station id (a note's) stands for, its former ids too."""
        if recorded in self._stations:
            return recorded
        return self._former_ids()[1].get(recorded)

    @property
    def has_former_ids(self) -> bool:
        """Whether any station or topic names ids it used to have."""
        if self._former is None and not self._names_former_ids():
            return False  # asked on every load: no map of former ids made to say so
        keys, stations = self._former_ids()
        return bool(keys or stations)

    def _names_former_ids(self) -> bool:
        if self.schema_version < 2:
            return False  # ``formerly`` came with version 2
        return any(
            station.formerly or any(map(_formerly, station.topics)) for station in self.stations
        )

    def spellings(self) -> Iterator[tuple[str, str]]:
        """Every way a mark can be recorded, with the key it stands for.

        A key, its ``station/topic`` spelling, and the ids in ``formerly``: for
        walking the curriculum's own marks out of far more (a million, mostly
        for topics long gone), where asking key_for of each mark is the longer way.
        """
        for key in self._key_station:
            yield key, key
            qualified = self.qualified(key)
            if qualified != key:
                yield qualified, key
        yield from self._former_ids()[0].items()

    def former_key(self, recorded: str) -> str | None:
        """The key a former id (a ``formerly`` of this version) now is, or None."""
        return self._former_ids()[0].get(recorded)

    def _former_ids(self) -> tuple[dict[str, str], dict[str, str]]:
        if self._former is None:
            self._former = self._map_former_ids()
        return self._former

    def _map_former_ids(self) -> tuple[dict[str, str], dict[str, str]]:
        keys: dict[str, str] = {}
        stations: dict[str, str] = {}
        # ``old-station/topic`` also claims the bare ``topic``, the key the old
        # version most likely used, where no other former id claims it.
        implied: dict[str, set[str]] = {}
        for station in self.stations:
            names = (station.id, *station.formerly)
            for old in station.formerly:
                stations.setdefault(old, station.id)
            if not station.topics:
                for old in station.formerly:
                    keys.setdefault(old, station.id)
                continue
            for topic, key in zip(station.topics, self._station_keys[station.id], strict=True):
                for old_station in station.formerly:
                    keys.setdefault(f"{old_station}{KEY_SEPARATOR}{topic.id}", key)
                for old in topic.formerly:
                    keys.setdefault(old, key)
                    if KEY_SEPARATOR in old:
                        implied.setdefault(old.partition(KEY_SEPARATOR)[2], set()).add(key)
                        continue
                    for name in names:
                        keys.setdefault(f"{name}{KEY_SEPARATOR}{old}", key)
        for bare, claimants in implied.items():
            if len(claimants) == 1:
                keys.setdefault(bare, next(iter(claimants)))
        # A current key is never a former one (the check refuses that): drop any all the same.
        for current in self._key_station:
            keys.pop(current, None)
        return keys, stations

    def stations_with_topic(self, topic_id: str) -> list[Station]:
        """Every station that has a topic with this id (in a version 2 file, maybe many)."""
        if topic_id not in self._qualified:
            topic = self._topics.get(topic_id)
            return [] if topic is None else [self._key_station[topic_id]]
        return [s for s in self.stations if topic_id in s.topic_ids]

    def title_of(self, key: str) -> str:
        """What a key is called: its topic's title, or its station's for a station ticked whole."""
        topic = self._topics.get(key)
        return topic.title if topic is not None else self._key_station[key].title

    def dependents(self, station_id: str) -> list[Station]:
        """Stations that name ``station_id`` among their prerequisites (``one_of`` too)."""
        return self._dependents[station_id]

    def index(self, station_id: str) -> int:
        """A station's position in the curriculum (its order on the map)."""
        return self._order[station_id]

    def stations_on(self, line_id: str) -> list[Station]:
        return [station for station in self.stations if station.line == line_id]

    def all_topic_ids(self) -> Iterator[str]:
        """Every topic's key (for a version 1 file, every topic id)."""
        return iter(self._topics)

    def qualified(self, key: str) -> str:
        """A key in its ``station/topic`` spelling (a station's own key as it is)."""
        if key in self._topics and KEY_SEPARATOR not in key:
            return f"{self._key_station[key].id}{KEY_SEPARATOR}{key}"
        return key

    def all_keys(self) -> Iterator[str]:
        """Every key a mark can be recorded under, in the curriculum's order."""
        return iter(self._key_station)

    def suggest(self, unknown: str) -> str | None:
        """The closest station or topic id to a misspelt one, if any is close."""
        return closest(unknown, [*self._stations, *self._topics])

    @property
    def topic_count(self) -> int:
        """How many things can be ticked: topics, and stations without topics."""
        return len(self._key_station)


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
