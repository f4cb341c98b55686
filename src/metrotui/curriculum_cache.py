"""Checked curricula, cached by the exact bytes of their file.

Checking a file (metrotui.curriculum_check) means importing pydantic and
building its models, which took longer than everything else in a launch.  So
the checked form, plain tuples of cleaned text, is kept in the user's cache
folder, and a file whose bytes were checked before is built from there.

An entry is found only for the same bytes checked by the same metrotui: its
name is a hash of the file's bytes, metrotui's version, the Python and the
checking code (by size and modification time, so an edited checkout does not
reuse entries from before the edit).  Each entry carries a hash of itself, so
a damaged one is never used.  Entries are marshal data, which is only ever
read back from the user's own cache folder.  Reading or writing the cache may
fail for any reason (no folder, a full disk, a damaged entry) and costs only
the time of checking the file again: nothing here raises.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import sys
import time
from pathlib import Path

from metrotui import __version__
from metrotui.curriculum import Rows
from metrotui.locations import cache_dir

FORMAT = b"metrotui checked curriculum, format 1"
KEEP = 16  # entries; older ones go when a new one is written
STALE_TEMPORARY_S = 3600
_SUFFIX = ".marshal"
_DIGEST = 32
# The modules whose code decides what a checked curriculum looks like.
_CHECKING_CODE = ("curriculum.py", "curriculum_check.py", "text.py")


@functools.cache
def _fingerprint() -> bytes:
    parts = [FORMAT, __version__.encode(), sys.implementation.cache_tag.encode()]
    here = Path(__file__).parent
    for name in _CHECKING_CODE:
        try:
            stat = (here / name).stat()
        except OSError:
            parts.append(name.encode())
        else:
            parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return b"\n".join(parts)


def folder() -> Path:
    return cache_dir() / "curricula"


def key(data: bytes) -> str:
    """The name of the entry for a file with these bytes."""
    digest = hashlib.blake2b(_fingerprint(), digest_size=20)
    digest.update(data)
    return digest.hexdigest()


def read(entry: str) -> Rows | None:
    """The checked rows kept under ``entry``, or None if there are none to trust."""
    try:
        blob = (folder() / f"{entry}{_SUFFIX}").read_bytes()
    except (OSError, ValueError):
        return None
    stored, payload = blob[:_DIGEST], blob[_DIGEST:]
    if hashlib.blake2b(payload, digest_size=_DIGEST).digest() != stored:
        return None
    try:
        rows = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    return rows if isinstance(rows, tuple) else None


def write(entry: str, rows: Rows) -> None:
    """Keep ``rows`` under ``entry``; quietly do nothing if the cache cannot be written."""
    try:
        payload = marshal.dumps(rows)
    except ValueError:
        return
    blob = hashlib.blake2b(payload, digest_size=_DIGEST).digest() + payload
    temporary: str | None = None
    try:
        where = folder()
        where.mkdir(parents=True, exist_ok=True)
        import tempfile  # here: only a first load writes, and it is slow to import

        handle, temporary = tempfile.mkstemp(dir=where, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(blob)
        # A rename, so a reader sees the whole entry or none; no fsync: a
        # torn entry after a power cut fails its hash and is written again.
        os.replace(temporary, where / f"{entry}{_SUFFIX}")
        temporary = None
        _prune(where)
    except OSError:
        pass
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _prune(where: Path) -> None:
    entries = []
    for path in where.glob(f"*{_SUFFIX}"):
        with contextlib.suppress(OSError):
            entries.append((path.stat().st_mtime_ns, path))
    # A writer killed before its rename leaves its temporary file behind.
    stale = time.time() - STALE_TEMPORARY_S
    for path in where.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < stale:
                path.unlink()
    entries.sort(reverse=True)
    for _, path in entries[KEEP:]:
        with contextlib.suppress(OSError):
            path.unlink()
