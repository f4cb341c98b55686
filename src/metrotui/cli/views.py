"""Rich renderables for the CLI.  Curriculum text goes in as Text, never as markup."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.control import strip_control_codes
from rich.segment import Segment
from rich.text import Text

from metrotui.core.curriculum import Curriculum, Line, Station
from metrotui.core.glyphs import STATE_STYLE, TOPIC_DONE, TOPIC_OPEN, station_badge, topic_dots
from metrotui.core.tracker import ALL_PATHS, Count, StationState, Tracker
from metrotui.core.words import counted


def _count_text(count: Count) -> Text:
    return Text(f"{count.done}/{count.total}")


def _path_name(tracker: Tracker, path: str) -> str:
    return "all paths" if path == ALL_PATHS else tracker.curriculum.line(path).name


def _station_label(station: Station) -> Text:
    return Text.assemble((f"{station.number:>3} ", "dim"), station.title)


def state_badge(tracker: Tracker, station_id: str) -> Text:
    """``◐ in progress``, ``◆ known``…: the glyph and word for a station's state."""
    state = tracker.state(station_id)
    count = tracker.count(station_id)
    glyph, word = station_badge(state, count.done, count.known, count.total)
    return Text(f"{glyph} {word}", style=STATE_STYLE[state])


# Below this many cells a title gives way to the topic dots, which are the
# only part of a status row that may go: state and counts always stay.
MIN_TITLE_CELLS = 12
BAR_CELLS = 20
MIN_BAR_CELLS = 4


def _text_bar(count: Count, color: str, width: int) -> Text:
    """A bar of heavy and light rules: without colour (a pipe) it still reads."""
    filled = (width * count.done) // max(count.total, 1)
    if count.done and not filled:
        filled = 1  # one topic of hundreds still shows
    if count.done < count.total:
        filled = min(filled, width - 1)  # only a finished line looks full
    return Text.assemble(("━" * filled, color), ("─" * (width - filled), "dim"))


def _fit(text: Text, width: int) -> Text:
    """``text`` cut with an ellipsis or padded to exactly ``width`` cells."""
    fitted = text.copy()
    fitted.truncate(max(width, 1), overflow="ellipsis", pad=True)
    return fitted


def _state_cells() -> int:
    words = [state.label for state in StationState]
    glyph, known_word = station_badge(StationState.DONE, 1, 1, 1)
    return max(cell_len(f"{glyph} {word}") for word in [*words, known_word])


def status_view(
    tracker: Tracker, path: str, width: int = 80, *, colour: bool = True
) -> RenderableType:
    """The status page; without ``colour`` (into a file or a pipe) the station rows are
    plain lines made directly, the same characters rich would print, a hundred
    times quicker: 100,000 stations take seconds, not half a minute."""
    curriculum = tracker.curriculum
    overall = tracker.path_count(path)
    parts: list[RenderableType] = [
        Text.assemble(
            (curriculum.title, "bold"),
            f"  ·  {_path_name(tracker, path)}  ·  ",
            (f"{overall.done}/{overall.total} topics · {overall.percent}%", "bold"),
        ),
    ]
    stations = tracker.path_stations(path)
    if not stations:  # a line listed in the file with no stations on it
        return Group(*parts, Text(""), Text("This path has no stations.", style="dim"))
    lines = [line for line in curriculum.lines if any(s.line == line.id for s in stations)]
    columns = _Columns.fit(tracker, stations, width)
    headers = _line_headers(tracker, lines, width)
    by_line: dict[str, list[Station]] = {line.id: [] for line in lines}
    for station in stations:
        by_line[station.line].append(station)
    for line, header in zip(lines, headers, strict=True):
        on_line = by_line[line.id]
        if colour:
            parts += [Text(""), header, *(columns.row(tracker, s) for s in on_line)]
        else:
            plain_rows = [columns.plain_row(tracker, s, width) for s in on_line]
            parts += [Text(""), header, _PlainLines(plain_rows)]
    return Group(*parts)


def print_status(out: Console, tracker: Tracker, path: str) -> None:
    """Print the status page; into a file or a pipe, the rows go straight to the file.

    Rich would measure every line again on its way out, a second or so for
    100,000 stations, and print the same characters.
    """
    page = status_view(tracker, path, out.width, colour=out.color_system is not None)
    assert isinstance(page, Group)
    for part in page.renderables:
        if isinstance(part, _PlainLines):
            out.file.write("".join(f"{line}\n" for line in part.lines))
        else:
            out.print(Group(part))  # in a Group, as the whole page was: print(Text) rewraps it


class _PlainLines:
    """Lines of plain text, printed as they are (each already fits the width)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        newline = Segment.line()
        for line in self.lines:
            yield Segment(line)
            yield newline


class _Columns:
    """The widths of a status row's columns, one for the whole page."""

    # A plain class: a dataclass takes longer to make than `status` to print.
    def __init__(
        self,
        widths: tuple[int, int, int, int, int],
        counts: dict[str, Count],
        dot_marks: dict[str, str],
    ) -> None:
        self.number, self.title, self.state, self.count, self.dots = widths
        self.counts, self.dot_marks = counts, dot_marks

    @classmethod
    def fit(cls, tracker: Tracker, stations: list[Station], width: int) -> _Columns:
        # A line may have no stations at all: its table is then only its heading.
        number_cells = max([3, *(len(str(s.number)) for s in stations)])
        title_cells = max((_cells(s.title) for s in stations), default=0)
        state_cells = _state_cells()
        counts = {s.id: tracker.count(s.id) for s in stations}
        count_cells = max((cell_len(f"{c.done}/{c.total}") for c in counts.values()), default=3)
        # Stations share a few kinds of count, so the dots are made once a kind.
        dots_of = functools.cache(lambda c: topic_dots(c.done, c.total, known=c.known))
        dots = {sid: dots_of(c) for sid, c in counts.items()}
        dot_cells = max((cell_len(d) for d in dots.values()), default=0)
        fixed = number_cells + 1 + 1 + state_cells + 1 + count_cells
        room = width - fixed - (1 + dot_cells if dot_cells else 0)
        if dot_cells and room < min(title_cells, MIN_TITLE_CELLS):
            dot_cells, room = 0, width - fixed
        if room < MIN_TITLE_CELLS // 2:
            # Tiny: the state's glyph alone, so that the counts still fit.
            room += state_cells - 1
            state_cells = 1
        title_room = max(1, min(title_cells, room))
        widths = (number_cells, title_room, state_cells, count_cells, dot_cells)
        return cls(widths, counts, dots)

    def row(self, tracker: Tracker, station: Station) -> Text:
        state = tracker.state(station.id)
        count = self.counts[station.id]
        title = _fit(Text(station.title), self.title)
        if state is StationState.LOCKED:
            title.stylize("dim")
        row = Text.assemble(
            (f"{station.number:>{self.number}} ", "dim"),
            title,
            " ",
            _fit(_badge_in(tracker, station.id, self.state), self.state),
            " ",
            f"{count.done}/{count.total}".rjust(self.count),
        )
        if self.dots:
            row.append(" ")
            row.append(
                self.dot_marks[station.id], style=tracker.curriculum.line(station.line).color
            )
        row.no_wrap = True
        return row

    def plain_row(self, tracker: Tracker, station: Station, width: int) -> str:
        """``row``'s characters as rich prints them without colour, cut to ``width``."""
        count = self.counts[station.id]
        glyph, word = station_badge(tracker.state(station.id), count.done, count.known, count.total)
        badge = f"{glyph} {word}" if self.state > 1 else glyph
        row = (
            f"{station.number:>{self.number}} {_fit_plain(station.title, self.title)} "
            f"{_fit_badge(badge, self.state)} " + f"{count.done}/{count.total}".rjust(self.count)
        )
        # Every column is fitted to its width: only the dots vary.
        cells = self.number + self.title + self.state + self.count + 3
        if self.dots:
            dots = self.dot_marks[station.id]
            row += " " + dots
            cells += 1 + cell_len(dots)
        return set_cell_size(row, width) if cells > width else row


def _fit_plain(text: str, width: int) -> str:
    """``_fit`` for plain text: the same cut, ellipsis and padding."""
    text = strip_control_codes(text)
    width = max(width, 1)
    length = _cells(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    return text + " " * (width - length)


def _cells(text: str) -> int:
    # Printable ASCII takes a cell a character: no need to look each one up.
    return len(text) if text.isascii() and text.isprintable() else cell_len(text)


_fit_badge = functools.cache(_fit_plain)  # a handful of states, fitted once each


def _badge_in(tracker: Tracker, station_id: str, cells: int) -> Text:
    badge = state_badge(tracker, station_id)
    return badge if cells > 1 else badge[:1]  # the glyph, never an ellipsis


def _line_headers(tracker: Tracker, lines: list[Line], width: int) -> list[Text]:
    """``━━ Name  ━━━───  3/11`` per line, the bars and counts in one column."""
    names = [Text(f"━━ {line.name}", style=f"bold {line.color}") for line in lines]
    counts = [tracker.line_count(line.id) for line in lines]
    count_texts = [f"{c.done}/{c.total}" for c in counts]
    count_cells = max(map(cell_len, count_texts))
    name_cells = min(max(n.cell_len for n in names), max(width - count_cells - 1, 1))
    bar_cells = min(BAR_CELLS, width - name_cells - count_cells - 2)
    headers = []
    for line, name, count, count_text in zip(lines, names, counts, count_texts, strict=True):
        header = _fit(name, name_cells)
        if bar_cells >= MIN_BAR_CELLS:
            header.append(" ")
            header.append_text(_text_bar(count, line.color, bar_cells))
        header.append(" " + count_text.rjust(count_cells))
        header.no_wrap = True
        headers.append(header)
    return headers


# A catalogue with hundreds of open stations would print pages; the rest on --all.
NEXT_SHOWN = 20


def next_view(tracker: Tracker, path: str, *, show_all: bool = False) -> RenderableType:
    upcoming = tracker.next_up(path)
    if not upcoming:
        everything = tracker.path_count(path)
        message = (
            "This path has no stations."
            if not everything.total
            else "Everything on this path is done. Well travelled!"
            if everything.done == everything.total
            else "Nothing is open right now."
        )
        return Text(message)
    parts: list[RenderableType] = [Text(f"Next up on {_path_name(tracker, path)}:", style="bold")]
    shown = upcoming if show_all else upcoming[:NEXT_SHOWN]
    for station in shown:
        parts += _stop_with_topics(tracker, station)
    if len(shown) < len(upcoming):
        more = len(upcoming) - len(shown)
        rest = counted(more, "more open station")
        parts.append(Text(f"\n… and {rest} (see them all with --all)"))
    parts.append(Text("\nMark a topic with: metrotui done TOPIC-ID", style="dim"))
    return Group(*parts)


def _stop_with_topics(tracker: Tracker, station: Station, prefix: str = "") -> list[Text]:
    """A station's heading line, then each topic still to do with the id to mark it by."""
    line = tracker.curriculum.line(station.line)
    count = tracker.count(station.id)
    indent = " " * (len(prefix) + 6)
    rows = [
        Text.assemble(
            "\n",
            (prefix, "dim"),
            state_badge(tracker, station.id),
            " ",
            _station_label(station),
            ("  " + line.name, line.color),
            f"  {count.done}/{count.total}",
        )
    ]
    # Each with what to type to mark it: its key (its id, unless that is ambiguous).
    curriculum = tracker.curriculum
    keys = curriculum.keys_of(station.id) if station.topics else ()
    rows += [
        Text.assemble(f"{indent}○ ", (key, "cyan"), "  ", topic.title)
        for key, topic in zip(keys, station.topics, strict=True)
        if not tracker.is_done(key)
    ]
    return rows


def _titles(stations: Iterable[Station]) -> str:
    return ", ".join(station.title for station in stations)


def _topic_list(
    curriculum: Curriculum, heading: str, glyph: str, topic_ids: list[str]
) -> list[Text]:
    lines = [Text(heading.format(counted(len(topic_ids), "topic")), style="bold")]
    lines += [Text.assemble(f"  {glyph} ", curriculum.title_of(t)) for t in topic_ids]
    return lines


def marked_view(
    before: Tracker,
    after: Tracker,
    asked: list[str],
    marked: list[str],
    *,
    heading: str = "Marked {} done:",
    glyph: str = TOPIC_DONE,
    already: str = "Already done",
) -> RenderableType:
    curriculum = after.curriculum
    lines: list[Text] = []
    if marked:
        lines += _topic_list(curriculum, heading, glyph, marked)
    skipped = [t for t in asked if t not in marked]
    if skipped:
        lines.append(Text(f"{already}: {', '.join(curriculum.title_of(t) for t in skipped)}"))
    finished = [
        s
        for s in curriculum.stations
        if after.state(s.id) is StationState.DONE and before.state(s.id) is not StationState.DONE
    ]
    if finished:
        lines.append(Text(f"Finished: {_titles(finished)}", style="bold green"))
    unlocked = after.newly_unlocked(before)
    if unlocked:
        lines.append(Text(f"Unlocked: {_titles(unlocked)}", style="bold"))
    overall = after.overall
    lines.append(Text(f"{overall.done}/{overall.total} topics · {overall.percent}%", style="dim"))
    return Group(*lines)


def unmarked_view(
    before: Tracker, after: Tracker, asked: list[str], undone: list[str]
) -> RenderableType:
    curriculum = after.curriculum
    lines: list[Text] = []
    if undone:
        lines += _topic_list(curriculum, "Unmarked {}:", TOPIC_OPEN, undone)
    else:
        lines.append(Text("None of those topics were marked done; nothing changed."))
    relocked = [
        s
        for s in curriculum.stations
        if after.state(s.id) is StationState.LOCKED
        and before.state(s.id) is not StationState.LOCKED
    ]
    if relocked:
        lines.append(Text(f"Locked again: {_titles(relocked)}", style="yellow"))
    overall = after.overall
    lines.append(Text(f"{overall.done}/{overall.total} topics · {overall.percent}%", style="dim"))
    return Group(*lines)


def route_view(tracker: Tracker, target: Station, stops: list[Station]) -> RenderableType:
    if not stops:
        return Text(f"{target.number} {target.title} is already done.")
    remaining = sum(tracker.count(s.id).left for s in stops)
    parts: list[RenderableType] = [
        Text.assemble(
            ("Route to ", "bold"),
            f"{target.number} {target.title}",
            f": {counted(len(stops), 'station')}, {counted(remaining, 'topic')} to go",
        )
    ]
    for step, station in enumerate(stops, start=1):
        parts += _stop_with_topics(tracker, station, f"{step:>3}. ")
    return Group(*parts)
