"""The sync key and sync at start and quit: in a thread, told in a notification, marks reloaded.

The remote is a shared folder in tmp holding another machine's file; the
app's own progress file is one of its own, as with --progress.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from metrotui.core.curriculum import Curriculum
from metrotui.storage.progress import Progress
from metrotui.storage.sync.config import SyncConfig, save_config
from metrotui.storage.sync.layout import machine_file_bytes, machine_file_path, write_marker
from metrotui.tui.app import MetroApp
from metrotui.tui.sync_runner import NO_REMOTE
from tests.waiting import pause_until

WIDE = (140, 40)
FROM_DESKTOP = "calculus"


def shared_folder(tmp_path: Path, curriculum: Curriculum) -> Path:
    """A sync folder where a desktop has already ticked one topic."""
    folder = tmp_path / "Sync"
    write_marker(folder)
    theirs = Progress(curriculum.id, done={FROM_DESKTOP: "2026-11-30T09:00:00.000Z"})
    path = machine_file_path(folder, curriculum.id, "desktop-abcdef")
    path.parent.mkdir(parents=True)
    path.write_bytes(machine_file_bytes(theirs, "desktop-abcdef", "ada"))
    return folder


def make_app(curriculum: Curriculum, tmp_path: Path) -> MetroApp:
    return MetroApp(
        curriculum, tmp_path / "progress.json", ui_state_path=tmp_path / "ui.json", watch_interval=0
    )


def messages(app: MetroApp) -> list[str]:
    return [n.message for n in app._notifications if n.title == "Sync"]


def own_files(folder: Path, curriculum: Curriculum) -> list[dict[str, Any]]:
    found = (folder / "progress" / curriculum.id).glob("*.json")
    return [json.loads(path.read_text()) for path in found if "desktop" not in path.name]


async def test_the_sync_key_merges_in_a_thread_says_so_and_shows_the_marks(
    genai: Curriculum, tmp_path: Path
) -> None:
    folder = shared_folder(tmp_path, genai)
    save_config(SyncConfig(remote=str(folder), learner="ada"))  # the desktop is ada's too
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        assert not app.controller.tracker.is_done(FROM_DESKTOP)
        await pilot.press("S")
        await pause_until(
            pilot, lambda: app.controller.tracker.is_done(FROM_DESKTOP), "the desktop's tick"
        )
        await pause_until(pilot, lambda: messages(app), "the sync's notification")
        assert messages(app)[0].startswith(f"Synced with {folder}: 2 machines; 1 mark or note")
    assert FROM_DESKTOP in json.loads((tmp_path / "progress.json").read_text())["done"]
    (mine,) = own_files(folder, genai)
    assert FROM_DESKTOP in mine["done"]


async def test_the_sync_key_without_a_remote_says_how_to_set_one(
    genai: Curriculum, tmp_path: Path
) -> None:
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("S")
        await pause_until(pilot, lambda: messages(app), "the sync's notification")
        assert messages(app) == [NO_REMOTE]
    assert not (tmp_path / "progress.json").exists()


async def test_sync_at_start_brings_the_marks_in_without_a_key(
    genai: Curriculum, tmp_path: Path
) -> None:
    folder = shared_folder(tmp_path, genai)
    save_config(SyncConfig(remote=str(folder), learner="ada", sync_at_start=True))
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pause_until(
            pilot, lambda: app.controller.tracker.is_done(FROM_DESKTOP), "the desktop's tick"
        )


async def test_sync_at_quit_sends_the_last_tick_before_the_app_goes(
    genai: Curriculum, tmp_path: Path
) -> None:
    folder = shared_folder(tmp_path, genai)
    save_config(SyncConfig(remote=str(folder), learner="ada", sync_at_quit=True))
    app = make_app(genai, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pause_until(pilot, lambda: app.sync_runner.config is not None, "the config read")
        await pilot.press("tab", "space")  # ticks the first topic of the first station
        await pilot.press("q")
        await pause_until(pilot, lambda: not app.is_running, "the app to quit", timeout=25)
    (mine,) = own_files(folder, genai)
    first = genai.keys_of(genai.stations[0].id)[0]
    assert first in mine["done"]
    assert FROM_DESKTOP in mine["done"]


async def test_keys_answer_while_a_sync_waits_and_a_second_sync_is_not_started(
    genai: Curriculum, tmp_path: Path
) -> None:
    from filelock import FileLock

    from metrotui.paths import sync_dir

    folder = shared_folder(tmp_path, genai)
    save_config(SyncConfig(remote=str(folder), learner="ada"))  # the desktop is ada's too
    sync_dir().mkdir(parents=True)
    held = FileLock(str(sync_dir() / ".sync.lock"))
    held.acquire()  # another sync of this machine, still running
    app = make_app(genai, tmp_path)
    try:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("S")
            await pause_until(pilot, lambda: app.sync_runner._running.locked(), "the sync")
            before = app.selected
            await pilot.press("j")
            await pause_until(pilot, lambda: app.selected != before, "the move")
            await pilot.press("S")
            await pause_until(pilot, lambda: messages(app), "the second key's answer")
            assert messages(app) == ["A sync is already running."]
            held.release()
            await pause_until(
                pilot, lambda: app.controller.tracker.is_done(FROM_DESKTOP), "the desktop's tick"
            )
    finally:
        if held.is_locked:
            held.release()
