"""End to end: add a curriculum, switch to it from the palette in a real terminal, and find
it current at the next launch."""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path

from tests.cli.test_library import roadmap
from tests.e2e.test_e2e_tmux import SCRIPT, Terminal, wait_for
from tests.e2e.test_e2e_tmux import pytestmark as pytestmark
from tests.e2e.test_e2e_tmux import terminal as terminal


def test_switch_curriculum_reopens_the_app_on_the_chosen_one(
    terminal: Terminal, tmp_path: Path
) -> None:
    folders = {
        "XDG_CONFIG_HOME": tmp_path / "config",
        "XDG_CACHE_HOME": tmp_path / "cache",
        "XDG_DATA_HOME": tmp_path / "data",
    }
    env = [f"{name}={folder}" for name, folder in folders.items()]
    subprocess.run(
        ["env", *env, str(SCRIPT), "add", str(roadmap(tmp_path))], check=True, timeout=30
    )
    exit_file = tmp_path / "app.exit"
    app = shlex.join(["env", "-u", "COLUMNS", "-u", "LINES", *env, str(SCRIPT)])
    terminal.launch("switch", f"{app}; echo $? > {shlex.quote(str(exit_file))}")

    def screen() -> str:
        return terminal.screen("switch")

    wait_for(lambda: "0/67" in screen(), "the GenAI map to draw", screen)
    terminal.keys("switch", "C-p")
    wait_for(lambda: "Search for commands" in screen(), "the command palette", screen)
    terminal.keys("switch", "Switch curriculum")
    wait_for(lambda: "Open another curriculum" in screen(), "the switch command", screen)
    terminal.keys("switch", "Enter")
    wait_for(lambda: "0/3 topics · rust" in screen(), "the library with its progress", screen)
    terminal.keys("switch", "Rust", "Enter")
    wait_for(lambda: "Rust — 0/3 topics" in screen(), "the app to reopen on Rust", screen)
    terminal.keys("switch", "q")
    wait_for(exit_file.exists, "the app to exit after q", screen)
    wait_for(lambda: exit_file.read_text().strip() != "", "the exit status", screen)
    assert exit_file.read_text().strip() == "0", screen()
    choice = folders["XDG_CONFIG_HOME"] / "metrotui" / "current.json"
    assert json.loads(choice.read_text(encoding="utf-8")) == {"curriculum": "rust"}
