"""The ``metrotui`` command's entry point: open the map at once, or hand over to the CLI.

``metrotui`` on its own, the start a learner makes every day, needs nothing of
the command-line parser: importing click and building the command tree took
about a twentieth of the launch.  So that one case opens the map directly, and
every other (an option, a command, ``--help``, a curriculum named in the
environment, a shell asking for completions) goes to metrotui.cli.commands, which
parses, checks and reports as usual.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from metrotui.paths import (
    COMPLETE_ENV,
    CURRICULUM_ENV,
    PROGRESS_ENV,
    progress_file,
    same_file,
)

if TYPE_CHECKING:
    from metrotui.cli.session import FrontEnds
    from metrotui.core.cohort import Cohort
    from metrotui.core.curriculum import Curriculum


def main() -> None:
    # A terminal whose encoding lacks a glyph (say, Latin-1) shows '?' instead:
    # a traceback after a mark was saved would read as if nothing happened.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    # A shell asking for completions runs the bare command too: only click answers it.
    # A file named in the environment is checked (and refused) by the CLI, in its words.
    named = os.environ.get(CURRICULUM_ENV) or os.environ.get(PROGRESS_ENV)
    if len(sys.argv) <= 1 and not named and COMPLETE_ENV not in os.environ:
        _open_current_map()
    from metrotui.cli.commands import cli

    cli.main(prog_name="metrotui", obj=front_ends())


def _open_current_map() -> None:
    """Open the current curriculum (the bundled one unless ``metrotui use`` chose another);
    return only if something needs the CLI's reporting."""
    from metrotui.core.curriculum import CurriculumError
    from metrotui.storage.curriculum_file import load_curriculum
    from metrotui.storage.library import current

    _id, chosen, notice = current()
    if notice is not None:
        return  # the CLI says why the choice cannot be followed, then opens the bundled map
    try:
        curriculum = load_curriculum(chosen)
        import metrotui.tui.app  # noqa: F401 - fails here, not mid-launch, if the install is broken
    except (CurriculumError, ImportError):
        return  # the CLI says what is wrong, in its usual words
    progress = progress_file(curriculum.id)
    if same_file(progress, chosen):
        return  # METROTUI_PROGRESS names the curriculum: the CLI refuses it
    # The app compares with the version last seen after its first frame (and shows what changed).
    run_map(curriculum, progress, path=None)


def front_ends() -> FrontEnds:
    """What the CLI may start: the app and the web server, which it never imports itself."""
    from metrotui.cli.session import FrontEnds

    return FrontEnds(open_map=open_map, serve_web=serve_web, open_cohort=open_cohort)


def open_map(curriculum: Curriculum, progress_path: Path, path: str | None) -> str:
    """The CLI's way to open the app: exits with the app's code, or says why it cannot start."""
    try:
        import metrotui.tui.app  # noqa: F401
    except ImportError as error:  # only when the install is broken
        return str(error)
    run_map(curriculum, progress_path, path=path)


def open_cohort(
    curriculum: Curriculum, progress_path: Path, path: str | None, cohort: Cohort
) -> str:
    """The CLI's way to open the app read-only on a study group."""
    try:
        import metrotui.tui.app  # noqa: F401
    except ImportError as error:  # only when the install is broken
        return str(error)
    import gc

    gc.freeze()  # as run_map does: the group stays loaded as long as the app runs
    from metrotui.tui.app import run_app

    sys.exit(run_app(curriculum, progress_path, path=path, cohort=cohort))


def serve_web(
    *, curriculum_option: str | None, progress_option: str | None, **settings: Any
) -> str | None:
    """The CLI's way to serve the app: runs until interrupted, or says why it cannot."""
    import metrotui.web.serve as web

    command = web.app_command(curriculum_option, progress_option)
    try:
        web.serve(command=command, **settings)
    except web.ServeError as error:
        return str(error)
    return None


def run_map(curriculum: Curriculum, progress_path: Path, *, path: str | None) -> NoReturn:
    """Run the app on a loaded curriculum, and exit with its code."""
    # The app keeps the curriculum as long as it runs: take it out of the cyclic
    # collector's way now, before its next pass scans every object just loaded
    # (on a big map that pass, and each later one, costs tens of milliseconds).
    import gc

    gc.freeze()
    from metrotui.tui.app import run_app

    sys.exit(run_app(curriculum, progress_path, path=path))
