"""The ``metrotui`` command.  Nothing here imports Textual: only the app does."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from metrotui import __version__
from metrotui.core.text import clean_message, has_lone_surrogates, safe_json
from metrotui.core.words import counted
from metrotui.paths import (
    COMPLETE_ENV,
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
        say(f"metrotui: {self.format_message()}", err=True)


def say(message: str, *, err: bool = False) -> None:
    """Print a message that may quote file names or arguments: nothing in it reaches
    the terminal as a control, an escape sequence or a bidi override."""
    click.echo(clean_message(message), err=err)


@contextlib.contextmanager
def _clean_click_errors() -> Iterator[None]:
    """Click's own errors quote what was typed (an extra argument, an option's value)."""
    try:
        yield
    except click.ClickException as error:
        if not isinstance(error, MetroError):
            _show_cleaned(error)
        raise


def _show_cleaned(error: click.ClickException) -> None:
    show = error.show

    def cleaned(file: Any = None) -> None:
        text = io.StringIO()
        show(text)
        if file is None:
            click.echo(clean_message(text.getvalue()), err=True, nl=False)
        else:
            file.write(clean_message(text.getvalue()))

    error.show = cleaned  # type: ignore[method-assign]


def _refuse_undecodable_text(ctx: click.Context) -> None:
    """Text typed as an id, a name or a note must be UTF-8; a file name need not be."""
    if ctx.resilient_parsing:
        return  # shell completion parses without acting: nothing to refuse
    for param in ctx.command.params:
        if isinstance(param.type, click.Path):
            continue  # any bytes make a file name, and Path opens it as it is
        value = ctx.params.get(param.name or "")
        for item in value if isinstance(value, tuple | list) else (value,):
            if isinstance(item, str) and has_lone_surrogates(item):
                fail(
                    f"the text given for {param.get_error_hint(ctx)} is not valid UTF-8"
                    f"{_first_bad_byte(item)}; nothing was done. Check the encoding your "
                    "terminal or script uses."
                )


def _first_bad_byte(text: str) -> str:
    # Python keeps each byte that is not UTF-8 as a surrogate from U+DC80 to U+DCFF.
    for ch in text:
        if "\udc80" <= ch <= "\udcff":
            return f" (it has the byte 0x{ord(ch) - 0xDC00:02x})"
    return ""


class MetroGroup(click.Group):
    """The command tree, with every message it makes cleaned before it is shown."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _clean_click_errors():
            return super().make_context(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest = super().parse_args(ctx, args)
        _refuse_undecodable_text(ctx)
        return rest

    def invoke(self, ctx: click.Context) -> Any:
        with _clean_click_errors():
            return super().invoke(ctx)


# Opens the app on (curriculum, progress file, line filter); it returns only if
# the app cannot start, with the reason.
MapOpener = Callable[["Curriculum", Path, "str | None"], str]
# Serves the app to browsers until interrupted; returns why it could not, or None.
WebServer = Callable[..., "str | None"]


@dataclass(frozen=True)
class FrontEnds:
    """What the CLI starts but never imports (the app needs Textual, the server aiohttp).

    metrotui.entry, the one module that knows the CLI and every front end, hands
    these in as click's context object.
    """

    open_map: MapOpener
    serve_web: WebServer


def fail(message: str, exit_code: int = EXIT_BAD_INPUT) -> NoReturn:
    raise MetroError(message, exit_code)


@dataclass
class Session:
    """What every command needs, loaded only when a command asks for it."""

    curriculum_option: str | None
    progress_option: str | None
    # The --path given before the command, for the commands that list stations.
    path_option: str | None = None
    # How to open the app or serve it: given by metrotui.entry (see FrontEnds).
    front_ends: FrontEnds | None = None
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

    def front_ends_or_fail(self) -> FrontEnds:
        if self.front_ends is None:
            fail("the app and the server start only from the metrotui command")
        return self.front_ends

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
    say(f"metrotui: note: {message}", err=True)


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


# The commands a --path given before the command applies to (and the map).
PATH_COMMANDS = ("status", "next", "export", "stats")
GLOBAL_OPTIONS = ("--curriculum", "--progress")


def _path_option(func: Any) -> Any:
    return click.option(
        "--path",
        "path",
        default=None,
        metavar="LINE",
        shell_complete=_complete_paths,
        help="Only this line and what it needs ('all', the default, for every line).",
    )(func)


def _chosen_path(session: Session, given: str | None) -> str:
    """The path asked for before or after the command, checked and in its exact spelling."""
    from metrotui.core.ids import line_or_all, path_choices_text
    from metrotui.core.tracker import ALL_PATHS, UnknownIdError, check_path

    curriculum = session.curriculum()
    asked = [p for p in (session.path_option, given) if p is not None]
    paths = list(dict.fromkeys(line_or_all(curriculum, p) for p in asked))
    if len(paths) > 1:
        fail(
            f"--path is given twice ({asked[0]!r} before the command, {asked[1]!r} after it); "
            "give it once"
        )
    path = paths[0] if paths else ALL_PATHS
    try:
        check_path(curriculum, path)
    except UnknownIdError as error:
        fail(f"{error}; the paths are: {path_choices_text(curriculum)}")
    return path


def _canonical_ids(session: Session, ids: tuple[str, ...]) -> list[str]:
    """Ids as typed (station numbers, any case) turned into the curriculum's own."""
    from metrotui.core.ids import station_or_topic

    curriculum = session.curriculum()
    return [station_or_topic(curriculum, item) for item in ids]


class MetroCommand(click.Command):
    """A command that refuses text that is not UTF-8, and says where a misplaced
    global option belongs."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            rest = super().parse_args(ctx, args)
        except click.NoSuchOption as error:
            name = error.option_name
            if name in GLOBAL_OPTIONS:
                fail(
                    f"{name} is a global option: it goes before the command "
                    f"(metrotui {name} ... {self.name} ...)"
                )
            if name == "--path":
                fail(f"{self.name} has no --path option; it applies to {_path_users()}")
            raise
        _refuse_undecodable_text(ctx)
        return rest


def _path_users() -> str:
    return "the map and to " + ", ".join(PATH_COMMANDS[:-1]) + f" and {PATH_COMMANDS[-1]}"


# Completion: each callback reads the curriculum the command line names, and
# offers nothing rather than an error when it cannot (a shell shows no message).


def _completion_curriculum(ctx: click.Context) -> Curriculum | None:
    from metrotui.storage.curriculum_file import load_curriculum

    option = ctx.find_root().params.get("curriculum_option")
    try:
        return load_curriculum(Path(option) if option else bundled_curriculum())
    except Exception:  # a file that does not load simply completes nothing
        return None


def _matching(incomplete: str, pairs: list[tuple[str, str]]) -> list[Any]:
    from click.shell_completion import CompletionItem

    start = incomplete.casefold()
    return [
        CompletionItem(value, help=title)
        for value, title in pairs
        if value.casefold().startswith(start)
    ]


def _complete_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    curriculum = _completion_curriculum(ctx)
    if curriculum is None:
        return []
    pairs = [(station.id, station.title) for station in curriculum.stations]
    pairs += [
        (topic.id, topic.title) for station in curriculum.stations for topic in station.topics
    ]
    return _matching(incomplete, pairs)


def _complete_paths(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    curriculum = _completion_curriculum(ctx)
    if curriculum is None:
        return []
    pairs = [("all", "every line"), *((line.id, line.name) for line in curriculum.lines)]
    return _matching(incomplete, pairs)


@click.group(
    cls=MetroGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
    "--path",
    "app_path",
    default=None,
    metavar="LINE",
    shell_complete=_complete_paths,
    help="Open the app filtered to LINE; also filters status, next, export and stats.",
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
    front_ends = ctx.obj if isinstance(ctx.obj, FrontEnds) else None
    session = Session(curriculum_option, progress_option, app_path, front_ends=front_ends)
    ctx.obj = session
    if ctx.invoked_subcommand is None:
        open_app(session, app_path)
    elif app_path is not None and ctx.invoked_subcommand not in PATH_COMMANDS:
        fail(f"--path does not apply to {ctx.invoked_subcommand}; it applies to {_path_users()}")
    else:
        _refuse_unused_files(ctx)


# Commands that read no curriculum or progress of the session's: validate
# checks the FILE it is given, completion only prints a script.
_FILELESS_COMMANDS = ("validate", "completion")


def _refuse_unused_files(ctx: click.Context) -> None:
    if ctx.invoked_subcommand not in _FILELESS_COMMANDS:
        return
    for name, option in (("curriculum_option", "--curriculum"), ("progress_option", "--progress")):
        # Only when typed: METROTUI_CURRICULUM in the environment is no mistake.
        if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE:
            fail(f"{option} does not apply to {ctx.invoked_subcommand}")


cli.command_class = MetroCommand


def open_app(session: Session, app_path: str | None) -> None:
    curriculum = session.curriculum()
    if app_path is not None:
        app_path = _chosen_path(session, None)
    problem = session.front_ends_or_fail().open_map(curriculum, session.progress_path(), app_path)
    fail(f"the map app cannot start ({problem})")


# status ------------------------------------------------------------------------


@cli.command()
@_path_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def status(session: Session, path: str | None, as_json: bool) -> None:
    """Progress per line and station."""
    curriculum = session.curriculum()
    path = _chosen_path(session, path)
    tracker = session.tracker()
    from metrotui.storage.export import strays

    assert session.progress is not None  # tracker() has just loaded it
    missing = strays(curriculum, session.progress)
    if as_json:
        data = status_json(tracker, path)
        data["not_in_curriculum"] = [{"id": key, "kind": what} for key, what in missing]
        click.echo(safe_json(data, indent=2))
        return
    from metrotui.cli.views import status_view

    out = console()
    out.print(status_view(tracker, path, out.width))
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
@click.argument("ids", nargs=-1, required=True, metavar="ID...", shell_complete=_complete_ids)
@click.pass_obj
def done(session: Session, ids: tuple[str, ...]) -> None:
    """Mark topics done.  ID is a topic id, or a station id for all its topics."""
    from metrotui.core.tracker import LockedError, UnknownIdError

    ids = tuple(_canonical_ids(session, ids))
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
@click.argument("ids", nargs=-1, required=True, metavar="ID...", shell_complete=_complete_ids)
@click.pass_obj
def undo(session: Session, ids: tuple[str, ...]) -> None:
    """Mark topics not done.  Stations that needed them lock again."""
    from metrotui.core.tracker import UnknownIdError

    ids = tuple(_canonical_ids(session, ids))
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
@click.argument("ids", nargs=-1, required=True, metavar="ID...", shell_complete=_complete_ids)
@click.pass_obj
def known(session: Session, ids: tuple[str, ...]) -> None:
    """Mark topics (or whole stations) as already known: they count as done."""
    from metrotui.core.tracker import UnknownIdError

    ids = tuple(_canonical_ids(session, ids))
    before = session.tracker(for_change=True)
    try:
        topics = before.resolve(ids)
    except UnknownIdError as error:
        fail(str(error))
    fresh = [topic_id for topic_id in topics if not before.is_done(topic_id)]
    after = _record(session, lambda store: store.mark_known(fresh)) if fresh else before
    from metrotui.cli.views import marked_view
    from metrotui.core.glyphs import KNOWN_GLYPH

    view = marked_view(
        before,
        after,
        topics,
        fresh,
        heading="Marked {} as already known:",
        glyph=KNOWN_GLYPH,
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
@click.argument("target", metavar="ID", shell_complete=_complete_ids)
@click.option(
    "--set", "new_text", metavar="TEXT", help="Replace the note ('' removes it, - reads stdin)."
)
@click.pass_obj
def notes(session: Session, target: str, new_text: str | None) -> None:
    """Print a station's Markdown notes, or set them with --set."""
    from metrotui.core.text import clean_block

    station_id = _station_id(session, target)
    if new_text == "-":
        new_text = _read_stdin_note()
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


# A note is prose: a megabyte is far past any real one, and stops a stray
# `< /dev/zero` from filling memory.
MAX_NOTE_BYTES = 1 << 20


def _read_stdin_note() -> str:
    import sys

    if sys.stdin.isatty():  # waiting silently would look like a hang
        click.echo("Type the note, then Ctrl+D on a line of its own:", err=True)
    data = sys.stdin.buffer.read(MAX_NOTE_BYTES + 1)
    if len(data) > MAX_NOTE_BYTES:
        fail(f"the note on standard input is over {MAX_NOTE_BYTES // (1 << 20)} MB; nothing saved")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        fail(f"standard input is not UTF-8 text (byte {error.start}); nothing saved")


def _station_id(session: Session, target: str) -> str:
    """A station id, from a station id or number or one of its topics' ids."""
    from metrotui.core.ids import station_or_topic

    curriculum = session.curriculum()
    target = station_or_topic(curriculum, target)
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
    default=None,
    help="markdown or json (default: from the -o file's extension, else markdown).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE, not stdout.")
@_path_option
@click.pass_obj
def export(session: Session, format_: str | None, output: str | None, path: str | None) -> None:
    """Your progress as a Markdown checklist, or as JSON that import can merge."""
    from metrotui.storage.export import export_json, export_markdown, write_export

    if output is not None:  # the worst mistake first: writing over what metrotui reads
        _refuse_to_overwrite_own_files(session, Path(output))
    format_ = _export_format(format_, output)
    if format_ == "json":
        if path is not None or session.path_option is not None:
            fail("--path does not apply to a JSON export: it carries all your progress")
        text = export_json(_load_progress(session))
    else:
        path = _chosen_path(session, path)
        text = export_markdown(session.curriculum(), _load_progress(session), path)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        write_export(Path(output), text)
    except OSError as error:
        fail(f"cannot write {output} ({error.strerror or error})")
    say(f"Wrote {output}.", err=True)


def _refuse_to_overwrite_own_files(session: Session, output: Path) -> None:
    for what, path in (
        ("progress file", session.progress_path()),
        ("curriculum file", session.curriculum_path),
    ):
        if same_file(output, path):
            fail(f"{output} is the {what}; export to another file. Nothing was written.")


# The extensions that name a format; any other leaves the choice to --format.
_FORMAT_OF_SUFFIX = {".json": "json", ".md": "markdown", ".markdown": "markdown"}


def _export_format(asked: str | None, output: str | None) -> str:
    implied = _FORMAT_OF_SUFFIX.get(Path(output).suffix.lower()) if output else None
    if asked is not None and implied is not None and asked != implied:
        fail(
            f"--format {asked} does not match the {Path(output or '').suffix} file {output}; "
            f"drop --format or name a .{'json' if asked == 'json' else 'md'} file"
        )
    return asked or implied or "markdown"


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_obj
def import_(session: Session, file: str) -> None:
    """Merge a JSON export into your progress: nothing is dropped, repeats change nothing."""
    from metrotui.storage.export import merge, read_export_file
    from metrotui.storage.progress import ProgressError, lone_surrogate_notice, repair_text

    curriculum = session.curriculum()
    try:
        theirs = read_export_file(file, curriculum.id)
    except (ValueError, ProgressError) as error:
        fail(str(error))
    theirs, places = repair_text(theirs)
    if places:
        note(lone_surrogate_notice(file, places, "it was merged as \ufffd"))
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
    say(
        f"Merged {file}: {counted(new_marks, 'new mark')}, {counted(earlier, 'earlier time')}, "
        f"{counted(merged_notes, 'note')}. Now {overall.done}/{overall.total} topics."
    )


# route ---------------------------------------------------------------------------


@cli.command()
@click.argument("target", metavar="ID", shell_complete=_complete_ids)
@click.option("--json", "as_json", is_flag=True, help="Print the station ids as a JSON list.")
@click.pass_obj
def route(session: Session, target: str, as_json: bool) -> None:
    """The stations still to finish, in order, to reach station ID (or a topic's station)."""
    from metrotui.core.ids import station_or_topic

    curriculum = session.curriculum()
    target = station_or_topic(curriculum, target)
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


@cli.command()
@_path_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def stats(session: Session, path: str | None, as_json: bool) -> None:
    """Topics per week, streaks, completion per line and the pace to the end."""
    from datetime import date

    from metrotui.core.stats import compute_stats

    path = _chosen_path(session, path)
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


@cli.command("next")
@_path_option
@click.pass_obj
def next_(session: Session, path: str | None) -> None:
    """What to study next, with the topics still to do."""
    path = _chosen_path(session, path)
    from metrotui.cli.views import next_view

    console().print(next_view(session.tracker(), path))


@cli.command()
@click.argument("file", type=click.Path(dir_okay=True))
def validate(file: str) -> None:
    """Check a curriculum file and list every problem in it."""
    curriculum = load_or_fail(Path(file), recheck=True)
    references = sum(len(station.references) for station in curriculum.stations)
    say(
        f"{file}: valid: {curriculum.title!r} has {counted(len(curriculum.lines), 'line')}, "
        f"{counted(len(curriculum.stations), 'station')}, "
        f"{counted(curriculum.topic_count, 'topic')} and {counted(references, 'reference')}"
    )


@cli.command()
@click.pass_obj
def where(session: Session) -> None:
    """The curriculum, progress file and config folder in use."""
    say(f"curriculum: {session.curriculum_path}")
    say(f"config:     {config_dir()}")
    # Last, because naming the progress file needs the curriculum's id: a
    # curriculum that does not load still leaves the two lines above to go on.
    say(f"progress:   {session.progress_path()}")


# serve ---------------------------------------------------------------------------


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on; 0 picks a free one (the printed URL names it).",
)
@click.option(
    "--max-sessions",
    default=4,
    show_default=True,
    type=click.IntRange(min=1),
    help="Browser tabs served at once; each runs its own app.",
)
@click.option("--verbose", is_flag=True, help="Log every request, not just sessions.")
@click.pass_obj
def serve(session: Session, host: str, port: int, max_sessions: int, verbose: bool) -> None:
    """Serve the map app to a web browser (needs the web extra).

    On an address other than loopback, the printed URL carries a token that
    every request must have.
    """
    curriculum = session.curriculum()
    session.tracker()  # a broken progress file is reported here, not in every browser tab
    problem = session.front_ends_or_fail().serve_web(
        curriculum_option=session.curriculum_option,
        progress_option=session.progress_option,
        title=curriculum.title,
        host=host,
        port=port,
        max_sessions=max_sessions,
        verbose=verbose,
    )
    if problem is not None:
        fail(problem)


# completion ----------------------------------------------------------------------


@cli.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the script that completes commands and ids in SHELL (see the README)."""
    from click.shell_completion import get_completion_class

    completer = get_completion_class(shell)
    assert completer is not None  # click ships all three
    click.echo(completer(cli, {}, "metrotui", COMPLETE_ENV).source())
