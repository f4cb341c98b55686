"""Offered when a learner ticks a topic of a locked station."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from metrotui.core.curriculum import Station


class KnownDialog(ModalScreen[bool]):
    """Mark the stations before a locked one as already known, then tick the topic?"""

    CSS_PATH = "dialogs.tcss"
    # One Enter too many must not credit whole stations: the safe answer has the focus.
    AUTO_FOCUS = "#no"

    BINDINGS = [
        Binding("y", "answer(True)", "Yes, I know them"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(
        self, station: Station, before: list[Station], then: str = "tick the topic"
    ) -> None:
        super().__init__()
        self.station = station
        self.before = before
        self.then = then

    def compose(self) -> ComposeResult:
        names = "\n".join(f"  {s.number} {s.title}" for s in self.before)
        question = Text.assemble(
            (f"{self.station.title} is locked.", "bold"),
            f"\n\nAlready know what comes before it? Mark these as known and {self.then}:\n\n",
            names,
        )
        with Vertical(id="known-dialog"):
            yield Static(question)
            with Horizontal(id="known-buttons"):
                yield Button("Mark as known (y)", variant="primary", id="yes")
                yield Button("Not yet (n)", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
