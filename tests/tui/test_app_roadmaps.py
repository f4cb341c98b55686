"""Roadmaps unlike the GenAI map, on screen: wide characters, marks, sideways scrolling."""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

from metrotui.core.glyphs import STATION_GLYPH, TOPIC_DONE, TOPIC_OPEN
from metrotui.tui.app import MetroApp
from metrotui.tui.map_layout import filter_cycle
from metrotui.tui.widgets.metro_map import _fit_segments, _progress
from tests.tui.roadmaps import computer_science, japanese
from tests.tui.test_app import make_app, screen_lines

MARKERS = set(STATION_GLYPH.values())


def screen_cells(app: MetroApp) -> list[list[str]]:
    """The screen cell by cell: a wide character fills its first cell, the next is
    empty, and a combining character joins the cell before it."""
    rows = []
    for strip in app.screen._compositor.render_strips():
        cells: list[str] = []
        for segment in strip:
            for char in segment.text:
                width = cell_len(char)
                if width == 0 and cells:
                    cells[-1] += char
                    continue
                cells.append(char)
                cells.extend([""] * (width - 1))
        rows.append(cells)
    return rows


def assert_drawn_where_laid_out(app: MetroApp) -> int:
    """Every marker and track cell on screen sits in the cell the layout gave it."""
    cells = screen_cells(app)
    region = app.map.content_region
    scroll_x, scroll_y = int(app.map.scroll_x), int(app.map.scroll_y)
    layout = app.map.layout_
    checked = 0
    for y in range(scroll_y, min(scroll_y + region.height, layout.height)):
        row = layout.rows[y]
        screen_row = cells[region.y + y - scroll_y]
        for place in row.stations:
            if scroll_x <= place.x < scroll_x + region.width:
                assert screen_row[region.x + place.x - scroll_x] in MARKERS, place.station_id
                checked += 1
        for track in row.tracks:
            if scroll_x <= track.x < scroll_x + region.width:
                assert screen_row[region.x + track.x - scroll_x] == track.glyph, (track, y)
    return checked


async def test_wide_titles_leave_markers_and_track_in_their_cells(tmp_path):
    app = make_app(japanese(), tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert assert_drawn_where_laid_out(app) == len(app.curriculum.stations)
        text = "\n".join(screen_lines(app))
        assert "確率と統計 📊" in text and "モデルのデプロイ 🚀" in text


async def test_a_click_on_the_last_cell_of_a_wide_title_selects_its_station(tmp_path):
    curriculum = japanese()
    app = make_app(curriculum, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        place = app.map.layout_.place("transformer")
        label = f"{curriculum.station('transformer').number:>2} トランスフォーマー"
        last = place.x + 2 + cell_len(label) - 1  # the second cell of the last ー
        region = app.map.content_region
        await pilot.click(offset=(region.x + last, region.y + place.y))
        assert app.map.selected == "transformer"


async def test_a_prerequisite_no_track_shows_is_marked_on_screen(tmp_path):
    app = make_app(computer_science(), tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        app.map.select("os")
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "14 Operating Systems: Three Easy Pieces ⇠3" in text
        assert_drawn_where_laid_out(app)


async def test_the_view_follows_the_selection_sideways(tmp_path):
    app = make_app(computer_science(), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.map.virtual_size.width > app.map.size.width  # twelve lines scroll
        for _ in range(12):
            await pilot.press("l")
        await pilot.pause()
        place = app.map.layout_.place(app.map.selected)
        scroll_x, width = int(app.map.scroll_x), app.map.content_region.width
        assert scroll_x > 0
        assert scroll_x <= place.x and place.x + 2 + 12 <= scroll_x + width
        assert_drawn_where_laid_out(app)
        # The legends stay put while the map scrolls.
        legend = screen_lines(app)[app.map.content_region.y + 0]
        assert "Intro CS" in legend


async def test_p_reaches_every_line(tmp_path):
    curriculum = computer_science()
    app = make_app(curriculum, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        seen = []
        for _ in range(len(curriculum.lines) + 1):
            await pilot.press("p")
            seen.append(app.path)
        lines = [line.id for line in curriculum.lines]
        assert seen == [*lines[1:], lines[0], "all"]
        assert filter_cycle(curriculum) == ["all", *lines[1:], lines[0]]


def test_progress_shortens_to_a_count_before_it_goes() -> None:
    dots, muted = Style(color="green"), Style(dim=True)

    def text(room: int) -> str:
        return "".join(segment.text for segment in _progress(2, 0, 5, room, dots, muted))

    assert text(5) == TOPIC_DONE * 2 + TOPIC_OPEN * 3
    assert text(4) == "2/5"
    assert text(2) == ""
    assert _progress(0, 0, 20, 5, dots, muted) == [Segment("0/20", muted)]


def test_marks_cut_to_their_room_end_in_an_ellipsis() -> None:
    marks = [Segment("⇠"), Segment("12"), Segment(","), Segment("345")]
    assert _fit_segments(marks, 10) == marks
    assert "".join(s.text for s in _fit_segments(marks, 7)) == "⇠12,345"
    assert "".join(s.text for s in _fit_segments(marks, 5)) == "⇠12,…"
    assert "".join(s.text for s in _fit_segments(marks, 3)) == "⇠1…"
    assert _fit_segments(marks, 0) == []
