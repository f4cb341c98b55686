"""The ``metrotui`` command group: global options, the map, serve and completion.

Nothing here imports Textual: the app and the server are started through the
front ends that metrotui.entry hands in."""

from __future__ import annotations

import click

from metrotui import __version__
from metrotui.cli import changes, cohort, files, library, marking, reports, sync
from metrotui.cli.completion import complete_paths
from metrotui.cli.convert import convert
from metrotui.cli.session import (
    PATH_COMMANDS,
    FrontEnds,
    MetroCommand,
    MetroGroup,
    Session,
    chosen_path,
    fail,
    path_users,
)
from metrotui.paths import (
    COMPLETE_ENV,
    CURRICULUM_ENV,
)


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
    help=f"Curriculum JSON file or library id (default: the current one; env {CURRICULUM_ENV}).",
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
    shell_complete=complete_paths,
    help="Open the app filtered to LINE; also filters status, next, export, stats and cohort.",
)
@click.option(
    "--cohort",
    "cohort_source",
    default=None,
    metavar="SOURCE",
    type=click.Path(file_okay=False),
    help="Open the map read-only on a study group (see metrotui cohort).",
)
@click.version_option(__version__, "--version", prog_name="metrotui")
@click.pass_context
def cli(
    ctx: click.Context,
    curriculum_option: str | None,
    progress_option: str | None,
    app_path: str | None,
    cohort_source: str | None,
) -> None:
    """Follow a learning curriculum drawn as a metro map.

    With no command, opens the map.
    """
    front_ends = ctx.obj if isinstance(ctx.obj, FrontEnds) else None
    session = Session(curriculum_option, progress_option, app_path, front_ends=front_ends)
    ctx.obj = session
    if cohort_source is not None and ctx.invoked_subcommand is not None:
        fail(f"--cohort opens the map; for {ctx.invoked_subcommand} use: metrotui cohort SOURCE")
    if cohort_source is not None:
        cohort.open_group(session, cohort_source, app_path)
    if ctx.invoked_subcommand is None:
        open_app(session, app_path)
    elif app_path is not None and ctx.invoked_subcommand not in PATH_COMMANDS:
        fail(f"--path does not apply to {ctx.invoked_subcommand}; it applies to {path_users()}")
    else:
        _refuse_unused_files(ctx)


# Commands that read no curriculum or progress of the session's: validate
# checks the FILE it is given (diff the two), completion only prints a script,
# and the library's commands name curricula by their own argument.
_FILELESS_COMMANDS = ("validate", "completion", "diff", "add", "list", "use", "remove")


def _refuse_unused_files(ctx: click.Context) -> None:
    if ctx.invoked_subcommand not in _FILELESS_COMMANDS:
        return
    for name, option in (("curriculum_option", "--curriculum"), ("progress_option", "--progress")):
        # Only when typed: METROTUI_CURRICULUM in the environment is no mistake.
        if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE:
            fail(f"{option} does not apply to {ctx.invoked_subcommand}")


cli.command_class = MetroCommand


def _refuse_a_file_that_is_not_progress(session: Session) -> None:
    """The app refuses a --progress file that is not ours at launch, as every command does.

    (A file for another curriculum or from a newer metrotui is different: the
    app opens it read-only and says so.)
    """
    from metrotui.storage.progress import NotOurFile

    try:
        session.store().peek()
    except NotOurFile as error:
        fail(str(error))


def open_app(session: Session, app_path: str | None) -> None:
    session.tell_changes = False  # the app's screen would hide the line: it waits for a command
    curriculum = session.curriculum()
    if app_path is not None:
        app_path = chosen_path(session, None)
    _refuse_a_file_that_is_not_progress(session)
    problem = session.front_ends_or_fail().open_map(curriculum, session.progress_path(), app_path)
    fail(f"the map app cannot start ({problem})")


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


for _command in (
    marking.done,
    marking.undo,
    marking.known,
    marking.forget,
    marking.notes,
    reports.status,
    reports.next_,
    reports.route,
    reports.stats,
    files.export,
    files.import_,
    files.validate,
    files.where,
    library.add,
    library.list_,
    library.use,
    library.remove,
):
    cli.add_command(_command)
cli.add_command(convert)
cli.add_command(changes.changes)
cli.add_command(changes.diff)
cli.add_command(cohort.cohort)
cli.add_command(sync.sync)
