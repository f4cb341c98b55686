"""The station pane: one Line-API widget that draws a station's page.

The page (metrotui.tui.widgets.station_page) is a list of blocks; each is drawn once
per width and style and kept in a bounded cache, so moving back and forth
over the map redraws nothing but the rows on screen, and no widget is laid
out again.  Two lists in the page take a cursor: the topics (space ticks, K
marks known) and the links (enter opens, c copies); tab goes from one to the
next and on to the map.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual, visualize

from metrotui.core.curriculum import Curriculum, Station, Topic
from metrotui.core.tracker import Tracker
from metrotui.storage.progress import Note
from metrotui.tui.widgets.drawn_scrollbar import DrawnScrollbar
from metrotui.tui.widgets.framed_lines import FramedLines, frame_of
from metrotui.tui.widgets.station_page import (
    ROUTE_BAR,
    Block,
    Limits,
    Pick,
    Route,
    StationPage,
    Zone,
)

if TYPE_CHECKING:
    from metrotui.core.cohort import StationView
    from metrotui.core.news import News

# Blocks kept drawn (a station's page is a few dozen): enough for a learner's
# whole session on a map our size, and a bound on a huge one.
BLOCK_CACHE_SIZE = 4096
# Lines kept framed: a few dozen stations' pages.
FRAMED_CACHE_SIZE = 4096

_TOPIC_ACTIONS = frozenset({"tick", "known", "to_links", "leave_topics"})
_LINK_ACTIONS = frozenset({"open", "copy", "leave_links", "to_topics"})


class _Placed:
    """A block that the cursor can rest on, where it sits in the page."""

    __slots__ = ("block", "top", "height")

    def __init__(self, block: Block, top: int, height: int) -> None:
        self.block = block
        self.top = top
        self.height = height

    @property
    def pick(self) -> Pick:
        assert self.block.pick is not None
        return self.block.pick


class StationDetail(ScrollView, can_focus=True):
    """Number, title, line, state, summary, topics, notes, links, needs, unlocks."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("home", "cursor_to(0)", "First", show=False),
        Binding("end", "cursor_to(-1)", "Last", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        # In the topics
        Binding("space", "tick", "Tick"),
        Binding("enter", "tick", "Tick", show=False),
        Binding("K", "known", "Known"),
        Binding("tab", "to_links", "Links", show=False),
        Binding("escape,shift+tab", "leave_topics", "Map"),
        # In the links
        Binding("space,enter", "open", "Open", show=False),
        Binding("c", "copy", "Copy link"),
        Binding("tab,escape", "leave_links", "Map"),
        Binding("shift+tab", "to_topics", "Topics", show=False),
    ]

    COMPONENT_CLASSES = {"station-detail--cursor", "station-detail--cursor-blurred"}

    class TopicToggled(Message):
        def __init__(self, topic_id: str) -> None:
            super().__init__()
            self.topic_id = topic_id

    class LinkOpened(Message):
        def __init__(self, url: str) -> None:
            super().__init__()
            self.url = url

    class LinkCopied(Message):
        def __init__(self, url: str) -> None:
            super().__init__()
            self.url = url

    def __init__(
        self,
        curriculum: Curriculum,
        *,
        group: Mapping[str, StationView] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.curriculum = curriculum
        # A study group's standing per station, listed instead of one learner's progress.
        self.group = group
        self.station: Station | None = None
        self.tracker: Tracker | None = None
        self.notes: dict[str, Note] = {}  # the learner's notes, kept current by the app
        self.news: News | None = None  # what the latest change added, once the app has read it
        self._zone = Zone.TOPICS
        self._cursor = {Zone.TOPICS: 0, Zone.LINKS: 0}
        self._limits = Limits()
        self._route: Route | None = None
        self._lines: list[Strip] = []
        self._picks: dict[Zone, list[_Placed]] = {Zone.TOPICS: [], Zone.LINKS: []}
        # Blocks as built, and as drawn at a width in a style (the cursor's, say).
        self._visuals: LRUCache[Hashable, Visual] = LRUCache(BLOCK_CACHE_SIZE)
        self._drawn: LRUCache[tuple[Any, ...], list[Strip]] = LRUCache(BLOCK_CACHE_SIZE)
        # The lines as shown, with the pane's edge and padding (see framed_lines).
        self._framed = FramedLines(FRAMED_CACHE_SIZE)
        self._bar = DrawnScrollbar(self)
        self._width = 0
        self._reveal_pending = False

    # What the app asks of the pane ------------------------------------------------
    def show(self, station: Station, tracker: Tracker) -> None:
        """Show a station from the top, its first topic under the cursor."""
        if self.station is None or self.station.id != station.id:
            self.station = station
            self._limits = Limits()
            self._cursor = {Zone.TOPICS: 0, Zone.LINKS: 0}
            self.zone = Zone.TOPICS
            self.scroll_to(0, 0, animate=False, immediate=True)
        self.show_progress(tracker)

    def show_progress(self, tracker: Tracker) -> None:
        """Draw the page again for this progress (only what changed is drawn anew)."""
        self.tracker = tracker
        self._compose_page()

    def show_news(self, news: News | None) -> None:
        """Mark what is new (None: nothing); drawn again at once."""
        self.news = news
        self._compose_page()

    def show_route(self, target: Station | None, stops: list[Station], tracker: Tracker) -> None:
        """List a route's stops with the topics each still needs (None hides it)."""
        self._route = None if target is None else Route(target, stops)
        self.show_progress(tracker)

    @property
    def zone(self) -> Zone:
        """The list the cursor is in (and the keys the footer offers)."""
        return self._zone

    @zone.setter
    def zone(self, zone: Zone) -> None:
        if zone is not self._zone:
            self._zone = zone
            self.refresh_bindings()

    @property
    def has_links(self) -> bool:
        return bool(self._picks[Zone.LINKS])

    @property
    def cursor_topic(self) -> Topic | None:
        """The topic under the cursor in the topics list, if any."""
        placed = self._under_cursor(Zone.TOPICS)
        return None if placed is None else placed.pick.topic

    @property
    def cursor_key(self) -> str | None:
        """What ticking the entry under the cursor in the topics would mark, if anything."""
        placed = self._under_cursor(Zone.TOPICS)
        return None if placed is None else placed.pick.key

    @property
    def cursor_url(self) -> str | None:
        placed = self._under_cursor(Zone.LINKS)
        if placed is None or placed.pick.reference is None:
            return None
        return placed.pick.reference.url

    def page_text(self) -> str:
        """The whole page as plain text, as drawn (what scrolling would show)."""
        return "\n".join(strip.text.rstrip() for strip in self._lines)

    @property
    def route_text(self) -> str | None:
        """The route's list as plain text, or None when no route is shown."""
        if self._route is None:
            return None
        lines = self.page_text().split("\n")
        return "\n".join(line[len(ROUTE_BAR) :] for line in lines if line.startswith(ROUTE_BAR))

    def entries(self, zone: Zone) -> list[str]:
        """The first drawn line of each entry in one of the lists, as plain text."""
        return [self._lines[placed.top].text.strip() for placed in self._picks[zone]]

    def enter(self, zone: Zone) -> None:
        """Put the cursor in one of the lists (it stays where it was in that list)."""
        self.zone = zone
        self._reveal_cursor()
        self.refresh()

    def move_cursor_to_topic(self, topic_id: str) -> None:
        self._move_to(
            Zone.TOPICS, lambda pick: pick.topic is not None and pick.topic.id == topic_id
        )

    def move_cursor_to_link(self, url: str) -> None:
        self._move_to(
            Zone.LINKS, lambda pick: pick.reference is not None and pick.reference.url == url
        )

    # Drawing -----------------------------------------------------------------
    def _compose_page(self) -> None:
        station, tracker = self.station, self.tracker
        if station is None or tracker is None:
            return
        # Hidden (narrow terminals show one pane at a time), it is still drawn,
        # at the width it had: keys act on its lists before it is shown.
        width = self.scrollable_content_region.width or self._width or 40
        self._width = width
        page = StationPage(
            self.curriculum,
            station,
            tracker,
            self.notes.get(station.id),
            self._limits,
            self._route,
            news=self.news,
            group=self.group,
        )
        style = self.visual_style
        lines: list[Strip] = []
        picks: dict[Zone, list[_Placed]] = {Zone.TOPICS: [], Zone.LINKS: []}
        for block in page.blocks():
            strips = self._draw(block, width, style)
            if block.pick is not None:
                picks[block.pick.zone].append(_Placed(block, len(lines), len(strips)))
            lines += strips
        self._lines = lines
        self._picks = picks
        for zone, placed in picks.items():
            self._cursor[zone] = max(0, min(self._cursor[zone], len(placed) - 1))
        self._set_page_size(Size(width, len(lines)))
        if self._reveal_pending:
            self._reveal_cursor()
        self.refresh()

    def _set_page_size(self, size: Size) -> None:
        """Tell the scrollbar the page's length, without laying out the screen.

        Setting ``virtual_size`` lays out the whole screen and moves the
        scrollbar a frame later: a move would be drawn twice.  The bar is
        always shown (overflow-y: scroll in the CSS), so a new length changes
        nothing but the bar's thumb and the scroll range, set here directly.
        """
        if size == self.virtual_size:
            return
        if not self.size.height or self.virtual_size.width != size.width:
            self.virtual_size = size  # first drawn, or a new width: laid out anyway
            return
        self.set_reactive(StationDetail.virtual_size, size)
        bar = self.vertical_scrollbar
        bar.window_virtual_size = size.height
        bar.window_size = self.scrollable_content_region.height
        self.scroll_to(y=min(self.scroll_y, self.max_scroll_y), animate=False, immediate=True)

    def _draw(self, block: Block, width: int, style: Style) -> list[Strip]:
        if block.key is None:
            # Built afresh each time (what it shows depends on progress), and
            # drawn again only when that differs: wrapping costs more than building.
            built = block.build()
            if not isinstance(built, Content):
                return self._to_strips(visualize(self, built), width, style)
            key: tuple[Any, ...] = (("shows", built.plain, tuple(built.spans)), width, style)
            strips = self._drawn.get(key)
            if strips is None:
                strips = self._to_strips(built, width, style)
                self._drawn.set(key, strips)
            return strips
        key = (block.key, width, style)
        strips = self._drawn.get(key)
        if strips is None:
            visual = self._visuals.get(block.key)
            if visual is None:
                visual = visualize(self, block.build())
                self._visuals.set(block.key, visual)
            strips = self._to_strips(visual, width, style)
            self._drawn.set(key, strips)
        return strips

    def _to_strips(self, visual: Visual, width: int, style: Style) -> list[Strip]:
        return Visual.to_strips(self, visual, width, None, style, pad=True)

    def render_line(self, y: int) -> Strip:
        line = y + int(self.scroll_y)
        if not 0 <= line < len(self._lines):
            return Strip.blank(self._width, self.visual_style.rich_style)
        placed = self._under_cursor(self.zone)
        if placed is not None and placed.top <= line < placed.top + placed.height:
            component = (
                "station-detail--cursor" if self.has_focus else "station-detail--cursor-blurred"
            )
            strips = self._draw(placed.block, self._width, self.get_visual_style(component))
            return strips[line - placed.top]
        return self._lines[line]

    def render_lines(self, crop: Region) -> list[Strip]:
        frame = frame_of(self)
        if frame is None:
            return super().render_lines(crop)
        lines = [self.render_line(y) for y in crop.line_range]
        if not self._bar.drawn:
            return self._framed.render(lines, frame, crop)
        cells = self._bar.cells(self.region.height)
        bar = [cells[y] if y < len(cells) else None for y in crop.line_range]
        return self._framed.render(lines, frame, crop, bar)

    def on_resize(self, event: events.Resize) -> None:
        width = self.scrollable_content_region.width
        if width and width != self._width:
            self._compose_page()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # A new theme: every block is drawn again in its colours (the old
        # drawings fall out of the cache, keyed by style, in time).
        self._compose_page()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # The cursor --------------------------------------------------------------
    def _under_cursor(self, zone: Zone) -> _Placed | None:
        placed = self._picks[zone]
        return placed[self._cursor[zone]] if placed else None

    def _move_to(self, zone: Zone, wanted: Any) -> None:
        for index, placed in enumerate(self._picks[zone]):
            if wanted(placed.pick):
                self.zone = zone
                self._cursor[zone] = index
                self._reveal_cursor()
                self.refresh()
                return

    def _reveal_cursor(self) -> None:
        region = self.scrollable_content_region
        if region.width != self._width or not region.height:
            # Hidden, or not yet laid out at its new width (the narrow layout
            # shows the pane on tab): done when the page is drawn for it.
            self._reveal_pending = True
            return
        self._reveal_pending = False
        placed = self._under_cursor(self.zone)
        if placed is not None:
            self.scroll_to_region(
                Region(0, placed.top, self._width, placed.height),
                animate=False,
                force=True,
                immediate=True,
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _TOPIC_ACTIONS:
            return self.zone is Zone.TOPICS
        if action in _LINK_ACTIONS:
            return self.zone is Zone.LINKS
        return True

    def action_cursor(self, step: int) -> None:
        placed = self._picks[self.zone]
        if placed:
            self._cursor[self.zone] = max(0, min(len(placed) - 1, self._cursor[self.zone] + step))
            self._reveal_cursor()
            self.refresh()

    def action_cursor_to(self, index: int) -> None:
        placed = self._picks[self.zone]
        if placed:
            self._cursor[self.zone] = index % len(placed)
            self._reveal_cursor()
            self.refresh()

    def action_page(self, direction: int) -> None:
        """A screen up or down; the cursor goes to the first pick on the new screen."""
        height = self.scrollable_content_region.height
        self.scroll_to(y=self.scroll_y + direction * height, animate=False, immediate=True)
        placed = self._picks[self.zone]
        top = int(self.scroll_y)
        on_screen = [i for i, p in enumerate(placed) if top <= p.top < top + height]
        if on_screen:
            self._cursor[self.zone] = on_screen[0] if direction > 0 else on_screen[-1]
        self.refresh()

    # Picking -------------------------------------------------------------------
    def action_tick(self) -> None:
        self._pick(self._under_cursor(Zone.TOPICS))

    def action_open(self) -> None:
        self._pick(self._under_cursor(Zone.LINKS))

    def _pick(self, placed: _Placed | None) -> None:
        if placed is None:
            return
        pick = placed.pick
        if pick.key is not None:
            self.post_message(self.TopicToggled(pick.key))
        elif pick.reference is not None:
            self.post_message(self.LinkOpened(pick.reference.url))
        elif pick.more is not None:
            self._limits.grow(pick.more)
            self._compose_page()

    def action_copy(self) -> None:
        url = self.cursor_url
        if url is not None:
            self.post_message(self.LinkCopied(url))

    async def action_known(self) -> None:
        await self.app.run_action("known_topic")

    async def action_to_links(self) -> None:
        await self.app.run_action("after_topics")

    async def action_to_topics(self) -> None:
        await self.app.run_action("open_topics")

    async def action_leave_topics(self) -> None:
        await self.app.run_action("focus_map")

    async def action_leave_links(self) -> None:
        await self.app.run_action("focus_map")

    # The scrollbar, drawn in the pane's lines, answers the mouse as Textual's does.
    @property
    def allow_select(self) -> bool:
        # A press on the bar grabs it, as on Textual's (a widget with no text).
        column = self.app.mouse_position.x - self.region.x
        return super().allow_select and not self._bar.on_bar(column)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self._bar.mouse_down(event)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._bar.mouse_move(event)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        self._bar.mouse_up(event)

    def on_leave(self, event: events.Leave) -> None:
        self._bar.set_hover(False)

    def on_click(self, event: events.Click) -> None:
        if self._bar.on_bar(event.x):
            event.stop()
            return
        offset = event.get_content_offset(self)
        if offset is None:
            return
        line = offset.y + int(self.scroll_y)
        for zone, placed_list in self._picks.items():
            for index, placed in enumerate(placed_list):
                if placed.top <= line < placed.top + placed.height:
                    event.stop()
                    self.zone = zone
                    self._cursor[zone] = index
                    self.refresh()
                    self._pick(placed)
                    return
