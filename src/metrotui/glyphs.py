"""How states look, shared by the CLI and the app so both speak one language."""

from __future__ import annotations

from metrotui.tracker import StationState

# Shape carries the meaning; colour only reinforces it (NO_COLOR must still read).
STATION_GLYPH = {
    StationState.DONE: "●",
    StationState.IN_PROGRESS: "◐",
    StationState.AVAILABLE: "○",
    StationState.LOCKED: "◌",
}

STATE_STYLE = {
    StationState.DONE: "bold green",
    StationState.IN_PROGRESS: "bold yellow",
    StationState.AVAILABLE: "bold",
    StationState.LOCKED: "dim",
}

TOPIC_DONE = "●"
TOPIC_KNOWN = "◆"  # already known: counts as done, shown apart
TOPIC_OPEN = "○"


def topic_dots(done: int, total: int, limit: int = 8) -> str:
    """``●●○○`` for small stations, a plain count when dots would be too long."""
    if total > limit:
        return ""
    return TOPIC_DONE * done + TOPIC_OPEN * (total - done)
