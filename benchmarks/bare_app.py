"""The reference app: a bare Textual app with a Header, one Static and a Footer.

Started the same way as metrotui (a Python entry point that builds the app and
calls ``App.run()``), so the ratios in the benchmark measure what metrotui adds
on top of Textual itself::

    python benchmarks/bare_app.py
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

# The benchmark waits for this text (and the footer's "Quit") to appear.
BODY = "Bare reference app for the metrotui benchmarks"


class BareApp(App[int]):
    # j and k change one line of text: the trivial work a key can cause, the
    # reference for how soon a screen can settle after a key.
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("j", "step(1)", "Down", show=False),
        Binding("k", "step(-1)", "Up", show=False),
    ]
    presses = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(BODY, id="body")
        yield Footer()

    def action_step(self, by: int) -> None:
        self.presses += by
        self.query_one("#body", Static).update(f"{BODY} ({self.presses})")


def main() -> None:
    app = BareApp()
    app.run()
    sys.exit(app.return_code or 0)


if __name__ == "__main__":
    main()
