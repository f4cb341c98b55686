"""The in-app note editor: esc asks before throwing text away, and its keys are in the footer.

(The learner's own $EDITOR needs a real terminal: see tests/test_e2e_tmux.py.)"""

from __future__ import annotations

from textual.widgets import TextArea

from metrotui.storage.progress import ProgressStore
from metrotui.tui.screens.note_editor import DiscardDialog, NoteEditor
from tests.tui.test_app import WIDE, make_app, screen_lines


async def test_escape_with_typed_text_asks_and_keeps_it_by_default(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"my plan")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DiscardDialog)
        await pilot.press("enter")  # the focused answer keeps editing
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one(TextArea).text == "my plan"
        await pilot.press("ctrl+s")
        await pilot.pause()
        store = ProgressStore(tmp_path / "progress.json", genai.id)
        assert store.load().notes["math-basics"].text == "my plan"


async def test_escape_then_y_discards_the_typed_text(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"scribble")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, (NoteEditor, DiscardDialog))
        assert not (tmp_path / "progress.json").exists()


async def test_escape_without_changes_closes_at_once(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (NoteEditor, DiscardDialog))


async def test_the_editor_shows_its_own_keys_in_the_footer(genai, tmp_path):
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        footer = screen_lines(app)[-1]
        assert "^s Save" in footer and "esc Cancel" in footer, footer
        assert "Path" not in footer  # the map's keys do not apply here
