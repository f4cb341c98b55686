"""Switching curriculum from the command palette: the library with its progress, the
first curriculum's ticks and view saved before the other opens with its own."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandInput, CommandList, CommandPalette
from textual.pilot import Pilot

import metrotui.tui.app as app_module
from metrotui.core.curriculum import Curriculum
from metrotui.core.tracker import ALL_PATHS
from metrotui.paths import current_choice_file, default_progress_file, ui_state_file
from metrotui.storage import library
from metrotui.storage.curriculum_file import load_curriculum_bytes
from metrotui.storage.progress import ProgressStore
from metrotui.tui.app import MetroApp, run_app
from metrotui.tui.library import SWITCH_PLACEHOLDER
from tests.helpers import curriculum_raw, station

WIDE = (140, 40)


def add_rust() -> Curriculum:
    """A small curriculum added to the library, as ``metrotui add`` would."""
    first = station("basics", "main", 1, topics=2)
    second = station("ownership", "main", 2, prerequisites=["basics"], topics=1)
    raw = curriculum_raw(["main"], [first, second], curriculum_id="rust")
    raw["title"] = "Rust [book]"  # brackets: a title is never read as markup
    data = json.dumps(raw).encode()
    curriculum = load_curriculum_bytes(data, "rust.json")
    assert library.add(data, curriculum) == "added"
    return curriculum


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout} s"
        await asyncio.sleep(0.01)


async def palette_hits(pilot: Pilot[Any], query: str, count: int = 1) -> list[str]:
    """Type a query into the open palette; the prompts of its hits once ``count`` are in."""
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    palette.query_one(CommandInput).value = query
    hits = palette.query_one(CommandList)
    await until(lambda: hits.option_count >= count)
    await pilot.pause(0.1)  # the last batch sorts in
    return [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)]


async def open_switcher(pilot: Pilot[Any]) -> CommandPalette:
    await pilot.press("ctrl+p")
    prompts = await palette_hits(pilot, "Switch curriculum")
    assert prompts[0].startswith("Switch curriculum"), prompts
    await pilot.press("enter")

    def switcher_open() -> bool:
        screen = pilot.app.screen
        inputs = screen.query(CommandInput) if isinstance(screen, CommandPalette) else []
        return any(field.placeholder == SWITCH_PLACEHOLDER for field in inputs)

    await until(switcher_open)
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    return palette


async def test_the_palette_switches_curriculum_after_saving_this_ones_ticks_and_view(
    genai: Curriculum,
) -> None:
    rust = add_rust()
    ProgressStore(default_progress_file("rust"), "rust").mark(["basics-t1"])
    app = MetroApp(genai, default_progress_file(genai.id), watch_interval=0)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "space")  # a tick, maybe still being saved when we switch
        app.map.focus()
        await pilot.press("p", "j")  # a filter and a selection of its own
        app.theme = "nord"
        view = (app.path, app.selected)
        await open_switcher(pilot)
        prompts = await palette_hits(pilot, "", count=2)
        listed = "\n".join(prompts)
        assert "GenAI Learning Metromap" in listed and "Rust [book]" in listed
        assert "1/3 topics · last 20" in listed  # rust's progress, from its own file
        assert "open now" in listed
        await palette_hits(pilot, "Rust")
        await pilot.press("enter")
        await until(lambda: app.return_code is not None)
    assert app.switch_to == rust
    assert json.loads(current_choice_file().read_text())["curriculum"] == "rust"
    ticked = json.loads(default_progress_file(genai.id).read_text())["done"]
    assert list(ticked) == ["linear-algebra"]
    remembered = json.loads(ui_state_file(genai.id).read_text())
    assert (remembered["path"], remembered["selected"], remembered["theme"]) == (*view, "nord")

    # The other curriculum opens with its own view, not the one just left...
    other = MetroApp(rust, default_progress_file("rust"), watch_interval=0)
    async with other.run_test(size=WIDE) as pilot:
        assert (other.path, other.selected) == (ALL_PATHS, "basics")
        assert other.theme != "nord"
        await pilot.press("j")
    # ...and the first one, opened again, has its own back.
    again = MetroApp(genai, default_progress_file(genai.id), watch_interval=0)
    async with again.run_test(size=WIDE):
        assert (again.path, again.selected, again.theme) == (*view, "nord")


async def test_choosing_the_open_curriculum_stays(genai: Curriculum) -> None:
    add_rust()
    app = MetroApp(genai, default_progress_file(genai.id), watch_interval=0)
    async with app.run_test(size=WIDE) as pilot:
        await open_switcher(pilot)
        await palette_hits(pilot, "GenAI")
        await pilot.press("enter")
        await until(lambda: any("is the one open" in n.message for n in app._notifications))
        assert app.return_code is None and app.switch_to is None
    assert not current_choice_file().exists()


async def test_a_copy_damaged_since_the_palette_opened_is_said_and_nothing_changes(
    genai: Curriculum,
) -> None:
    add_rust()
    app = MetroApp(genai, default_progress_file(genai.id), watch_interval=0)
    async with app.run_test(size=WIDE) as pilot:
        await open_switcher(pilot)
        await palette_hits(pilot, "Rust")
        library.copy_path("rust").write_text("{", encoding="utf-8")
        await pilot.press("enter")
        await until(lambda: any(n.title == "Cannot switch" for n in app._notifications))
        assert app.return_code is None and app.switch_to is None


def test_run_app_opens_the_chosen_curriculum_with_its_own_progress_file(
    genai: Curriculum, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rust = add_rust()
    opened: list[tuple[str, Path]] = []

    def run(self: MetroApp) -> None:
        opened.append((self.curriculum.id, self.store.path))
        if len(opened) == 1:
            self.switch_to = rust  # as the palette leaves it, the app having quit

    monkeypatch.setattr(app_module.MetroApp, "run", run)
    assert run_app(genai, tmp_path / "given.json") == 0
    assert opened == [
        ("genai-metromap", tmp_path / "given.json"),
        ("rust", default_progress_file("rust")),
    ]
