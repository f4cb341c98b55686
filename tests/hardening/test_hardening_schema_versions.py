"""Property tests across schema versions.

A version 1 file loads exactly as it did: the same records, the same keys (its
topic ids), nothing filled in, and read under the version 2 rules it is the same
curriculum.  On random version 2 curricula (one_of, stations without topics,
repeated topic ids) the tracker's states follow their definition, and a
tracker moved on from an earlier one agrees with one built afresh.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from metrotui.core.curriculum import Curriculum
from metrotui.core.tracker import StationState, Tracker
from metrotui.storage.curriculum_file import parse_curriculum
from tests.hardening.test_hardening_properties import SETTINGS, curricula


def load(raw: dict[str, Any]) -> Curriculum:
    return parse_curriculum(json.dumps(raw).encode(), "random.json")


@SETTINGS
@given(raw=curricula(max_stations=120), data=st.data())
def test_a_version_1_file_loads_as_it_always_did(raw: dict[str, Any], data: st.DataObject) -> None:
    curriculum = load(raw)
    written = curriculum.to_data()
    # Nothing added: no version 2 key, the file's own colours and numbers.
    assert set(written) <= {"schema_version", "id", "title", "description", "source"} | {
        "lines",
        "stations",
    }
    assert [line["color"] for line in written["lines"]] == [line["color"] for line in raw["lines"]]
    for given_station, station in zip(raw["stations"], curriculum.stations, strict=True):
        assert station.number == given_station["number"]
        assert station.prerequisites == tuple(given_station["prerequisites"])
        assert "meta" not in written["stations"][0]
        # Every key is the topic's own id, as progress files have always held.
        assert curriculum.keys_of(station.id) == station.topic_ids
    # Read under the version 2 rules, the same file is the same curriculum.
    as_v2 = load({**raw, "schema_version": 2})
    assert {**as_v2.to_data(), "schema_version": 1} == written
    marks = data.draw(st.sets(st.sampled_from(list(curriculum.all_keys()))), label="marks")
    one, two = Tracker(curriculum, marks), Tracker(as_v2, marks)
    for station in curriculum.stations:
        assert one.state(station.id) is two.state(station.id)
        assert one.count(station.id) == two.count(station.id)


@st.composite
def v2_curricula(draw: st.DrawFn) -> dict[str, Any]:
    """A version 2 curriculum: some needs are one_of, some stations have no topics, and
    topic ids repeat across stations (and may be a station's id)."""
    size = draw(st.integers(1, 40), label="stations")
    lines = draw(st.integers(1, 20), label="lines")
    stations = []
    for index in range(size):
        # Each earlier station at most once (a check refuses one listed twice),
        # split into groups: a group of one is a plain need, a bigger one a one_of.
        named = draw(st.lists(st.integers(0, max(index - 1, 0)), max_size=4, unique=True))
        named = [f"s{n}" for n in named] if index else []
        needs: list[Any] = []
        while named:
            take = draw(st.integers(1, len(named)))
            group, named = named[:take], named[take:]
            plain = take == 1 and draw(st.booleans())
            needs.append(group[0] if plain else {"one_of": group})
        topics = draw(st.lists(st.sampled_from(["a", "b", "s0", "c"]), max_size=3, unique=True))
        stations.append(
            {
                "id": f"s{index}",
                "title": f"Station {index}",
                "line": f"l{draw(st.integers(0, lines - 1))}",
                "prerequisites": needs,
                "topics": [{"id": t, "title": t.upper()} for t in topics],
            }
        )
    return {
        "schema_version": 2,
        "id": "random-v2",
        "title": "Random",
        "lines": [{"id": f"l{n}", "name": f"Line {n}"} for n in range(lines)],
        "stations": stations,
    }


@SETTINGS
@given(raw=v2_curricula(), data=st.data())
def test_version_2_states_follow_their_definition(raw: dict[str, Any], data: st.DataObject) -> None:
    curriculum = load(raw)
    keys = list(curriculum.all_keys())
    # One key for each topic and for each station without one; none shared.
    expected = sum(max(len(s["topics"]), 1) for s in raw["stations"])
    assert len(keys) == len(set(keys)) == expected
    steps = data.draw(st.lists(st.sets(st.sampled_from(keys)), max_size=4), label="steps")
    tracker = Tracker(curriculum, [])
    for marks in steps:
        moved, fresh = Tracker(curriculum, marks, since=tracker), Tracker(curriculum, marks)
        finished = {s.id for s in curriculum.stations if set(curriculum.keys_of(s.id)) <= marks}
        for station in curriculum.stations:
            state = fresh.state(station.id)
            assert moved.state(station.id) is state
            assert moved.count(station.id) == fresh.count(station.id)
            met = all(any(p in finished for p in group) for group in station.needs)
            if station.id in finished:
                assert state is StationState.DONE
            else:
                assert (state is StationState.LOCKED) == (not met)
        for station in curriculum.stations:
            route = fresh.route(station.id)
            # A route finishes what it needs before each stop, and ends at the station.
            done_so_far = set(finished)
            for stop in route:
                assert all(any(p in done_so_far for p in g) for g in stop.needs), stop.id
                done_so_far.add(stop.id)
            assert station.id in done_so_far
        tracker = moved
