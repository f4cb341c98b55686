"""Property tests: random valid curricula and random sequences of store operations.

Curricula are built as JSON dicts (as a stranger would write them) and loaded
through ``parse_curriculum``: DAGs over one to five lines, 1 to 300 stations,
listed in any order.  Example counts are kept modest so the file runs in about
ten seconds; ``METROTUI_PROPERTY_EXAMPLES`` (default 60) sizes them.
"""

from __future__ import annotations

import inspect
import json
import os
import random
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrotui.core.curriculum import Curriculum
from metrotui.core.tracker import ALL_PATHS, StationState, Tracker, path_members
from metrotui.storage.curriculum_file import parse_curriculum
from metrotui.storage.progress import ProgressStore
from metrotui.tui.app import MetroApp
from metrotui.tui.map_layout import READABLE_LANE_WIDTH, MapLayout, layout_map

COLORS = ["#7b3fb5", "#4fadea", "#4fad5b", "#e0a030", "#d04050"]
# Examples per property; METROTUI_PROPERTY_EXAMPLES scales them (say, 1000 for a
# long local run, 20 for a quick one).
EXAMPLES = max(1, int(os.environ.get("METROTUI_PROPERTY_EXAMPLES", "60")))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def curricula(draw: st.DrawFn, min_stations: int = 1, max_stations: int = 300) -> dict[str, Any]:
    """A valid curriculum as JSON: prerequisites only point back, so there is no cycle."""
    line_count = draw(st.integers(1, 5))
    # The size is drawn first so that big maps come up as often as small ones.
    size = draw(st.integers(min_stations, max_stations), label="stations")
    shapes = draw(
        st.lists(
            st.tuples(
                st.integers(0, line_count - 1),  # its line
                st.lists(st.integers(0, 2**12), max_size=3),  # its prerequisites, see below
                st.integers(1, 4),  # how many topics
                st.sampled_from(["", "Short", "A much longer station title, to be cut short"]),
            ),
            min_size=size,
            max_size=size,
        )
    )
    stations = []
    for index, (line, picks, topics, title) in enumerate(shapes):
        # Each pick names an earlier station, so the graph is a DAG.
        prerequisites = sorted({f"s{pick % index}" for pick in picks}) if index else []
        stations.append(
            {
                "id": f"s{index}",
                "number": index + 1,
                "title": title or f"Station {index}",
                "line": f"line{line}",
                "prerequisites": prerequisites,
                "topics": [{"id": f"s{index}-t{n}", "title": f"Topic {n}"} for n in range(topics)],
            }
        )
    # The file may list stations in any order, not only after what they need.
    order = draw(st.permutations(range(len(stations))))
    return {
        "schema_version": 1,
        "id": "random",
        "title": "Random map",
        "lines": [
            {"id": f"line{n}", "name": f"Line {n}", "color": COLORS[n]} for n in range(line_count)
        ],
        "stations": [stations[n] for n in order],
    }


def load(raw: dict[str, Any]) -> Curriculum:
    return parse_curriculum(json.dumps(raw).encode(), "random.json")


def paths_of(curriculum: Curriculum) -> list[str]:
    return [ALL_PATHS, *(line.id for line in curriculum.lines)]


# Curricula: load, states, paths -----------------------------------------------------------


@SETTINGS
@given(raw=curricula(), data=st.data())
def test_states_follow_from_the_topics_done(raw: dict[str, Any], data: st.DataObject) -> None:
    curriculum = load(raw)
    topics = list(curriculum.all_topic_ids())
    done = data.draw(st.sets(st.sampled_from(topics)), label="done")
    unknown = data.draw(st.sets(st.sampled_from(["gone-1", "gone-2"])), label="unknown")
    tracker = Tracker(curriculum, done | unknown)
    assert tracker.orphans == sorted(unknown)
    finished = {s.id for s in curriculum.stations if set(s.topic_ids) <= done}
    for station in curriculum.stations:
        state = tracker.state(station.id)
        count = tracker.count(station.id)
        assert count.total == len(station.topics)
        assert count.done == len(set(station.topic_ids) & done)
        # done ⇔ every topic done, whatever the prerequisites say.
        assert (state is StationState.DONE) == (station.id in finished)
        # locked ⇔ not done and some prerequisite not done ("done" wins: a
        # station finished before its prerequisites were undone stays done).
        blocked = any(p not in finished for p in station.prerequisites)
        assert (state is StationState.LOCKED) == (station.id not in finished and blocked)
        if state not in (StationState.DONE, StationState.LOCKED):
            expected = StationState.IN_PROGRESS if count.done else StationState.AVAILABLE
            assert state is expected
    assert tracker.overall.done == len(done)


@SETTINGS
@given(raw=curricula())
def test_a_path_filter_is_closed_under_prerequisites(raw: dict[str, Any]) -> None:
    curriculum = load(raw)
    assert path_members(curriculum, ALL_PATHS) is None
    for line in curriculum.lines:
        members = path_members(curriculum, line.id)
        assert members is not None
        on_line = {s.id for s in curriculum.stations_on(line.id)}
        assert on_line <= members
        for station_id in members:
            assert set(curriculum.station(station_id).prerequisites) <= members
        # ...and holds nothing else: each member is on the line or needed by it.
        needed, pending = set(), list(on_line)
        while pending:
            station_id = pending.pop()
            if station_id not in needed:
                needed.add(station_id)
                pending.extend(curriculum.station(station_id).prerequisites)
        assert members == needed


# Layout ---------------------------------------------------------------------------------


def check_layout(curriculum: Curriculum, layout: MapLayout, visible: frozenset[str] | None) -> None:
    shown = [s.id for s in curriculum.stations if visible is None or s.id in visible]
    assert layout.order == shown
    assert set(layout.places) == set(shown)
    assert len(layout.rows) == layout.height
    cells: dict[tuple[int, int], str] = {}
    for station_id in shown:
        place = layout.place(station_id)
        # Exactly one cell per station, inside the bounds, label and all.
        assert (place.x, place.y) not in cells, (station_id, cells.get((place.x, place.y)))
        cells[(place.x, place.y)] = station_id
        assert 0 <= place.y < layout.height
        assert place.x >= 0 and place.x + 2 + place.label_width <= layout.width
        assert place.label_width >= 1
        assert [p.station_id for p in layout.rows[place.y].stations].count(station_id) == 1
        assert layout.station_at(place.x, place.y) == station_id
        # A station is drawn below everything it needs that is shown.
        for prerequisite in curriculum.station(station_id).prerequisites:
            if prerequisite in layout.places:
                assert layout.place(prerequisite).y < place.y
    for y, row in enumerate(layout.rows):
        assert all(place.y == y for place in row.stations)
        # Labels on one row never run into each other.
        for left, right in zip(row.stations, row.stations[1:], strict=False):
            assert left.x + 2 + left.label_width <= right.x
        for track in row.tracks:
            assert 0 <= track.x < layout.width
            assert len(track.glyph) == 1
            assert (track.x, y) not in cells  # track never over a station marker
            assert curriculum.has_line(track.line_id)
    assert sum(len(row.stations) for row in layout.rows) == len(shown)


@SETTINGS
@given(raw=curricula(), width=st.integers(20, 300), data=st.data())
def test_the_layout_places_every_station_once_inside_its_bounds(
    raw: dict[str, Any], width: int, data: st.DataObject
) -> None:
    curriculum = load(raw)
    path = data.draw(st.sampled_from(paths_of(curriculum)), label="path")
    visible = path_members(curriculum, path)
    layout = layout_map(curriculum, visible, width)
    check_layout(curriculum, layout, visible)
    # A station's lane fits the width asked for when readable lanes can (the
    # widget scrolls sideways when they cannot).
    if layout.lanes * READABLE_LANE_WIDTH + 2 <= width:
        assert layout.width <= width


@settings(
    max_examples=max(1, EXAMPLES // 12),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(raw=curricula(min_stations=200))
def test_big_random_maps_lay_out_at_the_extreme_widths(raw: dict[str, Any]) -> None:
    curriculum = load(raw)
    for width in (20, 300):
        check_layout(curriculum, layout_map(curriculum, None, width), None)


# The progress store ------------------------------------------------------------------

IDS = ["linear-algebra", "calculus", "gone-topic", "ü-tëst", "a" * 64, "x.y_z-1"]
STAMPS = ["2024-01-01T00:00:00.000Z", "2025-06-30T12:34:56.789Z"]
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("mark"), st.lists(st.sampled_from(IDS)), st.sampled_from(STAMPS)),
        st.tuples(st.just("unmark"), st.lists(st.sampled_from(IDS)), st.none()),
        st.tuples(st.just("mark_known"), st.lists(st.sampled_from(IDS)), st.sampled_from(STAMPS)),
        st.tuples(
            st.just("set_note"),
            st.lists(st.sampled_from(["s1", "s2"]), min_size=1, max_size=1),
            st.sampled_from(["", "  ", "A note", "Line one\nline two [bold]"]),
        ),
    ),
    max_size=25,
)


class Model:
    """What the file should hold, kept the simple way."""

    def __init__(self) -> None:
        self.done: dict[str, str] = {}
        self.known: dict[str, str] = {}
        self.notes: dict[str, str] = {}

    def apply(self, op: str, ids: list[str], arg: str | None) -> None:
        if op == "mark":
            for topic in ids:
                self.done.setdefault(topic, str(arg))
            self.known = {k: v for k, v in self.known.items() if k not in self.done}
        elif op == "unmark":
            self.done = {k: v for k, v in self.done.items() if k not in ids}
            self.known = {k: v for k, v in self.known.items() if k not in ids}
        elif op == "mark_known":
            for topic in ids:
                if topic not in self.done:
                    self.known.setdefault(topic, str(arg))
        elif arg and arg.strip():
            self.notes[ids[0]] = arg
        else:
            self.notes.pop(ids[0], None)


@settings(max_examples=EXAMPLES * 4 // 3, deadline=None)
@given(OPERATIONS)
def test_random_store_operations_round_trip(operations: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "progress.json"
        # Someone else's key, from a later metrotui, must survive every rewrite.
        path.write_text(
            json.dumps({"schema_version": 1, "curriculum": "c", "done": {}, "later": [1, {"x": 2}]})
        )
        store = ProgressStore(path, "c")
        model = Model()
        for op, ids, arg in operations:
            if op == "mark":
                store.mark(ids, when=arg)
            elif op == "unmark":
                store.unmark(ids)
            elif op == "mark_known":
                store.mark_known(ids, when=arg)
            else:
                store.set_note(ids[0], str(arg), when=STAMPS[0])
            model.apply(op, ids, arg)
            on_disk = json.loads(path.read_text(encoding="utf-8"))
            assert on_disk["done"] == model.done
            assert on_disk.get("known", {}) == model.known
            assert {k: v["text"] for k, v in on_disk.get("notes", {}).items()} == model.notes
            assert on_disk["later"] == [1, {"x": 2}]
            assert on_disk["schema_version"] == 1 and on_disk["curriculum"] == "c"
            fresh = ProgressStore(path, "c").load()  # another process reads the same
            assert fresh.done == model.done and fresh.known == model.known
        assert not list(Path(folder).glob(".*.tmp"))
        assert not list(Path(folder).glob("*.damaged-*"))


# The map widget at the smallest and largest sizes ------------------------------------------


def seeded_curriculum(seed: int, size: int) -> dict[str, Any]:
    """A fixed random map (the same every run), built like the strategy's."""
    rng = random.Random(seed)
    line_count = 5
    stations = []
    for index in range(size):
        picks = rng.sample(range(index), k=min(index, rng.randint(0, 3))) if index else []
        stations.append(
            {
                "id": f"s{index}",
                "number": index + 1,
                "title": rng.choice(["Short", "A much longer station title, to be cut short"]),
                "line": f"line{rng.randrange(line_count)}",
                "prerequisites": [f"s{pick}" for pick in picks],
                "topics": [
                    {"id": f"s{index}-t{n}", "title": f"Topic {n}"}
                    for n in range(rng.randint(1, 12))
                ],
            }
        )
    rng.shuffle(stations)
    return {
        "schema_version": 1,
        "id": "seeded",
        "title": "Seeded map",
        "lines": [
            {"id": f"line{n}", "name": f"Line {n}", "color": COLORS[n]} for n in range(line_count)
        ],
        "stations": stations,
    }


@pytest.mark.parametrize("size", [(20, 8), (45, 15), (300, 100)])
async def test_the_map_draws_a_300_station_map_at_any_terminal_size(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    curriculum = load(seeded_curriculum(7, 300))
    app = MetroApp(
        curriculum, tmp_path / "progress.json", ui_state_path=tmp_path / "ui.json", watch_interval=0
    )
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in ("end", "up", "right", "left", "home"):
            await pilot.press(key)
            await pilot.pause()
            width = app.map.scrollable_content_region.width  # less the scrollbar
            for y in range(app.map.size.height):
                assert app.map.render_line(y).cell_length == width
            screen = list(app.screen._compositor.render_strips())
            assert len(screen) == size[1]
            assert all(strip.cell_length == size[0] for strip in screen)
        check_layout(curriculum, app.map.layout_, None)
        assert app.is_running


@SETTINGS
@given(raw=curricula(max_stations=120), data=st.data())
def test_a_tracker_updated_from_an_earlier_one_agrees_with_a_fresh_one(
    raw: dict[str, Any], data: st.DataObject
) -> None:
    if "since" not in inspect.signature(Tracker).parameters:
        pytest.skip("this Tracker has no incremental update")
    curriculum = load(raw)
    topics = st.sets(st.sampled_from(list(curriculum.all_topic_ids())))
    tracker = Tracker(curriculum, data.draw(topics, label="start"))
    for step in range(3):  # a few ticks and unticks, each from the tracker before
        done = data.draw(topics, label=f"step {step}")
        known = data.draw(topics, label=f"known {step}")
        tracker = Tracker(curriculum, done, known, since=tracker)
        fresh = Tracker(curriculum, done, known)
        for station in curriculum.stations:
            assert tracker.state(station.id) is fresh.state(station.id), station.id
            assert tracker.count(station.id) == fresh.count(station.id), station.id
