"""The layout of a sync repository or shared folder, and the one reader of a machine file.

A sync place (a git clone or a plain shared folder) holds nothing but::

    metrotui-sync.json                          {"metrotui_sync": 1}
    progress/<curriculum-id>/<machine-id>.json  one file per machine and curriculum

Each machine writes only its own file, so git never has to merge file contents
and two machines never write the same bytes.  A machine file is a progress
document exactly as storage/progress.py writes it, plus "machine" and
"learner" at the top level.  The marker tells a place of ours from someone
else's: an empty place is adopted, one with other content is refused.

Shared-folder tools keep both sides of a clash as a conflict copy beside the
file (Syncthing's ``NAME.sync-conflict-DATE-DEVICE.json``, Dropbox's
``NAME (… conflicted copy …).json``); every ``*.json`` in a curriculum's
folder is read, so those are merged too, and none is ever deleted.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from metrotui.storage.export import EXPORTED_KEY
from metrotui.storage.progress import (
    MAX_PROGRESS_BYTES,
    DamagedProgress,
    NotProgress,
    OtherCurriculum,
    Progress,
    ProgressError,
    parse_progress,
    progress_bytes,
)

MARKER_NAME = "metrotui-sync.json"
MARKER_KEY = "metrotui_sync"
LAYOUT_VERSION = 1
PROGRESS_FOLDER = "progress"
MACHINE_KEY = "machine"
LEARNER_KEY = "learner"
# Keys a machine file has beside a progress document's; none of them is progress.
SYNC_KEYS = (MACHINE_KEY, LEARNER_KEY, EXPORTED_KEY)
# What git keeps at the top of a clone, and what sync tools and file browsers
# leave in any folder they touch: nobody's content, so a folder holding only
# these is still empty (Syncthing puts .stfolder in every folder it shares).
_NOT_CONTENT = frozenset(
    {
        ".git",
        ".stfolder",
        ".stignore",
        ".stversions",
        ".dropbox",
        ".dropbox.cache",
        ".sync",
        ".DS_Store",
        "desktop.ini",
        "Thumbs.db",
    }
)
# A machine id or curriculum id used as a file name: nothing that could climb
# out of its folder or hide as a dot file.
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


class SyncLayoutError(Exception):
    """A sync place that cannot be used as it is; the message says why and what to do."""


class ForeignPlace(SyncLayoutError):
    """A repository or folder with content that is not a metrotui sync layout."""


class BadMachineFile(ValueError):
    """A machine file that cannot be read as progress for the curriculum asked for."""


@dataclass(frozen=True)
class MachineFile:
    """One machine's progress for one curriculum, as read from the sync place."""

    path: Path
    machine: str  # the "machine" key, or the file's stem when it has none
    learner: str  # the "learner" key, or "" when it has none
    # Progress with the sync keys taken out of its extra: merged into a local
    # file, nothing about machines or learners leaks into it.
    progress: Progress


def is_safe_name(name: str) -> bool:
    return bool(_SAFE_NAME.fullmatch(name)) and ".." not in name


def marker_bytes() -> bytes:
    return (json.dumps({MARKER_KEY: LAYOUT_VERSION}) + "\n").encode()


def curriculum_folder(root: Path, curriculum_id: str) -> Path:
    return root / PROGRESS_FOLDER / curriculum_id


def machine_file_path(root: Path, curriculum_id: str, machine_id: str) -> Path:
    return curriculum_folder(root, curriculum_id) / f"{machine_id}.json"


def place_state(root: Path) -> str:
    """ "ours" (has the marker), "empty" (nothing but .git) or raise ForeignPlace.

    A marker from a newer layout is refused too, rather than written over.
    """
    marker = root / MARKER_NAME
    if os.path.lexists(marker):
        _check_marker(marker)
        return "ours"
    try:
        others = sorted(entry.name for entry in root.iterdir() if entry.name not in _NOT_CONTENT)
    except FileNotFoundError:
        return "empty"
    except OSError as error:
        raise SyncLayoutError(f"cannot read {root} ({error.strerror or error})") from None
    if not others:
        return "empty"
    shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
    raise ForeignPlace(
        f"{root} is not a metrotui sync place: it holds {shown} and no {MARKER_NAME}; "
        "nothing was changed. Give --remote an empty repository or folder, or one metrotui "
        "sync made"
    )


def _check_marker(marker: Path) -> None:
    from metrotui.storage.files import read_bounded

    try:
        data = json.loads(read_bounded(marker, 4096)) if is_plain_file(marker) else None
    except (OSError, ValueError):
        data = None
    version = data.get(MARKER_KEY) if isinstance(data, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        raise ForeignPlace(f"{marker} is not a metrotui sync marker; nothing was changed")
    if version > LAYOUT_VERSION:
        raise SyncLayoutError(
            f"{marker.parent} was made by a newer metrotui (sync layout {version}; this one "
            f"understands {LAYOUT_VERSION}). Upgrade metrotui; nothing was changed"
        )


def curricula_in(root: Path) -> list[str]:
    """The curriculum ids that have a folder in the sync place."""
    try:
        entries = sorted((root / PROGRESS_FOLDER).iterdir())
    except OSError:
        return []
    return [entry.name for entry in entries if _is_folder(entry) and is_safe_name(entry.name)]


def machine_files(root: Path, curriculum_id: str) -> list[Path]:
    """Every machine file of a curriculum, conflict copies included, in name order."""
    try:
        entries = sorted(curriculum_folder(root, curriculum_id).iterdir())
    except OSError:
        return []
    return [
        entry
        for entry in entries
        if entry.suffix == ".json" and not entry.name.startswith(".") and not _is_folder(entry)
    ]


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False


def is_plain_file(path: Path) -> bool:
    """A regular file itself: not a link (whose target may be anywhere), a pipe or a device."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def read_machine_file(path: Path, curriculum_id: str) -> MachineFile:
    """The machine file at ``path``; BadMachineFile (with the reason) if it is not one."""
    from metrotui.storage.files import read_bounded

    if not is_plain_file(path):
        # Someone else's doing: a link could lead a write anywhere, a pipe hang a read.
        raise BadMachineFile(f"{path} is a link, pipe or device, not a file metrotui wrote")
    try:
        data = read_bounded(path, MAX_PROGRESS_BYTES)
    except OSError as error:
        raise BadMachineFile(f"cannot read {path} ({error.strerror or error})") from None
    try:
        progress = parse_progress(data, curriculum_id, str(path))
    except OtherCurriculum as other:
        raise BadMachineFile(f"{path} holds progress for {other.owner!r}") from None
    except (DamagedProgress, NotProgress) as why:
        raise BadMachineFile(f"{path} is not a machine file ({why})") from None
    except ProgressError as error:  # a newer schema
        raise BadMachineFile(str(error)) from None
    return machine_file(path, progress)


def machine_file(path: Path, progress: Progress) -> MachineFile:
    """A progress document read from ``path`` as a machine file: the sync keys out of its extra."""
    machine = progress.extra.get(MACHINE_KEY)
    learner = progress.extra.get(LEARNER_KEY)
    extra = {key: value for key, value in progress.extra.items() if key not in SYNC_KEYS}
    return MachineFile(
        path=path,
        machine=machine if isinstance(machine, str) and machine else path.stem,
        learner=learner if isinstance(learner, str) else "",
        progress=replace(progress, extra=extra),
    )


def machine_file_bytes(progress: Progress, machine_id: str, learner: str) -> bytes:
    """A machine file's bytes: the progress document and the two sync keys after it."""
    extra = {key: value for key, value in progress.extra.items() if key not in SYNC_KEYS}
    extra[MACHINE_KEY] = machine_id
    extra[LEARNER_KEY] = learner
    return progress_bytes(replace(progress, extra=extra))


def write_machine_file(path: Path, data: bytes) -> bool:
    """Write a machine file if its bytes differ; whether anything was written."""
    from metrotui.storage.atomic import write_atomic
    from metrotui.storage.files import read_bounded

    if os.path.lexists(path) and not is_plain_file(path):
        raise SyncLayoutError(f"{path} is a link, pipe or device; it was left as it is")
    for folder in (path.parent, path.parent.parent):  # progress/<curriculum-id>, progress
        if folder.is_symlink():
            raise SyncLayoutError(f"{folder} is a link; nothing is written through it")
    try:
        if read_bounded(path, MAX_PROGRESS_BYTES) == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
    return True


def write_marker(root: Path) -> None:
    from metrotui.storage.atomic import write_atomic

    marker = root / MARKER_NAME
    if not marker.is_file():
        root.mkdir(parents=True, exist_ok=True)
        write_atomic(marker, marker_bytes())
