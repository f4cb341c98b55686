"""Write a station's Markdown notes without leaving the app."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea

from metrotui.core.curriculum import Station
from metrotui.tui.widgets.footer import FittedFooter


class DiscardDialog(ModalScreen[bool]):
    """Asked when esc would throw away text typed in the note editor."""

    CSS_PATH = "dialogs.tcss"
    AUTO_FOCUS = "#keep"  # Enter, the key most likely pressed by mistake, keeps the text

    BINDINGS = [
        Binding("y", "answer(True)", "Discard"),
        Binding("n,escape", "answer(False)", "Keep editing"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="discard-dialog"):
            yield Static(Text("Discard the changes to these notes?", style="bold"))
            with Horizontal(id="discard-buttons"):
                yield Button("Keep editing (n)", variant="primary", id="keep")
                yield Button("Discard (y)", variant="error", id="discard")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "discard")

    def action_answer(self, discard: bool) -> None:
        self.dismiss(discard)


class NoteEditor(ModalScreen[None]):
    """Edits a note; ``save`` is asked to keep the text and answers whether it did."""

    CSS_PATH = "dialogs.tcss"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self, station: Station, text: str, save: Callable[[str, Callable[[bool], None]], None]
    ) -> None:
        super().__init__()
        self.station = station
        self.text = text
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(id="note-editor"):
            yield Static(
                Text.assemble(
                    (f"Notes on {self.station.number} {self.station.title}", "bold"),
                    ("   Markdown · ctrl+s saves · esc cancels", "dim"),
                )
            )
            yield TextArea(self.text, language=None, soft_wrap=True, id="note-text")
        yield FittedFooter()  # the editor's own keys, not the map's behind it

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        # The save is done off the event loop and answers later.
        self.save(self.query_one(TextArea).text, self._saved)

    def _saved(self, done: bool) -> None:
        # A failed save (say, the disk is full) keeps the editor open so that
        # nothing typed is lost; the app has already said what went wrong.
        if done and self.is_attached:
            self.dismiss()

    def action_cancel(self) -> None:
        if self.query_one(TextArea).text == self.text:
            self.dismiss()
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss()

        self.app.push_screen(DiscardDialog(), answer)
