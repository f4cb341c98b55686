"""How states look, shared by the CLI and the app so both speak one language.

Some terminals cannot draw the state shapes (the Linux console's fonts lack
most of them), so each has a plain ASCII stand-in.  Which set is used is
decided once per process: ``METROTUI_GLYPHS=ascii`` or ``=unicode`` says so,
and otherwise a ``TERM`` known to lack the shapes gets ASCII.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from metrotui.core.tracker import StationState

GLYPHS_ENV = "METROTUI_GLYPHS"
# Terminals whose usual fonts have no geometric shapes.
_ASCII_TERMS = frozenset({"linux", "vt100", "vt102", "vt220", "dumb"})


def wants_ascii(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether this terminal should get the ASCII stand-ins."""
    choice = environ.get(GLYPHS_ENV, "").strip().lower()
    if choice in ("ascii", "unicode"):
        return choice == "ascii"
    return environ.get("TERM", "") in _ASCII_TERMS


ASCII = wants_ascii()

# Shape carries the meaning; colour only reinforces it (NO_COLOR must still read).
STATION_GLYPH = (
    {
        StationState.DONE: "*",
        StationState.IN_PROGRESS: "~",
        StationState.AVAILABLE: "o",
        StationState.LOCKED: ".",
    }
    if ASCII
    else {
        StationState.DONE: "●",
        StationState.IN_PROGRESS: "◐",
        StationState.AVAILABLE: "○",
        StationState.LOCKED: "◌",
    }
)

STATE_STYLE = {
    StationState.DONE: "bold green",
    StationState.IN_PROGRESS: "bold yellow",
    StationState.AVAILABLE: "bold",
    StationState.LOCKED: "dim",
}

TOPIC_DONE = "*" if ASCII else "●"
TOPIC_KNOWN = "+" if ASCII else "◆"  # already known: counts as done, shown apart
TOPIC_OPEN = "o" if ASCII else "○"

# A learner in a station who has marked nothing there for a while (metrotui cohort).
STUCK_GLYPH = "!"

# Beside the selected station, so the selection shows without colour too.
SELECTED_MARK = ">" if ASCII else "▸"

KNOWN_GLYPH = TOPIC_KNOWN
KNOWN_WORD = "known"
# Beside a station or topic added since the learner last saw the curriculum (a word: it
# needs no legend, and reads in ASCII and without colour alike).
NEW_WORD = "new"

DOTS_LIMIT = 8  # more topics than this show as a count ("3/12") instead of dots


def station_badge(state: StationState, done: int, known: int, total: int) -> tuple[str, str]:
    """The glyph and word for a station: a station known in full says so."""
    if state is StationState.DONE and known == total:
        return KNOWN_GLYPH, KNOWN_WORD
    return STATION_GLYPH[state], state.label


def topic_dots(done: int, total: int, limit: int = DOTS_LIMIT, known: int = 0) -> str:
    """``◆●●○`` for small stations (known, done, open), nothing when too long."""
    if total > limit:
        return ""
    return TOPIC_KNOWN * known + TOPIC_DONE * (done - known) + TOPIC_OPEN * (total - done)


def progress_cells(total: int) -> int:
    """The most cells a station's progress can take: its dots, or its widest count."""
    return total if total <= DOTS_LIMIT else 2 * len(str(total)) + 1
