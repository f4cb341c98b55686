"""``metrotui cohort SOURCE``: where every learner of a study group is on the map."""

from __future__ import annotations

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
    console().print(cohort_view(group, console().width))


def read_cohort(curriculum: Curriculum, source: Path, path: str) -> Cohort:
    """The group in ``source``, each skipped file told on stderr; exit 2 if there is none."""
    from metrotui.core.cohort import cohort
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
    return cohort(curriculum, found.learners, datetime.now(UTC), path)


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


def _name(text: str) -> Any:
    from rich.text import Text

    from metrotui.core.text import clean_line

    # A name is data from someone's file: no markup, no controls, one line.
    return Text(clean_line(text) or "?", no_wrap=True, overflow="ellipsis")


def _learners_table(group: Cohort) -> RenderableType:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, header_style="bold", title_justify="left")
    table.add_column("Learner", max_width=NAME_CELLS, no_wrap=True, overflow="ellipsis")
    table.add_column("Done", justify="right", no_wrap=True)
    table.add_column("", justify="right", no_wrap=True)
    table.add_column("Now at", max_width=NOW_CELLS, no_wrap=True, overflow="ellipsis")
    table.add_column("Last activity", no_wrap=True)
    for learner in group.learners:
        count = learner.count
        table.add_row(
            _name(learner.name),
            f"{count.done}/{count.total}",
            Text(f"{count.percent}%", style="dim"),
            _now_at(group, learner),
            Text(_day(learner.last_activity), style="dim"),
        )
    return table


def _now_at(group: Cohort, learner: LearnerView) -> Any:
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
    """Learners × stations in the map's glyphs; stations past the width go in a next block."""
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    from metrotui.core.cohort import STANDING_GLYPH, STANDING_STYLE, STANDING_WORD, Standing

    key = Text("  ").join(
        Text.assemble((STANDING_GLYPH[s], STANDING_STYLE[s]), f" {STANDING_WORD[s]}")
        for s in Standing
    )
    numbers = [str(station.number) for station in group.stations]
    column = max((cell_len(n) for n in numbers), default=1)
    names = max((cell_len(_name(learner.name).plain) for learner in group.learners), default=1)
    name_cells = min(names, NAME_CELLS)
    per_block = max((max(width, 20) - name_cells - 1) // (column + 1), 1)
    out: list[RenderableType] = [key]
    for start in range(0, len(group.stations), per_block):
        stations = group.stations[start : start + per_block]
        table = Table(box=None, pad_edge=False, padding=(0, 1, 0, 0), header_style="dim")
        table.add_column("", width=name_cells, no_wrap=True, overflow="ellipsis")
        for station in stations:
            table.add_column(str(station.number), justify="right", width=column, no_wrap=True)
        for learner in group.learners:
            cells = [
                Text(STANDING_GLYPH[standing], style=STANDING_STYLE[standing])
                for standing in (learner.standing[station.id] for station in stations)
            ]
            table.add_row(_name(learner.name), *cells)
        out += [Text(""), table]
    return out
