"""SVG snapshots of the app at the two sizes a learner is most likely to use.

After an intended visual change: pytest tests/test_snapshots.py --snapshot-update,
then look at every changed SVG before committing it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from metrotui.core.curriculum import Curriculum
from metrotui.core.tracker import Tracker
from metrotui.storage.progress import ProgressStore
from metrotui.tui.app import MetroApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((140, 40), id="140x40")]
SOME_PROGRESS = ["math-basics", "programming", "neural-net-fundamentals", "training-optimization"]


def make_app(
    genai: Curriculum, folder: Path, done: list[str] | None = None, path: str | None = None
) -> MetroApp:
    progress = folder / "progress.json"
    if done:
        ProgressStore(progress, genai.id).mark(Tracker(genai, []).plan_marks(done))
    return MetroApp(genai, progress, path=path, ui_state_path=folder / "ui.json", watch_interval=0)


@pytest.mark.parametrize("size", SIZES)
def test_fresh_map(snap_compare, genai: Curriculum, tmp_path: Path, size) -> None:
    assert snap_compare(make_app(genai, tmp_path), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_after_some_progress(snap_compare, genai: Curriculum, tmp_path: Path, size) -> None:
    app = make_app(genai, tmp_path, SOME_PROGRESS)
    assert snap_compare(app, press=["j", "j"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_filtered_to_scientist_path(snap_compare, genai: Curriculum, tmp_path: Path, size) -> None:
    app = make_app(genai, tmp_path, SOME_PROGRESS, path="scientist")
    assert snap_compare(app, press=["end"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_detail_of_a_locked_station(snap_compare, genai: Curriculum, tmp_path: Path, size) -> None:
    app = make_app(genai, tmp_path, ["math-basics"])
    # Down to 4 LLM/SLM Foundations, locked behind 2 and 3, then into its topics.
    assert snap_compare(app, press=["j", "j", "j", "tab"], terminal_size=size)
