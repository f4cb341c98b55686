"""A coarse guard against an accidental quadratic in the layout.

Not a benchmark (benchmarks/run.py measures against budgets): ten times the
stations must cost about ten times as much, and the bound here is generous
enough that only a change in kind, such as a scan of every station per
station, trips it.  Best-of-three timings keep a busy machine from tripping it.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from metrotui.core.curriculum import Curriculum
from metrotui.tui.map_layout import layout_map
from tests.helpers import curriculum_raw, make_curriculum, station

LINES = ["trunk", "a", "b", "c", "d", "e"]


def big_curriculum(size: int) -> Curriculum:
    """A trunk, then lines that branch off it and off each other, with some
    prerequisites across lines (one topic each: the layout does not look at topics)."""
    per_line = size // len(LINES)
    made: list[list[str]] = []
    stations: list[dict[str, Any]] = []
    number = 0
    for k, line in enumerate(LINES):
        ids: list[str] = []
        for i in range(per_line):
            number += 1
            needs = [ids[-1]] if ids else ([made[k // 2][per_line // 3]] if made else [])
            if ids and made and i % 7 == 0:
                needs.append(made[-1][i - 1])  # a transfer to the line before
            ids.append(f"{line}-{i}")
            stations.append(station(ids[-1], line, number, needs, topics=1))
        made.append(ids)
    return make_curriculum(curriculum_raw(LINES, stations, curriculum_id=f"big-{size}"))


def lay_out_everything(curriculum: Curriculum) -> float:
    """Seconds to lay out the map and build every row, place and move on it."""
    start = time.perf_counter()
    layout = layout_map(curriculum, None, 120)
    for row in layout.rows:
        row.tracks  # noqa: B018 - rows are built when first read
    for station_id in layout.order:
        layout.place(station_id)
        layout.step(station_id, 1)
        layout.beside(station_id, 1)
    return time.perf_counter() - start


def best_of_three(size: int) -> float:
    curriculum = big_curriculum(size)
    times = []
    # The collector's passes grow with everything alive in the test process
    # (the whole suite's leftovers), not with the layout: kept out of the clock.
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            curriculum.memo.clear()  # lay out afresh, not from the cache
            times.append(lay_out_everything(curriculum))
    finally:
        gc.enable()
    return min(times)


def test_layout_grows_about_linearly() -> None:
    small, large = best_of_three(2_000), best_of_three(20_000)
    # Linear is about 10x; quadratic would be about 100x.
    assert large < 40 * small, f"2,000 stations: {small:.3f} s; 20,000: {large:.3f} s"
    assert large < 10.0, f"20,000 stations took {large:.1f} s to lay out"
