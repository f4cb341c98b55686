"""The README's set-up is what a newcomer types first: it has to be right."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _shell_lines() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL)
    return [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]


def test_the_two_set_up_commands_are_there_and_ci_runs_the_second() -> None:
    lines = _shell_lines()
    app = "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/metrotui"
    tests = "python3 -m venv .venv && .venv/bin/pip install '.[test]' && .venv/bin/python -m pytest"
    assert app in lines and tests in lines
    assert tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_says_how_to_get_the_bare_command_on_path() -> None:
    # The examples use a bare `metrotui`; the venv set-up alone does not provide one.
    lines = _shell_lines()
    assert "source .venv/bin/activate" in lines
    assert "pipx install ." in lines
    assert "uv tool install ." in README
