"""Commands that report progress: status, next, route and stats."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from metrotui.cli.completion import complete_ids
from metrotui.cli.session import (
    MetroCommand,
    Session,
    canonical_id,
    chosen_path,
    console,
    fail,
    path_option,
)
from metrotui.core.text import safe_json

if TYPE_CHECKING:
    from metrotui.core.compare import Entry
    from metrotui.core.tracker import Tracker


# status ------------------------------------------------------------------------


@click.command(cls=MetroCommand)
@path_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def status(session: Session, path: str | None, as_json: bool) -> None:
    """Progress per line and station."""
    curriculum = session.curriculum()
    path = chosen_path(session, path)
    tracker = session.tracker()
    from metrotui.storage.export import strays

    assert session.progress is not None  # tracker() has just loaded it
    missing = strays(curriculum, session.progress)
    from metrotui.cli.changes import where_strays_were

    were = where_strays_were(curriculum, [key for key, _ in missing])
    if as_json:
        data = status_json(tracker, path)
        data["not_in_curriculum"] = [
            {"id": key, "kind": what, **_was_in(were.get(key))} for key, what in missing
        ]
        click.echo(safe_json(data, indent=2))
        return
    from metrotui.cli.views import print_status

    print_status(console(), tracker, path)
    if missing:
        _print_strays(missing, were)


def _was_in(where: Entry | None) -> dict[str, Any]:
    # Only where it is known, so that the entries of a file never changed keep their shape.
    if where is None:
        return {}
    return {"was_in": {"station": where.station, "station_title": where.station_title}}


def _print_strays(missing: list[tuple[str, str]], were: dict[str, Entry]) -> None:
    from rich.table import Table
    from rich.text import Text

    from metrotui.core.text import clean_line

    click.echo("\nNot in this curriculum (kept; remove with: metrotui forget ID...):")
    table = Table.grid(padding=(0, 2))
    for key, what in missing:
        where = were.get(key)
        was = "" if where is None else f"was in {clean_line(where.station_title)}"
        table.add_row(Text("  " + clean_line(key)), Text(what, style="dim"), Text(was, style="dim"))
    console().print(table)


def status_json(tracker: Tracker, path: str) -> dict[str, Any]:
    stations = tracker.path_stations(path)
    shown_lines = [
        line for line in tracker.curriculum.lines if any(s.line == line.id for s in stations)
    ]
    overall = tracker.path_count(path)
    curriculum = tracker.curriculum
    return {
        "curriculum": curriculum.id,
        "title": curriculum.title,
        "path": path,
        "path_name": "all paths" if path == "all" else curriculum.line(path).name,
        "overall": {**_count_json(overall), "percent": overall.percent},
        "lines": [
            {"id": line.id, "name": line.name, **_count_json(tracker.line_count(line.id))}
            for line in shown_lines
        ],
        "stations": [
            {
                "id": station.id,
                "number": station.number,
                "title": station.title,
                "line": station.line,
                "line_name": curriculum.line(station.line).name,
                "state": tracker.state(station.id).value,
                **_count_json(tracker.count(station.id)),
            }
            for station in stations
        ],
    }


def _count_json(count: Any) -> dict[str, int]:
    # "done" counts ticked topics, "known" those marked as already known, and
    # "finished" both: the figure the text shows as finished/total.
    return {
        "done": count.done - count.known,
        "known": count.known,
        "finished": count.done,
        "total": count.total,
    }


# route ---------------------------------------------------------------------------


@click.command(cls=MetroCommand)
@click.argument("target", metavar="ID", shell_complete=complete_ids)
@click.option("--json", "as_json", is_flag=True, help="Print the station ids as a JSON list.")
@click.pass_obj
def route(session: Session, target: str, as_json: bool) -> None:
    """The stations still to finish, in order, to reach station ID (or a topic's station)."""
    curriculum = session.curriculum()
    target = canonical_id(session, target)
    if curriculum.has_topic(target) and not curriculum.has_station(target):
        target = curriculum.station_of(target).id
    if not curriculum.has_station(target):
        suggestion = curriculum.suggest(target)
        hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
        fail(f"unknown station {target!r}{hint}")
    tracker = session.tracker()
    stops = tracker.route(target)
    if as_json:
        click.echo(safe_json([station.id for station in stops]))
        return
    from metrotui.cli.views import route_view

    console().print(route_view(tracker, curriculum.station(target), stops))


# stats ---------------------------------------------------------------------------


@click.command(cls=MetroCommand)
@path_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def stats(session: Session, path: str | None, as_json: bool) -> None:
    """Topics per week, streaks, completion per line and the pace to the end."""
    from datetime import date

    from metrotui.core.stats import compute_stats

    path = chosen_path(session, path)
    tracker = session.tracker()
    assert session.progress is not None  # tracker() has just loaded it
    figures = compute_stats(tracker, session.progress.done, date.today(), path)
    if as_json:
        click.echo(safe_json({**stats_json(tracker, figures), "path": path}, indent=2))
        return
    from metrotui.report.stats_view import stats_view

    console().print(stats_view(tracker, figures))


def stats_json(tracker: Tracker, figures: Any) -> dict[str, Any]:
    def count(c: Any) -> dict[str, int]:
        return {"done": c.done - c.known, "known": c.known, "total": c.total}

    return {
        "curriculum": tracker.curriculum.id,
        "overall": count(figures.overall),
        "weeks": [{"week": week.isoformat(), "topics": n} for week, n in figures.weeks],
        "streak": {"current": figures.current_streak, "longest": figures.longest_streak},
        "active_days": figures.active_days,
        "lines": [{"id": line_id, **count(c)} for line_id, c in figures.lines],
        "pace_per_week": None if figures.per_week is None else round(figures.per_week, 2),
        "finish_by": figures.finish_by.isoformat() if figures.finish_by else None,
        "projection": figures.projection,
        "left_out": [{"topic": topic, "time": stamp} for topic, stamp in figures.left_out],
    }


# next / validate / where ---------------------------------------------------------


@click.command("next", cls=MetroCommand)
@path_option
@click.option("--all", "show_all", is_flag=True, help="Every open station, not only the first 20.")
@click.pass_obj
def next_(session: Session, path: str | None, show_all: bool) -> None:
    """What to study next, with the topics still to do."""
    path = chosen_path(session, path)
    from metrotui.cli.views import next_view

    console().print(next_view(session.tracker(), path, show_all=show_all))
