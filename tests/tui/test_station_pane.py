"""The station pane: long stations cut with a way to see more, cached pages, one frame a move."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from textual.screen import Screen

from metrotui.core.curriculum import Curriculum
from metrotui.core.tracker import StationState
from metrotui.storage.curriculum_file import load_curriculum
from metrotui.storage.progress import ProgressStore
from metrotui.tui.app import MetroApp
from metrotui.tui.widgets import station_page
from metrotui.tui.widgets.station_page import NOTE_CHARS, SUMMARY_CHARS, TOPICS_SHOWN, Zone
from tests.helpers import curriculum_raw, make_curriculum, station
from tests.tui.test_app import WIDE, done_on_disk, find_on_screen, make_app, screen_text


def long_curriculum(topics: int = 500, summary: str = "About it.") -> Curriculum:
    first = station("big", "main", 1, topics=topics)
    first["summary"] = summary
    first["references"] = [
        {"title": "A guide", "url": "https://example.org/guide", "kind": "docs"},
    ]
    second = station("small", "main", 2, ["big"], topics=2)
    return make_curriculum(curriculum_raw(["main"], [first, second], "long"))


async def test_a_long_checklist_shows_its_first_part_and_more_on_enter(tmp_path: Path) -> None:
    app = make_app(long_curriculum(500), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        entries = app.detail.entries(Zone.TOPICS)
        assert len(entries) == TOPICS_SHOWN + 1
        left = 500 - TOPICS_SHOWN
        assert entries[-1] == f"… {left} more topics: enter shows more"
        await pilot.press("tab", "end", "enter")
        await pilot.pause()
        entries = app.detail.entries(Zone.TOPICS)
        assert len(entries) == 2 * TOPICS_SHOWN + 1
        assert f"{500 - 2 * TOPICS_SHOWN} more topics" in entries[-1]
        assert not (tmp_path / "progress.json").exists()  # showing more ticks nothing
        # The header still counts every topic, shown or not.
        assert "0/500 topics" in app.detail.page_text()


async def test_a_huge_summary_is_cut_and_grows_on_enter(tmp_path: Path) -> None:
    summary = " ".join(f"word{n}" for n in range(200_000))  # about 1.4 MB
    app = make_app(long_curriculum(3, summary), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        text = app.detail.page_text()
        assert "word0 word1" in text
        assert "word100000" not in text
        shown = len(" ".join(text.split()))
        assert shown < 2 * SUMMARY_CHARS + 500
        (more,) = [e for e in app.detail.entries(Zone.TOPICS) if "more characters" in e]
        await pilot.press("tab", "home", "enter")
        await pilot.pause()
        assert len(" ".join(app.detail.page_text().split())) > shown + SUMMARY_CHARS // 2
        assert more not in app.detail.entries(Zone.TOPICS)  # fewer left now


async def test_a_huge_note_is_cut_and_says_how_to_read_it_all(tmp_path: Path) -> None:
    curriculum = long_curriculum(3)
    ProgressStore(tmp_path / "progress.json", curriculum.id).set_note(
        "big", "start " + "filler " * 50_000 + "THE-END"
    )
    app = make_app(curriculum, tmp_path)
    async with app.run_test(size=WIDE):
        text = app.detail.page_text()
        assert "start filler" in text
        assert "THE-END" not in text
        assert "more characters: n opens the whole note" in text
        assert len(text) < NOTE_CHARS * 3


async def test_moving_back_to_a_station_builds_nothing_again(
    genai: Curriculum, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    for name in ("_topic_entry", "_reference_entry"):
        original = getattr(station_page, name)

        def counting(*args: Any, _original: Any = original, _name: str = name) -> Any:
            built.append(_name)
            return _original(*args)

        monkeypatch.setattr(station_page, name, counting)
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j", "k")
        await pilot.pause()
        assert built  # the first visits built their entries
        built.clear()
        await pilot.press("j", "k", "j", "k")
        await pilot.pause()
        assert built == []
        assert "1 Math Basics" in app.detail.page_text()


async def test_a_move_repaints_the_map_and_the_pane_in_one_frame(
    genai: Curriculum, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frames: list[set[str]] = []
    original = Screen._compositor_refresh

    def noting(screen: Screen[Any]) -> None:
        frames.append({type(widget).__name__ for widget in screen._dirty_widgets})
        original(screen)

    monkeypatch.setattr(Screen, "_compositor_refresh", noting)
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        for key in ("j", "j", "k"):
            frames.clear()
            await pilot.press(key)
            await pilot.pause()
            drawn = [frame for frame in frames if frame & {"MetroMap", "StationDetail"}]
            assert drawn and {"MetroMap", "StationDetail"} <= drawn[0], frames


async def test_clicks_in_the_pane_open_links_and_show_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(long_curriculum(TOPICS_SHOWN + 5), tmp_path)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **kwargs: opened.append(url))
    async with app.run_test(size=(140, 400)) as pilot:
        await pilot.click(offset=find_on_screen(app, "↗ A guide"))
        await pilot.pause()
        assert opened == ["https://example.org/guide"]
        await pilot.click(offset=find_on_screen(app, "… 5 more topics"))
        await pilot.pause()
        assert f"Topic {TOPICS_SHOWN + 5} of big" in screen_text(app)
        assert "more topics" not in screen_text(app)


async def test_wide_titles_fit_the_pane_in_cells(tmp_path: Path) -> None:
    first = station("wide", "main", 1, topics=2, title="機械学習の基礎と応用" * 3)
    first["topics"][0]["title"] = "注意機構 🧠 トランスフォーマー" * 4
    first["summary"] = "日本語の説明文です。" * 20
    app = make_app(make_curriculum(curriculum_raw(["main"], [first], "wide")), tmp_path)
    async with app.run_test(size=WIDE):
        width = app.detail.scrollable_content_region.width
        lines = app.detail.page_text().split("\n")
        assert any("機械学習" in line for line in lines)
        assert all(cell_len(line) <= width for line in lines)


async def test_the_footer_offers_the_keys_of_the_list_the_cursor_is_in(
    genai: Curriculum, tmp_path: Path
) -> None:
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab")
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "Tick" in footer and "Copy link" not in footer
        await pilot.press("tab")
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "Copy link" in footer and "Tick" not in footer
        await pilot.press("shift+tab")
        await pilot.pause()
        assert "Tick" in screen_text(app).splitlines()[-1]


# Schema version 2 in the pane ------------------------------------------------------------

V2 = Path(__file__).parent.parent / "fixtures" / "v2_fifteen_lines.json"


def v2_app(tmp_path: Path) -> MetroApp:
    return make_app(load_curriculum(V2), tmp_path)


async def test_a_station_without_topics_is_ticked_as_a_whole_from_the_pane(
    tmp_path: Path,
) -> None:
    app = v2_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        app.jump_to("calculus")  # no topics, no prerequisites: open at once
        await pilot.pause()
        assert "Ticked as a whole" in app.detail.page_text()  # the checklist's heading
        assert app.detail.entries(Zone.TOPICS)[0].startswith("○ Done with this station")
        await pilot.press("tab", "space")
        await app.controller.settled()
        await pilot.pause()
        assert app.tracker.state("calculus") is StationState.DONE
        assert "calculus" in done_on_disk(tmp_path)
        assert app.detail.entries(Zone.TOPICS)[0].startswith("● Done with this station")
        await pilot.press("space")  # and untick it
        await app.controller.settled()
        assert "calculus" not in done_on_disk(tmp_path)
        await pilot.press("K")
        await app.controller.settled()
        assert app.tracker.is_known("calculus")


async def test_one_of_needs_meta_and_qualified_keys_are_shown(tmp_path: Path) -> None:
    app = v2_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        app.jump_to("crypto")
        await pilot.pause()
        text = app.detail.page_text()
        needs = text[text.index("Needs") :]
        assert "one of" in needs
        assert "5 Discrete mathematics" in needs and "7 Probability and statistics" in needs
        # Locked: what to finish, said as a choice.
        assert "Finish one of 5 Discrete mathematics or 7 Probability and statistics" in (
            " ".join(text.split())
        )
        app.jump_to("intro-cs")
        await pilot.pause()
        text = app.detail.page_text()
        assert "duration: 6 weeks" in text
        # "evaluation" is also a station: the topic shows the key the CLI takes.
        assert "intro-cs/evaluation" in text
        await pilot.press("tab", "down", "space")
        await app.controller.settled()
        assert "intro-cs/evaluation" in done_on_disk(tmp_path)
