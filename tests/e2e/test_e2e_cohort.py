"""End to end: ``metrotui --cohort SOURCE`` in a real terminal, through the console script."""

from __future__ import annotations

import hashlib
import shlex
from datetime import UTC, datetime
from pathlib import Path

from metrotui.core.curriculum import Curriculum
from tests.cohort_data import expected_counts, make_learners, write_exports
from tests.e2e.test_e2e_tmux import SCRIPT, Terminal, wait_for
from tests.e2e.test_e2e_tmux import pytestmark as pytestmark
from tests.e2e.test_e2e_tmux import terminal as terminal


def folder_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def test_the_group_map_opens_counts_and_refuses_a_tick(
    terminal: Terminal, tmp_path: Path, genai: Curriculum
) -> None:
    group = tmp_path / "group"
    learners = make_learners(genai, 12)
    write_exports(group, genai, learners, datetime.now(UTC))
    before = folder_hash(group)
    config = tmp_path / "config"
    env = [f"XDG_CONFIG_HOME={config}", f"XDG_DATA_HOME={tmp_path / 'data'}"]
    exit_file = tmp_path / "app.exit"
    app = shlex.join(["env", "-u", "COLUMNS", "-u", "LINES", *env, str(SCRIPT), "--cohort"])
    terminal.launch("cohort", f"{app} {shlex.quote(str(group))}; echo $? > {exit_file}")

    def screen() -> str:
        return terminal.screen("cohort")

    finished = expected_counts(genai, learners)[1].finished
    wait_for(lambda: f"Math Basics {finished}/12 done" in screen(), "the group's counts", screen)
    assert "12 learners · read-only" in screen()
    terminal.keys("cohort", "Tab", "Space")
    wait_for(lambda: "Read-only" in screen(), "the refusal", screen)
    terminal.keys("cohort", "q")
    wait_for(exit_file.exists, "the app to exit after q", screen)
    wait_for(lambda: exit_file.read_text().strip() != "", "the exit status", screen)
    assert exit_file.read_text().strip() == "0", screen()
    assert folder_hash(group) == before
    assert not (config / "metrotui" / "progress").exists()
