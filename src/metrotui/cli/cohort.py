"""``metrotui cohort SOURCE``: where every learner of a study group is on the map."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from metrotui.cli.session import (
    MetroCommand,
    Session,
    chosen_path,
    console,
    fail,
    note,
    path_option,
)
from metrotui.core.text import safe_json

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

    from metrotui.core.cohort import Cohort, LearnerView
    from metrotui.core.curriculum import Curriculum

NAME_CELLS = 16  # a learner's name in a table cell; longer ones are cut
NOW_CELLS = 22  # the station a learner is at, in the learners' table


@click.command(cls=MetroCommand)
@click.argument("source", metavar="SOURCE", type=click.Path(file_okay=False))
@path_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def cohort(session: Session, source: str, path: str | None, as_json: bool) -> None:
    """Where each learner of a group is: SOURCE is a sync folder or a folder of exports.

    Nothing in SOURCE is ever written.
    """
    curriculum = session.curriculum()
    path = chosen_path(session, path)
    group = read_cohort(curriculum, Path(source), path)
    if as_json:
        click.echo(safe_json(cohort_json(group, source), indent=2))
        return
    out = console()
    out.print(cohort_view(group, out.width))


def read_cohort(curriculum: Curriculum, source: Path, path: str) -> Cohort:
    """The group in ``source``, each skipped file told on stderr; exit 2 if there is none."""
    from metrotui.core.cohort import cohort as standing_of
    from metrotui.storage.cohort import CohortSourceError, read_group

    try:
        found = read_group(source, curriculum.id)
    except CohortSourceError as error:
        fail(str(error))
    for line in found.skipped:
        note(line)
    if not found.learners:
        fail(
            f"no learners of the curriculum {curriculum.id!r} in {source} "
            "(a sync folder keeps them in progress/<curriculum-id>/, "
            "an exports folder as one JSON export per learner)"
        )
    group = standing_of(curriculum, found.learners, datetime.now(UTC), path)
    return replace(group, skipped=tuple(found.skipped))


def open_group(session: Session, source: str, app_path: str | None) -> None:
    """The map app, read-only, on the group in ``source``; returns only by failing."""
    session.tell_changes = False  # the app's screen would hide the line
    curriculum = session.curriculum()
    if app_path is not None:
        app_path = chosen_path(session, None)
    # The whole map's counts: the app's path filter only hides stations.
    group = read_cohort(curriculum, Path(source), "all")
    opener = session.front_ends_or_fail().open_cohort
    if opener is None:
        fail("the map app cannot show a study group from here")
    problem = opener(curriculum, session.progress_path(), app_path, group)
    fail(f"the map app cannot start ({problem})")


# JSON ----------------------------------------------------------------------------------


def cohort_json(group: Cohort, source: str) -> dict[str, Any]:
    from metrotui.core.cohort import STUCK_AFTER

    curriculum = group.curriculum
    return {
        "curriculum": curriculum.id,
        "title": curriculum.title,
        "source": source,
        "path": group.path,
        "stuck_after_days": STUCK_AFTER.days,
        "learners": [_learner_json(group, learner) for learner in group.learners],
        "stations": [
            {
                "id": view.station.id,
                "number": view.station.number,
                "title": view.station.title,
                "line": view.station.line,
                "finished": list(view.finished),
                "in_it": list(view.in_it),
                "stuck": list(view.stuck),
                "counts": {
                    "finished": len(view.finished),
                    "in_it": len(view.in_it),
                    "stuck": len(view.stuck),
                    "learners": len(group.learners),
                },
            }
            for view in group.by_station.values()
        ],
    }


def _learner_json(group: Cohort, learner: LearnerView) -> dict[str, Any]:
    count = learner.count
    curriculum = group.curriculum
    return {
        "name": learner.name,
        "done": count.done - count.known,
        "known": count.known,
        "finished": count.done,
        "total": count.total,
        "percent": count.percent,
        "current": [
            {
                "id": station_id,
                "number": curriculum.station(station_id).number,
                "title": curriculum.station(station_id).title,
            }
            for station_id in learner.current
        ],
        "last_activity": learner.last_activity,
        "stations": {
            station_id: standing.value for station_id, standing in learner.standing.items()
        },
    }


# Text ----------------------------------------------------------------------------------


def cohort_view(group: Cohort, width: int) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    from metrotui.core.words import counted

    curriculum = group.curriculum
    where = "all paths" if group.path == "all" else curriculum.line(group.path).name
    head = Text.assemble(
        (curriculum.title, "bold"), f" — {counted(len(group.learners), 'learner')} ({where})"
    )
    return Group(
        head,
        Text(""),
        _learners_table(group),
        Text(""),
        _stations_table(group),
        Text(""),
        *_grid(group, width),
    )


def _name(text: str) -> Text:
    from rich.text import Text

    from metrotui.core.text import clean_line

    # A name is data from someone's file: no markup, no controls, one line.
    return Text(clean_line(text) or "?", no_wrap=True, overflow="ellipsis")


def _learners_table(group: Cohort) -> RenderableType:
    """One row a learner: name, done/total and percent, where they are, last activity.

    Rows made directly, in columns as wide as their widest entry (see _grid for why).
    """
    from rich.cells import cell_len
    from rich.text import Text

    rows: list[list[Text]] = [
        [
            _name(learner.name),
            Text(f"{learner.count.done}/{learner.count.total}"),
            Text(f"{learner.count.percent}%", style="dim"),
            _now_at(group, learner),
            Text(_day(learner.last_activity), style="dim"),
        ]
        for learner in group.learners
    ]
    head = [Text(word, style="bold") for word in ("Learner", "Done", "", "Now at", "Last activity")]
    limits = (NAME_CELLS, 11, 4, NOW_CELLS, 13)
    widths = [
        min(limit, max(cell_len(row[k].plain) for row in [head, *rows]))
        for k, limit in enumerate(limits)
    ]
    right = (False, True, True, False, False)
    lines = []
    for row in [head, *rows]:
        cells = []
        for cell, cells_wide, to_right in zip(row, widths, right, strict=True):
            cell.truncate(cells_wide, overflow="ellipsis")
            pad = " " * (cells_wide - cell_len(cell.plain))
            cells.append(Text.assemble(pad, cell) if to_right else Text.assemble(cell, pad))
        line = Text("  ").join(cells)
        line.rstrip()
        lines.append(line)
    return Text("\n").join(lines)


def _now_at(group: Cohort, learner: LearnerView) -> Text:
    from rich.text import Text

    from metrotui.core.text import clean_line

    if not learner.current:
        return Text("finished" if learner.count.left == 0 else "—", style="dim")
    first = group.curriculum.station(learner.current[0])
    text = Text(f"{first.number} {clean_line(first.title)}", no_wrap=True, overflow="ellipsis")
    if len(learner.current) > 1:
        text = Text.assemble((f"+{len(learner.current) - 1} ", "dim"), text)
    return text


def _day(stamp: str | None) -> str:
    from metrotui.core.cohort import parse_time

    moment = parse_time(stamp) if stamp is not None else None
    return "—" if moment is None else moment.astimezone(UTC).date().isoformat()


def _stations_table(group: Cohort) -> RenderableType:
    from rich.table import Table
    from rich.text import Text

    from metrotui.core.cohort import STANDING_STYLE, Standing
    from metrotui.core.text import clean_line

    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Station", ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column("Finished", justify="right", no_wrap=True)
    table.add_column("In it", justify="right", no_wrap=True)
    table.add_column("Stuck", justify="right", no_wrap=True)
    for view in group.by_station.values():
        stuck = len(view.stuck)
        table.add_row(
            str(view.station.number),
            Text(clean_line(view.station.title), no_wrap=True, overflow="ellipsis"),
            str(len(view.finished)),
            str(len(view.in_it)),
            Text(str(stuck), style=STANDING_STYLE[Standing.STUCK] if stuck else "dim"),
        )
    return table


def _grid(group: Cohort, width: int) -> list[RenderableType]:
    """Learners × stations in the map's glyphs; stations past the width go in a next block.

    Each row is one Text made directly: a rich Table measures every one of the
    cells (200 learners × 18 stations took most of a second), and here every
    cell is one glyph in a column of known width.
    """
    from rich.cells import cell_len
    from rich.text import Text

    from metrotui.core.cohort import STANDING_GLYPH, STANDING_STYLE, STANDING_WORD, Standing

    key = Text("  ").join(
        Text.assemble((STANDING_GLYPH[s], STANDING_STYLE[s]), f" {STANDING_WORD[s]}")
        for s in Standing
    )
    numbers = [str(station.number) for station in group.stations]
    column = max((cell_len(n) for n in numbers), default=1)
    names = [_name(learner.name) for learner in group.learners]
    name_cells = min(max((cell_len(name.plain) for name in names), default=1), NAME_CELLS)
    for name in names:
        name.truncate(name_cells, overflow="ellipsis", pad=True)
    per_block = max((max(width, 20) - name_cells) // (column + 1), 1)
    out: list[RenderableType] = [key]
    for start in range(0, len(group.stations), per_block):
        stations = group.stations[start : start + per_block]
        rows = [
            Text(
                " " * name_cells
                + "".join(f" {n:>{column}}" for n in numbers[start : start + per_block]),
                style="dim",
            )
        ]
        for learner, name in zip(group.learners, names, strict=True):
            row = name.copy()
            for station in stations:
                standing = learner.standing[station.id]
                row.append(" " * column)  # the glyph right-aligned under its number
                row.append(STANDING_GLYPH[standing], STANDING_STYLE[standing])
            rows.append(row)
        out += [Text(""), Text("\n").join(rows)]
    return out
