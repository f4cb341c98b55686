"""Checked curricula, cached by the exact bytes of their file.

Checking a file (metrotui.storage.check) means importing pydantic and
building its models, which took longer than everything else in a launch.  So
the checked form, plain tuples of cleaned text, is kept in the user's cache
folder, and a file whose bytes were checked before is built from there.

An entry is used only for the same bytes checked by the same metrotui: it
holds a copy of the file's bytes and a fingerprint of metrotui's version, the
Python, the fields of the file format's records and the checking code (by
size and modification time, so an edited checkout does not reuse entries
from before the edit), and both must equal
the file's and this metrotui's exactly.  Its name (a CRC of the two) only
finds it.  Each entry carries a CRC of itself, so a damaged one is never used.
(zlib, not hashlib: comparing the bytes is exact, and hashlib's import alone
cost a thirtieth of ``metrotui status``.)  Entries are marshal data, which is
only ever read back from the user's own cache folder.  Reading or writing the
cache may fail for any reason (no folder, a full disk, a damaged entry) and
costs only the time of checking the file again: nothing here raises.
"""

from __future__ import annotations

import contextlib
import functools
import marshal
import sys
import time
import zlib
from pathlib import Path

from metrotui import __version__
from metrotui.core.curriculum import Rows, file_fields, records
from metrotui.paths import cache_dir

FORMAT = b"metrotui checked curriculum, format 4"
KEEP = 16  # entries; older ones go when a new one is written
STALE_TEMPORARY_S = 3600
_SUFFIX = ".marshal"
_CRC = 4  # bytes of the CRC that starts an entry
# The modules whose code decides what a checked curriculum looks like.
_CHECKING_CODE = ("core/curriculum.py", "storage/check.py", "core/text.py", "core/palette.py")


def _shape() -> bytes:
    """The records' field names: rows of another shape must never be built from."""
    return ";".join(
        f"{record.__name__}:{','.join(field.name for field in file_fields(record))}"
        for record in records()
    ).encode()


@functools.cache
def _fingerprint() -> bytes:
    parts = [FORMAT, __version__.encode(), sys.implementation.cache_tag.encode(), _shape()]
    here = Path(__file__).parents[1]  # the metrotui package
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


def _name(data: bytes) -> str:
    return f"{zlib.crc32(data, zlib.crc32(_fingerprint())):08x}-{len(data)}"


def read(data: bytes) -> Rows | None:
    """The checked rows kept for a file with these bytes, or None if none can be trusted."""
    try:
        blob = (folder() / f"{_name(data)}{_SUFFIX}").read_bytes()
    except OSError:
        return None
    stored, payload = blob[:_CRC], memoryview(blob)[_CRC:]
    if zlib.crc32(payload).to_bytes(_CRC, "big") != stored:
        return None
    try:
        fingerprint, source, rows = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if fingerprint != _fingerprint() or source != data or not isinstance(rows, tuple):
        return None
    return rows


def write(data: bytes, rows: Rows) -> None:
    """Keep ``rows`` for a file with these bytes; quietly do nothing if that fails."""
    try:
        payload = marshal.dumps((_fingerprint(), data, rows))
    except ValueError:
        return
    blob = zlib.crc32(payload).to_bytes(_CRC, "big") + payload
    from metrotui.storage.atomic import write_atomic  # here: only a first load writes

    try:
        where = folder()
        where.mkdir(parents=True, exist_ok=True)
        write_atomic(where / f"{_name(data)}{_SUFFIX}", blob)
        _prune(where)
    except OSError:
        pass


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
