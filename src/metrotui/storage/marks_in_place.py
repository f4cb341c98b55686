"""Marks looked up, and ticks spliced, in place in a big progress file metrotui wrote.

A million marks make a 48 MB progress file.  Parsing it takes json about a
second and writing it again half of one, yet ``metrotui done`` needs only to
know whether the curriculum's own keys are marked, how many marks there are,
and to add a line or two.  In the layout ``progress_bytes`` writes, the done
marks are one per line, sorted by id: a mark is found by binary search over
the lines, and a tick is the file's bytes with its line put in its place
(``undo`` takes lines out; ``known`` leaves them and writes what follows).
The file stays exactly what a full rewrite would give, byte for byte, so
every other reader (an older metrotui, an export, a merge, the app's
watcher) sees one ordinary file, replaced atomically under the lock as ever.

Only bytes recorded as written by ``progress_bytes`` (storage/written) are
read this way; any other file is read whole, as before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from metrotui.core.curriculum import Curriculum
from metrotui.core.text import escape_unsafe_json
from metrotui.storage import written
from metrotui.storage.progress import (
    _SURROGATE_ESCAPE,
    DamagedProgress,
    NotProgress,
    Progress,
    ProgressError,
    ProgressStore,
    now_utc,
    parse_progress,
    progress_bytes,
    with_done,
    with_known,
    without,
)

_INDENT = b'\n    "'  # how each mark's line begins, after the line before it
_BLOCK_END = b"\n  }"


class SortedMarks(Mapping[str, str]):
    """A map of marks read in place: ``"id": "time"`` lines, sorted by id, nothing escaped.

    ``start`` is the newline before the first line and ``end`` the one that
    closes the map.  UTF-8 sorts as code points do, so the bytes sort as
    the ids.
    """

    def __init__(self, data: bytes, start: int, end: int, count: int | None = None) -> None:
        self.data, self.start, self.end = data, start, end
        self._count = data.count(b"\n", start, end) if count is None else count
        self._whole: dict[str, str] | None = None

    def find(self, key: str) -> tuple[int, bool]:
        """Where the line of ``key`` starts (its newline), or where it would go; and if found."""
        wanted, data = key.encode(), self.data
        low, high = self.start, self.end
        while low < high:
            line = data.rfind(b"\n", low, (low + high) // 2 + 1)
            id_start = line + len(_INDENT)
            id_end = data.index(b'"', id_start)
            found = data[id_start:id_end]
            if found == wanted:
                return line, True
            if found < wanted:
                low = data.find(b"\n", id_end, self.end + 1)
            else:
                high = line
        return low, False

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.find(key)[1]

    def __getitem__(self, key: str) -> str:
        line, found = self.find(key)
        if not found:
            raise KeyError(key)
        value_start = self.data.index(b'": "', line) + 4
        return self.data[value_start : self.data.index(b'"', value_start)].decode()

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        return iter(self.whole())

    def whole(self) -> dict[str, str]:
        """Every mark, parsed (once): for a reader that walks them all."""
        if self._whole is None:
            marks: dict[str, str] = json.loads(b"{" + self.data[self.start : self.end] + b"}")
            self._whole = marks
        return self._whole


@dataclass(frozen=True)
class Marks:
    """What is marked: a command about to tick needs no more."""

    done: Mapping[str, str]
    known: Mapping[str, str]


@dataclass(frozen=True)
class InPlace:
    """A big progress file of ours: its done marks in place, the rest parsed."""

    data: bytes
    head: int  # where the done map's opening brace is
    done: SortedMarks
    rest: Progress  # everything but the done marks (those are empty here)

    @property
    def marks(self) -> Marks:
        return Marks(self.done, self.rest.known)


def _head(curriculum_id: str) -> bytes:
    """How a progress file of ours begins, up to its done map."""
    empty = progress_bytes(Progress(curriculum=curriculum_id))
    return empty[: -len(b"{}\n}\n")]


def read_in_place(data: bytes, curriculum_id: str, *, known_ours: bool = False) -> InPlace | None:
    """The file read in place, or None if it must be read whole.

    ``known_ours``: these bytes were found recorded (or were written) a moment ago.
    """
    if len(data) < written.IN_PLACE_BYTES:
        return None
    head = _head(curriculum_id)
    opening = len(head)
    # Another curriculum's file, or no done marks to look up: read whole.
    if not data.startswith(head) or data[opening : opening + 2] != b"{\n":
        return None
    start = opening + 1
    end = data.find(_BLOCK_END, start)
    # An escape would sort apart from the text it stands for.
    if end < 0 or data.find(b"\\", start, end) >= 0 or not (known_ours or written.is_ours(data)):
        return None
    remainder = data[:opening] + b"{}" + data[end + len(_BLOCK_END) :]
    if re.search(_SURROGATE_ESCAPE, remainder):
        return None  # a lone surrogate is repaired by a save that reads the file whole
    try:
        rest = parse_progress(remainder, curriculum_id, "")
    except (DamagedProgress, NotProgress, ProgressError):
        return None
    return InPlace(data, opening, SortedMarks(data, start, end), rest)


def needs_rekeying(view: InPlace, curriculum: Curriculum) -> bool:
    """Whether anything in the file is under a former id (a save would move it)."""
    if not curriculum.has_former_ids:
        return False
    marks = view.marks
    for spelling, _key in curriculum.spellings():
        if curriculum.former_key(spelling) is not None and (
            spelling in marks.done or spelling in marks.known
        ):
            return True
    return any(
        not curriculum.has_station(station) and curriculum.station_id_for(station) is not None
        for station in view.rest.notes
    )


def _plain(text: str) -> bool:
    """Whether json writes ``text`` between its quotes as it is (and it sorts as it is)."""
    quoted = json.dumps(text, ensure_ascii=False)
    return quoted[1:-1] == text and escape_unsafe_json(quoted) == quoted


def _after_done(view: InPlace, known: dict[str, str]) -> tuple[Progress, memoryview]:
    """What follows the done map with ``known`` as the known marks: the file's own
    bytes if they are the same, else written anew; and the rest of the file parsed."""
    if known == view.rest.known:
        return view.rest, memoryview(view.data)[view.done.end + len(_BLOCK_END) :]
    rest = replace(view.rest, known=known)
    return rest, memoryview(progress_bytes(rest))[view.head + len(b"{}") :]


def ticked(view: InPlace, keys: Iterable[str], stamp: str) -> InPlace | None:
    """The file with ``keys`` ticked, its bytes as progress_bytes would write them;
    ``view`` itself if nothing changes, or None if this cannot be done in place."""
    done, data = view.done, view.data
    wanted = sorted({key for key in keys if key not in done})
    if not all(map(_plain, [*wanted, stamp])):
        return None
    known = view.rest.known
    gone = set(wanted)
    kept = {k: v for k, v in known.items() if k not in gone and k not in done}
    if not wanted and kept == known:
        return view
    rest, tail = _after_done(view, kept)
    # Slices of a memoryview are not copies: the bytes are copied once, by join.
    whole = memoryview(data)
    tail_start = done.end + len(_BLOCK_END)
    pieces: list[bytes | memoryview] = []
    taken = 0
    for key in wanted:
        place = done.find(key)[0]
        line = f'"{key}": "{stamp}"'.encode()
        pieces.append(whole[taken:place])
        # A line goes before the one at its place, or after the last.
        pieces.append(b",\n    " + line if place == done.end else _INDENT[:-1] + line + b",")
        taken = place
    pieces.append(whole[taken:tail_start])  # the rest of the done map, and its brace
    pieces.append(tail)
    spliced = b"".join(pieces)
    # The done map ends where it did, moved on by the lines put in before it.
    end = spliced.find(_BLOCK_END, done.end)
    marks = SortedMarks(spliced, done.start, end, count=len(done) + len(wanted))
    return InPlace(spliced, view.head, marks, rest)


def known_added(view: InPlace, keys: Iterable[str], stamp: str) -> InPlace:
    """The file with ``keys`` marked known (those done aside), as progress_bytes would
    write it: the done marks stay as they are, what follows them is written anew."""
    known = dict(view.rest.known)
    for key in keys:
        if key not in view.done:
            known.setdefault(key, stamp)
    if known == view.rest.known:
        return view
    rest, tail = _after_done(view, known)
    done = view.done
    spliced = b"".join([memoryview(view.data)[: done.end + len(_BLOCK_END)], tail])
    return InPlace(spliced, view.head, SortedMarks(spliced, done.start, done.end, len(done)), rest)


def unticked(view: InPlace, keys: Iterable[str]) -> InPlace | None:
    """The file with ``keys`` neither done nor known, its bytes as progress_bytes would
    write them; ``view`` itself if nothing changes, or None if this cannot be done in place."""
    done, data = view.done, view.data
    wanted = set(keys)
    gone = {key for key in wanted if key in done}
    if gone and len(gone) == len(done):
        return None  # no mark left: the map is written ``{}``, another layout
    known = view.rest.known
    kept = {k: v for k, v in known.items() if k not in wanted}
    if not gone and kept == known:
        return view
    # Each mark's line, from the newline before it to the next (its comma with it).
    spans: list[tuple[int, int]] = []
    for key in sorted(gone):
        line = done.find(key)[0]
        spans.append((line, data.find(b"\n", line + 1, done.end + 1)))
    if spans and spans[-1][1] == done.end:
        # The last marks go: the one left last loses the comma after it. Lines
        # taken out just before them join their span, so the comma is found.
        start = spans[-1][0]
        while len(spans) > 1 and spans[-2][1] == start:
            spans.pop()
            start = spans[-1][0]
        spans[-1] = (start - 1, done.end)  # the comma ends the line before
    rest, tail = _after_done(view, kept)
    whole = memoryview(data)
    tail_start = done.end + len(_BLOCK_END)
    pieces: list[bytes | memoryview] = []
    taken = 0
    for span_start, span_end in spans:
        pieces.append(whole[taken:span_start])
        taken = span_end
    pieces.append(whole[taken:tail_start])
    pieces.append(tail)
    spliced = b"".join(pieces)
    end = spliced.find(_BLOCK_END, done.start)
    marks = SortedMarks(spliced, done.start, end, count=len(done) - len(gone))
    return InPlace(spliced, view.head, marks, rest)


class InPlaceStore(ProgressStore):
    """A progress store that ticks a big file of its own in place (see above)."""

    _view: InPlace | None = None  # the last file read in place

    def marks(self) -> Marks:
        """What is marked on disk now, read as the next save will write it.

        A big file this store wrote is looked up in place, without parsing
        every mark; any other is read whole, as ``load`` reads it.
        """
        view = self._in_place(self._read_bytes())
        if view is not None:
            return view.marks
        progress = self._rekeyed(self.load())
        return Marks(progress.done, progress.known)

    def add_marks(self, keys: Iterable[str], when: str | None = None) -> Marks:
        """``mark``, spliced into a big file this store wrote instead of rewriting it whole."""
        wanted, stamp = list(keys), when or now_utc()
        return self._spliced(
            lambda view: ticked(view, wanted, stamp),
            lambda progress: with_done(progress, wanted, stamp),
        )

    def add_known(self, keys: Iterable[str], when: str | None = None) -> Marks:
        """``mark_known``, leaving the done marks of a big file this store wrote in place."""
        wanted, stamp = list(keys), when or now_utc()
        return self._spliced(
            lambda view: known_added(view, wanted, stamp),
            lambda progress: with_known(progress, wanted, stamp),
        )

    def remove_marks(self, keys: Iterable[str]) -> Marks:
        """``unmark``, spliced out of a big file this store wrote instead of rewriting it whole."""
        gone = list(keys)
        return self._spliced(
            lambda view: unticked(view, gone), lambda progress: without(progress, gone)
        )

    def _spliced(
        self,
        in_place: Callable[[InPlace], InPlace | None],
        whole: Callable[[Progress], Progress],
    ) -> Marks:
        """A change made to the bytes in place where it can be, else to the file read whole."""
        self._refuse_before_locking()
        with self._lock():
            view = self._in_place(self._read_bytes())
            after_view = None if view is None else in_place(view)
            if after_view is None:
                after = self._changed(whole)
                return Marks(after.done, after.known)
            if after_view is not view:
                self._write_bytes(after_view.data)
                self._view = after_view if self._ours is after_view.data else None
            return after_view.marks

    def _in_place(self, data: bytes | None) -> InPlace | None:
        if data is None or len(data) < written.IN_PLACE_BYTES:
            return None
        view = self._view
        if view is None or not (data is view.data or data == view.data):
            ours = data is self._ours or data == self._ours
            view = read_in_place(data, self.curriculum_id, known_ours=ours)
            if view is None:
                return None
        if self.curriculum is not None and needs_rekeying(view, self.curriculum):
            return None
        self._view = view  # read again under the lock: the same bytes need no second look
        return view
