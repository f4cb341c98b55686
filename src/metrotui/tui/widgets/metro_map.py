"""The map pane: one Line-API widget that paints a MapLayout.

Only the rows on screen are rendered, and each rendered row is cached as a
Strip until something on it changes (progress, selection, size or theme), so
a map of thousands of stations scrolls as fast as a small one.  A tick draws
again only the rows whose stations changed, and the layouts of the other path
filters are worked out in idle moments after the first frame.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from math import ceil
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.color import Color
from textual.filter import LineFilter
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from metrotui.core.curriculum import Curriculum
from metrotui.core.glyphs import (
    DOTS_LIMIT,
    KNOWN_GLYPH,
    KNOWN_WORD,
    NEW_WORD,
    SELECTED_MARK,
    STATION_GLYPH,
    TOPIC_DONE,
    TOPIC_KNOWN,
    TOPIC_OPEN,
    station_badge,
)
from metrotui.core.tracker import StationState, Tracker, path_members
from metrotui.tui.map_layout import (
    CHOICE_MARK,
    LINE_SWATCH,
    NEEDS_MARK,
    MapLayout,
    Placed,
    filter_cycle,
    layout_map,
    station_label,
)
from metrotui.tui.widgets.framed_lines import frame_of

if TYPE_CHECKING:
    from metrotui.core.news import News

STATE_KEY = tuple(
    f"{glyph} {word}"
    for glyph, word in (
        (STATION_GLYPH[StationState.DONE], StationState.DONE.label),
        (KNOWN_GLYPH, KNOWN_WORD),
        (STATION_GLYPH[StationState.IN_PROGRESS], StationState.IN_PROGRESS.label),
        (STATION_GLYPH[StationState.AVAILABLE], StationState.AVAILABLE.label),
        (STATION_GLYPH[StationState.LOCKED], StationState.LOCKED.label),
    )
)


# Rows kept rendered: a few screens' worth, however big the map.
STRIP_CACHE_SIZE = 1024
MIN_TITLE_CELLS = 12  # what a title keeps when marks beside it need the room


def _fit(text: str, width: int) -> str:
    """The text in at most ``width`` cells, cut with an ellipsis when longer."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1).rstrip() + "…"


def _cells(segments: list[Segment]) -> int:
    return sum(cell_len(segment.text) for segment in segments)


def _fit_segments(segments: list[Segment], width: int) -> list[Segment]:
    """The segments in at most ``width`` cells, the last one cut with an ellipsis."""
    kept: list[Segment] = []
    left = width
    for segment in segments:
        size = cell_len(segment.text)
        if size > left or (size == left and segment is not segments[-1]):
            if left > 0:
                kept.append(Segment(_fit(segment.text + " ", left), segment.style))
            break
        kept.append(segment)
        left -= size
    return kept


def _progress(
    done: int, known: int, total: int, room: int, dots_style: Style, muted: Style
) -> list[Segment]:
    """A station's progress in ``room`` cells: its dots, else its count, else nothing."""
    if total and total <= DOTS_LIMIT and total <= room:
        dots = [
            Segment(TOPIC_KNOWN * known, dots_style),
            Segment(TOPIC_DONE * (done - known), dots_style),
            Segment(TOPIC_OPEN * (total - done), muted),
        ]
        return [segment for segment in dots if segment.text]
    text = f"{done}/{total}"
    return [Segment(text, muted)] if total and cell_len(text) <= room else []


def _window(segments: list[Segment], start: int, width: int, fill: Style) -> list[Segment]:
    """Cells ``start`` to ``start + width`` of a row, padded with ``fill`` where it ends sooner."""
    end = start + width
    kept: list[Segment] = []
    x = 0
    for segment in segments:
        if x >= end:
            break
        size = cell_len(segment.text)
        if x + size <= start:
            x += size
            continue
        if x < start:
            # A wide character cut in two leaves a space in its place.
            segment = segment.split_cells(start - x)[1]
            size -= start - x
            x = start
        if x + size > end:
            segment = segment.split_cells(end - x)[0]
            size = end - x
        kept.append(segment)
        x += size
    x = max(x, start)
    if x < end:
        kept.append(Segment(" " * (end - x), fill))
    return kept


def _badge(text: str, room: int, muted: Style) -> list[Segment]:
    """A badge in ``room`` cells: whole, else its first word ("12/20"), else nothing."""
    for shown in (text, text.split(" ")[0]):
        if cell_len(shown) <= room:
            return [Segment(shown, muted)]
    return []


class _Window(NamedTuple):
    """What a kept row was drawn for: another window, and every kept row is drawn again."""

    scroll_x: int
    width: int
    filters: tuple[LineFilter, ...]
    background: Color | None
    base: Style


def _drawing(bar: ScrollBar) -> list[Segment]:
    """The cells a scrollbar draws for its values (in its own colours, whatever they are)."""
    virtual = bar.window_virtual_size
    window = bar.window_size if bar.window_size < virtual else 0
    return bar.renderer.render_bar(
        size=bar.size.height if bar.vertical else bar.size.width,
        virtual_size=ceil(virtual),
        window_size=ceil(window),
        position=bar.position,
        thickness=bar.thickness,
        vertical=bar.vertical,
    ).segments


def _set_window(bar: ScrollBar, virtual: int, window: int) -> None:
    """Give a scrollbar new sizes, drawing it again only if its thumb moved or changed length.

    On a big map most filters leave a one-cell thumb at the top, and each of
    the bar's rows drawn again costs as much as a row of the map.
    """
    before = _drawing(bar)
    bar.set_reactive(ScrollBar.window_virtual_size, virtual)
    bar.set_reactive(ScrollBar.window_size, window)
    if _drawing(bar) != before:
        bar.refresh()


class MetroMap(ScrollView, can_focus=True):
    """The curriculum as a metro map, with one selected station."""

    BINDINGS = [
        Binding("up,k", "move(-1)", "Prev", show=False),
        Binding("down,j", "move(1)", "Next", show=False),
        Binding("left,h", "beside(-1)", "Line left", show=False),
        Binding("right,l", "beside(1)", "Line right", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("tab,enter", "app.open_topics", "Topics"),
        Binding("K", "app.mark_known", "Known", show=False),
    ]

    COMPONENT_CLASSES = {
        "metro-map--selected",
        "metro-map--selected-blurred",
        "metro-map--locked",
        "metro-map--muted",
        "metro-map--new",
    }

    class StationSelected(Message):
        """The selection moved to another station."""

        def __init__(self, station_id: str) -> None:
            super().__init__()
            self.station_id = station_id

    def __init__(
        self,
        curriculum: Curriculum,
        tracker: Tracker,
        visible: frozenset[str] | None,
        selected: str,
        *,
        follow: Callable[[str], None] | None = None,
        badges: Mapping[str, tuple[StationState, str]] | None = None,
        key: tuple[str, ...] = STATE_KEY,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        # A state and a text per station drawn instead of the progress's (a
        # study group's "12/20 done"), with a key that says what the states
        # mean there: the map then shows someone else's view.
        self.badges = badges
        self.key = key
        # Told of each new selection at once, before the map repaints: what
        # follows the selection (the station pane) is drawn in the same frame.
        # StationSelected, a message, arrives after that frame.
        self.follow = follow
        self.curriculum = curriculum
        self.tracker = tracker
        self.shown = visible
        self.selected = selected
        self.layout_: MapLayout = layout_map(curriculum, visible, 80, key)
        # Rendered rows by row number, dropped when what they show changes.
        # Bounded, as Textual's own Line-API widgets are: scrolling through a
        # huge map keeps only the rows seen last.
        self._strips: LRUCache[int, Strip] = LRUCache(STRIP_CACHE_SIZE)
        self._base_style: Style | None = None  # rich_style, kept until the styles change
        self.route: frozenset[str] | None = None
        self._route_lines: set[str] = set()
        self._component_colors: dict[str, Style] = {}
        self._line_styles = {line.id: Style(color=line.color) for line in curriculum.lines}
        # What the latest change added, once the app has read it (after the first frame).
        self.news: News | None = None

    # Public API used by the app --------------------------------------------
    def show_news(self, news: News | None) -> None:
        """Mark the stations that are new or gained topics (None: mark nothing)."""
        self.news = news
        self._strips.clear()
        self.refresh()

    def refresh_station(self, station_id: str) -> None:
        """Draw a station's row again (its "new" mark went, say)."""
        if station_id in self.layout_.places:
            y = self.layout_.place(station_id).y
            self._strips.discard(y)
            self.refresh_line(y)

    def show_route(self, route: frozenset[str] | None) -> None:
        """Highlight a route's stations and dim everything else (None clears it)."""
        self.route = route
        self._route_lines = (
            {self.curriculum.station(s).line for s in route} if route is not None else set()
        )
        self._strips.clear()
        self.refresh()

    def show_progress(self, tracker: Tracker) -> None:
        before, self.tracker = self.tracker, tracker
        # A tick changes a station or two: draw again only the rows on screen
        # whose stations changed state or count, and forget the rows off screen.
        top = self.scroll_offset.y
        bottom = top + self.size.height
        for row in list(self._strips.keys()):
            if not top <= row < bottom:
                self._strips.discard(row)
            elif row < self.layout_.height and any(
                before.state(place.station_id) is not tracker.state(place.station_id)
                or before.count(place.station_id) != tracker.count(place.station_id)
                for place in self.layout_.rows[row].stations
            ):
                self._strips.discard(row)
                self.refresh_line(row)

    def show_stations(self, visible: frozenset[str] | None, selected: str) -> None:
        self.shown = visible
        self.selected = selected
        self._relayout(self._layout_width() if self.size.width else 80)
        self.reveal_selected()

    def select(self, station_id: str, announce: bool = True) -> None:
        if station_id not in self.layout_.places or station_id == self.selected:
            return
        old = self.layout_.place(self.selected).y if self.selected in self.layout_.places else None
        self.selected = station_id
        for y in (old, self.layout_.place(station_id).y):
            if y is not None:
                self._strips.discard(y)
                self.refresh_line(y)
        self.reveal_selected()
        if announce:
            if self.follow is not None:
                self.follow(station_id)
            self.post_message(self.StationSelected(station_id))

    def reveal_selected(self) -> None:
        if self.selected not in self.layout_.places:
            return
        place = self.layout_.place(self.selected)
        top = 0 if self.layout_.order and self.selected == self.layout_.order[0] else place.y - 1
        region = Region(max(place.x - 2, 0), top, place.label_width + 4, place.y - top + 2)
        self.scroll_to_region(region, animate=False, force=True)

    # Actions ----------------------------------------------------------------
    def action_move(self, delta: int) -> None:
        if self.selected in self.layout_.places:  # nothing shown: nowhere to go
            self.select(self.layout_.step(self.selected, delta))

    def action_beside(self, direction: int) -> None:
        if self.selected in self.layout_.places:
            self.select(self.layout_.beside(self.selected, direction))

    def action_first(self) -> None:
        if self.layout_.order:
            self.select(self.layout_.order[0])

    def action_last(self) -> None:
        if self.layout_.order:
            self.select(self.layout_.order[-1])

    # Events -------------------------------------------------------------------
    def get_content_width(self, container: Size, viewport: Size) -> int:
        """As wide as the map wants, leaving the panes beside it their minimum widths.

        Used when the map's width is ``auto``: the map takes what its titles
        need before its neighbours take what they want beyond their minimum.
        """
        beside = 0
        if self.parent is not None:
            for widget in self.parent.children:
                minimum = widget.styles.min_width
                if widget is not self and widget.display and minimum is not None:
                    beside += int(minimum.resolve(container, viewport))
        scrollbar = self.styles.scrollbar_size_vertical
        total = min(self._wanted_width() + scrollbar, container.width - beside)
        # Textual adds the scrollbar's column itself when the scrollbar shows.
        return max(total - (scrollbar if self.show_vertical_scrollbar else 0), 1)

    def _layout_width(self) -> int:
        # Leave room for the vertical scrollbar whether or not it shows yet: it
        # appears only after the first layout, and laying out for the full
        # width would then need a horizontal scrollbar for one column.
        return max(self.size.width - self.styles.scrollbar_size_vertical, 1)

    def on_resize(self, event: events.Resize) -> None:
        width = self._layout_width()
        if width != self._laid_out_width:
            self._relayout(width)

    def on_click(self, event: events.Click) -> None:
        x, y = event.offset + self.scroll_offset
        station_id = self.layout_.station_at(x, y)
        if station_id is not None:
            self.select(station_id)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._component_colors.clear()
        self._base_style = None

    def on_mount(self) -> None:
        if self.app.no_color:
            # Greys by brightness make some lines faint and others alike; without
            # colour every track is drawn plainly and the lines are named instead.
            self._line_styles = {line.id: Style() for line in self.curriculum.lines}
        # Lay out the other path filters while the learner reads the first
        # frame, one per idle moment, so that changing the filter later finds
        # its layout ready instead of working through the whole graph.
        pending = filter_cycle(self.curriculum)
        self.call_after_refresh(self._prepare_filters, pending)

    def _prepare_filters(self, pending: list[str]) -> None:
        if not pending or not self.is_attached:
            return
        layout_map(self.curriculum, path_members(self.curriculum, pending.pop(0)), key=self.key)
        if pending:
            self.set_timer(0.02, lambda: self._prepare_filters(pending))

    def on_focus(self) -> None:
        self._refresh_selected()

    def on_blur(self) -> None:
        self._refresh_selected()

    # Rendering ---------------------------------------------------------------
    _laid_out_width = 0

    # The window the kept rows were cut for.
    _drawn_for: _Window | None = None

    # The widest any filter shown so far wanted: see _wanted_width.
    _widest = 0

    def _wanted_width(self) -> int:
        """The width the map asks for: the widest of the filters shown so far.

        A narrower filter keeps that width (its lanes share it), so the station
        pane stays where it was and a filter key repaints the map instead of
        laying the whole screen out.
        """
        return max(self._widest, self.layout_.natural_width)

    def _relayout(self, width: int) -> None:
        self._laid_out_width = width
        wanted = self._wanted_width()
        self.layout_ = layout_map(self.curriculum, self.shown, width, self.key)
        self._strips.clear()
        self._widest = self._wanted_width()
        widened = self._widest != wanted
        if widened:
            # A filter wider than any before: let the panes share anew.
            self.refresh(layout=True)
        self._set_extent(Size(self.layout_.width, self.layout_.height), widened)
        self.refresh()

    def _bars(self, size: Size) -> tuple[bool, bool]:
        """Whether the map shows its (vertical, horizontal) scrollbars at this scrollable size."""
        region = self.scrollable_content_region

        def shown(overflow: str, needed: bool) -> bool:
            return overflow == "scroll" or (overflow == "auto" and needed)

        return (
            shown(self.styles.overflow_y, size.height > region.height),
            shown(self.styles.overflow_x, size.width > region.width),
        )

    def _set_extent(self, size: Size, laid_out: bool) -> None:
        """The map's scrollable size, without laying out the screen where nothing moves.

        Setting ``virtual_size`` lays the whole screen out, yet a filter with
        more or fewer rows changes only the scroll range and the bars' thumbs
        while the bars stay as they were: those are set here directly.
        """
        old = self.virtual_size
        if size == old:
            return
        if size.width > self.scrollable_content_region.width:
            # Once a filter scrolls sideways, the bar stays for every filter:
            # shown and hidden in turn, it would lay the screen out each time.
            self.styles.overflow_x = "scroll"
        if laid_out or not self.size.height or self._bars(size) != self._bars(old):
            self.virtual_size = size
            return
        region = self.scrollable_content_region
        self.set_reactive(MetroMap.virtual_size, size)
        if self.show_vertical_scrollbar:
            _set_window(self.vertical_scrollbar, size.height, region.height)
        if self.show_horizontal_scrollbar:
            _set_window(self.horizontal_scrollbar, size.width, region.width)
        self.scroll_to(
            x=min(self.scroll_x, self.max_scroll_x),
            y=min(self.scroll_y, self.max_scroll_y),
            animate=False,
            immediate=True,
        )

    def _refresh_selected(self) -> None:
        if self.selected in self.layout_.places:
            y = self.layout_.place(self.selected).y
            self._strips.discard(y)
            self.refresh_line(y)

    def render_line(self, y: int) -> Strip:
        # Textual's own path, taken only for styles that ask for more than
        # plain rows (see render_lines): the row cut to the window, unfiltered.
        window = self._window_for(self.scrollable_content_region.width, (), None)
        return self._drawn_row(y + self.scroll_offset.y, window)

    def render_lines(self, crop: Region) -> list[Strip]:
        """The rows in ``crop``, each one Strip made once and kept: cut to the window, filtered.

        Textual's path makes five Strips of a row each time it is drawn again
        (the row, its cut to the window, the cut widened to the widget, the
        line filter's, the compositor's piece), and a filter key draws every
        row on screen again.
        """
        frame = frame_of(self)
        if frame is None or frame.left or frame.right:
            return super().render_lines(crop)
        # As wide as the window, without the scrollbars' column and row: they
        # are drawn over the map, and a row reaching under the bar would be
        # cut there by the compositor, one more Strip a row.
        width = self.scrollable_content_region.width
        window = self._window_for(width, frame.filters, frame.background)
        # Rounded as Textual rounds it when it marks rows for repainting (refresh_line).
        top = self.scroll_offset.y
        strips = [self._drawn_row(top + y, window) for y in crop.line_range]
        start, end = crop.column_span
        end = min(end, width)
        if (start, end) != (0, width):
            strips = [strip.crop(start, end) for strip in strips]
        return strips

    def _window_for(
        self, width: int, filters: tuple[LineFilter, ...], background: Color | None
    ) -> _Window:
        """The window rows are drawn for now; the rows kept go if they were cut for another."""
        base = self._base_style
        if base is None:
            # Working out the style walks every ancestor; once per style change will do.
            base = self._base_style = self.rich_style
        window = _Window(self.scroll_offset.x, width, filters, background, base)
        if window != self._drawn_for:
            self._strips.clear()
            self._drawn_for = window
        return window

    def _drawn_row(self, row: int, window: _Window) -> Strip:
        """A row of the map as it shows in ``window``, kept until it changes."""
        strip = self._strips.get(row)
        if strip is not None:
            return strip
        width, base = window.width, window.base
        if row >= self.layout_.height:
            segments = [Segment(" " * width, base)]
        else:
            # The legends stay put while the map scrolls sideways.
            start = 0 if row < len(self.layout_.legend_rows) else window.scroll_x
            segments = _window(self._render_row(row, base), start, width, base)
        if window.background is not None:
            for line_filter in window.filters:
                segments = line_filter.apply(segments, window.background)
        strip = Strip(segments, width)
        self._strips.set(row, strip)
        return strip

    def _render_row(self, row: int, base: Style) -> list[Segment]:
        """The whole row, from the map's first column to its last."""
        if row < len(self.layout_.legend_rows):
            return self._legend(row, base)
        cells: list[tuple[int, list[Segment]]] = []
        map_row = self.layout_.rows[row]
        for track in map_row.tracks:
            track_style = (
                self._component_color("metro-map--locked")
                if self.route is not None and track.line_id not in self._route_lines
                else self._line_styles[track.line_id]
            )
            cells.append((track.x, [Segment(track.glyph, base + track_style)]))
        for place in map_row.stations:
            if place.station_id == self.selected:
                mark = Segment(SELECTED_MARK, base + Style(bold=True))
                cells.append((place.x - 1, [mark]))
            cells.append((place.x, self._station_segments(place, base)))
        if self.app.no_color:
            # Without colour the tracks look alike: name each line where it starts.
            muted = base + self._component_color("metro-map--muted") + Style(italic=True)
            for tag in map_row.tags:
                name = _fit(self.curriculum.line(tag.line_id).name, tag.width)
                cells.append((tag.x, [Segment(name, muted)]))
        cells.sort(key=lambda cell: cell[0])
        segments: list[Segment] = []
        cursor = 0
        for x, parts in cells:
            if x < cursor:
                continue
            if x > cursor:
                segments.append(Segment(" " * (x - cursor), base))
            segments.extend(parts)
            cursor = x + _cells(parts)
        return segments

    def _station_segments(self, place: Placed, base: Style) -> list[Segment]:
        station = self.curriculum.station(place.station_id)
        badge = self.badges.get(station.id) if self.badges is not None else None
        state = badge[0] if badge is not None else self.tracker.state(station.id)
        count = self.tracker.count(station.id)
        line_style = base + self._line_styles[station.line]
        locked = self._component_color("metro-map--locked")
        muted = self._component_color("metro-map--muted")

        off_route = self.route is not None and station.id not in self.route
        if off_route or (state is StationState.LOCKED and self.route is None):
            marker_style, label_style = base + locked, base + locked
        elif state is StationState.LOCKED:  # on the route: still locked, but part of the plan
            marker_style, label_style = line_style, base
        elif state is StationState.DONE:
            marker_style, label_style = line_style + Style(bold=True), line_style
        elif state is StationState.IN_PROGRESS:
            marker_style, label_style = line_style + Style(bold=True), base + Style(bold=True)
        else:
            marker_style, label_style = line_style + Style(bold=True), base

        marks = self._needs_segments(place, base + muted)
        new: Segment | None = None
        if self.news is not None and self.news.marked(station.id):
            # First of the marks: it gives way last, after the prerequisites' numbers.
            new = Segment(
                NEW_WORD, base + self._component_color("metro-map--new") + Style(bold=True)
            )
            marks = [new, Segment(" ", base), *marks] if marks else [new]
        room = place.label_width - (1 + _cells(marks) if marks else 0)
        label = station_label(station)
        if cell_len(label) > room and marks:
            # A prerequisite no track shows must stay in sight: the title gives
            # way to its marks down to a readable stub, then the marks are cut.
            room = max(room, min(cell_len(label), MIN_TITLE_CELLS))
            marks = _fit_segments(marks, place.label_width - room - 1)
            if new is not None and marks[:1] != [new]:
                marks = []  # "n…" says nothing: the word whole or not at all
        label = _fit(label, room)
        room -= cell_len(label) + 1
        # The title matters more: the dots give way to the count, and the count
        # gives way before the title is cut (the station pane still shows it).
        dots_style = line_style if state is not StationState.LOCKED else base + locked
        if badge is not None:
            progress = _badge(badge[1], room, base + muted)
        else:
            progress = _progress(
                count.done, count.known, count.total, room, dots_style, base + muted
            )

        if station.id == self.selected:
            highlight = self.get_component_rich_style(
                "metro-map--selected" if self.has_focus else "metro-map--selected-blurred"
            )
            marker_style += Style(bgcolor=highlight.bgcolor, bold=highlight.bold)
            label_style += highlight
        segments = [
            Segment(station_badge(state, count.done, count.known, count.total)[0], marker_style),
            Segment(" ", label_style if station.id == self.selected else base),
            Segment(label, label_style),
        ]
        if marks:
            segments.append(Segment(" ", base))
            segments.extend(marks)
        if progress:
            segments.append(Segment(" ", base))
            segments.extend(progress)
        return segments

    def _needs_segments(self, place: Placed, mark_style: Style) -> list[Segment]:
        """The mark for prerequisites no track shows: each number in its line's colour."""
        if not place.transfers and not place.choices:
            return []
        groups = [(station_id,) for station_id in place.transfers] + list(place.choices)
        segments = [Segment(NEEDS_MARK, mark_style)]
        for k, group in enumerate(groups):
            if k:
                segments.append(Segment(",", mark_style))
            for n, station_id in enumerate(group):
                if n:
                    segments.append(Segment(CHOICE_MARK, mark_style))
                other = self.curriculum.station(station_id)
                number_style = mark_style + self._line_styles[other.line] + Style(bold=True)
                segments.append(Segment(str(other.number), number_style))
        return segments

    def _legend(self, row: int, base: Style) -> list[Segment]:
        """One row of the legends: lines with their swatch, or the state key."""
        muted = base + self._component_color("metro-map--muted")
        segments: list[Segment] = []
        cursor = 0
        for entry in self.layout_.legend_rows[row]:
            segments.append(Segment(" " * (entry.x - cursor), base))
            if entry.line_id is None:
                segments.append(Segment(entry.text, muted))
            else:
                swatch = base + self._line_styles[entry.line_id] + Style(bold=True)
                segments.append(Segment(LINE_SWATCH, swatch))
                segments.append(Segment(entry.text[len(LINE_SWATCH) :], base))
            cursor = entry.x + cell_len(entry.text)
        return segments

    def _component_color(self, name: str) -> Style:
        # Only the colour: the full component style would also repaint the
        # background, and partial styles lose the theme's alpha blending.
        style = self._component_colors.get(name)
        if style is None:
            style = Style(color=self.get_component_rich_style(name).color)
            self._component_colors[name] = style
        return style
