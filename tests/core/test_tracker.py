"""States, unlocking, paths and counts, on the real GenAI data and small shapes."""

from __future__ import annotations

import pytest

from metrotui.core.curriculum import Curriculum
from metrotui.core.tracker import (
    ALL_PATHS,
    Count,
    LockedError,
    StationState,
    Tracker,
    UnknownIdError,
    check_path,
    path_choices,
)
from tests.helpers import (
    GENAI_ENGINEER,
    GENAI_SCIENTIST,
    GENAI_TRUNK,
    curriculum_raw,
    make_curriculum,
    station,
)

TRUNK, SCIENTIST, ENGINEER = GENAI_TRUNK, GENAI_SCIENTIST, GENAI_ENGINEER


def topics_of(curriculum: Curriculum, *station_ids: str) -> list[str]:
    return [t for s in station_ids for t in curriculum.station(s).topic_ids]


def states(tracker: Tracker) -> dict[str, StationState]:
    return {s.id: tracker.state(s.id) for s in tracker.curriculum.stations}


def open_stations(tracker: Tracker) -> list[str]:
    return [s for s, state in states(tracker).items() if state is not StationState.LOCKED]


# States --------------------------------------------------------------------------


def test_fresh_start_only_math_basics_is_available(genai: Curriculum) -> None:
    tracker = Tracker(genai, [])
    assert states(tracker) == {
        s.id: StationState.AVAILABLE if s.id == "math-basics" else StationState.LOCKED
        for s in genai.stations
    }


def test_finishing_the_trunk_opens_exactly_the_two_branches(genai: Curriculum) -> None:
    before = Tracker(genai, topics_of(genai, "math-basics", "programming"))
    tracker = Tracker(genai, topics_of(genai, *TRUNK))
    assert [s for s, st in states(tracker).items() if st is StationState.DONE] == TRUNK
    assert [s for s, st in states(tracker).items() if st is StationState.AVAILABLE] == [
        "llm-foundations",
        "consuming-llms",
    ]
    assert open_stations(tracker) == [*TRUNK, "llm-foundations", "consuming-llms"]
    assert [s.id for s in tracker.newly_unlocked(before)] == ["llm-foundations", "consuming-llms"]


def test_one_topic_done_is_in_progress(genai: Curriculum) -> None:
    tracker = Tracker(genai, ["linear-algebra"])
    assert tracker.state("math-basics") is StationState.IN_PROGRESS
    assert tracker.state("programming") is StationState.LOCKED
    assert tracker.is_done("linear-algebra")
    assert not tracker.is_done("calculus")


def test_all_topics_done_is_done_and_opens_the_next(genai: Curriculum) -> None:
    tracker = Tracker(genai, topics_of(genai, "math-basics"))
    assert tracker.state("math-basics") is StationState.DONE
    assert tracker.state("programming") is StationState.AVAILABLE
    assert tracker.state("neural-nets-llms") is StationState.LOCKED


def test_topics_done_in_a_locked_station_leave_it_locked(genai: Curriculum) -> None:
    # e.g. marks left over after an undo further up the line
    tracker = Tracker(genai, ["data-management"])
    assert tracker.state("pre-training") is StationState.LOCKED
    assert tracker.count("pre-training") == Count(1, 3)


def test_unmarking_relocks_the_stations_that_needed_it(genai: Curriculum) -> None:
    done = [*topics_of(genai, *TRUNK), "multi-head-attention", "llm-apis"]
    before = Tracker(genai, done)
    assert before.state("llm-foundations") is StationState.IN_PROGRESS
    assert before.state("consuming-llms") is StationState.IN_PROGRESS

    after = Tracker(genai, [t for t in done if t != "implementing-mlps"])
    assert after.state("neural-nets-llms") is StationState.IN_PROGRESS
    assert after.state("llm-foundations") is StationState.LOCKED
    assert after.state("consuming-llms") is StationState.LOCKED
    assert open_stations(after) == TRUNK
    # The marks themselves are kept: redoing the topic restores everything.
    assert after.count("llm-foundations") == Count(1, 4)
    assert states(Tracker(genai, done)) == states(before)
    with pytest.raises(LockedError) as caught:
        after.plan_marks(["transformer-architecture"])
    assert [s.id for s in caught.value.unfinished] == ["neural-nets-llms"]


def test_a_station_with_every_topic_done_stays_done_after_an_earlier_undo(
    genai: Curriculum,
) -> None:
    # "done" means all its topics are done (the definition), so undoing
    # a Math Basics topic re-locks Programming only while Programming is unfinished.
    finished = Tracker(genai, [t for t in topics_of(genai, *TRUNK) if t != "calculus"])
    assert finished.state("math-basics") is StationState.IN_PROGRESS
    assert finished.state("programming") is StationState.DONE
    partial = Tracker(
        genai, [t for t in topics_of(genai, "math-basics") if t != "calculus"] + ["python-basics"]
    )
    assert partial.state("programming") is StationState.LOCKED


def test_state_labels_read_as_words() -> None:
    assert [state.label for state in StationState] == ["done", "in progress", "open", "locked"]
    assert StationState.IN_PROGRESS.value == "in_progress"


def test_a_station_can_have_several_prerequisites_on_other_lines() -> None:
    raw = curriculum_raw(
        ["trunk", "a", "b"],
        [
            station("t1", "trunk", 1),
            station("a1", "a", 2, ["t1"]),
            station("a2", "a", 3, ["a1"]),
            station("b1", "b", 4, ["t1"]),
            station("b2", "b", 5, ["b1", "a1"]),  # needs a station on another line
        ],
    )
    curriculum = make_curriculum(raw)
    only_b1 = Tracker(curriculum, topics_of(curriculum, "t1", "b1"))
    assert only_b1.state("b2") is StationState.LOCKED
    assert [s.id for s in only_b1.unfinished_prerequisites("b2")] == ["a1"]
    with pytest.raises(LockedError) as caught:
        only_b1.plan_marks(["b2-t1"])
    assert [s.id for s in caught.value.unfinished] == ["a1"]
    assert "A1" in str(caught.value)

    both = Tracker(curriculum, topics_of(curriculum, "t1", "b1", "a1"))
    assert both.state("b2") is StationState.AVAILABLE
    assert [s.id for s in both.newly_unlocked(only_b1)] == ["a2", "b2"]

    # The b path is b's stations plus everything they need, in map order.
    assert [s.id for s in both.path_stations("b")] == ["t1", "a1", "b1", "b2"]
    assert [s.id for s in both.path_stations("a")] == ["t1", "a1", "a2"]
    assert both.path_count("b") == Count(6, 8)
    assert [s.id for s in both.unlocks("a1")] == ["a2", "b2"]


# Paths -------------------------------------------------------------------------------


def test_scientist_path_is_the_trunk_and_the_scientist_line(genai: Curriculum) -> None:
    stations = Tracker(genai, []).path_stations("scientist")
    assert [s.id for s in stations] == TRUNK + SCIENTIST
    assert len(stations) == 11


def test_engineer_path_is_the_trunk_and_the_engineer_line(genai: Curriculum) -> None:
    stations = Tracker(genai, []).path_stations("engineer")
    assert [s.id for s in stations] == TRUNK + ENGINEER
    assert len(stations) == 10


def test_foundational_and_all_paths(genai: Curriculum) -> None:
    tracker = Tracker(genai, [])
    assert [s.id for s in tracker.path_stations("foundational")] == TRUNK
    assert [s.id for s in tracker.path_stations(ALL_PATHS)] == TRUNK + SCIENTIST + ENGINEER
    assert [s.id for s in tracker.path_stations()] == TRUNK + SCIENTIST + ENGINEER


def test_unknown_path_is_refused_with_a_suggestion(genai: Curriculum) -> None:
    tracker = Tracker(genai, [])
    with pytest.raises(UnknownIdError) as caught:
        tracker.path_stations("scientst")
    assert str(caught.value) == "unknown path 'scientst' (did you mean 'scientist'?)"
    assert caught.value.suggestion == "scientist"
    with pytest.raises(UnknownIdError):
        check_path(genai, "nonsense")
    assert check_path(genai, "engineer") == "engineer"
    assert check_path(genai, ALL_PATHS) == ALL_PATHS


def test_path_choices_skip_the_shared_trunk(genai: Curriculum) -> None:
    assert path_choices(genai) == ["all", "scientist", "engineer"]


def test_paths_of_two_curricula_do_not_mix(genai: Curriculum) -> None:
    # Path members are cached; a second curriculum with the same line ids must
    # get its own answer.
    raw = curriculum_raw(["foundational", "scientist"], [station("x", "scientist", 1)])
    other = make_curriculum(raw)
    assert [s.id for s in Tracker(other, []).path_stations("scientist")] == ["x"]
    assert len(Tracker(genai, []).path_stations("scientist")) == 11


# Counts ------------------------------------------------------------------------------


def test_counts_per_station_line_path_and_overall(genai: Curriculum) -> None:
    done = [*topics_of(genai, "math-basics"), "python-basics", "llm-apis", "metrics"]
    tracker = Tracker(genai, done)
    assert tracker.count("math-basics") == Count(3, 3)
    assert tracker.count("programming") == Count(1, 4)
    assert tracker.count("securing-llms") == Count(0, 4)
    assert tracker.line_count("foundational") == Count(4, 11)
    assert tracker.line_count("scientist") == Count(1, 30)
    assert tracker.line_count("engineer") == Count(1, 26)
    assert tracker.path_count("scientist") == Count(5, 41)
    assert tracker.path_count("engineer") == Count(5, 37)
    assert tracker.path_count(ALL_PATHS) == Count(6, 67)
    assert tracker.overall == Count(6, 67)
    assert tracker.overall.percent == 8


def test_count_percent_and_sum() -> None:
    assert Count(0, 0).percent == 0
    assert Count(2, 3).percent == 66
    assert Count(3, 3).percent == 100
    assert Count(1, 2) + Count(3, 4) == Count(4, 6)


def test_everything_done(genai: Curriculum) -> None:
    tracker = Tracker(genai, list(genai.all_topic_ids()))
    assert set(states(tracker).values()) == {StationState.DONE}
    assert tracker.overall == Count(67, 67)
    assert tracker.next_up() == []


# Next up and unlocks -------------------------------------------------------------------


def test_next_up_lists_open_stations_in_map_order(genai: Curriculum) -> None:
    assert [s.id for s in Tracker(genai, []).next_up()] == ["math-basics"]
    tracker = Tracker(genai, [*topics_of(genai, *TRUNK), "llm-apis"])
    assert [s.id for s in tracker.next_up()] == ["llm-foundations", "consuming-llms"]
    assert [s.id for s in tracker.next_up("engineer")] == ["consuming-llms"]
    assert [s.id for s in tracker.next_up("scientist")] == ["llm-foundations"]
    assert tracker.next_up("foundational") == []


def test_unlocks(genai: Curriculum) -> None:
    tracker = Tracker(genai, [])
    assert [s.id for s in tracker.unlocks("neural-nets-llms")] == [
        "llm-foundations",
        "consuming-llms",
    ]
    assert [s.id for s in tracker.unlocks("math-basics")] == ["programming"]
    assert tracker.unlocks("emerging-trends") == []
    assert tracker.unlocks("securing-llms") == []


# Planning marks ------------------------------------------------------------------------


def test_plan_marks_refuses_a_locked_topic_naming_what_to_finish(genai: Curriculum) -> None:
    tracker = Tracker(genai, [])
    with pytest.raises(LockedError) as caught:
        tracker.plan_marks(["data-management"])
    error = caught.value
    assert error.station.id == "pre-training"
    assert [s.id for s in error.unfinished] == ["llm-foundations"]
    assert str(error) == "Pre-Training is locked: first finish 4 LLM/SLM Foundations"


def test_plan_marks_of_a_station_id_means_all_its_topics(genai: Curriculum) -> None:
    tracker = Tracker(genai, ["calculus"])
    assert tracker.plan_marks(["math-basics"]) == ["linear-algebra", "probability-and-statistics"]


def test_plan_marks_in_order_opens_the_next_station(genai: Curriculum) -> None:
    planned = Tracker(genai, []).plan_marks(["math-basics", "programming"])
    assert planned == topics_of(genai, "math-basics", "programming")


def test_plan_marks_does_not_depend_on_the_order_given(genai: Curriculum) -> None:
    planned = Tracker(genai, []).plan_marks(["neural-nets-llms", "programming", "math-basics"])
    assert set(planned) == set(topics_of(genai, "math-basics", "programming", "neural-nets-llms"))
    assert Tracker(genai, planned).state("llm-foundations") is StationState.AVAILABLE


def test_plan_marks_is_all_or_nothing(genai: Curriculum) -> None:
    tracker = Tracker(genai, [])
    with pytest.raises(LockedError) as caught:
        tracker.plan_marks(["math-basics", "neural-nets-llms"])
    assert [s.id for s in caught.value.unfinished] == ["programming"]
    assert tracker.done == frozenset()  # the tracker is a snapshot; nothing changed


def test_plan_marks_skips_what_is_done_and_repeats(genai: Curriculum) -> None:
    tracker = Tracker(genai, ["linear-algebra"])
    assert tracker.plan_marks(["linear-algebra"]) == []
    assert tracker.plan_marks(["calculus", "calculus", "math-basics"]) == [
        "calculus",
        "probability-and-statistics",
    ]


def test_resolve_unknown_id_suggests_the_closest(genai: Curriculum) -> None:
    tracker = Tracker(genai, [])
    with pytest.raises(UnknownIdError) as caught:
        tracker.resolve(["linear-algebr"])
    assert str(caught.value) == (
        "unknown station or topic 'linear-algebr' (did you mean 'linear-algebra'?)"
    )
    with pytest.raises(UnknownIdError) as caught:
        tracker.plan_marks(["pre-trainig"])
    assert caught.value.suggestion == "pre-training"
    with pytest.raises(UnknownIdError) as caught:
        tracker.resolve(["qqqqqqqq"])
    assert str(caught.value) == "unknown station or topic 'qqqqqqqq'"


def test_resolve_mixes_station_and_topic_ids_without_repeats(genai: Curriculum) -> None:
    tracker = Tracker(genai, [])
    assert tracker.resolve(["calculus", "math-basics"]) == [
        "calculus",
        "linear-algebra",
        "probability-and-statistics",
    ]


# Orphans -------------------------------------------------------------------------------


def test_done_ids_not_in_the_curriculum_are_reported_not_counted(genai: Curriculum) -> None:
    tracker = Tracker(genai, ["linear-algebra", "old-topic", "another-gone"])
    assert tracker.orphans == ["another-gone", "old-topic"]
    assert tracker.done == frozenset({"linear-algebra"})
    assert tracker.overall == Count(1, 67)
    assert tracker.state("math-basics") is StationState.IN_PROGRESS
