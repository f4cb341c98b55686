"""SVG snapshots of roadmaps shaped unlike the GenAI map (issue 12).

Twelve lines that need each other's courses, a catalogue with no order, and a
map titled in Japanese.  After an intended visual change: pytest
tests/tui/test_snapshots_roadmaps.py --snapshot-update, then look at every
changed SVG before committing it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from metrotui.core.curriculum import Curriculum
from metrotui.tui.app import MetroApp
from tests.tui.roadmaps import computer_science, japanese, lecture_catalogue

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((140, 40), id="140x40")]


def make_app(curriculum: Curriculum, folder: Path) -> MetroApp:
    return MetroApp(
        curriculum, folder / "progress.json", ui_state_path=folder / "ui.json", watch_interval=0
    )


@pytest.mark.parametrize("size", SIZES)
def test_twelve_lines(snap_compare, tmp_path: Path, size) -> None:
    assert snap_compare(make_app(computer_science(), tmp_path), terminal_size=size)


def test_twelve_lines_scrolled_to_the_capstone(snap_compare, tmp_path: Path) -> None:
    app = make_app(computer_science(), tmp_path)
    assert snap_compare(app, press=["end"], terminal_size=(140, 40))


def test_a_catalogue_without_prerequisites(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(make_app(lecture_catalogue(), tmp_path), terminal_size=(80, 24))


def test_a_map_titled_in_japanese(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(make_app(japanese(), tmp_path), terminal_size=(100, 30))
