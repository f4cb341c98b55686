"""The progress store: which topics a learner has done, kept safe on disk.

Three promises, each with its reason:

* Durable: a write goes to a temporary file in the same folder, is fsynced and
  then renamed over the old file, so a crash leaves the old or the new file,
  never half of one.
* Concurrent use loses nothing: every change is an operation applied, under a
  file lock, to what is on disk at that moment, never a stale copy written back.
* Nothing recorded is lost: a damaged file is renamed aside with its bytes
  untouched; a file from a newer metrotui or another curriculum is refused and
  never overwritten; marks for topics the curriculum no longer has are kept,
  and so is every key this version does not know, at every level.
* A file that is not ours is never touched: only what is recognisably a
  progress file (or the remains of one) is ever set aside; anything else is
  refused as it is.
"""

from __future__ import annotations

import contextlib
import errno
import json
import operator
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from metrotui.core.text import escape_unsafe_json, replace_lone_surrogates
from metrotui.core.words import counted

_V = TypeVar("_V")

if TYPE_CHECKING:
    from metrotui.core.curriculum import Curriculum

PROGRESS_SCHEMA_VERSION = 1
LOCK_TIMEOUT_SECONDS = 10.0
# How long a save waits for the lock before telling the user (``on_wait``) it is waiting.
LOCK_NOTICE_SECONDS = 1.0
# Years of marks and notes take well under a megabyte; the cap is there so that
# a wrong file (a disk image, a video) is refused rather than read into memory.
MAX_PROGRESS_BYTES = 64 * 2**20
# The keys a progress file of any version has at its top level.
_OWN_KEYS = ("schema_version", "curriculum", "done", "known", "notes")


class ProgressError(Exception):
    """Progress that cannot be read or written; the message says what to do."""


class NotOurFile(ProgressError):
    """A --progress file metrotui did not write (or cannot read at all): refused, left alone."""


class OtherCurriculum(ProgressError):
    """Progress kept for another curriculum than the one in use (``owner``)."""

    def __init__(self, message: str, owner: str) -> None:
        super().__init__(message)
        self.owner = owner


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Note:
    """A learner's Markdown note on a station, and when it last changed."""

    text: str
    updated: str
    # Keys of the note this version does not know, kept through every rewrite.
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "updated": self.updated, **self.extra}


@dataclass(frozen=True)
class Progress:
    curriculum: str
    done: dict[str, str] = field(default_factory=dict)  # topic id -> when it was ticked
    known: dict[str, str] = field(default_factory=dict)  # topic id -> when marked known
    notes: dict[str, Note] = field(default_factory=dict)  # station id -> note
    # Top-level keys this version does not know, kept so that rewriting a file
    # never drops what someone else put there.
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return self._layout(dict(sorted(self.done.items())), dict(sorted(self.known.items())))

    def _layout(self, done: object, known: object) -> dict[str, Any]:
        """The file's keys in their order, with ``done`` and ``known`` standing for the marks."""
        # The version and the curriculum come first, before any other key, so
        # that even a file cut short after a few bytes is recognisably ours.
        data: dict[str, Any] = {
            "schema_version": PROGRESS_SCHEMA_VERSION,
            "curriculum": self.curriculum,
            "done": done,
        }
        # Written only when used, so files of learners who never use them stay
        # exactly as older metrotui versions wrote them.
        if self.known:
            data["known"] = known
        if self.notes:
            data["notes"] = {
                station_id: note.to_json() for station_id, note in sorted(self.notes.items())
            }
        for key, value in self.extra.items():
            data.setdefault(key, value)
        return data


class _Marks:
    """A map of marks in ``Progress._layout``, to be written by ``_marks_text``."""

    def __init__(self, marks: dict[str, str]) -> None:
        self.marks = marks


# Marks written per call into C.  Each call holds the GIL, so in the app a
# long map is written in slices with the event loop running between them.
_MARKS_SLICE = 20_000
# How json.dumps(indent=2) separates the marks of a map one level in.
_SEPARATORS = (",\n    ", ": ")


def progress_bytes(progress: Progress) -> bytes:
    """The bytes of the file for ``progress``: ``safe_json(progress.to_json(), indent=2)``
    and a newline, exactly.

    json indents in pure Python, which takes seconds for a million marks; the
    maps of marks (strings to strings) are written here instead, and
    everything else as json writes it.
    """
    layout = progress._layout(_Marks(progress.done), _Marks(progress.known))
    parts = ["{\n"]
    for key, value in layout.items():
        if len(parts) > 1:
            parts.append(",\n")
        parts += ["  ", json.dumps(key, ensure_ascii=False), ": "]
        if isinstance(value, _Marks):
            parts += _marks_parts(value.marks)
        else:
            parts.append(json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  "))
    parts.append("\n}\n")
    text = "".join(parts)
    del parts  # a million marks are tens of megabytes: one copy at a time
    return escape_unsafe_json(text).encode()


def _marks_parts(marks: dict[str, str]) -> list[str]:
    """A map of marks as json.dumps(indent=2) writes it one level in, sorted by id."""
    if not marks:
        return ["{}"]
    ids = sorted(marks)
    parts = ["{\n    "]
    for start in range(0, len(ids), _MARKS_SLICE):
        if start:
            parts.append(",\n    ")
        chunk = ids[start : start + _MARKS_SLICE]
        # itemgetter looks them all up in one call (and one id gives no tuple).
        times = list(operator.itemgetter(*chunk)(marks)) if len(chunk) > 1 else [marks[chunk[0]]]
        parts.append(_marks_slice(chunk, times))
    parts.append("\n  }")
    return parts


def _marks_slice(ids: list[str], times: list[str]) -> str:
    """``"id": "time"`` for each mark, joined as json joins them one level in."""
    probe = "".join(ids) + "".join(times)
    if probe.isprintable() and '"' not in probe and "\\" not in probe:
        # Nothing json would escape, the usual case: each mark is its id and
        # time between quotes, put together in a few calls instead of one each.
        pieces = ["", '": "', "", '",\n    "'] * len(ids)
        pieces[0::4] = ids
        pieces[2::4] = times
        pieces[-1] = '"'
        return '"' + "".join(pieces)
    text = json.dumps(
        dict(zip(ids, times, strict=True)), ensure_ascii=False, separators=_SEPARATORS
    )
    return text[1:-1]  # without the braces


NOTE_SEPARATOR = "\n\n---\n\n"


def merge_extra(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Every unknown key of either side; the same whichever side is which."""
    merged = dict(a)
    for key, value in b.items():
        # A key both sides hold with different values: pick one by its JSON
        # text, so that the result does not depend on the order.
        if key not in merged or _json_text(value) > _json_text(merged[key]):
            merged[key] = value
    return merged


def _json_text(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def merge_note(a: Note, b: Note) -> Note:
    """Both texts, unless one already holds the other; the same whichever comes first."""
    updated = max(a.updated, b.updated)
    extra = merge_extra(a.extra, b.extra)
    if a.text == b.text or b.text in a.text:
        return Note(a.text, updated, extra)
    if a.text in b.text:
        return Note(b.text, updated, extra)
    first, second = sorted((a.text, b.text))
    return Note(first + NOTE_SEPARATOR + second, updated, extra)


def earlier_time(a: str, b: str) -> str:
    """The earlier of two recorded times; the same whichever side is which."""

    def key(stamp: str) -> tuple[int, float, str]:
        # The same instant written two ways ties on time, then the text decides,
        # so the result never depends on which side is which.
        try:
            moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return (0, moment.timestamp(), stamp)
        except ValueError:
            return (1, 0.0, stamp)  # unreadable times sort last, among themselves by text

    return min(a, b, key=key)


def rekeyed(progress: Progress, curriculum: Curriculum) -> Progress:
    """The progress with what is recorded under a former id moved to the id it now is.

    A mark under an old and a new spelling of one topic is one mark, joined by
    the merge rule: done beats known, and the earlier time is kept.  Notes
    under a station's former id join its note.  Whatever the curriculum has no
    place for stays as it is.  The same progress always gives the same result,
    so merging rekeyed sides still commutes and repeating it changes nothing.
    """
    if not curriculum.has_former_ids:
        return progress
    done = _moved(progress.done, curriculum)
    known = {k: v for k, v in _moved(progress.known, curriculum).items() if k not in done}
    notes: dict[str, Note] = {}
    # Current ids first, then former ones in a fixed order: the result never
    # depends on the order the file happened to list them in.
    for station_id in sorted(progress.notes, key=lambda k: (curriculum.has_station(k), k)):
        note = progress.notes[station_id]
        target = curriculum.station_id_for(station_id) or station_id
        notes[target] = merge_note(notes[target], note) if target in notes else note
    if (done, known, notes) == (progress.done, progress.known, progress.notes):
        return progress
    return replace(progress, done=done, known=known, notes=notes)


def _moved(marks: dict[str, str], curriculum: Curriculum) -> dict[str, str]:
    moved: dict[str, str] = {}
    for key, stamp in marks.items():
        # Only former ids move; a qualified spelling of a current key stays as written.
        key = curriculum.former_key(key) or key
        moved[key] = earlier_time(moved[key], stamp) if key in moved else stamp
    return moved


def with_done(progress: Progress, topic_ids: Iterable[str], stamp: str) -> Progress:
    """Topics ticked as done; one already done keeps its first time, one known becomes done."""
    done = dict(progress.done)
    for topic_id in topic_ids:
        done.setdefault(topic_id, stamp)
    known = {k: v for k, v in progress.known.items() if k not in done}
    return replace(progress, done=done, known=known)


def with_known(progress: Progress, topic_ids: Iterable[str], stamp: str) -> Progress:
    """Topics marked as already known, except those ticked as done."""
    known = dict(progress.known)
    for topic_id in topic_ids:
        if topic_id not in progress.done:
            known.setdefault(topic_id, stamp)
    return replace(progress, known=known)


def forgotten(progress: Progress, ids: Iterable[str]) -> Progress:
    """No marks, known topics or notes left under any of ``ids``."""
    gone = set(ids)
    return replace(
        progress,
        done=_without_keys(progress.done, gone),
        known=_without_keys(progress.known, gone),
        notes=_without_keys(progress.notes, gone),
    )


def without(progress: Progress, topic_ids: Iterable[str]) -> Progress:
    """Topics neither done nor known."""
    ids = set(topic_ids)
    return replace(
        progress, done=_without_keys(progress.done, ids), known=_without_keys(progress.known, ids)
    )


def _without_keys(mapping: dict[str, _V], keys: set[str]) -> dict[str, _V]:
    # A copy with a few keys taken out: a million marks are copied in one go,
    # where looking at each of them would take a good part of a second.
    kept = dict(mapping)
    for key in keys:
        if key in kept and next(reversed(kept)) == key:
            # The newest (a tick taken back): taken off the end, it leaves no
            # gap, and a dict without gaps is copied quickest the next time.
            kept.popitem()
        else:
            kept.pop(key, None)
    return kept


def repair_text(progress: Progress) -> tuple[Progress, int]:
    """The progress with each lone surrogate in its ids, times and notes made U+FFFD.

    JSON can spell half a UTF-16 pair ("\\ud800") that is no character at all:
    no terminal can show it and no encoder write it.  Returns how many strings
    held one, so that the learner can be told.
    """
    changed = 0

    def fix(text: str) -> str:
        nonlocal changed
        fixed = replace_lone_surrogates(text)
        changed += fixed != text
        return fixed

    def fix_marks(marks: dict[str, str]) -> dict[str, str]:
        fixed: dict[str, str] = {}
        for key, stamp in marks.items():
            key, stamp = fix(key), fix(stamp)
            fixed[key] = min(fixed[key], stamp) if key in fixed else stamp
        return fixed

    done, known = fix_marks(progress.done), fix_marks(progress.known)
    notes = {
        fix(station_id): replace(note, text=fix(note.text), updated=fix(note.updated))
        for station_id, note in progress.notes.items()
    }
    if not changed:
        return progress, 0
    return replace(progress, done=done, known=known, notes=notes), changed


def lone_surrogate_notice(source: str, places: int, outcome: str) -> str:
    return (
        f"{source} holds text that is not valid Unicode in {counted(places, 'place')} "
        f"(half of a UTF-16 pair, such as \\ud800); {outcome}"
    )


class DamagedProgress(Exception):
    """Recognisably progress, or the remains of it, but unusable; the reason is the message."""


class NotProgress(Exception):
    """Bytes that are not a metrotui progress file at all; the reason is the message."""


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _loads(text: str) -> Any:
    """json.loads, raising _DuplicateKey for a key given twice in one object."""
    # Text without a backslash has no escaped quote: each string in it, key or
    # value, is two of its quotes, and the parsed data holds fewer strings than
    # that only if a key came twice.  Far quicker for a million marks than
    # watching every object being built.
    if "\\" not in text:
        raw = json.loads(text)
        with contextlib.suppress(RecursionError):  # deeper than counting goes: look closely
            if text.count('"') == 2 * _strings_in(raw):
                return raw
    return json.loads(text, object_pairs_hook=_no_duplicates)


def _strings_in(value: Any) -> int:
    """Keys and string values in parsed JSON, at every depth."""
    if isinstance(value, str):
        return 1
    if isinstance(value, dict):
        if _all_strings(value):
            return 2 * len(value)  # a map of marks: its keys and values, counted at once
        return len(value) + sum(map(_strings_in, value.values()))
    if isinstance(value, list):
        return sum(map(_strings_in, value))
    return 0


def _all_strings(mapping: dict[Any, Any]) -> bool:
    """Whether every value is a string; parsed JSON's keys always are."""
    return set(map(type, mapping.values())) <= {str}


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json would keep the last of two equal keys and silently drop the first.
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


# How every file metrotui writes begins, with whitespace taken out and the
# version number written as 1.
_OWN_HEAD = '{"schema_version":1,"curriculum":"'
# Patterns, compiled (and cached by re) only once a file turns out damaged.
_VERSION_NUMBER = r'\{"schema_version":\d+'
_JSON_SPACE = r"[ \t\r\n]+"
# "curriculum" as a key, not as text inside a string (where its quotes are escaped).
_CURRICULUM_KEY = r'(?<!\\)"curriculum"[ \t\r\n]*:'
# The only way JSON can spell a lone surrogate: an escape from \ud800 to \udfff.
# Text that is not UTF-8 never gets this far, so a file without one needs no repair.
_SURROGATE_ESCAPE = rb"\\u[dD][89a-fA-F]"


def _remains_of_progress(data: bytes) -> bool:
    """Whether bytes that do not parse are what is left of a progress file.

    That is: nothing but whitespace and zero bytes (a file whose blocks never
    reached the disk before a crash), the start of what metrotui writes cut off
    anywhere, or an object that still has its "curriculum" key.
    """
    if not data.strip(b" \t\r\n\x00"):
        return True
    start = data[:4096]
    head = start.decode("utf-8", errors="replace")
    compact = re.sub(_JSON_SPACE, "", head)
    numbered = re.match(_VERSION_NUMBER, compact)
    if numbered:
        compact = '{"schema_version":1' + compact[numbered.end() :]
    if compact.startswith(_OWN_HEAD):
        return True
    if len(data) == len(start) and _OWN_HEAD.startswith(compact):
        return True  # the whole file is the start of one of ours
    text = data.decode("utf-8", errors="replace")
    return text.lstrip(" \t\r\n\x00").startswith("{") and bool(re.search(_CURRICULUM_KEY, text))


def _is_progress(raw: Any) -> bool:
    """Parsed JSON that is meant as progress: an object with two of our keys.

    One of them must be "schema_version" or "curriculum"; a curriculum file
    has the first and none of the others, so it never passes.
    """
    if not isinstance(raw, dict):
        return False
    own = [key for key in _OWN_KEYS if key in raw]
    return len(own) >= 2 and own[0] in ("schema_version", "curriculum")


def _decode(data: bytes) -> Any:
    """The JSON in ``data``, or DamagedProgress / NotProgress saying why not."""
    if not data.strip():
        raise DamagedProgress("it is empty")
    why: str
    try:
        raw = _loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        why = "it is not UTF-8 text"
    except _DuplicateKey as duplicate:
        raw = json.loads(data.decode("utf-8"))
        if not _is_progress(raw):
            raise NotProgress("it is JSON, but not progress") from None
        raise DamagedProgress(
            f"the key {duplicate.key[:60]!r} appears twice in one object"
        ) from None
    except (ValueError, RecursionError):
        # ValueError covers JSONDecodeError and integers too long to convert.
        why = "it is not valid JSON"
    else:
        if not _is_progress(raw):
            shape = "an object" if isinstance(raw, dict) else f"a {type(raw).__name__}"
            raise NotProgress(f"it is JSON ({shape}), but not progress")
        return raw
    if _remains_of_progress(data):
        raise DamagedProgress(why)
    raise NotProgress(why)


def parse_progress(data: bytes, curriculum_id: str, source: str) -> Progress:
    """Parse a progress file, raising DamagedProgress, NotProgress or ProgressError."""
    raw = _decode(data)
    version = raw.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DamagedProgress("it has no valid schema_version")
    if version > PROGRESS_SCHEMA_VERSION:
        raise ProgressError(
            f"{source} was written by a newer metrotui (progress schema {version}; this one "
            f"understands {PROGRESS_SCHEMA_VERSION}). Upgrade metrotui; "
            "the file was left untouched."
        )
    owner = raw.get("curriculum")
    if not isinstance(owner, str):
        # Not a file for some other curriculum (that would name it): a damaged one.
        raise DamagedProgress("it does not say which curriculum it is for")
    if owner != curriculum_id:
        raise OtherCurriculum(
            f"{source} holds progress for the curriculum {owner!r}, not {curriculum_id!r}; "
            "choose another --progress file. The file was left untouched.",
            owner,
        )
    done = raw.get("done", {})
    if not isinstance(done, dict) or not _all_strings(done):
        raise DamagedProgress("its 'done' entry is not a map of topic ids to times")
    known = raw.get("known", {})
    if not isinstance(known, dict) or not _all_strings(known):
        raise DamagedProgress("its 'known' entry is not a map of topic ids to times")
    notes = raw.get("notes", {})
    if not isinstance(notes, dict) or not all(
        isinstance(key, str)
        and isinstance(value, dict)
        and isinstance(value.get("text"), str)
        and isinstance(value.get("updated"), str)
        for key, value in notes.items()
    ):
        raise DamagedProgress("its 'notes' entry is not a map of station ids to notes")
    extra = {key: value for key, value in raw.items() if key not in _OWN_KEYS}
    return Progress(
        curriculum=curriculum_id,
        done=done,
        known=known,
        notes={key: _note(value) for key, value in notes.items()},
        extra=extra,
    )


def _note(raw: dict[str, Any]) -> Note:
    extra = {key: value for key, value in raw.items() if key not in ("text", "updated")}
    return Note(raw["text"], raw["updated"], extra)


class ProgressStore:
    """One curriculum's progress file."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        curriculum_id: str,
        curriculum: Curriculum | None = None,
    ) -> None:
        self.path = Path(path)
        self.curriculum_id = curriculum_id
        # With the curriculum, each save moves what is recorded under a former
        # id (its ``formerly``) to the id it now is.
        self.curriculum = curriculum
        # Messages for the user about things the store did on its own, such as
        # setting a damaged file aside.  The CLI prints them; the app notifies.
        self.notices: list[str] = []
        self._told: set[str] = set()
        # Told at once, once a change has waited a moment for another's lock.
        self.on_wait: Callable[[str], None] | None = None
        # The bytes last read or written and the progress they hold: a file
        # read again unchanged (as every save does, under the lock) is not
        # parsed again, which for a million marks takes most of a second.
        self._last_seen: tuple[bytes, Progress] | None = None
        # The bytes last written and recorded as ours (see storage/written).
        self._ours: bytes | None = None

    # Reading ------------------------------------------------------------------
    def load(self) -> Progress:
        """The progress on disk now.  A missing file is empty progress."""
        try:
            return self._read()
        except DamagedProgress:
            # Re-check under the lock: another process may be mid-way through
            # setting the same file aside.
            with self._lock():
                return self._read_or_set_aside()

    def peek(self) -> Progress:
        """The progress on disk now, for a command that only reads.

        It creates, moves and renames nothing: a damaged file is left where it
        is (and reported), to be set aside by the next change, and a missing
        one reads as empty progress without a folder or lock file being made.
        """
        try:
            return self._read()
        except DamagedProgress as damage:
            self.notices.append(
                f"The progress file {self.path} is damaged ({damage}); showing no progress. "
                "It is left as it is until the next change, which moves it aside, "
                "bytes untouched, and starts a new one."
            )
            return Progress(curriculum=self.curriculum_id)

    def signature(self) -> tuple[int, int, int] | None:
        """Changes whenever the file is replaced; cheap enough to poll."""
        try:
            info = self._target().stat()
        except (OSError, ProgressError):
            return None
        return (info.st_mtime_ns, info.st_size, info.st_ino)

    # Changing -----------------------------------------------------------------
    def mark(self, topic_ids: Iterable[str], when: str | None = None) -> Progress:
        """Record topics as done; a topic already done keeps its first time."""
        ids = list(topic_ids)
        return self.update(lambda progress: with_done(progress, ids, when or now_utc()))

    def mark_known(self, topic_ids: Iterable[str], when: str | None = None) -> Progress:
        """Record topics as already known; a topic ticked as done stays done."""
        ids = list(topic_ids)
        return self.update(lambda progress: with_known(progress, ids, when or now_utc()))

    def unmark(self, topic_ids: Iterable[str]) -> Progress:
        """Forget that topics were done or known."""
        ids = list(topic_ids)
        return self.update(lambda progress: without(progress, ids))

    def forget(self, ids: Iterable[str]) -> Progress:
        """Remove every mark, known topic and note recorded under ``ids``."""
        gone = list(ids)
        return self.update(lambda progress: forgotten(progress, gone))

    def set_note(
        self,
        station_id: str,
        text: str,
        when: str | None = None,
        seen: str | None = None,
    ) -> Progress:
        """Replace a station's note (empty text removes it).

        ``seen`` is the time of the note the writer started from ("" for none):
        if the note on disk has changed since, the two are merged rather than
        one lost.  Without ``seen`` the note is simply replaced.
        """
        stamp = when or now_utc()

        def apply(progress: Progress) -> Progress:
            notes = dict(progress.notes)
            current = notes.get(station_id)
            changed_meanwhile = seen is not None and current is not None and current.updated != seen
            if changed_meanwhile and current is not None and text.strip():
                notes[station_id] = merge_note(current, Note(text, stamp))
            elif changed_meanwhile:
                pass  # emptying a note someone else has just written would lose it
            elif text.strip():
                kept = current.extra if current is not None else {}
                notes[station_id] = Note(text, stamp, kept)
            else:
                notes.pop(station_id, None)
            return replace(progress, notes=notes)

        return self.update(apply)

    def update(self, change: Callable[[Progress], Progress]) -> Progress:
        """Apply ``change`` to what is on disk now, under the lock, and save it."""
        self._refuse_before_locking()
        with self._lock():
            return self._changed(change)

    def _changed(self, change: Callable[[Progress], Progress]) -> Progress:
        before = self._read_or_set_aside()
        after = change(self._rekeyed(before))
        if after != before:
            self._write(after)
        return after

    def _rekeyed(self, progress: Progress) -> Progress:
        if self.curriculum is None:
            return progress
        return rekeyed(progress, self.curriculum)

    @staticmethod
    def prepare_to_save() -> None:
        """Import what saving needs, ahead of the first save.

        Commands that only read never pay for these; the app calls this once it
        is idle, so that the learner's first tick is as quick as the others.
        """
        import filelock  # noqa: F401

        import metrotui.storage.atomic  # noqa: F401
        import metrotui.storage.written  # noqa: F401

    # Internals ----------------------------------------------------------------
    def _target(self) -> Path:
        # Write through a symlink to the file it names rather than replacing
        # the link with a regular file.
        try:
            return self.path.resolve() if self.path.is_symlink() else self.path
        except RuntimeError:  # how Python before 3.13 reports a symlink loop
            raise ProgressError(_symlink_loop(self.path)) from None
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise ProgressError(_symlink_loop(self.path)) from None
            raise ProgressError(f"cannot reach {self.path} ({_reason(error)})") from None

    def _lock_path(self, target: Path) -> Path:
        return target.parent / f".{target.name}.lock"

    def _refuse_before_locking(self) -> None:
        # The first save beside a file: if that file is not ours, or cannot be
        # read, refuse before a folder or a lock file is made for it.
        target = self._target()
        if target.parent.is_dir() and not self._lock_path(target).exists():
            with contextlib.suppress(DamagedProgress):
                self._read()

    def _lock(self) -> Any:
        from filelock import FileLock, Timeout

        target = self._target()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ProgressError(
                f"cannot create the folder {target.parent} for progress ({_reason(error)})"
            ) from None
        lock_path = self._lock_path(target)
        lock = FileLock(str(lock_path), timeout=LOCK_TIMEOUT_SECONDS)

        store = self

        class _Guard:
            def __enter__(self) -> None:
                try:
                    store._acquire(lock, lock_path)
                except Timeout:
                    raise ProgressError(
                        f"{store.path} is locked by another metrotui{_holder(lock_path)} for "
                        f"over {LOCK_TIMEOUT_SECONDS:.0f} s; nothing was changed. Try again "
                        "once it has finished"
                    ) from None
                except OSError as error:
                    raise ProgressError(
                        f"cannot lock {store.path} ({_reason(error)}); nothing was changed"
                    ) from None
                _say_holder(lock_path, str(os.getpid()))

            def __exit__(self, *exc: object) -> None:
                _say_holder(lock_path, "")
                lock.release()

        return _Guard()

    def _acquire(self, lock: Any, lock_path: Path) -> None:
        """Take the lock; if another holds it past a moment, say so at once, then wait on."""
        from filelock import Timeout

        if self.on_wait is None or LOCK_TIMEOUT_SECONDS <= LOCK_NOTICE_SECONDS:
            lock.acquire()
            return
        try:
            lock.acquire(timeout=LOCK_NOTICE_SECONDS)
            return
        except Timeout:
            pass
        self.on_wait(
            f"another metrotui{_holder(lock_path)} is saving to {self.path}; waiting for it "
            f"to finish (up to {LOCK_TIMEOUT_SECONDS:.0f} s)"
        )
        lock.acquire(timeout=LOCK_TIMEOUT_SECONDS - LOCK_NOTICE_SECONDS)

    def _read(self) -> Progress:
        data = self._read_bytes()
        if data is None:
            return Progress(curriculum=self.curriculum_id)
        if self._last_seen is not None and self._last_seen[0] == data:
            return self._last_seen[1]
        try:
            progress = parse_progress(data, self.curriculum_id, str(self.path))
        except NotProgress as why:
            raise NotOurFile(
                f"{self.path} is not a metrotui progress file ({why}); it was left untouched. "
                "Choose another --progress file"
            ) from None
        if re.search(_SURROGATE_ESCAPE, data):
            progress = self._repaired(progress)
        self._last_seen = (data, progress)
        return progress

    def _read_bytes(self) -> bytes | None:
        """The file's bytes, or None if there is no file."""
        from metrotui.storage.files import FileTooLarge, NotARegularFile, read_bounded

        target = self._target()
        try:
            return read_bounded(target, MAX_PROGRESS_BYTES)
        except FileNotFoundError:
            return None
        except NotARegularFile as error:
            if error.kind == "a folder":
                raise ProgressError(
                    f"{self.path} is a folder, not a progress file; move it away or "
                    "choose another --progress file"
                ) from None
            # A pipe would block and a device such as /dev/zero never ends;
            # and such a thing must never be "set aside" as damaged.
            raise NotOurFile(
                f"{self.path} is not a regular file ({error.kind}); choose another --progress file"
            ) from None
        except FileTooLarge as error:
            raise NotOurFile(
                f"{self.path} is {error.size / 1e6:.1f} MB, too big for a progress file "
                f"(at most {MAX_PROGRESS_BYTES // 2**20} MB); it was left untouched. "
                "Choose another --progress file"
            ) from None
        except PermissionError:
            raise ProgressError(f"cannot read {self.path} (permission denied)") from None
        except OSError as error:
            raise ProgressError(f"cannot read {self.path} ({_reason(error)})") from None

    def _repaired(self, progress: Progress) -> Progress:
        progress, places = repair_text(progress)
        if places:
            notice = lone_surrogate_notice(
                str(self.path),
                places,
                "it is shown as \ufffd, and saved that way at the next change",
            )
            # Every read finds it again until the next save: say it once.
            if notice not in self._told:
                self._told.add(notice)
                self.notices.append(notice)
        return progress

    def _read_or_set_aside(self) -> Progress:
        try:
            return self._read()
        except DamagedProgress as damage:
            aside = self._set_aside()
            self.notices.append(
                f"The progress file {self.path} was damaged ({damage}). It was moved, "
                f"bytes untouched, to {aside}; a new progress file was started."
            )
            return Progress(curriculum=self.curriculum_id)

    def _set_aside(self) -> Path:
        target = self._target()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = target.with_name(f"{target.name}.damaged-{stamp}")
        counter = 1
        while aside.exists():
            counter += 1
            aside = target.with_name(f"{target.name}.damaged-{stamp}-{counter}")
        try:
            os.replace(target, aside)
        except OSError as error:
            raise ProgressError(
                f"{self.path} is damaged and could not be moved aside ({_reason(error)}); "
                "it was left as it is"
            ) from None
        return aside

    def _write(self, progress: Progress) -> None:
        self._last_seen = None  # the old bytes, let go before the new are made
        # Escapes what no encoder can write (a lone surrogate), so a save never fails on text.
        payload = progress_bytes(progress)
        self._write_bytes(payload)
        # Read back, these bytes give this progress, unless a lone surrogate
        # went out escaped: read back, it would be repaired.
        has_surrogate = re.search(_SURROGATE_ESCAPE, payload)
        self._last_seen = None if has_surrogate else (payload, progress)

    def _write_bytes(self, payload: bytes) -> None:
        """Replace the file with ``payload``, which ``progress_bytes`` made."""
        from metrotui.storage import written
        from metrotui.storage.atomic import write_atomic

        self._last_seen = None
        target = self._target()
        _remove_stale_temp_files(target)
        try:
            write_atomic(target, payload)
        except OSError as error:
            raise ProgressError(
                f"could not save progress to {self.path} ({_reason(error)}); "
                "the file on disk was not changed"
            ) from None
        # After the rename: a crash before this leaves a file that is read whole once.
        self._ours = payload if written.remember(payload) else None


def _remove_stale_temp_files(target: Path) -> None:
    # Called under the lock, so no other writer is using a temp file now: any
    # left over is from a process killed mid-write, and holds nothing new.
    from metrotui.storage.atomic import temporaries

    for stale in temporaries(target):
        with contextlib.suppress(OSError):
            stale.unlink()


def _holder(lock_path: Path) -> str:
    """`` (process N)`` when the lock file names a process that is running, else nothing.

    A metrotui holding the lock writes its process id there (older ones write
    nothing), and clears it before letting go.
    """
    try:
        pid = int(lock_path.read_text(encoding="ascii").strip())
    except (OSError, ValueError, UnicodeDecodeError):
        return ""
    try:
        os.kill(pid, 0)  # still running? (signal 0 only asks)
    except PermissionError:
        pass  # running, as another user
    except (OSError, OverflowError):
        return ""
    return f" (process {pid})"


def _say_holder(lock_path: Path, text: str) -> None:
    # Only for the message of one who waits: a failure here changes nothing.
    with contextlib.suppress(OSError), open(lock_path, "w", encoding="ascii") as lock_file:
        lock_file.write(text)


def _symlink_loop(path: Path) -> str:
    return (
        f"{path} is a symlink that leads back to itself; point it at a file, "
        "or choose another --progress file"
    )


def _reason(error: OSError) -> str:
    return error.strerror.lower() if error.strerror else str(error)
