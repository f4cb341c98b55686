"""A tracker over a million marks, most for topics the curriculum no longer has."""

from __future__ import annotations

from collections.abc import Iterator

from metrotui.core.curriculum import Curriculum
from metrotui.core.tracker import StationState, Tracker
from tests.helpers import curriculum_raw, make_curriculum, station


class WatchedMarks(dict[str, str]):
    """Marks that count how often the whole of them is gone through."""

    walks = 0

    def __iter__(self) -> Iterator[str]:
        WatchedMarks.walks += 1
        return super().__iter__()


def many_marks(curriculum: Curriculum, gone: int) -> WatchedMarks:
    marks = WatchedMarks({f"gone-{i:06d}": "t" for i in range(gone)})
    for topic_id in curriculum.station("math-basics").topic_ids:
        marks[topic_id] = "t"
    return marks


def test_a_tracker_over_many_marks_asks_about_the_curriculums_own_topics(
    genai: Curriculum,
) -> None:
    marks = many_marks(genai, 5000)
    WatchedMarks.walks = 0
    tracker = Tracker(genai, marks)
    after = Tracker(genai, marks, since=tracker)
    assert WatchedMarks.walks == 0  # neither copied nor gone through
    assert after.state("math-basics") is StationState.DONE
    assert after.overall.done == len(genai.station("math-basics").topic_ids)
    assert after.orphan_count == 5000


def test_the_orphans_are_listed_when_asked_and_the_same_as_ever(genai: Curriculum) -> None:
    marks = many_marks(genai, 50)
    tracker = Tracker(genai, marks, {"gone-known", "calculus", "gone-000003"})
    expected = sorted({*marks, "gone-known"} - set(genai.all_topic_ids()))
    assert tracker.orphans == expected
    assert tracker.orphan_count == len(expected)
    assert Tracker(genai, list(marks)).orphans == expected[:-1]  # without the known one


def test_among_many_marks_one_under_a_former_id_still_counts() -> None:
    first = station("basics", "main", 1, topics=2)
    first["topics"][0]["formerly"] = ["old-t1"]
    raw = curriculum_raw(["main"], [first], "renamed")
    raw["schema_version"] = 2
    renamed = make_curriculum(raw)
    marks = {f"gone-{i}": "2025-01-01T00:00:00.000Z" for i in range(100)}
    marks["old-t1"] = "2025-06-01T00:00:00.000Z"
    marks["basics/basics-t2"] = "2025-06-01T00:00:00.000Z"  # the qualified spelling
    tracker = Tracker(renamed, marks)
    assert tracker.is_done("basics-t1") and tracker.is_done("basics-t2")
    assert tracker.state("basics") is StationState.DONE
    assert "old-t1" not in tracker.orphans and len(tracker.orphans) == 100


def test_orphans_among_many_marks_are_counted_without_going_through_them() -> None:
    first = station("basics", "main", 1, topics=2)
    first["topics"][0]["formerly"] = ["old-t1"]
    raw = curriculum_raw(["main"], [first], "renamed")
    raw["schema_version"] = 2
    renamed = make_curriculum(raw)
    marks = WatchedMarks({f"gone-{i}": "t" for i in range(100)})
    marks["old-t1"] = marks["basics/basics-t2"] = "t"
    known = WatchedMarks({"gone-known": "t", "basics-t1": "t"})
    WatchedMarks.walks = 0
    tracker = Tracker(renamed, marks, known)
    assert tracker.orphan_count == 101
    assert WatchedMarks.walks == 1  # the known marks, once; the many marks never
    assert len(tracker.orphans) == 101
