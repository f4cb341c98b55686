"""Key to repaint, measured in-process: the time from a key arriving to the
compositor having drawn its result.

    python benchmarks/keys.py CURRICULUM.json SCRATCH_DIR [--moves 80] [--ticks 40] [--filters 24]
        [--progress FILE] [--actions move,tick,filter,onto] [--ontos 20]

Prints one JSON object.  The app is the real ``MetroApp`` running under
``App.run_test`` (Pilot's harness) at 120x40.  How a key is timed:

* The key is delivered the way Pilot and the terminal driver deliver it
  (``driver.send_message(events.Key(...))``) and the clock starts then.
* ``Screen._compositor_refresh`` is wrapped to note when each refresh ends,
  and whether it repainted the map (the map is among the dirty widgets, or the
  refresh is a full layout).  The first such refresh after the key is the
  *repaint*; the end of the last refresh before the app goes quiet is
  *settled* (the detail pane, which follows the map a frame later, drawn too).
* Headless Textual skips turning the update into terminal bytes, so the wrapper
  does that step too (``render_segments``), as a real terminal would need.
* Textual paces screen updates at 60 frames a second: a change waits for the
  next 16.7 ms tick before it is drawn.  That wait is the frame clock, not the
  app's work, so ``TEXTUAL_FPS`` is set to 1000 here (a tick every 1 ms); the
  rest of the latency is the app's own: dispatch, the handler, layout and
  rendering.  A tick is saved by the app's writer thread, off the event loop:
  its ``saved_ms`` is the time from the key to the save (fsync included)
  being confirmed back on the event loop.
* Before each key the app is left to go quiet (no refresh for 60 ms), so keys
  are measured one at a time, not queued behind each other.
* ``--progress FILE`` starts from a copy of that progress file instead of
  none (a million marks, a long note); ``onto`` is ``j`` off the first station
  and ``k`` back onto it, only the ``k`` timed: a move onto a station whose
  pane has much to show.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_FPS", "1000")

import argparse  # noqa: E402
import asyncio  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from textual import events  # noqa: E402
from textual._compositor import CompositorUpdate  # noqa: E402
from textual.screen import Screen  # noqa: E402

from metrotui.storage.curriculum_file import load_curriculum  # noqa: E402
from metrotui.tui.app import MetroApp  # noqa: E402

QUIET = 0.06


class RefreshProbe:
    """Records the end time of every compositor refresh, and whether it drew the map."""

    def __init__(self, app: MetroApp) -> None:
        self.app = app
        self.refreshes: list[tuple[float, bool]] = []
        self._full = False
        original_refresh = Screen._compositor_refresh
        original_layout = Screen._refresh_layout
        original_display = app._display
        probe = self

        # The map repaints when it, or anything that contains it, is dirty.
        map_and_ancestors = app.map.ancestors_with_self

        def compositor_refresh(screen: Screen) -> None:
            map_dirty = probe._full or any(w in map_and_ancestors for w in screen._dirty_widgets)
            original_refresh(screen)
            probe.refreshes.append((time.perf_counter(), map_dirty))

        def refresh_layout(screen: Screen, *args: Any, **kwargs: Any) -> None:
            probe._full = True
            try:
                original_layout(screen, *args, **kwargs)
            finally:
                probe._full = False

        def display(screen: Screen, renderable: Any) -> None:
            # What a real driver would do with the update: make the terminal bytes.
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
            original_display(screen, renderable)

        # When each batch of ticks is confirmed saved, back on the event loop.
        self.saves: list[float] = []
        controller = app.controller
        original_saved = controller._edits_done

        def edits_done(*args: Any) -> None:
            original_saved(*args)
            probe.saves.append(time.perf_counter())

        controller._edits_done = edits_done  # type: ignore[method-assign]
        Screen._compositor_refresh = compositor_refresh  # type: ignore[method-assign]
        Screen._refresh_layout = refresh_layout  # type: ignore[method-assign]
        app._display = display  # type: ignore[method-assign]

    async def quiet(self) -> None:
        """Wait until no refresh has happened for QUIET seconds."""
        while True:
            count = len(self.refreshes)
            await asyncio.sleep(QUIET)
            if len(self.refreshes) == count:
                return

    async def press(
        self, key: str, character: str | None = None, measured: bool = True
    ) -> tuple[float, float]:
        """Deliver one key; (ms to the map's repaint, ms to settled).

        ``saved_ms`` is left as the ms to the key's save confirmed, if it saved.
        """
        await self.app.controller.settled()  # the last key's save, if any, landed
        await self.quiet()
        start_index = len(self.refreshes)
        saves_index = len(self.saves)
        driver = self.app._driver
        assert driver is not None
        event = events.Key(key, character)
        event.set_sender(self.app)
        start = time.perf_counter()
        driver.send_message(event)
        # On a busy machine the key can take longer than the quiet spell to be
        # handled at all: wait for its first refresh before waiting for quiet.
        while len(self.refreshes) == start_index and time.perf_counter() - start < 5:
            await asyncio.sleep(0.001)
        await self.quiet()
        await self.app.controller.settled()
        saved = self.saves[saves_index:]
        self.saved_ms = (saved[0] - start) * 1000 if saved else None
        after = self.refreshes[start_index:]
        repaint = next((end for end, map_dirty in after if map_dirty), None)
        if not measured:
            return 0.0, 0.0
        if repaint is None:
            raise RuntimeError(f"key {key!r} did not repaint the map")
        return (repaint - start) * 1000, (after[-1][0] - start) * 1000


async def measure(
    curriculum_path: Path,
    scratch: Path,
    counts: dict[str, int],
    start_from: Path | None = None,
) -> dict[str, Any]:
    curriculum = load_curriculum(curriculum_path)
    gc.freeze()  # as the metrotui command does once the curriculum is loaded
    progress = scratch / "keys-progress.json"
    ui_state = scratch / "keys-ui.json"
    for leftover in (progress, ui_state):  # start at the first station, nothing done
        leftover.unlink(missing_ok=True)
    if start_from is not None:
        shutil.copyfile(start_from, progress)
    app = MetroApp(curriculum, progress, ui_state_path=ui_state)
    results: dict[str, Any] = {"stations": len(curriculum.stations)}
    async with app.run_test(size=(120, 40)) as pilot:
        probe = RefreshProbe(app)
        await pilot.pause()

        async def run(name: str, keys: list[tuple[str, str | None]]) -> None:
            repaint, settled, saved = [], [], []
            for key, character in keys:
                r, s = await probe.press(key, character)
                repaint.append(r)
                settled.append(s)
                if probe.saved_ms is not None:
                    saved.append(probe.saved_ms)
            results[name] = {"repaint_ms": repaint, "settled_ms": settled}
            if saved:
                results[name]["saved_ms"] = saved

        if counts.get("move"):
            # Move: down the map and back up again (up to 40 stations each way),
            # scrolling as the selection leaves the screen (then the whole map
            # pane is repainted).
            span = min(40, len(app.map.layout_.order) - 1)
            bounce = [("j", "j")] * span + [("k", "k")] * span
            await run("move", (bounce * (counts["move"] // len(bounce) + 1))[: counts["move"]])
        if counts.get("onto"):
            repaint, settled = [], []
            for _ in range(counts["onto"]):
                await probe.press("home", None, measured=False)
                await probe.press("j", "j", measured=False)
                r, s = await probe.press("k", "k")
                repaint.append(r)
                settled.append(s)
            results["onto"] = {"repaint_ms": repaint, "settled_ms": settled}
        if counts.get("tick"):
            # Tick: into the first station's checklist, then tick and untick its
            # first topic (each one saved to disk, fsync included).
            await probe.press("home", None, measured=False)
            await probe.press("tab", "\t", measured=False)
            await run("tick", [("space", " ")] * counts["tick"])
            await probe.press("escape", "\x1b", measured=False)
        if counts.get("filter"):
            # Filter: on the map, cycle the path filter.
            await run("filter", [("p", "p")] * counts["filter"])
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("curriculum", type=Path)
    parser.add_argument("scratch", type=Path)
    parser.add_argument("--moves", type=int, default=80)
    parser.add_argument("--ticks", type=int, default=40)
    parser.add_argument("--filters", type=int, default=24)
    parser.add_argument("--ontos", type=int, default=20)
    parser.add_argument("--progress", type=Path, help="start from a copy of this progress file")
    parser.add_argument("--actions", default="move,tick,filter", help="comma-separated")
    args = parser.parse_args(argv)
    wanted = args.actions.split(",")
    given = {"move": args.moves, "tick": args.ticks, "filter": args.filters, "onto": args.ontos}
    counts = {action: given[action] for action in wanted}
    results = asyncio.run(measure(args.curriculum, args.scratch, counts, args.progress))
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
