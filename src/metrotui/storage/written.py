"""A record of the big progress files metrotui wrote, by the hash of their bytes.

``storage/marks_in_place`` reads a big progress file without parsing it, which
is sound only for bytes in exactly the layout ``progress_bytes`` writes; and
checking that layout would take as long as parsing.  So each time the store
writes a big file it records here the SHA-1 of its bytes ("these bytes are
ours, as written"), and only bytes with a recorded hash are read in place.
A record names bytes, not a file: the same bytes copied elsewhere are just as
much ours, and bytes changed by anyone else have another hash.

The record is only ever a shortcut: a missing or damaged one costs a read of
the whole file.  Nothing here raises.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

# Below this a file is parsed whole (quick enough), and no record is kept.
IN_PLACE_BYTES = 1 << 20
KEEP = 16  # hashes of recent big files; older ones go when a new one is recorded
_SUFFIX = ".ours"


def folder() -> Path:
    from metrotui.paths import cache_dir

    return cache_dir() / "progress-layout"


def _entry(data: bytes) -> Path:
    import hashlib  # only for big files: its import costs every small command

    digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()
    return folder() / f"{digest}-{len(data)}{_SUFFIX}"


def remember(data: bytes) -> bool:
    """Record that ``data`` is a progress file as ``progress_bytes`` wrote it; whether it is now."""
    if len(data) < IN_PLACE_BYTES:
        return False
    try:
        entry = _entry(data)
        entry.parent.mkdir(parents=True, exist_ok=True)
        # Empty, so never half written, and not synced: one lost in a crash
        # costs only a read of the whole file.  Touched again, it is kept longer.
        entry.touch()
        _prune(entry.parent)
    except OSError:
        return False
    return True


def is_ours(data: bytes) -> bool:
    """Whether these bytes were recorded as written by ``progress_bytes``."""
    try:
        return _entry(data).is_file()
    except OSError:
        return False


def _prune(where: Path) -> None:
    entries = []
    for path in where.glob(f"*{_SUFFIX}"):
        with contextlib.suppress(OSError):
            entries.append((path.stat().st_mtime_ns, path))
    entries.sort(reverse=True)
    for _, path in entries[KEEP:]:
        with contextlib.suppress(OSError):
            path.unlink()
