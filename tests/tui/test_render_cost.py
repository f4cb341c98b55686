"""The map and the station pane draw what Textual's styles would draw, for little work.

The pane puts its own edge and padding around its lines and keeps the result,
so that a station seen a moment ago is shown with the very lines drawn then
(Textual's caches on them warm); the map makes each row it shows as one Strip,
cut to the window and filtered, and keeps it. These tests hold both to
Textual's drawing of the same styles, in every state they are drawn in, and
count the work of a move's and a filter key's frame.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.screen import Screen
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget

from metrotui.core.curriculum import Curriculum
from metrotui.tui import app as app_module
from metrotui.tui.app import MetroApp
from metrotui.tui.widgets.metro_map import MetroMap, _window
from metrotui.tui.widgets.station_detail import StationDetail
from tests.tui.roadmaps import japanese
from tests.tui.test_app import WIDE, make_app
from tests.tui.test_layout_scaling import big_curriculum

NARROW = (80, 30)


class TextualDrawsThePane(MetroApp):
    """The app with the pane drawn by Textual alone: its CSS border, padding and scrollbar."""

    CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))
    CSS = """
    StationDetail { padding: 0 1; scrollbar-size-vertical: 1; }
    """


def unnamed(svg: str) -> str:
    # The export names its styles after a hash of how the screen was cut into
    # segments, not of what it shows.
    return re.sub(r"terminal-[0-9]+", "terminal", svg)


async def through_states(app: MetroApp, size: tuple[int, int]) -> list[tuple[str, float]]:
    """The screen (as an SVG) and the pane's scroll after each step a learner might take."""
    seen: list[tuple[str, float]] = []
    async with app.run_test(size=size) as pilot:
        detail = app.detail

        async def look() -> None:
            await pilot.pause()
            await pilot.wait_for_animation()
            # Drawn afresh: after an animated scroll Textual can keep the lines
            # of the step before last (it repaints when the rounded offset
            # changes, and draws from the offset cut down).
            detail.refresh()
            await pilot.pause()
            seen.append((app.export_screenshot(), detail.scroll_y))

        await look()  # blurred: the map has the focus
        await pilot.press("j", "j", "tab", "j")  # focused (tinted), the cursor in the topics
        await look()
        if not detail.display:
            return seen  # narrow: one pane at a time, the rest is the same
        bar = (detail.region.width - 2, 0)  # the scrollbar's column, its top row
        await pilot.hover(detail, offset=bar)  # the bar lights up under the mouse
        await look()
        await pilot.mouse_down(detail, offset=(bar[0], detail.region.height - 1))
        await pilot.mouse_up(detail, offset=(bar[0], detail.region.height - 1))
        await look()  # a press below the thumb: a page down
        height, length = detail.region.height, detail.virtual_size.height
        thumb = int((detail.scroll_y + height / 2) * height / length)  # its middle row
        await pilot.mouse_down(detail, offset=(bar[0], thumb))  # grabbed
        await look()
        await pilot.hover(detail, offset=(bar[0], thumb - 1))  # dragged up a row
        await look()
        await pilot.mouse_up(detail, offset=(bar[0], thumb - 1))
        await pilot.hover(detail, offset=(2, 2))  # off the bar
        await look()
        app.theme = "textual-light"
        await look()
    return seen


@pytest.mark.parametrize("size", [WIDE, (120, 40), NARROW], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_pane_looks_and_scrolls_as_textual_would_draw_it(
    genai: Curriculum, tmp_path: Path, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = await through_states(make_app(genai, tmp_path / "ours"), size)
    with monkeypatch.context() as patched:
        patched.setattr(StationDetail, "render_lines", Widget.render_lines)
        textual = TextualDrawsThePane(
            genai, tmp_path / "textual.json", ui_state_path=tmp_path / "ui.json", watch_interval=0
        )
        theirs = await through_states(textual, size)
    assert [scroll for _, scroll in ours] == [scroll for _, scroll in theirs]
    for step, ((mine, _), (textuals, _)) in enumerate(zip(ours, theirs, strict=True)):
        assert unnamed(mine) == unnamed(textuals), f"step {step}"


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
        # Textual's drawing of the pane made about 300 Strips a frame (a framed
        # line, its filtered copy and three pieces for each of its rows, three
        # more for each row of its scrollbar); the map's two rows need a few.
        assert strips_made and max(strips_made) < 40, strips_made


async def map_states(app: MetroApp, size: tuple[int, int]) -> list[str]:
    """The screen after each step that draws some of the map's rows anew.

    At each step the screen must also be what the map draws with nothing kept
    (every row made again): a kept row that should have been dropped shows here.
    """
    seen: list[str] = []
    async with app.run_test(size=size) as pilot:

        async def look() -> None:
            await pilot.pause()
            shown = unnamed(app.export_screenshot())
            app.map._strips.clear()
            app.map.refresh()
            await pilot.pause()
            assert shown == unnamed(app.export_screenshot()), f"step {len(seen)}: a stale row"
            seen.append(shown)

        await look()
        for _ in range(len(app.curriculum.lines) + 1):  # each filter, and back to all
            await pilot.press("p")
            await look()
        await pilot.press("end")  # scrolled down to the last station
        await look()
        for x in range(1, 5):  # sideways a column at a time: wide titles cut in two
            app.map.scroll_to(x=x, animate=False)
            await look()
        app.map.scroll_to(x=0, y=app.map.scroll_y - 2.4, animate=False)  # between rows
        await look()
        await pilot.press("k", "k")  # the cursor moves over rows drawn at a rounded offset
        await look()
        await pilot.press("g")  # a route: the rest of the map dimmed
        await look()
        await pilot.press("escape")
        await look()
        await pilot.press("tab", "space")  # a tick, the map blurred: its cursor row recoloured
        await look()
        app.theme = "textual-light"
        await look()
        await pilot.resize_terminal(size[0] - 7, size[1] - 3)
        await look()
    return seen


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "no-colour"])
@pytest.mark.parametrize(
    ("roadmap", "size"),
    [("genai", (120, 40)), ("japanese", (50, 16)), ("big", (100, 30))],
    ids=lambda value: value if isinstance(value, str) else f"{value[0]}x{value[1]}",
)
async def test_the_map_looks_as_textual_would_draw_it(
    genai: Curriculum,
    tmp_path: Path,
    roadmap: str,
    size: tuple[int, int],
    no_color: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    curriculum = {"genai": genai, "japanese": japanese(), "big": big_curriculum(600)}[roadmap]
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")  # a line filter: every row goes through it
    ours = await map_states(make_app(curriculum, tmp_path / "ours"), size)
    with monkeypatch.context() as patched:
        patched.setattr(MetroMap, "render_lines", Widget.render_lines)
        theirs = await map_states(make_app(curriculum, tmp_path / "theirs"), size)
    for step, (mine, textuals) in enumerate(zip(ours, theirs, strict=True)):
        assert mine == textuals, f"step {step}"


def test_a_window_of_a_row_cuts_wide_characters_into_spaces() -> None:
    row = [Segment("ab"), Segment("日本語", Style(bold=True)), Segment("c")]
    cut = _window(row, 3, 4, Style())  # from the second cell of 日 to the first of 語
    assert "".join(segment.text for segment in cut) == " 本 "
    assert sum(cell_len(segment.text) for segment in cut) == 4
    assert [segment.style for segment in cut] == [Style(bold=True)] * len(cut)
    past_the_end = _window(row, 6, 5, Style(italic=True))  # 語c and three cells of fill
    assert "".join(segment.text for segment in past_the_end) == "語c  "
    assert past_the_end[-1].style == Style(italic=True)
    assert "".join(segment.text for segment in _window(row, 20, 3, Style())) == "   "


async def test_a_filter_key_makes_about_one_strip_a_row_of_the_map(
    tmp_path: Path, strips_made: list[int]
) -> None:
    app = make_app(big_curriculum(600), tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        rows = app.map.size.height
        strips_made.clear()
        for _ in range(4):
            await pilot.press("p")
            await pilot.pause()
        # Textual's drawing of the map made five Strips a row on every filter
        # key; its scrollbar still makes three a row when the thumb moves.
        assert strips_made and max(strips_made) < 6 * rows, (strips_made, rows)


async def test_a_filter_key_draws_the_scrollbar_again_only_when_its_thumb_moves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[bool] = []  # one entry a scrollbar drawing: whether it was the vertical bar
    original = ScrollBar.render

    def render(bar: ScrollBar) -> RenderableType:
        drawn.append(bar.vertical)
        return original(bar)

    monkeypatch.setattr(ScrollBar, "render", render)
    app = make_app(big_curriculum(3000), tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        presses = len(app.curriculum.lines) + 1  # every filter and back to all
        drawn.clear()
        heights = set()
        for _ in range(presses):
            await pilot.press("p")
            await pilot.pause()
            heights.add(app.map.virtual_size.height)
        assert len(heights) > 2  # the scrollable height changed on most keys
        # A thumb a cell or two long, at the top, the same for most filters:
        # Textual drew all 36 rows of the bar again on each of them.
        assert 0 < drawn.count(True) < presses / 2, drawn
