"""Commands about the library of curricula: add, list, use and remove."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from metrotui.cli.session import MetroCommand, fail, note, say
from metrotui.core.text import safe_json
from metrotui.core.words import counted
from metrotui.paths import BUNDLED_ID, CURRICULUM_ENV, default_progress_file

if TYPE_CHECKING:
    from metrotui.core.curriculum import Curriculum
    from metrotui.storage.library import Activity, Entry


def complete_library_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """The library's ids, for use and remove (names only: nothing is loaded)."""
    from click.shell_completion import CompletionItem

    from metrotui.storage import library

    ids = [BUNDLED_ID, *library.copy_ids()]
    return [CompletionItem(i) for i in ids if i.casefold().startswith(incomplete.casefold())]


def curriculum_from_source(path: Path, data: bytes) -> bytes:
    """Turn a source that is not curriculum JSON (a roadmap README, an Exercism track's
    config.json) into curriculum bytes.

    Converted as ``metrotui convert`` would with its defaults, its report on
    stderr; a source it cannot convert is refused with the reason.
    """
    from metrotui.core.convert.markdown import ConvertError
    from metrotui.storage.convert_source import ConvertOptions, convert_file, serialized

    try:
        conversion = convert_file(str(path), ConvertOptions())
    except ConvertError as error:
        fail(f"{error} (to choose how it is read, see metrotui convert --help)")
    for line in conversion.report:
        say(line, err=True)
    return serialized(conversion.data)


def _is_curriculum_json(data: bytes) -> bool:
    """Curriculum JSON (valid or not: the check reports it), rather than a source to convert.

    A sniff, not a parse: the check parses the file next, and it may be 16 MB.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.lstrip()[:1] == b"{" and (b'"schema_version"' in data or b'"stations"' in data)


@click.command(cls=MetroCommand)
@click.argument("file", type=click.Path(dir_okay=False))
def add(file: str) -> None:
    """Check a curriculum file and keep a copy of it in your library, under its id."""
    from metrotui.core.curriculum import CurriculumError
    from metrotui.storage import library
    from metrotui.storage.curriculum_file import load_curriculum_bytes, read_curriculum_bytes

    try:
        data = read_curriculum_bytes(file)
        if not _is_curriculum_json(data):
            data = curriculum_from_source(Path(file), data)
        curriculum = load_curriculum_bytes(data, file)
        outcome = library.add(data, curriculum)
    except (CurriculumError, library.LibraryError) as error:
        fail(str(error))
    name = f"{curriculum.title!r} ({curriculum.id})"
    if outcome == "unchanged":
        say(f"{name} is in the library already, exactly as in {file}; nothing changed.")
        return
    open_it = f"Open it with: metrotui use {curriculum.id}"
    if outcome == "added":
        say(f"Added {name}: {_size(curriculum)}. {open_it}")
        return
    # A new version of a curriculum the learner may be halfway through: what it keeps matters.
    current = library.current()[0] == curriculum.id
    say(
        f"Replaced the library's copy of {name}, an update: {_size(curriculum)}. "
        "Your progress carries over; metrotui changes says what changed."
        + ("" if current else f" {open_it}")
    )


def _size(curriculum: Curriculum) -> str:
    topics = sum(len(station.topics) for station in curriculum.stations)
    return (
        f"{counted(len(curriculum.lines), 'line')}, "
        f"{counted(len(curriculum.stations), 'station')}, {counted(topics, 'topic')}"
    )


@click.command("list", cls=MetroCommand)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_(as_json: bool) -> None:
    """Every curriculum in your library, with its progress; * marks the current one."""
    from metrotui.storage import library

    try:
        entries, problems = library.scan()
    except library.LibraryError as error:
        fail(str(error))
    current = _current_id()
    rows = []
    for entry in entries:
        progress, notices = library.activity(entry.curriculum)
        for notice in notices:
            note(notice)
        rows.append(_row(entry, progress, entry.id == current))
    for problem in problems:
        note(f"in the library folder, {problem}")
    if as_json:
        problem_rows = [{"file": str(p.path), "problem": p.reason} for p in problems]
        data = {"current": current, "curricula": rows, "problems": problem_rows}
        click.echo(safe_json(data, indent=2))
    else:
        _print_table(rows)


def _current_id() -> str:
    from metrotui.storage import library

    chosen, _path, notice = library.current()
    if notice is not None:
        note(notice)
    return chosen


def _row(entry: Entry, progress: Activity, current: bool) -> dict[str, Any]:
    return {
        "id": entry.id,
        "title": entry.curriculum.title,
        "current": current,
        "bundled": entry.bundled,
        "file": str(entry.path),
        "done": progress.done,
        "known": progress.known,
        "finished": progress.finished,
        "total": progress.total,
        "last_activity": progress.last,
        "progress_file": str(default_progress_file(entry.id)),
    }


def _print_table(rows: list[dict[str, Any]]) -> None:
    from rich.table import Table
    from rich.text import Text

    from metrotui.cli.session import console

    out = console()
    cells: list[tuple[str, ...]] = [
        (
            "*" if row["current"] else "",
            row["id"],
            row["title"],
            f"{row['finished']}/{row['total']}",
            row["last_activity"][:10] if row["last_activity"] else "never",
            "bundled" if row["bundled"] else "",
        )
        for row in rows
    ]
    headers = ("", "id", "title", "done", "last activity", "")
    id_width, title_width = _fitted_names(headers, cells, out.width)
    table = Table(box=None, pad_edge=False, show_edge=False)
    table.add_column("", no_wrap=True)
    # Only the names give way to a narrow screen, the title first: each
    # column keeps its place, and the counts and dates are never cut.
    table.add_column("id", no_wrap=True, overflow="ellipsis", width=id_width)
    table.add_column("title", no_wrap=True, overflow="ellipsis", width=title_width)
    table.add_column("done", justify="right", no_wrap=True)
    table.add_column("last activity", no_wrap=True)
    table.add_column("", no_wrap=True)
    for row in cells:
        table.add_row(row[0], Text(row[1]), Text(row[2]), *row[3:])
    out.print(table)


# The narrowest a title is cut to, "…" included, before the id gives way too;
# and the narrowest either is cut to at all (then the screen is simply too narrow).
_TITLE_MIN_CELLS = 16
_NAME_MIN_CELLS = 8


def _fitted_names(
    headers: tuple[str, ...], rows: list[tuple[str, ...]], width: int
) -> tuple[int, int]:
    """The cells the id and the title columns get in ``width``: whole if they fit."""
    from rich.cells import cell_len

    natural = [
        max(cell_len(text) for text in column) for column in zip(headers, *rows, strict=True)
    ]
    gaps = 2 * (len(natural) - 1)  # rich's padding: a space either side of each column
    room = width - gaps - sum(natural) + natural[1] + natural[2]
    id_cells = min(natural[1], max(_NAME_MIN_CELLS, room - min(natural[2], _TITLE_MIN_CELLS)))
    title_cells = min(natural[2], max(_NAME_MIN_CELLS, room - id_cells))
    return id_cells, title_cells


@click.command(cls=MetroCommand)
@click.argument("curriculum_id", metavar="ID", shell_complete=complete_library_ids)
def use(curriculum_id: str) -> None:
    """Make a curriculum in your library the one the map and the commands open."""
    from metrotui.cli.session import load_or_fail
    from metrotui.storage import library

    path = library.find(curriculum_id)
    if path is None:
        fail(library.unknown_id_message(curriculum_id))
    curriculum = load_or_fail(path)
    try:
        library.set_current(curriculum.id)
    except library.LibraryError as error:
        fail(str(error))
    say(
        f"Now using {curriculum.title!r} ({curriculum.id}): metrotui opens it, and every "
        "command reads it unless --curriculum names another."
    )
    if os.environ.get(CURRICULUM_ENV):
        note(f"{CURRICULUM_ENV} is set, and it still wins while it is")


@click.command(cls=MetroCommand)
@click.argument("curriculum_id", metavar="ID", shell_complete=complete_library_ids)
def remove(curriculum_id: str) -> None:
    """Remove a curriculum's copy from your library; its progress is kept."""
    from metrotui.storage import library

    try:
        entry = library.remove(curriculum_id)
        was_current = _choice() == entry.id
        if was_current:
            library.set_current(BUNDLED_ID)
    except library.LibraryError as error:
        fail(str(error))
    say(
        f"Removed {entry.curriculum.title!r} ({entry.id}) from the library. Its progress is "
        f"kept in {default_progress_file(entry.id)}: add the curriculum again to carry on."
    )
    if was_current:
        say("It was the current curriculum: the bundled one is current again.")


def _choice() -> str | None:
    from metrotui.storage import library

    try:
        return library.current_choice()
    except library.LibraryError:
        return None
