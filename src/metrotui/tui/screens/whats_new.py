"""The what's-new panel: what changed in the curriculum, each entry leading to its station."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from metrotui.core.news import Item, Section

HINT = "enter goes there · esc closes · w opens it again"


class _Entries(OptionList):
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing to go to (only removals): enter falls through to the panel, which closes.
        if action == "select" and self.highlighted is None:
            return False
        return super().check_action(action, parameters)


class WhatsNewScreen(ModalScreen[Item | None]):
    """Lists a change; choosing an entry closes the panel with it, esc with nothing."""

    CSS_PATH = "whats_new.tcss"
    BINDINGS = [
        Binding("escape,w", "close", "Close"),
        Binding("enter", "close", "Close", show=False),
    ]

    def __init__(self, heading: str, summary: str, sections: list[Section]) -> None:
        super().__init__()
        self.heading = heading
        self.summary = summary
        self.sections = sections
        self._items: dict[str, Item] = {}

    def compose(self) -> ComposeResult:
        options: list[Option | None] = []
        for section in self.sections:
            if options:
                options.append(None)
            options.append(
                Option(Content.styled(section.heading, "bold $text-accent"), disabled=True)
            )
            for item in section.items:
                key = f"item-{len(self._items)}"
                self._items[key] = item
                text = Content.assemble("  ", item.text)
                options.append(Option(text, id=key, disabled=item.station is None))
        with Vertical(id="whats-new") as panel:
            # On the border: a long list scrolls, and the keys stay in sight.
            panel.border_subtitle = HINT
            yield Static(Content.styled(self.heading, "bold"), id="whats-new-heading")
            yield Static(Content.styled(self.summary, "italic"), id="whats-new-summary")
            yield _Entries(*options, markup=False, id="whats-new-entries")

    def on_mount(self) -> None:
        entries = self.query_one(_Entries)
        entries.focus()
        first = next((k for k, item in self._items.items() if item.station is not None), None)
        if first is not None:
            entries.highlighted = entries.get_option_index(first)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._items.get(event.option.id or ""))

    def action_close(self) -> None:
        self.dismiss(None)

    def entries(self) -> list[str]:
        """Each row as plain text, headings included (for tests and screen readers alike)."""
        entries = self.query_one(_Entries)
        return [
            str(entries.get_option_at_index(i).prompt).strip() for i in range(entries.option_count)
        ]
