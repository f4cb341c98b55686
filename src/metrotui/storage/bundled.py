"""The bundled curriculum, checked ahead of time: its first launch needs no pydantic.

Checking a file means importing pydantic and building its models, most of the
very first launch on a machine (nothing cached yet).  For the file metrotui
ships, ``bundled_rows`` holds what the check gives, made by

    python -m metrotui.storage.bundled

and used only for exactly the bytes it was made from (their CRC and length)
and records of the shape it was made for: a bundled file changed on disk is
checked as any other file.  A test holds the rows equal to the check's.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from metrotui.core.curriculum import Rows

MODULE = Path(__file__).with_name("bundled_rows.py")


def source_of(data: bytes) -> tuple[int, int]:
    return (zlib.crc32(data), len(data))


def rows_for(data: bytes) -> Rows | None:
    """The checked rows of these bytes, if they are the bundled file's as shipped."""
    from metrotui.storage import bundled_rows
    from metrotui.storage.cache import _shape

    if source_of(data) != bundled_rows.SOURCE or _shape() != bundled_rows.SHAPE:
        return None
    return bundled_rows.ROWS


def module_text(data: bytes) -> str:
    """The text of ``bundled_rows`` for the bundled file's bytes."""
    from metrotui.storage.cache import _shape
    from metrotui.storage.check import check

    rows = check(data, "stations.json")
    return (
        '"""The bundled curriculum as checked; made by ``python -m metrotui.storage.bundled``."""\n'
        "\n"
        "from metrotui.core.curriculum import Rows\n"
        "\n"
        "# fmt: off\n"
        f"SOURCE = {source_of(data)!r}\n"
        f"SHAPE = {_shape()!r}  # noqa: E501\n"
        f"ROWS: Rows = {rows!r}  # noqa: E501\n"
        "# fmt: on\n"
    )


def main() -> None:
    from metrotui.paths import bundled_curriculum

    MODULE.write_text(module_text(bundled_curriculum().read_bytes()), encoding="utf-8")


if __name__ == "__main__":
    main()
