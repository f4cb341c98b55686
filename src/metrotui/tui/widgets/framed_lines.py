"""A widget's lines with their edge and padding, drawn once per line and kept.

Textual draws a widget's CSS border and padding around every line each time
the widget repaints: one new Strip for the framed line, another for the line
filter, and one for each piece the compositor cuts the line into, each with
empty caches, so nothing about a line seen a moment ago is reused. For the
station pane, whose lines are already kept per block, that was most of a
move's frame (about 300 new Strips for a 120x40 screen).

Here a line drawn inside the widget gets its frame once, and the framed line
is kept: when the same line shows again (the station seen a moment ago, a line
that did not change) it is the same Strip, and Textual's own caches on it (the
filter's result, the pieces it was cut into, the terminal text) are warm.

Only an edge on the left and padding at the sides are drawn this way, as the
pane's CSS has them (and, in the right padding, a scrollbar's cell for the
row: drawn_scrollbar); styles that ask for more (a border on top, an outline,
opacity, a tint, hatching) return no frame, and the caller lets Textual draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.cache import LRUCache
from textual.color import Color
from textual.filter import LineFilter
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget

# The left edges drawn here, as Textual draws them ("vkey" is the pane's).
EDGES = {"vkey": "▏"}


@dataclass(frozen=True, slots=True)
class Frame:
    """What goes around each line: the same for every line of the widget."""

    width: int  # the whole line, edge and padding included
    content_width: int  # the line inside, extended to this with ``fill``
    left: tuple[Segment, ...]
    right: tuple[Segment, ...]
    fill: RichStyle
    filters: tuple[LineFilter, ...]
    background: Color


def frame_of(widget: Widget) -> Frame | None:
    """The frame Textual's styles put around the widget's lines; None if more than that."""
    styles = widget.styles
    (top, _), (right, _), (bottom, _), (edge, edge_color) = styles.border
    pad_top, pad_right, pad_bottom, pad_left = styles.padding
    if (
        top
        or right
        or bottom
        or (edge and edge not in EDGES)
        or pad_top
        or pad_bottom
        or any(kind for kind, _ in styles.outline)
        or styles.tint.a
        or widget.opacity != 1
        or styles.text_opacity != 1
        or (styles.has_rule("hatch") and styles.hatch != "none")
    ):
        return None
    base, background = widget.background_colors
    inner = Style(background=base + background)
    left: list[Segment] = []
    if edge:
        edge_style = inner + Style(foreground=base + edge_color)
        left.append(Segment(EDGES[edge], edge_style.rich_style))
    if pad_left:
        left.append(Segment(" " * pad_left, inner.rich_style))
    right_pad = (Segment(" " * pad_right, inner.rich_style),) if pad_right else ()
    return Frame(
        width=widget.region.width,
        content_width=widget.content_region.width,
        left=tuple(left),
        right=right_pad,
        fill=inner.rich_style,
        filters=tuple(widget.get_line_filters()),
        background=background,
    )


class FramedLines:
    """Framed lines, kept by the line inside and the frame (a bounded cache)."""

    def __init__(self, size: int) -> None:
        # Keyed by the inner line's identity (a Strip cannot be hashed), each
        # entry holding that line so that its id is not reused while kept.
        self._kept: LRUCache[tuple[int, Frame, Segment | None], tuple[Strip, Strip]] = LRUCache(
            size
        )

    def framed(self, line: Strip, frame: Frame, bar: Segment | None = None) -> Strip:
        """The line in its frame; ``bar``, if given, in the first cell of the right padding."""
        key = (id(line), frame, bar)
        kept = self._kept.get(key)
        if kept is not None and kept[0] is line:
            return kept[1]
        inside = line.adjust_cell_length(frame.content_width, frame.fill)
        right = frame.right
        if bar is not None and right:
            rest = cell_len(right[0].text) - 1
            right = (bar, Segment(" " * rest, frame.fill)) if rest else (bar,)
        # Without the empty segments wrapping leaves (Textual's cutting of the
        # line at the scrollbar dropped them): each would cost an escape sequence.
        segments = [segment for segment in inside if segment.text]
        strip = Strip([*frame.left, *segments, *right], frame.width)
        for line_filter in frame.filters:
            strip = strip.apply_filter(line_filter, frame.background)
        self._kept.set(key, (line, strip))
        return strip

    def render(
        self,
        lines: list[Strip],
        frame: Frame,
        crop: Region,
        bar: Sequence[Segment | None] | None = None,
    ) -> list[Strip]:
        """The lines of ``crop`` (one per row in it), framed and cut to its columns.

        ``bar``: the scrollbar's cell for each of those rows, if the widget draws one.
        """
        cells = bar if bar is not None else [None] * len(lines)
        strips = [self.framed(line, frame, cell) for line, cell in zip(lines, cells, strict=True)]
        start, end = crop.column_span
        if (start, end) != (0, frame.width):
            strips = [strip.crop(start, end) for strip in strips]
        return strips
