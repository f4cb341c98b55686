"""The ``metrotui`` command.  Nothing here imports Textual: only the app does."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from metrotui import __version__
from metrotui.paths import (
    CURRICULUM_ENV,
    bundled_curriculum,
    config_dir,
    progress_file,
    same_file,
)

if TYPE_CHECKING:
    from rich.console import Console

    from metrotui.core.curriculum import Curriculum
    from metrotui.core.tracker import Tracker
    from metrotui.storage.progress import Progress, ProgressStore

EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT = 0, 1, 2


class MetroError(click.ClickException):
    """A problem the user can fix: one clear line on stderr and an exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it on the class

    def show(self, file: Any = None) -> None:
        click.echo(f"metrotui: {self.format_message()}", err=True)


# Opens the app on (curriculum, progress file, line filter); it returns only if
# the app cannot start, with the reason.
MapOpener = Callable[["Curriculum", Path, "str | None"], str]


def fail(message: str, exit_code: int = EXIT_BAD_INPUT) -> NoReturn:
    raise MetroError(message, exit_code)


@dataclass
class Session:
    """What every command needs, loaded only when a command asks for it."""

    curriculum_option: str | None
    progress_option: str | None
    # How to open the map app: given by metrotui.entry, the one module that knows
    # both the CLI and the app (the CLI never imports Textual itself).
    open_map: MapOpener | None = None
    _curriculum: Curriculum | None = field(default=None, repr=False)
    _store: ProgressStore | None = field(default=None, repr=False)
    # The progress the last tracker() was built from, so a command reads the file once.
    progress: Progress | None = field(default=None, repr=False)

    @property
    def curriculum_path(self) -> Path:
        return Path(self.curriculum_option) if self.curriculum_option else bundled_curriculum()

    def curriculum(self) -> Curriculum:
        if self._curriculum is None:
            self._curriculum = load_or_fail(self.curriculum_path)
        return self._curriculum

    def progress_path(self) -> Path:
        path = progress_file(self.curriculum().id, self.progress_option)
        if same_file(path, self.curriculum_path):
            fail(
                f"{path} is the curriculum file; progress needs a file of its own "
                "(choose another --progress file). Nothing was changed."
            )
        return path

    def store(self) -> ProgressStore:
        if self._store is None:
            from metrotui.storage.progress import ProgressStore

            self._store = ProgressStore(self.progress_path(), self.curriculum().id)
        return self._store

    def tracker(self, *, for_change: bool = False) -> Tracker:
        """Progress as a tracker; only a command about to change it (``for_change``)
        may set a damaged file aside."""
        from metrotui.core.tracker import Tracker

        progress = _load_progress(self, for_change=for_change)
        self.progress = progress
        tracker = Tracker(self.curriculum(), progress.done, progress.known)
        if tracker.orphans:
            from metrotui.storage.export import strays_notice

            note(strays_notice(tracker.orphans, self.store().path))
        return tracker

    def flush_notices(self) -> None:
        if self._store is not None:
            for notice in self._store.notices:
                note(notice)
            self._store.notices.clear()


def load_or_fail(path: Path, *, recheck: bool = False) -> Curriculum:
    from metrotui.core.curriculum import CurriculumError
    from metrotui.storage.curriculum_file import load_curriculum

    try:
        return load_curriculum(path, recheck=recheck)
    except CurriculumError as error:
        fail(str(error))


def note(message: str) -> None:
    click.echo(f"metrotui: note: {message}", err=True)


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def _path_option(func: Any) -> Any:
    return click.option(
        "--path",
        "path",
        default="all",
        metavar="LINE",
        help="Only this line and what it needs ('all' for every line).",
    )(func)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--curriculum",
    "curriculum_option",
    envvar=CURRICULUM_ENV,
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help=f"Curriculum JSON file (default: the GenAI map; env {CURRICULUM_ENV}).",
)
@click.option(
    "--progress",
    "progress_option",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Progress file (default: one per curriculum in the config folder; env METROTUI_PROGRESS).",
)
@click.option(
    "--path", "app_path", default=None, metavar="LINE", help="Open the app filtered to LINE."
)
@click.version_option(__version__, "--version", prog_name="metrotui")
@click.pass_context
def cli(
    ctx: click.Context,
    curriculum_option: str | None,
    progress_option: str | None,
    app_path: str | None,
) -> None:
    """Follow a learning curriculum drawn as a metro map.

    With no command, opens the map.
    """
    opener = ctx.obj if callable(ctx.obj) else None
    session = Session(curriculum_option, progress_option, open_map=opener)
    ctx.obj = session
    if ctx.invoked_subcommand is None:
        open_app(session, app_path)


def open_app(session: Session, app_path: str | None) -> None:
    from metrotui.core.tracker import UnknownIdError, check_path

    curriculum = session.curriculum()
    if app_path is not None:
        try:
            check_path(curriculum, app_path)
        except UnknownIdError as error:
            fail(str(error))
    if session.open_map is None:
        fail("the map app is not available here; run the metrotui command")
    problem = session.open_map(curriculum, session.progress_path(), app_path)
    fail(f"the map app cannot start ({problem})")


# status ------------------------------------------------------------------------


@cli.command()
@_path_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def status(session: Session, path: str, as_json: bool) -> None:
    """Progress per line and station."""
    from metrotui.core.tracker import UnknownIdError, check_path

    curriculum = session.curriculum()
    try:
        check_path(curriculum, path)
    except UnknownIdError as error:
        fail(str(error))
    tracker = session.tracker()
    from metrotui.storage.export import strays

    assert session.progress is not None  # tracker() has just loaded it
    missing = strays(curriculum, session.progress)
    if as_json:
        data = status_json(tracker, path)
        data["not_in_curriculum"] = [{"id": key, "kind": what} for key, what in missing]
        click.echo(json.dumps(data, indent=2))
        return
    from metrotui.cli.views import status_view

    console().print(status_view(tracker, path))
    if missing:
        _print_strays(missing)


def _print_strays(missing: list[tuple[str, str]]) -> None:
    from rich.table import Table
    from rich.text import Text

    from metrotui.core.text import clean_line

    click.echo("\nNot in this curriculum (kept; remove with: metrotui forget ID...):")
    table = Table.grid(padding=(0, 2))
    for key, what in missing:
        table.add_row(Text("  " + clean_line(key)), Text(what, style="dim"))
    console().print(table)


def status_json(tracker: Tracker, path: str) -> dict[str, Any]:
    stations = tracker.path_stations(path)
    shown_lines = [
        line for line in tracker.curriculum.lines if any(s.line == line.id for s in stations)
    ]
    overall = tracker.path_count(path)
    return {
        "curriculum": tracker.curriculum.id,
        "path": path,
        "overall": _count_json(overall),
        "lines": [
            {"id": line.id, **_count_json(tracker.line_count(line.id))} for line in shown_lines
        ],
        "stations": [
            {
                "id": station.id,
                "number": station.number,
                "line": station.line,
                "state": tracker.state(station.id).value,
                **_count_json(tracker.count(station.id)),
            }
            for station in stations
        ],
    }


def _count_json(count: Any) -> dict[str, int]:
    # "done" counts ticked topics; "known" those marked as already known.
    return {"done": count.done - count.known, "known": count.known, "total": count.total}


# done / undo ---------------------------------------------------------------------


def _record(session: Session, change: Callable[[ProgressStore], Progress]) -> Tracker:
    """Save a change through the store and return the progress it leaves."""
    from metrotui.core.tracker import Tracker
    from metrotui.storage.progress import ProgressError

    try:
        progress = change(session.store())
    except ProgressError as error:
        fail(str(error))
    finally:
        session.flush_notices()
    return Tracker(session.curriculum(), progress.done, progress.known)


@cli.command()
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@click.pass_obj
def done(session: Session, ids: tuple[str, ...]) -> None:
    """Mark topics done.  ID is a topic id, or a station id for all its topics."""
    from metrotui.core.tracker import LockedError, UnknownIdError

    before = session.tracker(for_change=True)
    try:
        planned = before.plan_marks(ids)
    except UnknownIdError as error:
        fail(str(error))
    except LockedError as error:
        fail(f"{error}. Nothing was recorded.", EXIT_REFUSED)
    after = _record(session, lambda store: store.mark(planned)) if planned else before
    from metrotui.cli.views import marked_view

    console().print(marked_view(before, after, before.resolve(ids), planned))


@cli.command()
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@click.pass_obj
def undo(session: Session, ids: tuple[str, ...]) -> None:
    """Mark topics not done.  Stations that needed them lock again."""
    from metrotui.core.tracker import UnknownIdError

    before = session.tracker(for_change=True)
    try:
        topics = before.resolve(ids)
    except UnknownIdError as error:
        fail(str(error))
    undone = [topic_id for topic_id in topics if before.is_done(topic_id)]
    after = _record(session, lambda store: store.unmark(undone)) if undone else before
    from metrotui.cli.views import unmarked_view

    console().print(unmarked_view(before, after, topics, undone))


@cli.command()
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@click.pass_obj
def known(session: Session, ids: tuple[str, ...]) -> None:
    """Mark topics (or whole stations) as already known: they count as done."""
    from metrotui.core.tracker import UnknownIdError

    before = session.tracker(for_change=True)
    try:
        topics = before.resolve(ids)
    except UnknownIdError as error:
        fail(str(error))
    fresh = [topic_id for topic_id in topics if not before.is_done(topic_id)]
    after = _record(session, lambda store: store.mark_known(fresh)) if fresh else before
    from metrotui.cli.views import marked_view

    view = marked_view(
        before,
        after,
        topics,
        fresh,
        heading="Marked {} as already known:",
        glyph="◆",
        already="Already done or known",
    )
    console().print(view)


@cli.command()
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@click.pass_obj
def forget(session: Session, ids: tuple[str, ...]) -> None:
    """Remove marks and notes kept for ids this curriculum does not have."""
    from metrotui.core.words import closest
    from metrotui.storage.export import strays

    curriculum = session.curriculum()
    recorded: dict[str, list[str]] = {}
    for key, what in strays(curriculum, _load_progress(session, for_change=True)):
        recorded.setdefault(key, []).append(what)
    for wanted in ids:
        if wanted in recorded:
            continue
        if curriculum.has_topic(wanted) or curriculum.has_station(wanted):
            fail(
                f"{wanted!r} is in this curriculum; forget only removes what it does not "
                f"have. To unmark it: metrotui undo {wanted}. Nothing was changed.",
                EXIT_REFUSED,
            )
        suggestion = closest(wanted, recorded)
        hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
        fail(f"nothing is recorded for {wanted!r}{hint}. Nothing was changed.")
    chosen = list(dict.fromkeys(ids))
    _record(session, lambda store: store.forget(chosen))
    from metrotui.core.text import clean_line

    forgotten = ", ".join(f"{clean_line(k)} ({' and '.join(recorded[k])})" for k in chosen)
    click.echo(f"Forgot {forgotten}.")


# notes ---------------------------------------------------------------------------


@cli.command()
@click.argument("target", metavar="ID")
@click.option("--set", "new_text", metavar="TEXT", help="Replace the note ('' removes it).")
@click.pass_obj
def notes(session: Session, target: str, new_text: str | None) -> None:
    """Print a station's Markdown notes, or set them with --set."""
    from metrotui.core.text import clean_block

    station_id = _station_id(session, target)
    if new_text is not None:
        _record(session, lambda store: store.set_note(station_id, clean_block(new_text)))
        title = session.curriculum().station(station_id).title
        verb = "Saved" if new_text.strip() else "Removed"
        click.echo(f"{verb} the note on {title}.")
        return
    note = _load_progress(session).notes.get(station_id)
    if note is None:
        click.echo("No notes yet. Add some with: metrotui notes ID --set TEXT", err=True)
        return
    click.echo(clean_block(note.text))


def _station_id(session: Session, target: str) -> str:
    """A station id, from a station id or one of its topics' ids."""
    curriculum = session.curriculum()
    if curriculum.has_station(target):
        return target
    if curriculum.has_topic(target):
        return curriculum.station_of(target).id
    suggestion = curriculum.suggest(target)
    hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
    fail(f"unknown station {target!r}{hint}")


def _load_progress(session: Session, *, for_change: bool = False) -> Progress:
    """The progress on disk; a command that only reads creates, moves and renames nothing."""
    from metrotui.storage.progress import ProgressError

    store = session.store()
    try:
        return store.load() if for_change else store.peek()
    except ProgressError as error:
        fail(str(error))
    finally:
        session.flush_notices()


# export / import -----------------------------------------------------------------


@cli.command()
@click.option(
    "--format",
    "format_",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE, not stdout.")
@click.pass_obj
def export(session: Session, format_: str, output: str | None) -> None:
    """Your progress as a Markdown checklist, or as JSON that import can merge."""
    from metrotui.storage.export import export_json, export_markdown, write_export

    progress = _load_progress(session)
    if format_ == "json":
        text = export_json(progress)
    else:
        text = export_markdown(session.curriculum(), progress)
    if output is None:
        click.echo(text, nl=False)
        return
    _refuse_to_overwrite_own_files(session, Path(output))
    try:
        write_export(Path(output), text)
    except OSError as error:
        fail(f"cannot write {output} ({error.strerror or error})")
    click.echo(f"Wrote {output}.", err=True)


def _refuse_to_overwrite_own_files(session: Session, output: Path) -> None:
    for what, path in (
        ("progress file", session.progress_path()),
        ("curriculum file", session.curriculum_path),
    ):
        if same_file(output, path):
            fail(f"{output} is the {what}; export to another file. Nothing was written.")


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_obj
def import_(session: Session, file: str) -> None:
    """Merge a JSON export into your progress: nothing is dropped, repeats change nothing."""
    from metrotui.storage.export import merge, read_export_file
    from metrotui.storage.progress import ProgressError

    curriculum = session.curriculum()
    try:
        theirs = read_export_file(file, curriculum.id)
    except (ValueError, ProgressError) as error:
        fail(str(error))
    before = _load_progress(session, for_change=True)
    after_tracker = _record(session, lambda store: store.update(lambda ours: merge(ours, theirs)))
    after = _load_progress(session)
    new_marks = len(set(after.done) - set(before.done)) + len(set(after.known) - set(before.known))
    earlier = sum(1 for k, v in after.done.items() if k in before.done and before.done[k] != v)
    merged_notes = sum(1 for k, v in after.notes.items() if before.notes.get(k) != v)
    if not (new_marks or earlier or merged_notes):
        click.echo("Nothing new: your progress already has everything in that file.")
        return
    overall = after_tracker.overall
    click.echo(
        f"Merged {file}: {new_marks} new marks, {earlier} earlier times, "
        f"{merged_notes} notes. Now {overall.done}/{overall.total} topics."
    )


# route ---------------------------------------------------------------------------


@cli.command()
@click.argument("target", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the station ids as a JSON list.")
@click.pass_obj
def route(session: Session, target: str, as_json: bool) -> None:
    """The stations still to finish, in order, to reach station ID (or a topic's station)."""
    curriculum = session.curriculum()
    if curriculum.has_topic(target) and not curriculum.has_station(target):
        target = curriculum.station_of(target).id
    if not curriculum.has_station(target):
        suggestion = curriculum.suggest(target)
        hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
        fail(f"unknown station {target!r}{hint}")
    tracker = session.tracker()
    stops = tracker.route(target)
    if as_json:
        click.echo(json.dumps([station.id for station in stops]))
        return
    from metrotui.cli.views import route_view

    console().print(route_view(tracker, curriculum.station(target), stops))


# stats ---------------------------------------------------------------------------


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def stats(session: Session, as_json: bool) -> None:
    """Topics per week, streaks, completion per line and the pace to the end."""
    from datetime import date

    from metrotui.core.stats import compute_stats

    tracker = session.tracker()
    assert session.progress is not None  # tracker() has just loaded it
    figures = compute_stats(tracker, session.progress.done, date.today())
    if as_json:
        click.echo(json.dumps(stats_json(tracker, figures), indent=2))
        return
    from metrotui.cli.views import stats_view

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
    }


# next / validate / where ---------------------------------------------------------


@cli.command("next")
@_path_option
@click.pass_obj
def next_(session: Session, path: str) -> None:
    """What to study next, with the topics still to do."""
    from metrotui.core.tracker import UnknownIdError, check_path

    try:
        check_path(session.curriculum(), path)
    except UnknownIdError as error:
        fail(str(error))
    from metrotui.cli.views import next_view

    console().print(next_view(session.tracker(), path))


@cli.command()
@click.argument("file", type=click.Path(dir_okay=True))
def validate(file: str) -> None:
    """Check a curriculum file and list every problem in it."""
    curriculum = load_or_fail(Path(file), recheck=True)
    references = sum(len(station.references) for station in curriculum.stations)
    click.echo(
        f"{file}: valid: {curriculum.title!r} has {len(curriculum.lines)} lines, "
        f"{len(curriculum.stations)} stations, {curriculum.topic_count} topics and "
        f"{references} references"
    )


@cli.command()
@click.pass_obj
def where(session: Session) -> None:
    """The curriculum, progress file and config folder in use."""
    click.echo(f"curriculum: {session.curriculum_path}")
    click.echo(f"config:     {config_dir()}")
    # Last, because naming the progress file needs the curriculum's id: a
    # curriculum that does not load still leaves the two lines above to go on.
    click.echo(f"progress:   {session.progress_path()}")


# serve ---------------------------------------------------------------------------


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port to listen on.",
)
@click.pass_obj
def serve(session: Session, host: str, port: int) -> None:
    """Serve the map app to a web browser (needs the web extra)."""
    import metrotui.web.serve as web

    curriculum = session.curriculum()
    session.tracker()  # a broken progress file is reported here, not in every browser tab
    command = web.app_command(session.curriculum_option, session.progress_option)
    try:
        web.serve(command=command, title=curriculum.title, host=host, port=port)
    except web.ServeError as error:
        fail(str(error))
