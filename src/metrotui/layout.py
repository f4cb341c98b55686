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
"""

from __future__ import annotations

import heapq
from collections.abc import Collection
from dataclasses import dataclass, field

from metrotui.curriculum import Curriculum, Station

LEGEND_ROWS = 3  # the line legend, the state key, a blank row
MIN_LANE_WIDTH = 12
MAX_LANE_WIDTH = 46
LEFT_MARGIN = 2

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
    # Prerequisites on other lanes that no connector shows (cross-line needs).
    transfers: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrackCell:
    x: int
    glyph: str
    line_id: str


@dataclass
class MapRow:
    tracks: list[TrackCell] = field(default_factory=list)
    stations: list[Placed] = field(default_factory=list)


@dataclass
class MapLayout:
    width: int
    height: int
    lane_width: int
    lanes: int
    legend: list[str]  # line ids shown, in curriculum order
    rows: list[MapRow]
    places: dict[str, Placed]
    order: list[str]  # visible station ids in curriculum order

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
        index = self.order.index(station_id) + delta
        return self.order[max(0, min(index, len(self.order) - 1))]

    def beside(self, station_id: str, direction: int) -> str:
        """The nearest station on the next lane left (-1) or right (+1)."""
        here = self.places[station_id]
        lane = here.lane + direction
        while 0 <= lane < self.lanes:
            candidates = [p for p in self.places.values() if p.lane == lane]
            if candidates:
                best = min(candidates, key=lambda p: (abs(p.y - here.y), p.y))
                return best.station_id
            lane += direction
        return station_id


def layout_map(
    curriculum: Curriculum, visible: Collection[str] | None = None, width: int = 80
) -> MapLayout:
    """Lay out the visible stations (all when ``visible`` is None) for a width."""
    stations = [s for s in curriculum.stations if visible is None or s.id in visible]
    shown = {s.id for s in stations}
    rows = _rows(curriculum, stations, shown)
    line_ids = [line.id for line in curriculum.lines if any(s.line == line.id for s in stations)]
    by_line = {
        line_id: sorted((s for s in stations if s.line == line_id), key=lambda s: rows[s.id])
        for line_id in line_ids
    }
    forks = _forks(by_line, rows, shown, curriculum)
    lanes = _lanes(line_ids, by_line, rows, forks, curriculum)
    lane_count = max(lanes.values(), default=-1) + 1

    lane_width = max(
        MIN_LANE_WIDTH, min(MAX_LANE_WIDTH, (width - LEFT_MARGIN) // max(lane_count, 1))
    )
    max_row = max(rows.values(), default=0)
    height = LEGEND_ROWS + 2 * max_row + 3
    map_width = LEFT_MARGIN + lane_count * lane_width

    def x_of(lane: int) -> int:
        return LEFT_MARGIN + lane * lane_width

    def y_of(row: int) -> int:
        return LEGEND_ROWS + 2 * row

    grid: dict[tuple[int, int], list[int | str]] = {}  # (x, y) -> [bits, line id]

    def connect(x: int, y: int, bits: int, line_id: str) -> None:
        cell = grid.setdefault((x, y), [0, line_id])
        cell[0] = int(cell[0]) | bits

    def vertical(x: int, y_from: int, y_to: int, line_id: str) -> None:
        for y in range(y_from, y_to + 1):
            connect(x, y, UP | DOWN, line_id)

    places: dict[str, Placed] = {}
    for line_id in line_ids:
        line_stations = by_line[line_id]
        lane = lanes[line_id]
        x = x_of(lane)
        fork = forks.get(line_id)
        first_y = y_of(rows[line_stations[0].id])
        if fork is not None:
            source_lane = lanes[curriculum.station(fork).line]
            source_y = y_of(rows[fork])
            if source_lane == lane:
                vertical(x, source_y + 1, first_y - 1, line_id)
            else:
                turn_y = source_y + 1
                source_x = x_of(source_lane)
                step = 1 if x > source_x else -1
                connect(source_x, turn_y, UP | (RIGHT if step > 0 else LEFT), line_id)
                for cx in range(source_x + step, x, step):
                    connect(cx, turn_y, LEFT | RIGHT, line_id)
                connect(x, turn_y, (LEFT if step > 0 else RIGHT) | DOWN, line_id)
                vertical(x, turn_y + 1, first_y - 1, line_id)
        for previous, station in zip(line_stations, line_stations[1:], strict=False):
            vertical(x, y_of(rows[previous.id]) + 1, y_of(rows[station.id]) - 1, line_id)
        last = line_stations[-1]
        continued = any(forks.get(other) == last.id and lanes[other] == lane for other in line_ids)
        if not continued:
            end_y = y_of(rows[last.id]) + 1
            connect(x, end_y, UP | LEFT | RIGHT, line_id)
            connect(x - 1, end_y, RIGHT, line_id)
            connect(x + 1, end_y, LEFT, line_id)
        same_line = {s.id for s in line_stations}
        for station in line_stations:
            drawn = {fork} if station is line_stations[0] and fork else set()
            transfers = tuple(
                p
                for p in station.prerequisites
                if p in shown and p not in drawn and p not in same_line
            )
            places[station.id] = Placed(
                station_id=station.id,
                line_id=line_id,
                lane=lane,
                x=x,
                y=y_of(rows[station.id]),
                label_width=lane_width - 3,
                terminus=station is last and not continued,
                transfers=transfers,
            )

    map_rows = [MapRow() for _ in range(height)]
    markers = {(p.x, p.y) for p in places.values()}
    for (x, y), (bits, line_id) in sorted(grid.items(), key=lambda item: (item[0][1], item[0][0])):
        if (x, y) in markers:
            continue
        map_rows[y].tracks.append(TrackCell(x, _TRACK_GLYPH[int(bits)], str(line_id)))
    for placed in places.values():
        map_rows[placed.y].stations.append(placed)
    for row in map_rows:
        row.stations.sort(key=lambda p: p.x)
    return MapLayout(
        width=map_width,
        height=height,
        lane_width=lane_width,
        lanes=lane_count,
        legend=line_ids,
        rows=map_rows,
        places=places,
        order=[s.id for s in stations],
    )


def _rows(curriculum: Curriculum, stations: list[Station], shown: set[str]) -> dict[str, int]:
    """Each station's row: below its prerequisites and below the station before it on its line.

    Stations are taken in prerequisite order, ties broken by their order in the
    curriculum (Kahn's algorithm with a heap), so a valid file always lays out.
    """
    index = {s.id: i for i, s in enumerate(stations)}
    waiting = {s.id: sum(p in shown for p in s.prerequisites) for s in stations}
    ready = [index[s.id] for s in stations if waiting[s.id] == 0]
    heapq.heapify(ready)
    rows: dict[str, int] = {}
    line_end: dict[str, int] = {}
    while ready:
        station = stations[heapq.heappop(ready)]
        row = line_end.get(station.line, -1) + 1
        for prerequisite in station.prerequisites:
            if prerequisite in rows:
                row = max(row, rows[prerequisite] + 1)
        rows[station.id] = row
        line_end[station.line] = row
        for dependent in curriculum.dependents(station.id):
            if dependent.id in shown:
                waiting[dependent.id] -= 1
                if waiting[dependent.id] == 0:
                    heapq.heappush(ready, index[dependent.id])
    return rows


def _forks(
    by_line: dict[str, list[Station]],
    rows: dict[str, int],
    shown: set[str],
    curriculum: Curriculum,
) -> dict[str, str]:
    """For each line that branches off another, the station it branches from.

    That is the latest-row prerequisite of the line's first station that lies
    on another line; the connector is drawn from it.
    """
    forks: dict[str, str] = {}
    for line_id, line_stations in by_line.items():
        first = line_stations[0]
        others = [
            p for p in first.prerequisites if p in shown and curriculum.station(p).line != line_id
        ]
        if others:
            forks[line_id] = max(others, key=lambda p: (rows[p], curriculum.index(p)))
    return forks


def _lanes(
    line_ids: list[str],
    by_line: dict[str, list[Station]],
    rows: dict[str, int],
    forks: dict[str, str],
    curriculum: Curriculum,
) -> dict[str, int]:
    """Pack lines into lanes: continue a line's lane when one starts where it ends."""
    lanes: dict[str, int] = {}
    lane_end: list[int] = []  # last row used by each lane
    lane_last_station: list[str] = []

    def start_row(line_id: str) -> int:
        fork = forks.get(line_id)
        return rows[fork] if fork else rows[by_line[line_id][0].id]

    for line_id in sorted(line_ids, key=lambda lid: (start_row(lid), line_ids.index(lid))):
        fork = forks.get(line_id)
        lane: int | None = None
        if fork is not None:
            source = lanes.get(curriculum.station(fork).line)
            if source is not None and lane_last_station[source] == fork:
                lane = source  # carry straight on down the same lane
        if lane is None:
            begin = start_row(line_id)
            # A fork's connector runs along the row under its source, so a lane
            # is free only if whatever used it ended (with its terminus) above.
            lane = next(
                (i for i, end in enumerate(lane_end) if end + 1 < begin),
                None,
            )
        if lane is None:
            lane = len(lane_end)
            lane_end.append(-1)
            lane_last_station.append("")
        lanes[line_id] = lane
        last = by_line[line_id][-1]
        lane_end[lane] = rows[last.id]
        lane_last_station[lane] = last.id
    return lanes
