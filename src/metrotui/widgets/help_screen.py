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
    ("↑ ↓  k j", "move along the map"),
    ("← →  h l", "move to the neighbouring line"),
    ("home end", "first or last station"),
    ("click", "select a station, tick a topic, open a link"),
    ("tab  enter", "open the station's topics"),
    ("space  enter", "tick or untick the highlighted topic"),
    ("tab", "topics → links → map"),
    ("esc  shift+tab", "back to the map"),
    ("u", "undo the last tick"),
    ("p", "filter: all paths, then each line"),
    ("ctrl+p", "search stations, topics and links; change theme"),
    ("?", "this help"),
    ("q", "quit"),
]


class HelpScreen(ModalScreen[None]):
    """A list of every key; any of escape, q or ? closes it."""

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
