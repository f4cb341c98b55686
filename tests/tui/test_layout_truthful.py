"""The map implies no order the data lacks and shows every prerequisite (issue 12).

Track joins two stations of a line only where the lower needs the upper; every
other prerequisite is marked beside the station that needs it; a fork passes
other lines' track by a bridge, never a junction; lanes stay readable however
many lines there are.
"""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len

from metrotui.core.curriculum import Curriculum
from metrotui.storage.curriculum_file import load_curriculum
from metrotui.tui.map_layout import (
    BRIDGE_LEFT,
    BRIDGE_RIGHT,
    LABEL_GAP,
    READABLE_LANE_WIDTH,
    MapLayout,
    layout_map,
    needs_mark,
    station_label,
)
from tests.helpers import curriculum_raw, make_curriculum, station
from tests.tui.roadmaps import computer_science, lecture_catalogue

KEY = ("● done", "◆ known", "◐ in progress", "○ open", "◌ locked")


def glyphs(layout: MapLayout, y: int) -> dict[int, str]:
    return {track.x: track.glyph for track in layout.rows[y].tracks}


def track_between(layout: MapLayout, upper: str, lower: str) -> bool:
    """Whether unbroken track runs down the column from one station to the other."""
    top, bottom = layout.place(upper), layout.place(lower)
    return top.x == bottom.x and all(
        glyphs(layout, y).get(top.x) == "┃" for y in range(top.y + 1, bottom.y)
    )


def test_a_catalogue_without_prerequisites_is_a_list_of_stops() -> None:
    catalogue = lecture_catalogue()
    layout = layout_map(catalogue, None, 120, KEY)
    assert all(not row.tracks for row in layout.rows), "track implies an order"
    lectures = [layout.place(s.id) for s in catalogue.stations_on("lectures")]
    assert len({p.x for p in lectures}) == 1
    assert [p.y for p in lectures] == sorted(p.y for p in lectures)
    assert all(not p.transfers for p in layout.places.values())


def test_a_station_that_does_not_need_the_one_above_starts_its_own_segment() -> None:
    raw = curriculum_raw(
        ["a"],
        [
            station("a1", "a", 1),
            station("a2", "a", 2, ["a1"]),
            station("a3", "a", 3),  # needs nothing
            station("a4", "a", 4, ["a3"]),
            station("a5", "a", 5, ["a1"]),  # needs the first only
        ],
    )
    layout = layout_map(make_curriculum(raw), None, 60)
    assert track_between(layout, "a1", "a2")
    assert track_between(layout, "a3", "a4")
    a2, a3, a4, a5 = (layout.place(s) for s in ("a2", "a3", "a4", "a5"))
    # Each segment that has track ends in a cap; nothing joins a2 to a3 or a4 to a5.
    assert glyphs(layout, a2.y + 1).get(a2.x) == "┻"
    assert glyphs(layout, a4.y + 1).get(a4.x) == "┻"
    assert a3.y == a2.y + 2 and a5.y == a4.y + 2
    assert a3.transfers == () and a5.transfers == ("a1",)


def test_stations_that_each_need_only_the_first_are_not_drawn_as_a_chain() -> None:
    # The Exercism shape: a fan-out from one station, all on one line.
    raw = curriculum_raw(
        ["track"],
        [station("hello", "track", 1)]
        + [station(f"c{n}", "track", n, ["hello"]) for n in range(2, 8)],
    )
    curriculum = make_curriculum(raw)
    layout = layout_map(curriculum, None, 60)
    assert track_between(layout, "hello", "c2")
    for n in range(3, 8):
        place = layout.place(f"c{n}")
        assert place.transfers == ("hello",)
        assert not track_between(layout, f"c{n - 1}", f"c{n}")


def test_a_prerequisite_on_another_line_is_marked_beside_the_station() -> None:
    cs = computer_science()
    layout = layout_map(cs, None, 140, KEY)
    # Operating Systems follows Nand to Tetris down its track, and needs
    # How to Code: Complex Data on the programming line too.
    assert track_between(layout, "nand2tetris-2", "os")
    assert layout.place("os").transfers == ("htc-complex",)
    assert needs_mark([cs.station("htc-complex")]) == "⇠3"
    capstone = layout.place("capstone")
    assert capstone.transfers == ("testing", "ml")
    assert needs_mark([cs.station(s) for s in capstone.transfers]) == "⇠6,22"


def test_the_lane_has_room_for_the_marks_beside_its_titles() -> None:
    cs = computer_science()
    layout = layout_map(cs, None, 2000, KEY)
    for station_ in cs.stations:
        place = layout.place(station_.id)
        mark = needs_mark([cs.station(s) for s in place.transfers])
        want = cell_len(station_label(station_)) + (1 + cell_len(mark) if mark else 0)
        assert want <= place.label_width, station_.id


def test_a_fork_passing_another_lane_bridges_its_track() -> None:
    raw = curriculum_raw(
        ["a", "b", "c"],
        [
            station("a1", "a", 1),
            station("a2", "a", 2, ["a1"]),
            station("b1", "b", 3),
            station("b2", "b", 4, ["b1"]),
            station("b3", "b", 5, ["b2"]),
            station("c1", "c", 6, ["a1"]),  # branches off a, across b's track
        ],
    )
    layout = layout_map(make_curriculum(raw), None, 120)
    a1, b, c1 = layout.place("a1"), layout.place("b2"), layout.place("c1")
    assert a1.lane < b.lane < c1.lane
    fork_row = layout.rows[a1.y + 1]
    row = glyphs(layout, a1.y + 1)
    assert row[a1.x] == "┣" and row[c1.x] == "┓"
    assert (row[b.x - 1], row[b.x], row[b.x + 1]) == (BRIDGE_LEFT, "┃", BRIDGE_RIGHT)
    colours = {track.x: track.line_id for track in fork_row.tracks}
    assert (colours[b.x - 1], colours[b.x], colours[b.x + 1]) == ("c", "b", "c")
    assert all("╋" not in glyphs(layout, y).values() for y in range(layout.height))


def test_the_twelve_line_map_has_no_false_junction() -> None:
    layout = layout_map(computer_science(), None, 140, KEY)
    assert all("╋" not in glyphs(layout, y).values() for y in range(layout.height))


def test_a_lane_freed_by_a_terminus_goes_to_no_other_line() -> None:
    raw = curriculum_raw(
        ["a", "b", "c"],
        [
            station("a1", "a", 1),
            station("a2", "a", 2, ["a1"]),
            *(station(f"b{n}", "b", 2 + n, [f"b{n - 1}"] if n > 1 else []) for n in range(1, 6)),
            station("c1", "c", 8, ["b4"]),  # starts well below a's terminus
        ],
    )
    layout = layout_map(make_curriculum(raw), None, 120)
    lanes = {s: layout.place(s).lane for s in ("a1", "b1", "c1")}
    assert len(set(lanes.values())) == 3, lanes


def test_a_line_carries_on_down_the_lane_of_the_line_it_follows() -> None:
    raw = curriculum_raw(
        ["a", "b", "c"],
        [
            station("a1", "a", 1),
            station("b1", "b", 2),
            station("b2", "b", 3, ["b1"]),
            station("c1", "c", 4, ["b2"]),
        ],
    )
    layout = layout_map(make_curriculum(raw), None, 120)
    assert layout.place("c1").lane == layout.place("b1").lane
    assert track_between(layout, "b2", "c1")


def test_fifteen_lines_keep_readable_lanes_and_scroll_sideways() -> None:
    lines = [f"l{k}" for k in range(15)]
    title = "Introduction to the subject"
    stations = [
        station(f"{line}-{n}", line, 3 * k + n, [f"{line}-{n - 1}"] if n > 1 else [], title=title)
        for k, line in enumerate(lines)
        for n in (1, 2, 3)
    ]
    curriculum = make_curriculum(curriculum_raw(lines, stations))
    for width in (80, 140):
        layout = layout_map(curriculum, None, width, KEY)
        assert layout.width > width  # fifteen readable lanes do not fit: it scrolls
        for station_ in curriculum.stations:
            place = layout.place(station_.id)
            assert place.label_width >= cell_len(station_label(station_)), station_.id
        entries = [entry for row in layout.legend_rows for entry in row]
        assert [e.line_id for e in entries if e.line_id] == lines


def test_titles_are_cut_no_shorter_than_a_readable_lane() -> None:
    title = "A title long enough that it will have to be cut somewhere"

    def lanes(count: int) -> tuple[MapLayout, Curriculum]:
        lines = [f"l{k}" for k in range(count)]
        stations = [station(f"{line}s", line, k + 1, title=title) for k, line in enumerate(lines)]
        curriculum = make_curriculum(curriculum_raw(lines, stations))
        return layout_map(curriculum, None, 80), curriculum

    three, _ = lanes(3)  # three readable lanes fit in 80 columns: titles are cut to fit
    assert three.width <= 80
    assert all(p.label_width >= READABLE_LANE_WIDTH - LABEL_GAP for p in three.places.values())
    four, curriculum = lanes(4)  # four do not: the map scrolls and cuts nothing
    assert four.width > 80
    for station_ in curriculum.stations:
        assert four.place(station_.id).label_width >= cell_len(station_label(station_))


def test_the_same_curriculum_is_drawn_alike_every_time() -> None:
    first = layout_map(computer_science(), None, 140, KEY)
    again = layout_map(computer_science(), None, 140, KEY)
    assert list(first.places.values()) == list(again.places.values())
    assert [row.tracks for row in first.rows] == [row.tracks for row in again.rows]


def test_the_first_station_of_a_fork_keeps_its_fork_unmarked(genai: Curriculum) -> None:
    layout = layout_map(genai, None, 100)
    assert all(not place.transfers for place in layout.places.values())


def test_a_one_of_is_marked_as_a_choice_and_never_drawn_as_track() -> None:
    v2 = load_curriculum(Path(__file__).parent.parent / "fixtures" / "v2_fifteen_lines.json")
    layout = layout_map(v2, None, 200, ())
    crypto = layout.place("crypto")
    assert crypto.choices == (("discrete-math", "statistics"),)
    choices = [[v2.station(s) for s in group] for group in crypto.choices]
    assert needs_mark([], choices) == "⇠5|7"
    # Below every station it could come after, whichever the learner takes.
    for group in crypto.choices:
        for station_id in group:
            assert layout.place(station_id).y < crypto.y
    # Joined by track only to a station it needs outright.
    for other in v2.stations:
        place = layout.place(other.id)
        for group in place.choices:
            assert not set(group) & set(place.transfers)
