"""Python's full garbage collections moved into the app's quiet moments.

What the app has drawn stays in bounded caches (the map's rows, the pane's
blocks and framed lines): on a map of 5,000 stations, after a few dozen moves,
tens of thousands of Strips and Segments. A full collection walks every one of
them, 40 to 70 ms here, and Python starts one at whatever allocation tips its
count, which is nearly always while a key is being handled: one key in fifteen
took five times as long as the rest.

While the app runs, Python's own full collections are held off (its third
threshold set out of reach; the young generations are collected as usual).
One is made instead by the rule Python would have applied (as many young
collections passed as make one due, and the oldest generation grown by a
quarter since the last), but only once no key or mouse event has come for a
moment. If the learner never stops (a key held down), one is made anyway when
``OVERDUE`` times as many young collections have passed, so that garbage in
cycles is never kept for long.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

QUIET_SECONDS = 0.4  # no input for this long: a moment nobody is waiting on
OVERDUE = 10  # this many times the usual spacing without a quiet moment: collect anyway
GROWTH = 4  # the oldest generation grown by a quarter: Python's own rule for a full pass
_HELD_OFF = 2**30  # a third threshold no count reaches


def _young_collections() -> int:
    """How many times Python has collected its middle generation so far."""
    return int(gc.get_stats()[1]["collections"])


def _long_lived() -> int:
    """How many objects the oldest generation holds (frozen ones aside)."""
    return len(gc.get_objects(generation=2))


class _Held:
    """Python's thresholds while any collector holds full collections off.

    The thresholds are the process's: two apps in one process (tests, an
    embedding program) share them, and the last to stop gives them back.
    """

    thresholds: tuple[int, int, int] | None = None
    holders = 0


class QuietCollector:
    """Holds off full collections while started, and makes them when the app is quiet."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        young_collections: Callable[[], int] = _young_collections,
        long_lived: Callable[[], int] = _long_lived,
        collect: Callable[[], object] = gc.collect,
    ) -> None:
        self._clock = clock
        self._young_collections = young_collections
        self._long_lived = long_lived
        self._collect = collect
        self._spacing: int | None = None  # Python's third threshold; None until started
        self._last_input = clock()
        self._young_at_last = 0
        self._long_lived_at_last = 0

    @property
    def started(self) -> bool:
        return self._spacing is not None

    def start(self) -> None:
        if self._spacing is not None:
            return
        if _Held.holders == 0:
            first, second, third = _Held.thresholds = gc.get_threshold()
            if third:  # 0 there means full collections are already off: nothing to move
                gc.set_threshold(first, second, _HELD_OFF)
        _Held.holders += 1
        assert _Held.thresholds is not None
        self._spacing = _Held.thresholds[2]
        self._young_at_last = self._young_collections()
        self._long_lived_at_last = self._long_lived()

    def stop(self) -> None:
        """Python's own thresholds back, as they were before the first ``start``."""
        if self._spacing is None:
            return
        self._spacing = None
        _Held.holders -= 1
        if _Held.holders == 0 and _Held.thresholds is not None:
            gc.set_threshold(*_Held.thresholds)
            _Held.thresholds = None

    def input_came(self) -> None:
        """A key or a mouse event: the learner is waiting on the screen."""
        self._last_input = self._clock()

    def check(self) -> bool:
        """Collect if one is due and the moment is quiet (or long overdue); True if it did."""
        spacing = self._spacing
        if not spacing or not gc.isenabled():
            return False
        young = self._young_collections()
        passed = young - self._young_at_last
        if passed < spacing:
            return False
        quiet = self._clock() - self._last_input >= QUIET_SECONDS
        if not quiet and passed < spacing * OVERDUE:
            return False
        grown = self._long_lived() - self._long_lived_at_last
        self._young_at_last = young
        if grown * GROWTH < self._long_lived_at_last:
            return False  # not worth a pass yet: look again after as many young ones
        self._collect()
        self._young_at_last = self._young_collections()
        self._long_lived_at_last = self._long_lived()
        return True
