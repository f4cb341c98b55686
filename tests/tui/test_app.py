"""Pilot tests for the map app: what a learner sees and does, key by key.

Every app gets its own progress file and UI-state file under ``tmp_path``; the
autouse fixture in conftest points XDG_CONFIG_HOME at a temp folder as well.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.command import CommandInput, CommandList, CommandPalette
from textual.pilot import Pilot

from metrotui.core.curriculum import Curriculum
from metrotui.core.glyphs import TOPIC_DONE, TOPIC_KNOWN, TOPIC_OPEN
from metrotui.core.tracker import path_members
from metrotui.storage.progress import ProgressStore
from metrotui.tui.app import MetroApp
from metrotui.tui.screens.help_screen import HelpScreen
from metrotui.tui.widgets import station_page
from metrotui.tui.widgets.metro_map import MetroMap
from metrotui.tui.widgets.station_detail import StationDetail
from metrotui.tui.widgets.station_page import Zone
from tests.helpers import curriculum_raw, make_curriculum, station

WIDE = (140, 40)
NARROW = (80, 24)
TINY = (40, 12)
TOTAL_TOPICS = 67


# Helpers ---------------------------------------------------------------------


def make_app(
    curriculum: Curriculum, tmp_path: Path, *, watch_interval: float = 0, **kwargs: Any
) -> MetroApp:
    return MetroApp(
        curriculum,
        tmp_path / "progress.json",
        ui_state_path=tmp_path / "ui.json",
        watch_interval=watch_interval,
        **kwargs,
    )


def done_on_disk(tmp_path: Path) -> dict[str, str]:
    """The topic ids (and times) the progress file records as done."""
    path = tmp_path / "progress.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))["done"]


def notes(app: MetroApp) -> list[tuple[str, str]]:
    return [(note.message, note.severity) for note in app._notifications]


def screen_lines(app: MetroApp) -> list[str]:
    """The screen as plain text rows, as a terminal would show it."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


def screen_text(app: MetroApp) -> str:
    return "\n".join(screen_lines(app))


def palette_text(app: MetroApp) -> str:
    """The rows of the open command palette, from its search box to its bottom edge."""
    lines = screen_lines(app)
    start = next(i for i, line in enumerate(lines) if "🔎" in line)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("▁▁▁"))
    return "\n".join(lines[start:end])


def find_on_screen(app: MetroApp, text: str) -> tuple[int, int]:
    """Screen cell where ``text`` starts; fails the test if it is not shown."""
    for y, line in enumerate(screen_lines(app)):
        x = line.find(text)
        if x >= 0:
            return x, y
    raise AssertionError(f"{text!r} is not on screen:\n{screen_text(app)}")


def map_offset(app: MetroApp, station_id: str) -> tuple[int, int]:
    """Where a station's label is inside the map widget, allowing for scrolling."""
    place = app.map.layout_.place(station_id)
    return place.x + 4 - int(app.map.scroll_x), place.y - int(app.map.scroll_y)


async def select_with_keys(pilot: Pilot, station_id: str) -> None:
    """Walk the map with the keyboard (home, then down) until the station is selected."""
    app: MetroApp = pilot.app  # type: ignore[assignment]
    await pilot.press("home")
    for _ in range(len(app.map.layout_.order)):
        if app.map.selected == station_id:
            break
        await pilot.press("down")
    await pilot.pause()
    assert app.map.selected == station_id


async def select_station(pilot: Pilot, station_id: str) -> None:
    """Select a station the quick way, for tests about something else."""
    app: MetroApp = pilot.app  # type: ignore[assignment]
    app.map.select(station_id)
    await pilot.pause()
    assert app.detail.station is not None and app.detail.station.id == station_id


def topic_count(curriculum: Curriculum, path: str) -> int:
    members = path_members(curriculum, path)
    return sum(len(s.topics) for s in curriculum.stations if members is None or s.id in members)


# Launch and moving -----------------------------------------------------------


async def test_launch_selects_math_basics_with_empty_progress(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert app.map.selected == "math-basics"
        assert app.map.has_focus
        assert app.detail.station is not None and app.detail.station.id == "math-basics"
        assert app.sub_title == f"0/{TOTAL_TOPICS} topics · 0% · All paths"
        text = screen_text(app)
        assert "1 Math Basics" in text
        assert "GenAI Learning Metromap" in text
        # At 140x40 the whole map fits: the last station of each line is on screen.
        assert "11 Emerging Trends" in text
        assert "18 Securing LLMs" in text
    assert not done_on_disk(tmp_path)


async def test_up_down_j_k_home_end_move_in_map_order(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        seen = []
        for key in ["down", "j", "up", "k", "end", "home"]:
            await pilot.press(key)
            await pilot.pause()
            seen.append(app.map.selected)
            assert app.detail.station is not None
            assert app.detail.station.id == app.map.selected  # the detail follows
        assert seen == [
            "programming",
            "neural-nets-llms",
            "programming",
            "math-basics",
            app.map.layout_.order[-1],
            "math-basics",
        ]
        assert app.map.layout_.order[-1] != "math-basics"
        # Up on the first station stays put.
        await pilot.press("up")
        assert app.map.selected == "math-basics"


async def test_left_right_move_between_lanes(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await select_with_keys(pilot, "llm-foundations")
        await pilot.press("right")
        await pilot.pause()
        assert app.map.selected == "consuming-llms"
        assert "12 Consuming LLMs" in app.detail.page_text()
        await pilot.press("right")  # no lane further right
        assert app.map.selected == "consuming-llms"
        await pilot.press("left")
        assert app.map.selected == "llm-foundations"
        await pilot.press("l", "j")
        assert app.map.selected == "vector-store"
        await pilot.press("h")
        assert app.map.selected == "pre-training"


async def test_mouse_click_selects_station(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.click(MetroMap, offset=map_offset(app, "vector-store"))
        await pilot.pause()
        assert app.map.selected == "vector-store"
        assert app.detail.station is not None and app.detail.station.id == "vector-store"
        await pilot.click(MetroMap, offset=map_offset(app, "alignment"))
        await pilot.pause()
        assert app.map.selected == "alignment"


async def test_click_selects_station_after_scrolling(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("end")  # scrolls the map down to the last station
        await pilot.pause()
        assert app.map.scroll_y > 0
        await pilot.click(MetroMap, offset=map_offset(app, "optimization"))
        await pilot.pause()
        assert app.map.selected == "optimization"


# Ticking -----------------------------------------------------------------------


async def test_tab_then_space_marks_linear_algebra(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab")
        await pilot.pause()
        assert app.detail.has_focus and app.detail.zone is Zone.TOPICS
        assert app.detail.cursor_topic == genai.station("math-basics").topics[0]
        await pilot.press("space")
        await pilot.pause()
        await app.controller.settled()
        assert "linear-algebra" in done_on_disk(tmp_path)
        assert app.sub_title.startswith(f"1/{TOTAL_TOPICS} topics · 1%")
        assert "1/3 topics" in app.detail.page_text()
        assert "in progress" in app.detail.page_text()
        # Ticking keeps you in the checklist, on the topic ticked.
        assert app.detail.has_focus and app.detail.zone is Zone.TOPICS
        assert app.detail.cursor_topic == genai.station("math-basics").topics[0]


async def test_keys_typed_faster_than_a_redraw_act_on_the_new_station(genai, tmp_path):
    """A real terminal delivers "j tab space" in one burst: the tick must land on
    the station j moved to, even before the selection message has been handled."""
    ProgressStore(tmp_path / "progress.json", genai.id).mark(genai.station("math-basics").topic_ids)
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        for key, char in (("j", "j"), ("tab", "\t"), ("space", " ")):
            event = events.Key(key, char)
            event.set_sender(app)
            app._driver.send_message(event)  # no waiting in between, like a burst
        await pilot.pause()
        await pilot.pause()
        await app.controller.settled()
        assert app.map.selected == "programming"
        assert set(done_on_disk(tmp_path)) == {
            *genai.station("math-basics").topic_ids,
            "python-basics",
        }


async def test_enter_opens_topics_and_enter_ticks(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        await app.controller.settled()
        assert set(done_on_disk(tmp_path)) == {"calculus"}


async def test_click_on_topic_ticks_that_topic(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        x, y = find_on_screen(app, "○ Probability and Statistics")
        await pilot.click(offset=(x, y))
        await pilot.pause()
        await app.controller.settled()
        assert set(done_on_disk(tmp_path)) == {"probability-and-statistics"}
        assert app.detail.cursor_topic == genai.station("math-basics").topics[2]
        x, y = find_on_screen(app, "○ Calculus")
        await pilot.click(offset=(x, y))
        await pilot.pause()
        await app.controller.settled()
        assert set(done_on_disk(tmp_path)) == {"probability-and-statistics", "calculus"}


async def test_space_again_unticks(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "space")
        await pilot.pause()
        await app.controller.settled()
        assert "linear-algebra" in done_on_disk(tmp_path)
        await pilot.press("space")
        await pilot.pause()
        await app.controller.settled()
        assert "linear-algebra" not in done_on_disk(tmp_path)
        assert app.sub_title.startswith(f"0/{TOTAL_TOPICS} topics · 0%")
        assert not app.tracker.is_done("linear-algebra")


async def test_checklist_marks_follow_ticks_known_and_undo(genai, tmp_path, monkeypatch):
    """Each entry is redrawn as its topic changes; a tick builds only its own entry."""
    built: list[str] = []
    build = station_page._topic_entry

    def counting(topic, *rest):
        built.append(topic.id)
        return build(topic, *rest)

    monkeypatch.setattr(station_page, "_topic_entry", counting)

    def marks(app: MetroApp) -> list[str]:
        return [entry[0] for entry in app.detail.entries(Zone.TOPICS)]

    def entry(app: MetroApp, index: int) -> str:
        return app.detail.entries(Zone.TOPICS)[index]

    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        assert marks(app) == [TOPIC_OPEN, TOPIC_OPEN, TOPIC_OPEN]
        built.clear()
        await pilot.press("tab", "space")
        await pilot.pause()
        assert marks(app) == [TOPIC_DONE, TOPIC_OPEN, TOPIC_OPEN]
        assert built == ["linear-algebra"]
        await pilot.press("down", "K")
        await pilot.pause()
        assert marks(app) == [TOPIC_DONE, TOPIC_KNOWN, TOPIC_OPEN]
        assert "known" in entry(app, 1)
        await pilot.press("up", "space")
        await pilot.pause()
        assert marks(app) == [TOPIC_OPEN, TOPIC_KNOWN, TOPIC_OPEN]
        await pilot.press("u")  # the untick
        await pilot.pause()
        assert marks(app) == [TOPIC_DONE, TOPIC_KNOWN, TOPIC_OPEN]
        await pilot.press("u")  # the known mark
        await pilot.pause()
        assert marks(app) == [TOPIC_DONE, TOPIC_OPEN, TOPIC_OPEN]
        assert "known" not in entry(app, 1)


@pytest.mark.parametrize("size", [WIDE, NARROW])
async def test_locked_station_refuses_a_tick_and_names_what_is_missing(genai, tmp_path, size):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=size, notifications=True) as pilot:
        await select_with_keys(pilot, "programming")
        await pilot.press("tab", "space")
        await pilot.pause()
        warnings = [message for message, severity in notes(app) if severity == "warning"]
        assert len(warnings) == 1
        assert "locked" in warnings[0]
        assert "Math Basics" in warnings[0]
        assert not (tmp_path / "progress.json").exists()
        assert not app.tracker.done
        # The learner can actually read why: the message is on screen.
        await pilot.pause(0.2)
        text = " ".join(screen_text(app).split())
        assert "Programming is locked" in text
        assert "Math Basics" in text


async def test_locked_message_lists_only_unfinished_prerequisites(tmp_path):
    raw = curriculum_raw(
        ["trunk", "side"],
        [
            station("a", "trunk", 1, topics=1),
            station("b", "side", 2, topics=1),
            station("c", "trunk", 3, ["a", "b"], topics=1),
        ],
    )
    app = make_app(make_curriculum(raw), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "space", "escape")  # finish a
        await select_with_keys(pilot, "c")
        await pilot.press("tab", "space")
        await pilot.pause()
        warning = [m for m, severity in notes(app) if severity == "warning"][-1]
        assert "2 B" in warning
        assert "1 A" not in warning
        assert set(done_on_disk(tmp_path)) == {"a-t1"}


async def test_finishing_a_station_announces_what_it_unlocks(genai, tmp_path):
    ProgressStore(tmp_path / "progress.json", genai.id).mark(["linear-algebra", "calculus"])
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "end", "space")  # the last topic of Math Basics
        await pilot.pause()
        assert notes(app) == [("Unlocked: Programming", "information")]
        assert app.tracker.state("programming") == "available"
        await pilot.press("space")  # untick: Programming locks again, nothing announced
        await pilot.press("space")  # and finishing it again announces it again
        await pilot.pause()
        assert [m for m, _ in notes(app)].count("Unlocked: Programming") == 2


async def test_finishing_stations_1_to_3_unlocks_both_lines(genai, tmp_path):
    trunk = [s for s in genai.stations if s.id in ("math-basics", "programming")]
    ready = [t.id for s in trunk for t in s.topics]
    ready += [t.id for t in genai.station("neural-nets-llms").topics[:-1]]
    ProgressStore(tmp_path / "progress.json", genai.id).mark(ready)
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await select_with_keys(pilot, "neural-nets-llms")
        await pilot.press("tab", "end", "space")
        await pilot.pause()
        await app.controller.settled()
        assert notes(app) == [("Unlocked: LLM/SLM Foundations, Consuming LLMs", "information")]
        assert len(done_on_disk(tmp_path)) == 3 + 4 + 4
        assert app.sub_title.startswith(f"11/{TOTAL_TOPICS} topics · 16%")
        # The newly opened stations can now be ticked.
        await pilot.press("escape", "down", "right", "tab", "space")
        await pilot.pause()
        await app.controller.settled()
        assert app.map.selected == "consuming-llms"
        assert "llm-apis" in done_on_disk(tmp_path)


async def test_ticking_a_topic_of_an_unfinished_station_announces_nothing(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "space")
        await pilot.pause()
        assert not [m for m, _ in notes(app) if m.startswith("Unlocked")]


# Undo ----------------------------------------------------------------------------


async def test_u_undoes_the_last_tick(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "space", "down", "space")
        await pilot.pause()
        await app.controller.settled()
        assert set(done_on_disk(tmp_path)) == {"linear-algebra", "calculus"}
        await pilot.press("u")
        await pilot.pause()
        await app.controller.settled()
        assert set(done_on_disk(tmp_path)) == {"linear-algebra"}
        assert app.sub_title.startswith(f"1/{TOTAL_TOPICS}")
        await pilot.press("u")
        await pilot.pause()
        await app.controller.settled()
        assert done_on_disk(tmp_path) == {}
        await pilot.press("u")
        await pilot.pause()
        await app.controller.settled()
        assert "Nothing to undo." in [m for m, _ in notes(app)]
        assert done_on_disk(tmp_path) == {}


async def test_u_after_untick_restores_the_original_time(genai, tmp_path):
    stamp = "2024-01-02T03:04:05.000Z"
    ProgressStore(tmp_path / "progress.json", genai.id).mark(["linear-algebra"], when=stamp)
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "space")
        await pilot.pause()
        await app.controller.settled()
        assert "linear-algebra" not in done_on_disk(tmp_path)
        await pilot.press("u")
        await pilot.pause()
        await app.controller.settled()
        assert done_on_disk(tmp_path) == {"linear-algebra": stamp}
        assert app.tracker.is_done("linear-algebra")


async def test_u_works_from_the_map(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "space", "escape")
        await pilot.pause()
        assert app.map.has_focus
        await pilot.press("u")
        await pilot.pause()
        await app.controller.settled()
        assert done_on_disk(tmp_path) == {}


# Path filter -----------------------------------------------------------------------


async def test_p_cycles_all_scientist_engineer_foundational_all(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        assert len(app.map.layout_.places) == len(genai.stations)
        await pilot.press("p")
        await pilot.pause()
        places = app.map.layout_.places
        assert app.path == "scientist"
        assert "consuming-llms" not in places
        assert "pre-training" in places
        assert "math-basics" in places  # the trunk a scientist needs
        assert "Scientist" in app.sub_title
        assert "12 Consuming LLMs" not in screen_text(app)
        assert "5 Pre-Training" in screen_text(app)

        await pilot.press("p")
        await pilot.pause()
        places = app.map.layout_.places
        assert app.path == "engineer"
        assert "consuming-llms" in places
        assert "pre-training" not in places
        assert "Engineer" in app.sub_title
        assert "5 Pre-Training" not in screen_text(app)

        await pilot.press("p")  # the first line comes last, but it comes
        await pilot.pause()
        assert app.path == "foundational"
        assert set(app.map.layout_.places) == {"math-basics", "programming", "neural-nets-llms"}
        assert "Foundational" in app.sub_title
        assert "12 Consuming LLMs" not in screen_text(app)
        assert "3 Neural Nets & LLMs" in screen_text(app)

        await pilot.press("p")
        await pilot.pause()
        assert app.path == "all"
        assert set(app.map.layout_.places) == {s.id for s in genai.stations}
        assert app.sub_title.endswith("All paths")


async def test_header_counts_follow_the_filter(genai, tmp_path):
    app = make_app(genai, tmp_path)
    scientist = topic_count(genai, "scientist")
    engineer = topic_count(genai, "engineer")
    assert scientist != engineer != TOTAL_TOPICS
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "space", "escape", "p")
        await pilot.pause()
        assert app.sub_title.startswith(f"1/{scientist} topics · {100 // scientist}% ·")
        await pilot.press("p")
        await pilot.pause()
        assert app.sub_title.startswith(f"1/{engineer} topics ·")
        await pilot.press("p")
        await pilot.pause()
        assert app.sub_title.startswith(f"1/{topic_count(genai, 'foundational')} topics ·")
        await pilot.press("p")
        await pilot.pause()
        assert app.sub_title.startswith(f"1/{TOTAL_TOPICS} topics ·")


async def test_filter_moves_the_selection_off_a_hidden_station(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await select_station(pilot, "rag")
        await pilot.press("p")  # scientist: rag leaves the map
        await pilot.pause()
        assert app.map.selected in app.map.layout_.places
        assert app.detail.station is not None
        assert app.detail.station.id == app.map.selected
        await select_station(pilot, "math-basics")
        await pilot.press("p")  # engineer: the trunk stays, and so does the selection
        await pilot.pause()
        assert app.map.selected == "math-basics"


async def test_path_engineer_at_launch(genai, tmp_path):
    app = make_app(genai, tmp_path, path="engineer")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        places = app.map.layout_.places
        assert "consuming-llms" in places
        assert "pre-training" not in places
        assert "Engineer" in app.sub_title
        assert app.sub_title.startswith(f"0/{topic_count(genai, 'engineer')} topics")
        await pilot.press("p")  # engineer is the last line: p goes on to the first
        await pilot.pause()
        assert app.path == "foundational"
        await pilot.press("p")  # and then back to all
        await pilot.pause()
        assert app.path == "all"


async def test_unknown_remembered_path_falls_back_to_all(genai, tmp_path):
    (tmp_path / "ui.json").write_text(json.dumps({"path": "nope", "selected": "nope"}))
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert app.path == "all"
        assert app.map.selected == "math-basics"


# Persistence ---------------------------------------------------------------------


async def test_filter_and_selection_persist_across_restart(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("p")
        await select_station(pilot, "pre-training")
        await pilot.press("q")
    again = make_app(genai, tmp_path)
    async with again.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert again.path == "scientist"
        assert again.map.selected == "pre-training"
        assert again.detail.station is not None and again.detail.station.id == "pre-training"
        assert "consuming-llms" not in again.map.layout_.places
        assert "Scientist" in again.sub_title


async def test_path_option_overrides_the_remembered_filter(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("p")
        await pilot.pause()
    again = make_app(genai, tmp_path, path="engineer")
    async with again.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert again.path == "engineer"
        assert "pre-training" not in again.map.layout_.places


async def test_progress_persists_across_restart(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "space")
        await pilot.press("q")
    again = make_app(genai, tmp_path)
    async with again.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert again.tracker.is_done("linear-algebra")
        assert again.sub_title.startswith(f"1/{TOTAL_TOPICS} topics · 1%")
        assert "1/3 topics" in again.detail.page_text()


# Changes from elsewhere ------------------------------------------------------------


async def test_external_mark_is_picked_up_and_own_marks_are_kept(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "space")
        await pilot.pause()
        ProgressStore(tmp_path / "progress.json", genai.id).mark(["calculus"])
        app.check_external_changes()
        await pilot.pause()
        assert app.tracker.is_done("calculus")
        assert app.tracker.is_done("linear-algebra")
        assert app.sub_title.startswith(f"2/{TOTAL_TOPICS} topics")
        assert "2/3 topics" in app.detail.page_text()
        # The app's next tick keeps the external mark too.
        await pilot.press("down", "down", "space")
        await pilot.pause()
        await app.controller.settled()
        assert set(done_on_disk(tmp_path)) == {
            "linear-algebra",
            "calculus",
            "probability-and-statistics",
        }
        assert "Unlocked: Programming" in [m for m, _ in notes(app)]


async def test_external_untick_is_picked_up(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "space")
        await pilot.pause()
        ProgressStore(tmp_path / "progress.json", genai.id).unmark(["linear-algebra"])
        app.check_external_changes()
        await pilot.pause()
        assert not app.tracker.is_done("linear-algebra")
        assert app.sub_title.startswith(f"0/{TOTAL_TOPICS} topics")


async def test_cli_done_in_another_process_is_picked_up(genai, tmp_path):
    progress = tmp_path / "progress.json"
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "space")
        await pilot.pause()
        result = subprocess.run(
            [sys.executable, "-m", "metrotui", "--progress", str(progress), "done", "calculus"],
            capture_output=True,
            text=True,
            env=os.environ.copy(),
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        app.check_external_changes()
        await pilot.pause()
        assert app.tracker.is_done("calculus")
        assert app.tracker.is_done("linear-algebra")
        assert app.sub_title.startswith(f"2/{TOTAL_TOPICS}")


async def test_watcher_shows_external_change_within_two_seconds(genai, tmp_path):
    app = make_app(genai, tmp_path, watch_interval=0.2)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        ProgressStore(tmp_path / "progress.json", genai.id).mark(["linear-algebra"])
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline and not app.tracker.is_done("linear-algebra"):
            await pilot.pause(0.1)
        assert app.tracker.is_done("linear-algebra")
        assert app.sub_title.startswith(f"1/{TOTAL_TOPICS}")


async def test_damaged_progress_file_is_set_aside_with_a_warning(genai, tmp_path):
    # Cut short, as a crash on some file systems leaves it: recognisably ours.
    (tmp_path / "progress.json").write_text('{\n  "schema_version": 1,\n  "curriculum": "gen')
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        warnings = [m for m, severity in notes(app) if severity == "warning"]
        assert any("damaged" in m for m in warnings)
        await pilot.press("tab", "space")
        await pilot.pause()
        await app.controller.settled()
        assert set(done_on_disk(tmp_path)) == {"linear-algebra"}
    assert list(tmp_path.glob("progress.json.damaged-*"))


# Search and help ---------------------------------------------------------------------


async def search_for(pilot: Pilot, query: str, *, type_it: bool = False) -> None:
    """Open the command palette, enter a query and wait for its hits."""
    app: MetroApp = pilot.app  # type: ignore[assignment]
    await pilot.press("ctrl+p")
    assert isinstance(app.screen, CommandPalette)
    if type_it:
        await pilot.press(*query)
    else:  # the same Input.Changed path, without a round trip per key
        app.screen.query_one(CommandInput).value = query
    hits = app.screen.query_one(CommandList)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and not hits.option_count:
        await pilot.pause(0.05)
    await pilot.pause(0.1)  # let the last batch of hits arrive and sort
    assert hits.option_count, f"no hits for {query!r}"


async def test_command_palette_jumps_to_a_topic(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await search_for(pilot, "LoRA", type_it=True)
        await pilot.press("enter")
        await pilot.pause()
        assert app.map.selected == "supervised-fine-tuning"
        assert app.detail.has_focus and app.detail.zone is Zone.TOPICS
        assert app.detail.cursor_topic is not None
        assert app.detail.cursor_topic.id == "lora-qlora"
        # Space now ticks the found topic (the station is still locked, so it says so).
        await pilot.press("space")
        await pilot.pause()
        assert any("Supervised Fine-Tuning is locked" in m for m, _ in notes(app))


async def test_command_palette_leaves_a_filter_that_hides_the_result(genai, tmp_path):
    app = make_app(genai, tmp_path, path="engineer")
    async with app.run_test(size=WIDE) as pilot:
        await search_for(pilot, "LoRA")
        await pilot.press("enter")
        await pilot.pause()
        assert app.path == "all"
        assert app.map.selected == "supervised-fine-tuning"
        assert "supervised-fine-tuning" in app.map.layout_.places


async def test_command_palette_jumps_to_a_station(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await search_for(pilot, "Vector St")
        await pilot.press("enter")
        await pilot.pause()
        assert app.map.selected == "vector-store"
        assert app.map.has_focus


async def test_command_palette_jumps_to_a_reference(genai, tmp_path, monkeypatch):
    app = make_app(genai, tmp_path)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **kwargs: opened.append(url))
    reference = next(
        r for r in genai.station("neural-nets-llms").references if "Spelled-out" in r.title
    )
    async with app.run_test(size=WIDE) as pilot:
        await search_for(pilot, "Spelled-out Intro")
        await pilot.press("enter")
        await pilot.pause()
        assert app.map.selected == "neural-nets-llms"
        assert app.detail.has_focus and app.detail.zone is Zone.LINKS
        assert app.detail.cursor_url == reference.url
        await pilot.press("enter")
        await pilot.pause()
        assert opened == [reference.url]


async def test_question_mark_shows_help_and_escape_closes_it(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "undo the last tick" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        assert app.map.has_focus
        await pilot.press("down")
        assert app.map.selected == "programming"


async def test_q_quits(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0
        assert not app.is_running


# First-launch hint ---------------------------------------------------------------------


async def test_first_launch_hint_goes_after_the_first_tick_for_good(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        hint = app.query_one("#hint")
        assert hint.display
        assert "space" in screen_text(app) and "New here?" in screen_text(app)
        await pilot.press("tab", "space")
        await pilot.pause()
        assert not hint.display
        assert "New here?" not in screen_text(app)
        await pilot.press("space")  # untick: progress is empty again
        await pilot.pause()
        await app.controller.settled()
        assert done_on_disk(tmp_path) == {}
        assert not hint.display
    again = make_app(genai, tmp_path)
    async with again.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert not again.query_one("#hint").display


async def test_no_hint_when_there_is_progress_already(genai, tmp_path):
    ProgressStore(tmp_path / "progress.json", genai.id).mark(["linear-algebra"])
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert not app.query_one("#hint").display


# Small terminals -----------------------------------------------------------------------


async def test_narrow_tab_shows_detail_and_escape_brings_the_map_back(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-narrow")
        assert app.map.display and not app.detail.display
        await pilot.press("tab")
        await pilot.pause()
        assert app.screen.has_class("-show-detail")
        assert app.detail.display and not app.map.display
        assert "Linear Algebra" in screen_text(app)
        await pilot.press("space")
        await pilot.pause()
        await app.controller.settled()
        assert "linear-algebra" in done_on_disk(tmp_path)
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.has_class("-show-detail")
        assert app.map.display and not app.detail.display
        assert app.map.has_focus
        assert "1 Math Basics" in screen_text(app)


async def test_narrow_highlighted_topic_stays_on_screen(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        await select_station(pilot, "optimization")
        await pilot.press("tab")
        last = genai.station("optimization").topics[-1]
        for _ in range(len(genai.station("optimization").topics) - 1):
            await pilot.press("down")
        await pilot.pause()
        assert app.detail.cursor_topic == last
        assert last.title in screen_text(app)
        await pilot.press("space")  # locked: the offer to mark what comes before as known
        await pilot.pause()
        await pilot.press("n")  # not yet; the learner is back at the topic they tried
        await pilot.pause()
        assert last.title in screen_text(app)


async def test_narrow_search_result_topic_is_on_screen(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        await search_for(pilot, "Distil")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert app.map.selected == "optimization"
        assert app.detail.cursor_topic is not None
        assert app.detail.cursor_topic.id == "distillation"
        assert "Distillation" in screen_text(app)


async def test_tiny_terminal_still_runs_and_responds(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=TINY) as pilot:
        await pilot.pause()
        await pilot.press("down", "up", "end", "home")
        await pilot.pause()
        assert app.map.selected == "math-basics"
        await pilot.press("tab", "space")
        await pilot.pause()
        await app.controller.settled()
        assert "linear-algebra" in done_on_disk(tmp_path)
        await pilot.press("escape", "p", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "right")
        await pilot.pause()
        assert app.path == "scientist"
        assert screen_text(app).strip()


# References ------------------------------------------------------------------------------


async def test_enter_on_a_reference_opens_it(genai, tmp_path, monkeypatch):
    app = make_app(genai, tmp_path)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **kwargs: opened.append(url))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "tab")
        await pilot.pause()
        assert app.detail.has_focus and app.detail.zone is Zone.LINKS
        assert app.detail.cursor_url == genai.station("math-basics").references[0].url
        await pilot.press("down", "enter")
        await pilot.pause()
        await app.controller.settled()
        assert opened == [genai.station("math-basics").references[1].url]
        assert not done_on_disk(tmp_path)


async def test_only_http_links_are_opened(genai, tmp_path, monkeypatch):
    app = make_app(genai, tmp_path)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **kwargs: opened.append(url))
    async with app.run_test(size=WIDE) as pilot:
        # The loader refuses such URLs; this checks the app's own guard as well.
        for url in ("file:///etc/passwd", "javascript:alert(1)"):
            app.detail.post_message(StationDetail.LinkOpened(url))
        await pilot.pause()
        assert opened == []
        warnings = [m for m, severity in notes(app) if severity == "warning"]
        assert len(warnings) == 2
        app.detail.post_message(StationDetail.LinkOpened("HTTPS://example.com/x"))
        await pilot.pause()
        assert opened == ["HTTPS://example.com/x"]


async def test_tab_from_references_returns_to_the_map(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "tab", "shift+tab")
        await pilot.pause()
        assert app.detail.has_focus and app.detail.zone is Zone.TOPICS
        await pilot.press("tab", "tab")
        await pilot.pause()
        assert app.map.has_focus


async def test_a_signal_ends_an_app_that_never_gets_round_to_quitting(
    genai, tmp_path, monkeypatch
) -> None:
    # A wedged app (its exit never happens) must not outlive the signal that ends it:
    # under `metrotui serve` that would leave a process running for ever.
    import metrotui.tui.app as app_module

    ended: list[int] = []
    monkeypatch.setattr(app_module, "SIGNAL_GRACE_SECONDS", 0.05)
    monkeypatch.setattr(app_module.os, "_exit", ended.append)
    app = make_app(genai, tmp_path)
    async with app.run_test() as pilot:
        monkeypatch.setattr(app, "exit", lambda **_: None)  # wedged: asked, it never goes
        app._quit_on_signal(143)
        deadline = time.monotonic() + 5
        while not ended and time.monotonic() < deadline:
            await pilot.pause(0.02)
    assert ended == [143]
