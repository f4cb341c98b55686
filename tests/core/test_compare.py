"""The comparison of two versions of a curriculum (core/compare), on the roadmap fixtures."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrotui.core.compare import Change, Entry, compare, outline, reopened, summary
from metrotui.core.curriculum import Curriculum
from metrotui.core.tracker import Tracker
from metrotui.storage.curriculum_file import parse_curriculum

FIXTURES = Path(__file__).parents[1] / "fixtures"


def raw(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


def load(data: dict[str, Any]) -> Curriculum:
    return parse_curriculum(json.dumps(data).encode(), "roadmap.json")


@pytest.fixture
def first() -> Curriculum:
    return load(raw("roadmap_first_half.json"))


@pytest.fixture
def whole() -> Curriculum:
    return load(raw("roadmap_whole.json"))


@pytest.fixture
def change(first: Curriculum, whole: Curriculum) -> Change:
    return compare(outline(first), outline(whole))


def topics(entries: list[Entry]) -> list[str]:
    return [f"{entry.station}/{entry.topic}" for entry in entries]


def test_the_same_version_has_no_change(whole: Curriculum) -> None:
    assert compare(outline(whole), outline(whole)).empty


def test_added_and_removed(change: Change) -> None:
    assert [e.station for e in change.stations_added] == [
        "control",
        "motion-planning",
        "simulation",
    ]
    assert topics(change.topics_added) == [
        "math/optimisation",
        "control/pid",
        "control/state-space",
        "motion-planning/a-star",
        "motion-planning/rrt",
        "simulation/gazebo",
        "simulation/physics",
    ]
    assert [e.station for e in change.stations_removed] == ["further-reading"]
    assert topics(change.topics_removed) == ["further-reading/books", "further-reading/communities"]


def test_renamed_by_title_and_by_formerly(change: Change) -> None:
    renamed = [
        (r.before.topic, r.before.title, r.now.topic, r.now.title) for r in change.topics_renamed
    ]
    assert renamed == [
        (
            "data-pre-processing",
            "Data Pre-processing",
            "data-pre-processing",
            "Data Pre-Processing",
        ),
        ("numpy", "NumPy Arrays", "array-computing", "Array Computing with NumPy"),
    ]


def test_a_move_is_found_by_id_and_title(change: Change) -> None:
    [move] = change.topics_moved
    assert (move.before.station, move.now.station, move.now.topic) == (
        "programming",
        "control",
        "plotting",
    )


def test_a_move_made_explicit_by_formerly(first: Curriculum) -> None:
    data = raw("roadmap_whole.json")
    data["stations"][3]["topics"][1].update(
        id="charts", title="Charting Runs", formerly=["programming/plotting"]
    )
    [move] = compare(outline(first), outline(load(data))).topics_moved
    assert (move.before.topic, move.before.station) == ("plotting", "programming")
    assert (move.now.topic, move.now.station, move.now.title) == (
        "charts",
        "control",
        "Charting Runs",
    )


def test_a_station_renamed_by_formerly_keeps_its_topics(first: Curriculum) -> None:
    data = copy.deepcopy(raw("roadmap_first_half.json"))
    data["stations"][1].update(id="coding", title="Coding", formerly=["programming"])
    data["stations"][2]["prerequisites"] = ["math", "coding"]
    change = compare(outline(first), outline(load(data)))
    [renamed] = change.stations_renamed
    assert (renamed.before.station, renamed.now.station, renamed.now.station_title) == (
        "programming",
        "coding",
        "Coding",
    )
    # The same topics, and the same prerequisites under the new id: nothing else changed.
    assert not (change.topics_added or change.topics_removed or change.topics_moved)
    assert not change.prerequisites_changed


def test_changed_prerequisites(change: Change) -> None:
    [needs] = change.prerequisites_changed
    assert (needs.station, needs.before, needs.now) == (
        "sensors",
        (("math",), ("programming",)),
        (("programming",),),
    )


def test_a_finished_station_that_gained_topics_is_in_progress_again(
    change: Change, whole: Curriculum
) -> None:
    tracker = Tracker(whole, ["linear-algebra", "calculus", "probability"])
    assert tracker.state("math").value == "in_progress"
    assert [e.station for e in reopened(change, whole, tracker.is_done)] == ["math"]
    # One not finished before is not reported.
    partly = Tracker(whole, ["linear-algebra"])
    assert reopened(change, whole, partly.is_done) == []


def test_the_summary_line(change: Change, whole: Curriculum) -> None:
    again = [Entry("math", "Math Basics")]
    assert summary(change, again) == (
        "3 stations and 7 topics added, 2 renamed, 1 moved, 1 station and 2 topics removed, "
        "prerequisites of 1 station changed, Math Basics is in progress again"
    )


def test_a_change_survives_json(change: Change) -> None:
    assert Change.from_json(json.loads(json.dumps(change.to_json()))) == change


# Any edit of the whole version ----------------------------------------------------------

EDITS = st.lists(
    st.tuples(st.integers(0, 16), st.sampled_from(["keep", "retitle", "new-id", "drop"])),
    max_size=17,
    unique_by=lambda edit: edit[0],
)


@settings(max_examples=200, deadline=None)
@given(EDITS)
def test_every_topic_is_accounted_for_once(edits: list[tuple[int, str]]) -> None:
    before = raw("roadmap_whole.json")
    after = copy.deepcopy(before)
    places = [
        (s, t) for s, station in enumerate(after["stations"]) for t in range(len(station["topics"]))
    ]
    dropped = []
    for index, edit in edits:
        s, t = places[index]
        topic = after["stations"][s]["topics"][t]
        if edit == "retitle":
            topic["title"] += " (revised)"
        elif edit == "new-id":
            topic["formerly"] = [*topic.get("formerly", []), topic["id"]]
            topic["id"] = f"{topic['id']}-2"
        elif edit == "drop":
            dropped.append((s, t))
    for s, t in sorted(dropped, reverse=True):
        del after["stations"][s]["topics"][t]
    old, new = load(before), load(after)
    change = compare(outline(old), outline(new))
    assert compare(outline(new), outline(new)).empty
    changed = {edit for _, edit in edits} - {"keep"}
    assert not change.topics_added and not change.topics_moved
    assert len(change.topics_removed) == len(dropped)
    expected_renames = sum(1 for _, edit in edits if edit in ("retitle", "new-id"))
    assert len(change.topics_renamed) == expected_renames
    assert change.empty == (not changed)
    # A station left with no topics is ticked whole: it is the same station still.
    assert not change.stations_added and not change.stations_removed
