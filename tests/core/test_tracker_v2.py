"""What progress means on a version 2 curriculum: one_of needs, stations ticked
whole, and the keys marks are recorded under."""

from __future__ import annotations

import pytest

from metrotui.core.curriculum import Curriculum
from metrotui.core.tracker import LockedError, StationState, Tracker
from tests.helpers import make_curriculum
from tests.storage.test_schema_v2 import fixture, v2


@pytest.fixture
def small() -> Curriculum:
    return make_curriculum(v2())


# one_of -----------------------------------------------------------------------------


def test_a_one_of_is_met_by_any_of_its_stations(small: Curriculum) -> None:
    assert Tracker(small, []).state("three") is StationState.LOCKED
    # "one" alone opens "three", though "two" is not done.
    tracker = Tracker(small, ["one"])
    assert tracker.state("two") is StationState.AVAILABLE
    assert tracker.state("three") is StationState.AVAILABLE


def test_the_unmet_one_of_is_named_as_a_choice(small: Curriculum) -> None:
    tracker = Tracker(small, [])
    assert [[s.id for s in group] for group in tracker.unmet_needs("three")] == [["one", "two"]]
    assert [s.id for s in tracker.unfinished_prerequisites("three")] == ["one", "two"]
    with pytest.raises(LockedError) as locked:
        tracker.plan_marks(["three/t"])
    assert str(locked.value) == "Three is locked: first finish one of 1 One or 2 Two"


def test_a_station_opened_by_a_one_of_is_newly_unlocked(small: Curriculum) -> None:
    before = Tracker(small, [])
    after = Tracker(small, ["one"], since=before)
    assert {s.id for s in after.newly_unlocked(before)} == {"two", "three"}
    assert [s.id for s in after.unlocks("two")] == ["three"]


def test_a_tracker_moved_on_agrees_with_one_built_afresh() -> None:
    curriculum = fixture()
    marks: list[str] = []
    tracker = Tracker(curriculum, marks)
    for key in ["intro-cs", "discrete-math", "statistics", "crypto", "calculus"]:
        marks += tracker.resolve([key])
        tracker = Tracker(curriculum, marks, since=tracker)
        fresh = Tracker(curriculum, marks)
        for station in curriculum.stations:
            assert tracker.state(station.id) is fresh.state(station.id), station.id


def test_the_route_takes_the_choice_that_serves_most_and_then_the_shortest() -> None:
    curriculum = fixture()
    tracker = Tracker(curriculum, [])
    # deep-learning needs evaluation (→ ml-intro, one of linear-algebra or statistics)
    # and one of linear-algebra or calculus: linear-algebra serves both.
    assert [s.id for s in tracker.route("deep-learning")] == [
        "intro-cs",
        "discrete-math",
        "linear-algebra",
        "ml-intro",
        "evaluation",
        "deep-learning",
    ]
    # With statistics done, ml-intro's one_of is met; of the two left, each one
    # station away, the first on the map is taken.
    done = tracker.resolve(["intro-cs", "discrete-math", "statistics"])
    route = Tracker(curriculum, done).route("deep-learning")
    assert {s.id for s in route} == {"linear-algebra", "ml-intro", "evaluation", "deep-learning"}
    # And with linear algebra the longer way round, calculus is taken.
    done = tracker.resolve(["intro-cs", "statistics"])
    route = Tracker(curriculum, done).route("deep-learning")
    assert "calculus" in {s.id for s in route} and "linear-algebra" not in {s.id for s in route}


def test_a_path_holds_every_choice_of_its_one_ofs(small: Curriculum) -> None:
    assert {s.id for s in Tracker(small, []).path_stations("b")} == {"one", "two", "three"}


# Stations without topics --------------------------------------------------------------


def test_a_station_without_topics_is_done_as_a_whole(small: Curriculum) -> None:
    tracker = Tracker(small, [])
    assert tracker.count("one").total == 1 and tracker.count("one").done == 0
    assert tracker.resolve(["one"]) == ["one"]
    done = Tracker(small, ["one"])
    assert done.state("one") is StationState.DONE
    assert done.count("one").done == 1
    assert done.overall.done == 1 and done.overall.total == 4  # one, two/t, three/t, three/one


def test_a_station_without_topics_can_be_known(small: Curriculum) -> None:
    tracker = Tracker(small, [], ["one"])
    assert tracker.is_known("one") and tracker.state("two") is StationState.AVAILABLE
    assert tracker.count("one").known == 1


def test_marking_through_a_station_without_topics_unlocks_in_one_go(small: Curriculum) -> None:
    assert Tracker(small, []).plan_marks(["two", "one"]) == ["one", "two/t"]


# Keys ----------------------------------------------------------------------------------


def test_a_topic_is_read_under_either_spelling_of_its_key() -> None:
    curriculum = fixture()
    # "syntax" names one topic and no station: its key is its bare id.
    assert curriculum.topic_key("python-basics", "syntax") == "syntax"
    assert curriculum.key_for("python-basics/syntax") == "syntax"
    assert Tracker(curriculum, ["python-basics/syntax"]).is_done("syntax")
    # "testing" is in two stations, "evaluation" is a station too: always qualified.
    assert curriculum.topic_key("python-basics", "testing") == "python-basics/testing"
    assert curriculum.topic_key("intro-cs", "evaluation") == "intro-cs/evaluation"
    assert curriculum.key_for("testing") is None
    assert curriculum.key_for("evaluation") is None  # a station with topics: not a key
    assert curriculum.key_for("nowhere/syntax") is None


def test_marks_that_name_nothing_are_orphans_kept_apart() -> None:
    curriculum = fixture()
    tracker = Tracker(curriculum, ["testing", "syntax", "gone", "intro-cs/nothing"])
    assert tracker.orphans == ["gone", "intro-cs/nothing", "testing"]
    assert tracker.done == {"syntax"}


def test_in_a_version_1_curriculum_every_key_is_a_topic_id(genai: Curriculum) -> None:
    assert list(genai.all_keys()) == [t.id for s in genai.stations for t in s.topics]
    for station in genai.stations:
        assert genai.keys_of(station.id) == station.topic_ids
