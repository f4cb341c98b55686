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
    BINDINGS = [Binding("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(BODY)
        yield Footer()


def main() -> None:
    app = BareApp()
    app.run()
    sys.exit(app.return_code or 0)


if __name__ == "__main__":
    main()
