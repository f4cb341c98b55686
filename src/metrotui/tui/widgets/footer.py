"""A footer that shows only the keys that fit whole, and always the key to the help.

Textual's Footer lays every binding out in a row and lets the last ones run
off the edge ("q Qu▏^p palette"), so a narrow terminal shows half a word and
hides the help key.  This one drops keys instead: the palette key first, then
the last keys in the row, and never ``?``.
"""

from __future__ import annotations

from collections.abc import Collection

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer

# No public name for a footer's key widget: Textual exports Footer only, and
# fitting the keys to the width needs to measure each one.
from textual.widgets._footer import FooterKey

HELP_ACTIONS = frozenset({"help", "app.help"})
# Cells around a key and its description (the padding in FooterKey's CSS), and
# the palette key's extra padding and border (docked on the right).
KEY_PADDING = 3
PALETTE_EXTRA = 2


def key_width(key: FooterKey) -> int:
    """The cells a footer key takes, as Textual's non-compact Footer draws it."""
    width = cell_len(key.key_display)
    if key.description:
        width += KEY_PADDING + cell_len(key.description)
    if key.has_class("-command-palette"):
        width += PALETTE_EXTRA
    return width


def fitting(keys: list[FooterKey], width: int) -> list[FooterKey]:
    """The keys to show in ``width`` cells, in their order: help always, then by rank."""
    palette = [key for key in keys if key.has_class("-command-palette")]
    row = [key for key in keys if not key.has_class("-command-palette")]
    helps = [key for key in row if key.action in HELP_ACTIONS]
    # Most wanted first: the row as it stands (the focused widget's keys lead),
    # and the palette key last, since the help screen names it too.
    ranked = helps + [key for key in row if key not in helps] + palette
    chosen: set[int] = set()
    used = 0
    for key in ranked:
        needed = key_width(key)
        if used + needed <= width or (key in helps and not chosen):
            chosen.add(id(key))
            used += needed
        elif key not in palette:
            break  # keep the row a prefix: no gaps in the order the keys come in
    return [key for key in keys if id(key) in chosen]


class FittedFooter(Footer):
    """Textual's Footer, cut to the keys that fit the terminal's width.

    ``hidden``: actions never offered here (a read-only view's undo and tick,
    which still answer their key, to say why nothing happens).
    """

    _composed_width = 0  # the width the keys were fitted to; 0 until there are keys

    def __init__(self, *, hidden: Collection[str] = ()) -> None:
        super().__init__()
        self.hidden = frozenset(hidden)

    def compose(self) -> ComposeResult:
        items: list[Widget] = list(super().compose())
        if not items:
            return  # Footer composes nothing until the screen's bindings are known
        keys = [item for item in items if isinstance(item, FooterKey)]
        if len(keys) != len(items):
            yield from items  # key groups: not used here, so shown as Textual does
            return
        keys = [key for key in keys if key.action not in self.hidden]
        self._composed_width = self.app.size.width
        yield from fitting(keys, self._composed_width)

    def on_resize(self, event: events.Resize) -> None:
        if self._composed_width and self.app.size.width != self._composed_width:
            self.call_after_refresh(self.recompose)
