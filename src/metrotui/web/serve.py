"""``metrotui serve``: the map app in a web browser, through textual-serve.

textual-serve is the optional ``web`` extra, so nothing here imports it until
the server is about to start.  Each browser session runs the app in its own
process, with the command :func:`app_command` builds.
"""

from __future__ import annotations

import errno
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
    # exec: the shell textual-serve starts becomes the app, so that ending the
    # session's process ends the app itself, not a shell with the app beneath it.
    return "exec " + shlex.join(parts)


def _absolute(path: str) -> str:
    return os.path.abspath(os.path.expanduser(path))


# With port 0, the kernel's pick for the first address may be taken on another
# (127.0.0.1 and ::1 for localhost): a few fresh picks, then give up.
FREE_PORT_TRIES = 8

Address = tuple[socket.AddressFamily, socket.SocketKind, int, tuple[Any, ...]]


def listening_sockets(host: str, port: int) -> list[socket.socket]:
    """Sockets listening on every address host names, all on one port.

    Bound here rather than by the server, so a port in use is reported before
    anything starts and nobody can take it in between; port 0 lets the kernel
    pick a free one, which the printed URL then names.
    """
    if not 0 <= port <= 65535:
        raise ServeError(f"port {port} is out of range: use 1 to 65535, or 0 for any free port")
    addresses = _addresses(host, port)
    tries = FREE_PORT_TRIES if port == 0 else 1
    while True:
        tries -= 1
        try:
            return _bind_all(addresses, port)
        except OSError as error:
            if tries and error.errno == errno.EADDRINUSE:
                continue
            raise ServeError(_bind_problem(host, port, error)) from error


def bound_port(sockets: list[socket.socket]) -> int:
    port: int = sockets[0].getsockname()[1]
    return port


def _addresses(host: str, port: int) -> list[Address]:
    """Each address host names, once, in the resolver's order."""
    try:
        found = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as error:
        raise ServeError(f"cannot serve on {host}: {error.strerror}") from error
    unique = dict.fromkeys(
        (family, kind, proto, address) for family, kind, proto, _, address in found
    )
    return list(unique)


def _bind_all(addresses: list[Address], port: int) -> list[socket.socket]:
    bound: list[socket.socket] = []
    try:
        for family, kind, proto, address in addresses:
            bound.append(_listening(family, kind, proto, (address[0], port, *address[2:])))
            port = bound[-1].getsockname()[1]  # with 0: the kernel's pick, for every address
    except BaseException:
        _close(bound)
        raise
    return bound


def _listening(
    family: socket.AddressFamily, kind: socket.SocketKind, proto: int, address: tuple[Any, ...]
) -> socket.socket:
    """One socket set up as asyncio's create_server sets up its own."""
    sock = socket.socket(family, kind, proto)
    try:
        # A port left in TIME_WAIT is free, a listening one is not.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)
        # Listening now: a browser opening the printed URL waits in the backlog, never refused.
        sock.listen(128)
    except BaseException:
        sock.close()
        raise
    return sock


def _close(sockets: list[socket.socket]) -> None:
    for sock in sockets:
        sock.close()


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
    """Serve the app at http://host:port/ until interrupted (Ctrl+C); port 0 picks a free one."""
    try:
        from metrotui.web.server import MetroServer
    except ImportError as error:
        from metrotui.web.install import needs_extra_message

        raise ServeError(needs_extra_message()) from error
    sockets = listening_sockets(host, port)
    try:
        guard = Guard.for_address(host, bound_port(sockets), machine_name=socket.gethostname())
        server = MetroServer(
            command,
            guard=guard,
            sockets=sockets,
            title=title,
            max_sessions=max_sessions,
            verbose=verbose,
            templates_path=TEMPLATES_PATH,
        )
        _quiet_closed_loop()
        server.serve()
    finally:
        _close(sockets)


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
