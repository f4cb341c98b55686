"""Saving off the event loop: a tick shows at once, reaches the disk in order, or is taken back.

Another metrotui holding the progress lock (a subprocess with filelock, on the
same lock path) must not freeze the app: keys answer while the save waits.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual import events

import metrotui.storage.progress as progress_module
from metrotui.core.curriculum import Curriculum
from metrotui.core.glyphs import TOPIC_DONE, TOPIC_OPEN
from metrotui.storage.progress import Progress, ProgressError
from metrotui.tui.app import MetroApp
from metrotui.tui.screens.help_screen import HelpScreen
from metrotui.tui.widgets.station_page import Zone

WIDE = (140, 40)


def make_app(curriculum: Curriculum, tmp_path: Path) -> MetroApp:
    # Its own helpers, not test_app's: the test files are moving into folders.
    return MetroApp(
        curriculum, tmp_path / "progress.json", ui_state_path=tmp_path / "ui.json", watch_interval=0
    )


def done_on_disk(tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "progress.json"
    if not path.exists():
        return {}
    done: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))["done"]
    return done


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> float:
    """Wait for ``condition``; how long it took.  Fails the test after ``timeout``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout} s")
        await asyncio.sleep(0.002)
    return time.monotonic() - started


async def key_answer(
    app: MetroApp, key: str, character: str | None, shown: Callable[[], bool]
) -> float:
    """Seconds from a key reaching the app to ``shown`` holding.

    The key is posted as a terminal would send it; Pilot's press would add
    its own waits for the screen to the figure.
    """
    started = time.monotonic()
    app.post_message(events.Key(key, character))
    await until(shown)
    return time.monotonic() - started


def marks(app: MetroApp, count: int = 2) -> list[str]:
    return [entry[0] for entry in app.detail.entries(Zone.TOPICS)[:count]]


def not_saved(app: MetroApp) -> list[str]:
    return [n.message for n in app._notifications if n.title == "Not saved"]


class LockHolder:
    """Another process holding the progress file's lock until it is told to let go."""

    def __init__(self, lock_path: Path) -> None:
        script = textwrap.dedent(
            """
            import sys
            from filelock import FileLock
            with FileLock(sys.argv[1]):
                print("held", flush=True)
                sys.stdin.readline()  # until the test lets go
            """
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", script, str(lock_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "held"

    def holding(self) -> bool:
        return self.process.poll() is None

    def let_go(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=15)


@pytest.fixture
def hold_lock(tmp_path: Path) -> Iterator[Callable[[], LockHolder]]:
    """Start another process holding the progress file's lock until it lets go."""
    holders: list[LockHolder] = []

    def hold() -> LockHolder:
        holder = LockHolder(tmp_path / ".progress.json.lock")
        holders.append(holder)
        return holder

    yield hold
    for holder in holders:
        holder.process.kill()
        holder.process.wait(timeout=10)


async def test_keys_answer_while_another_metrotui_holds_the_lock(
    genai: Curriculum, tmp_path: Path, hold_lock: Callable[[], LockHolder]
) -> None:
    app = make_app(genai, tmp_path)
    first_topic = genai.station("math-basics").topic_ids[0]
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab")
        holder = hold_lock()
        # Each key is answered while the lock is still held: an event loop
        # waiting on the lock would answer none of them until it is let go.
        await key_answer(app, "space", " ", lambda: marks(app)[0] == TOPIC_DONE)
        await key_answer(app, "escape", None, lambda: app.focused is app.map)
        await key_answer(app, "j", "j", lambda: app.map.selected != "math-basics")
        await key_answer(app, "question_mark", "?", lambda: isinstance(app.screen, HelpScreen))
        assert holder.holding()
        assert first_topic not in done_on_disk(tmp_path)  # still waiting for the lock

        holder.let_go()
        await asyncio.wait_for(app.controller.settled(), timeout=15)
        assert first_topic in done_on_disk(tmp_path)
        assert not not_saved(app)


async def test_a_save_that_fails_is_taken_back_on_screen_and_said(
    genai: Curriculum, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(self: object, progress: Progress) -> None:
        raise ProgressError("could not save progress (no space left on device)")

    monkeypatch.setattr(progress_module.ProgressStore, "_write", full_disk)
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab", "space")
        await asyncio.wait_for(app.controller.settled(), timeout=15)
        await pilot.pause()
        assert marks(app) == [TOPIC_OPEN, TOPIC_OPEN]
        assert not app.tracker.done
        (message,) = not_saved(app)
        title = genai.topic(genai.station("math-basics").topic_ids[0]).title
        assert "no space left on device" in message
        assert f"Taken back on screen: {title} ticked." in message
        await pilot.press("u")  # nothing was recorded, so nothing to undo
        await pilot.pause()
        await app.controller.settled()
        assert any(n.message == "Nothing to undo." for n in app._notifications)
    assert done_on_disk(tmp_path) == {}


async def test_quick_ticks_reach_the_disk_in_order_and_undo_takes_back_the_last(
    genai: Curriculum, tmp_path: Path, hold_lock: Callable[[], LockHolder]
) -> None:
    app = make_app(genai, tmp_path)
    first, second = genai.station("math-basics").topic_ids[:2]
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab")
        holder = hold_lock()
        await pilot.press("space", "down", "space", "u")
        assert marks(app) == [TOPIC_DONE, TOPIC_OPEN]  # at once, before any save
        assert holder.holding()
        holder.let_go()
        await asyncio.wait_for(app.controller.settled(), timeout=15)
        await pilot.pause()
        await app.controller.settled()
        assert marks(app) == [TOPIC_DONE, TOPIC_OPEN]
        assert set(done_on_disk(tmp_path)) == {first}
        assert second not in done_on_disk(tmp_path)
        assert any(
            n.message == f"Undone: {genai.topic(second).title} ticked." for n in app._notifications
        )
        await pilot.press("u")  # and the first, once saved, is undoable too
        await asyncio.wait_for(app.controller.settled(), timeout=15)
        assert done_on_disk(tmp_path) == {}


async def test_quitting_waits_for_the_lock_so_no_tick_is_dropped(
    genai: Curriculum, tmp_path: Path, hold_lock: Callable[[], LockHolder]
) -> None:
    app = make_app(genai, tmp_path)
    first = genai.station("math-basics").topic_ids[0]
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab")
        holder = hold_lock()
        await pilot.press("space", "q")
        await until(lambda: any(n.title == "Saving" for n in app._notifications))
        assert app.is_running and holder.holding()
        holder.let_go()
        await until(lambda: not app.is_running, timeout=15)
    assert first in done_on_disk(tmp_path)
    assert app.return_code == 0


async def test_a_note_from_the_editor_is_saved_off_the_event_loop(
    genai: Curriculum, tmp_path: Path, hold_lock: Callable[[], LockHolder]
) -> None:
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        holder = hold_lock()
        await pilot.press("n", *"plan", "ctrl+s")
        # The editor waits for its save; the app behind it keeps answering.
        assert holder.holding()
        holder.let_go()
        await until(lambda: any("saved" in n.message for n in app._notifications), timeout=15)
        await pilot.pause()
    progress_file = tmp_path / "progress.json"
    assert "plan" in progress_file.read_text(encoding="utf-8")
