"""A checklist entry: a mark, and text whose wrapped lines hang beside the mark.

    ✓ Transformer architecture
      Attention, positional encodings and the
      blocks a language model is built from

Written as a Textual Visual over Content because the Rich way (a Group with
Padding, wrapped by Rich on every render) made drawing the detail pane the
slowest part of both the launch and a tick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.cache import LRUCache
from textual.content import Content
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

if TYPE_CHECKING:
    from textual.css.styles import RulesMap


class Hanging(Visual):
    """``mark`` then ``body`` (wrapped), then ``tail`` on one line cut with an ellipsis."""

    def __init__(self, mark: Content, body: Content, tail: Content | None = None) -> None:
        self.mark = mark
        self.body = body
        self.tail = tail
        self.indent = mark.cell_length + 1
        # An entry is drawn again whenever its list is (a move to its station,
        # the highlight passing over it): kept per width and style, as drawn.
        self._strips: LRUCache[tuple[int, int | None, Style], list[Strip]] = LRUCache(4)

    def _inner(self, width: int) -> int:
        return max(1, width - self.indent)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        if options.selection is not None or options.post_style is not None:
            return self._render(width, height, style, options)
        key = (width, height, style)
        strips = self._strips.get(key)
        if strips is None:
            strips = self._render(width, height, style, options)
            self._strips.set(key, strips)
        return strips

    def _render(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        inner = self._inner(width)
        lines = self.body.render_strips(inner, None, style, options)
        if self.tail is not None:
            tail = self.tail.truncate(inner, ellipsis=True)
            lines += tail.render_strips(inner, 1, style, options)
        head = (self.mark + " ").render_strips(self.indent, 1, style, options)[0]
        gap = Strip.blank(self.indent, style.rich_style)
        strips = [
            Strip.join([head if index == 0 else gap, line]) for index, line in enumerate(lines)
        ]
        return strips if height is None else strips[:height]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        inner = self._inner(container_width)
        widest = self.body.get_optimal_width(rules, inner)
        if self.tail is not None:
            widest = max(widest, self.tail.cell_length)
        return self.indent + widest

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.body.get_height(rules, self._inner(width)) + (self.tail is not None)


class Barred(Visual):
    """``body`` wrapped beside a bar drawn down its whole left side, as a margin."""

    def __init__(self, bar: Content, body: Content) -> None:
        self.bar = bar
        self.body = body
        self.indent = bar.cell_length

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        inner = max(1, width - self.indent)
        bar = self.bar.render_strips(self.indent, 1, style, options)[0]
        strips = [
            Strip.join([bar, line]) for line in self.body.render_strips(inner, None, style, options)
        ]
        return strips if height is None else strips[:height]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.indent + self.body.get_optimal_width(rules, container_width - self.indent)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.body.get_height(rules, max(1, width - self.indent))
