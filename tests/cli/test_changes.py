"""A curriculum that changes: what a learner is told, `changes`, `diff`, orphans and forget.

Everything runs through the installed console script, as a learner runs it,
on two versions of a roadmap written for these tests in the seed README's
shape: the first half, then the whole (one topic renamed for real, one only in
case, one moved, a section of books and communities dropped).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(sys.executable).parent / "metrotui"
FIXTURES = Path(__file__).parents[1] / "fixtures"
FIRST = FIXTURES / "roadmap_first_half.json"
WHOLE = FIXTURES / "roadmap_whole.json"
TICKED = ["linear-algebra", "calculus", "probability", "numpy", "data-pre-processing"]
# The same five, as the whole version names them.
TICKED_NOW = ["linear-algebra", "calculus", "probability", "array-computing", "data-pre-processing"]


class Learner:
    """One learner's curriculum file, replaced by its new version as an update would."""

    def __init__(self, folder: Path) -> None:
        self.file = folder / "roadmap.json"
        shutil.copyfile(FIRST, self.file)

    def update(self, version: Path = WHOLE) -> None:
        shutil.copyfile(version, self.file)

    def run(self, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(SCRIPT), "--curriculum", str(self.file), *args],
            capture_output=True,
            text=True,
            timeout=60,
            env=dict(os.environ),
        )
        assert result.returncode == code, result.stderr
        assert "Traceback" not in result.stderr
        return result

    def status(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.run("status", "--json").stdout)
        return data


def plain(*args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    """The console script without --curriculum (diff takes its files as arguments)."""
    result = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == code, result.stderr
    return result


@pytest.fixture
def learner(tmp_path: Path) -> Learner:
    return Learner(tmp_path)


def changed_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if " changed: " in line]


def done_ids(learner: Learner) -> set[str]:
    """The keys done, as an export (read the way the next save writes them) has them."""
    return set(json.loads(learner.run("export", "--format", "json").stdout)["done"])


def test_done_when_the_whole_version_keeps_the_five_and_says_what_was_added(
    learner: Learner,
) -> None:
    learner.run("status")  # the first half, seen
    learner.run("done", *TICKED)
    learner.update()
    result = learner.run("status")
    assert changed_lines(result.stderr) == [
        "Robotics Learning Roadmap changed: 3 stations and 7 topics added, 2 renamed, 1 moved, "
        "1 station and 2 topics removed, prerequisites of 1 station changed, "
        "Math Basics is in progress again — see `metrotui changes`"
    ]
    data = learner.status()
    assert data["overall"]["done"] == 5
    stations = {s["id"]: s for s in data["stations"]}
    assert stations["math"]["state"] == "in_progress"  # finished, then it gained a topic
    assert stations["programming"]["done"] == 2
    assert data["not_in_curriculum"] == []  # nothing lost
    listed = learner.run("changes").stdout
    for added in ("Control Systems", "Motion Planning", "Simulation", "Optimisation Basics"):
        assert added in listed
    assert "NumPy Arrays (numpy) → Array Computing with NumPy (array-computing)" in listed
    # The next save writes the renamed topic's mark under its new id.
    learner.run("done", "python-basics")
    progress = learner.run("where").stdout.split("progress:")[1].split()[0]
    saved = json.loads(Path(progress).read_text())
    assert sorted(saved["done"]) == sorted([*TICKED_NOW, "python-basics"])


def test_the_line_is_shown_once(learner: Learner) -> None:
    assert changed_lines(learner.run("status").stderr) == []  # a first sight tells nothing
    learner.update()
    assert len(changed_lines(learner.run("next").stderr)) == 1
    assert changed_lines(learner.run("status").stderr) == []
    assert changed_lines(learner.run("next").stderr) == []
    assert "Control Systems" in learner.run("changes").stdout  # still the latest change


def test_changes_and_diff_agree(learner: Learner) -> None:
    learner.run("status")
    learner.update()
    changes = json.loads(learner.run("changes", "--json").stdout)
    diff = json.loads(plain("diff", str(FIRST), str(WHOLE), "--json").stdout)
    assert changes["change"] == diff["change"]
    assert [e["station"] for e in changes["change"]["stations_added"]] == [
        "control",
        "motion-planning",
        "simulation",
    ]
    assert learner.run("changes").stdout.split("\n", 1)[1].split("\n\nFinished before")[0] in (
        plain("diff", str(FIRST), str(WHOLE)).stdout
    )


def test_changes_before_any_change(learner: Learner) -> None:
    assert "No change to Robotics Learning Roadmap" in learner.run("changes").stdout
    assert json.loads(learner.run("changes", "--json").stdout)["change"] is None


def test_a_moved_topic_keeps_its_mark(learner: Learner) -> None:
    learner.run("done", "plotting")
    learner.update()
    data = learner.status()
    assert "plotting" in done_ids(learner)
    assert {s["id"]: s["done"] for s in data["stations"]}["control"] == 1


def test_removed_topics_are_orphans_with_their_old_station_and_forget_clears_them(
    learner: Learner,
) -> None:
    learner.run("done", "books", "communities")
    learner.update()
    data = learner.status()
    was_in = {"station": "further-reading", "station_title": "Books and Communities"}
    assert data["not_in_curriculum"] == [
        {"id": "books", "kind": "done", "was_in": was_in},
        {"id": "communities", "kind": "done", "was_in": was_in},
    ]
    text = learner.run("status").stdout
    assert "Not in this curriculum" in text and "was in Books and Communities" in text
    assert "books  done  was in Books and Communities" in learner.run("changes").stdout
    forgot = learner.run("forget", "books", "communities")
    assert forgot.stdout.startswith("Forgot books (done), communities (done)")
    assert learner.status()["not_in_curriculum"] == []


def test_an_orphan_is_picked_up_by_a_later_formerly(learner: Learner, tmp_path: Path) -> None:
    learner.run("done", "books")
    learner.update()
    assert learner.status()["not_in_curriculum"][0]["id"] == "books"
    later = json.loads(WHOLE.read_text())
    later["stations"][5]["topics"].append(
        {"id": "reading-list", "title": "Reading List", "formerly": ["further-reading/books"]}
    )
    third = tmp_path / "third.json"
    third.write_text(json.dumps(later))
    learner.update(third)
    data = learner.status()
    assert data["not_in_curriculum"] == []
    assert "reading-list" in done_ids(learner)


def test_diff_of_an_invalid_file_gives_the_validator_s_message(
    learner: Learner, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": 2, "id": "x"}')
    run = plain("diff", str(FIRST), str(broken), code=2)
    validated = plain("validate", str(broken), code=2)
    assert run.stderr == validated.stderr and "missing key 'title'" in run.stderr


def test_diff_needs_no_curriculum_and_refuses_one(learner: Learner) -> None:
    result = learner.run("diff", str(FIRST), str(FIRST), code=2)
    assert "--curriculum does not apply to diff" in result.stderr
    same = plain("diff", str(WHOLE), str(WHOLE))
    assert "no change to stations, topics or prerequisites" in same.stdout


def test_import_of_an_export_made_before_the_update(learner: Learner, tmp_path: Path) -> None:
    learner.run("done", "numpy", "linear-algebra")
    exported = tmp_path / "export.json"
    learner.run("export", "--format", "json", "-o", str(exported))
    learner.run("undo", "numpy", "linear-algebra")
    learner.update()
    result = learner.run("import", str(exported))
    assert result.stdout.startswith("Merged")
    data = learner.status()
    assert {"array-computing", "linear-algebra"} <= done_ids(learner)
    assert data["not_in_curriculum"] == []


def test_the_map_launch_leaves_the_line_for_the_next_command(learner: Learner) -> None:
    from click.testing import CliRunner

    from metrotui.cli.commands import cli
    from metrotui.cli.session import FrontEnds

    opened: list[str] = []

    def open_map(curriculum: Any, progress: Path, path: str | None) -> str:
        opened.append(curriculum.id)
        return "not in this test"

    front_ends = FrontEnds(open_map=open_map, serve_web=lambda **_: None)
    learner.run("status")
    learner.update()
    launch = CliRunner().invoke(cli, ["--curriculum", str(learner.file)], obj=front_ends)
    assert opened == ["robotics-roadmap"]
    assert changed_lines(launch.stderr) == []  # the app's screen would hide it
    assert len(changed_lines(learner.run("status").stderr)) == 1


def test_a_note_follows_its_station_to_a_new_id(learner: Learner, tmp_path: Path) -> None:
    learner.run("notes", "programming", "--set", "Practise every day.")
    renamed = json.loads(WHOLE.read_text())
    renamed["stations"][1].update(id="coding", title="Coding", formerly=["programming"])
    renamed["stations"][2]["prerequisites"] = ["coding"]
    version = tmp_path / "renamed.json"
    version.write_text(json.dumps(renamed))
    learner.update(version)
    assert learner.run("notes", "coding").stdout.strip() == "Practise every day."
    assert learner.status()["not_in_curriculum"] == []
    assert "Programming (programming) → Coding (coding)" in learner.run("changes").stdout
