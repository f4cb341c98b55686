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

    def launch(self, session: str, command: str, size: tuple[int, int] = (120, 40)) -> None:
        width, height = size
        self.tmux("new-session", "-d", "-s", session, "-x", str(width), "-y", str(height), command)

    def display(self, session: str, format_: str) -> str:
        return self.tmux("display", "-p", "-t", session, format_, check=False).stdout.strip()

    def screen(self, session: str) -> str:
        return self.tmux("capture-pane", "-p", "-t", session, check=False).stdout

    def keys(self, session: str, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", session, key)
            # On purpose, a person's pace: keys arriving together read differently
            # (Escape then p at once is Alt+p).
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


def settled(read: Callable[[], str], screen: Callable[[], str], quiet: float = 0.5) -> str:
    """What read() shows once it has stayed the same for quiet seconds."""
    deadline = time.monotonic() + TIMEOUT
    shown, since = read(), time.monotonic()
    while time.monotonic() - since < quiet:
        if time.monotonic() > deadline:
            pytest.fail(f"still changing after {TIMEOUT:.0f} s; the screen:\n{screen()}")
        time.sleep(0.05)
        if (now := read()) != shown:
            shown, since = now, time.monotonic()
    return shown


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


# Signals: the terminal comes back as it was, and nothing is half-saved ----------------


def _app_in_terminal(terminal: Terminal, session: str, config: Path) -> int:
    """Launch the app (exec'd, so the pane's process is the app) and return its pid."""
    # pytest's COLUMNS and LINES would pin the app to 80x24 whatever the pane's size.
    app = ["env", "-u", "COLUMNS", "-u", "LINES", f"XDG_CONFIG_HOME={config}", str(SCRIPT)]
    command = "exec " + shlex.join(app)
    terminal.launch(session, command)
    wait_for(
        lambda: "Math Basics" in terminal.screen(session),
        "the map to draw",
        lambda: terminal.screen(session),
    )
    # The app has switched the terminal over: this is what a signal must undo.
    assert terminal.display(session, "#{alternate_on} #{mouse_any_flag}") == "1 1"
    terminal.keys(session, "j")  # select Programming: a view to remember
    wait_for(
        lambda: "python-basics" in terminal.screen(session),  # its pane: a topic id
        "the selection to move to Programming",
        lambda: terminal.screen(session),
    )
    return int(terminal.display(session, "#{pane_pid}"))


def _remembered(config: Path) -> dict[str, object]:
    folder = config / "metrotui" / "ui-state"
    assert [p.name for p in folder.iterdir()] == ["genai-metromap.json"], "stray files"
    return json.loads((folder / "genai-metromap.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("signal_name", ["TERM", "HUP"])
def test_a_signal_puts_the_terminal_back_and_keeps_the_view(terminal, tmp_path, signal_name):
    config = tmp_path / "config"
    pid = _app_in_terminal(terminal, "sig", config)
    subprocess.run(["kill", f"-{signal_name}", str(pid)], check=True)
    wait_for(
        lambda: terminal.display("sig", "#{pane_dead}") == "1",
        f"the app to exit on SIG{signal_name}",
        lambda: terminal.screen("sig"),
    )
    # Back on the normal screen, mouse reporting off: the shell is usable again.
    assert terminal.display("sig", "#{alternate_on} #{mouse_any_flag}") == "0 0"
    assert terminal.display("sig", "#{mouse_button_flag} #{mouse_sgr_flag}") == "0 0"
    assert "Traceback" not in terminal.screen("sig")
    assert _remembered(config)["selected"] == "programming"


def test_closing_the_terminal_window_quits_cleanly(terminal, tmp_path):
    config = tmp_path / "config"
    pid = _app_in_terminal(terminal, "close", config)
    # Closed while it redraws: writes to the vanished terminal must not wedge it.
    # Four p's go all the way round the filters (all, scientist, engineer, foundational).
    terminal.tmux("send-keys", "-t", "close", *["j", "k"] * 8, *["p"] * 4)
    terminal.tmux("kill-server")  # the window closes: SIGHUP, and no terminal any more

    def gone() -> bool:
        # A process that exited after tmux did may stay a zombie (nobody reaps
        # it in a container): that counts as gone.
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            return True
        except OSError:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
            return False
        return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")

    def threads() -> str:
        tasks = Path(f"/proc/{pid}/task")
        found = tasks.iterdir() if tasks.exists() else []
        return "\n".join(
            f"{t.name} {(t / 'comm').read_text().strip()} {(t / 'wchan').read_text()}"
            for t in found
        )

    wait_for(gone, "the app to exit when its terminal closed", threads)
    remembered = _remembered(config)
    assert remembered["selected"] == "programming" and remembered["path"] == "all"


# The footer: whole keys only, and always the help key --------------------------------

FOOTER_KEYS = {
    "tab Topics",
    "p Path",
    "g Route",
    "u Undo",
    "? Keys",
    "q Quit",
    "space Tick",
    "K Known",
    "esc Map",
    "^p palette",
}


@pytest.mark.parametrize("width", [60, 80])
def test_the_footer_shows_whole_keys_and_always_help(terminal, tmp_path, width):
    config = tmp_path / "config"
    app = ["env", "-u", "COLUMNS", "-u", "LINES", f"XDG_CONFIG_HOME={config}", str(SCRIPT)]
    terminal.launch("foot", "exec " + shlex.join(app), size=(width, 24))

    def footer() -> str:
        lines = terminal.screen("foot").rstrip("\n").split("\n")
        return lines[-1] if lines else ""

    wait_for(lambda: "? Keys" in footer(), "the footer to draw", lambda: terminal.screen("foot"))
    on_map = settled(footer, lambda: terminal.screen("foot"))
    terminal.keys("foot", "Tab")
    wait_for(lambda: "Tick" in footer(), "the checklist's keys", lambda: terminal.screen("foot"))
    # The footer is drawn again once its first keys arrive: judge the one that stays.
    for shown in (on_map, settled(footer, lambda: terminal.screen("foot"))):
        chunks = [c.strip() for c in shown.replace("▏", "  ").split("  ") if c.strip()]
        assert "? Keys" in chunks, shown
        assert set(chunks) <= FOOTER_KEYS, f"a key cut short at {width} columns: {shown!r}"


# Notes in the learner's own editor ----------------------------------------------------


def _editor_script(tmp_path: Path) -> Path:
    """An $EDITOR that appends a line to the file it is given, as a person would."""
    script = tmp_path / "editor.sh"
    script.write_text('#!/bin/sh\nprintf "written in my editor\\n" >> "$1"\n', encoding="utf-8")
    script.chmod(0o755)
    return script


def test_n_opens_the_editor_in_visual_or_editor(terminal, tmp_path):
    config = tmp_path / "config"
    progress = config / "metrotui" / "progress" / "genai-metromap.json"
    app = ["env", "-u", "COLUMNS", "-u", "LINES", "-u", "VISUAL", "-u", "METROTUI_EDITOR"]
    app += [f"EDITOR={_editor_script(tmp_path)}", f"XDG_CONFIG_HOME={config}", str(SCRIPT)]
    terminal.launch("editor", "exec " + shlex.join(app))

    def screen() -> str:
        return terminal.screen("editor")

    wait_for(lambda: "Math Basics" in screen(), "the map to draw", screen)
    terminal.keys("editor", "n")
    wait_for(progress.exists, "the note to be saved", screen)
    notes = json.loads(progress.read_text(encoding="utf-8"))["notes"]
    assert notes["math-basics"]["text"] == "written in my editor"
    # Back in the app, which draws again and shows the note in the station pane.
    wait_for(lambda: "Notes on Math Basics saved" in screen(), "the app to come back", screen)
    assert terminal.display("editor", "#{alternate_on}") == "1"


@pytest.mark.parametrize("editor", ["/nonexistent/editor", "no-such-editor-here --wait"])
def test_an_editor_that_is_not_installed_falls_back_to_the_in_app_editor(
    terminal, tmp_path, editor
):
    config = tmp_path / "config"
    app = ["env", "-u", "COLUMNS", "-u", "LINES", "-u", "VISUAL", "-u", "METROTUI_EDITOR"]
    app += [f"EDITOR={editor}", f"XDG_CONFIG_HOME={config}", str(SCRIPT)]
    terminal.launch("noed", "exec " + shlex.join(app))

    def screen() -> str:
        return terminal.screen("noed")

    wait_for(lambda: "Math Basics" in screen(), "the map to draw", screen)
    terminal.keys("noed", "n")
    # The app stays drawn and usable: it says so and opens its own editor.
    wait_for(lambda: "Could not run" in screen(), "a word that the editor is missing", screen)
    wait_for(lambda: "Save" in screen(), "the in-app editor", screen)
    assert terminal.display("noed", "#{alternate_on}") == "1"
    terminal.keys("noed", "Escape")
    wait_for(lambda: "Notes" not in screen().splitlines()[-1], "the editor to close", screen)
    terminal.keys("noed", "q")
    wait_for(lambda: terminal.display("noed", "#{pane_dead}") == "1", "the app to quit", screen)


def test_metrotui_editor_app_prefers_the_in_app_editor(terminal, tmp_path):
    config = tmp_path / "config"
    app = ["env", "-u", "COLUMNS", "-u", "LINES", "METROTUI_EDITOR=app"]
    app += [f"EDITOR={_editor_script(tmp_path)}", f"XDG_CONFIG_HOME={config}", str(SCRIPT)]
    terminal.launch("inapp", "exec " + shlex.join(app))

    def screen() -> str:
        return terminal.screen("inapp")

    wait_for(lambda: "Math Basics" in screen(), "the map to draw", screen)
    terminal.keys("inapp", "n")
    wait_for(lambda: "ctrl+s saves" in screen(), "the in-app editor", screen)
    assert not (config / "metrotui" / "progress").exists()
