"""Reconverting a README that changed: renames get ``formerly`` and marks follow (issue 14).

Each test converts one README, marks topics under the ids it gave, edits the
README as its authors would, converts again, and looks at what the learner sees.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_library import Library

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GENAI_README = FIXTURES / "genai_readme" / "README.md"

ROADMAP = """# Robot roadmap

## 1. Math

The mathematics a robot rests on.

* **Linear Algebra:** Vectors, matrices and transformations between frames.
* **Calculus:** Derivatives and integrals for describing motion over time.

## 2. Control

Making a machine do what it is told, and keep doing it.

* **Feedback Loops:** Measuring the error and correcting it, again and again.
* **PID Tuning:** Choosing the three gains by hand, by rule and by search.
"""


@pytest.fixture
def metrotui(tmp_path: Path) -> Library:
    return Library(tmp_path)


def convert(metrotui: Library, text: str, *options: str) -> tuple[dict[str, Any], str]:
    (metrotui.cwd / "README.md").write_text(text, encoding="utf-8")
    result = metrotui("convert", "README.md", "-o", "robot.json", *options)
    assert result.returncode == 0, result
    data = json.loads((metrotui.cwd / "robot.json").read_text(encoding="utf-8"))
    return data, result.stderr


def mark(metrotui: Library, *ids: str) -> None:
    """Mark topics done, Math first: Control needs it, and a locked station takes no marks."""
    metrotui.ok("--curriculum", "robot.json", "done", "math", *ids)


def topic(data: dict[str, Any], station_id: str, topic_id: str) -> dict[str, Any]:
    station = next(s for s in data["stations"] if s["id"] == station_id)
    found: dict[str, Any] = next(t for t in station["topics"] if t["id"] == topic_id)
    return found


def done_counts(metrotui: Library, *options: str) -> dict[str, int]:
    """Topics done per station, as status shows them; marks it cannot place are a failure."""
    status = json.loads(metrotui.ok(*options, "status", "--json"))
    assert status["not_in_curriculum"] == []
    return {station["id"]: station["done"] for station in status["stations"] if station["done"]}


def done_in_robot(metrotui: Library) -> dict[str, int]:
    return done_counts(metrotui, "--curriculum", "robot.json")


def test_a_topic_renamed_in_place_keeps_its_mark(metrotui: Library) -> None:
    convert(metrotui, ROADMAP)
    mark(metrotui, "pid-tuning")
    renamed = ROADMAP.replace("**PID Tuning:**", "**Tuning a PID Controller:**")
    data, report = convert(metrotui, renamed)
    assert topic(data, "control", "tuning-a-pid-controller")["formerly"] == ["pid-tuning"]
    assert "Compared with robot.json: 1 rename keeps its marks through formerly" in report
    assert "'PID Tuning' → 'Tuning a PID Controller'" in report
    assert done_in_robot(metrotui) == {"math": 2, "control": 1}
    # Nothing stays behind as a mark with no topic.
    assert "not in this curriculum" not in metrotui.ok("--curriculum", "robot.json", "status")


def test_a_change_of_case_or_punctuation_keeps_the_id_and_needs_no_formerly(
    metrotui: Library,
) -> None:
    convert(metrotui, ROADMAP)
    data, report = convert(metrotui, ROADMAP.replace("**PID Tuning:**", "**PID tuning!:**"))
    assert topic(data, "control", "pid-tuning") == {
        "id": "pid-tuning",
        "title": "PID tuning!",
        "summary": "Choosing the three gains by hand, by rule and by search.",
    }
    assert "Compared with robot.json: no renames." in report


def test_a_topic_whose_text_changed_too_is_a_new_topic_not_a_rename(metrotui: Library) -> None:
    convert(metrotui, ROADMAP)
    mark(metrotui, "pid-tuning")
    replaced = ROADMAP.replace(
        "**PID Tuning:** Choosing the three gains by hand, by rule and by search.",
        "**State Estimation:** Kalman filters and what a sensor cannot tell you.",
    )
    data, _ = convert(metrotui, replaced)
    assert "formerly" not in topic(data, "control", "state-estimation")
    status = json.loads(metrotui.ok("--curriculum", "robot.json", "status", "--json"))
    assert [s["done"] for s in status["stations"]] == [2, 0]
    assert [stray["id"] for stray in status["not_in_curriculum"]] == ["pid-tuning"]


def test_a_topic_added_above_does_not_make_its_neighbours_renames(metrotui: Library) -> None:
    convert(metrotui, ROADMAP)
    added = ROADMAP.replace(
        "* **Feedback Loops:**", "* **Sensors:** What a robot can measure.\n* **Feedback Loops:**"
    )
    data, report = convert(metrotui, added)
    control = next(s for s in data["stations"] if s["id"] == "control")
    assert [t["id"] for t in control["topics"]] == ["sensors", "feedback-loops", "pid-tuning"]
    assert all("formerly" not in t for t in control["topics"])
    assert "no renames" in report


def test_renames_chain_across_versions_and_old_marks_still_follow(metrotui: Library) -> None:
    convert(metrotui, ROADMAP)
    mark(metrotui, "pid-tuning")
    second = ROADMAP.replace("**PID Tuning:**", "**Tuning PID Gains:**")
    convert(metrotui, second)
    third = second.replace("**Tuning PID Gains:**", "**Gain Scheduling:**")
    data, _ = convert(metrotui, third)
    assert topic(data, "control", "gain-scheduling")["formerly"] == [
        "tuning-pid-gains",
        "pid-tuning",
    ]
    assert done_in_robot(metrotui) == {"math": 2, "control": 1}


def test_a_station_renamed_in_place_keeps_its_note_and_its_topics(metrotui: Library) -> None:
    convert(metrotui, ROADMAP)
    mark(metrotui, "feedback-loops")
    metrotui.ok("--curriculum", "robot.json", "notes", "control", "--set", "tune on the real arm")
    data, report = convert(metrotui, ROADMAP.replace("## 2. Control", "## 2. Control Theory"))
    station = next(s for s in data["stations"] if s["id"] == "control-theory")
    assert station["formerly"] == ["control"]
    assert "station 'Control' → 'Control Theory'" in report
    assert done_in_robot(metrotui) == {"math": 2, "control-theory": 1}
    shown = metrotui.ok("--curriculum", "robot.json", "notes", "control-theory")
    assert "tune on the real arm" in shown


def test_an_explicit_previous_file_is_used_and_a_bad_one_refused(metrotui: Library) -> None:
    convert(metrotui, ROADMAP)
    (metrotui.cwd / "robot.json").rename(metrotui.cwd / "old.json")
    renamed = ROADMAP.replace("**Calculus:**", "**Differential Calculus:**")
    data, report = convert(metrotui, renamed, "--previous", "old.json")
    assert topic(data, "math", "differential-calculus")["formerly"] == ["calculus"]
    assert "Compared with old.json" in report
    (metrotui.cwd / "bad.json").write_text('{"schema_version": 2}', encoding="utf-8")
    result = metrotui("convert", "README.md", "--previous", "bad.json")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("metrotui: --previous: bad.json: 4 problems")
    assert "missing key 'stations'" in result.stderr


def test_without_a_previous_version_nothing_is_compared(metrotui: Library) -> None:
    data, report = convert(metrotui, ROADMAP)
    assert "Compared with" not in report
    assert all("formerly" not in s for s in data["stations"])


def test_adding_a_changed_readme_to_the_library_carries_marks_over(metrotui: Library) -> None:
    readme = metrotui.cwd / "README.md"
    readme.write_text(GENAI_README.read_text(encoding="utf-8"), encoding="utf-8")
    metrotui.ok("add", "README.md")
    metrotui.ok("use", "genai-learning-metromap")
    metrotui.ok("done", "math-basics", "python-basics", "data-pre-processing")
    edited = readme.read_text(encoding="utf-8").replace(
        "**Python Basics:**", "**Python Fundamentals:**"
    )
    readme.write_text(edited, encoding="utf-8")
    result = metrotui("add", "README.md")
    assert result.returncode == 0, result
    assert "the library's copy of 'genai-learning-metromap'" in result.stderr
    assert "'Python Basics' → 'Python Fundamentals'" in result.stderr
    assert done_counts(metrotui) == {"math-basics": 3, "programming": 2}
