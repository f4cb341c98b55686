"""Issue 10 in the app: motion keys that never mark, "known" as its own key, the
locked-station offer, the cursor after a filter or the links, links with no
browser, the theme kept between launches, and topic ids in the station pane."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pytest

from metrotui.core.curriculum import Curriculum
from metrotui.storage.progress import ProgressStore
from metrotui.tui.app import MetroApp
from metrotui.tui.screens.known_dialog import KnownDialog
from metrotui.tui.widgets.station_page import Zone
from tests.tui.test_app import WIDE, make_app, notes, screen_lines, screen_text, select_station


def on_disk(genai: Curriculum, tmp_path: Path):
    return ProgressStore(tmp_path / "progress.json", genai.id).load()


def know_stations(genai: Curriculum, tmp_path: Path, *station_ids: str) -> None:
    store = ProgressStore(tmp_path / "progress.json", genai.id)
    for station_id in station_ids:
        store.mark_known(list(genai.station(station_id).topic_ids))


# 21: j and k move in the lists; K is "known" everywhere ------------------------------


async def test_j_and_k_move_in_the_checklist_and_mark_nothing(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "j", "j")
        await pilot.pause()
        assert app.detail.cursor_topic == genai.station("math-basics").topics[2]
        await pilot.press("k")
        await pilot.pause()
        assert app.detail.cursor_topic == genai.station("math-basics").topics[1]
        assert not (tmp_path / "progress.json").exists()


async def test_j_and_k_move_in_the_links(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "tab", "j", "j", "k")
        await pilot.pause()
        assert app.detail.has_focus and app.detail.zone is Zone.LINKS
        assert app.detail.cursor_url == genai.station("math-basics").references[1].url


async def test_shift_k_toggles_known_in_the_checklist(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "K")
        await pilot.pause()
        await app.controller.settled()
        assert set(on_disk(genai, tmp_path).known) == {"linear-algebra"}
        await pilot.press("K")
        await pilot.pause()
        await app.controller.settled()
        assert on_disk(genai, tmp_path).known == {}


async def test_shift_k_toggles_known_on_the_map(genai, tmp_path):
    app = make_app(genai, tmp_path)
    topics = set(genai.station("math-basics").topic_ids)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("K")
        await pilot.pause()
        await app.controller.settled()
        assert set(on_disk(genai, tmp_path).known) == topics
        await pilot.press("K")
        await pilot.pause()
        await app.controller.settled()
        assert on_disk(genai, tmp_path).known == {}
        assert app.tracker.state("programming").value == "locked"


async def test_shift_k_on_a_locked_station_asks_first(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await select_station(pilot, "programming")
        await pilot.press("K")
        await pilot.pause()
        assert isinstance(app.screen, KnownDialog)
        assert not (tmp_path / "progress.json").exists()
        await pilot.press("y")
        await pilot.pause()
        await app.controller.settled()
        known = set(on_disk(genai, tmp_path).known)
        assert known == set(genai.station("math-basics").topic_ids) | set(
            genai.station("programming").topic_ids
        )


async def test_shift_k_on_a_locked_topic_asks_first_and_no_declines(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        app.jump_to("programming", "python-basics")
        await pilot.press("K")
        await pilot.pause()
        assert isinstance(app.screen, KnownDialog)
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, KnownDialog)
        assert not (tmp_path / "progress.json").exists()


# 22: the offer starts on the safe answer -------------------------------------------


async def test_enter_in_the_locked_offer_marks_nothing(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        app.jump_to("pre-training", "data-management")
        await pilot.press("space")
        await pilot.pause()
        assert isinstance(app.screen, KnownDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, KnownDialog)
        assert not (tmp_path / "progress.json").exists()


# 28: the cursor --------------------------------------------------------------------


async def test_a_filter_hiding_the_station_selects_the_nearest_one(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await select_station(pilot, "rag")
        await pilot.press("p")  # scientist: rag is hidden; the fork it came from is shown
        await pilot.pause()
        assert app.map.selected == "neural-nets-llms"
        assert app.detail.station is not None and app.detail.station.id == "neural-nets-llms"


async def test_a_remembered_station_hidden_by_path_opens_on_the_nearest(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await select_station(pilot, "emerging-trends")
    again = make_app(genai, tmp_path, path="engineer")
    async with again.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert again.map.selected == "neural-nets-llms"


async def test_escape_from_the_links_scrolls_the_pane_back_to_the_title(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(110, 16)) as pilot:
        await select_station(pilot, "alignment")
        await pilot.press("tab", "tab", "end")
        await pilot.pause()
        assert app.detail.scroll_y > 0
        await pilot.press("escape")
        await pilot.pause()
        assert app.map.has_focus
        assert app.detail.scroll_y == 0
        assert "8 Alignment" in screen_text(app)


async def test_o_jumps_to_the_next_open_station(genai, tmp_path):
    know_stations(genai, tmp_path, "math-basics", "programming", "neural-nets-llms")
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert app.map.selected == "llm-foundations"
        await pilot.press("o")
        await pilot.pause()
        assert app.map.selected == "consuming-llms"
        await pilot.press("o")  # round again to the first
        await pilot.pause()
        assert app.map.selected == "llm-foundations"
        assert app.detail.station is not None and app.detail.station.id == "llm-foundations"


# 26: a link with nowhere to open ---------------------------------------------------


@pytest.fixture
def failing_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """A BROWSER that exits with failure, as on a machine with no browser set up."""
    monkeypatch.setenv("BROWSER", "false")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    # webbrowser reads BROWSER once: make it look again.
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})


async def test_a_link_no_browser_opens_is_copied_and_said(genai, tmp_path, failing_browser):
    app = make_app(genai, tmp_path)
    url = genai.station("math-basics").references[0].url
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "tab", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        warnings = [message for message, severity in notes(app) if severity == "warning"]
        assert any("No browser could open" in m and url in m for m in warnings), notes(app)
        assert app.clipboard == url


async def test_c_copies_the_highlighted_link(genai, tmp_path):
    app = make_app(genai, tmp_path)
    url = genai.station("math-basics").references[1].url
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "tab", "down", "c")
        await pilot.pause()
        assert app.clipboard == url
        assert any(url in message for message, _ in notes(app))


# 25: the theme -------------------------------------------------------------------------


async def test_the_chosen_theme_is_kept_on_relaunch(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        assert app.theme != "nord"
        app.theme = "nord"  # as the palette's "Change theme" does
        await pilot.press("q")
    again = make_app(genai, tmp_path)
    async with again.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert again.theme == "nord"
        nord = again.available_themes["nord"]
        assert again.screen.styles.background.hex.lower() == nord.background.lower()


async def test_an_unknown_remembered_theme_is_ignored(genai, tmp_path):
    (tmp_path / "ui.json").write_text('{"theme": "no-such-theme"}', encoding="utf-8")
    app = make_app(genai, tmp_path)
    default = MetroApp(genai, tmp_path / "other.json", ui_state_path=tmp_path / "x.json").theme
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert app.theme == default


# 20: ids in the pane ------------------------------------------------------------------


async def test_the_station_pane_shows_each_topic_id_dimmed(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        for topic_id in genai.station("math-basics").topic_ids:
            assert any(topic_id in line for line in lines), topic_id
        segments = [
            segment for strip in app.screen._compositor.render_strips() for segment in strip
        ]
        ids = [s for s in segments if s.text.strip() == "linear-algebra"]
        titles = [s for s in segments if s.text == "Linear Algebra"]
        assert ids and titles
        # Dimmed: drawn in a fainter colour than the title beside it.
        assert all(
            s.style and titles[0].style and s.style.color != titles[0].style.color for s in ids
        )


def shown_start(title: str, app: MetroApp) -> bool:
    """Whether a title's first words are on screen (a long one wraps)."""
    return " ".join(title.split()[:2]) in screen_text(app)


async def test_the_highlighted_topic_and_link_stay_on_a_short_screen(genai, tmp_path):
    station = genai.station("optimization")
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(110, 12)) as pilot:
        await select_station(pilot, "optimization")
        await pilot.press("tab")
        for index, topic in enumerate(station.topics):
            if index:
                await pilot.press("down")
            await pilot.pause()
            assert shown_start(topic.title, app), topic.title
        await pilot.press("tab")
        for index, reference in enumerate(station.references):
            if index:
                await pilot.press("down")
            await pilot.pause()
            assert shown_start(reference.title, app), reference.title
