"""What's new costs the launch nothing: the last-seen copy is read after the first frame."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# Opens the map as the bare ``metrotui`` does, with the app replaced by a report of
# which of the what's-new modules were loaded by the time it would have started.
LAUNCH_AND_REPORT = """
import json, sys
import metrotui.tui.app
from metrotui import entry as launch

WATCHED = ["metrotui.storage.last_seen", "metrotui.tui.news", "metrotui.core.news",
           "metrotui.storage.looked_at", "metrotui.core.compare"]
loaded = []
def run_app(curriculum, progress, path=None):
    loaded.extend(name for name in WATCHED if name in sys.modules)
    return 0
metrotui.tui.app.run_app = run_app
sys.argv = ["metrotui"]
try:
    launch.main()
except SystemExit:
    pass
print("\\nLOADED " + json.dumps(loaded))
"""


def test_the_bare_launch_reads_nothing_of_what_changed_before_the_app(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("METROTUI_")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    result = subprocess.run(
        [sys.executable, "-c", LAUNCH_AND_REPORT],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = result.stdout.rstrip().splitlines()[-1]
    assert json.loads(report.removeprefix("LOADED ")) == [], result.stderr
    assert not (tmp_path / "data" / "metrotui" / "last-seen").exists()
