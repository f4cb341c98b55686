"""``metrotui serve``: the app in a browser, served by a real server on a loopback port."""

from __future__ import annotations

import itertools
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from click.testing import CliRunner

from metrotui.cli.commands import cli
from metrotui.entry import front_ends
from metrotui.web.guard import Guard
from metrotui.web.install import Install, add_web_command
from metrotui.web.serve import ServeError, app_command, listening_sockets
from tests.helpers import chain
from tests.waiting import wait_until

HOST = "127.0.0.1"
START_TIMEOUT = 15.0
# Characters a title and a path may hold that HTML and a shell both care about.
TITLE = "Tiny <Map> & 'Co'"
ESCAPED_TITLE = "Tiny &lt;Map&gt; &amp; &#39;Co&#39;"


def metrotui(*args: str) -> list[str]:
    return [sys.executable, "-m", "metrotui", *args]


@dataclass
class Served:
    base: str  # http://127.0.0.1:PORT/
    port: int
    progress: Path
    log: Path  # what the server printed


# The line the server prints once it is listening (see MetroServer.on_startup).
SERVING = re.compile(r"^metrotui: serving .* on (http://\S+) \(Ctrl\+C stops it\)$", re.M)
LOG_NUMBERS = itertools.count(1)


def printed_url(process: subprocess.Popen[bytes], log: Path) -> str:
    """The URL the server printed: with --port 0 the only place its port is named."""
    deadline = time.monotonic() + START_TIMEOUT
    while (found := SERVING.search(log.read_text(encoding="utf-8", errors="replace"))) is None:
        if process.poll() is not None:
            pytest.fail(f"metrotui serve exited with {process.returncode}:\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"metrotui serve printed no URL in {START_TIMEOUT} s:\n{log.read_text()}")
        time.sleep(0.05)
    return found.group(1)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # textual-serve exits gracefully on SIGTERM
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running_server(
    root: Path, *options: str, host: str = HOST, before: tuple[str, ...] = ()
) -> Iterator[tuple[int, Path]]:
    """``metrotui [before] serve --host H --port 0 [options]``: yields its port and its log.

    The server binds port 0 itself, so the kernel's pick cannot be taken by
    anyone else before the server has it; the port is read from its URL.
    """
    # The data folder too: a module's server starts before each test's isolated folders.
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_DATA_HOME": str(root / "data"),
    }
    for name in ("METROTUI_CURRICULUM", "METROTUI_PROGRESS", "NO_COLOR"):
        env.pop(name, None)
    log = root / f"serve-{next(LOG_NUMBERS)}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            metrotui(*before, "serve", "--host", host, "--port", "0", *options),
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=root,
        )
    try:
        port = urlsplit(printed_url(process, log)).port
        assert port, log.read_text()
        yield port, log
    finally:
        stop(process)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for the module, on a curriculum and progress file whose paths need quoting."""
    root = tmp_path_factory.mktemp("serve")
    folder = root / "my maps"
    folder.mkdir()
    raw = chain(["core"], 2)
    raw["title"] = TITLE
    curriculum = folder / "tiny 'map'.json"
    curriculum.write_text(json.dumps(raw), encoding="utf-8")
    progress = folder / "my progress.json"
    before = ("--curriculum", str(curriculum), "--progress", str(progress))
    with running_server(root, before=before) as (port, log):
        yield Served(f"http://{HOST}:{port}/", port, progress, log)


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


def page_urls(html: str) -> list[str]:
    """Every address the page names: attributes, CSS url(...) and any scheme://... text."""
    attributes = re.findall(r"""\b(?:src|href|action|poster|data)\s*=\s*["']?([^"'\s>]+)""", html)
    css = re.findall(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", html)
    absolute = re.findall(r"""[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"'<>)]+""", html)
    protocol_relative = re.findall(r"""["'(]\s*(//[^\s"'<>)]+)""", html)
    return attributes + css + absolute + protocol_relative


def test_the_page_names_only_this_server(served: Served) -> None:
    status, content_type, body = fetch(served.base)
    assert status == 200
    assert content_type.startswith("text/html")
    html = body.decode("utf-8")
    assert f"<title>{ESCAPED_TITLE}</title>" in html
    assert TITLE not in html  # escaped everywhere
    assert re.search(r"""<script[^>]+src="terminal\.js\"""", html)
    assert re.search(r"""<link[^>]+rel="stylesheet"[^>]+href="[^"]*static/css/xterm\.css\"""", html)
    assert 'class="textual-terminal"' in html
    assert "googleapis" not in html and "gstatic" not in html

    urls = page_urls(html)
    assert len(urls) >= 3
    for url in urls:
        resolved = urlsplit(urljoin(served.base, url))
        assert resolved.scheme in ("http", "ws"), url
        assert resolved.hostname == HOST and resolved.port == served.port, url


def test_what_the_page_references_is_served(served: Served) -> None:
    html = fetch(served.base)[2].decode("utf-8")
    referenced = {urljoin(served.base, url) for url in page_urls(html)}
    assert any(url.endswith("/terminal.js") for url in referenced)
    assert any(url.endswith("/xterm.css") for url in referenced)
    assert any(url.endswith(".ttf") for url in referenced)  # the font, from this machine
    for url in referenced:
        status, _, body = fetch(url)
        assert status == 200 and body, url


async def test_a_browser_session_runs_the_app(served: Served) -> None:
    """The websocket the page opens starts the app on the curriculum the server was given."""
    import aiohttp

    screen = b""
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(
            f"ws://{HOST}:{served.port}/ws?width=100&height=30", origin=served.base.rstrip("/")
        ) as websocket,
    ):
        deadline = time.monotonic() + START_TIMEOUT
        while b"Core 2" not in strip_escapes(screen):
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"the app did not draw its map: {strip_escapes(screen)[-500:]!r}"
            message = await websocket.receive(timeout=remaining)
            assert message.type == aiohttp.WSMsgType.BINARY, message
            screen += message.data  # what the app writes to its terminal
    text = strip_escapes(screen).decode("utf-8", "replace")
    assert "Core 1" in text and "0/4 topics" in text


def strip_escapes(data: bytes) -> bytes:
    return re.sub(
        rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|.)", b"", data
    )


# starting, and not starting ---------------------------------------------------------------


def test_the_app_command_runs_this_python_with_the_given_files(tmp_path: Path) -> None:
    curriculum = tmp_path / "a map; rm -rf ~" / "it's.json"
    command = app_command(str(curriculum), "relative progress.json")
    assert shlex.split(command) == [
        "exec",
        sys.executable,
        "-m",
        "metrotui",
        "--curriculum",
        str(curriculum),
        "--progress",
        str(Path.cwd() / "relative progress.json"),
    ]
    assert shlex.split(app_command(None, None)) == ["exec", sys.executable, "-m", "metrotui"]


def test_without_the_web_extra_one_line_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve", None)
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    result = CliRunner().invoke(
        cli, ["serve", "--port", "0"], prog_name="metrotui", obj=front_ends()
    )
    assert result.exit_code == 2
    assert result.output.startswith("metrotui: serve needs the web extra: ")
    assert result.output.count("\n") == 1


def test_a_port_in_use_is_refused_clearly() -> None:
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            metrotui("serve", "--host", HOST, "--port", str(port)),
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 2
    assert result.stderr.startswith(f"metrotui: cannot serve on {HOST}:{port}: ")
    assert "in use" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


async def test_port_0_serves_on_a_free_port_the_printed_url_names(tmp_path: Path) -> None:
    with running_server(tmp_path, before=tiny_map(tmp_path)) as (port, log):
        url = printed_url_in(log)
        assert url == f"http://{HOST}:{port}/" and port != 0
        status, _, body = request(url)
        assert status == 200 and "textual-terminal" in body
        # The Host and Origin checks know the port the kernel picked.
        assert await handshake_status(f"ws://{HOST}:{port}/ws", origin=url.rstrip("/")) == 101
        assert request(url, Host=f"{HOST}:0")[0] == 403


def printed_url_in(log: Path) -> str:
    found = SERVING.search(log.read_text(encoding="utf-8"))
    assert found, log.read_text()
    return found.group(1)


def fake_addresses(monkeypatch: pytest.MonkeyPatch, *hosts: str) -> None:
    """Let the name resolve to several loopback addresses, as localhost does with IPv6."""

    def resolve(host: str | None, port: int, **_: object) -> list[tuple[Any, ...]]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (name, port))
            for name in hosts
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


def test_port_0_gives_every_address_the_same_port(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_addresses(monkeypatch, "127.0.0.1", "127.0.0.2", "127.0.0.3")
    sockets = listening_sockets("localhost", 0)
    try:
        names = [sock.getsockname() for sock in sockets]
        assert [name[0] for name in names] == ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
        assert len({name[1] for name in names}) == 1 and names[0][1] != 0
    finally:
        for sock in sockets:
            sock.close()


def test_port_0_picks_again_when_its_pick_is_taken_on_another_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The kernel picks for the first address; someone may hold that port on the second."""
    fake_addresses(monkeypatch, "127.0.0.1", "127.0.0.2")
    squatters: list[socket.socket] = []
    real_bind = socket.socket.bind

    def bind(self: socket.socket, address: tuple[str, int]) -> None:
        host, port = address
        if host == "127.0.0.2" and not squatters:
            squatter = socket.socket()
            real_bind(squatter, (host, port))
            squatter.listen()
            squatters.append(squatter)
        real_bind(self, address)

    monkeypatch.setattr(socket.socket, "bind", bind)
    try:
        sockets = listening_sockets("localhost", 0)
        ports = {sock.getsockname()[1] for sock in sockets}
        assert len(sockets) == 2 and len(ports) == 1
        assert squatters[0].getsockname()[1] not in ports
        for sock in sockets:
            sock.close()
    finally:
        for squatter in squatters:
            squatter.close()


def test_a_port_in_use_on_any_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_addresses(monkeypatch, "127.0.0.1", "127.0.0.2")
    with socket.socket() as taken:
        taken.bind(("127.0.0.2", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServeError, match=rf"^cannot serve on localhost:{port}: .*in use"):
            listening_sockets("localhost", port)
        # Nothing is left bound on the address that was free.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port))


@pytest.mark.parametrize("port", ["-1", "65536", "eighty"])
def test_a_port_out_of_range_is_refused(port: str) -> None:
    result = CliRunner().invoke(cli, ["serve", "--port", port], prog_name="metrotui")
    assert result.exit_code == 2
    assert "--port" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_listening_sockets_names_the_range() -> None:
    with pytest.raises(ServeError, match="out of range: use 1 to 65535, or 0 for any free port"):
        listening_sockets(HOST, 70000)


def test_a_broken_curriculum_is_reported_before_serving(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--curriculum", str(broken), "serve", "--port", "0"], obj=front_ends()
    )
    assert result.exit_code == 2
    assert result.output.startswith("metrotui: ")
    assert "Traceback" not in result.output


# who may connect (issue 10, item 1) -----------------------------------------------------


def request(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    """Status, headers and body, for refusals as well as successes."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8")


async def handshake_status(url: str, **options: object) -> int:
    """101 when the websocket opened (it is closed again at once), else the refusal's status."""
    import aiohttp

    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(url, **options):  # type: ignore[arg-type]
                return 101
        except aiohttp.WSServerHandshakeError as error:
            return error.status


def tiny_map(root: Path) -> tuple[str, ...]:
    curriculum = root / "tiny.json"
    curriculum.write_text(json.dumps(chain(["core"], 2)), encoding="utf-8")
    return ("--curriculum", str(curriculum), "--progress", str(root / "progress.json"))


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "null", "https://127.0.0.1", "http://localhost:1"]
)
async def test_a_websocket_from_another_sites_page_is_refused(served: Served, origin: str) -> None:
    url = f"ws://{HOST}:{served.port}/ws"
    assert await handshake_status(url, origin=origin) == 403
    assert await handshake_status(url) == 403  # no Origin at all: not this page either


async def test_the_pages_own_origin_may_open_the_websocket(served: Served) -> None:
    url = f"ws://{HOST}:{served.port}/ws"
    assert await handshake_status(url, origin=f"http://{HOST}:{served.port}") == 101
    # By name too, when the page was opened as localhost.
    headers = {"Host": f"localhost:{served.port}"}
    origin = f"http://localhost:{served.port}"
    assert await handshake_status(url, origin=origin, headers=headers) == 101


@pytest.mark.parametrize("path", ["", "static/css/xterm.css", "ws"])
def test_a_rebound_name_is_refused(served: Served, path: str) -> None:
    """DNS rebinding: evil.example now points at 127.0.0.1, and the browser says so in Host."""
    status, _, body = request(served.base + path, Host=f"evil.example:{served.port}")
    assert status == 403
    assert "evil.example" in body and "<script" not in body


def test_the_bound_address_and_localhost_are_served(served: Served) -> None:
    for host in (f"{HOST}:{served.port}", f"localhost:{served.port}", f"LocalHost:{served.port}"):
        status, headers, body = request(served.base, Host=host)
        assert status == 200, host
        assert "textual-terminal" in body
        assert headers["X-Frame-Options"] == "DENY"  # nor inside another site's frame
    assert request(served.base, Host=f"{HOST}:1")[0] == 403  # another port is another server


async def test_sessions_past_the_cap_get_a_page_saying_so(tmp_path: Path) -> None:
    import aiohttp

    with running_server(tmp_path, "--max-sessions", "1", before=tiny_map(tmp_path)) as (port, log):
        base = f"http://{HOST}:{port}/"
        origin = f"http://{HOST}:{port}"
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(f"ws://{HOST}:{port}/ws", origin=origin) as first,
        ):
            await read_screen(first, b"Core 2")  # the one session allowed is running
            status, _, body = request(base)
            assert status == 503
            assert "Too many sessions" in body and "--max-sessions" in body
            assert "already serving 1 session," in body
            assert await handshake_status(f"ws://{HOST}:{port}/ws", origin=origin) == 503
        deadline = time.monotonic() + START_TIMEOUT
        while request(base)[0] != 200:  # the place frees once the first tab is gone
            assert time.monotonic() < deadline, "the closed session still counts"
            time.sleep(0.1)
        assert await handshake_status(f"ws://{HOST}:{port}/ws", origin=origin) == 101
    lines = log.read_text().splitlines()
    assert any("refused a session" in line for line in lines)


def test_max_sessions_must_be_positive() -> None:
    result = CliRunner().invoke(cli, ["serve", "--max-sessions", "0"], prog_name="metrotui")
    assert result.exit_code == 2
    assert "--max-sessions" in result.output


async def test_off_loopback_every_request_needs_the_printed_token(tmp_path: Path) -> None:
    """Bound to every address: the token in the printed URL is the key, then kept in a cookie."""
    with running_server(tmp_path, host="0.0.0.0", before=tiny_map(tmp_path)) as (port, log):
        printed = re.search(r"http://\S+/\?token=([\w-]+)", log.read_text())
        assert printed, log.read_text()
        token = printed.group(1)
        assert len(token) >= 24
        base = f"http://{HOST}:{port}/"
        for path in ("", "static/js/textual.js", "ws"):
            status, _, body = request(base + path)
            assert status == 403 and "token" in body, path
            assert request(f"{base}{path}?token=wrong{token}")[0] == 403
        status, headers, body = request(f"{base}?token={token}")
        assert status == 200 and "textual-terminal" in body
        cookie = headers["Set-Cookie"].split(";")[0]
        assert cookie == f"metrotui-token-{port}={token}"
        assert "HttpOnly" in headers["Set-Cookie"]
        assert request(base + "static/js/textual.js", Cookie=cookie)[0] == 200
        url, origin = f"ws://{HOST}:{port}/ws", f"http://{HOST}:{port}"
        assert await handshake_status(url, origin=origin) == 403
        assert await handshake_status(url, origin=origin, headers={"Cookie": cookie}) == 101
        assert (
            await handshake_status(url, origin="http://evil.example", headers={"Cookie": cookie})
            == 403
        )


def test_on_loopback_no_token_is_printed_or_needed(served: Served) -> None:
    assert request(served.base)[0] == 200


@pytest.mark.parametrize(
    ("host", "other", "refused"),
    [
        ("192.168.1.5", "192.168.1.6", "evil.example"),
        ("0.0.0.0", "10.0.0.7", "evil.example"),
        ("::", "myhost", "evil.example"),
    ],
)
def test_the_token_rule_off_loopback(host: str, other: str, refused: str) -> None:
    guard = Guard.for_address(host, 8000, machine_name="MyHost")
    assert guard.token is not None
    assert guard.page_url().endswith(f":8000/?token={guard.token}")
    own = f"{host}:8000" if host not in ("0.0.0.0", "::") else f"{other}:8000"
    origin = f"http://{own}"

    def check(host_header: str, **given: str | None) -> str | None:
        options = {"origin": origin, "websocket": True, "query_token": None, "cookie_token": None}
        refusal = guard.check(host_header=host_header, **{**options, **given})  # type: ignore[arg-type]
        return None if refusal is None else refusal.title

    assert check(own) == "Token needed"
    assert check(own, query_token=guard.token[:-1]) == "Token needed"
    assert check(own, query_token=guard.token) is None
    assert check(own, cookie_token=guard.token) is None
    assert check(f"{refused}:8000", query_token=guard.token) == "Unknown address"
    assert (
        check(own, cookie_token=guard.token, origin="http://evil.example") == "Another site's page"
    )
    if host == "192.168.1.5":  # a named address answers to that address only
        assert check(f"{other}:8000", query_token=guard.token) == "Unknown address"
    assert Guard.for_address("127.0.0.1", 8000).token is None
    assert Guard.for_address("::1", 8000).token is None
    assert Guard.for_address("localhost", 8000).token is None


def test_header_values_are_cleaned_before_they_are_shown(served: Served) -> None:
    """What a hostile page sends ends up in the server's log: no escapes or bidi reach it."""
    hostile = "evil\u202egro.example"  # aiohttp itself turns away raw controls (400)
    with socket.create_connection((HOST, served.port), timeout=10) as raw:
        raw.sendall(
            b"GET / HTTP/1.1\r\nHost: " + hostile.encode() + b"\r\nConnection: close\r\n\r\n"
        )
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 403")
    assert "\u202e".encode() not in answer and b"\x1b" not in answer
    wait_until(lambda: "Host 'evilgro.example'" in served.log.read_text(), "the refusal's log line")
    printed = served.log.read_text(encoding="utf-8")
    assert "\u202e" not in printed and "\x1b" not in printed and "\x07" not in printed


async def read_screen(websocket: object, until: bytes) -> str:
    import aiohttp

    assert isinstance(websocket, aiohttp.ClientWebSocketResponse)
    screen = b""
    deadline = time.monotonic() + START_TIMEOUT
    while until not in strip_escapes(screen):
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"the app did not draw: {strip_escapes(screen)[-500:]!r}"
        message = await websocket.receive(timeout=remaining)
        assert message.type == aiohttp.WSMsgType.BINARY, message
        screen += message.data
    return strip_escapes(screen).decode("utf-8", "replace")


# what the server prints (issue 10, item 29) -----------------------------------------------


async def test_the_log_has_one_short_line_per_session_and_no_requests(served: Served) -> None:
    fetch(served.base)
    fetch(served.base + "static/css/xterm.css")
    url = f"ws://{HOST}:{served.port}/ws"
    assert await handshake_status(url, origin=served.base.rstrip("/")) == 101
    deadline = time.monotonic() + START_TIMEOUT
    while "closed after" not in served.log.read_text():
        assert time.monotonic() < deadline, served.log.read_text()
        time.sleep(0.1)
    lines = served.log.read_text().splitlines()
    for line in lines:
        assert line.startswith("metrotui: ") and len(line) <= 120, line
    assert not any("GET /" in line or "HTTP/1.1" in line for line in lines)
    assert any(
        re.search(r"session \d+ opened from 127\.0\.0\.1 \(\d of 4 open\)", x) for x in lines
    )
    assert any(re.search(r"session \d+ closed after \d+ s$", line) for line in lines)


def test_verbose_logs_every_request_on_one_line(tmp_path: Path) -> None:
    with running_server(tmp_path, "--verbose", before=tiny_map(tmp_path)) as (port, log):
        base = f"http://{HOST}:{port}/"
        fetch(base + "static/css/xterm.css")
        deadline = time.monotonic() + START_TIMEOUT
        while "xterm.css" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
    line = next(line for line in log.read_text().splitlines() if "xterm.css" in line)
    assert line.startswith("metrotui: ")
    assert '"GET /static/css/xterm.css HTTP/1.1" 200' in line


def test_without_the_web_extra_the_hint_fits_this_checkout(tmp_path: Path) -> None:
    """This test venv has metrotui installed editable from the checkout: say so in pip's words."""
    from importlib import metadata

    recorded = json.loads(metadata.distribution("metrotui").read_text("direct_url.json") or "{}")
    if not recorded.get("dir_info", {}).get("editable"):
        pytest.skip("metrotui is not installed editable here")
    shadow = tmp_path / "shadow" / "textual_serve"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('not installed')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(shadow.parent)}
    result = subprocess.run(
        metrotui("serve", "--port", "0"),
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )
    checkout = Path(__file__).resolve().parents[2]
    assert result.returncode == 2
    assert result.stderr == (
        "metrotui: serve needs the web extra: "
        f"{shlex.quote(sys.executable)} -m pip install -e {shlex.quote(f'{checkout}[web]')}\n"
    )


@pytest.mark.parametrize(
    ("marker", "source", "editable", "command"),
    [
        ("pipx_metadata.json", None, False, "pipx inject metrotui textual-serve"),
        ("pipx_metadata.json", "/src/metrotui", False, "pipx inject metrotui textual-serve"),
        ("uv-receipt.toml", None, False, "uv tool install --with textual-serve metrotui"),
        (
            "uv-receipt.toml",
            "/home/me/my maps",
            True,
            "uv tool install --editable --with textual-serve '/home/me/my maps'",
        ),
        (None, None, False, "/venv/bin/python -m pip install 'metrotui[web]'"),
        (None, "/src/metrotui", False, "/venv/bin/python -m pip install '/src/metrotui[web]'"),
        (None, "/src/metrotui", True, "/venv/bin/python -m pip install -e '/src/metrotui[web]'"),
    ],
)
def test_the_hint_names_the_tool_metrotui_was_installed_with(
    tmp_path: Path, marker: str | None, source: str | None, editable: bool, command: str
) -> None:
    if marker:
        (tmp_path / marker).write_text("{}", encoding="utf-8")
    install = Install(
        prefix=tmp_path, in_venv=True, python="/venv/bin/python", source=source, editable=editable
    )
    assert add_web_command(install) == command


def test_outside_a_venv_the_hint_is_plain_pip(tmp_path: Path) -> None:
    install = Install(prefix=tmp_path, in_venv=False, python="/usr/bin/python3")
    assert add_web_command(install) == "pip install 'metrotui[web]'"


# how the page draws (issue 10, item 30) -------------------------------------------------


def test_the_page_has_the_terminal_draw_track_glyphs_that_join(served: Served) -> None:
    """Box-drawing glyphs drawn by the terminal fill their cells; rows are one font line high.

    A screenshot from headless Chromium showed it (see the item's notes); this holds the
    settings that made it so: the terminal's own glyphs, line height 1, and Roboto Mono
    trimmed to a terminal's line (its natural 1.32 em leaves gaps between rows).
    """
    html = fetch(served.base)[2].decode("utf-8")
    options_json = re.search(
        r'<script type="application/json" id="terminal-options">(.*?)</script>', html, re.S
    )
    assert options_json
    options = json.loads(options_json.group(1))
    assert options["customGlyphs"] is True
    assert options["lineHeight"] == 1
    assert options["letterSpacing"] == 0

    face = re.search(r'@font-face\s*{[^}]*font-family:\s*"Roboto Mono"[^}]*}', html)
    assert face
    metric = {
        name: float(value) / 100
        for name, value in re.findall(r"(ascent|descent|line-gap)-override:\s*([\d.]+)%", face[0])
    }
    assert metric["line-gap"] == 0
    assert 1.1 <= metric["ascent"] + metric["descent"] <= 1.2  # a terminal's line, not 1.32

    # The terminal the page runs is built with those options, over textual.js's own.
    assert "static/js/textual.js" not in html
    status, content_type, body = fetch(served.base + "terminal.js")
    assert status == 200 and content_type.startswith("text/javascript")
    script = body.decode("utf-8")
    calls = re.findall(r"new \w+\.Terminal\(metrotuiTerminalOptions\(\{allowProposedApi", script)
    assert len(calls) == 1
    assert "function metrotuiTerminalOptions(given)" in html
    assert "Object.assign({}, given, ours)" in html


def test_a_textual_js_it_does_not_know_is_served_as_it_is(tmp_path: Path) -> None:
    from metrotui.web.server import terminal_script

    other = tmp_path / "textual.js"
    other.write_text("const t = new X.Terminal(options);", encoding="utf-8")
    assert terminal_script(other) == "const t = new X.Terminal(options);"


async def test_a_session_cancelled_while_its_app_starts_leaves_no_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A tab closed during start-up: the app was spawned, the session never got going.
    # Its process must end with the session, even if it will not quit when asked.
    from textual_serve.download_manager import DownloadManager

    from metrotui.web import server

    monkeypatch.setattr(server, "QUIT_GRACE_SECONDS", 0.3)
    deaf = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
    stubborn = "exec " + shlex.join([sys.executable, "-c", deaf])
    service = server.ReapingAppService(
        stubborn,
        write_bytes=_discard,
        write_str=_discard,
        close=_nothing,
        download_manager=DownloadManager(),
        debug=False,
    )
    process = await service._open_app_process(80, 24)
    began = time.monotonic()
    await service.stop()
    assert process.returncode is not None
    assert time.monotonic() - began < 4 * server.QUIT_GRACE_SECONDS
    await process.communicate()  # reads the pipes to their end, which closes them


async def _discard(_data: object) -> None:
    return None


async def _nothing() -> None:
    return None
