"""What the app remembers between launches: the path filter, the selection, the theme.

Losing this file costs a learner nothing but a default view, so it is read
forgivingly, and a save that fails is let go; a save that succeeds is as
durable as progress (metrotui.storage.atomic).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

# A few short ids; anything bigger is not ours.
MAX_UI_STATE_BYTES = 2**20
# A save takes milliseconds: a temporary file this old was left by a killed one.
STALE_TEMPORARY_S = 3600


@dataclass
class UiState:
    path_file: Path
    path: str | None = None
    selected: str | None = None
    hint_dismissed: bool = False
    theme: str | None = None
    _saved: dict[str, object] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, path_file: Path) -> UiState:
        from metrotui.storage.files import read_bounded

        try:
            # Bounded: a pipe or a device put in its place must not hang the launch.
            raw = json.loads(read_bounded(path_file, MAX_UI_STATE_BYTES).decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            raw = {}
        if not isinstance(raw, dict):
            raw = {}
        state = cls(
            path_file=path_file,
            path=raw.get("path") if isinstance(raw.get("path"), str) else None,
            selected=raw.get("selected") if isinstance(raw.get("selected"), str) else None,
            hint_dismissed=raw.get("hint_dismissed") is True,
            theme=raw.get("theme") if isinstance(raw.get("theme"), str) else None,
        )
        state._saved = state._as_json()
        return state

    def _as_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "selected": self.selected,
            "hint_dismissed": self.hint_dismissed,
            "theme": self.theme,
        }

    def save(self) -> None:
        from metrotui.storage.atomic import remove_abandoned, write_atomic

        data = self._as_json()
        if data == self._saved:
            return
        try:
            self.path_file.parent.mkdir(parents=True, exist_ok=True)
            remove_abandoned(self.path_file, STALE_TEMPORARY_S)
            write_atomic(self.path_file, json.dumps(data).encode())
            self._saved = data
        except OSError:
            pass  # a view preference is not worth interrupting the learner for
