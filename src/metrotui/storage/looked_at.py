"""What the learner has seen of a curriculum's latest change, in the app.

Per curriculum id, one small file in the data folder
(metrotui.paths.looked_at_file): which change it is about (when
metrotui.storage.last_seen found it), whether the app has shown its
what's-new panel, and the stations with something new that the learner has
looked at, so that their "new" marks stay gone.  A newer change starts
afresh.  Best effort, as the last-seen copy is: a missing, damaged or
unwritable file only brings the marks (and the panel) back, and nothing
here raises.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from metrotui.paths import looked_at_file

FORMAT = "metrotui looked at, format 1"
# Only stations with something new are kept, so this is as big as a change:
# a file past it is taken as damaged rather than read.
MAX_STATIONS = 50_000
MAX_BYTES = 8 * 2**20


class LookedAt:
    """What is kept for one curriculum.  (A plain class, as last_seen.LastSeen.)"""

    __slots__ = ("change", "shown", "stations")

    def __init__(self, change: str, shown: bool = False, stations: frozenset[str] = frozenset()):
        self.change = change  # LastSeen.changed of the change this is about
        self.shown = shown  # whether the app has shown the panel for it
        self.stations = stations

    def but(self, *, shown: bool | None = None, stations: frozenset[str] | None = None) -> LookedAt:
        return LookedAt(
            self.change,
            self.shown if shown is None else shown,
            self.stations if stations is None else stations,
        )


def for_change(curriculum_id: str, changed: str, path: Path | None = None) -> LookedAt:
    """What was kept about the change found at ``changed``; nothing yet if it is another."""
    kept = read(path or looked_at_file(curriculum_id))
    if kept is None or kept.change != changed:
        return LookedAt(changed)
    return kept


def read(path: Path) -> LookedAt | None:
    from metrotui.storage.files import read_bounded

    try:
        data: Any = json.loads(read_bounded(path, MAX_BYTES))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    change, shown, stations = data.get("change"), data.get("shown"), data.get("stations")
    if not isinstance(change, str) or not isinstance(shown, bool):
        return None
    if not isinstance(stations, list) or len(stations) > MAX_STATIONS:
        return None
    return LookedAt(change, shown, frozenset(s for s in stations if isinstance(s, str)))


def write(curriculum_id: str, kept: LookedAt, path: Path | None = None) -> None:
    """Keep ``kept``; quietly do nothing if that fails."""
    from metrotui.core.text import safe_json
    from metrotui.storage.atomic import write_atomic

    path = path or looked_at_file(curriculum_id)
    stations = sorted(kept.stations)[:MAX_STATIONS]
    data = {"format": FORMAT, "change": kept.change, "shown": kept.shown, "stations": stations}
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, (safe_json(data) + "\n").encode())
