"""Reading a curriculum file: bounded reads, the check, and the cache of checked files.

A file is checked once, by metrotui.storage.check (pydantic, every problem
reported at once); what the check produces is kept by metrotui.storage.cache,
keyed by the file's bytes, so later loads build the runtime form
(metrotui.core.curriculum) without importing pydantic.
"""

from __future__ import annotations

import functools
import gc
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from metrotui.core.curriculum import Curriculum, CurriculumError

MAX_FILE_BYTES = 16 * 1024 * 1024
# Curriculum.memo key of the file's fingerprint: how metrotui.storage.last_seen
# tells at a glance that the learner has seen this version before.
FINGERPRINT = "file fingerprint"


def fingerprint(data: bytes) -> str:
    return f"{zlib.crc32(data):08x}-{len(data)}"


def load_curriculum(path: str | Path, *, recheck: bool = False) -> Curriculum:
    """Read a curriculum file, or raise CurriculumError naming it.

    A file whose exact bytes were checked before is built from the cache;
    ``recheck`` (``metrotui validate``) checks it again all the same.
    """
    return load_curriculum_bytes(read_curriculum_bytes(path), str(path), recheck=recheck)


def load_curriculum_bytes(data: bytes, source: str, *, recheck: bool = False) -> Curriculum:
    """A curriculum from bytes already read (through the cache), or CurriculumError."""
    curriculum = _load_checked(data, source, recheck)
    # What the last-seen copy is compared by (metrotui.storage.last_seen).
    curriculum.memo[FINGERPRINT] = fingerprint(data)
    return curriculum


def read_curriculum_bytes(path: str | Path) -> bytes:
    """The bytes of a curriculum file, bounded; CurriculumError says why they cannot be read."""
    from metrotui.storage.files import FileTooLarge, NotARegularFile, read_bounded

    path = Path(path)
    source = str(path)
    try:
        return read_bounded(path, MAX_FILE_BYTES)
    except NotARegularFile as error:
        raise CurriculumError(source, [f"is {error.kind}, not a curriculum file"]) from None
    except FileTooLarge as error:
        raise CurriculumError(
            source,
            [
                f"is {error.size / 1e6:.1f} MB; "
                f"a curriculum may be at most {MAX_FILE_BYTES // 2**20} MB"
            ],
        ) from None
    except FileNotFoundError:
        raise CurriculumError(source, ["no such file"]) from None
    except PermissionError:
        raise CurriculumError(source, ["cannot be read (permission denied)"]) from None
    except OSError as error:
        raise CurriculumError(source, [f"cannot be read ({error.strerror or error})"]) from None


def _without_gc(build: Callable[..., Curriculum]) -> Callable[..., Curriculum]:
    """Run with the cyclic garbage collector paused.

    Loading makes a great many objects and no garbage cycles; on a file of
    thousands of stations the collector's passes over them took as long as the
    loading itself.
    """

    @functools.wraps(build)
    def paused(*args: Any, **kwargs: Any) -> Curriculum:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return build(*args, **kwargs)
        finally:
            # What loading made goes straight to the oldest generation (freeze
            # then unfreeze): else the first allocation after it would start a
            # pass over every one of them, 20 ms for a station of 100,000 topics.
            gc.freeze()
            gc.unfreeze()
            if was_enabled:
                gc.enable()

    return paused


@_without_gc
def _load_checked(data: bytes, source: str, recheck: bool) -> Curriculum:
    from metrotui.storage import cache as curriculum_cache

    rows = None if recheck else curriculum_cache.read(data)
    if rows is not None:
        try:
            return Curriculum.from_rows(rows)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError):
            pass  # not the shape this version builds from: check the file instead
    from metrotui.storage import bundled

    # The file metrotui ships, as shipped, was checked ahead of time (see bundled).
    rows = None if recheck else bundled.rows_for(data)
    if rows is None:
        from metrotui.storage.check import check

        rows = check(data, source)
    curriculum = Curriculum.from_rows(rows)
    curriculum_cache.write(data, rows)
    return curriculum


@_without_gc
def parse_curriculum(data: bytes, source: str = "<curriculum>") -> Curriculum:
    """Check a curriculum given as bytes (no cache), or raise CurriculumError."""
    from metrotui.storage.check import check

    return Curriculum.from_rows(check(data, source))
