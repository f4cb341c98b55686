"""Where everything on the metro map goes: a pure function of the curriculum.

The map is drawn top to bottom.  Each line runs down a *lane* (a column); a
station sits on a *row*.  Rows come from the prerequisite graph, so a station is
always below everything it needs; lanes come from packing lines side by side,
so a line that starts where another ends continues down the same lane (the
GenAI scientist line carries on below the foundational trunk) while a line that
branches off gets a lane of its own and a fork connector.

Nothing here knows about progress or colours: the result is geometry only, and
the widget paints states onto it.  Cells are (x, y) with y counted in screen
rows; every station row is followed by a connector row for track and forks.

The map never implies an order the data does not have.  Track joins two
stations of a line only where the lower one needs the upper one; a station
that does not starts a segment of its own, so a catalogue without
prerequisites is a column of stops.  Every other prerequisite is marked beside
the station that needs it (``⇠22``).  A lane belongs to one line, or to a line
and the lines that carry straight on from its last station, and a fork that
passes another lane's track bridges it instead of meeting it.

Lanes are as wide as their labels want; when the width given is too small,
the widest lanes give first (their progress dots, their progress counts, then
their titles), but never below a readable width: past that the map is wider
than its pane and scrolls sideways.  The legends above the map wrap onto more
rows rather than being cut.

Big maps stay cheap.  The part that needs the whole graph (rows, lanes, where
track runs) does not depend on the width, so it is computed once per
curriculum and filter and kept (``_topology``); a new width only changes where
lanes sit.  The cells of a screen row and the placement of a station are worked
out when first asked for, so a map of 20,000 stations costs one pass over the
graph, and only the rows on screen are ever built.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import NamedTuple, overload

from rich.cells import cell_len

from metrotui.core.curriculum import Curriculum, Station
from metrotui.core.glyphs import ASCII, progress_cells
from metrotui.core.tracker import ALL_PATHS, path_choices

MIN_LANE_WIDTH = 12
READABLE_LANE_WIDTH = 24  # titles are cut no shorter than this lane allows
LEFT_MARGIN = 2
LABEL_GAP = 3  # a lane is its label plus the marker, the space after it and one blank
LEGEND_INDENT = 2
LINE_SWATCH = "━━"
LINE_ENTRY_GAP = 2
KEY_ENTRY_GAP = 3
TAG_INDENT = 5  # a line's name sits under its first station's title

# Box-drawing glyphs by the directions a track cell connects to.
UP, DOWN, LEFT, RIGHT = 1, 2, 4, 8
_TRACK_GLYPH = {
    UP: "┃",
    DOWN: "┃",
    UP | DOWN: "┃",
    LEFT: "━",
    RIGHT: "━",
    LEFT | RIGHT: "━",
    DOWN | RIGHT: "┏",
    DOWN | LEFT: "┓",
    UP | RIGHT: "┗",
    UP | LEFT: "┛",
    UP | DOWN | RIGHT: "┣",
    UP | DOWN | LEFT: "┫",
    LEFT | RIGHT | DOWN: "┳",
    LEFT | RIGHT | UP: "┻",
    UP | DOWN | LEFT | RIGHT: "╋",
}
# A fork passing another line's track: the fork dips under it, so the crossing
# never reads as a junction ("━╸┃╺━" rather than "━╋━").
BRIDGE_LEFT, BRIDGE_RIGHT = "╸", "╺"
BRIDGED_END = "╹"  # a terminus a fork passes: its track ends, its cap gives way
NEEDS_MARK = "<" if ASCII else "⇠"
CHOICE_MARK = "|"  # between the stations of a "one of"


@dataclass(frozen=True)
class Placed:
    """A station's marker cell and the room its label may use."""

    station_id: str
    line_id: str
    lane: int
    x: int
    y: int
    label_width: int
    terminus: bool = False
    # Prerequisites no track shows, in the order the station lists them: they
    # are marked beside it (``⇠22``).
    transfers: tuple[str, ...] = ()
    # Its "one of" prerequisites: never drawn as track, always marked (``⇠3|7``).
    choices: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class LegendEntry:
    """One entry of the legends above the map: a line (with a swatch) or a state."""

    x: int
    text: str
    line_id: str | None = None


@dataclass(frozen=True)
class LineTag:
    """Where a line's name can be written, on the row under its first station."""

    x: int
    line_id: str
    width: int


class TrackCell(NamedTuple):
    """One cell of track; a tuple, as a screen row of a wide map makes hundreds."""

    x: int
    glyph: str
    line_id: str


@dataclass
class MapRow:
    tracks: list[TrackCell] = field(default_factory=list)
    stations: list[Placed] = field(default_factory=list)
    tags: list[LineTag] = field(default_factory=list)


def station_label(station: Station) -> str:
    """The text beside a station's marker: its number, then its title."""
    return f"{station.number:>2} {station.title}"


def _label_cells(station: Station) -> int:
    """The cells ``station_label`` takes, without building it: the layout asks for
    every station, and a plain-ASCII title is as many cells as characters."""
    title, number = station.title, station.number
    digits = 2 if -10 < number < 100 else len(str(number))
    return digits + 1 + (len(title) if title.isascii() else cell_len(title))


def needs_mark(needed: Sequence[Station], choices: Sequence[Sequence[Station]] = ()) -> str:
    """The mark beside a station for prerequisites no track shows: ``⇠3,22``.

    A choice of several ("one of") is its numbers joined by ``|``: ``⇠3|7``.
    """
    if not needed and not choices:
        return ""
    parts = [str(station.number) for station in needed]
    parts += [CHOICE_MARK.join(str(station.number) for station in group) for group in choices]
    return NEEDS_MARK + ",".join(parts)


def station_needs(stations: Sequence[Station], index: Mapping[str, int]) -> list[list[int]]:
    """Per station, the visible stations it needs outright: the map's edges, taken from here.

    With station_choices, the one place that reads prerequisites for the map.
    """
    return [
        [index[p] for p in s.prerequisites if isinstance(p, str) and p in index] for s in stations
    ]


def station_choices(
    stations: Sequence[Station], index: Mapping[str, int]
) -> dict[int, tuple[tuple[int, ...], ...]]:
    """Per station with any, its "one of" needs among the visible stations.

    A choice is never drawn as track (track says "needs this one"): it is
    always marked, and the station is placed below every station it names.
    """
    choices: dict[int, tuple[tuple[int, ...], ...]] = {}
    for i, station in enumerate(stations):
        groups = [
            tuple(index[m] for m in p.one_of if m in index)
            for p in station.prerequisites
            if not isinstance(p, str)
        ]
        groups = [group for group in groups if group]
        if groups:
            choices[i] = tuple(groups)
    return choices


def _y_of(row: int) -> int:
    """A station row's screen row below the legends (the layout adds their height)."""
    return 2 * row


class _Topology:
    """Everything about a layout that does not depend on the width.

    Stations are referred to by their position in ``stations`` (the visible
    ones, in curriculum order); lines by their position in ``line_ids``, which
    is also the order they are drawn in: where two lines' track meets in one
    cell, the cell takes the colour of the line drawn first.
    """

    def __init__(self, curriculum: Curriculum, visible: Collection[str] | None) -> None:
        stations = [s for s in curriculum.stations if visible is None or s.id in visible]
        self.stations = stations
        self.order = [s.id for s in stations]
        index = self.index = {station_id: i for i, station_id in enumerate(self.order)}
        needs = station_needs(stations, index)
        self.choices = station_choices(stations, index)
        below = needs
        if self.choices:
            below = [
                [*need, *(m for group in self.choices.get(i, ()) for m in group)]
                for i, need in enumerate(needs)
            ]
        self.row, sequence = _rows(stations, below)

        present = {s.line for s in stations}
        self.line_ids = [line.id for line in curriculum.lines if line.id in present]
        # Each line's stations top to bottom (rows grow along a line in the
        # order stations are placed).
        by_line: dict[str, list[int]] = {line_id: [] for line_id in self.line_ids}
        for i in sequence:
            by_line[stations[i].line].append(i)
        self.by_line = by_line
        self.joined = self._joined(needs)
        self.forks = self._forks(needs)
        self.lanes = self._lanes()
        self.lane_count = max(self.lanes.values(), default=-1) + 1
        self.max_row = max(self.row, default=0)

        # Each line's rows, top to bottom: which station sits on a row, and
        # which is nearest on another lane, are found by binary search.
        self.line_rows = {line_id: [self.row[i] for i in by_line[line_id]] for line_id in by_line}
        self.lane_lines: list[list[str]] = [[] for _ in range(self.lane_count)]
        for line_id in self.line_ids:
            self.lane_lines[self.lanes[line_id]].append(line_id)
        self._track_runs()
        self._undrawn_firsts(needs)
        self.lane_wants = self._lane_wants()

    def _lane_wants(self) -> list[tuple[int, int, int]]:
        """Per lane, the width its longest title needs (with its marks), that with
        the shortest form of its progress beside it, and that with all its dots.

        Asked of every station of every filter, so written for speed: plain
        comparisons, and each topic count's progress widths worked out once.
        """
        wants = [(MIN_LANE_WIDTH,) * 3] * self.lane_count
        tails: dict[int, tuple[int, int]] = {}  # topic count -> (short, full) progress cells
        stations, undrawn, choices = self.stations, self.undrawn, self.choices
        for line_id in self.line_ids:
            lane = self.lanes[line_id]
            title_want, short_want, full_want = wants[lane]
            for i in self.by_line[line_id]:
                station = stations[i]
                title = _label_cells(station) + LABEL_GAP
                if i in undrawn or i in choices:
                    title += 1 + cell_len(
                        needs_mark(
                            [stations[p] for p in undrawn.get(i, ())],
                            [[stations[m] for m in group] for group in choices.get(i, ())],
                        )
                    )
                total = len(station.topics)
                tail = tails.get(total)
                if tail is None:
                    dots = progress_cells(total)
                    tail = tails[total] = (1 + min(dots, 2 * len(str(total)) + 1), 1 + dots)
                if title > title_want:
                    title_want = title
                if title + tail[0] > short_want:
                    short_want = title + tail[0]
                if title + tail[1] > full_want:
                    full_want = title + tail[1]
            wants[lane] = (title_want, short_want, full_want)
        return wants

    # Graph ------------------------------------------------------------------
    def _joined(self, needs: list[list[int]]) -> set[int]:
        """The stations joined by track to the one above them: those that need it.

        On the way, the prerequisites of every other station that no track
        shows go to ``undrawn``; a line's first station waits for its fork.
        """
        joined: set[int] = set()
        undrawn: dict[int, tuple[int, ...]] = {}
        for members in self.by_line.values():
            for above, below in zip(members, members[1:], strict=False):
                needed = needs[below]
                if above in needed:
                    joined.add(below)
                    if len(needed) > 1:
                        undrawn[below] = tuple(p for p in needed if p != above)
                elif needed:
                    undrawn[below] = tuple(needed)
        self.undrawn = undrawn
        return joined

    def _undrawn_firsts(self, needs: list[list[int]]) -> None:
        """Add each line's first station's prerequisites that its fork does not show."""
        for members in self.by_line.values():
            first = members[0]
            shown = self.drawn_fork.get(first)
            rest = tuple(p for p in needs[first] if p != shown)
            if rest:
                self.undrawn[first] = rest

    def _forks(self, needs: list[list[int]]) -> dict[str, int]:
        """For each line that branches off another, the station it branches from.

        That is the latest-row prerequisite of the line's first station that lies
        on another line; the connector is drawn from it.
        """
        forks: dict[str, int] = {}
        for line_id, members in self.by_line.items():
            others = [p for p in needs[members[0]] if self.stations[p].line != line_id]
            if others:
                forks[line_id] = max(others, key=lambda p: (self.row[p], p))
        return forks

    def _lanes(self) -> dict[str, int]:
        """Give each line a lane, or continue a line's lane when one starts from its end.

        A lane freed by a terminus is not given to another line: a line drawn
        below an unrelated one would look like its continuation.
        """
        lanes: dict[str, int] = {}
        lane_last_station: list[int] = []

        def start_row(line_id: str) -> int:
            fork = self.forks.get(line_id)
            return self.row[fork] if fork is not None else self.row[self.by_line[line_id][0]]

        position = {line_id: k for k, line_id in enumerate(self.line_ids)}
        for line_id in sorted(self.line_ids, key=lambda lid: (start_row(lid), position[lid])):
            fork = self.forks.get(line_id)
            lane: int | None = None
            if fork is not None:
                source = lanes.get(self.stations[fork].line)
                if source is not None and lane_last_station[source] == fork:
                    lane = source  # carry straight on down the same lane
            if lane is None:
                lane = len(lane_last_station)
                lane_last_station.append(-1)
            lanes[line_id] = lane
            lane_last_station[lane] = self.by_line[line_id][-1]
        return lanes

    # Track ------------------------------------------------------------------
    def _track_runs(self) -> None:
        """Record the track as vertical runs, one per segment of a line, plus forks and termini.

        A segment is a line's stations joined one to the next by track; its
        track runs down the lane from its first station (or from the fork
        that leads to it) to its last.  The cells where stations sit are
        markers, which hide track, so one interval describes a whole segment,
        and a row finds its cells by binary search.  A lane's lines use rows
        that do not overlap, so a lane's runs never overlap either.  A segment
        with track ends in a terminus cap unless a line carries on or forks from it.
        """
        runs: list[list[tuple[int, int, int]]] = [[] for _ in range(self.lane_count)]
        self.fork_turns: list[tuple[int, int, int, int]] = []  # (line, from lane, to lane, y)
        self.termini: list[tuple[int, int, int]] = []  # (line, lane, y)
        self.terminal: set[int] = set()
        self.drawn_fork: dict[int, int] = {}  # a line's first station -> its fork station
        starts = self._drawn_forks()
        forked = set(self.drawn_fork.values())
        continued = {
            fork
            for first, fork in self.drawn_fork.items()
            if self.lanes[self.stations[first].line] == self.lanes[self.stations[fork].line]
        }
        for k, line_id in enumerate(self.line_ids):
            members = self.by_line[line_id]
            lane = self.lanes[line_id]
            start = starts.get(k)
            joined = self.joined
            # Where segments end: before each station not joined to the one above.
            ends = [at for at, i in enumerate(members) if at and i not in joined]
            first = members[0]
            for end in [*ends, len(members)]:
                last = members[end - 1]
                if start is not None or last != first:
                    begin = _y_of(self.row[first]) + 1 if start is None else start
                    if begin <= _y_of(self.row[last]) - 1:
                        runs[lane].append((begin, _y_of(self.row[last]) - 1, k))
                    if last not in forked:  # where track turns off, it does not end
                        self.termini.append((k, lane, _y_of(self.row[last]) + 1))
                start = None
                if end < len(members):
                    first = members[end]
            if members[-1] not in continued:
                self.terminal.add(members[-1])
        self.runs = [sorted(lane_runs) for lane_runs in runs]
        self.run_starts = [[start for start, _, _ in lane_runs] for lane_runs in self.runs]
        self.terminus_at = {(lane, y): k for k, lane, y in self.termini}

    def _drawn_forks(self) -> dict[int, int]:
        """Record the forks that can be drawn; per line, where the track into it starts.

        A fork's connector runs along the row under its source.  Two connectors
        from different stations that would share cells of a row would read as
        one junction, so the later line's fork is not drawn: its first station
        marks that prerequisite instead, as it would any other.
        """
        starts: dict[int, int] = {}
        spans: dict[int, list[tuple[int, int, int]]] = {}  # row -> (low lane, high lane, source)
        for k, line_id in enumerate(self.line_ids):
            fork = self.forks.get(line_id)
            if fork is None:
                continue
            source_lane = self.lanes[self.stations[fork].line]
            source_y = _y_of(self.row[fork])
            lane = self.lanes[line_id]
            if source_lane != lane:
                low, high = min(source_lane, lane), max(source_lane, lane)
                taken = spans.setdefault(source_y + 1, [])
                if any(lo <= high and low <= hi and s != fork for lo, hi, s in taken):
                    continue
                taken.append((low, high, fork))
                self.fork_turns.append((k, source_lane, lane, source_y + 1))
            self.drawn_fork[self.by_line[line_id][0]] = fork
            # Straight on down the same lane, or down from the connector.
            starts[k] = source_y + (1 if source_lane == lane else 2)
        return starts

    def line_at(self, lane: int, body: int) -> int | None:
        """The line whose vertical track runs through a lane at a row, if any."""
        i = bisect_right(self.run_starts[lane], body) - 1
        if i >= 0:
            _, end, k = self.runs[lane][i]
            if body <= end:
                return k
        return None


def _connect(cells: dict[int, list[int]], x: int, bits: int, line: int) -> None:
    """Add track directions to a cell; the line drawn first keeps the colour."""
    cell = cells.get(x)
    if cell is None:
        cells[x] = [bits, line]
    else:
        cell[0] |= bits
        cell[1] = min(cell[1], line)


def _rows(stations: list[Station], needs: list[list[int]]) -> tuple[list[int], Sequence[int]]:
    """Each station's row: below its prerequisites and below the station before it on its line.

    Stations are taken in prerequisite order, ties broken by their order in the
    curriculum (Kahn's algorithm with a heap), so a valid file always lays out.
    When the curriculum already lists every station after what it needs (the
    usual case), that order is simply the curriculum's, and no heap is needed.
    Returns the rows and the order the stations were placed in.
    """
    count = len(stations)
    sequence: Sequence[int]
    if all(p < i for i, prerequisites in enumerate(needs) for p in prerequisites):
        sequence = range(count)
    else:
        sequence = _prerequisite_order(needs)
    row = [0] * count
    line_end: dict[str, int] = {}
    for i in sequence:
        line = stations[i].line
        r = line_end.get(line, -1) + 1
        for p in needs[i]:
            if row[p] >= r:
                r = row[p] + 1
        row[i] = r
        line_end[line] = r
    return row, sequence


def _prerequisite_order(needs: list[list[int]]) -> list[int]:
    waiting = [len(prerequisites) for prerequisites in needs]
    dependents: list[list[int]] = [[] for _ in needs]
    for i, prerequisites in enumerate(needs):
        for p in prerequisites:
            dependents[p].append(i)
    ready = [i for i, count in enumerate(waiting) if count == 0]  # sorted: already a heap
    order: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for dependent in dependents[i]:
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                heapq.heappush(ready, dependent)
    return order


# Kept on the curriculum, per filter, so a resize or a return to an earlier
# filter costs nothing; a few are enough (the app cycles through a handful of
# filters), and any other set of visible stations pushes out the oldest.
_TOPOLOGY_CACHE_SIZE = 12


def _topology(curriculum: Curriculum, visible: Collection[str] | None) -> _Topology:
    shown = None if visible is None else frozenset(visible)
    kept: OrderedDict[frozenset[str] | None, _Topology] = curriculum.memo.setdefault(
        _topology, OrderedDict()
    )
    topology = kept.get(shown)
    if topology is not None:
        kept.move_to_end(shown)
        return topology
    topology = kept[shown] = _Topology(curriculum, shown)
    while len(kept) > _TOPOLOGY_CACHE_SIZE:
        kept.popitem(last=False)
    return topology


class _Places(Mapping[str, Placed]):
    """Station id -> Placed, each made when first asked for."""

    def __init__(self, layout: MapLayout) -> None:
        self._layout = layout
        self._index = layout._topology.index
        self._made: dict[str, Placed] = {}

    def __getitem__(self, station_id: str) -> Placed:
        placed = self._made.get(station_id)
        if placed is None:
            placed = self._made[station_id] = self._layout._place(self._index[station_id])
        return placed

    def __contains__(self, station_id: object) -> bool:
        return station_id in self._index

    def __iter__(self) -> Iterator[str]:
        # Line by line, top to bottom: the order the map is drawn in.
        topology = self._layout._topology
        for line_id in topology.line_ids:
            for i in topology.by_line[line_id]:
                yield topology.order[i]

    def __len__(self) -> int:
        return len(self._index)


class _Rows(Sequence[MapRow]):
    """The map's screen rows, each built when first asked for."""

    def __init__(self, layout: MapLayout) -> None:
        self._layout = layout
        self._made: dict[int, MapRow] = {}

    def __len__(self) -> int:
        return self._layout.height

    @overload
    def __getitem__(self, y: int) -> MapRow: ...

    @overload
    def __getitem__(self, y: slice) -> list[MapRow]: ...

    def __getitem__(self, y: int | slice) -> MapRow | list[MapRow]:
        if isinstance(y, slice):
            return [self[i] for i in range(*y.indices(len(self)))]
        if y < 0:
            y += len(self)
        if not 0 <= y < len(self):
            raise IndexError(y)
        row = self._made.get(y)
        if row is None:
            row = self._made[y] = self._layout._row(y)
        return row


def _share(wants: Sequence[int], room: int) -> list[int]:
    """Give every want in full if they fit; otherwise cap the largest ones alike.

    The cap is the highest that fits, so small wants are never touched while a
    large one could give instead; cells left over go to the leftmost capped wants.
    """
    if sum(wants) <= room:
        return list(wants)
    left, count = max(room, 0), len(wants)
    cap = 0
    for k, want in enumerate(sorted(wants)):
        if want * (count - k) > left:
            cap = left // (count - k)
            break
        left -= want
    shares = [min(want, cap) for want in wants]
    spare = max(room, 0) - sum(shares)
    for k, want in enumerate(wants):
        if spare <= 0:
            break
        if want > shares[k]:
            shares[k] += 1
            spare -= 1
    return shares


def _lane_widths(wants: Sequence[tuple[int, int, int]], room: int) -> list[int]:
    """Titles first, then the short form of progress, then all the dots.

    A lane is never narrower than a readable width (or its title, if that is
    shorter): when those do not fit, the map scrolls sideways, cutting
    nothing, with the short form of progress beside each title.
    """
    titles = [title for title, _, _ in wants]
    floors = [min(READABLE_LANE_WIDTH, title) for title in titles]
    shorts = [short for _, short, _ in wants]
    if sum(floors) > room:
        return shorts
    steps = (floors, titles, shorts, [full for _, _, full in wants])
    for lower, upper in zip(steps, steps[1:], strict=False):
        if sum(upper) > room:
            extras = _share([u - lo for lo, u in zip(lower, upper, strict=True)], room - sum(lower))
            return [lo + extra for lo, extra in zip(lower, extras, strict=True)]
    return steps[-1]


def wrap_entries(widths: Sequence[int], width: int, gap: int) -> list[list[tuple[int, int]]]:
    """Entries left to right, starting a new row where the next would not fit.

    Returns rows of (x, index); an entry wider than a row gets a row of its own.
    """
    rows: list[list[tuple[int, int]]] = []
    x = width  # forces the first row
    for index, entry in enumerate(widths):
        if not rows or x + entry > width:
            rows.append([])
            x = LEGEND_INDENT
        rows[-1].append((x, index))
        x += entry + gap
    return rows


def legend_width(curriculum: Curriculum, line_ids: Sequence[str], key: Sequence[str]) -> int:
    """The width the legends take on one row each."""
    lines = [cell_len(f"{LINE_SWATCH} {curriculum.line(i).name}") for i in line_ids]
    keys = [cell_len(text) for text in key]
    return max(
        (LEGEND_INDENT + sum(widths) + gap * (len(widths) - 1) if widths else 0)
        for widths, gap in ((lines, LINE_ENTRY_GAP), (keys, KEY_ENTRY_GAP))
    )


class MapLayout:
    """The map for one curriculum, filter and width."""

    def __init__(
        self, topology: _Topology, width: int, curriculum: Curriculum, key: Sequence[str] = ()
    ) -> None:
        self._topology = topology
        lanes = topology.lane_count
        widths = _lane_widths(topology.lane_wants, width - LEFT_MARGIN)
        self._lane_x = list(accumulate(widths[:-1], initial=LEFT_MARGIN))
        self._lane_width = widths
        self.lanes = lanes
        self.width = LEFT_MARGIN + sum(widths)
        # What the map would take if it were given all the width it likes.
        self.natural_width = max(
            LEFT_MARGIN + sum(full for _, _, full in topology.lane_wants),
            legend_width(curriculum, topology.line_ids, key),
        )
        self.legend: list[str] = topology.line_ids  # line ids shown, in curriculum order
        # Wrapped to the width on screen, not the map's: a map wider than its pane
        # scrolls sideways, and the legends must not scroll out of sight with it.
        self.legend_rows = self._legends(curriculum, key, width)
        self.top = len(self.legend_rows) + 1  # and a blank row under the legends
        self.height = self.top + 2 * topology.max_row + 3
        self.order: list[str] = topology.order  # visible station ids in curriculum order
        self.places: Mapping[str, Placed] = _Places(self)
        self.rows: Sequence[MapRow] = _Rows(self)
        self._special = self._fork_and_terminus_cells()
        self._tags = self._line_tags()

    def _legends(
        self, curriculum: Curriculum, key: Sequence[str], width: int
    ) -> list[list[LegendEntry]]:
        """The line legend, then the state key, each wrapped to the width."""
        rows: list[list[LegendEntry]] = []
        names = [f"{LINE_SWATCH} {curriculum.line(i).name}" for i in self.legend]
        for row in wrap_entries([cell_len(n) for n in names], width, LINE_ENTRY_GAP):
            rows.append([LegendEntry(x, names[i], self.legend[i]) for x, i in row])
        for row in wrap_entries([cell_len(text) for text in key], width, KEY_ENTRY_GAP):
            rows.append([LegendEntry(x, key[i]) for x, i in row])
        return rows

    def _x_of(self, lane: int) -> int:
        return self._lane_x[lane]

    def _fork_and_terminus_cells(self) -> dict[int, dict[int, list[int]]]:
        """Fork connectors' ends and terminus caps, by row then x: [bits, line].

        What lies between a connector's ends goes to ``_spans``, filled in
        only for the rows drawn (every filter is laid out, few rows are
        shown); where a connector passes another line's track, the glyphs it
        must show instead go to ``_bridges``.
        """
        cells: dict[int, dict[int, list[int]]] = {}
        self._spans: dict[int, list[tuple[int, int, int]]] = {}  # row -> (from x, to x, line)
        self._bridges: dict[int, dict[int, tuple[str, int]]] = {}
        top = self.top
        for k, source_lane, lane, turn_y in self._topology.fork_turns:
            row = cells.setdefault(top + turn_y, {})
            source_x, x = self._x_of(source_lane), self._x_of(lane)
            step = 1 if x > source_x else -1
            _connect(row, source_x, UP | (RIGHT if step > 0 else LEFT), k)
            _connect(row, x, (LEFT if step > 0 else RIGHT) | DOWN, k)
            low, high = min(source_x, x), max(source_x, x)
            self._spans.setdefault(top + turn_y, []).append((low + 1, high, k))
            for passed in range(min(source_lane, lane) + 1, max(source_lane, lane)):
                self._bridge(k, passed, turn_y)
        for k, lane, end_y in self._topology.termini:
            row = cells.setdefault(top + end_y, {})
            x = self._x_of(lane)
            _connect(row, x, UP | LEFT | RIGHT, k)
            _connect(row, x - 1, RIGHT, k)
            _connect(row, x + 1, LEFT, k)
        return cells

    def _bridge(self, k: int, lane: int, body: int) -> None:
        """Let line k's connector pass under whatever track another line has there."""
        topology = self._topology
        crossed = topology.line_at(lane, body)
        glyph = _TRACK_GLYPH[UP | DOWN]
        if crossed is None:
            crossed = topology.terminus_at.get((lane, body))
            glyph = BRIDGED_END
        if crossed is None or crossed == k:
            return
        x = self._x_of(lane)
        row = self._bridges.setdefault(self.top + body, {})
        row[x - 1], row[x], row[x + 1] = (BRIDGE_LEFT, k), (glyph, crossed), (BRIDGE_RIGHT, k)

    def _line_tags(self) -> dict[int, list[LineTag]]:
        """Room for each line's name under its first station, where no track crosses it."""
        topology = self._topology
        tags: dict[int, list[LineTag]] = {}
        for line_id in topology.line_ids:
            lane = topology.lanes[line_id]
            x = self._x_of(lane)
            y = self.top + _y_of(topology.row[topology.by_line[line_id][0]]) + 1
            end = x + self._lane_width[lane] - 1
            if any(x < cx < end for cx in self._special.get(y, {})) or any(
                low < end and x < high - 1 for low, high, _ in self._spans.get(y, ())
            ):
                continue
            tags.setdefault(y, []).append(LineTag(x + TAG_INDENT, line_id, end - x - TAG_INDENT))
        return tags

    def _place(self, i: int) -> Placed:
        topology = self._topology
        station = topology.stations[i]
        lane = topology.lanes[station.line]
        transfers = tuple(topology.order[p] for p in topology.undrawn.get(i, ()))
        choices = tuple(
            tuple(topology.order[m] for m in group) for group in topology.choices.get(i, ())
        )
        return Placed(
            station_id=station.id,
            line_id=station.line,
            lane=lane,
            x=self._x_of(lane),
            y=self.top + _y_of(topology.row[i]),
            label_width=self._lane_width[lane] - LABEL_GAP,
            terminus=i in topology.terminal,
            transfers=transfers,
            choices=choices,
        )

    def _row(self, y: int) -> MapRow:
        topology = self._topology
        # The row's fork and terminus cells are shared with the layout, so a
        # cell that vertical track passes is replaced, never changed in place.
        cells = dict(self._special.get(y, {}))
        for low, high, k in self._spans.get(y, ()):
            for cx in range(low, high):
                cell = cells.get(cx)
                cells[cx] = (
                    [LEFT | RIGHT, k] if cell is None else [cell[0] | LEFT | RIGHT, min(cell[1], k)]
                )
        body = y - self.top  # the row counted from the map's first station
        runs = topology.runs
        for lane, starts in enumerate(topology.run_starts):
            i = bisect_right(starts, body) - 1
            if i < 0:
                continue
            _, end, k = runs[lane][i]
            if body <= end:
                x = self._x_of(lane)
                cell = cells.get(x)
                cells[x] = (
                    [UP | DOWN, k] if cell is None else [cell[0] | UP | DOWN, min(cell[1], k)]
                )
        stations: list[Placed] = []
        if body >= 0 and body % 2 == 0:
            row = body // 2
            for line_id in topology.line_ids:
                rows = topology.line_rows[line_id]
                at = bisect_left(rows, row)
                if at < len(rows) and rows[at] == row:
                    i = topology.by_line[line_id][at]
                    stations.append(self.places[topology.order[i]])
            stations.sort(key=lambda placed: placed.x)
        markers = {placed.x for placed in stations}
        line_ids = topology.line_ids
        bridges = self._bridges.get(y)
        if bridges is None:
            tracks = [
                TrackCell(x, _TRACK_GLYPH[cells[x][0]], line_ids[cells[x][1]])
                for x in sorted(cells)
                if x not in markers
            ]
        else:
            glyphs = {x: (_TRACK_GLYPH[bits], k) for x, (bits, k) in cells.items()}
            glyphs.update(bridges)
            tracks = [
                TrackCell(x, glyphs[x][0], line_ids[glyphs[x][1]])
                for x in sorted(glyphs)
                if x not in markers
            ]
        return MapRow(tracks=tracks, stations=stations, tags=self._tags.get(y, []))

    # Questions the widget asks ----------------------------------------------
    def place(self, station_id: str) -> Placed:
        return self.places[station_id]

    def station_at(self, x: int, y: int) -> str | None:
        """The station whose marker or label covers cell (x, y), if any."""
        if not 0 <= y < len(self.rows):
            return None
        for placed in self.rows[y].stations:
            if placed.x <= x < placed.x + 2 + placed.label_width:
                return placed.station_id
        return None

    def step(self, station_id: str, delta: int) -> str:
        """The station ``delta`` places before or after this one in map order."""
        index = self._topology.index[station_id] + delta
        return self.order[max(0, min(index, len(self.order) - 1))]

    def beside(self, station_id: str, direction: int) -> str:
        """The nearest station on the next lane left (-1) or right (+1)."""
        topology = self._topology
        here = topology.index[station_id]
        row = topology.row[here]
        lane = topology.lanes[topology.stations[here].line] + direction
        while 0 <= lane < self.lanes:
            nearby: list[tuple[int, int, str]] = []  # (distance, row, station id)
            for line_id in topology.lane_lines[lane]:
                rows = topology.line_rows[line_id]
                at = bisect_left(rows, row)
                for j in (at - 1, at):
                    if 0 <= j < len(rows):
                        station = topology.order[topology.by_line[line_id][j]]
                        nearby.append((abs(rows[j] - row), rows[j], station))
            if nearby:
                # The nearest row; of two equally near, the upper one.
                return min(nearby)[2]
            lane += direction
        return station_id


def filter_cycle(curriculum: Curriculum) -> list[str]:
    """What ``p`` steps through: all, each line after the first, then the first.

    The first line is usually the trunk every other line needs, so it comes
    last rather than next; but it comes, as any line may be the one to follow.
    """
    # Kept on the curriculum: every p asks, and the answer walks every station.
    cycle: list[str] | None = curriculum.memo.get(filter_cycle)
    if cycle is None:
        choices = path_choices(curriculum)
        if len(curriculum.lines) > 1:
            choices.append(curriculum.lines[0].id)
        # A line with no stations on it would show an empty map: p passes it by.
        lined = {station.line for station in curriculum.stations}
        cycle = [choice for choice in choices if choice == ALL_PATHS or choice in lined]
        curriculum.memo[filter_cycle] = cycle
    return list(cycle)


def layout_map(
    curriculum: Curriculum,
    visible: Collection[str] | None = None,
    width: int = 80,
    key: Sequence[str] = (),
) -> MapLayout:
    """Lay out the visible stations (all when ``visible`` is None) for a width.

    ``key`` is the state key's entries, wrapped under the line legend.
    """
    return MapLayout(_topology(curriculum, visible), width, curriculum, key)
