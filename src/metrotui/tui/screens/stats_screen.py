"""The learner's history at a glance: weeks, streaks, lines and pace."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from metrotui.core.stats import Stats
from metrotui.core.tracker import Tracker
from metrotui.report.stats_view import stats_view


class StatsScreen(ModalScreen[None]):
    """The same figures as ``metrotui stats``; escape, q or s closes it."""

    CSS_PATH = "dialogs.tcss"

    BINDINGS = [Binding("escape,q,s", "dismiss", "Close")]

    def __init__(self, tracker: Tracker, figures: Stats) -> None:
        super().__init__()
        self.tracker = tracker
        self.figures = figures

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats"):
            yield Static(stats_view(self.tracker, self.figures))
