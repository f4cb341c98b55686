"""Start an app headless and exit on its first ``Ready`` (the first frame is drawn).

    python benchmarks/headless.py READY_FILE bare
    python benchmarks/headless.py READY_FILE metrotui [metrotui arguments...]

The app starts exactly as it normally does (``bare_app.main()`` or the
``metrotui`` entry point); the only change is that ``App.run`` runs headless at
120x40 and the app exits when Textual posts ``Ready``, which it does right after
the first compositor refresh.  At exit, READY_FILE gets ``time.monotonic()`` at
that moment, so the parent (benchmarks/run.py) can take launch-to-first-frame
from its own clock, and the process's peak memory (``VmHWM``: the peak resident
set of this program; the ``ru_maxrss`` that ``wait4`` reports also counts the
parent's memory at the time of the fork).
"""

from __future__ import annotations

import atexit
import json
import sys
import time
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App

READY_FILE = Path(sys.argv[1])
_ready: list[float] = []
_original_run = App.run
_original_post = App.post_message


def _run(self: App[Any], *args: Any, **kwargs: Any) -> Any:
    kwargs["headless"] = True
    kwargs.setdefault("size", (120, 40))
    return _original_run(self, *args, **kwargs)


def _post_message(self: App[Any], message: Any) -> bool:
    if isinstance(message, events.Ready) and not _ready:
        _ready.append(time.monotonic())
        self.exit()
    return _original_post(self, message)


def _peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


@atexit.register
def _report() -> None:
    if _ready:
        READY_FILE.write_text(json.dumps({"ready": _ready[0], "peak_rss_mb": _peak_rss_mb()}))


App.run = _run  # type: ignore[method-assign]
App.post_message = _post_message  # type: ignore[method-assign]


def main() -> None:
    which, rest = sys.argv[2], sys.argv[3:]
    if which == "bare":
        sys.path.insert(0, str(Path(__file__).parent))
        import bare_app

        bare_app.main()
    else:
        from metrotui.entry import main as metrotui_main

        sys.argv = ["metrotui", *rest]
        metrotui_main()


if __name__ == "__main__":
    main()
