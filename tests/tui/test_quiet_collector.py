"""Python's full collections wait for a quiet moment while the app runs.

A full collection walks everything the app keeps drawn (tens of milliseconds
on a big map); made in the middle of a key, it was the slowest key in every
fifteen. These tests hold the collector to when it collects, and the app to
handing Python its own thresholds back.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from metrotui.core.curriculum import Curriculum
from metrotui.tui.quiet_collector import OVERDUE, QUIET_SECONDS, QuietCollector
from tests.tui.test_app import make_app


class Clocks:
    """A clock, a count of young collections and a record of full ones, all in the test's hands."""

    def __init__(self) -> None:
        self.now = 100.0
        self.young = 0
        self.full = 0

    def collector(self) -> QuietCollector:
        def collect() -> None:
            self.full += 1

        return QuietCollector(lambda: self.now, lambda: self.young, collect)


@pytest.fixture
def clocks() -> Iterator[Clocks]:
    thresholds = gc.get_threshold()
    yield Clocks()
    gc.set_threshold(*thresholds)


def test_a_full_collection_waits_until_it_is_due_and_nobody_is_pressing_keys(
    clocks: Clocks,
) -> None:
    spacing = gc.get_threshold()[2]
    collector = clocks.collector()
    collector.start()
    assert gc.get_threshold()[2] > 1_000_000  # Python's own full collections held off
    clocks.young = spacing - 1
    clocks.now += 10
    assert not collector.check()  # quiet, but not due yet
    clocks.young = spacing
    collector.input_came()
    clocks.now += QUIET_SECONDS / 2
    assert not collector.check()  # due, but a key came a moment ago
    clocks.now += QUIET_SECONDS
    assert collector.check()
    assert clocks.full == 1
    clocks.now += 10
    assert not collector.check()  # nothing due since
    collector.stop()
    assert gc.get_threshold()[2] == spacing


def test_a_learner_who_never_stops_still_gets_a_collection(clocks: Clocks) -> None:
    spacing = gc.get_threshold()[2]
    collector = clocks.collector()
    collector.start()
    for young in range(spacing * OVERDUE):
        clocks.young = young
        clocks.now += 0.05
        collector.input_came()
        assert not collector.check()
    clocks.young = spacing * OVERDUE
    assert collector.check()
    assert clocks.full == 1


def test_nothing_is_collected_when_the_collector_is_stopped_or_gc_is_off(clocks: Clocks) -> None:
    collector = clocks.collector()
    clocks.young = 10_000
    clocks.now += 10
    assert not collector.check()  # never started
    collector.start()
    gc.disable()
    try:
        assert not collector.check()
    finally:
        gc.enable()
    collector.stop()
    assert not collector.check()
    assert clocks.full == 0


async def test_the_app_holds_off_full_collections_only_while_it_runs(
    genai: Curriculum, tmp_path: Path
) -> None:
    before = gc.get_threshold()
    app = make_app(genai, tmp_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert gc.get_threshold()[:2] == before[:2]
        assert gc.get_threshold()[2] > 1_000_000
        assert app.collector.started
    assert gc.get_threshold() == before
