"""In-process measurements that run.py starts in a fresh process each time.

python benchmarks/inproc.py load CURRICULUM.json
    check (first load), load (cached), tracker and layout times for one curriculum
python benchmarks/inproc.py durable DIR [--ticks 60] [--prefill 0]
    ProgressStore.mark times in ms, one new topic each (fsync included)
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

ROWS_ON_SCREEN = 40
MAP_WIDTH = 66  # the map pane's width in a 120-column terminal


def measure_load(path: Path) -> dict[str, float]:
    from metrotui.core.tracker import Tracker, path_members
    from metrotui.storage.curriculum_file import load_curriculum
    from metrotui.tui.map_layout import filter_cycle, layout_map

    start = time.perf_counter()
    load_curriculum(path, recheck=True)  # as a first load: pydantic, then the cache written
    checked = time.perf_counter()
    curriculum = load_curriculum(path)  # as every later load: from the cache
    loaded = time.perf_counter()
    gc.freeze()  # as the metrotui command does once the curriculum is loaded
    Tracker(curriculum, ())
    tracked = time.perf_counter()
    # What the first frame needs from the layout: the graph laid out, and the
    # rows and stations of one screen.
    layout = layout_map(curriculum, None, MAP_WIDTH)
    for row in layout.rows[:ROWS_ON_SCREEN]:
        row.stations  # noqa: B018 - built on first access
    laid_out = time.perf_counter()
    # What the map prepares after the first frame: every path filter's layout.
    for path in filter_cycle(curriculum):
        layout_map(curriculum, path_members(curriculum, path), MAP_WIDTH)
    filters = time.perf_counter()
    return {
        "stations": len(curriculum.stations),
        "topics": curriculum.topic_count,
        "check_s": checked - start,
        "load_s": loaded - checked,
        "tracker_s": tracked - loaded,
        "layout_s": laid_out - tracked,
        "filters_s": filters - laid_out,
    }


def measure_durable(folder: Path, ticks: int, prefill: int) -> list[float]:
    from metrotui.storage.progress import ProgressStore

    path = folder / f"durable-{prefill}.json"
    path.unlink(missing_ok=True)
    store = ProgressStore(path, "benchmark")
    if prefill:
        store.mark([f"earlier-{i}" for i in range(prefill)])
    store.mark(["warm-up"])  # the first write also imports filelock and makes the folder
    times = []
    for i in range(ticks):
        start = time.perf_counter()
        store.mark([f"topic-{i}"])
        times.append((time.perf_counter() - start) * 1000)
    path.unlink(missing_ok=True)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load")
    load.add_argument("curriculum", type=Path)
    durable = commands.add_parser("durable")
    durable.add_argument("folder", type=Path)
    durable.add_argument("--ticks", type=int, default=60)
    durable.add_argument("--prefill", type=int, default=0)
    args = parser.parse_args(argv)
    if args.command == "load":
        json.dump(measure_load(args.curriculum), sys.stdout)
    else:
        json.dump(measure_durable(args.folder, args.ticks, args.prefill), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
