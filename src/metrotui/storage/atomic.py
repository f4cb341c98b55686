"""The one way metrotui writes a file: whole or not at all, and on disk when it returns.

Progress, the app's view state, the cache of checked curricula and exports all
come through here.  The bytes go to a temporary file beside the target, are
fsynced, and the temporary file is renamed over the target, then the folder is
fsynced so the rename itself survives a power cut.  A crash at any point leaves
the old file or the new one, never half of one.

The new file keeps the old one's permissions.  A file that did not exist is
created with mode 0o666 and the kernel takes the umask off, as for any file a
program creates; the process-wide umask is never changed to find it out (that
would race with every other thread creating files).

A writer killed before its rename leaves its temporary file behind, named
``.NAME.RANDOM.tmp``; ``temporaries`` finds them, for the callers' own rules
about when one is surely abandoned.
"""

from __future__ import annotations

import contextlib
import glob
import os
import time
from collections.abc import Iterator
from pathlib import Path

# Room for any number of writers at once: a clash of random names is retried.
_ATTEMPTS = 100
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace the file at ``path`` (or the one a symlink there names) with ``data``.

    Raises OSError if it cannot; the file is then as it was, and no temporary
    file is left behind.
    """
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    mode = _mode_of(target)
    fd, temporary = _create_temporary(target)
    try:
        try:
            handle = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            raise
        with handle:
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    fsync_folder(target.parent)


def temporaries(target: Path) -> Iterator[Path]:
    """The temporary files of writes to ``target`` that have not (yet) been renamed."""
    return target.parent.glob(f".{glob.escape(target.name)}.*.tmp")


def remove_abandoned(target: Path, older_than_s: float) -> None:
    """Remove temporary files of ``target`` older than any write takes: their writer died."""
    cutoff = time.time() - older_than_s
    for temporary in temporaries(target):
        with contextlib.suppress(OSError):
            if temporary.stat().st_mtime < cutoff:
                temporary.unlink()


def fsync_folder(folder: Path) -> None:
    """Put a folder's entries on disk: a rename is durable only once this is done."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the file itself is synced
    finally:
        os.close(fd)


def _mode_of(target: Path) -> int | None:
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return None  # a new file: the kernel applies the umask to 0o666


def _create_temporary(target: Path) -> tuple[int, str]:
    for _ in range(_ATTEMPTS):
        name = str(target.parent / f".{target.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(name, _FLAGS, 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")
