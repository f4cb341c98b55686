"""What every command shares: the session (curriculum, progress), messages and exit codes,
and the click classes that clean every message before it is shown."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from metrotui.cli.completion import complete_paths
from metrotui.core.text import clean_message, has_lone_surrogates
from metrotui.paths import (
    progress_file,
    same_file,
)

if TYPE_CHECKING:
    from rich.console import Console

    from metrotui.core.cohort import Cohort
    from metrotui.core.curriculum import Curriculum
    from metrotui.core.tracker import Tracker
    from metrotui.storage.marks_in_place import InPlaceStore, Marks
    from metrotui.storage.progress import Progress


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


# Opens the app read-only on a study group (curriculum, progress file, line filter,
# the group); it returns only if the app cannot start, with the reason.
CohortOpener = Callable[["Curriculum", Path, "str | None", "Cohort"], str]

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
    open_cohort: CohortOpener | None = None


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
    _store: InPlaceStore | None = field(default=None, repr=False)
    # The progress the last tracker() was built from, so a command reads the file once.
    progress: Progress | None = field(default=None, repr=False)
    # Whether loading the curriculum says, once, that it changed since it was last seen
    # (not for the app, whose screen would hide the line, nor for ``changes`` itself).
    tell_changes: bool = True

    _curriculum_path: Path | None = field(default=None, repr=False)

    @property
    def curriculum_path(self) -> Path:
        """The file --curriculum names (a path or a library id), else the current one's."""
        if self._curriculum_path is None:
            self._curriculum_path = _chosen_curriculum(self.curriculum_option)
        return self._curriculum_path

    def curriculum(self) -> Curriculum:
        if self._curriculum is None:
            self._curriculum = load_or_fail(self.curriculum_path)
            self._look_for_changes(self._curriculum)
        return self._curriculum

    def _look_for_changes(self, curriculum: Curriculum) -> None:
        from metrotui.storage.last_seen import look

        change = look(curriculum, tell=self.tell_changes)
        if change is None:
            return
        from metrotui.core.compare import reopened, summary

        try:
            progress = load_progress(self)
        except click.ClickException:
            again = []  # the command itself reports what is wrong with the progress
        else:
            from metrotui.core.tracker import Tracker

            done = Tracker(curriculum, progress.done, progress.known).is_done
            again = reopened(change, curriculum, done)
        say(
            f"{curriculum.title} changed: {summary(change, again)} — see `metrotui changes`",
            err=True,
        )

    def progress_path(self) -> Path:
        path = progress_file(self.curriculum().id, self.progress_option)
        if same_file(path, self.curriculum_path):
            fail(
                f"{path} is the curriculum file; progress needs a file of its own "
                "(choose another --progress file). Nothing was changed."
            )
        return path

    def store(self) -> InPlaceStore:
        if self._store is None:
            # A ProgressStore that ticks a big file of its own in place, for `done`.
            from metrotui.storage.marks_in_place import InPlaceStore

            curriculum = self.curriculum()
            self._store = InPlaceStore(self.progress_path(), curriculum.id, curriculum)
            self._store.on_wait = note
        return self._store

    def tracker(self, *, for_change: bool = False) -> Tracker:
        """Progress as a tracker; only a command about to change it (``for_change``)
        may set a damaged file aside."""
        from metrotui.core.tracker import Tracker

        progress = load_progress(self, for_change=for_change)
        self.progress = progress
        tracker = Tracker(self.curriculum(), progress.done, progress.known)
        self.tell_orphans(tracker)
        return tracker

    def ticking_tracker(self) -> Tracker:
        """Progress as a tracker, for a command about to tick topics done.

        Only what is marked is read (in place, for a big file metrotui wrote):
        ``self.progress`` stays unread.
        """
        from metrotui.core.tracker import Tracker
        from metrotui.storage.progress import ProgressError

        try:
            marks = self.store().marks()
        except ProgressError as error:
            fail(str(error))
        finally:
            self.flush_notices()
        tracker = Tracker(self.curriculum(), marks.done, marks.known)
        self.tell_orphans(tracker)
        return tracker

    def tell_orphans(self, tracker: Tracker) -> None:
        count = tracker.orphan_count
        if count:
            from metrotui.storage.export import strays_notice

            # Three or fewer are named; more are only counted, not listed.
            note(strays_notice(tracker.orphans if count <= 3 else count, self.store().path))

    def front_ends_or_fail(self) -> FrontEnds:
        if self.front_ends is None:
            fail("the app and the server start only from the metrotui command")
        return self.front_ends

    def flush_notices(self) -> None:
        if self._store is not None:
            for notice in self._store.notices:
                note(notice)
            self._store.notices.clear()


def _chosen_curriculum(option: str | None) -> Path:
    from metrotui.storage import library

    if not option:
        _id, path, notice = library.current()
        if notice is not None:
            note(notice)
        return path
    try:
        return library.resolve(option)
    except library.LibraryError as error:
        fail(str(error))


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
PATH_COMMANDS = ("status", "next", "export", "stats", "cohort")


GLOBAL_OPTIONS = ("--curriculum", "--progress")


def path_option(func: Any) -> Any:
    return click.option(
        "--path",
        "path",
        default=None,
        metavar="LINE",
        shell_complete=complete_paths,
        help="Only this line and what it needs ('all', the default, for every line).",
    )(func)


def chosen_path(session: Session, given: str | None) -> str:
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


def canonical_ids(session: Session, ids: tuple[str, ...]) -> list[str]:
    """Ids as typed (station numbers, station/topic, any case) turned into the curriculum's own."""
    return [canonical_id(session, item) for item in ids]


def canonical_id(session: Session, text: str) -> str:
    """One id as typed, as the curriculum spells it; text that names several things fails."""
    from metrotui.core.ids import AmbiguousIdError, station_or_topic

    try:
        return station_or_topic(session.curriculum(), text)
    except AmbiguousIdError as error:
        fail(str(error))


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
                fail(f"{self.name} has no --path option; it applies to {path_users()}")
            raise
        _refuse_undecodable_text(ctx)
        return rest


def path_users() -> str:
    return "the map and to " + ", ".join(PATH_COMMANDS[:-1]) + f" and {PATH_COMMANDS[-1]}"


# done / undo ---------------------------------------------------------------------


def record(session: Session, change: Callable[[InPlaceStore], Progress | Marks]) -> Tracker:
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


def load_progress(session: Session, *, for_change: bool = False) -> Progress:
    """The progress on disk; a command that only reads creates, moves and renames nothing."""
    from metrotui.storage.progress import ProgressError

    store = session.store()
    try:
        progress = store.load() if for_change else store.peek()
    except ProgressError as error:
        fail(str(error))
    finally:
        session.flush_notices()
    if not session.curriculum().has_former_ids:
        return progress
    from metrotui.storage.progress import rekeyed

    # Read as the next save will write it: a former id's marks and notes under the new id.
    return rekeyed(progress, session.curriculum())
