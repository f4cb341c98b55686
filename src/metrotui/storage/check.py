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

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    create_model,
)

from metrotui.core.curriculum import (
    KEY_SEPARATOR,
    REFERENCE_KINDS,
    REQUIRED,
    SCHEMA_VERSION,
    CurriculumError,
    FileField,
    Line,
    OneOf,
    Reference,
    Rows,
    Source,
    Station,
    TopLevel,
    file_fields,
)
from metrotui.core.palette import line_colors
from metrotui.core.text import clean_block, clean_line
from metrotui.core.words import closest

MAX_TITLE_CHARS = 200
MAX_STATION_NUMBER = 1_000_000
MAX_ID_CHARS = 128  # from schema version 2; version 1 allows 64 ASCII characters
MAX_META_KEY_CHARS = 40
MAX_META_ENTRIES = 32

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


def _check_unicode_id(value: str) -> str:
    """A version 2 id: Unicode letters and digits, NFC, as the rest of metrotui compares them."""
    value = unicodedata.normalize("NFC", value)
    if not (0 < len(value) <= MAX_ID_CHARS and _id_start(value[0]) and all(map(_id_char, value))):
        raise ValueError(
            f"{_quote(value)} is not a valid id (use up to {MAX_ID_CHARS} letters, digits, "
            "'-', '_' or '.', starting with a letter or digit)"
        )
    return value


def _check_former_id(value: str) -> str:
    """An id a station or topic used to have: an id, or a topic's ``old-station/topic``."""
    parts = value.split(KEY_SEPARATOR)
    if len(parts) > 2:
        raise ValueError(
            f"{_quote(value)} is not a former id (an id, or station/topic for a topic that moved)"
        )
    return KEY_SEPARATOR.join(map(_check_unicode_id, parts))


def _id_start(ch: str) -> bool:
    return ch.isalpha() or ch.isdecimal()


def _id_char(ch: str) -> bool:
    # Marks too: many scripts write vowels as combining marks after a letter.
    return _id_start(ch) or ch in "-_." or unicodedata.category(ch).startswith("M")


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


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _check_reference_url(value: str) -> str:
    """A version 2 URL: http(s), a mailto: address, or relative (to the curriculum's base_url)."""
    scheme = _SCHEME.match(value)
    if scheme is None or scheme.group().lower() == "mailto:":
        if not value or (scheme is not None and len(value) == len(scheme.group())):
            raise ValueError(f"{value[:80]!r} is not a URL")
        _refuse_hidden_characters(value)
        return value
    if "://" not in value:
        raise ValueError(f"{value[:80]!r} is not an http(s) URL, a mailto: address or a path")
    return _check_url(value)


def _refuse_hidden_characters(value: str) -> None:
    if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        raise ValueError("a URL must not contain spaces or control characters")


def _check_meta(value: dict[str, str]) -> tuple[tuple[str, str], ...]:
    if len(value) > MAX_META_ENTRIES:
        raise ValueError(f"has {len(value)} fields; the limit is {MAX_META_ENTRIES}")
    pairs: dict[str, str] = {}
    for key, text in value.items():
        name = clean_line(key)
        if not name:
            raise ValueError("a field's name must not be empty")
        if name in pairs:  # two names that differ only in spaces or control characters
            raise ValueError(f"the field name {_quote(name)} is given twice")
        if len(name) > MAX_META_KEY_CHARS:
            raise ValueError(
                f"the field name {_quote(name)} is {len(name)} characters long; "
                f"the limit is {MAX_META_KEY_CHARS}"
            )
        shown = clean_line(text)
        if len(shown) > MAX_TITLE_CHARS:
            raise ValueError(
                f"the field {_quote(name)} is {len(shown)} characters long; "
                f"the limit is {MAX_TITLE_CHARS}"
            )
        pairs[name] = shown
    return tuple(pairs.items())


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
UnicodeId = Annotated[str, AfterValidator(_check_unicode_id)]
ReferenceUrl = Annotated[str, AfterValidator(_check_reference_url)]
Meta = Annotated[dict[str, str], AfterValidator(_check_meta)]
FormerId = Annotated[str, AfterValidator(_check_former_id)]
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
    "prerequisite": Id,
    "base url": Url,
    "meta": Meta,
    "former id": FormerId,
}
# What schema version 2 checks otherwise (it builds a prerequisite in _kind_check).
_CHECKS_2: dict[str, Any] = {**_CHECKS, "id": UnicodeId, "url": ReferenceUrl}

# Tags of the two kinds of prerequisite, left out of the locations shown.
_PLAIN, _CHOICE = "<id>", "<one_of>"


def _kind_check(name: str, version: int) -> Any:
    if version < 2:
        return _CHECKS[name]
    if name == "prerequisite":
        return Annotated[
            Annotated[UnicodeId, Tag(_PLAIN)] | Annotated[_record_model(OneOf, 2), Tag(_CHOICE)],
            Discriminator(lambda value: _CHOICE if isinstance(value, dict | BaseModel) else _PLAIN),
        ]
    return _CHECKS_2[name]


def _model(record: type, name: str | None = None, version: int = 1) -> type[_Model]:
    """The pydantic model of a record of the file format as ``version`` has it."""
    fields: dict[str, Any] = {
        field.name: _model_field(field, version)
        for field in file_fields(record)
        if field.since <= version
    }
    return create_model(name or record.__name__, __base__=_Model, **fields)


@functools.cache
def _record_model(record: type, version: int = 1) -> type[_Model]:
    return _model(record, version=version)


def _model_field(field: FileField, version: int = 1) -> tuple[Any, Any]:
    if field.record is not None:
        annotation: Any = _record_model(field.record, version)
    elif field.kind is not None:
        annotation = _kind_check(field.kind.name, version)
    else:
        annotation = field.plain
    default = field.default_in(version)
    if field.many is not None:
        annotation = list[annotation]
        # default_factory, not []: pydantic deep-copies a literal default for every item.
        default = Field(min_length=1) if default is REQUIRED else Field(default_factory=list)
    elif field.optional:
        annotation = annotation | None
    elif field.mapping:
        default = Field(default_factory=tuple)  # as the check makes it: pairs
    return annotation, default


CurriculumModel = _model(TopLevel, "CurriculumModel")


@functools.cache
def _top_model(version: int) -> type[_Model]:
    return CurriculumModel if version < 2 else _model(TopLevel, "CurriculumModel", version)


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
    if (
        version not in (1, SCHEMA_VERSION)
        and isinstance(version, int)
        and not isinstance(version, bool)
    ):
        # Worded as version 1 worded it, which is what the corpus of bad files pins.
        problems.append(f"schema_version: {version} is not supported (expected 1)")
    rules = 2 if version == 2 else 1
    checked: BaseModel | None = None
    try:
        checked = _top_model(rules).model_validate(raw)
    except ValidationError as error:
        problems += [_describe(item, rules) for item in error.errors(include_url=False)]
    problems += _cross_reference_problems(raw, rules)
    if problems or checked is None:
        raise CurriculumError(source, _unique(problems))
    rows = _rows(checked, rules)
    return rows if rules < 2 else _completed(rows)


def _rows(checked: BaseModel, version: int = 1) -> Rows:
    """The checked curriculum as plain tuples: what metrotui.core.curriculum builds from."""
    return _row_maker(TopLevel, version)(checked)


@functools.cache
def _row_maker(record: type, version: int = 1) -> Callable[[Any], tuple[Any, ...]]:
    """What turns a checked model of ``version`` into its row: plain tuples all the way down.

    A key that the schema version does not have gets its default.
    """
    fields = file_fields(record)
    values = _getter(fields, version)
    converted = [
        (index, _value_maker(field, version))
        for index, field in enumerate(fields)
        if field.record is not None or field.many is not None or field.choice is not None
    ]
    if not converted:
        return values

    def row(model: Any) -> tuple[Any, ...]:
        items = list(values(model))
        for index, convert in converted:
            items[index] = convert(items[index])
        return tuple(items)

    return row


def _getter(fields: tuple[FileField, ...], version: int) -> Callable[[Any], tuple[Any, ...]]:
    """What reads a row's values off a model (attrgetter: rows are made by the hundred thousand)."""
    have = [field.name for field in fields if field.since <= version]
    if have != [field.name for field in fields[: len(have)]]:
        raise TypeError(f"declare the fields of later schema versions last: {fields}")
    missing = tuple(field.default_in(field.since) for field in fields[len(have) :])
    get = operator.attrgetter(*have)
    if len(have) == 1:
        return lambda model: (get(model), *missing)
    if not missing:
        return get
    return lambda model: get(model) + missing


def _value_maker(field: FileField, version: int) -> Callable[[Any], Any]:
    if field.choice is not None and version >= 2:  # a version 1 prerequisite is only text
        choice = _row_maker(field.choice, version)

        def either(value: Any) -> Any:
            return choice(value) if isinstance(value, BaseModel) else value

        return (lambda values: tuple(map(either, values))) if field.many is not None else either
    if field.record is None:
        return tuple
    inner = _row_maker(field.record, version)
    if field.many is not None:
        return lambda models: tuple(map(inner, models))
    return lambda model: None if model is None else inner(model)


def _completed(rows: Rows) -> Rows:
    """A version 2 curriculum's rows with what the file may leave out filled in.

    Lines get colours from the palette, stations their place as a number, and
    relative URLs are resolved against base_url (the check refused them without one).
    """
    from urllib.parse import urljoin

    top = _field_index(TopLevel)
    line_at, station_at, ref_at = _field_index(Line), _field_index(Station), _field_index(Reference)
    base = rows[top["base_url"]]

    def absolute(url: str) -> str:
        return url if _SCHEME.match(url) else urljoin(base, url)

    lines = rows[top["lines"]]
    missing = [index for index, line in enumerate(lines) if not line[line_at["color"]]]
    colours = dict(zip(missing, line_colors(len(missing)), strict=True))
    lines = tuple(
        _with(line, line_at["color"], colours[index]) if index in colours else line
        for index, line in enumerate(lines)
    )
    stations = []
    for index, station in enumerate(rows[top["stations"]]):
        if not station[station_at["number"]]:
            station = _with(station, station_at["number"], index + 1)
        references = tuple(
            _with(ref, ref_at["url"], absolute(ref[ref_at["url"]]))
            for ref in station[station_at["references"]]
        )
        stations.append(_with(station, station_at["references"], references))
    source = rows[top["source"]]
    if source is not None:
        url_at = _field_index(Source)["url"]
        source = _with(source, url_at, absolute(source[url_at]))
    completed = _with(rows, top["lines"], lines)
    completed = _with(completed, top["stations"], tuple(stations))
    return _with(completed, top["source"], source)


@functools.cache
def _field_index(record: type) -> dict[str, int]:
    return {field.name: index for index, field in enumerate(file_fields(record))}


def _with(row: tuple[Any, ...], index: int, value: Any) -> tuple[Any, ...]:
    return (*row[:index], value, *row[index + 1 :])


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


def _known_keys(version: int) -> list[str]:
    """Every key a file of ``version`` may have, in the records that version reaches."""
    found: list[type] = [TopLevel]
    keys: set[str] = set()
    for record in found:
        for field in file_fields(record):
            if field.since > version:
                continue
            keys.add(field.name)
            # A prerequisite may be a record (one_of) only from version 2.
            for inner in (field.record, field.choice if version >= 2 else None):
                if inner is not None and inner not in found:
                    found.append(inner)
    return sorted(keys)


# Every key of a version 1 file: what "did you mean" offers for one.
_ALL_FIELDS = _known_keys(1)
_KNOWN_KEYS = {1: _ALL_FIELDS, 2: _known_keys(2)}

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


def _describe(error: Any, version: int = 1) -> str:
    loc = tuple(part for part in error["loc"] if part not in (_PLAIN, _CHOICE))
    kind = error["type"]
    if kind == "missing":
        where = location(loc[:-1])
        message = f"missing key {loc[-1]!r}"
    elif kind == "extra_forbidden":
        where = location(loc[:-1])
        key = str(loc[-1])
        message = f"unknown key {_quote(key)}{_did_you_mean(key, _KNOWN_KEYS[version])}"
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


def _text(item: dict[str, Any], key: str, version: int = 1) -> str | None:
    """The text under ``key``; an id in a version 2 file compared as NFC, as it is checked."""
    value = item.get(key)
    if not isinstance(value, str):
        return None
    return unicodedata.normalize("NFC", value) if version >= 2 else value


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


def _cross_reference_problems(raw: dict[str, Any], version: int = 1) -> list[str]:
    problems: list[str] = []
    suggestions = _Suggestions()
    lines = _items(raw, "lines")
    stations = _items(raw, "stations")

    line_ids: dict[str, int] = {}
    for index, line in lines:
        line_id = _text(line, "id", version)
        if line_id is not None:
            _claim(line_ids, line_id, _quote(line_id), "lines", index, "id", problems)

    station_ids: dict[str, int] = {}
    numbers: dict[int, int] = {}
    for index, station in stations:
        station_id = _text(station, "id", version)
        if station_id is not None:
            _claim(station_ids, station_id, _quote(station_id), "stations", index, "id", problems)
        number = station.get("number")
        # From version 2 a number is a label, which parts of a course may repeat.
        if version < 2 and isinstance(number, int) and not isinstance(number, bool):
            _claim(numbers, number, str(number), "stations", index, "number", problems)

    problems += _topic_id_problems(stations, station_ids, version)
    if version >= 2:
        problems += _former_id_problems(stations, station_ids)
    problems += _relative_url_problems(raw, stations, version)

    graph: dict[str, list[str]] = {}
    for index, station in stations:
        station_id = _text(station, "id", version)
        line_id = _text(station, "line", version)
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
        for where, prerequisite in _named_prerequisites(index, prerequisites, version):
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


def _named_prerequisites(
    index: int, prerequisites: list[Any], version: int
) -> Iterator[tuple[str, str]]:
    """(location, station id) for each station a station's prerequisites name.

    A ``one_of``'s members are edges too: a cycle through any choice is refused,
    so the map and every route can always order stations by what they need.
    """
    for pre_index, prerequisite in enumerate(prerequisites):
        where = f"stations[{index}].prerequisites[{pre_index}]"
        if isinstance(prerequisite, str):
            yield where, _ident(prerequisite, version)
        elif version >= 2 and isinstance(prerequisite, dict):
            members = prerequisite.get("one_of")
            if isinstance(members, list):
                for member_index, member in enumerate(members):
                    if isinstance(member, str):
                        yield f"{where}.one_of[{member_index}]", _ident(member, version)


def _ident(value: str, version: int) -> str:
    return unicodedata.normalize("NFC", value) if version >= 2 else value


def _topic_id_problems(
    stations: list[tuple[int, dict[str, Any]]], station_ids: dict[str, int], version: int
) -> list[str]:
    """Topic ids used twice: across the file in version 1, within one station from version 2."""
    problems: list[str] = []
    topic_ids: dict[str, str] = {}
    for index, station in stations:
        if version >= 2:
            topic_ids = {}  # a topic is named by its station too: ids repeat across stations
        for topic_index, topic in _items(station, "topics"):
            topic_id = _text(topic, "id", version)
            if topic_id is None:
                continue
            where = f"stations[{index}].topics[{topic_index}].id"
            if topic_id in topic_ids:
                problems.append(
                    f"{where}: {_quote(topic_id)} is already used by {topic_ids[topic_id]}"
                )
            elif version < 2 and topic_id in station_ids:
                problems.append(
                    f"{where}: {_quote(topic_id)} is also a station id; "
                    "a topic needs an id of its own"
                )
            else:
                topic_ids[topic_id] = where.removesuffix(".id")
    return problems


def _former_id_problems(
    stations: list[tuple[int, dict[str, Any]]], station_ids: dict[str, int]
) -> list[str]:
    """Former ids that would make a recorded mark mean two things.

    A former id must name nothing in this version of the file, and only one
    station or topic may claim it; a station's has no ``/``.
    """
    problems: list[str] = []
    current_topics: dict[str, str] = {}  # every current topic's spellings -> where it is
    for index, station in stations:
        station_id = _text(station, "id", 2)
        for topic_index, topic in _items(station, "topics"):
            topic_id = _text(topic, "id", 2)
            if topic_id is not None:
                where = f"stations[{index}].topics[{topic_index}]"
                current_topics.setdefault(topic_id, where)
                current_topics.setdefault(f"{station_id}{KEY_SEPARATOR}{topic_id}", where)
    station_claims: dict[str, str] = {}
    topic_claims: dict[str, str] = {}
    for index, station in stations:
        for where, old in _former_ids(station, f"stations[{index}]"):
            if KEY_SEPARATOR in old:
                problems.append(
                    f"{where}: {_quote(old)} has a '/'; a station's former id is a plain id"
                )
            elif old in station_ids:
                problems.append(
                    f"{where}: {_quote(old)} is the id of stations[{station_ids[old]}]; "
                    "a former id must not be a current one"
                )
            elif old in station_claims:
                problems.append(
                    f"{where}: {_quote(old)} is already claimed by {station_claims[old]}"
                )
            else:
                station_claims[old] = where.rpartition(".")[0]
        for topic_index, topic in _items(station, "topics"):
            owner = f"stations[{index}].topics[{topic_index}]"
            for where, old in _former_ids(topic, owner):
                if old in current_topics or old in station_ids:
                    taken = current_topics.get(old) or f"stations[{station_ids[old]}]"
                    problems.append(
                        f"{where}: {_quote(old)} names {taken}; "
                        "a former id must not be a current one"
                    )
                elif old in topic_claims:
                    problems.append(
                        f"{where}: {_quote(old)} is already claimed by {topic_claims[old]}"
                    )
                else:
                    topic_claims[old] = owner
    return problems


def _former_ids(item: dict[str, Any], owner: str) -> Iterator[tuple[str, str]]:
    formerly = item.get("formerly")
    if isinstance(formerly, list):
        for index, old in enumerate(formerly):
            if isinstance(old, str):
                yield f"{owner}.formerly[{index}]", unicodedata.normalize("NFC", old)


def _relative_url_problems(
    raw: dict[str, Any], stations: list[tuple[int, dict[str, Any]]], version: int
) -> list[str]:
    """Relative URLs in a file with no base_url to resolve them against."""
    if version < 2 or isinstance(raw.get("base_url"), str):
        return []
    found: list[tuple[str, Any]] = []
    source = raw.get("source")
    if isinstance(source, dict):
        found.append(("source.url", source.get("url")))
    for index, station in stations:
        for ref_index, reference in _items(station, "references"):
            found.append((f"stations[{index}].references[{ref_index}].url", reference.get("url")))
    return [
        f"{where}: {_quote(url)} is a relative URL; add a base_url to the curriculum "
        "to resolve it against"
        for where, url in found
        if isinstance(url, str) and url and _SCHEME.match(url) is None
    ]


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
