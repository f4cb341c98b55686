"""The keys, on one screen."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    ("↑ ↓  k j", "move along the map, the topics or the links"),
    ("← →  h l", "move to the neighbouring line"),
    ("home end", "first or last station"),
    ("click", "select a station, tick a topic, open a link"),
    ("tab  enter", "open the station's topics"),
    ("space  enter", "tick or untick the highlighted topic"),
    ("tab", "topics → links → map"),
    ("esc  shift+tab", "back to the map"),
    ("K", "mark the topic (or, on the map, the station) known; again undoes"),
    ("o", "next station you can work on"),
    ("c", "in the links: copy the link"),
    ("u", "undo the last tick, untick or known"),
    ("p", "filter: all paths, then each line"),
    ("g", "route to the selected station (g again or esc clears it)"),
    ("n", "write notes on the selected station (Markdown)"),
    ("s", "stats: weeks, streaks, pace"),
    ("S", "sync with your other machines (set up with metrotui sync --remote)"),
    ("w", "what's new since the curriculum changed"),
    ("ctrl+p", "search stations, topics and links; change theme"),
    ("?", "this help"),
    ("q", "quit"),
]


class HelpScreen(ModalScreen[None]):
    """A list of every key; any of escape, q or ? closes it."""

    CSS_PATH = "dialogs.tcss"

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for keys, meaning in KEYS:
            table.add_row(keys, meaning)
        with VerticalScroll(id="help"):
            yield Static(Text("Keys", style="bold"))
            yield Static(table)
            yield Static(Text("Progress saves as you tick. esc closes this.", style="dim"))
