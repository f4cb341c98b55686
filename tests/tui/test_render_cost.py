"""The station pane draws what Textual's styles would draw, and a move costs little.

The pane puts its own edge and padding around its lines and keeps the result,
so that a station seen a moment ago is shown with the very lines drawn then
(Textual's caches on them warm). These tests hold it to Textual's drawing of
the same styles, in every state the pane is drawn in, and count the work of a
move's frame.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from metrotui.core.curriculum import Curriculum
from metrotui.tui.app import MetroApp
from tests.tui.test_app import WIDE, make_app

NARROW = (80, 30)


def as_textual_draws(app: MetroApp) -> list[list[Any]]:
    """The pane's lines through Textual's own styles (its CSS edge and padding)."""
    detail = app.detail
    region = Region(0, 0, detail.region.width, detail.region.height)
    return [list(strip) for strip in Widget.render_lines(detail, region)]


def as_drawn(app: MetroApp, crop: Region | None = None) -> list[list[Any]]:
    detail = app.detail
    region = crop or Region(0, 0, detail.region.width, detail.region.height)
    return [list(strip) for strip in detail.render_lines(region)]


async def test_the_pane_draws_as_its_styles_say(genai: Curriculum, tmp_path: Path) -> None:
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert as_drawn(app) == as_textual_draws(app)  # blurred, the map focused
        await pilot.press("j", "j", "tab", "j")  # focused: tinted, a cursor in the topics
        await pilot.pause()
        assert app.detail.has_focus
        assert as_drawn(app) == as_textual_draws(app)
        await pilot.press("pagedown")  # scrolled
        await pilot.pause()
        assert as_drawn(app) == as_textual_draws(app)
        app.theme = "textual-light"
        await pilot.pause()
        assert as_drawn(app) == as_textual_draws(app)


async def test_the_narrow_pane_has_no_edge_and_draws_as_its_styles_say(
    genai: Curriculum, tmp_path: Path
) -> None:
    app = make_app(genai, tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("tab")
        await pilot.pause()
        assert app.screen.has_class("-narrow") and app.detail.display
        drawn = as_drawn(app)
        assert drawn == as_textual_draws(app)
        assert not any("▏" in segment.text for line in drawn for segment in line)


async def test_a_crop_of_the_pane_is_that_part_of_its_lines(
    genai: Curriculum, tmp_path: Path
) -> None:
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        whole = app.detail.render_lines(Region(0, 0, app.detail.region.width, 12))
        part = app.detail.render_lines(Region(3, 4, 10, 5))
        assert [strip.text for strip in part] == [strip.text[3:13] for strip in whole[4:9]]


@pytest.fixture
def strips_made(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many Strips each compositor refresh made (the bulk of a frame's work)."""
    made: list[int] = []
    counting = [False]
    original_init = Strip.__init__
    original_refresh = Screen._compositor_refresh

    def init(self: Strip, *args: Any, **kwargs: Any) -> None:
        if counting[0]:
            made[-1] += 1
        original_init(self, *args, **kwargs)

    def refresh(screen: Screen[Any]) -> None:
        made.append(0)
        counting[0] = True
        try:
            original_refresh(screen)
        finally:
            counting[0] = False

    monkeypatch.setattr(Strip, "__init__", init)
    monkeypatch.setattr(Screen, "_compositor_refresh", refresh)
    yield made


async def test_moving_back_to_a_station_seen_before_draws_little(
    genai: Curriculum, tmp_path: Path, strips_made: list[int]
) -> None:
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("j", "k")  # both pages seen once
        await pilot.pause()
        strips_made.clear()
        for key in ("j", "k") * 3:
            await pilot.press(key)
            await pilot.pause()
        assert app.detail.station is not None and app.detail.station.id == app.map.selected
        # Textual's drawing of the pane made about 300 Strips a frame: a
        # framed line, its filtered copy and three pieces, for each of its rows.
        assert strips_made and max(strips_made) < 150, strips_made
