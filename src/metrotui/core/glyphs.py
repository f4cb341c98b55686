"""How states look, shared by the CLI and the app so both speak one language."""

from __future__ import annotations

from metrotui.core.tracker import StationState

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


KNOWN_GLYPH = "◆"
KNOWN_WORD = "known"


def station_badge(state: StationState, done: int, known: int, total: int) -> tuple[str, str]:
    """The glyph and word for a station: a station known in full says so."""
    if state is StationState.DONE and known == total:
        return KNOWN_GLYPH, KNOWN_WORD
    return STATION_GLYPH[state], state.label


def topic_dots(done: int, total: int, limit: int = 8, known: int = 0) -> str:
    """``◆●●○`` for small stations (known, done, open), nothing when too long."""
    if total > limit:
        return ""
    return TOPIC_KNOWN * known + TOPIC_DONE * (done - known) + TOPIC_OPEN * (total - done)
