"""Commands about versions of a curriculum: changes (the latest one seen) and diff (any two)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from metrotui.cli.session import MetroCommand, Session, load_or_fail, load_progress
from metrotui.core.text import clean_line, safe_json

if TYPE_CHECKING:
    from metrotui.core.compare import Change, Entry
    from metrotui.core.curriculum import Curriculum


@click.command(cls=MetroCommand)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def changes(session: Session, as_json: bool) -> None:
    """What changed in the curriculum since the version you saw before it."""
    from metrotui.core.compare import reopened
    from metrotui.core.tracker import Tracker
    from metrotui.storage.export import strays
    from metrotui.storage.last_seen import latest

    session.tell_changes = False  # this command is the long form of that line
    curriculum = session.curriculum()
    seen = latest(curriculum)
    change = None if seen is None else seen.change
    progress = load_progress(session)
    tracker = Tracker(curriculum, progress.done, progress.known)
    again = [] if change is None else reopened(change, curriculum, tracker.is_done)
    missing = [
        (key, what, None if seen is None else seen.was_in(key))
        for key, what in strays(curriculum, progress)
    ]
    if as_json:
        data: dict[str, Any] = {
            "curriculum": curriculum.id,
            "title": curriculum.title,
            "found": seen.changed if seen is not None and change is not None else None,
            "change": None if change is None else change.to_json(),
            "in_progress_again": [_station_json(entry) for entry in again],
            "not_in_curriculum": [_stray_json(*stray) for stray in missing],
        }
        click.echo(safe_json(data, indent=2))
        return
    if change is None:
        click.echo(f"No change to {clean_line(curriculum.title)} since metrotui first saw it.")
    else:
        assert seen is not None
        click.echo(f"{clean_line(curriculum.title)}: what changed (found {_when(seen.changed)})")
        _print_change(change)
        if again:
            _section("Finished before, in progress again now (they gained topics)")
            for entry in again:
                click.echo(f"  {clean_line(entry.station_title)}")
    if missing:
        _section("Not in this curriculum (kept; remove with: metrotui forget ID...)")
        for key, what, where in missing:
            was = f"  was in {clean_line(where.station_title)}" if where is not None else ""
            click.echo(f"  {clean_line(key)}  {what}{was}")


@click.command(cls=MetroCommand)
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def diff(old: str, new: str, as_json: bool) -> None:
    """What changed from curriculum file OLD to NEW, as `changes` would tell a learner."""
    from pathlib import Path

    from metrotui.core.compare import compare, outline

    before, after = load_or_fail(Path(old)), load_or_fail(Path(new))
    change = compare(outline(before), outline(after))
    if as_json:
        click.echo(safe_json({"old": old, "new": new, "change": change.to_json()}, indent=2))
        return
    click.echo(f"From {clean_line(old)} to {clean_line(new)}:")
    if change.empty:
        click.echo("  no change to stations, topics or prerequisites")
        return
    _print_change(change)
    if before.id != after.id:
        click.echo(
            f"\nNote: the ids differ ({clean_line(before.id)!r}, {clean_line(after.id)!r}): "
            "progress does not carry from one to the other"
        )


def where_strays_were(curriculum: Curriculum, keys: list[str]) -> dict[str, Entry]:
    """For marks the curriculum has no place for, the station each was in, where known."""
    if not keys:
        return {}
    from metrotui.paths import last_seen_file
    from metrotui.storage.last_seen import read

    seen = read(last_seen_file(curriculum.id))
    if seen is None:
        return {}
    return {key: where for key in keys if (where := seen.was_in(key)) is not None}


# Showing a change ---------------------------------------------------------------------


def _print_change(change: Change) -> None:
    from metrotui.core.compare import summary

    click.echo(f"  {summary(change)}")
    added = [_station(e) for e in change.stations_added] + [_topic(e) for e in change.topics_added]
    _list("Added", added)
    renamed = [
        f"{_kind(r.now)} {_name(r.before)} → {_name(r.now)}{_in(r.now)}"
        for r in (*change.stations_renamed, *change.topics_renamed)
    ]
    _list("Renamed", renamed)
    moved = [
        f"topic {_name(m.now)}: {clean_line(m.before.station_title)} → "
        f"{clean_line(m.now.station_title)}"
        for m in change.topics_moved
    ]
    _list("Moved", moved)
    removed = [_station(e) for e in change.stations_removed]
    removed += [_topic(e) for e in change.topics_removed]
    _list("Removed", removed)
    needs = [
        f"{clean_line(n.station_title)}: {_needs(n.before)} → {_needs(n.now)}"
        for n in change.prerequisites_changed
    ]
    _list("Prerequisites changed", needs)


def _list(heading: str, rows: list[str]) -> None:
    if rows:
        _section(heading)
        for row in rows:
            click.echo(f"  {row}")


def _section(heading: str) -> None:
    click.echo(f"\n{heading}:")


def _kind(entry: Entry) -> str:
    return "topic" if entry.topic else "station"


def _name(entry: Entry) -> str:
    title = entry.title if entry.topic else entry.station_title
    shown = entry.topic or entry.station
    return f"{clean_line(title)} ({clean_line(shown)})"


def _in(entry: Entry) -> str:
    return f" in {clean_line(entry.station_title)}" if entry.topic else ""


def _station(entry: Entry) -> str:
    return f"station {_name(entry)}"


def _topic(entry: Entry) -> str:
    return f"topic {_name(entry)}{_in(entry)}"


def _needs(needs: tuple[tuple[str, ...], ...]) -> str:
    if not needs:
        return "nothing"
    return ", ".join(" or ".join(clean_line(sid) for sid in group) for group in needs)


def _when(stamp: str) -> str:
    return stamp.replace("T", " ")[:16] + " UTC" if stamp else "at some time"


def _station_json(entry: Entry) -> dict[str, str]:
    return {"station": entry.station, "station_title": entry.station_title}


def _stray_json(key: str, what: str, where: Entry | None) -> dict[str, Any]:
    return {"id": key, "kind": what, "was_in": None if where is None else _station_json(where)}
