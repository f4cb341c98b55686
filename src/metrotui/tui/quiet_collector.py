"""Python's full garbage collections moved into the app's quiet moments.

What the app has drawn stays in bounded caches (the map's rows, the pane's
blocks and framed lines): on a map of 5,000 stations, after a few dozen moves,
tens of thousands of Strips and Segments. A full collection walks every one of
them, 40 to 70 ms here, and Python starts one at whatever allocation tips its
count, which is nearly always while a key is being handled: one key in fifteen
took five times as long as the rest.

While the app runs, Python's own full collections are held off (its third
threshold set out of reach; the young generations are collected as usual), and
one is made instead when as many young collections have passed as would have
made one due, once no key or mouse event has come for a moment. If the learner
never stops (a key held down), one is made anyway after ``OVERDUE`` times as
long, so that garbage in cycles is never kept for long.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

QUIET_SECONDS = 0.4  # no input for this long: a moment nobody is waiting on
OVERDUE = 10  # this many times the usual spacing without a quiet moment: collect anyway
_HELD_OFF = 2**30  # a third threshold no count reaches


def _young_collections() -> int:
    """How many times Python has collected its middle generation so far."""
    return int(gc.get_stats()[1]["collections"])


class QuietCollector:
    """Holds off full collections while started, and makes them when the app is quiet."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        young_collections: Callable[[], int] = _young_collections,
        collect: Callable[[], object] = gc.collect,
    ) -> None:
        self._clock = clock
        self._young_collections = young_collections
        self._collect = collect
        self._thresholds: tuple[int, int, int] | None = None
        self._last_input = clock()
        self._young_at_last = young_collections()

    @property
    def started(self) -> bool:
        return self._thresholds is not None

    def start(self) -> None:
        if self._thresholds is not None:
            return
        first, second, third = self._thresholds = gc.get_threshold()
        if third:  # 0 there means full collections are already off: nothing to move
            gc.set_threshold(first, second, _HELD_OFF)
        self._young_at_last = self._young_collections()

    def stop(self) -> None:
        """Python's own thresholds back, as they were before ``start``."""
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None

    def input_came(self) -> None:
        """A key or a mouse event: the learner is waiting on the screen."""
        self._last_input = self._clock()

    def check(self) -> bool:
        """Collect if one is due and the moment is quiet (or long overdue); True if it did."""
        if self._thresholds is None or not gc.isenabled():
            return False
        spacing = self._thresholds[2]
        if not spacing:
            return False
        passed = self._young_collections() - self._young_at_last
        if passed < spacing:
            return False
        quiet = self._clock() - self._last_input >= QUIET_SECONDS
        if not quiet and passed < spacing * OVERDUE:
            return False
        self._collect()
        self._young_at_last = self._young_collections()
        return True
