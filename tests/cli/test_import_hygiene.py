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

from metrotui.paths import bundled_curriculum

RUN_AND_REPORT = """
import json, sys
from metrotui.cli.commands import cli

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
        pytest.param(["list"], id="list"),
        pytest.param(["use", "genai-metromap"], id="use"),
        pytest.param(["changes"], id="changes"),
        pytest.param(["sync", "--status"], id="sync-status"),
        pytest.param(["diff", str(bundled_curriculum()), str(bundled_curriculum())], id="diff"),
    ],
)
def test_command_never_imports_textual(args: list[str], tmp_path: Path) -> None:
    assert run_command(args, tmp_path) == []


def test_the_check_would_see_textual(tmp_path: Path) -> None:
    # Told to import Textual first, the same harness reports it: the check can fail.
    assert "textual.app" in run_command(["status"], tmp_path, preamble="import textual.app\n")


OPEN_AND_REPORT = """
import json, sys
import metrotui.tui.app
from metrotui import entry as launch

opened = []
metrotui.tui.app.run_app = lambda curriculum, progress, path=None: opened.append(
    [curriculum.id, path]
) or 0
sys.argv = ["metrotui", *sys.argv[1:]]
try:
    launch.main()
except SystemExit as stop:
    code = stop.code
print("\\nOPENED " + json.dumps([opened, code, "click" in sys.modules]))
"""


@pytest.mark.parametrize(
    ("args", "uses_click"),
    [([], False), (["--path", "engineer"], True)],
    ids=["plain", "with-an-option"],
)
def test_plain_metrotui_opens_the_map_without_the_parser(
    args: list[str], uses_click: bool, tmp_path: Path
) -> None:
    """``metrotui`` alone skips click (a twentieth of the launch); any argument uses it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("METROTUI_")}
    env["XDG_CONFIG_HOME"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", OPEN_AND_REPORT, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = result.stdout.rstrip().splitlines()[-1]
    opened, code, clicked = json.loads(report.removeprefix("OPENED "))
    assert opened == [["genai-metromap", args[1] if args else None]]
    assert code == 0
    assert clicked is uses_click
