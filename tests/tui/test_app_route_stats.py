"""The route planner (g) and the stats screen (s) in the app."""

from __future__ import annotations

from pathlib import Path

from metrotui.core.curriculum import Curriculum
from metrotui.storage.progress import ProgressStore
from metrotui.tui.app import MetroApp
from metrotui.tui.screens.stats_screen import StatsScreen
from tests.core.test_route_and_stats import ALIGNMENT_ROUTE
from tests.tui.test_app import screen_text


def make_app(genai: Curriculum, tmp_path: Path) -> MetroApp:
    return MetroApp(
        genai, tmp_path / "progress.json", ui_state_path=tmp_path / "ui.json", watch_interval=0
    )


def route_text(app: MetroApp) -> str | None:
    return app.detail.route_text


async def test_g_highlights_the_route_and_lists_its_stops(genai: Curriculum, tmp_path) -> None:
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        app.jump_to("alignment")
        await pilot.press("g")
        await pilot.pause()
        assert app.map.route == frozenset(ALIGNMENT_ROUTE)
        text = route_text(app)
        assert text is not None
        assert text.startswith("Route to 8 Alignment")
        assert " 1. " in text and "1 Math Basics  3 to go" in text
        assert "Constitutional AI" in text
        assert "Route" in [n.title for n in app._notifications]


async def test_g_again_or_escape_clears_the_route(genai: Curriculum, tmp_path) -> None:
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        app.jump_to("rag")
        await pilot.press("g")
        await pilot.pause()
        assert app.map.route is not None
        await pilot.press("g")
        await pilot.pause()
        assert app.map.route is None and route_text(app) is None
        await pilot.press("g", "escape")
        await pilot.pause()
        assert app.map.route is None and route_text(app) is None


async def test_route_shrinks_as_topics_are_ticked(genai: Curriculum, tmp_path) -> None:
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        app.jump_to("programming")
        await pilot.press("g")
        await pilot.pause()
        assert app.map.route == {"math-basics", "programming"}
        ProgressStore(tmp_path / "progress.json", genai.id).mark(
            genai.station("math-basics").topic_ids
        )
        app.check_external_changes()
        await pilot.pause()
        assert app.map.route == {"programming"}
        assert "Math Basics" not in (route_text(app) or "")


async def test_s_shows_the_stats_and_escape_closes_them(genai: Curriculum, tmp_path) -> None:
    ProgressStore(tmp_path / "progress.json", genai.id).mark(["linear-algebra"])
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        shown = screen_text(app)
        assert "1/67 topics" in shown and "Streak 1 day" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StatsScreen)
