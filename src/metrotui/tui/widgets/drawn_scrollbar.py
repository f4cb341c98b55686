"""A vertical scrollbar drawn by the widget it scrolls, in a column of its own lines.

Textual's ScrollBar is a widget of its own: each time the thumb moves or
changes length (on every move to another station, whose page has another
length) all its rows go through Textual's styling again, about 60% of a
move's frame. Drawn as one more cell of the pane's framed lines, a row's cell
is one of a handful of segments, and a framed line with its cell is kept
(framed_lines), so a thumb seen before costs nothing.

It looks as Textual's does (the same glyphs and colours, from the same
``scrollbar-*`` styles, through ScrollBarRender.render_bar) and answers the
mouse as Textual's does: a press on the thumb grabs it and dragging scrolls,
a press above or below it scrolls a page, and it lights up under the mouse.
"""

from __future__ import annotations

from math import ceil

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBarRender

# What a press on a row does, as Textual's scrollbar marks its rows.
_PRESS = "@mouse.down"


class DrawnScrollbar:
    """The scrollbar's state (hovered, grabbed) and its cells, for one ScrollView."""

    def __init__(self, view: ScrollView) -> None:
        self.view = view
        self.hover = False
        self.grabbed: tuple[int, float] | None = None  # (screen y, scroll y) when grabbed
        self._actions: list[str] = []
        self._drawn_for: tuple[object, ...] | None = None
        self._cells: list[Segment] = []

    @property
    def column(self) -> int:
        """The bar's column in the widget: the first cell of its right padding."""
        view = self.view
        return view.region.width - view.styles.padding.right

    def cells(self, height: int) -> list[Segment]:
        """One cell a row, top to bottom, as Textual's ScrollBar would draw them."""
        view = self.view
        styles = view.styles
        if self.grabbed is not None:
            background, color = styles.scrollbar_background_active, styles.scrollbar_color_active
        elif self.hover:
            background, color = styles.scrollbar_background_hover, styles.scrollbar_color_hover
        else:
            background, color = styles.scrollbar_background, styles.scrollbar_color
        base, _ = view.background_colors
        if background.a < 1:
            background = base + background
        color = background + color
        # Under the bar's own colours, the pane's, as under Textual's bar (which
        # inherits them): a thumb row sets only a reversed colour.
        under = view.visual_style.rich_style
        thumb = view.screen.styles.scrollbar_color.a != 0
        virtual = view.virtual_size.height
        window = view.scrollable_content_region.height
        position = int(view.scroll_y * 8) / 8
        drawn_for = (height, background, color, under, thumb, virtual, window, position)
        if drawn_for == self._drawn_for:
            return self._cells  # every frame that draws the pane asks; most change nothing
        if not thumb:
            rows = ScrollBarRender.render_bar(size=height, back_color=background.rich_color)
        else:
            rows = ScrollBarRender.render_bar(
                size=height,
                virtual_size=ceil(virtual),
                window_size=ceil(window if window < virtual else 0),
                position=position,
                thickness=1,
                vertical=True,
                back_color=background.rich_color,
                bar_color=color.rich_color,
            )
        cells: list[Segment] = []
        actions: list[str] = []
        for segment in rows.segments:
            style = segment.style or RichStyle()
            actions.append(str(style.meta.get(_PRESS, "")))
            # Without the meta: the press is handled here, not run as an action.
            plain = RichStyle(color=style.color, bgcolor=style.bgcolor, reverse=style.reverse)
            cells.append(Segment(segment.text, under + plain))
        self._actions = actions
        self._drawn_for, self._cells = drawn_for, cells
        return cells

    @property
    def drawn(self) -> bool:
        """Whether the bar is drawn here: the styles leave Textual's no room, and pad for it."""
        styles = self.view.styles
        return (
            styles.scrollbar_size_vertical == 0
            and styles.overflow_y == "scroll"
            and styles.padding.right >= 1
        )

    def _on_bar(self, x: int) -> bool:
        return self.drawn and x == self.column

    def _refresh(self) -> None:
        view = self.view
        view.refresh(Region(self.column, 0, 1, view.size.height))

    def mouse_down(self, event: events.MouseDown) -> bool:
        """Act on a press on the bar; False if the press was elsewhere."""
        if not self._on_bar(event.x):
            return False
        event.stop()
        action = self._actions[event.y] if 0 <= event.y < len(self._actions) else ""
        view = self.view
        if action == "grab":
            self.grabbed = (event.screen_y, view.scroll_y)
            view.capture_mouse()
            self._refresh()
        elif action == "scroll_up":
            view.scroll_page_up()
        elif action == "scroll_down":
            view.scroll_page_down()
        return True

    def mouse_move(self, event: events.MouseMove) -> None:
        view = self.view
        if self.grabbed is not None:
            event.stop()
            window = view.scrollable_content_region.height
            if window:
                start_y, start_scroll = self.grabbed
                y = start_scroll + (event.screen_y - start_y) * (view.virtual_size.height / window)
                view.scroll_to(y=y, animate=not view.app.supports_smooth_scrolling, duration=0.1)
            return
        self.set_hover(self._on_bar(event.x))

    def mouse_up(self, event: events.MouseUp) -> bool:
        """Let go of a grabbed thumb; False if it was not grabbed."""
        if self.grabbed is None:
            return False
        event.stop()
        self.grabbed = None
        self.view.release_mouse()
        self._refresh()
        return True

    def set_hover(self, hover: bool) -> None:
        if hover != self.hover:
            self.hover = hover
            self._refresh()

    def on_bar(self, x: int) -> bool:
        """Whether a column of the widget (mouse events' x) is the bar's."""
        return self._on_bar(x)
