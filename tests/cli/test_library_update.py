"""Issue 14's "Done when", through the installed console script and the library: add
the first half of a roadmap, tick five topics (one of them renamed later), add the
whole roadmap over it, and nothing is lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_changes import FIRST, TICKED, TICKED_NOW, WHOLE, changed_lines
from tests.cli.test_library import SCRIPT, Library

ID = "robotics-roadmap"


@pytest.fixture
def metrotui(tmp_path: Path) -> Library:
    assert SCRIPT.is_file(), "the metrotui console script is not installed beside python"
    return Library(tmp_path)


def test_adding_the_whole_version_over_the_first_keeps_every_mark(metrotui: Library) -> None:
    metrotui.ok("add", str(FIRST))
    metrotui.ok("use", ID)
    metrotui.ok("done", *TICKED)  # numpy is renamed array-computing in the whole version
    out = metrotui.ok("add", str(WHOLE))
    assert out.startswith("Replaced the library's copy of 'Robotics Learning Roadmap'")
    assert "an update" in out and "Your progress carries over" in out
    assert json.loads((metrotui.folder / f"{ID}.json").read_text())["stations"][-1]["id"] == (
        "simulation"
    )

    status = metrotui("status", "--json")
    assert changed_lines(status.stderr) == [
        "Robotics Learning Roadmap changed: 3 stations and 7 topics added, 2 renamed, 1 moved, "
        "1 station and 2 topics removed, prerequisites of 1 station changed, "
        "Math Basics is in progress again — see `metrotui changes`"
    ]
    data = json.loads(status.stdout)
    assert data["overall"]["done"] == 5
    stations = {s["id"]: s for s in data["stations"]}
    assert stations["math"]["state"] == "in_progress"
    assert stations["programming"]["done"] == 2  # data-pre-processing and the renamed numpy
    assert data["not_in_curriculum"] == []  # nothing lost
    assert changed_lines(metrotui("status").stderr) == []  # said once

    listed = metrotui.ok("changes")
    for added in ("Control Systems", "Motion Planning", "Simulation", "Optimisation Basics"):
        assert added in listed
    assert "NumPy Arrays (numpy) → Array Computing with NumPy (array-computing)" in listed
    assert "Not in this curriculum" not in listed

    # The next save writes each mark under the id it has now.
    metrotui.ok("done", "python-basics")
    saved = json.loads(metrotui.progress_of(ID).read_text(encoding="utf-8"))
    assert sorted(saved["done"]) == sorted([*TICKED_NOW, "python-basics"])
