"""The map layout: a pure function from curriculum (and filter) to cells."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from metrotui.core.curriculum import Curriculum
from metrotui.core.glyphs import progress_cells
from metrotui.core.tracker import path_members
from metrotui.tui.map_layout import MIN_LANE_WIDTH, MapLayout, layout_map, station_label
from tests.helpers import chain, curriculum_raw, make_curriculum, station


def sketch(layout: MapLayout, curriculum: Curriculum) -> list[str]:
    """The map as plain text: tracks, 'o' for stations, station numbers as labels."""
    lines = []
    for row in layout.rows:
        cells = [" "] * (layout.width + 2)
        for track in row.tracks:
            cells[track.x] = track.glyph
        for place in row.stations:
            cells[place.x] = "o"
            label = str(curriculum.station(place.station_id).number)
            for i, ch in enumerate(label):
                cells[place.x + 2 + i] = ch
        lines.append("".join(cells).rstrip())
    return lines


def glyph_at(layout: MapLayout, x: int, y: int) -> str | None:
    for track in layout.rows[y].tracks:
        if track.x == x:
            return track.glyph
    return None


def assert_well_formed(layout: MapLayout, expected: set[str]) -> None:
    assert set(layout.places) == expected
    cells = [(p.x, p.y) for p in layout.places.values()]
    assert len(cells) == len(set(cells)), "two stations share a cell"
    for place in layout.places.values():
        assert place.x >= 0 and place.x + 2 + place.label_width <= layout.width
        assert 0 <= place.y < layout.height
        assert place in layout.rows[place.y].stations
    for y, row in enumerate(layout.rows):
        for track in row.tracks:
            assert 0 <= track.x < layout.width, f"track outside the map at ({track.x}, {y})"
            assert (track.x, y) not in cells, "a track hides a station marker"


# The GenAI map ------------------------------------------------------------------


def test_genai_trunk_forks_into_two_lines(genai: Curriculum) -> None:
    layout = layout_map(genai, None, 100)
    assert_well_formed(layout, {s.id for s in genai.stations})
    place = layout.place
    # Trunk and scientist line share the first lane; the engineer line branches right.
    assert {place(s.id).lane for s in genai.stations_on("foundational")} == {0}
    assert {place(s.id).lane for s in genai.stations_on("scientist")} == {0}
    assert {place(s.id).lane for s in genai.stations_on("engineer")} == {1}
    # Both branches start on the row right after the fork station.
    fork = place("neural-nets-llms")
    assert place("llm-foundations").y == place("consuming-llms").y == fork.y + 2
    # The fork itself: a junction under Neural Nets & LLMs, a corner above Consuming LLMs.
    assert glyph_at(layout, fork.x, fork.y + 1) == "┣"
    assert glyph_at(layout, place("consuming-llms").x, fork.y + 1) == "┓"
    assert layout.rows[fork.y + 1].tracks[1].line_id == "engineer"


def test_genai_lines_end_in_a_terminus_but_the_trunk_does_not(genai: Curriculum) -> None:
    layout = layout_map(genai, None, 100)
    ends = [p.station_id for p in layout.places.values() if p.terminus]
    assert sorted(ends) == ["emerging-trends", "securing-llms"]
    for station_id in ends:
        place = layout.place(station_id)
        assert glyph_at(layout, place.x, place.y + 1) == "┻"
    neural = layout.place("neural-nets-llms")
    assert glyph_at(layout, neural.x, neural.y + 1) == "┣"


def test_genai_map_fits_140_by_40(genai: Curriculum) -> None:
    # The map pane at 140 columns is about 85 wide; header and footer take two rows.
    layout = layout_map(genai, None, 85)
    assert layout.width <= 85
    assert layout.height <= 38


def test_sketch_of_genai_map(genai: Curriculum) -> None:
    layout = layout_map(genai, None, 60)
    assert sketch(layout, genai)[layout.top : layout.top + 6] == [
        "  o 1",
        "  ┃",
        "  o 2",
        "  ┃",
        "  o 3",
        "  ┣" + "━" * 28 + "┓",
    ]


def test_path_filter_lays_out_only_its_stations(genai: Curriculum) -> None:
    scientist = layout_map(genai, path_members(genai, "scientist"), 100)
    assert_well_formed(scientist, path_members(genai, "scientist") or set())
    assert scientist.lanes == 1
    assert all("┓" not in "".join(t.glyph for t in row.tracks) for row in scientist.rows)
    engineer = layout_map(genai, path_members(genai, "engineer"), 100)
    assert engineer.lanes == 1
    assert "consuming-llms" in engineer.places and "pre-training" not in engineer.places


# Small hand-made maps ---------------------------------------------------------------


def test_two_independent_lines_run_side_by_side() -> None:
    raw = curriculum_raw(
        ["a", "b"],
        [station("a1", "a", 1), station("a2", "a", 2, ["a1"]), station("b1", "b", 3)],
    )
    curriculum = make_curriculum(raw)
    layout = layout_map(curriculum, None, 60)
    assert_well_formed(layout, {"a1", "a2", "b1"})
    assert layout.place("a1").lane != layout.place("b1").lane
    assert layout.place("a1").y == layout.place("b1").y


def test_cross_line_prerequisite_puts_the_station_below_what_it_needs() -> None:
    raw = curriculum_raw(
        ["a", "b"],
        [
            station("a1", "a", 1),
            station("a2", "a", 2, ["a1"]),
            station("a3", "a", 3, ["a2"]),
            station("b1", "b", 4),
            station("b2", "b", 5, ["b1", "a3"]),
        ],
    )
    curriculum = make_curriculum(raw)
    layout = layout_map(curriculum, None, 60)
    assert_well_formed(layout, {"a1", "a2", "a3", "b1", "b2"})
    assert layout.place("b2").y > layout.place("a3").y
    assert layout.place("b2").transfers == ("a3",)
    # The b line's track is unbroken down to b2.
    b = layout.place("b1")
    for y in range(b.y + 1, layout.place("b2").y):
        assert glyph_at(layout, b.x, y) == "┃"


def test_single_station_map() -> None:
    curriculum = make_curriculum(curriculum_raw(["solo"], [station("only", "solo", 1)]))
    layout = layout_map(curriculum, None, 20)
    assert_well_formed(layout, {"only"})
    assert layout.place("only").terminus
    assert layout.order == ["only"]
    assert layout.step("only", 1) == "only"
    assert layout.beside("only", 1) == "only"


def test_line_that_starts_after_another_ends_reuses_its_lane() -> None:
    raw = chain(["trunk", "next"], per_line=2)
    curriculum = make_curriculum(raw)
    layout = layout_map(curriculum, None, 60)
    assert layout.lanes == 1
    assert sketch(layout, curriculum)[layout.top : layout.top + 7] == [
        "  o 1",
        "  ┃",
        "  o 2",
        "  ┃",
        "  o 3",
        "  ┃",
        "  o 4",
    ]


def test_three_branches_from_one_station() -> None:
    raw = chain(["trunk", "x", "y", "z"], per_line=2)
    curriculum = make_curriculum(raw)
    layout = layout_map(curriculum, None, 120)
    assert_well_formed(layout, {s.id for s in curriculum.stations})
    assert layout.lanes == 3
    fork = layout.place("trunk-2")
    row = "".join(sketch(layout, curriculum)[fork.y + 1])
    assert row.strip().startswith("┣") and "┳" in row and row.rstrip().endswith("┓")


def test_navigation_follows_map_order_and_lanes(genai: Curriculum) -> None:
    layout = layout_map(genai, None, 100)
    assert layout.step("math-basics", 1) == "programming"
    assert layout.step("math-basics", -1) == "math-basics"
    assert layout.step("securing-llms", 1) == "securing-llms"
    assert layout.beside("llm-foundations", 1) == "consuming-llms"
    assert layout.beside("consuming-llms", -1) == "llm-foundations"
    assert layout.beside("pre-training", 1) == "vector-store"
    assert layout.beside("math-basics", 1) == "consuming-llms"


def test_station_at_finds_markers_and_labels(genai: Curriculum) -> None:
    layout = layout_map(genai, None, 100)
    place = layout.place("rag")
    assert layout.station_at(place.x, place.y) == "rag"
    assert layout.station_at(place.x + 5, place.y) == "rag"
    assert layout.station_at(place.x, place.y + 1) is None
    assert layout.station_at(0, 0) is None


@pytest.mark.parametrize("width", [20, 33, 60, 80, 140, 300])
def test_every_width_stays_inside_its_bounds(genai: Curriculum, width: int) -> None:
    layout = layout_map(genai, None, width)
    assert_well_formed(layout, {s.id for s in genai.stations})


# Widths and legends ------------------------------------------------------------------

KEY = ("● done", "◆ known", "◐ in progress", "○ open", "◌ locked")


def label_fits(layout: MapLayout, curriculum: Curriculum, station_id: str) -> tuple[bool, bool]:
    """Whether the station's title fits its lane, and whether its progress fits too."""
    station = curriculum.station(station_id)
    title = cell_len(station_label(station))
    room = layout.place(station_id).label_width
    return title <= room, title + 1 + progress_cells(len(station.topics)) <= room


def test_lanes_take_the_width_their_titles_need(genai: Curriculum) -> None:
    natural = layout_map(genai, None, 300, KEY)
    assert natural.width == natural.natural_width < 100
    for shown in genai.stations:
        assert label_fits(natural, genai, shown.id) == (True, True), shown.title
    # Given exactly what it wants, nothing is cut; more width is not spread about.
    exact = layout_map(genai, None, natural.natural_width, KEY)
    assert all(label_fits(exact, genai, s.id) == (True, True) for s in genai.stations)
    assert exact.width == natural.width


def test_progress_gives_way_before_any_title_is_cut(genai: Curriculum) -> None:
    natural = layout_map(genai, None, 300).natural_width
    layout = layout_map(genai, None, natural - 8)
    fits = [label_fits(layout, genai, s.id) for s in genai.stations]
    assert all(title for title, _ in fits)
    assert not all(progress for _, progress in fits)
    assert layout.width <= natural - 8


def test_a_short_lane_keeps_its_room_while_a_long_one_gives() -> None:
    long_title = "A Title Long Enough To Need Cutting Somewhere"
    raw = curriculum_raw(
        ["a", "b"],
        [station("a1", "a", 1, title="Short"), station("b1", "b", 2, title=long_title)],
    )
    curriculum = make_curriculum(raw)
    layout = layout_map(curriculum, None, 50)
    # The short title keeps what it needs; its dots give way to the long title.
    assert label_fits(layout, curriculum, "a1")[0] is True
    assert layout.place("a1").label_width == MIN_LANE_WIDTH - 3
    assert label_fits(layout, curriculum, "b1")[0] is False  # nothing else could give
    assert layout.width == 50
    roomy = layout_map(curriculum, None, 80)
    assert (
        label_fits(roomy, curriculum, "a1") == label_fits(roomy, curriculum, "b1") == (True, True)
    )


def test_wide_characters_are_measured_in_cells() -> None:
    raw = curriculum_raw(
        ["a", "b"],
        [station("a1", "a", 1, title="機械学習の基礎と応用"), station("b1", "b", 2, title="Short")],
    )
    curriculum = make_curriculum(raw)
    layout = layout_map(curriculum, None, 200)
    # " 1 " and ten characters two cells wide each, then a space and two dots.
    assert layout.place("a1").label_width == 3 + 20 + 1 + 2
    assert label_fits(layout, curriculum, "a1") == (True, True)


@pytest.mark.parametrize("width", [24, 40, 60, 100])
def test_legends_wrap_to_the_width_and_keep_every_entry(genai: Curriculum, width: int) -> None:
    layout = layout_map(genai, None, width, KEY)
    entries = [entry for row in layout.legend_rows for entry in row]
    assert [e.text for e in entries] == [f"━━ {line.name}" for line in genai.lines] + list(KEY)
    for entry in entries:
        assert entry.x + cell_len(entry.text) <= max(width, layout.width), entry
    # The map starts below the legends and a blank row.
    assert layout.top == len(layout.legend_rows) + 1
    assert layout.place("math-basics").y == layout.top
    assert not layout.rows[layout.top - 1].tracks
    assert_well_formed(layout, {s.id for s in genai.stations})


def test_each_line_has_room_for_its_name_under_its_first_station(genai: Curriculum) -> None:
    layout = layout_map(genai, None, 100, KEY)
    tags = {tag.line_id: (y, tag) for y, row in enumerate(layout.rows) for tag in row.tags}
    assert set(tags) == {line.id for line in genai.lines}
    for line in genai.lines:
        y, tag = tags[line.id]
        first = layout.place(genai.stations_on(line.id)[0].id)
        assert y == first.y + 1 and tag.x > first.x and tag.width > 10
        assert all(not tag.x <= t.x < tag.x + tag.width for t in layout.rows[y].tracks)


def many_lines(count: int, stations_each: int, title: str) -> Curriculum:
    stations = [
        station(f"l{k}s{n}", f"l{k}", k * stations_each + n, title=f"{title} {k}.{n}")
        for k in range(count)
        for n in range(1, stations_each + 1)
    ]
    return make_curriculum(curriculum_raw([f"l{k}" for k in range(count)], stations))


@pytest.mark.parametrize("width", [60, 80, 140])
def test_with_many_lines_the_legend_keeps_every_line_within_the_screen(width: int) -> None:
    curriculum = many_lines(12, 4, "Station")
    layout = layout_map(curriculum, None, width, KEY)
    assert layout.width > width  # twelve lanes do not fit: the map scrolls sideways
    entries = [entry for row in layout.legend_rows for entry in row]
    assert [e.line_id for e in entries if e.line_id] == [f"l{k}" for k in range(12)]
    assert all(e.x + cell_len(e.text) <= width for e in entries), entries


def test_a_map_that_scrolls_sideways_cuts_no_title() -> None:
    curriculum = many_lines(12, 4, "Station with a long enough title")
    layout = layout_map(curriculum, None, 80, KEY)
    for station_ in curriculum.stations:
        assert label_fits(layout, curriculum, station_.id)[0], station_.id
