"""``metrotui serve``: the app in a browser, served by a real server on a loopback port."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from click.testing import CliRunner

from metrotui.cli.commands import cli
from metrotui.web.serve import NEEDS_EXTRA, ServeError, app_command, check_port
from tests.helpers import chain

HOST = "127.0.0.1"
START_TIMEOUT = 15.0
# Characters a title and a path may hold that HTML and a shell both care about.
TITLE = "Tiny <Map> & 'Co'"
ESCAPED_TITLE = "Tiny &lt;Map&gt; &amp; &#39;Co&#39;"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def metrotui(*args: str) -> list[str]:
    return [sys.executable, "-m", "metrotui", *args]


@dataclass
class Served:
    base: str  # http://127.0.0.1:PORT/
    port: int
    progress: Path


def wait_for_port(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"metrotui serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"metrotui serve did not answer on port {port} in {START_TIMEOUT} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # textual-serve exits gracefully on SIGTERM
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
    env = {**os.environ, "XDG_CONFIG_HOME": str(root / "config")}
    for name in ("METROTUI_CURRICULUM", "METROTUI_PROGRESS", "NO_COLOR"):
        env.pop(name, None)
    port = free_port()
    log = root / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            metrotui(
                "--curriculum",
                str(curriculum),
                "--progress",
                str(progress),
                "serve",
                "--host",
                HOST,
                "--port",
                str(port),
            ),
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=root,
        )
    try:
        wait_for_port(process, port, log)
        yield Served(f"http://{HOST}:{port}/", port, progress)
    finally:
        stop(process)


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
    assert re.search(r"""<script[^>]+src="[^"]*static/js/textual\.js\"""", html)
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
    assert any(url.endswith("/textual.js") for url in referenced)
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
        session.ws_connect(f"ws://{HOST}:{served.port}/ws?width=100&height=30") as websocket,
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
        sys.executable,
        "-m",
        "metrotui",
        "--curriculum",
        str(curriculum),
        "--progress",
        str(Path.cwd() / "relative progress.json"),
    ]
    assert shlex.split(app_command(None, None)) == [sys.executable, "-m", "metrotui"]


def test_without_the_web_extra_one_line_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve", None)
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    result = CliRunner().invoke(cli, ["serve", "--port", str(free_port())], prog_name="metrotui")
    assert result.exit_code == 2
    assert result.output == f"metrotui: {NEEDS_EXTRA}\n"
    assert "pip install 'metrotui[web]'" in result.output


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


@pytest.mark.parametrize("port", ["0", "65536", "eighty"])
def test_a_port_out_of_range_is_refused(port: str) -> None:
    result = CliRunner().invoke(cli, ["serve", "--port", port], prog_name="metrotui")
    assert result.exit_code == 2
    assert "--port" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_check_port_names_the_range() -> None:
    with pytest.raises(ServeError, match="out of range"):
        check_port(HOST, 70000)


def test_a_broken_curriculum_is_reported_before_serving(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--curriculum", str(broken), "serve", "--port", str(free_port())]
    )
    assert result.exit_code == 2
    assert result.output.startswith("metrotui: ")
    assert "Traceback" not in result.output
