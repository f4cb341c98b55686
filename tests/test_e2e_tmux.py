"""End to end: the installed ``metrotui`` in a real terminal (tmux), as a learner uses it.

The tmux server runs on its own socket with no user config, so the test never
touches anyone's sessions, and it is killed however the test ends.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
SCRIPT = Path(sys.executable).parent / "metrotui"
TIMEOUT = 15.0

pytestmark = [
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed; the end-to-end test needs it"),
    pytest.mark.skipif(
        not SCRIPT.exists(), reason=f"the metrotui console script is not installed at {SCRIPT}"
    ),
]


class Terminal:
    """A private tmux server; each launch is a 120x40 session running one command."""

    def __init__(self, socket: str, conf: Path) -> None:
        self.socket = socket
        self.conf = conf

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        assert TMUX is not None
        return subprocess.run(
            [TMUX, "-L", self.socket, "-f", str(self.conf), *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=TIMEOUT,
        )

    def launch(self, session: str, command: str) -> None:
        self.tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", command)

    def screen(self, session: str) -> str:
        return self.tmux("capture-pane", "-p", "-t", session, check=False).stdout

    def keys(self, session: str, *keys: str) -> None:
        for key in keys:  # one at a time, as a person types
            self.tmux("send-keys", "-t", session, key)
            time.sleep(0.1)

    def has_session(self, session: str) -> bool:
        return self.tmux("has-session", "-t", session, check=False).returncode == 0


def wait_for(condition: Callable[[], bool], what: str, screen: Callable[[], str]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out after {TIMEOUT:.0f} s waiting for {what}; the screen:\n{screen()}")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    conf = tmp_path / "tmux.conf"
    # Keep a finished pane, so that a failure can still show the app's last screen.
    conf.write_text("set-option -g remain-on-exit on\n")
    term = Terminal(f"metrotui-test-{os.getpid()}", conf)
    try:
        yield term
    finally:
        term.tmux("kill-server", check=False)
        # A server that exits leaves its socket file behind: tidy it away.
        folder = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (folder / term.socket).unlink(missing_ok=True)


def test_tab_space_q_records_linear_algebra_and_relaunch_shows_it(terminal, tmp_path):
    config = tmp_path / "config"
    progress = config / "metrotui" / "progress" / "genai-metromap.json"

    def app_command(exit_file: Path) -> str:
        # Textual draws on stderr in this version: both streams stay on the terminal.
        # The shell notes the exit status, which tmux does not always report reliably.
        app = shlex.join(["env", f"XDG_CONFIG_HOME={config}", str(SCRIPT)])
        return f"{app}; echo $? > {shlex.quote(str(exit_file))}"

    def quit_app(session: str, exit_file: Path) -> None:
        terminal.keys(session, "q")
        wait_for(exit_file.exists, "the app to exit after q", lambda: terminal.screen(session))
        wait_for(lambda: exit_file.read_text().strip() != "", "the exit status", lambda: "")
        assert exit_file.read_text().strip() == "0", terminal.screen(session)
        terminal.tmux("kill-session", "-t", session, check=False)
        assert not terminal.has_session(session)

    # First launch: Tab opens Math Basics' topics, Space ticks Linear Algebra, q quits.
    def first_screen() -> str:
        return terminal.screen("first")

    terminal.launch("first", app_command(tmp_path / "first.exit"))
    wait_for(lambda: "Math Basics" in first_screen(), "the map to draw", first_screen)
    wait_for(lambda: "0/67" in first_screen(), "the header to count 0/67", first_screen)
    terminal.keys("first", "Tab", "Space")
    wait_for(progress.exists, f"{progress} to be written", first_screen)
    quit_app("first", tmp_path / "first.exit")

    recorded = json.loads(progress.read_text(encoding="utf-8"))
    assert recorded["curriculum"] == "genai-metromap"
    assert list(recorded["done"]) == ["linear-algebra"]

    # Relaunch: the header counts the tick.
    def second_screen() -> str:
        return terminal.screen("second")

    terminal.launch("second", app_command(tmp_path / "second.exit"))
    wait_for(lambda: "Math Basics" in second_screen(), "the map to draw again", second_screen)
    wait_for(lambda: "1/67" in second_screen(), "the header to count 1/67", second_screen)
    quit_app("second", tmp_path / "second.exit")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_in_place_of_the_remembered_view_does_not_stop_the_app(terminal, tmp_path):
    # Nothing ever writes to this pipe: opening it to read would wait for ever.
    config = tmp_path / "config"
    ui_state = config / "metrotui" / "ui-state" / "genai-metromap.json"
    ui_state.parent.mkdir(parents=True)
    os.mkfifo(ui_state)
    terminal.launch("pipe", shlex.join(["env", f"XDG_CONFIG_HOME={config}", str(SCRIPT)]))

    def screen() -> str:
        return terminal.screen("pipe")

    wait_for(lambda: "Math Basics" in screen() and "0/67" in screen(), "the map to draw", screen)
    terminal.keys("pipe", "q")
