"""How the map uses the screen: widths, legends, the selection, and looks without colour.

Pilot tests read the screen as a terminal shows it; the glyph fallback is
chosen once per process, so it is checked in fresh processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from metrotui.core.curriculum import Curriculum
from metrotui.core.glyphs import SELECTED_MARK, STATION_GLYPH
from metrotui.core.tracker import StationState
from metrotui.paths import bundled_curriculum
from metrotui.storage.curriculum_file import parse_curriculum
from metrotui.tui.app import MetroApp
from metrotui.tui.map_layout import filter_cycle, station_label
from tests.tui.test_app import make_app, screen_lines, select_with_keys

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

SCRIPT = Path(sys.executable).parent / "metrotui"
SHAPES = "●◐○◌◆▸"


def map_lines(app: MetroApp) -> list[str]:
    """The map pane's part of each screen row."""
    region = app.map.region
    return [line[region.x : region.right] for line in screen_lines(app)[region.y : region.bottom]]


def legend_words(curriculum: Curriculum) -> list[str]:
    return [line.name for line in curriculum.lines] + [
        "done",
        "known",
        "in progress",
        "open",
        "locked",
    ]


# Widths (item 17) -------------------------------------------------------------------


async def test_wide_map_shows_every_title_and_its_progress_whole(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        text = "\n".join(map_lines(app))
        assert "…" not in text
        for station in genai.stations:
            dots = "○" * len(station.topics)
            assert f"{station_label(station)} {dots}" in text, station.title


async def test_engineer_filter_leaves_no_empty_columns_to_the_map(genai, tmp_path):
    app = make_app(genai, tmp_path, path="engineer")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        lines = map_lines(app)
        assert "…" not in "\n".join(lines)
        assert "14 Retrieval Augmented Generation (RAG) ○○○○" in "\n".join(lines)
        used = max(cell_len(line.rstrip()) for line in lines)
        # The pane ends just after its widest row (a blank and the scrollbar's column).
        assert app.map.outer_size.width <= used + 3
        assert app.detail.outer_size.width > 54


async def test_at_100_columns_short_titles_and_the_legends_show_whole(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = "\n".join(map_lines(app))
        for station_id in ("programming", "neural-nets-llms", "consuming-llms", "alignment"):
            assert station_label(genai.station(station_id)) in text
        for word in legend_words(genai):
            assert word in text, word
        assert f"{STATION_GLYPH[StationState.LOCKED]} locked" in text
        assert app.detail.outer_size.width >= 40
        assert app.map.outer_size.width + app.detail.outer_size.width == 100


@pytest.mark.parametrize("size", [(60, 20), (40, 12)])
async def test_legends_wrap_rather_than_cut(genai, tmp_path, size):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        lines = map_lines(app)
        legend = "\n".join(lines[: app.map.layout_.top])
        for word in legend_words(genai):
            assert word in legend, word
        # The first station comes after the legends, whatever their height.
        assert station_label(genai.station("math-basics")) in lines[app.map.layout_.top]


async def test_a_filter_change_keeps_the_panes_where_they_are(genai, tmp_path):
    # The pane does not jump sideways on p (and p repaints instead of laying the
    # screen out); the line left on the map has the room to show its titles whole.
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        all_paths = app.map.outer_size.width
        refreshes = count_layouts(app)
        await pilot.press("p")  # the scientist line alone
        await pilot.pause()
        assert app.map.outer_size.width == all_paths
        assert "6 Fine-Tuning Data Preparation ○○○" in "\n".join(map_lines(app))
        assert refreshes() == 0
        await pilot.press("p", "p", "p")  # engineer, foundational, all again
        await pilot.pause()
        assert app.map.outer_size.width == all_paths
        assert refreshes() == 0


async def test_filters_of_a_map_wider_than_its_pane_keep_the_sideways_bar(tmp_path):
    # Fifteen lines scroll sideways at 120 columns; one line alone does not. The
    # bar stays for every filter: shown and hidden in turn it laid the screen out.
    wide = parse_curriculum((FIXTURES / "v2_fifteen_lines.json").read_bytes())
    app = make_app(wide, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.map.virtual_size.width > app.map.scrollable_content_region.width
        refreshes = count_layouts(app)
        for _ in filter_cycle(wide):
            await pilot.press("p")
            await pilot.pause()
            assert app.map.show_horizontal_scrollbar
        assert refreshes() == 0
        assert app.path == "all"


def count_layouts(app: MetroApp) -> Callable[[], int]:
    """How many times the screen is laid out from now on."""
    screen = app.screen
    original = screen._refresh_layout
    count = [0]

    def counted(*args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return original(*args, **kwargs)

    screen._refresh_layout = counted  # type: ignore[method-assign]
    return lambda: count[0]


# The selection without colour (item 23) -------------------------------------------


def row_of(app: MetroApp, station_id: str) -> str:
    place = app.map.layout_.place(station_id)
    return map_lines(app)[place.y - int(app.map.scroll_y)]


async def test_the_selected_station_is_marked_by_a_glyph(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert row_of(app, "math-basics").lstrip().startswith(SELECTED_MARK)
        assert SELECTED_MARK not in row_of(app, "programming")
        await select_with_keys(pilot, "programming")
        await pilot.pause()
        assert SELECTED_MARK not in row_of(app, "math-basics")
        assert row_of(app, "programming").lstrip().startswith(SELECTED_MARK)
        # Only one mark on the whole map.
        assert "\n".join(map_lines(app)).count(SELECTED_MARK) == 1


async def test_no_color_names_each_line_where_its_track_starts(genai, tmp_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for line in genai.lines:
            first = genai.stations_on(line.id)[0]
            below = map_lines(app)[app.map.layout_.place(first.id).y + 1]
            assert line.name in below, line.name


async def test_no_color_draws_every_track_as_plainly_as_the_text(genai, tmp_path, monkeypatch):
    # Greys by brightness made the trunk faint; without colour each track is plain.
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text_colour = app.map.rich_style.color
        fork = app.map.layout_.place("neural-nets-llms").y + 1
        for y in (app.map.layout_.place("math-basics").y + 1, fork):
            tracks = [seg for seg in app.map.render_line(y) if seg.text.strip("━┃┣┓ ") == ""]
            colours = {seg.style.color for seg in tracks if seg.text.strip() and seg.style}
            assert colours == {text_colour}, (y, colours)


async def test_with_colour_the_tracks_carry_no_names(genai, tmp_path, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        below = map_lines(app)[app.map.layout_.place("llm-foundations").y + 1]
        assert "GenAI Scientist" not in below


# ASCII glyphs where the terminal cannot draw the shapes (item 23) -----------------

SCREEN_OF_APP = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from metrotui.tui.app import MetroApp
    from metrotui.storage.curriculum_file import load_curriculum
    from metrotui.paths import bundled_curriculum

    async def main():
        folder = Path(sys.argv[1])
        app = MetroApp(load_curriculum(bundled_curriculum()), folder / "progress.json",
                       ui_state_path=folder / "ui.json", watch_interval=0)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            for strip in app.screen._compositor.render_strips():
                print("".join(segment.text for segment in strip))

    asyncio.run(main())
    """
)


def run_with(env: dict[str, str], *args: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k not in ("TERM", "METROTUI_GLYPHS")}
    result = subprocess.run(
        list(args), env={**environ, **env}, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def app_screen(env: dict[str, str], folder: Path) -> str:
    return run_with(env, sys.executable, "-c", SCREEN_OF_APP, str(folder))


def test_term_linux_gets_ascii_glyphs_in_the_app(tmp_path):
    screen = app_screen({"TERM": "linux"}, tmp_path)
    assert not set(SHAPES) & set(screen), screen
    assert "* done" in screen and ". locked" in screen and "o open" in screen
    assert ">o  1 Math Basics ooo" in screen


def test_the_setting_overrides_the_terminal_both_ways(tmp_path):
    ascii_screen = app_screen({"TERM": "xterm-256color", "METROTUI_GLYPHS": "ascii"}, tmp_path)
    assert ">o  1 Math Basics ooo" in ascii_screen
    shapes = app_screen({"TERM": "linux", "METROTUI_GLYPHS": "unicode"}, tmp_path)
    assert "▸○  1 Math Basics ○○○" in shapes


def test_term_linux_gets_ascii_glyphs_in_the_cli(genai, tmp_path):
    progress = tmp_path / "progress.json"
    linux = {"TERM": "linux"}
    done = run_with(linux, str(SCRIPT), "--progress", str(progress), "done", "math-basics")
    known = run_with(linux, str(SCRIPT), "--progress", str(progress), "known", "python-basics")
    undone = run_with(linux, str(SCRIPT), "--progress", str(progress), "undo", "calculus")
    for output in (done, known, undone):
        assert not set(SHAPES) & set(output), output
    status = run_with({"TERM": "linux"}, str(SCRIPT), "--progress", str(progress), "status")
    assert not set(SHAPES) & set(status), status
    # Math Basics is in progress again after the undo; Programming has a topic known.
    assert "~ in progress" in status and ". locked" in status and "+" in status
    plain = run_with({"TERM": "xterm"}, str(SCRIPT), "--progress", str(progress), "status")
    assert "●" in plain


# One word per state (item 24) -------------------------------------------------------


async def test_the_pane_legend_and_toast_say_open(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "available" not in text
        assert f"{STATION_GLYPH[StationState.AVAILABLE]} open" in text
        detail = "\n".join(
            line[app.detail.region.x :] for line in screen_lines(app)[: app.detail.region.bottom]
        )
        assert "open" in detail
        await pilot.press("tab", "space", "down", "space", "down", "space")
        await pilot.pause()
        titles = [note.title for note in app._notifications]
        assert "1 station now open" in titles
        assert not [title for title in titles if "available" in (title or "")]


def test_cli_status_and_export_say_open(genai, tmp_path):
    progress = tmp_path / "progress.json"
    status = run_with({}, str(SCRIPT), "--progress", str(progress), "status")
    assert "available" not in status
    assert status.count(" open") >= 1
    markdown = run_with(
        {}, str(SCRIPT), "--progress", str(progress), "export", "--format", "markdown"
    )
    assert "(available)" not in markdown and "### 1. Math Basics (open)" in markdown
    data = run_with({}, str(SCRIPT), "--progress", str(progress), "status", "--json")
    assert '"available"' in data  # the JSON values are API and stay


async def test_narrow_station_pane_fits_a_very_small_terminal(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(30, 12)) as pilot:
        await pilot.press("tab")
        await pilot.pause()
        # The side-by-side minimum width does not apply when the pane is alone.
        assert app.detail.outer_size.width == 30


async def test_the_map_of_a_line_with_no_stations_takes_keys_and_p_passes_it_by(
    tmp_path: Path,
) -> None:
    data = json.loads(bundled_curriculum().read_text(encoding="utf-8"))
    data["lines"].append({"id": "empty", "name": "Empty line", "color": "#888888"})
    curriculum = parse_curriculum(json.dumps(data).encode(), "empty-line.json")
    assert "empty" not in filter_cycle(curriculum)
    app = make_app(curriculum, tmp_path, path="empty")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("j", "k", "l", "h", "home", "end", "o")
        await pilot.pause()
        assert app.is_running
        await pilot.press("p")
        await pilot.pause()
        assert app.path == "all"
