"""Reading a file someone named, with bounds: only a regular file, only up to a size.

A name on the command line can be anything: a named pipe (reading it waits for a
writer that may never come), /dev/zero or /dev/urandom (never end), a socket, a
terminal.  Each is told apart by stat() before it is opened, and the open itself
is non-blocking and checked again with fstat(), so a file swapped for a pipe in
between cannot make metrotui wait either.
"""

from __future__ import annotations

import errno
import os
import stat

MEGABYTE = 2**20


class NotARegularFile(OSError):
    """A folder, pipe, device or socket where a file was expected; ``kind`` says which."""

    def __init__(self, kind: str) -> None:
        super().__init__(errno.EINVAL, f"is {kind}, not a file")
        self.kind = kind


class FileTooLarge(OSError):
    """A file over the size limit; nothing past the limit was read."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"is {size / 1e6:.1f} MB, over {limit // MEGABYTE} MB")
        self.size = size
        self.limit = limit


def kind_of(mode: int) -> str | None:
    """What a file of this mode is in words, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Raises NotARegularFile, FileTooLarge, or the OSError the system gave
    (FileNotFoundError, PermissionError, ...).
    """
    kind = kind_of(os.stat(path).st_mode)
    if kind is not None:
        raise NotARegularFile(kind)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        kind = kind_of(info.st_mode)
        if kind is not None:  # swapped since the stat() above
            raise NotARegularFile(kind)
        if info.st_size > limit:
            raise FileTooLarge(info.st_size, limit)
        data = _read_at_most(fd, limit + 1, info.st_size)
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while being read
        raise FileTooLarge(len(data), limit)
    return data


def _read_at_most(fd: int, count: int, expected: int = 0) -> bytes:
    chunks: list[bytes] = []
    left = count
    # The size the file had, and one byte more to see its end, in one read:
    # a big file is then never copied from chunks into one.
    size = expected + 1
    while left > 0:
        chunk = os.read(fd, min(left, max(size, 4 * MEGABYTE)))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
        size = 0
    return b"".join(chunks)
