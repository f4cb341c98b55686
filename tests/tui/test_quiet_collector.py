"""Python's full collections wait for a quiet moment while the app runs.

A full collection walks everything the app keeps drawn (tens of milliseconds
on a big map); made in the middle of a key, it was the slowest key in every
fifteen. These tests hold the collector to when it collects, and the app to
handing Python its own thresholds back.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from metrotui.core.curriculum import Curriculum
from metrotui.tui.quiet_collector import OVERDUE, QUIET_SECONDS, QuietCollector
from tests.tui.test_app import make_app
from tests.waiting import pause_until


class Clocks:
    """A clock, Python's counts and a record of full collections, all in the test's hands."""

    def __init__(self) -> None:
        self.now = 100.0
        self.young = 0
        self.long_lived = 1000
        self.full = 0
        self.made: list[QuietCollector] = []

    def collector(self) -> QuietCollector:
        def collect() -> None:
            self.full += 1
            self.long_lived = 1000  # what a full pass leaves

        made = QuietCollector(
            lambda: self.now, lambda: self.young, lambda: self.long_lived, collect
        )
        self.made.append(made)
        return made


@pytest.fixture
def clocks() -> Iterator[Clocks]:
    thresholds = gc.get_threshold()
    clocks = Clocks()
    yield clocks
    for collector in clocks.made:
        collector.stop()
    assert gc.get_threshold() == thresholds


def test_a_full_collection_waits_until_it_is_due_and_nobody_is_pressing_keys(
    clocks: Clocks,
) -> None:
    spacing = gc.get_threshold()[2]
    collector = clocks.collector()
    collector.start()
    assert gc.get_threshold()[2] > 1_000_000  # Python's own full collections held off
    clocks.long_lived = 1300  # grown by more than a quarter
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


def test_no_collection_while_the_oldest_generation_has_hardly_grown(clocks: Clocks) -> None:
    spacing = gc.get_threshold()[2]
    collector = clocks.collector()
    collector.start()
    clocks.long_lived = 1200  # a fifth more: Python would not make a full pass either
    clocks.young = spacing
    clocks.now += 10
    assert not collector.check()
    clocks.long_lived = 1300
    clocks.young = spacing + 1
    assert not collector.check()  # looked again only after as many young collections
    clocks.young = 2 * spacing
    assert collector.check()
    assert clocks.full == 1


def test_a_learner_who_never_stops_still_gets_a_collection(clocks: Clocks) -> None:
    spacing = gc.get_threshold()[2]
    collector = clocks.collector()
    collector.start()
    clocks.long_lived = 5000
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
    clocks.long_lived = 10_000
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


@pytest.mark.parametrize("first_to_stop", [0, 1])
def test_two_collectors_give_python_its_thresholds_back_when_both_stop(
    clocks: Clocks, first_to_stop: int
) -> None:
    before = gc.get_threshold()
    collectors = [clocks.collector(), clocks.collector()]
    for collector in collectors:
        collector.start()
    clocks.young = before[2]
    clocks.long_lived = 2000
    clocks.now += 10
    assert collectors[1].check()  # the second one collects by Python's spacing too
    collectors[first_to_stop].stop()
    assert gc.get_threshold()[2] > 1_000_000  # the other still holds them off
    collectors[1 - first_to_stop].stop()
    assert gc.get_threshold() == before


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
        told: list[bool] = []
        app.collector.input_came = lambda: told.append(True)  # type: ignore[method-assign]
        await pilot.press("j")
        assert told  # a key counts as the learner waiting
    assert gc.get_threshold() == before


async def test_the_app_frees_garbage_cycles_in_a_quiet_moment(
    genai: Curriculum, tmp_path: Path
) -> None:
    class Node:
        def __init__(self) -> None:
            self.me = self  # a cycle: only the cyclic collector frees it

    app = make_app(genai, tmp_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        node = Node()
        gone = weakref.ref(node)
        # Kept alive through two young collections, the cycle is in the oldest
        # generation, where only a full collection looks; with it, enough
        # objects to make one worth while, and enough young collections to make one due.
        kept = [[] for _ in range(gc.get_count()[0] + len(gc.get_objects(generation=2)))]
        gc.collect(1)
        gc.collect(1)
        del node
        for _ in range(20):  # twice the young collections that make a full one due
            gc.collect(1)
        assert gone() is not None  # young collections leave it
        await pause_until(pilot, lambda: gone() is None, "a full collection", timeout=5)
        del kept
