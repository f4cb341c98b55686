"""Who may use ``metrotui serve``: the checks every request passes first.

A page on any web site can make the browser open a websocket to a server on
localhost, and a name the attacker controls can be pointed at 127.0.0.1 (DNS
rebinding).  So, as Jupyter does, a request is served only when

- its Host is the address the server was bound to (or ``localhost`` on a
  loopback address): a rebound name never matches;
- for the websocket, its Origin is the page's own origin: another site's page
  cannot drive the app;
- with a non-loopback address, it carries the random token printed with the
  URL (in the query, or in the cookie set the first time it was given).

Pure functions over header values, so they are tested without a server and
nothing here imports aiohttp.
"""

from __future__ import annotations

import hmac
import html
import ipaddress
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from metrotui.core.text import clean_line
from metrotui.core.words import counted

TOKEN_PARAMETER = "token"
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})


@dataclass(frozen=True)
class Refusal:
    """Why a request is not served: an HTTP status, a heading and a sentence."""

    status: int
    title: str
    detail: str
    reason: str = ""  # a few words for the server's log


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def new_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Guard:
    """The rules for one server: where it is bound, and the token if it needs one."""

    host: str
    port: int
    token: str | None = None
    # Names a wildcard bind (0.0.0.0) is also reached by, such as the machine's hostname.
    other_names: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def for_address(cls, host: str, port: int, machine_name: str = "") -> Guard:
        """The rules for serving on host:port: a token unless the address is loopback."""
        token = None if is_loopback(host) else new_token()
        names = frozenset({machine_name.lower()} - {""})
        return cls(host=host, port=port, token=token, other_names=names)

    @property
    def cookie_name(self) -> str:
        # Cookies ignore the port: two servers on one machine must not share one.
        return f"metrotui-token-{self.port}"

    def check(
        self,
        *,
        host_header: str | None,
        origin: str | None,
        websocket: bool,
        query_token: str | None,
        cookie_token: str | None,
    ) -> Refusal | None:
        """None when the request may be served, else why not."""
        if not self.host_allowed(host_header):
            return Refusal(
                403,
                "Unknown address",
                f"This server answers only to {self.display_host()}:{self.port}, "
                f"not to {shown(host_header)}.",
                f"Host {shown(host_header, 50)}",
            )
        if self.token is not None and not (
            _same(query_token, self.token) or _same(cookie_token, self.token)
        ):
            return Refusal(
                403,
                "Token needed",
                "Open the address metrotui printed when it started, with its ?token=… part.",
            )
        if websocket and not self.origin_allowed(origin, host_header):
            return Refusal(
                403,
                "Another site's page",
                f"A page from {shown(origin)} may not use this server.",
                f"Origin {shown(origin, 50)}",
            )
        return None

    def host_allowed(self, host_header: str | None) -> bool:
        parsed = _host_and_port(host_header)
        if parsed is None:
            return False
        name, port = parsed
        return port == self.port and self._name_allowed(name)

    def _name_allowed(self, name: str) -> bool:
        bound = self.host.strip("[]").lower()
        if name == bound:
            return True
        if is_loopback(bound):
            if name == "localhost":
                return True
            # "localhost" itself stands for both loopback addresses.
            return bound == "localhost" and _is_ip(name) and ipaddress.ip_address(name).is_loopback
        if bound in WILDCARD_HOSTS:
            # Any address of this machine; an IP literal cannot be rebound.
            return _is_ip(name) or name == "localhost" or name in self.other_names
        return False

    def origin_allowed(self, origin: str | None, host_header: str | None) -> bool:
        """The page's own origin: http:// and exactly the Host it was fetched from."""
        if not origin or host_header is None:
            return False
        try:
            parts = urlsplit(origin)
            origin_port = _port_or_default(parts.port)
        except ValueError:
            return False
        if parts.scheme != "http" or parts.path not in ("", "/") or parts.hostname is None:
            return False
        return (parts.hostname, origin_port) == _host_and_port(host_header)

    def display_host(self) -> str:
        if self.host in WILDCARD_HOSTS:
            return next(iter(sorted(self.other_names)), "localhost")
        return f"[{self.host}]" if ":" in self.host else self.host

    def page_url(self) -> str:
        url = f"http://{self.display_host()}:{self.port}/"
        return f"{url}?{TOKEN_PARAMETER}={self.token}" if self.token else url


def _same(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


def _host_and_port(host_header: str | None) -> tuple[str, int] | None:
    """('127.0.0.1', 8000) from '127.0.0.1:8000'; None when it is not a plain host[:port]."""
    if not host_header or any(mark in host_header for mark in "/?#@\\ "):
        return None
    try:
        parts = urlsplit(f"//{host_header}")
        port = _port_or_default(parts.port)
    except ValueError:
        return None
    if parts.hostname is None:
        return None
    return parts.hostname, port


def _port_or_default(port: int | None) -> int:
    return 80 if port is None else port


def too_many_sessions(limit: int) -> Refusal:
    return Refusal(
        503,
        "Too many sessions",
        f"metrotui is already serving {counted(limit, 'session')}, the most it was started with. "
        "Close another tab and reload this one, or restart the server with a higher "
        "--max-sessions.",
    )


def shown(value: str | None, limit: int = 80) -> str:
    """A header value as it may appear in a log line or a page: clean, short, quoted."""
    if value is None:
        return "(none)"
    text = clean_line(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)


def refusal_page(refusal: Refusal) -> str:
    """A small page a browser shows in place of the app."""
    title = html.escape(refusal.title)
    detail = html.escape(refusal.detail)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>metrotui: {title}</title>"
        "<style>body{margin:0;min-height:100vh;display:flex;flex-direction:column;"
        "align-items:center;justify-content:center;gap:1em;background:#121212;"
        "color:#dddddd;font:16px/1.5 ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;"
        "text-align:center;padding:2em;box-sizing:border-box}h1{font-size:1.2em}</style>"
        f"</head><body><h1>{title}</h1><p>{detail}</p></body></html>\n"
    )
