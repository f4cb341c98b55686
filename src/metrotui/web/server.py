"""textual-serve's server with metrotui's rules: who may connect, how many, what is logged.

Importing this module imports textual-serve and aiohttp, the ``web`` extra:
``metrotui.web.serve`` imports it only once the server is about to start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
import socket
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import textual_serve.server
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from metrotui.core.words import counted
from metrotui.web.guard import (
    TOKEN_PARAMETER,
    Guard,
    Refusal,
    refusal_page,
    shown,
    too_many_sessions,
)

log = logging.getLogger("metrotui.web.serve")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Another site may not show the app in a frame of its own and steer the
# clicks (the websocket would come from this page's own origin).
PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


class MetroServer(Server):
    """One server: the Guard's checks on every request, and at most max_sessions apps."""

    def __init__(
        self,
        command: str,
        *,
        guard: Guard,
        sockets: list[socket.socket],
        title: str,
        max_sessions: int,
        verbose: bool,
        templates_path: Path,
    ) -> None:
        super().__init__(
            command, host=guard.host, port=guard.port, title=title, templates_path=templates_path
        )
        self.guard = guard
        self.sockets = sockets
        self.max_sessions = max_sessions
        self.verbose = verbose
        self.open_sessions = 0
        self.sessions_started = 0

    def serve(self, debug: bool = False) -> None:
        """As textual-serve serves, but on the sockets already bound and listening.

        Its own serve binds host:port as it starts: with port 0 the kernel would
        pick a port that the Guard and the printed URL know nothing of.
        """
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        with contextlib.suppress(NotImplementedError):  # Windows has no signal handlers
            for signal_number in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signal_number, self.request_exit)
        web.run_app(
            self._make_app(),
            sock=self.sockets,
            handle_signals=False,
            loop=loop,
            print=lambda *args: None,
        )

    def initialize_logging(self) -> None:
        """Plain lines, never wrapped: sessions by default, every request with --verbose."""
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("metrotui: %(asctime)s %(message)s", "%H:%M:%S"))
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(logging.INFO if self.verbose else logging.WARNING)
        log.setLevel(logging.INFO)
        logging.getLogger("aiohttp.access").setLevel(
            logging.INFO if self.verbose else logging.WARNING
        )

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._check_request)
        script = terminal_script(self.statics_path / "js" / "textual.js")
        app.router.add_get("/terminal.js", _script_handler(script), name="terminal")
        return app

    async def on_startup(self, app: web.Application) -> None:
        # One plain line instead of textual-serve's banner.
        print(
            f"metrotui: serving {self.title!r} on {self.guard.page_url()} (Ctrl+C stops it)",
            flush=True,
        )
        if self.guard.token is not None:
            print(
                "metrotui: note: this address can be reached from other machines; "
                "anyone with the token in it can use the app and change your progress",
                flush=True,
            )

    @web.middleware
    async def _check_request(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        refusal = self.guard.check(
            host_header=request.headers.get("Host"),
            origin=request.headers.get("Origin"),
            websocket=_is_websocket(request),
            query_token=request.query.get(TOKEN_PARAMETER),
            cookie_token=request.cookies.get(self.guard.cookie_name),
        )
        if refusal is not None:
            log.info(
                "refused %s %s from %s: %s",
                request.method,
                shown(request.path, 40),
                request.remote,
                refusal.reason,
            )
            return _refusal_response(refusal)
        response = await handler(request)
        if not response.prepared:
            self._remember_token(request, response)
        return response

    def _remember_token(self, request: web.Request, response: web.StreamResponse) -> None:
        """The page's own requests (script, font, websocket) then carry the token."""
        token = self.guard.token
        if token is not None and request.query.get(TOKEN_PARAMETER) == token:
            response.set_cookie(
                self.guard.cookie_name, token, httponly=True, samesite="Lax", path="/"
            )

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if self.open_sessions >= self.max_sessions:
            return _refusal_response(too_many_sessions(self.max_sessions))
        response: web.StreamResponse = await super().handle_index(request)
        response.headers.update(PAGE_HEADERS)
        return response

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        if self.open_sessions >= self.max_sessions:
            log.info(
                "refused a session from %s: %s open already",
                request.remote,
                counted(self.open_sessions, "session"),
            )
            return _refusal_response(too_many_sessions(self.max_sessions))
        # No await between the count and this: two handshakes cannot both take the last place.
        self.open_sessions += 1
        self.sessions_started += 1
        number = self.sessions_started
        began = time.monotonic()
        log.info(
            "session %d opened from %s (%d of %d open)",
            number,
            request.remote,
            self.open_sessions,
            self.max_sessions,
        )
        try:
            return await super().handle_websocket(request)
        finally:
            self.open_sessions -= 1
            log.info("session %d closed after %s", number, _duration(time.monotonic() - began))


# How long a session's app may take to quit once its tab has gone, before it is
# ended with SIGTERM, and then with SIGKILL.
QUIT_GRACE_SECONDS = 3.0


class ReapingAppService(AppService):
    """A session's app that is always ended with its session.

    textual-serve asks the app to quit and waits for its output to end; but a
    tab closed while the app starts cancels the session before that wait is
    set up, and the app ran on, unseen, for ever.  Here the process itself is
    waited for, and ended if it does not go.
    """

    async def stop(self) -> None:
        try:
            await super().stop()
        finally:
            process = self._process
            if process is not None and process.returncode is None:
                await _end(process)


async def _end(process: asyncio.subprocess.Process) -> None:
    for stop in (process.terminate, process.kill):
        with contextlib.suppress(asyncio.TimeoutError, ProcessLookupError):
            await asyncio.wait_for(process.wait(), QUIT_GRACE_SECONDS)
            return
        with contextlib.suppress(ProcessLookupError):
            stop()
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(process.wait(), QUIT_GRACE_SECONDS)


# textual-serve makes each session's service by this name: ours ends its process.
setattr(textual_serve.server, "AppService", ReapingAppService)  # noqa: B010


# textual.js builds its terminal with options of its own: hand them to the
# page's metrotuiTerminalOptions() first (see templates/app_index.html).
_TERMINAL_OPTIONS = re.compile(r"new (\w+)\.Terminal\((\{[^{}]*\})\)")


def terminal_script(textual_js: Path) -> str:
    """textual.js with the page's say over its terminal's options."""
    source = textual_js.read_text(encoding="utf-8")
    patched, found = _TERMINAL_OPTIONS.subn(r"new \1.Terminal(metrotuiTerminalOptions(\2))", source)
    if found != 1:
        # Another textual-serve: the app still works, drawn with its own options.
        log.warning("textual.js has changed: the page's terminal options are not applied")
        return source
    return patched


def _script_handler(script: str) -> Handler:
    body = script.encode("utf-8")

    async def handle(request: web.Request) -> web.StreamResponse:
        return web.Response(body=body, content_type="text/javascript", charset="utf-8")

    return handle


def _is_websocket(request: web.Request) -> bool:
    upgrade = request.headers.get("Upgrade", "").lower() == "websocket"
    return upgrade or request.match_info.route.name == "websocket"


def _refusal_response(refusal: Refusal) -> web.Response:
    return web.Response(
        status=refusal.status,
        text=refusal_page(refusal),
        content_type="text/html",
        headers={"Cache-Control": "no-store", **PAGE_HEADERS},
    )


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"
