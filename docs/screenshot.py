"""Regenerate docs/screenshot.svg: the app as it really looks, drawn by itself.

Run from the repository root:  python docs/screenshot.py
It uses a throwaway config folder and a little sample progress, so your own
progress is never read or touched.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

OUTPUT = Path(__file__).with_name("screenshot.svg")
SAMPLE_DONE = [
    "math-basics",
    "programming",
    "neural-net-fundamentals",
    "training-optimization",
]


async def capture(folder: Path) -> None:
    from metrotui.core.tracker import Tracker
    from metrotui.paths import bundled_curriculum
    from metrotui.storage.curriculum_file import load_curriculum
    from metrotui.storage.progress import ProgressStore
    from metrotui.tui.app import MetroApp

    curriculum = load_curriculum(bundled_curriculum())
    progress_path = folder / "progress.json"
    tracker = Tracker(curriculum, [])
    ProgressStore(progress_path, curriculum.id).mark(tracker.plan_marks(SAMPLE_DONE))
    app = MetroApp(curriculum, progress_path, ui_state_path=folder / "ui.json", watch_interval=0)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("j", "j", "tab", "down", "down")
        await pilot.pause()
        app.save_screenshot(str(OUTPUT))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["XDG_CONFIG_HOME"] = folder
        asyncio.run(capture(Path(folder)))
    print(f"wrote {OUTPUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
