"""The progress store: which topics a learner has done, kept safe on disk.

Three promises, each with its reason:

* Durable: a write goes to a temporary file in the same folder, is fsynced and
  then renamed over the old file, so a crash leaves the old or the new file,
  never half of one.
* Concurrent use loses nothing: every change is an operation applied, under a
  file lock, to what is on disk at that moment, never a stale copy written back.
* Nothing recorded is lost: a damaged file is renamed aside with its bytes
  untouched; a file from a newer metrotui or another curriculum is refused and
  never overwritten; marks for topics the curriculum no longer has are kept.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from metrotui.text import replace_lone_surrogates, safe_json
from metrotui.words import counted

PROGRESS_SCHEMA_VERSION = 1
LOCK_TIMEOUT_SECONDS = 10.0


class ProgressError(Exception):
    """Progress that cannot be read or written; the message says what to do."""


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Note:
    """A learner's Markdown note on a station, and when it last changed."""

    text: str
    updated: str


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
        data: dict[str, Any] = {
            **self.extra,
            "schema_version": PROGRESS_SCHEMA_VERSION,
            "curriculum": self.curriculum,
            "done": dict(sorted(self.done.items())),
        }
        # Written only when used, so files of learners who never use them stay
        # exactly as older metrotui versions wrote them.
        if self.known:
            data["known"] = dict(sorted(self.known.items()))
        if self.notes:
            data["notes"] = {
                station_id: {"text": note.text, "updated": note.updated}
                for station_id, note in sorted(self.notes.items())
            }
        return data


NOTE_SEPARATOR = "\n\n---\n\n"


def merge_note(a: Note, b: Note) -> Note:
    """Both texts, unless one already holds the other; the same whichever comes first."""
    updated = max(a.updated, b.updated)
    if a.text == b.text or b.text in a.text:
        return Note(a.text, updated)
    if a.text in b.text:
        return Note(b.text, updated)
    first, second = sorted((a.text, b.text))
    return Note(first + NOTE_SEPARATOR + second, updated)


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


def without(progress: Progress, topic_ids: Iterable[str]) -> Progress:
    """Topics neither done nor known."""
    ids = set(topic_ids)
    return replace(
        progress,
        done={k: v for k, v in progress.done.items() if k not in ids},
        known={k: v for k, v in progress.known.items() if k not in ids},
    )


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
    """The file's bytes are not progress; the reason is the message."""


def parse_progress(data: bytes, curriculum_id: str, source: str) -> Progress:
    """Parse a progress file, raising DamagedProgress or ProgressError."""
    if not data.strip():
        raise DamagedProgress("it is empty")
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise DamagedProgress("it is not UTF-8 text") from None
    except (ValueError, RecursionError):
        # ValueError covers JSONDecodeError and integers too long to convert.
        raise DamagedProgress("it is not valid JSON") from None
    if not isinstance(raw, dict):
        raise DamagedProgress("it is not a JSON object")
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
        raise ProgressError(
            f"{source} holds progress for the curriculum {owner!r}, not {curriculum_id!r}; "
            "choose another --progress file. The file was left untouched."
        )
    done = raw.get("done", {})
    if not isinstance(done, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in done.items()
    ):
        raise DamagedProgress("its 'done' entry is not a map of topic ids to times")
    known = raw.get("known", {})
    if not isinstance(known, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in known.items()
    ):
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
    extra = {
        key: value
        for key, value in raw.items()
        if key not in ("schema_version", "curriculum", "done", "known", "notes")
    }
    return Progress(
        curriculum=curriculum_id,
        done=done,
        known=known,
        notes={key: Note(value["text"], value["updated"]) for key, value in notes.items()},
        extra=extra,
    )


class ProgressStore:
    """One curriculum's progress file."""

    def __init__(self, path: str | os.PathLike[str], curriculum_id: str) -> None:
        self.path = Path(path)
        self.curriculum_id = curriculum_id
        # Messages for the user about things the store did on its own, such as
        # setting a damaged file aside.  The CLI prints them; the app notifies.
        self.notices: list[str] = []
        self._told: set[str] = set()

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
                notes[station_id] = Note(text, stamp)
            else:
                notes.pop(station_id, None)
            return replace(progress, notes=notes)

        return self.update(apply)

    def update(self, change: Callable[[Progress], Progress]) -> Progress:
        """Apply ``change`` to what is on disk now, under the lock, and save it."""
        with self._lock():
            before = self._read_or_set_aside()
            after = change(before)
            if after != before:
                self._write(after)
            return after

    @staticmethod
    def prepare_to_save() -> None:
        """Import what saving needs, ahead of the first save.

        Commands that only read never pay for these; the app calls this once it
        is idle, so that the learner's first tick is as quick as the others.
        """
        import glob  # noqa: F401
        import tempfile  # noqa: F401

        import filelock  # noqa: F401

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

    def _lock(self) -> Any:
        from filelock import FileLock, Timeout

        target = self._target()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ProgressError(
                f"cannot create the folder {target.parent} for progress ({_reason(error)})"
            ) from None
        lock = FileLock(str(target.parent / f".{target.name}.lock"), timeout=LOCK_TIMEOUT_SECONDS)

        store = self

        class _Guard:
            def __enter__(self) -> None:
                try:
                    lock.acquire()
                except Timeout:
                    raise ProgressError(
                        f"{store.path} is locked by another metrotui for over "
                        f"{LOCK_TIMEOUT_SECONDS:.0f} s; try again"
                    ) from None
                except OSError as error:
                    raise ProgressError(
                        f"cannot lock {store.path} ({_reason(error)}); nothing was changed"
                    ) from None

            def __exit__(self, *exc: object) -> None:
                lock.release()

        return _Guard()

    def _read(self) -> Progress:
        target = self._target()
        try:
            mode = target.stat().st_mode
            if stat.S_ISDIR(mode):
                raise ProgressError(
                    f"{self.path} is a folder, not a progress file; move it away or "
                    "choose another --progress file"
                )
            if not stat.S_ISREG(mode):
                # A pipe would block and a device such as /dev/zero never ends;
                # and such a thing must never be "set aside" as damaged.
                raise ProgressError(
                    f"{self.path} is not a regular file (a device, pipe or socket); "
                    "choose another --progress file"
                )
            data = target.read_bytes()
        except FileNotFoundError:
            return Progress(curriculum=self.curriculum_id)
        except PermissionError:
            raise ProgressError(f"cannot read {self.path} (permission denied)") from None
        except OSError as error:
            raise ProgressError(f"cannot read {self.path} ({_reason(error)})") from None
        return self._repaired(parse_progress(data, self.curriculum_id, str(self.path)))

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
        target = self._target()
        # Escapes what no encoder can write (a lone surrogate), so a save never fails on text.
        payload = (safe_json(progress.to_json(), indent=2) + "\n").encode()
        temp_name: str | None = None
        _remove_stale_temp_files(target)
        try:
            import tempfile  # here: only writing needs it, and it is slow to import

            fd, temp_name = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
            )
            # mkstemp makes the file private (0600); keep the mode the file had,
            # or give a new one the mode any file created here would get.
            os.fchmod(fd, _file_mode(target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp_name, target)
            temp_name = None
            _fsync_folder(target.parent)
        except OSError as error:
            raise ProgressError(
                f"could not save progress to {self.path} ({_reason(error)}); "
                "the file on disk was not changed"
            ) from None
        finally:
            if temp_name is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temp_name)


def _remove_stale_temp_files(target: Path) -> None:
    # Called under the lock, so no other writer is using a temp file now: any
    # left over is from a process killed mid-write, and holds nothing new.
    import glob

    for stale in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def _file_mode(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    # The rename is only durable once the folder entry is on disk too.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _symlink_loop(path: Path) -> str:
    return (
        f"{path} is a symlink that leads back to itself; point it at a file, "
        "or choose another --progress file"
    )


def _reason(error: OSError) -> str:
    return error.strerror.lower() if error.strerror else str(error)
