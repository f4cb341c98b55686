"""The app, watching a big progress file, sees what `metrotui done` ticks in place meanwhile."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

from metrotui.core.curriculum import Curriculum
from metrotui.storage import written
from metrotui.storage.progress import Progress, ProgressStore
from metrotui.tui.app import MetroApp

GONE = {f"gone-{i:07d}": "2025-01-01T00:00:00.000Z" for i in range(30_000)}


async def test_the_app_sees_a_tick_done_in_place_by_another_process(
    genai: Curriculum, tmp_path: Path
) -> None:
    path = tmp_path / "progress.json"
    ProgressStore(path, genai.id).update(lambda _: Progress(genai.id, done=dict(GONE)))
    assert len(path.read_bytes()) >= written.IN_PLACE_BYTES
    app = MetroApp(genai, path, ui_state_path=tmp_path / "ui.json", watch_interval=0.2)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert app.tracker.orphan_count == len(GONE)
        command = [sys.executable, "-m", "metrotui", "--progress", str(path), "done", "calculus"]
        result = await asyncio.to_thread(
            subprocess.run, command, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not app.tracker.is_done("calculus"):
            await pilot.pause(0.1)
        assert app.tracker.is_done("calculus")
        # And a tick in the app after it keeps both.
        await pilot.press("tab", "space")
        await asyncio.wait_for(app.controller.settled(), timeout=30)
    done = json.loads(path.read_text(encoding="utf-8"))["done"]
    assert GONE.items() <= done.items()
    assert {"calculus", genai.station("math-basics").topic_ids[0]} <= done.keys()
