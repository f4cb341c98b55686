"""SVG snapshots of a study group's map (``metrotui --cohort``).

After an intended visual change: pytest tests/tui/test_snapshots_cohort.py --snapshot-update,
then look at every changed SVG before committing it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from metrotui.core.curriculum import Curriculum
from tests.tui.test_app_cohort import cohort_app, group_of

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((140, 40), id="140x40")]


@pytest.mark.parametrize("size", SIZES)
def test_a_group_of_thirty(snap_compare, genai: Curriculum, tmp_path: Path, size) -> None:
    app = cohort_app(genai, tmp_path, group_of(genai, 30))
    # Over to 12 Consuming LLMs, where one is stuck, one is in it and ten finished.
    assert snap_compare(app, press=["j", "j", "j", "l"], terminal_size=size)
