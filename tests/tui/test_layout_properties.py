"""Property tests of the map on random curricula: up to 20 lines, wide titles.

Every prerequisite is either drawn (track down a lane between a station and
the one below it, or a fork's connector) or marked beside the station; labels
never overlap; markers sit on their track's column; the layout is the same
every time.  ``METROTUI_PROPERTY_EXAMPLES`` (default 60) sizes the runs.
"""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrotui.core.curriculum import Curriculum
from metrotui.core.tracker import ALL_PATHS, path_members
from metrotui.storage.curriculum_file import parse_curriculum
from metrotui.tui.map_layout import MapLayout, Placed, layout_map

EXAMPLES = max(1, int(os.environ.get("METROTUI_PROPERTY_EXAMPLES", "60")))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TITLES = [
    "Intro",
    "A much longer station title, to be cut short somewhere",
    "機械学習の基礎と応用",
    "確率と統計 📊",
    "Cafe\u0301 au lait",
    "🚀🚀🚀 Launch",
    "Ελληνικά και 中文 mixed",
]
COLORS = ["#7b3fb5", "#4fadea", "#4fad5b", "#e0a030", "#d04050"]
VERTICAL = {"┃", "┣", "┫", "╋"}  # track that carries on down a column (forks may leave it)
HORIZONTAL = {"━", "┳", "┻", "╸", "╺", "┓", "┏", "┣", "┫", "┗", "┛"}
BRIDGED = {"┃", "╹"}  # another line's track, which a connector passes under


def passes(layout: MapLayout, x: int, y: int) -> bool:
    """Whether a connector runs through the cell, over it or under a bridge."""
    here = glyph(layout, x, y)
    if here in BRIDGED:
        return (glyph(layout, x - 1, y), glyph(layout, x + 1, y)) in {("╸", "╺")}
    return here in HORIZONTAL


@st.composite
def curricula(draw: st.DrawFn) -> dict[str, Any]:
    """A valid curriculum: prerequisites point back in the list, so no cycle."""
    line_count = draw(st.integers(1, 20), label="lines")
    size = draw(st.integers(1, 60), label="stations")
    stations = []
    for index in range(size):
        line = draw(st.integers(0, line_count - 1))
        picks = draw(st.lists(st.integers(0, 2**12), max_size=3)) if index else []
        stations.append(
            {
                "id": f"s{index}",
                "number": index + 1,
                "title": draw(st.sampled_from(TITLES)),
                "line": f"line{line}",
                "prerequisites": sorted({f"s{pick % index}" for pick in picks}),
                "topics": [
                    {"id": f"s{index}-t{n}", "title": f"Topic {n}"}
                    for n in range(draw(st.integers(1, 12)))
                ],
            }
        )
    used = sorted({int(s["line"][4:]) for s in stations})
    order = draw(st.permutations(range(size)))
    return {
        "schema_version": 1,
        "id": "random",
        "title": "Random map",
        "lines": [
            {"id": f"line{n}", "name": f"Line {n} 路線", "color": COLORS[n % len(COLORS)]}
            for n in used
        ],
        "stations": [stations[n] for n in order],
    }


def load(raw: dict[str, Any]) -> Curriculum:
    return parse_curriculum(json.dumps(raw).encode(), "random.json")


def glyph(layout: MapLayout, x: int, y: int) -> str | None:
    return next((t.glyph for t in layout.rows[y].tracks if t.x == x), None)


def drawn_down_a_lane(layout: MapLayout, upper: Placed, lower: Placed) -> bool:
    """Unbroken track down one column, with no station between."""
    if upper.x != lower.x:
        return False
    between = range(upper.y + 1, lower.y)
    return all(glyph(layout, upper.x, y) in VERTICAL for y in between) and not any(
        place.x == upper.x for y in between for place in layout.rows[y].stations
    )


def drawn_as_a_fork(layout: MapLayout, source: Placed, first: Placed) -> bool:
    """A connector along the row under the source, then down the first station's column."""
    y = source.y + 1
    step = 1 if first.x > source.x else -1
    along = range(source.x + step, first.x, step)
    down = range(y + 1, first.y)
    return (
        source.x != first.x
        and glyph(layout, source.x, y) in {"┣", "┫", "┗", "┛", "┻", "╋"}
        and all(passes(layout, x, y) for x in along)
        and glyph(layout, first.x, y) in {"┓", "┏", "┳"}
        and all(glyph(layout, first.x, row) in VERTICAL for row in down)
    )


def picture(layout: MapLayout) -> str:
    """The map as text, station numbers for markers, to read in a failure."""
    lines = []
    for row in layout.rows:
        cells = [" "] * (layout.width + 2)
        for track in row.tracks:
            cells[track.x] = track.glyph
        for place in row.stations:
            cells[place.x] = place.station_id[1:][-1]
        lines.append("".join(cells).rstrip())
    return "\n".join(lines)


def lay_out(raw: dict[str, Any], data: st.DataObject) -> tuple[Curriculum, MapLayout]:
    curriculum = load(raw)
    path = data.draw(st.sampled_from([ALL_PATHS, *(line.id for line in curriculum.lines)]))
    width = data.draw(st.integers(20, 300), label="width")
    return curriculum, layout_map(curriculum, path_members(curriculum, path), width)


@SETTINGS
@given(raw=curricula(), data=st.data())
def test_every_prerequisite_is_drawn_or_marked(raw: dict[str, Any], data: st.DataObject) -> None:
    curriculum, layout = lay_out(raw, data)
    for station_id in layout.order:
        place = layout.place(station_id)
        for needed in curriculum.station(station_id).prerequisites:
            if needed not in layout.places or needed in place.transfers:
                continue
            source = layout.place(needed)
            assert drawn_down_a_lane(layout, source, place) or drawn_as_a_fork(
                layout, source, place
            ), f"{needed} -> {station_id} is neither drawn nor marked:\n{picture(layout)}"


@SETTINGS
@given(raw=curricula(), data=st.data())
def test_track_joins_only_stations_where_one_needs_the_other(
    raw: dict[str, Any], data: st.DataObject
) -> None:
    curriculum, layout = lay_out(raw, data)
    by_column: dict[int, list[Placed]] = {}
    for station_id in layout.order:
        place = layout.place(station_id)
        by_column.setdefault(place.x, []).append(place)
    for column in by_column.values():
        column.sort(key=lambda place: place.y)
        for upper, lower in zip(column, column[1:], strict=False):
            if drawn_down_a_lane(layout, upper, lower):
                needs = curriculum.station(lower.station_id).prerequisites
                assert upper.station_id in needs, f"{upper.station_id} -> {lower.station_id}"


@SETTINGS
@given(raw=curricula(), data=st.data())
def test_labels_never_overlap_and_markers_sit_on_their_lanes(
    raw: dict[str, Any], data: st.DataObject
) -> None:
    _, layout = lay_out(raw, data)
    lane_x = {}
    for station_id in layout.order:
        place = layout.place(station_id)
        assert lane_x.setdefault(place.lane, place.x) == place.x, "a marker left its lane"
    for row in layout.rows:
        spans = sorted((p.x, p.x + 2 + p.label_width) for p in row.stations)
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert end <= start, "two labels overlap"
        for track in row.tracks:
            assert all(not start <= track.x < end for start, end in spans), "track over a label"


@SETTINGS
@given(raw=curricula(), data=st.data())
def test_the_layout_is_deterministic(raw: dict[str, Any], data: st.DataObject) -> None:
    width = data.draw(st.integers(20, 300), label="width")
    first, again = layout_map(load(raw), None, width), layout_map(load(raw), None, width)
    assert [first.place(s) for s in first.order] == [again.place(s) for s in again.order]
    assert [row.tracks for row in first.rows] == [row.tracks for row in again.rows]
    assert first.legend_rows == again.legend_rows


@SETTINGS
@given(raw=curricula(), data=st.data())
def test_track_meets_only_under_a_station(raw: dict[str, Any], data: st.DataObject) -> None:
    # Where three or four tracks meet, a station's track forks; anywhere else
    # a crossing would pass for a junction.
    _, layout = lay_out(raw, data)
    for y, row in enumerate(layout.rows):
        for track in row.tracks:
            if track.glyph in {"╋", "┻"}:
                above = {place.x for place in layout.rows[y - 1].stations}
                terminus = (
                    track.glyph == "┻"
                    and glyph(layout, track.x - 1, y) == "━"
                    and glyph(layout, track.x + 1, y) == "━"
                )
                assert track.x in above or terminus, f"a false junction:\n{picture(layout)}"
