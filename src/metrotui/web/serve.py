"""``metrotui serve``: the map app in a web browser, through textual-serve.

textual-serve is the optional ``web`` extra, so nothing here imports it until
the server is about to start.  Each browser session runs the app in its own
process, with the command :func:`app_command` builds.
"""

from __future__ import annotations

import logging
import os
import shlex
import socket
import sys
from pathlib import Path
from typing import Any

from metrotui.web.guard import Guard

TEMPLATES_PATH = Path(__file__).resolve().parent / "templates"
DEFAULT_MAX_SESSIONS = 4


class ServeError(Exception):
    """Why the server cannot start, in one line the user can act on."""


def app_command(
    curriculum_option: str | None, progress_option: str | None, python: str | None = None
) -> str:
    """The shell command that runs the app for one browser session.

    The same interpreter as this process, with the global options the user
    gave.  Paths are made absolute, so they mean the same in the app's process,
    and quoted, because textual-serve runs the command through a shell.
    """
    parts = [python or sys.executable, "-m", "metrotui"]
    if curriculum_option:
        parts += ["--curriculum", _absolute(curriculum_option)]
    if progress_option:
        parts += ["--progress", _absolute(progress_option)]
    return shlex.join(parts)


def _absolute(path: str) -> str:
    return os.path.abspath(os.path.expanduser(path))


def check_port(host: str, port: int) -> None:
    """Fail with a clear message now, rather than halfway through starting."""
    if not 1 <= port <= 65535:
        raise ServeError(f"port {port} is out of range: use 1 to 65535")
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise ServeError(f"cannot serve on {host}: {error.strerror}") from error
    for family, kind, proto, _, address in addresses:
        with socket.socket(family, kind, proto) as probe:
            # As the server will: a port left in TIME_WAIT is free, a listening one is not.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as error:
                raise ServeError(_bind_problem(host, port, error)) from error


def _bind_problem(host: str, port: int, error: OSError) -> str:
    reason = error.strerror or str(error)
    return f"cannot serve on {host}:{port}: {reason} (choose another with --port)"


def serve(
    *,
    command: str,
    title: str,
    host: str,
    port: int,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    verbose: bool = False,
) -> None:
    """Serve the app at http://host:port/ until interrupted (Ctrl+C)."""
    try:
        from metrotui.web.server import MetroServer
    except ImportError as error:
        from metrotui.web.install import needs_extra_message

        raise ServeError(needs_extra_message()) from error
    check_port(host, port)
    guard = Guard.for_address(host, port, machine_name=socket.gethostname())
    server = MetroServer(
        command,
        guard=guard,
        title=title,
        max_sessions=max_sessions,
        verbose=verbose,
        templates_path=TEMPLATES_PATH,
    )
    _quiet_closed_loop()
    try:
        server.serve()
    except OSError as error:  # lost the port between the check and the start
        raise ServeError(_bind_problem(host, port, error)) from error


def _quiet_closed_loop() -> None:
    """Keep Ctrl+C with a browser tab still open from ending in a traceback.

    textual-serve closes its event loop while the tab's app process is being
    ended; asyncio then warns, and the process's transport complains from its
    finaliser that the loop is closed.  The app process has ended either way:
    both messages are noise, and only they are silenced.
    """
    logging.getLogger("asyncio").setLevel(logging.ERROR)
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        error = unraisable.exc_value
        if isinstance(error, RuntimeError) and str(error) == "Event loop is closed":
            return
        previous(unraisable)

    sys.unraisablehook = hook
