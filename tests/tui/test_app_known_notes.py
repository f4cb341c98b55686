"""Already known, the locked-station offer and notes, in the app; snapshots of the new views."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import TextArea

from metrotui.core.curriculum import Curriculum
from metrotui.storage.progress import ProgressStore
from metrotui.tui.app import MetroApp
from metrotui.tui.screens.known_dialog import KnownDialog
from metrotui.tui.screens.note_editor import NoteEditor
from tests.tui.test_app import screen_text

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((140, 40), id="140x40")]


def make_app(genai: Curriculum, tmp_path: Path) -> MetroApp:
    return MetroApp(
        genai, tmp_path / "progress.json", ui_state_path=tmp_path / "ui.json", watch_interval=0
    )


def on_disk(genai: Curriculum, tmp_path: Path):
    return ProgressStore(tmp_path / "progress.json", genai.id).load()


async def test_shift_k_marks_the_highlighted_topic_known_and_u_undoes_it(genai, tmp_path) -> None:
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("tab", "down", "K")
        await pilot.pause()
        await app.controller.settled()
        assert set(on_disk(genai, tmp_path).known) == {"calculus"}
        assert "◆ Calculus  known" in screen_text(app)
        meta = " ".join(app.detail.page_text().split())  # as read, whatever the wrapping
        assert "1/3 topics (1 known)" in meta
        await pilot.press("u")
        await pilot.pause()
        await app.controller.settled()
        assert on_disk(genai, tmp_path).known == {}


async def test_shift_k_on_the_map_marks_the_station_known_and_unlocks(genai, tmp_path) -> None:
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("K")
        await pilot.pause()
        await app.controller.settled()
        assert set(on_disk(genai, tmp_path).known) == set(genai.station("math-basics").topic_ids)
        assert app.tracker.state("programming").value == "available"
        assert any("Unlocked: Programming" in n.message for n in app._notifications)


async def test_locked_station_offers_to_mark_what_comes_before_as_known(genai, tmp_path) -> None:
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.jump_to("pre-training", "data-management")
        await pilot.press("space")
        await pilot.pause()
        assert isinstance(app.screen, KnownDialog)
        assert "4 LLM/SLM Foundations" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
        await app.controller.settled()
        progress = on_disk(genai, tmp_path)
        assert set(progress.done) == {"data-management"}
        before = ["math-basics", "programming", "neural-nets-llms", "llm-foundations"]
        assert set(progress.known) == {t for s in before for t in genai.station(s).topic_ids}
        assert app.tracker.state("pre-training").value == "in_progress"


async def test_declining_the_offer_writes_nothing(genai, tmp_path) -> None:
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        app.jump_to("programming", "python-basics")
        await pilot.press("space")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, KnownDialog)
        assert not (tmp_path / "progress.json").exists()


async def test_n_edits_notes_that_show_as_markdown_and_persist(genai, tmp_path) -> None:
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        app.screen.query_one(TextArea).insert("# Plan\n\n- **3b1b** first")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.controller.settled()
        note = on_disk(genai, tmp_path).notes["math-basics"]
        assert note.text == "# Plan\n\n- **3b1b** first"
        text = screen_text(app)
        assert "Notes" in text and "3b1b first" in text and "**" not in text


async def test_escape_leaves_notes_unchanged(genai, tmp_path) -> None:
    ProgressStore(tmp_path / "progress.json", genai.id).set_note("math-basics", "keep me")
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one(TextArea).insert("scribble ")
        await pilot.press("escape")
        await pilot.pause()
        await app.controller.settled()
        assert on_disk(genai, tmp_path).notes["math-basics"].text == "keep me"


# Snapshots ---------------------------------------------------------------------------


def snapshot_app(genai: Curriculum, tmp_path: Path) -> MetroApp:
    store = ProgressStore(tmp_path / "progress.json", genai.id)
    store.mark(genai.station("math-basics").topic_ids, when="2026-11-20T09:00:00.000Z")
    store.mark_known(genai.station("programming").topic_ids, when="2026-11-21T09:00:00.000Z")
    store.set_note(
        "neural-nets-llms",
        "## Plan\n\n- Karpathy's **micrograd** first\n- then the *State of GPT* talk",
        when="2026-11-21T10:00:00.000Z",
    )
    return make_app(genai, tmp_path)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_route_view(snap_compare, genai, tmp_path, size) -> None:
    app = snapshot_app(genai, tmp_path)

    async def route_to_rag(pilot) -> None:
        app.jump_to("rag")
        await pilot.press("g")
        await pilot.pause()
        app.clear_notifications()

    assert snap_compare(app, terminal_size=size, run_before=route_to_rag)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_notes_view(snap_compare, genai, tmp_path, size) -> None:
    app = snapshot_app(genai, tmp_path)
    assert snap_compare(app, press=["j", "j", "tab", "end"], terminal_size=size)


def test_snapshot_stats_screen(snap_compare, genai, tmp_path) -> None:
    # The stats depend on today's date; the screen is drawn from fixed figures.
    from datetime import date

    from metrotui.core.stats import compute_stats
    from metrotui.tui.screens.stats_screen import StatsScreen

    app = snapshot_app(genai, tmp_path)

    async def open_stats(pilot) -> None:
        ticked = app.store.load().done
        figures = compute_stats(app.tracker, ticked, date(2026, 11, 26))
        app.push_screen(StatsScreen(app.tracker, figures))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=open_stats)


# What a careful reviewer tried ---------------------------------------------------------


async def test_undo_never_removes_a_mark_made_in_another_terminal(genai, tmp_path) -> None:
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        # The CLI ticks linear-algebra while the app has not yet noticed.
        other = ProgressStore(tmp_path / "progress.json", genai.id)
        other.mark(["linear-algebra"], when="2020-01-01T00:00:00.000Z")
        await pilot.press("tab", "space", "u")
        await pilot.pause()
        await app.controller.settled()
        assert on_disk(genai, tmp_path).done == {"linear-algebra": "2020-01-01T00:00:00.000Z"}


async def test_space_on_a_known_topic_ticks_it_as_done(genai, tmp_path) -> None:
    ProgressStore(tmp_path / "progress.json", genai.id).mark_known(["linear-algebra"])
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("tab", "space")
        await pilot.pause()
        await app.controller.settled()
        progress = on_disk(genai, tmp_path)
        assert set(progress.done) == {"linear-algebra"} and progress.known == {}


async def test_one_u_takes_back_the_whole_locked_station_offer(genai, tmp_path) -> None:
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        app.jump_to("programming", "python-basics")
        await pilot.press("space")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await app.controller.settled()
        assert set(on_disk(genai, tmp_path).done) == {"python-basics"}
        await pilot.press("u")
        await pilot.pause()
        await app.controller.settled()
        progress = on_disk(genai, tmp_path)
        assert progress.done == {} and progress.known == {}


async def test_a_failed_note_save_keeps_the_editor_and_the_text(genai, tmp_path) -> None:
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one(TextArea).insert("precious thoughts")
        # Meanwhile a newer metrotui takes over the file: saving must be refused.
        (tmp_path / "progress.json").write_text(
            '{"schema_version": 99, "curriculum": "genai-metromap", "done": {}}'
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one(TextArea).text == "precious thoughts"
        assert any(n.title == "Not saved" for n in app._notifications)


async def test_a_note_written_elsewhere_meanwhile_is_merged_not_lost(genai, tmp_path) -> None:
    app = make_app(genai, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        ProgressStore(tmp_path / "progress.json", genai.id).set_note("math-basics", "from the CLI")
        app.screen.query_one(TextArea).insert("from the app")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.controller.settled()
        text = on_disk(genai, tmp_path).notes["math-basics"].text
        assert "from the CLI" in text and "from the app" in text
