"""Reading a study group's progress from a folder, without ever writing to it.

Two shapes of folder are read:

* a sync repository or shared folder (``metrotui-sync.json`` at the top, or a
  ``progress`` folder): ``progress/<curriculum-id>/<machine-id>.json``, each
  file a progress document with "machine" and "learner" beside the marks.
  The machines of one learner are merged into one, and so are conflict copies
  (``*.sync-conflict-*``), which belong to their machine;
* a folder of JSON exports, one per learner, named by the file's stem or by
  its "learner" field.

Every file is data from someone else: only regular files (no links, pipes or
devices), each under the progress size cap; one that cannot be used is
skipped with a single line naming it, and the rest are read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from metrotui.core.cohort import LearnerMarks
from metrotui.storage.export import merge, read_export
from metrotui.storage.files import FileTooLarge, NotARegularFile, kind_of, read_bounded
from metrotui.storage.progress import MAX_PROGRESS_BYTES, Progress, ProgressError
from metrotui.storage.sync.layout import LEARNER_KEY, MARKER_NAME, PROGRESS_FOLDER, machine_file

CONFLICT_INFIX = ".sync-conflict-"
# A folder of thousands of stray files is still read in bounded time: a group
# bigger than this is not a study group.
MAX_FILES = 10_000


class CohortSourceError(Exception):
    """SOURCE cannot be read as a group at all; the message says why."""


@dataclass
class GroupRead:
    """The learners found, and one line for each file that was skipped."""

    learners: list[LearnerMarks] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    layout: str = "exports"  # or "sync"


def read_group(source: Path, curriculum_id: str) -> GroupRead:
    """Every learner in ``source`` for this curriculum; CohortSourceError if it is no group."""
    _check_folder(source)
    group = GroupRead()
    if (source / MARKER_NAME).exists() or (source / PROGRESS_FOLDER).is_dir():
        group.layout = "sync"
        folder = source / PROGRESS_FOLDER / curriculum_id
        by_name = _sync_learners(folder, group) if folder.is_dir() else {}
    else:
        by_name = _export_learners(source, curriculum_id, group)
    group.learners = [_marks(name, progress) for name, progress in sorted(by_name.items())]
    return group


def _check_folder(source: Path) -> None:
    try:
        kind = kind_of(source.stat().st_mode)
    except FileNotFoundError:
        raise CohortSourceError(f"{source} does not exist") from None
    except OSError as error:
        raise CohortSourceError(f"cannot read {source} ({_reason(error)})") from None
    if kind == "a folder":
        return
    what = "a file" if kind is None else kind
    raise CohortSourceError(
        f"{source} is {what}, not a folder: give the folder of a sync repository "
        "or a folder of JSON exports"
    )


def _json_files(folder: Path, group: GroupRead) -> Iterator[Path]:
    """The regular ``*.json`` files of a folder, in name order; links and the like are skipped."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except OSError as error:
        raise CohortSourceError(f"cannot read {folder} ({_reason(error)})") from None
    names = [name for name in names if name.endswith(".json") and name != MARKER_NAME]
    if len(names) > MAX_FILES:
        group.skipped.append(
            f"{folder}: {len(names) - MAX_FILES:,} files past the first {MAX_FILES:,} were not read"
        )
        names = names[:MAX_FILES]
    for name in names:
        path = folder / name
        try:
            kind = "a link" if path.is_symlink() else kind_of(path.lstat().st_mode)
        except OSError as error:
            group.skipped.append(f"{path}: cannot be read ({_reason(error)}); skipped")
            continue
        if kind is not None:
            group.skipped.append(f"{path}: is {kind}, not a file; skipped")
            continue
        yield path


def _read(path: Path, curriculum_id: str, group: GroupRead) -> Progress | None:
    """The progress in one file, or None with the reason added to ``group.skipped``."""
    try:
        data = read_bounded(path, MAX_PROGRESS_BYTES)
    except NotARegularFile as error:
        group.skipped.append(f"{path}: is {error.kind}, not a file; skipped")
        return None
    except FileTooLarge as error:
        group.skipped.append(
            f"{path}: is {error.size / 1e6:.1f} MB, over the "
            f"{MAX_PROGRESS_BYTES // 2**20} MB a progress file may be; skipped"
        )
        return None
    except OSError as error:
        group.skipped.append(f"{path}: cannot be read ({_reason(error)}); skipped")
        return None
    try:
        return read_export(data, curriculum_id, str(path))
    except (ValueError, ProgressError) as error:
        group.skipped.append(f"{path}: {_first_clause(str(error), str(path))}; skipped")
        return None


def _first_clause(message: str, source: str) -> str:
    """read_export's message, without the file name it starts with and the import advice."""
    message = message.removeprefix(source).strip()
    for ending in ("; nothing was imported", "; import it with", ". Nothing was imported"):
        message = message.split(ending)[0]
    return message.split(". Upgrade")[0].split("; Upgrade")[0]


def _sync_learners(folder: Path, group: GroupRead) -> dict[str, Progress]:
    curriculum_id = folder.name
    machines: dict[str, Progress] = {}
    names: dict[str, str] = {}
    for path in _json_files(folder, group):
        progress = _read(path, curriculum_id, group)
        if progress is None:
            continue
        found = machine_file(path, progress)
        # A conflict copy ("laptop.sync-conflict-20260101-120000-ABC.json") is its
        # machine's: it says so inside, and a copy without the key by its name.
        machine = found.machine.split(CONFLICT_INFIX)[0]
        _add(machines, machine, found.progress)
        if found.learner.strip():
            names[machine] = found.learner
    learners: dict[str, Progress] = {}
    for machine, progress in machines.items():
        _add(learners, names.get(machine, machine), progress)
    return learners


def _export_learners(source: Path, curriculum_id: str, group: GroupRead) -> dict[str, Progress]:
    learners: dict[str, Progress] = {}
    for path in _json_files(source, group):
        progress = _read(path, curriculum_id, group)
        if progress is not None:
            _add(learners, _named(progress, path.stem), progress)
    return learners


def _named(progress: Progress, fallback: str) -> str:
    name = progress.extra.get(LEARNER_KEY)
    return name if isinstance(name, str) and name.strip() else fallback


def _add(learners: dict[str, Progress], name: str, progress: Progress) -> None:
    learners[name] = merge(learners[name], progress) if name in learners else progress


def _marks(name: str, progress: Progress) -> LearnerMarks:
    return LearnerMarks(
        name=name,
        done=progress.done,
        known=progress.known,
        note_times=tuple(note.updated for note in progress.notes.values()),
    )


def _reason(error: OSError) -> str:
    return error.strerror.lower() if error.strerror else str(error)
