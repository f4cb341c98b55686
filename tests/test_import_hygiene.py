"""The commands that do not open the map never import Textual.

Each command runs in a fresh interpreter (in-process there, through click), and
the interpreter reports which modules it loaded.  Importing Textual costs more
than everything else ``metrotui status`` does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from metrotui.locations import bundled_curriculum

RUN_AND_REPORT = """
import json, sys
from metrotui.cli import cli

cli.main(args=sys.argv[1:], prog_name="metrotui", standalone_mode=False)
loaded = sorted(name for name in sys.modules if name.split(".")[0] == "textual")
print("\\nMODULES " + json.dumps(loaded))
"""


def run_command(args: list[str], config: Path, preamble: str = "") -> list[str]:
    """Textual's modules loaded by running ``metrotui ARGS`` in a fresh interpreter."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("METROTUI_", "TEXTUAL"))
    }
    env["XDG_CONFIG_HOME"] = str(config)
    result = subprocess.run(
        [sys.executable, "-c", preamble + RUN_AND_REPORT, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    report = result.stdout.rstrip().splitlines()[-1]
    assert report.startswith("MODULES "), result.stdout
    return json.loads(report.removeprefix("MODULES "))


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["status"], id="status"),
        pytest.param(["status", "--json"], id="status-json"),
        pytest.param(["next"], id="next"),
        pytest.param(["done", "math-basics"], id="done"),
        pytest.param(["validate", str(bundled_curriculum())], id="validate"),
    ],
)
def test_command_never_imports_textual(args: list[str], tmp_path: Path) -> None:
    assert run_command(args, tmp_path) == []


def test_the_check_would_see_textual(tmp_path: Path) -> None:
    # Told to import Textual first, the same harness reports it: the check can fail.
    assert "textual.app" in run_command(["status"], tmp_path, preamble="import textual.app\n")
