"""The group view, worked out from marks and a ``now`` passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from metrotui.core.cohort import LearnerMarks, Standing, cohort, learner_view
from metrotui.core.curriculum import Curriculum

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def at(days_ago: float) -> str:
    return (NOW - timedelta(days=days_ago)).isoformat().replace("+00:00", "Z")


def first_topics(curriculum: Curriculum, station_id: str, n: int) -> list[str]:
    return list(curriculum.keys_of(station_id)[:n])


def test_stuck_is_fourteen_days_without_a_mark_in_the_station(genai: Curriculum) -> None:
    math = genai.keys_of("math-basics")
    old = LearnerMarks("old", {math[0]: at(14)}, {})
    fresh = LearnerMarks("fresh", {math[0]: at(20), math[1]: at(13.9)}, {})
    # A mark elsewhere says nothing about this station.
    other = LearnerMarks("other", {math[0]: at(30), "tokenization": at(1)}, {})
    group = cohort(genai, [old, fresh, other], NOW)
    view = group.by_station["math-basics"]
    assert view.stuck == ("old", "other") and view.in_it == ("fresh",)
    assert view.badge == "0/3 done"


def test_a_known_topic_is_a_mark_and_an_unreadable_time_is_never_stuck(genai: Curriculum) -> None:
    math = genai.keys_of("math-basics")
    known = LearnerMarks("k", {math[0]: at(40)}, {math[1]: at(2)})
    unreadable = LearnerMarks("u", {math[0]: "last tuesday"}, {})
    group = cohort(genai, [known, unreadable], NOW)
    assert group.by_station["math-basics"].in_it == ("k", "u")
    assert group.learners[1].last_activity is None


def test_current_stations_are_those_in_progress_else_the_next_open(genai: Curriculum) -> None:
    math = genai.keys_of("math-basics")
    nothing = learner_view(genai, LearnerMarks("n", {}, {}), NOW)
    assert nothing.current == ("math-basics",)
    started = learner_view(genai, LearnerMarks("s", {math[0]: at(1)}, {}), NOW)
    assert started.current == ("math-basics",)
    finished_three = {
        key: at(1)
        for station in ("math-basics", "programming", "neural-nets-llms")
        for key in genai.keys_of(station)
    }
    fork = learner_view(genai, LearnerMarks("f", finished_three, {}), NOW)
    assert fork.current == ("llm-foundations", "consuming-llms")  # both open, none begun
    assert fork.count.done == len(finished_three)


def test_last_activity_is_the_latest_mark_or_note(genai: Curriculum) -> None:
    learner = LearnerMarks("a", {"tokenization": at(5)}, {"rag": at(3)}, note_times=(at(1),))
    assert learner_view(genai, learner, NOW).last_activity == at(1)


def test_every_learner_counts_on_every_station(genai: Curriculum) -> None:
    everything = {key: at(1) for key in genai.all_keys()}
    group = cohort(genai, [LearnerMarks("all", everything, {}), LearnerMarks("none", {}, {})], NOW)
    for view in group.by_station.values():
        assert view.finished == ("all",)
        assert view.badge == "1/2 done"
    assert group.learners[0].standing["securing-llms"] is Standing.FINISHED
    assert group.learners[1].standing["securing-llms"] is Standing.LOCKED
    assert [learner.name for learner in group.learners] == ["all", "none"]
