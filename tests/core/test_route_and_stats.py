"""The route planner and the learning statistics, in the tracker and on the CLI."""

from __future__ import annotations

import json
from datetime import date, timedelta

from click.testing import CliRunner

from metrotui.cli.commands import cli
from metrotui.core.curriculum import Curriculum
from metrotui.core.stats import compute_stats, sparkline
from metrotui.core.tracker import Tracker
from metrotui.storage.progress import ProgressStore
from tests.helpers import curriculum_raw, make_curriculum, station

ALIGNMENT_ROUTE = [
    "math-basics",
    "programming",
    "neural-nets-llms",
    "llm-foundations",
    "pre-training",
    "fine-tuning-data",
    "supervised-fine-tuning",
    "alignment",
]


def ids(stations) -> list[str]:
    return [s.id for s in stations]


# Route ---------------------------------------------------------------------------


def test_route_to_alignment_from_a_fresh_start(genai: Curriculum) -> None:
    assert ids(Tracker(genai, []).route("alignment")) == ALIGNMENT_ROUTE


def test_route_leaves_out_what_is_finished_and_keeps_what_is_half_done(
    genai: Curriculum,
) -> None:
    done = [*genai.station("math-basics").topic_ids, "python-basics"]
    assert ids(Tracker(genai, done).route("rag")) == [
        "programming",
        "neural-nets-llms",
        "consuming-llms",
        "vector-store",
        "rag",
    ]


def test_route_to_a_finished_station_is_empty(genai: Curriculum) -> None:
    assert Tracker(genai, genai.station("math-basics").topic_ids).route("math-basics") == []


def test_route_counts_already_known_as_finished(genai: Curriculum) -> None:
    tracker = Tracker(genai, [], known_topics=genai.station("math-basics").topic_ids)
    assert ids(tracker.route("programming")) == ["programming"]


def test_route_follows_a_line_before_switching_and_shorter_lines_first() -> None:
    # Target t needs the ends of two lines: a (three stations) and b (one).
    raw = curriculum_raw(
        ["a", "b", "t"],
        [
            station("a1", "a", 1),
            station("a2", "a", 2, ["a1"]),
            station("a3", "a", 3, ["a2"]),
            station("b1", "b", 4),
            station("t1", "t", 5, ["a3", "b1"]),
        ],
    )
    tracker = Tracker(make_curriculum(raw), [])
    assert ids(tracker.route("t1")) == ["b1", "a1", "a2", "a3", "t1"]


def test_route_cli_json_and_text(genai: Curriculum, isolated_config) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["route", "alignment", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == ALIGNMENT_ROUTE
    text = runner.invoke(cli, ["route", "pre-training"])
    assert text.exit_code == 0
    assert "Route to 5 Pre-Training: 5 stations, 18 topics to go" in text.stdout
    assert "linear-algebra" in text.stdout


def test_route_cli_accepts_a_topic_and_refuses_an_unknown_station(isolated_config) -> None:
    runner = CliRunner()
    by_topic = runner.invoke(cli, ["route", "lora-qlora", "--json"])
    assert json.loads(by_topic.stdout)[-1] == "supervised-fine-tuning"
    unknown = runner.invoke(cli, ["route", "alignmnt"])
    assert unknown.exit_code == 2
    assert "did you mean 'alignment'" in unknown.stderr


# Stats ---------------------------------------------------------------------------


def stamp(day: date) -> str:
    return f"{day.isoformat()}T12:00:00.000Z"


def test_streaks_count_days_in_a_row(genai: Curriculum) -> None:
    today = date(2026, 11, 26)
    topics = list(genai.all_topic_ids())
    days = [today - timedelta(d) for d in (0, 1, 2, 5, 6, 7, 8)]
    ticked = {topic: stamp(day) for topic, day in zip(topics, days, strict=False)}
    figures = compute_stats(Tracker(genai, ticked), ticked, today)
    assert figures.current_streak == 3
    assert figures.longest_streak == 4
    assert figures.active_days == 7


def test_a_streak_survives_until_the_end_of_today(genai: Curriculum) -> None:
    today = date(2026, 11, 26)
    ticked = {"linear-algebra": stamp(today - timedelta(1))}
    assert compute_stats(Tracker(genai, ticked), ticked, today).current_streak == 1
    stale = {"linear-algebra": stamp(today - timedelta(2))}
    assert compute_stats(Tracker(genai, stale), stale, today).current_streak == 0


def test_weeks_run_from_the_first_tick_to_now_including_quiet_ones(genai: Curriculum) -> None:
    today = date(2026, 11, 26)  # a Thursday
    ticked = {
        "linear-algebra": stamp(date(2026, 11, 3)),
        "calculus": stamp(date(2026, 11, 4)),
        "probability-and-statistics": stamp(today),
    }
    weeks = compute_stats(Tracker(genai, ticked), ticked, today).weeks
    assert weeks == [
        (date(2026, 11, 2), 2),
        (date(2026, 11, 9), 0),
        (date(2026, 11, 16), 0),
        (date(2026, 11, 23), 1),
    ]


def test_pace_and_finish_date(genai: Curriculum) -> None:
    today = date(2026, 11, 26)
    topics = list(genai.all_topic_ids())[:14]
    # Two topics a day for the last week.
    ticked = {t: stamp(today - timedelta(i // 2)) for i, t in enumerate(topics)}
    figures = compute_stats(Tracker(genai, ticked), ticked, today)
    assert figures.per_week == 14
    assert figures.finish_by == today + timedelta(days=round((67 - 14) / 14 * 7))


def test_known_topics_count_for_completion_but_not_for_pace(genai: Curriculum) -> None:
    today = date(2026, 11, 26)
    known = genai.station("math-basics").topic_ids
    tracker = Tracker(genai, [], known_topics=known)
    figures = compute_stats(tracker, {}, today)
    assert figures.overall.done == 3 and figures.overall.known == 3
    assert figures.per_week is None and figures.weeks == []


def test_sparkline_scales_to_the_busiest_week() -> None:
    assert sparkline([0, 4, 8]) == "▁▄█"
    assert sparkline([0, 0]) == "▁▁"
    assert sparkline([1, 100])[0] != "▁"  # a little activity never looks like none


def test_stats_cli(genai: Curriculum, isolated_config) -> None:
    store = ProgressStore(isolated_config / "metrotui/progress/genai-metromap.json", genai.id)
    store.mark(genai.station("math-basics").topic_ids)
    runner = CliRunner()
    data = json.loads(runner.invoke(cli, ["stats", "--json"]).stdout)
    assert data["overall"] == {"done": 3, "known": 0, "total": 67}
    assert data["streak"] == {"current": 1, "longest": 1}
    assert data["weeks"][-1]["topics"] == 3
    assert data["lines"][0] == {"id": "foundational", "done": 3, "known": 0, "total": 11}
    # Three topics in one day say little about the pace to come: no finish date yet.
    assert data["finish_by"] is None and data["projection"] == "too-little-history"
    text = runner.invoke(cli, ["stats"])
    assert text.exit_code == 0
    assert "Streak 1 day (longest 1)" in text.stdout


def test_a_finish_date_waits_for_a_week_and_ten_topics(genai: Curriculum) -> None:
    today = date(2026, 11, 26)
    topics = list(genai.all_topic_ids())

    def projection(ticked: dict[str, str]) -> tuple[str, date | None]:
        figures = compute_stats(Tracker(genai, ticked), ticked, today)
        return figures.projection, figures.finish_by

    # The case: a first day of eager ticking.
    one_day = {t: stamp(today) for t in topics[:20]}
    assert projection(one_day) == ("too-little-history", None)
    # A week, but only nine topics; ten topics, but six days.
    nine = {t: stamp(today - timedelta(i % 7)) for i, t in enumerate(topics[:9])}
    assert projection(nine) == ("too-little-history", None)
    six_days = {t: stamp(today - timedelta(i % 6)) for i, t in enumerate(topics[:10])}
    assert projection(six_days) == ("too-little-history", None)
    # A week and ten topics.
    week = {t: stamp(today - timedelta(i % 7)) for i, t in enumerate(topics[:10])}
    kind, finish = projection(week)
    assert kind == "date" and finish == today + timedelta(days=round(57 / 10 * 7))


def test_the_stats_command_says_when_a_finish_date_will_show(
    genai: Curriculum, isolated_config
) -> None:
    store = ProgressStore(isolated_config / "metrotui/progress/genai-metromap.json", genai.id)
    store.mark(list(genai.all_topic_ids())[:12])
    text = " ".join(CliRunner().invoke(cli, ["stats"]).stdout.split())
    assert "finish around" not in text
    assert "a finish date shows once you have a week of history and 10 topics ticked" in text
