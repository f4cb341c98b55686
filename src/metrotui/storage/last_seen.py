"""The version of each curriculum a learner last saw, and what changed since.

Per curriculum id, one file in the data folder (metrotui.paths.last_seen_file):
a first line with the fingerprint of the curriculum file seen last, then the
outline of that version (metrotui.core.compare: ids, titles, stations and
prerequisites, no summaries), the latest change found and whether the learner
has been told of it, and where topics that have gone used to be.

A load reads only the first line when the fingerprint is the same and no
change waits to be told, which is every load but the first after a change.
Everything here is best effort: a missing, damaged or unwritable file costs
only what it would have told, and nothing here raises.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from metrotui.core.curriculum import KEY_SEPARATOR
from metrotui.paths import last_seen_file
from metrotui.storage.curriculum_file import FINGERPRINT

if TYPE_CHECKING:
    # Imported where used: a load that finds nothing new (nearly every one) never needs them.
    from metrotui.core.compare import Change, Entry, Outline
    from metrotui.core.curriculum import Curriculum

FORMAT = "metrotui last seen, format 1"
# A copy bigger than this keeps only its fingerprint: the next change is then
# taken as a first sight, told of nothing, rather than a slow load.
MAX_BYTES = 4 * 2**20
# A curriculum with more stations and topics than this is not outlined at all
# (building and writing an outline of 100,000 stations took most of a second).
MAX_ENTRIES = 50_000
MAX_HEAD_BYTES = 512
MAX_GONE = 5_000  # where topics that went used to be; the oldest are dropped first


class LastSeen:
    """What is kept for one curriculum.  (A plain class: a dataclass costs a launch its making.)"""

    __slots__ = ("fingerprint", "outline", "change", "changed", "told", "gone")

    def __init__(
        self,
        fingerprint: str,
        outline: Outline | None,
        change: Change | None = None,
        changed: str = "",
        told: bool = True,
        gone: dict[str, Entry] | None = None,
    ) -> None:
        self.fingerprint = fingerprint
        self.outline = outline
        self.change = change
        self.changed = changed  # when the change was found
        self.told = told  # whether the learner has been told of it
        # A recorded spelling of a topic that went (its id, station/topic) -> where it was.
        self.gone: dict[str, Entry] = gone or {}

    def but(self, **changes: Any) -> LastSeen:
        """A copy with some fields changed."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        return LastSeen(**{**fields, **changes})

    def was_in(self, key: str) -> Entry | None:
        """Where a mark's topic was, if it went in a change metrotui saw."""
        return self.gone.get(key)


def fingerprint_of(curriculum: Curriculum) -> str:
    known = curriculum.memo.get(FINGERPRINT)
    if isinstance(known, str):
        return known
    import zlib

    from metrotui.core.compare import outline

    return f"outline-{zlib.crc32(repr(outline(curriculum)).encode()):08x}"


def look(curriculum: Curriculum, *, tell: bool, path: Path | None = None) -> Change | None:
    """Remember ``curriculum`` as seen; return its latest change if the learner is to be told now.

    With ``tell`` the change is returned once and then marked told; without it
    (the app, which has its own way to show it) it waits for the next command
    that tells.  When nothing changed and nothing waits, one line is read.
    """
    path = path or last_seen_file(curriculum.id)
    now = fingerprint_of(curriculum)
    head = _head(path)
    if head is not None and head[0] == now and (head[1] or not tell):
        return None
    seen = read(path) if head is not None else None
    if seen is None or seen.fingerprint != now:
        seen = _seen_now(curriculum, now, seen)
    news = seen.change if tell and not seen.told else None
    if news is not None:
        seen = seen.but(told=True)
    write(path, seen)
    return news


def _seen_now(curriculum: Curriculum, now: str, before: LastSeen | None) -> LastSeen:
    from metrotui.core.compare import compare, outline

    if len(curriculum.stations) + curriculum.topic_count > MAX_ENTRIES:
        return LastSeen(now, None)
    new_outline = outline(curriculum)
    if before is None or before.outline is None:
        return LastSeen(now, new_outline)
    change = compare(before.outline, new_outline)
    if change.empty:
        return before.but(fingerprint=now, outline=new_outline)
    from metrotui.storage.progress import now_utc

    gone = _with_gone(before.gone, change)
    return LastSeen(now, new_outline, change, now_utc(), told=False, gone=gone)


def latest(curriculum: Curriculum, path: Path | None = None) -> LastSeen | None:
    """What is kept for ``curriculum`` after looking at it (its latest change, what went)."""
    path = path or last_seen_file(curriculum.id)
    look(curriculum, tell=False, path=path)
    return read(path)


def _with_gone(gone: dict[str, Entry], change: Change) -> dict[str, Entry]:
    from metrotui.core.compare import Entry

    found = dict(gone)
    for entry in change.topics_removed:
        where = Entry(entry.station, entry.station_title, entry.topic, entry.title)
        for spelling in (entry.topic, f"{entry.station}{KEY_SEPARATOR}{entry.topic}"):
            found.pop(spelling, None)  # re-added last: the newest is kept longest
            found[spelling] = where
    for entry in change.stations_removed:
        found.pop(entry.station, None)
        found[entry.station] = entry
    return dict(list(found.items())[-MAX_GONE:])


# The file ---------------------------------------------------------------------------


def _head(path: Path) -> tuple[str, bool] | None:
    """The fingerprint on the first line, and whether the learner has been told of the change."""
    try:
        with path.open("rb") as handle:
            line = handle.readline(MAX_HEAD_BYTES)
    except OSError:
        return None
    return _head_value(line)


def read(path: Path) -> LastSeen | None:
    """The record in ``path``, or None if there is none that can be used."""
    from metrotui.storage.files import read_bounded

    try:
        data = read_bounded(path, MAX_BYTES + MAX_HEAD_BYTES)
    except OSError:
        return None
    head, _, body = data.partition(b"\n")
    found = _head_value(head)
    if found is None:
        return None
    try:
        return _from_json(found[0], json.loads(body))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _head_value(head: bytes) -> tuple[str, bool] | None:
    try:
        value = json.loads(head)
    except ValueError:
        return None
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        return None
    fingerprint, told = value.get("fingerprint"), value.get("told")
    if not isinstance(fingerprint, str) or not isinstance(told, bool):
        return None
    return fingerprint, told


def write(path: Path, seen: LastSeen) -> None:
    """Keep ``seen`` in ``path``, bounded; quietly do nothing if that fails."""
    from metrotui.core.text import safe_json
    from metrotui.storage.atomic import write_atomic

    told = seen.told or seen.change is None
    head = json.dumps({"format": FORMAT, "fingerprint": seen.fingerprint, "told": told}).encode()
    body = safe_json(_to_json(seen)).encode()
    if len(body) > MAX_BYTES:
        body = safe_json(_to_json(seen.but(outline=None, change=None, gone={}))).encode()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, head + b"\n" + body + b"\n")


def _to_json(seen: LastSeen) -> dict[str, Any]:
    return {
        "outline": None if seen.outline is None else _outline_json(seen.outline),
        "change": None if seen.change is None else seen.change.to_json(),
        "changed": seen.changed,
        "told": seen.told,
        "gone": {key: entry._asdict() for key, entry in seen.gone.items()},
    }


def _from_json(fingerprint: str, data: dict[str, Any]) -> LastSeen:
    from metrotui.core.compare import Change, Entry

    shape = data["outline"]
    change = data["change"]
    return LastSeen(
        fingerprint,
        None if shape is None else _outline(shape),
        None if change is None else Change.from_json(change),
        str(data["changed"]),
        bool(data["told"]),
        {str(key): Entry(**value) for key, value in data["gone"].items()},
    )


def _outline_json(shape: Outline) -> dict[str, Any]:
    return {
        "id": shape.id,
        "title": shape.title,
        "stations": [
            {
                "id": s.id,
                "title": s.title,
                "line": s.line,
                "needs": [list(group) for group in s.needs],
                "topics": [[t.id, t.title, list(t.formerly)] for t in s.topics],
                "formerly": list(s.formerly),
            }
            for s in shape.stations
        ],
    }


def _outline(data: dict[str, Any]) -> Outline:
    from metrotui.core.compare import Outline, StationOutline, TopicOutline

    return Outline(
        str(data["id"]),
        str(data["title"]),
        tuple(
            StationOutline(
                str(s["id"]),
                str(s["title"]),
                str(s["line"]),
                tuple(tuple(map(str, group)) for group in s["needs"]),
                tuple(TopicOutline(str(i), str(t), tuple(map(str, f))) for i, t, f in s["topics"]),
                tuple(map(str, s["formerly"])),
            )
            for s in data["stations"]
        ),
    )
