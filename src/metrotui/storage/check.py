"""Checking a curriculum file: every problem in it, found at once.

Runs only when a file's bytes have not been checked before (see
metrotui.storage.cache), because importing pydantic and building its models
costs more than the rest of a launch.  Two passes over the parsed JSON, so that
a user sees every problem at once: pydantic checks the shape of each object, and
a second pass checks what pydantic cannot see from one object alone (unique ids,
known references between stations, cycles).  Both passes report JSON locations
such as ``stations[4].prerequisites[0]``.

The pydantic models are built from the file format's records in
metrotui.core.curriculum (which may not import pydantic): each field's kind
(an id, a title, a list of one or more...) is given its check here, and the
rows handed on follow the same fields.
"""

from __future__ import annotations

import functools
import json
import operator
import re
import sys
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, create_model

from metrotui.core.curriculum import (
    REFERENCE_KINDS,
    REQUIRED,
    SCHEMA_VERSION,
    CurriculumError,
    FileField,
    Rows,
    TopLevel,
    file_fields,
    records,
)
from metrotui.core.text import clean_block, clean_line
from metrotui.core.words import closest

MAX_TITLE_CHARS = 200
MAX_STATION_NUMBER = 1_000_000

# Literal[a_tuple] is Literal[a, b, ...]: the kinds are listed once, in metrotui.core.curriculum.
ReferenceKind = Literal[REFERENCE_KINDS]  # type: ignore[valid-type]

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def _check_id(value: str) -> str:
    if not _ID.fullmatch(value):
        raise ValueError(
            f"{_quote(value)} is not a valid id (use up to 64 letters, digits, '-', '_' or '.', "
            "starting with a letter or digit)"
        )
    return value


def _check_title(value: str) -> str:
    value = clean_line(value)
    if not value:
        raise ValueError("must not be empty")
    if len(value) > MAX_TITLE_CHARS:
        raise ValueError(f"is {len(value)} characters long; the limit is {MAX_TITLE_CHARS}")
    return value


def _check_url(value: str) -> str:
    scheme, sep, rest = value.partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not rest:
        raise ValueError(f"{value[:80]!r} is not an http(s) URL")
    # Format characters (bidi overrides, zero-width spaces) would make the URL
    # shown differ from the URL opened; a real URL percent-encodes them.  (Printable
    # ASCII without a space has none of them: the usual case skips the character loop.)
    plain = value.isascii() and value.isprintable() and " " not in value
    if not plain and any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        raise ValueError("a URL must not contain spaces or control characters")
    return value


def _check_color(value: str) -> str:
    if not _COLOR.fullmatch(value):
        raise ValueError(f"{value[:40]!r} is not a colour (use #rrggbb)")
    return value


def _check_number(value: int) -> int:
    if not 0 < value <= MAX_STATION_NUMBER:
        digits = len(str(abs(value)))
        # A number thousands of digits long would bury the message under it.
        shown = str(value) if digits <= 20 else f"a {digits}-digit number"
        raise ValueError(f"{shown} is out of range (1 to {MAX_STATION_NUMBER:,})")
    return value


Id = Annotated[str, AfterValidator(_check_id)]
Title = Annotated[str, AfterValidator(_check_title)]
Summary = Annotated[str, AfterValidator(clean_block)]
Url = Annotated[str, AfterValidator(_check_url)]
Color = Annotated[str, AfterValidator(_check_color)]
StationNumber = Annotated[int, AfterValidator(_check_number)]


class _Model(BaseModel):
    # strict: a number written as a string is a mistake in a hand-edited file,
    # not something to coerce; forbid: a misspelt key must not pass silently.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# The kinds of field the file format (metrotui.core.curriculum) names, as pydantic checks them.
_CHECKS: dict[str, Any] = {
    "id": Id,
    "title": Title,
    "summary": Summary,
    "url": Url,
    "color": Color,
    "station number": StationNumber,
    "reference kind": ReferenceKind,
}


def _model(record: type, name: str | None = None) -> type[_Model]:
    """The pydantic model of a record of the file format, nested records included."""
    fields: dict[str, Any] = {field.name: _model_field(field) for field in file_fields(record)}
    return create_model(name or record.__name__, __base__=_Model, **fields)


@functools.cache
def _record_model(record: type) -> type[_Model]:
    return _model(record)


def _model_field(field: FileField) -> tuple[Any, Any]:
    if field.record is not None:
        annotation: Any = _record_model(field.record)
    elif field.kind is not None:
        annotation = _CHECKS[field.kind.name]
    else:
        annotation = field.plain
    default = field.default
    if field.many is not None:
        annotation = list[annotation]
        # default_factory, not []: pydantic deep-copies a literal default for every item.
        default = Field(min_length=1) if default is REQUIRED else Field(default_factory=list)
    elif field.optional:
        annotation = annotation | None
    return annotation, default


CurriculumModel = _model(TopLevel, "CurriculumModel")


def _quote(value: object, limit: int = 60) -> str:
    """A value from the file, quoted for a message, and cut short if it is long."""
    text = str(value)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


class _Suggestions:
    """'Did you mean' hints within a budget of comparisons.

    Each hint compares a word with every candidate, so a big file full of
    unknown ids would take minutes; past the budget, problems come without hints.
    """

    BUDGET = 200_000
    MAX_WORD = 100  # an id is at most 64 characters; longer words are not typos of one

    def __init__(self) -> None:
        self.left = self.BUDGET

    def hint(self, word: str, candidates: Collection[str]) -> str:
        if len(word) > self.MAX_WORD or len(candidates) > self.left:
            return ""
        self.left -= max(len(candidates), 1)
        match = closest(word, candidates)
        return f" (did you mean {match!r}?)" if match else ""


def location(parts: Iterable[int | str]) -> str:
    """A JSON location such as ``stations[4].topics[0]``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _did_you_mean(word: str, candidates: Collection[str]) -> str:
    return _Suggestions().hint(word, candidates)


def check(data: bytes, source: str) -> Rows:
    raw = _parse_json(data, source)
    if not isinstance(raw, dict):
        raise CurriculumError(
            source, [f"the top level must be a JSON object, not {_json_type(raw)}"]
        )
    version = raw.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise CurriculumError(
            source,
            [
                f"uses schema_version {version}, newer than this metrotui understands "
                f"({SCHEMA_VERSION}); upgrade metrotui to open it"
            ],
        )
    problems: list[str] = []
    if version != SCHEMA_VERSION and isinstance(version, int) and not isinstance(version, bool):
        problems.append(f"schema_version: {version} is not supported (expected {SCHEMA_VERSION})")
    checked: BaseModel | None = None
    try:
        checked = CurriculumModel.model_validate(raw)
    except ValidationError as error:
        problems += [_describe(item) for item in error.errors(include_url=False)]
    problems += _cross_reference_problems(raw)
    if problems or checked is None:
        raise CurriculumError(source, _unique(problems))
    return _rows(checked)


def _rows(checked: BaseModel) -> Rows:
    """The checked curriculum as plain tuples: what metrotui.core.curriculum builds from."""
    return _row_maker(TopLevel)(checked)


@functools.cache
def _row_maker(record: type) -> Callable[[Any], tuple[Any, ...]]:
    """What turns a checked model into its row: plain tuples all the way down."""
    fields = file_fields(record)
    values = operator.attrgetter(*(field.name for field in fields))
    converted = [
        (index, _value_maker(field))
        for index, field in enumerate(fields)
        if field.record is not None or field.many is not None
    ]
    if not converted:
        return values

    def row(model: Any) -> tuple[Any, ...]:
        items = list(values(model))
        for index, convert in converted:
            items[index] = convert(items[index])
        return tuple(items)

    return row


def _value_maker(field: FileField) -> Callable[[Any], Any]:
    if field.record is None:
        return tuple
    inner = _row_maker(field.record)
    if field.many is not None:
        return lambda models: tuple(map(inner, models))
    return lambda model: None if model is None else inner(model)


def _parse_json(data: bytes, source: str) -> Any:
    if data.startswith(b"\xef\xbb\xbf"):
        raise CurriculumError(
            source, ["starts with a byte-order mark (BOM); save it as UTF-8 without a BOM"]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CurriculumError(
            source, [f"is not UTF-8 text (byte {error.start} is {data[error.start]:#04x})"]
        ) from None
    if not text.strip():
        raise CurriculumError(source, ["is empty"])
    repeated: list[_RepeatedKeys] = []

    def keep_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) == len(pairs):
            return result
        marked = _RepeatedKeys(result)
        marked.key = _first_repeated(pairs)
        repeated.append(marked)
        return marked

    try:
        raw = json.loads(text, object_pairs_hook=keep_pairs)
    except json.JSONDecodeError as error:
        raise CurriculumError(
            source,
            [
                f"line {error.lineno}, column {error.colno}: not valid JSON "
                f"({error.msg}{_syntax_hint(text, error.pos)})"
            ],
        ) from None
    except RecursionError:
        raise CurriculumError(source, ["is nested too deeply to be a curriculum"]) from None
    except ValueError:
        # An integer with thousands of digits, which Python refuses to convert.
        raise CurriculumError(source, [_too_long_number(text)]) from None
    if repeated:
        where, key = _find_repeated_key(raw)
        prefix = f"{where}: " if where else ""
        raise CurriculumError(
            source, [f"{prefix}the key {_quote(key)} appears twice in one object"]
        )
    return raw


def _syntax_hint(text: str, position: int) -> str:
    """What is at the place JSON stopped, when it is a usual mistake."""
    here = text[position : position + 2]
    if here in ("//", "/*"):
        return "; JSON has no comments"
    if here[:1] == "\x00":
        return "; found a NUL byte"
    return ""


class _RepeatedKeys(dict[str, Any]):
    """A JSON object in which some key appeared more than once (the last one won)."""

    key: str = ""


def _first_repeated(pairs: list[tuple[str, Any]]) -> str:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            return key
        seen.add(key)
    return ""


def _find_repeated_key(raw: Any) -> tuple[str, str]:
    """Where the first object with a repeated key is, in document order, and the key."""
    stack: list[tuple[Any, tuple[int | str, ...]]] = [(raw, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, _RepeatedKeys):
            return location(path), value.key
        if isinstance(value, dict):
            children = [(child, (*path, key)) for key, child in value.items()]
        elif isinstance(value, list):
            children = [(child, (*path, index)) for index, child in enumerate(value)]
        else:
            continue
        stack.extend(reversed(children))
    return "", ""


_NUMBER_OR_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?')


def _too_long_number(text: str) -> str:
    """Name the integer that Python refused to convert, and where it is."""
    limit = sys.get_int_max_str_digits() or len(text)
    for match in _NUMBER_OR_STRING.finditer(text):
        token = match.group()
        if not token.lstrip("-").isdigit() or len(token.lstrip("-")) <= limit:
            continue  # a string, a fraction, or an integer Python converts
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - text.rfind("\n", 0, match.start())
        digits = len(token.lstrip("-"))
        return (
            f"not valid JSON (a number in it is too long: {digits} digits, "
            f"at line {line}, column {column})"
        )
    return "not valid JSON (a number in it is too long)"


def _unique(problems: list[str]) -> list[str]:
    return list(dict.fromkeys(problems))


# Describing pydantic's errors in the curriculum's own terms ----------------

_ALL_FIELDS = sorted({field.name for record in records() for field in file_fields(record)})

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "int_from_float": "a whole number",
}


def _describe(error: Any) -> str:
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "missing":
        where = location(loc[:-1])
        message = f"missing key {loc[-1]!r}"
    elif kind == "extra_forbidden":
        where = location(loc[:-1])
        key = str(loc[-1])
        message = f"unknown key {_quote(key)}{_did_you_mean(key, _ALL_FIELDS)}"
    elif kind in _EXPECTED:
        where = location(loc)
        message = f"expected {_EXPECTED[kind]}, got {_json_type(error.get('input'))}"
    elif kind == "literal_error":
        where = location(loc)
        message = f"{_quote(error.get('input'))} is not one of: {', '.join(REFERENCE_KINDS)}"
    elif kind in ("too_short", "list_too_short", "tuple_too_short"):
        where = location(loc)
        message = (
            "must not be empty"
            if loc and loc[-1] != "topics"
            else "a station needs at least one topic"
        )
    elif kind == "value_error":
        where = location(loc)
        message = str(error["ctx"]["error"]) if "ctx" in error else error["msg"]
    else:
        where = location(loc)
        message = error["msg"][:1].lower() + error["msg"][1:]
    return f"{where}: {message}" if where else message


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# Cross-references ------------------------------------------------------------


def _items(raw: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    value = raw.get(key) if isinstance(raw, dict) else None
    if not isinstance(value, list):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)]


def _text(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) else None


def _claim(
    owners: dict[Any, int],
    value: Any,
    shown: str,
    where: str,
    index: int,
    key: str,
    problems: list[str],
) -> None:
    """Give ``value`` to ``where[index]``, or report it taken by an earlier one."""
    if value in owners:
        problems.append(
            f"{where}[{index}].{key}: {shown} is already used by {where}[{owners[value]}]"
        )
    else:
        owners[value] = index


def _cross_reference_problems(raw: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    suggestions = _Suggestions()
    lines = _items(raw, "lines")
    stations = _items(raw, "stations")

    line_ids: dict[str, int] = {}
    for index, line in lines:
        line_id = _text(line, "id")
        if line_id is not None:
            _claim(line_ids, line_id, _quote(line_id), "lines", index, "id", problems)

    station_ids: dict[str, int] = {}
    numbers: dict[int, int] = {}
    for index, station in stations:
        station_id = _text(station, "id")
        if station_id is not None:
            _claim(station_ids, station_id, _quote(station_id), "stations", index, "id", problems)
        number = station.get("number")
        if isinstance(number, int) and not isinstance(number, bool):
            _claim(numbers, number, str(number), "stations", index, "number", problems)

    topic_ids: dict[str, str] = {}
    for index, station in stations:
        for topic_index, topic in _items(station, "topics"):
            topic_id = _text(topic, "id")
            if topic_id is None:
                continue
            where = f"stations[{index}].topics[{topic_index}].id"
            if topic_id in topic_ids:
                problems.append(
                    f"{where}: {_quote(topic_id)} is already used by {topic_ids[topic_id]}"
                )
            elif topic_id in station_ids:
                problems.append(
                    f"{where}: {_quote(topic_id)} is also a station id; "
                    "a topic needs an id of its own"
                )
            else:
                topic_ids[topic_id] = where.removesuffix(".id")

    graph: dict[str, list[str]] = {}
    for index, station in stations:
        station_id = _text(station, "id")
        line_id = _text(station, "line")
        if line_id is not None and line_ids and line_id not in line_ids:
            problems.append(
                f"stations[{index}].line: unknown line {_quote(line_id)}"
                f"{suggestions.hint(line_id, line_ids)}"
            )
        prerequisites = station.get("prerequisites")
        if not isinstance(prerequisites, list):
            continue
        known: list[str] = []
        seen: set[str] = set()
        for pre_index, prerequisite in enumerate(prerequisites):
            if not isinstance(prerequisite, str):
                continue
            where = f"stations[{index}].prerequisites[{pre_index}]"
            if prerequisite == station_id:
                problems.append(f"{where}: a station cannot be its own prerequisite")
            elif prerequisite not in station_ids:
                problems.append(
                    f"{where}: unknown station {_quote(prerequisite)}"
                    f"{suggestions.hint(prerequisite, station_ids)}"
                )
            elif prerequisite in seen:
                problems.append(f"{where}: {_quote(prerequisite)} is listed twice")
            else:
                known.append(prerequisite)
                seen.add(prerequisite)
        if station_id is not None and station_ids.get(station_id) == index:
            graph[station_id] = known

    for cycle in _cycles(graph):
        first = station_ids[cycle[0]]
        problems.append(
            f"stations[{first}].prerequisites: prerequisites form a cycle: {_show_cycle(cycle)}"
        )
    return problems


def _show_cycle(cycle: list[str], ends: int = 6) -> str:
    """A cycle as 'a → b → a', with the middle of a very long one left out."""
    if len(cycle) <= 2 * ends + 1:
        return " → ".join(cycle)
    hidden = len(cycle) - 2 * ends
    return " → ".join([*cycle[:ends], f"… {hidden} more …", *cycle[-ends:]])


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Each cycle in the prerequisite graph, found by an iterative depth-first search."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    cycles: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    for start in graph:
        if start in state:
            continue
        path: list[str] = [start]
        stack: list[Iterator[str]] = [iter(graph.get(start, ()))]
        state[start] = 1
        while stack:
            node = next(stack[-1], None)
            if node is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            if state.get(node) == 1:
                # Print the cycle in the direction a learner reads it: a needs b
                # is drawn as b → a, so reverse the path of "needs" edges.
                loop = path[path.index(node) :]
                members = frozenset(loop)
                if members not in seen:
                    seen.add(members)
                    ordered = list(reversed(loop))
                    cycles.append([*ordered, ordered[0]])
            elif node not in state:
                state[node] = 1
                path.append(node)
                stack.append(iter(graph.get(node, ())))
    return cycles
