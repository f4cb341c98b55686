"""Caches live with what they describe, and stay bounded.

What is worked out from a curriculum (the members of a path filter, the map's
topology per filter) goes when the curriculum goes, and the map keeps only so
many rendered rows however far a learner scrolls through a huge map.
"""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from metrotui.core.tracker import path_members
from metrotui.tui.map_layout import layout_map
from metrotui.tui.widgets.metro_map import STRIP_CACHE_SIZE
from tests.helpers import chain, make_curriculum
from tests.tui.test_app import make_app
from tests.tui.test_layout_scaling import big_curriculum


def test_a_dropped_curriculum_is_garbage_collected() -> None:
    curriculum = make_curriculum(chain(["trunk", "left", "right"], 3))
    members = path_members(curriculum, "left")
    assert members is not None and "trunk-1" in members
    for visible in (None, members):
        layout_map(curriculum, visible, 80)
    gone = weakref.ref(curriculum)
    del curriculum, members
    gc.collect()
    assert gone() is None


def test_the_same_filter_is_worked_out_once() -> None:
    curriculum = make_curriculum(chain(["trunk", "left"], 3))
    assert path_members(curriculum, "left") is path_members(curriculum, "left")
    first = layout_map(curriculum, None, 80)
    again = layout_map(curriculum, None, 60)
    assert first._topology is again._topology


def test_the_topologies_kept_are_bounded() -> None:
    curriculum = make_curriculum(chain(["trunk"], 40))
    for end in range(1, 41):
        layout_map(curriculum, {f"trunk-{n}" for n in range(1, end + 1)}, 80)
    kept = [value for value in curriculum.memo.values() if isinstance(value, dict)]
    assert kept and all(len(topologies) <= 12 for topologies in kept)


async def test_the_map_keeps_a_bounded_number_of_rendered_rows(tmp_path: Path) -> None:
    curriculum = big_curriculum(3000)
    app = make_app(curriculum, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        metro_map = app.map
        assert metro_map.layout_.height > STRIP_CACHE_SIZE
        # Every row of the map drawn once, as scrolling from top to bottom would.
        for y in range(metro_map.layout_.height):
            metro_map.render_line(y)
        assert len(metro_map._strips) <= STRIP_CACHE_SIZE
