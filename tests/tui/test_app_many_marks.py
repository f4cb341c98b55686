"""Ticking in the app with far more marks on disk than the curriculum has topics."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from metrotui.core.curriculum import Curriculum
from metrotui.core.glyphs import TOPIC_DONE, TOPIC_OPEN
from metrotui.tui.app import MetroApp
from metrotui.tui.widgets.station_page import Zone

GONE = {f"gone-{i:04d}": "2025-01-01T00:00:00.000Z" for i in range(1000)}


def done_on_disk(path: Path) -> dict[str, str]:
    done: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))["done"]
    return done


def first_mark(app: MetroApp) -> str:
    return app.detail.entries(Zone.TOPICS)[0][0]


async def test_ticks_among_many_old_marks_keep_every_one_of_them(
    genai: Curriculum, tmp_path: Path
) -> None:
    progress = tmp_path / "progress.json"
    calculus = "calculus"
    on_disk = {**GONE, calculus: "2025-06-01T00:00:00.000Z"}
    data = {"schema_version": 1, "curriculum": genai.id, "done": on_disk}
    progress.write_text(json.dumps(data, indent=2), encoding="utf-8")
    first = genai.station("math-basics").topic_ids[0]
    app = MetroApp(genai, progress, ui_state_path=tmp_path / "ui.json", watch_interval=0)
    async with app.run_test(size=(140, 40)) as pilot:
        assert app.tracker.orphan_count == len(GONE)
        await pilot.press("tab", "space")
        await pilot.pause()
        assert first_mark(app) == TOPIC_DONE
        assert app.tracker.is_done(calculus)
        await asyncio.wait_for(app.controller.settled(), timeout=15)
        assert done_on_disk(progress).keys() == {*on_disk, first}
        await pilot.press("u")
        await asyncio.wait_for(app.controller.settled(), timeout=15)
        await pilot.pause()
        assert first_mark(app) == TOPIC_OPEN
        assert done_on_disk(progress) == on_disk
