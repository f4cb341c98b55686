"""The top row: the curriculum's title, then progress and the path shown.

Textual's Header lays the whole screen out again whenever its text changes,
and the progress in it changes on every tick: that layout was most of a
tick's time.  This row is one line at the full width and only repaints.
When the row is short, the title gives way first, as the figures after it
are what changes.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from textual.content import Content
from textual.widget import Widget

ICON = "◉"


def fit_title(title: str, status: str, width: int) -> str:
    """``title — status`` in ``width`` cells, cutting the title before the status."""
    room = width - cell_len(status) - len(" — ")
    if room >= cell_len(title):
        return f"{title} — {status}"
    if room >= 8:
        return f"{set_cell_size(title, room - 1).rstrip()}… — {status}"
    if cell_len(status) <= width:
        return status
    return set_cell_size(status, max(0, width - 1)).rstrip() + "…"


class TitleBar(Widget):
    """``◉   Title — 9/67 topics · 13% · All paths``, centred."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 1fr;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.status = ""

    def show_status(self, status: str) -> None:
        if status != self.status:
            self.status = status
            self.refresh()  # one row of fixed size: no layout

    def render(self) -> Content:
        width = self.size.width
        # The icon at the left as Textual's header has it; the text centred in the rest.
        inner = max(0, width - 4)
        text = fit_title(self.title_text, self.status, inner) if self.status else self.title_text
        pad = max(0, inner - cell_len(text))
        return Content(f" {ICON}  " + " " * (pad // 2) + text)
