"""What is new after a change (core/news): the marks and the panel's entries."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from metrotui.core.compare import compare, outline, reopened
from metrotui.core.news import SECTION_ENTRIES, News, is_recent, panel_sections
from metrotui.storage.curriculum_file import load_curriculum

FIXTURES = Path(__file__).parents[1] / "fixtures"
FIRST = load_curriculum(FIXTURES / "roadmap_first_half.json")
WHOLE = load_curriculum(FIXTURES / "roadmap_whole.json")
CHANGE = compare(outline(FIRST), outline(WHOLE))


def test_new_stations_are_marked_whole_and_new_topics_each() -> None:
    news = News(CHANGE, WHOLE)
    assert news.stations == {"control", "motion-planning", "simulation"}
    assert news.topics == {"math": {"optimisation"}}
    assert news.marked("control") and news.station_is_new("control")
    assert not news.topic_is_new("control", "pid")  # the station carries the mark
    assert news.marked("math") and not news.station_is_new("math")
    assert news.topic_is_new("math", "optimisation")
    assert not news.marked("sensors")


def test_a_station_looked_at_loses_its_marks() -> None:
    news = News(CHANGE, WHOLE, looked=["math", "sensors", "gone"])
    assert news.looked == {"math"}  # only stations with something new are kept
    assert not news.marked("math") and not news.topic_is_new("math", "optimisation")
    assert sorted(news.unlooked()) == ["control", "motion-planning", "simulation"]


def test_a_topic_moved_to_a_station_that_was_there_marks_it() -> None:
    from metrotui.core.compare import Change, Entry, Moved

    math = WHOLE.station("math")
    topic = math.topics[0]
    moved = Moved(
        Entry("math", math.title, topic.id, topic.title),
        Entry("sensors", "Sensors", topic.id, topic.title),
    )
    news = News(Change("t", topics_moved=[moved]), WHOLE)
    assert news.marked("math") and not news.station_is_new("math")
    assert news.topic_is_new("math", topic.id)
    assert not news.marked("sensors")  # what it left needs no look


def test_the_panel_leads_to_stations_that_are_there() -> None:
    again = reopened(
        CHANGE, WHOLE, lambda key: key in {"linear-algebra", "calculus", "probability"}
    )
    sections = {s.heading: s.items for s in panel_sections(CHANGE, WHOLE, again)}
    added = sections["Added"]
    assert [(i.station, i.topic) for i in added] == [
        ("control", None),
        ("motion-planning", None),
        ("simulation", None),
        ("math", "optimisation"),
    ]
    removed = sections["Removed (marks on them are kept)"]
    assert all(item.station is None for item in removed)
    assert [
        i.station for i in sections["Finished before, now in progress (they gained topics)"]
    ] == ["math"]
    moved = sections["Moved"]
    assert [(i.station, i.topic) for i in moved] == [("control", "plotting")]


def test_a_huge_section_is_cut_with_a_count() -> None:
    from metrotui.core.compare import Change, Entry

    many = Change("t", topics_removed=[Entry("s", "S", f"t{i}", f"T{i}") for i in range(1000)])
    (section,) = panel_sections(many, WHOLE, [])
    assert len(section.items) == SECTION_ENTRIES + 1
    assert section.items[-1].text.startswith("… and 800 more")


def test_recent_is_thirty_days() -> None:
    now = datetime(2026, 12, 31, tzinfo=UTC)
    assert is_recent("2026-12-01T15:00:00.000Z", now)
    assert not is_recent("2026-11-01T15:00:00.000Z", now)
    assert not is_recent("", now)


def test_titles_are_shown_without_the_controls_they_hold() -> None:
    from metrotui.core.compare import Change, Entry

    hostile = "Evil\x1b]0;retitled\x07 \x1b[2JStation"
    change = Change("t", stations_removed=[Entry("gone", hostile)])
    (section,) = panel_sections(change, WHOLE, [])
    (item,) = section.items
    assert "\x1b" not in item.text and "\x07" not in item.text
    assert item.text.startswith("station Evil")
