"""The bundled curriculum's rows, checked ahead of time: its first launch imports no pydantic."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from metrotui.core.curriculum import CurriculumError
from metrotui.paths import bundled_curriculum
from metrotui.storage import bundled, bundled_rows
from metrotui.storage.check import check
from metrotui.storage.curriculum_file import load_curriculum, load_curriculum_bytes


def test_the_rows_shipped_are_what_the_check_gives_now() -> None:
    # Failing here: the bundled file or the check changed. Run
    # `python -m metrotui.storage.bundled` and commit src/metrotui/storage/bundled_rows.py.
    data = bundled_curriculum().read_bytes()
    assert bundled.source_of(data) == bundled_rows.SOURCE
    assert check(data, "stations.json") == bundled_rows.ROWS
    assert bundled.MODULE.read_text(encoding="utf-8") == bundled.module_text(data)


def test_a_first_launch_ever_of_the_bundled_map_imports_no_pydantic(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from metrotui.paths import bundled_curriculum\n"
        "from metrotui.storage.curriculum_file import load_curriculum\n"
        "curriculum = load_curriculum(bundled_curriculum())\n"
        "print(curriculum.title, 'pydantic' in sys.modules)\n"
    )
    env = {"XDG_CACHE_HOME": str(tmp_path / "empty-cache"), "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout == "GenAI Learning Metromap False\n"
    assert list((tmp_path / "empty-cache" / "metrotui" / "curricula").iterdir())  # cached too


def test_the_bundled_file_changed_on_disk_is_checked(tmp_path: Path) -> None:
    raw = json.loads(bundled_curriculum().read_text(encoding="utf-8"))
    raw["title"] = "My own GenAI map"
    changed = tmp_path / "stations.json"
    changed.write_text(json.dumps(raw), encoding="utf-8")
    assert load_curriculum(changed).title == "My own GenAI map"
    raw["stations"][0]["line"] = "no-such-line"
    with pytest.raises(CurriculumError, match="no-such-line"):
        load_curriculum_bytes(json.dumps(raw).encode(), "stations.json")
