"""The library of curricula: copies kept by ``metrotui add``, and which one is current.

Each copy is the curriculum file's own bytes, checked before they are written
(atomically), in a folder of the data directory as ``<id>.json``.  Only a
regular file of that name holding a valid curriculum of that id counts as a
copy: anything else found in the folder (another name, a folder, a link, a
damaged or foreign file) is reported and left exactly as it is, since
metrotui cannot tell that it wrote it.

The current choice is one small JSON file in the config folder.  Progress is
never kept here: it stays in its own file per curriculum id (metrotui.paths),
so removing a copy keeps it.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from metrotui.paths import (
    BUNDLED_ID,
    bundled_curriculum,
    current_choice_file,
    default_progress_file,
    library_dir,
)

if TYPE_CHECKING:
    from metrotui.core.curriculum import Curriculum

COPY_SUFFIX = ".json"
MAX_ID_CHARS = 128
# The choice file holds one short id; anything bigger is not ours.
MAX_CHOICE_BYTES = 4096
# A copy takes well under a second to write: a temporary file this old was left by a killed add.
STALE_TEMPORARY_S = 3600


class LibraryError(Exception):
    """A library request that cannot be done, in one sentence for the learner."""


# Named tuples, not dataclasses: the bare launch imports this module, and making
# a dataclass costs a millisecond each.
class Entry(NamedTuple):
    """A curriculum the learner can open by id."""

    id: str
    path: Path
    bundled: bool
    curriculum: Curriculum


class Problem(NamedTuple):
    """Something in the library folder that is not a usable copy."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path} {self.reason}; it is left as it is"


class Activity(NamedTuple):
    """A curriculum's progress as the library shows it."""

    done: int
    known: int
    total: int
    last: str | None  # the latest tick, known mark or note, as an ISO time

    @property
    def finished(self) -> int:
        return self.done + self.known


# Ids and where they lead ------------------------------------------------------------


def could_be_id(text: str) -> bool:
    """Whether text has the form of a curriculum id, and so names a file safely."""
    text = unicodedata.normalize("NFC", text)
    return (
        0 < len(text) <= MAX_ID_CHARS
        and (text[0].isalpha() or text[0].isdecimal())
        and all(ch.isalpha() or ch.isdecimal() or ch in "-_." or _is_mark(ch) for ch in text)
    )


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


def copy_path(curriculum_id: str) -> Path:
    return library_dir() / f"{unicodedata.normalize('NFC', curriculum_id)}{COPY_SUFFIX}"


def find(curriculum_id: str) -> Path | None:
    """The file of a curriculum in the library (bundled or added), or None."""
    if curriculum_id == BUNDLED_ID:
        return bundled_curriculum()
    if not could_be_id(curriculum_id):
        return None
    path = copy_path(curriculum_id)
    return path if _is_regular(path) else None


def resolve(option: str | None) -> Path:
    """The curriculum file ``--curriculum`` names: a path, as always, or a library id.

    A file that exists wins, so every path that worked before still means the
    same; a name with a folder or a ``.json`` ending stays a path (and is
    refused as a missing file, in the usual words); any other name must be an
    id in the library.
    """
    if not option:
        return bundled_curriculum()
    given = Path(option)
    if given.exists():
        return given
    found = find(option)
    if found is not None:
        return found
    if "/" in option or "\\" in option or option.lower().endswith(COPY_SUFFIX):
        return given
    raise LibraryError(unknown_id_message(option))


def unknown_id_message(text: str) -> str:
    from metrotui.core.words import closest

    suggestion = closest(text, [BUNDLED_ID, *copy_ids()])
    hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
    return (
        f"{text!r} is neither a file nor a curriculum in the library{hint}; "
        "metrotui list shows the library"
    )


def copy_ids() -> list[str]:
    """The ids the library folder's file names give (unchecked: for suggestions)."""
    try:
        names = sorted(child.name for child in library_dir().iterdir())
    except OSError:
        return []
    return [name.removesuffix(COPY_SUFFIX) for name in names if name.endswith(COPY_SUFFIX)]


def _is_regular(path: Path) -> bool:
    import stat

    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


# Reading the library ---------------------------------------------------------------


def scan() -> tuple[list[Entry], list[Problem]]:
    """Every curriculum the learner can open, bundled first, and what else is in the folder."""
    from metrotui.core.curriculum import CurriculumError
    from metrotui.storage.curriculum_file import load_curriculum

    entries = [Entry(BUNDLED_ID, bundled_curriculum(), True, load_curriculum(bundled_curriculum()))]
    problems: list[Problem] = []
    for child in _children():
        try:
            entries.append(_entry(child))
        except LibraryError as why:
            problems.append(Problem(child, str(why)))
        except CurriculumError:  # its whole report is for validate: here, one line a file
            problems.append(
                Problem(child, f"is not a valid curriculum (metrotui validate {child} says why)")
            )
    return entries, problems


def _children() -> list[Path]:
    try:
        children = sorted(library_dir().iterdir())
    except FileNotFoundError:
        return []
    except OSError as error:
        raise LibraryError(
            f"cannot read the library folder {library_dir()} ({error.strerror or error})"
        ) from None
    # An add's temporary file is its own business (removed when stale by the next add).
    return [c for c in children if not (c.name.startswith(".") and c.name.endswith(".tmp"))]


def _entry(path: Path) -> Entry:
    """A copy in the folder, or LibraryError / CurriculumError saying why it is not one."""
    from metrotui.storage.curriculum_file import load_curriculum
    from metrotui.storage.files import kind_of

    try:
        kind = "a link" if path.is_symlink() else kind_of(path.lstat().st_mode)
    except OSError as error:
        raise LibraryError(f"cannot be read ({error.strerror or error})") from None
    if kind is not None:
        raise LibraryError(f"is {kind}, not a copy metrotui made")
    stem = path.name.removesuffix(COPY_SUFFIX)
    if not path.name.endswith(COPY_SUFFIX) or not could_be_id(stem):
        raise LibraryError("is not named as metrotui names its copies (<id>.json)")
    curriculum = load_curriculum(path)
    if curriculum.id != stem:
        raise LibraryError(f"holds the curriculum {curriculum.id!r}, not {stem!r}")
    return Entry(stem, path, False, curriculum)


def activity(curriculum: Curriculum) -> tuple[Activity, list[str]]:
    """A curriculum's progress in its own file, and any notices reading it gave."""
    from metrotui.core.tracker import Tracker
    from metrotui.storage.progress import Progress, ProgressError, ProgressStore

    store = ProgressStore(default_progress_file(curriculum.id), curriculum.id)
    try:
        progress = store.peek()
    except ProgressError as error:
        store.notices.append(str(error))
        progress = Progress(curriculum=curriculum.id)
    overall = Tracker(curriculum, progress.done, progress.known).overall
    times = [*progress.done.values(), *progress.known.values()]
    times += [note.updated for note in progress.notes.values()]
    last = max(times, default=None)
    # Count.done already counts the known topics among the finished ones.
    ticked = overall.done - overall.known
    return Activity(ticked, overall.known, overall.total, last), store.notices


# Changing the library --------------------------------------------------------------


def add(data: bytes, curriculum: Curriculum) -> str:
    """Keep a copy of checked curriculum bytes; says "added", "replaced" or "unchanged"."""
    from metrotui.core.curriculum import CurriculumError
    from metrotui.storage.atomic import remove_abandoned, write_atomic

    if curriculum.id == BUNDLED_ID:
        raise LibraryError(
            f"{BUNDLED_ID!r} is the id of the bundled curriculum, which is always in the "
            "library; give yours an id of its own"
        )
    target = copy_path(curriculum.id)
    outcome = "added"
    if target.exists() or target.is_symlink():
        try:
            _entry(target)
        except (LibraryError, CurriculumError) as error:
            raise LibraryError(
                f"{target} is in the way and may not be metrotui's "
                f"({_reason(error)}); move it away and add again. Nothing was written."
            ) from None
        if target.read_bytes() == data:
            return "unchanged"
        outcome = "replaced"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_abandoned(target, STALE_TEMPORARY_S)
        write_atomic(target, data)
    except OSError as error:
        raise LibraryError(f"cannot write {target} ({error.strerror or error})") from None
    return outcome


def remove(curriculum_id: str) -> Entry:
    """Delete an added copy (never the bundled curriculum, never a file not ours)."""
    from metrotui.core.curriculum import CurriculumError

    if curriculum_id == BUNDLED_ID:
        raise LibraryError(f"{BUNDLED_ID!r} is the bundled curriculum; it cannot be removed")
    if find(curriculum_id) is None:
        raise LibraryError(unknown_id_message(curriculum_id))
    target = copy_path(curriculum_id)
    try:
        entry = _entry(target)
    except (LibraryError, CurriculumError) as error:
        raise LibraryError(
            f"{target} may not be metrotui's ({_reason(error)}), so it is left as it is; "
            "delete it yourself if you no longer want it"
        ) from None
    try:
        target.unlink()
    except OSError as error:
        raise LibraryError(f"cannot remove {target} ({error.strerror or error})") from None
    return entry


def _reason(error: Exception) -> str:
    from metrotui.core.curriculum import CurriculumError

    if isinstance(error, CurriculumError):
        return "it is not a valid curriculum"
    return f"it {error}"


# The current choice ----------------------------------------------------------------


def current_choice() -> str | None:
    """The id ``metrotui use`` chose, or None; LibraryError if the file is not one we wrote."""
    from metrotui.storage.files import read_bounded

    path = current_choice_file()
    try:
        raw = json.loads(read_bounded(path, MAX_CHOICE_BYTES).decode("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError):
        raw = None
    chosen = raw.get("curriculum") if isinstance(raw, dict) else None
    if not isinstance(chosen, str):
        raise LibraryError(
            f"{path} is not the choice file metrotui writes; the bundled curriculum is "
            "used (metrotui use ID chooses one; the file is left as it is until then)"
        )
    return chosen


def current() -> tuple[str, Path, str | None]:
    """The current curriculum's id and file, and a notice if the choice could not be followed."""
    try:
        chosen = current_choice()
    except LibraryError as error:
        return BUNDLED_ID, bundled_curriculum(), str(error)
    if chosen is None:
        return BUNDLED_ID, bundled_curriculum(), None
    found = find(chosen)
    if found is None:
        return (
            BUNDLED_ID,
            bundled_curriculum(),
            (
                f"the current curriculum {chosen!r} is not in the library any more; "
                "the bundled one is used (metrotui use ID chooses another)"
            ),
        )
    return chosen, found, None


def set_current(curriculum_id: str) -> None:
    """Make a curriculum the default; a choice file metrotui did not write is not replaced."""
    from metrotui.storage.atomic import write_atomic

    path = current_choice_file()
    if path.exists() or path.is_symlink():
        try:
            current_choice()
        except LibraryError:
            raise LibraryError(
                f"{path} is not the choice file metrotui writes, so it is not replaced; "
                "move it away and try again"
            ) from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps({"curriculum": curriculum_id}).encode() + b"\n")
    except OSError as error:
        raise LibraryError(f"cannot write {path} ({error.strerror or error})") from None
