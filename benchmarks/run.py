"""metrotui's performance benchmark: budgets as ratios to a bare Textual app.

    python benchmarks/run.py [--rounds 9] [--output benchmarks/results.json] [--no-tmux]
        [--only SECTION,...]

The sections: launch (headless launches, status, validate), tmux, durable,
growth, keys, and the scale cases: million (a tick in the app and ``done``
with 1,000,000 marks), status_100k (``status`` on 100,000 stations) and
big_content (first frame and a move with a 10 MB summary, a station of
100,000 topics, a 5 MB note), and cohort (``metrotui cohort`` on 200 learners,
and the app's first frame on them).  ``--only`` runs some of them; the tables then
show only their rows.

Prints the results as Markdown tables and writes every sample to a JSON file.
The machine may be shared and noisy, so each launch budget is a ratio to the
bare reference app (benchmarks/bare_app.py) measured in the same run, with the
cases interleaved round by round and the median of the rounds taken.  Per-key
times are measured in-process (benchmarks/keys.py explains how).

Before measuring, the package and this folder are byte-compiled, as ``pip
install`` does for an installed package: with PYTHONDONTWRITEBYTECODE set (as
it is on some machines) an editable install would otherwise compile metrotui's
source on every launch while Textual starts from bytecode, an unfair start.
"""

from __future__ import annotations

import argparse
import compileall
import json
import math
import os
import platform
import queue
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
from bare_app import BODY as BARE_BODY  # noqa: E402

PY = sys.executable
GROWTH_SIZES = (100, 1000, 5000, 20000)
# The growth table's maps by name: (stations, lines).  Six lines, as the
# generator makes by default, and a map as wide as a real fifteen-line roadmap.
GROWTH = {
    **{str(size): (size, 6) for size in GROWTH_SIZES},
    "1000 on 15 lines": (1000, 15),
}
BIG = "5000"
COLUMNS, LINES = 120, 40
# A screen is settled once nothing on it has changed for this long.
SETTLE_QUIET_S = 0.25
SETTLE_KEYS = ("j", "k") * 6

BUDGETS = {
    "launch_genai": 1.25,  # x bare app
    "launch_5000": 2.0,  # x bare app
    "key_median_ms": 16.0,
    "key_p95_ms": 33.0,
    "key_settled_median_ms": 16.0,  # in-process: the map and the station pane drawn
    "settled_tmux": 3.0,  # x the bare app changing one line, in a real terminal
    "status": 0.5,  # x bare app's launch
    "validate_5000_s": 1.0,
    "durable_median_ms": 10.0,
    "memory_genai": 1.3,  # x bare app
    "memory_5000": 3.0,  # x bare app
    "tick_1m_ms": 100.0,  # key to repaint, median
    "done_1m_s": 1.0,  # whole process
    "done_1m_rss_mb": 400.0,
    "status_100k_s": 3.0,  # whole process, text into a pipe
    "big_first_frame": 1.5,  # x the GenAI map's first frame
    "big_move_ms": 50.0,  # key to settled screen, median
    "cohort_200_s": 1.0,  # whole process, text into a pipe
    "cohort_first_frame": 1.5,  # x the GenAI map's first frame
    "sync_3x1000_s": 2.0,  # whole process, the absolute budget
}
SECTIONS = (
    *("launch", "tmux", "durable", "growth", "keys"),
    *("million", "status_100k", "big_content", "cohort", "sync"),
)
COHORT_LEARNERS = 200
MARKS = 1_000_000
STATIONS = 100_000
# The big content, on the GenAI map's first station: (name, what it is).
BIG_CONTENT = (
    ("summary", "a 10 MB station summary"),
    ("topics", "a station of 100,000 topics"),
    ("note", "a 5 MB note on a station"),
)


# Statistics -------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def rotate(items: list[Any], by: int) -> list[Any]:
    """Interleave fairly: each round starts with a different case."""
    by %= len(items)
    return items[by:] + items[:by]


# Processes ----------------------------------------------------------------------


class Bench:
    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.env = dict(os.environ)
        self.env["XDG_CONFIG_HOME"] = str(scratch / "config")
        # Checked curricula are cached by the bytes of their file; launches use
        # this cache (filled before the rounds) unless they ask for a cold one.
        self.env["XDG_CACHE_HOME"] = str(scratch / "cache")
        self.env["XDG_DATA_HOME"] = str(scratch / "data")  # the last-seen copies
        for name in ("METROTUI_CURRICULUM", "METROTUI_PROGRESS", "NO_COLOR", "TEXTUAL_FPS"):
            self.env.pop(name, None)
        script = Path(PY).parent / "metrotui"
        self.metrotui = [str(script)] if script.exists() else [PY, "-m", "metrotui"]

    def fresh_config(self) -> None:
        """Every launch starts like a first one: no progress, no remembered view."""
        shutil.rmtree(self.scratch / "config", ignore_errors=True)

    def headless(self, which: str, *args: str, cold: bool = False) -> tuple[float, float]:
        """Launch to first frame (s) and peak memory (MB) of one headless start.

        ``cold``: with an empty cache, as the very first launch on a machine.
        """
        self.fresh_config()
        env = self.env
        if cold:
            shutil.rmtree(self.scratch / "cold-cache", ignore_errors=True)
            env = {**self.env, "XDG_CACHE_HOME": str(self.scratch / "cold-cache")}
        ready = self.scratch / "ready"
        ready.unlink(missing_ok=True)
        errors = self.scratch / "stderr"
        with errors.open("wb") as stderr:
            start = time.monotonic()
            proc = subprocess.Popen(
                [PY, str(BENCH / "headless.py"), str(ready), which, *args],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
            proc.wait()
        if not ready.exists():
            raise RuntimeError(f"{which} {args} never drew: {errors.read_text()[-2000:]}")
        report = json.loads(ready.read_text())
        return report["ready"] - start, report["peak_rss_mb"]

    def whole(self, command: list[str]) -> float:
        """Seconds from start to exit of one command."""
        self.fresh_config()
        start = time.monotonic()
        subprocess.run(
            command, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True
        )
        return time.monotonic() - start

    def child_json(self, command: list[str]) -> Any:
        out = subprocess.run(
            command, env=self.env, stdin=subprocess.DEVNULL, capture_output=True, check=False
        )
        if out.returncode:
            raise RuntimeError(f"{command} failed: {out.stderr.decode()[-3000:]}")
        return json.loads(out.stdout)


class Tmux:
    """A private tmux server driven through one control-mode client.

    Control mode keeps polling cheap: a ``capture-pane`` is a line written to
    the client, not a new process, so polling every 2 ms barely loads the
    machine that is starting the app.  The replies are read through a buffer:
    read unbuffered, a line comes one byte per system call, and a capture of
    a full-colour 120x40 screen (about 12 KB) took 12 ms against 0.7 ms for
    the bare app's mostly blank one.  Each poll then saw a busy screen's
    change up to 12 ms late, in the launch rows and the settled ones alike.
    """

    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"metrotui-bench-{os.getpid()}"
        base = ["tmux", "-L", self.socket, "-f", "/dev/null"]
        size = ["-x", str(COLUMNS), "-y", str(LINES)]
        subprocess.run(
            [*base, "new-session", "-d", "-s", "bench", *size, "sleep 86400"], env=env, check=True
        )
        self.client = subprocess.Popen(
            [*base, "-C", "attach", "-t", "bench"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.replies: queue.Queue[tuple[bool, list[str]]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.replies.get(timeout=10)  # the reply to attaching
        for command in (
            "refresh-client -f no-output",
            f"set -g default-size {COLUMNS}x{LINES}",
        ):
            self.command(command)

    def _read(self) -> None:
        assert self.client.stdout is not None
        block: list[str] | None = None
        for raw in self.client.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if line.startswith("%begin"):
                block = []
            elif line.startswith(("%end", "%error")) and block is not None:
                self.replies.put((line.startswith("%end"), block))
                block = None
            elif block is not None:
                block.append(line)

    def command(self, command: str) -> list[str]:
        assert self.client.stdin is not None
        self.client.stdin.write(command.encode() + b"\n")
        self.client.stdin.flush()
        ok, lines = self.replies.get(timeout=30)
        if not ok:
            raise RuntimeError(f"tmux {command!r}: {lines}")
        return lines

    def launch(self, command: list[str], markers: Sequence[str], script: Path) -> float:
        """Seconds from starting ``command`` in a new pane until all markers show."""
        pane, elapsed = self.open(command, markers, script)
        self.command(f"kill-pane -t {pane}")
        return elapsed

    def open(self, command: list[str], markers: Sequence[str], script: Path) -> tuple[str, float]:
        """A new pane running ``command``, once all markers show, and how long that took."""
        # A script, so that no quoting has to survive tmux's command parser.
        script.write_text(
            "exec env -u NO_COLOR -u TEXTUAL_FPS " + " ".join(map(_quote, command)) + "\n"
        )
        shell = f"sh {script}"
        start = time.monotonic()
        pane = self.command(f"new-window -d -P -F '#{{pane_id}}' '{shell}'")[0]
        try:
            while True:
                screen = self.screen(pane)
                if all(marker in screen for marker in markers):
                    elapsed = time.monotonic() - start
                    break
                if time.monotonic() - start > 30:
                    raise RuntimeError(f"{command} never showed {markers}:\n{screen}")
                time.sleep(0.002)
            size = self.command(f"display -p -t {pane} '#{{pane_width}}x#{{pane_height}}'")[0]
            if size != f"{COLUMNS}x{LINES}":
                raise RuntimeError(f"the pane is {size}, not {COLUMNS}x{LINES}")
        except BaseException:
            self.command(f"kill-pane -t {pane}")
            raise
        return pane, elapsed

    def screen(self, pane: str) -> str:
        return "\n".join(self.command(f"capture-pane -p -e -t {pane}"))

    def settle(self, pane: str, key: str, quiet: float = SETTLE_QUIET_S) -> float:
        """Seconds from sending ``key`` until the pane's last change before it goes quiet.

        The screen is read with its colours (``-e``): a selection moving is a
        change of style as much as of text.
        """
        self.wait_quiet(pane, quiet)
        before = self.screen(pane)
        start = time.monotonic()
        self.command(f"send-keys -t {pane} {key}")
        last_change, seen = None, before
        while True:
            now_screen = self.screen(pane)
            now = time.monotonic()
            if now_screen != seen:
                seen, last_change = now_screen, now
            if last_change is not None and now - last_change >= quiet:
                return last_change - start
            if now - start > 10:
                raise RuntimeError(f"the screen never changed after {key!r}")
            time.sleep(0.001)

    def wait_quiet(self, pane: str, quiet: float) -> None:
        seen, since = self.screen(pane), time.monotonic()
        while time.monotonic() - since < quiet:
            time.sleep(0.002)
            screen = self.screen(pane)
            if screen != seen:
                seen, since = screen, time.monotonic()

    def close(self) -> None:
        socket_path = self.command("display -p '#{socket_path}'")[0]
        if self.client.stdin is not None:
            self.client.stdin.close()
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], check=False)
        self.client.wait(timeout=10)
        Path(socket_path).unlink(missing_ok=True)  # tmux can leave it behind


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


# The benchmark -------------------------------------------------------------------


def progress(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def run(
    rounds: int, use_tmux: bool, scratch: Path, only: frozenset[str] = frozenset(SECTIONS)
) -> dict[str, Any]:
    bench = Bench(scratch)
    files: dict[str, Path] = {}
    first_titles: dict[str, str] = {}
    for name, (size, lines) in GROWTH.items():
        data = generate.generate(size, lines)
        # An id of its own: under one id, the 15-line map would be a new version of the
        # 6-line one, and the app would open on its what's-new panel.
        data["id"] = f"generated-{size}-{lines}"
        first_titles[name] = f"1 {data['stations'][0]['title']}"
        files[name] = scratch / f"generated-{size}-{lines}.json"
        files[name].write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    genai = ROOT / "data" / "stations.json"
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_before": os.getloadavg(),
        },
        "rounds": rounds,
        "budgets": BUDGETS,
    }
    try:
        import textual

        results["machine"]["textual"] = textual.__version__
    except (ImportError, AttributeError):
        pass

    # One launch of each curriculum first fills the cache, as any launch after
    # the first finds it.
    bench.headless("metrotui")
    bench.headless("metrotui", "--curriculum", str(files[BIG]))
    if "launch" in only:
        run_launches(bench, rounds, files, results)
    if use_tmux and shutil.which("tmux") and "tmux" in only:
        run_tmux(bench, rounds, files, first_titles, scratch, results)
    if "durable" in only:
        progress("tick to durable on disk")
        results["durable"] = {
            "empty_file_ms": bench.child_json(
                [PY, str(BENCH / "inproc.py"), "durable", str(scratch)]
            ),
            "12500_marks_ms": bench.child_json(
                [PY, str(BENCH / "inproc.py"), "durable", str(scratch), "--prefill", "12500"]
            ),
        }
    if "growth" in only:
        results["growth"] = run_growth(bench, rounds, files)
    if "keys" in only:
        progress("key to repaint")
        keys: dict[str, Any] = {}
        for name, path in [("genai", genai), *files.items()]:
            progress(f"  {name}")
            keys[name] = bench.child_json([PY, str(BENCH / "keys.py"), str(path), str(scratch)])
        results["keys"] = keys
    scale_rounds = max(3, rounds // 3)
    if "million" in only:
        results["million"] = run_million(bench, scale_rounds, scratch, genai)
    if "status_100k" in only:
        results["status_100k"] = run_status_100k(bench, scale_rounds, scratch)
    if "big_content" in only:
        results["big_content"] = run_big_content(bench, scale_rounds, scratch, genai)
    if "cohort" in only:
        results["cohort"] = run_cohort(bench, scale_rounds, scratch, genai)
    if "sync" in only:
        from sync_bench import run_sync

        progress(f"sync of three machines with 1,000 marks each: {scale_rounds} rounds")
        results["sync"] = run_sync(bench.metrotui, scale_rounds, scratch)
    results["machine"]["load_average_after"] = os.getloadavg()
    return results


def run_launches(
    bench: Bench, rounds: int, files: dict[str, Path], results: dict[str, Any]
) -> None:
    """Launches, headless, with the CLI commands in the same rounds."""
    progress(f"headless launches, status and validate: {rounds} rounds")
    cases: dict[str, Callable[[], Any]] = {
        "bare": lambda: bench.headless("bare"),
        "genai": lambda: bench.headless("metrotui"),
        "5000": lambda: bench.headless("metrotui", "--curriculum", str(files[BIG])),
        "genai_first": lambda: bench.headless("metrotui", cold=True),
        "5000_first": lambda: bench.headless(
            "metrotui", "--curriculum", str(files[BIG]), cold=True
        ),
        "status": lambda: bench.whole([*bench.metrotui, "status"]),
        "validate_5000": lambda: bench.whole([*bench.metrotui, "validate", str(files[BIG])]),
    }
    samples: dict[str, list[Any]] = {name: [] for name in cases}
    for round_ in range(rounds):
        for name in rotate(list(cases), round_):
            samples[name].append(cases[name]())
    results["headless"] = {
        name: {
            "first_frame_s": [s[0] for s in samples[name]],
            "max_rss_mb": [s[1] for s in samples[name]],
        }
        for name in ("bare", "genai", "5000", "genai_first", "5000_first")
    }
    results["cli"] = {"status_s": samples["status"], "validate_5000_s": samples["validate_5000"]}


def run_tmux(
    bench: Bench,
    rounds: int,
    files: dict[str, Path],
    first_titles: dict[str, str],
    scratch: Path,
    results: dict[str, Any],
) -> None:
    progress(f"launches in a real terminal (tmux, {COLUMNS}x{LINES}): {rounds} rounds")
    tmux = Tmux(bench.env)
    try:
        terminal_cases = {
            "bare": ([PY, str(BENCH / "bare_app.py")], [BARE_BODY, "BareApp"]),
            "genai": (bench.metrotui, ["1 Math Basics", "shows every key"]),
            "5000": (
                [*bench.metrotui, "--curriculum", str(files[BIG])],
                [first_titles[BIG], "shows every key"],
            ),
        }
        tmux_samples: dict[str, list[float]] = {name: [] for name in terminal_cases}
        for round_ in range(rounds):
            for name in rotate(list(terminal_cases), round_):
                command, markers = terminal_cases[name]
                bench.fresh_config()
                script = scratch / "launch.sh"
                tmux_samples[name].append(tmux.launch(command, markers, script))
        results["tmux"] = {name: {"first_frame_s": v} for name, v in tmux_samples.items()}
        progress(f"key to settled screen in tmux: {rounds} rounds of {len(SETTLE_KEYS)} keys")
        settled: dict[str, list[float]] = {"bare": [], "genai": []}
        for round_ in range(rounds):
            for name in rotate(list(settled), round_):
                command, markers = terminal_cases[name]
                bench.fresh_config()
                pane, _ = tmux.open(command, markers, scratch / "launch.sh")
                try:
                    settled[name] += [tmux.settle(pane, key) for key in SETTLE_KEYS]
                finally:
                    tmux.command(f"kill-pane -t {pane}")
        for name, values in settled.items():
            results["tmux"][name]["settled_s"] = values
    finally:
        tmux.close()


def run_growth(bench: Bench, rounds: int, files: dict[str, Path]) -> dict[str, Any]:
    growth_rounds = max(3, rounds // 2)
    progress(f"growth: load, layout and first frame, {growth_rounds} rounds")
    growth: dict[str, Any] = {name: {"inproc": [], "first_frame_s": []} for name in GROWTH}
    for round_ in range(growth_rounds):
        for name in rotate(list(GROWTH), round_):
            entry = growth[name]
            entry["inproc"].append(
                bench.child_json([PY, str(BENCH / "inproc.py"), "load", str(files[name])])
            )
            entry["first_frame_s"].append(
                bench.headless("metrotui", "--curriculum", str(files[name]))[0]
            )
    return growth


# The scale cases (inputs made here, in the scratch folder, never kept) ---------------


def run_million(bench: Bench, rounds: int, scratch: Path, genai: Path) -> dict[str, Any]:
    """A tick in the app, and ``metrotui done``, with a million marks in the progress file.

    The marks are for ids the GenAI map does not have: what a learner collects
    over years of a curriculum whose ids keep changing (metrotui keeps every
    mark).  A curriculum of a million topics would be over the 16 MB a
    curriculum file may be.
    """
    curriculum_id = json.loads(genai.read_text(encoding="utf-8"))["id"]
    million = generate.progress_file(scratch / "million.json", curriculum_id, MARKS)
    progress(f"a million marks: a tick in the app ({rounds * 4} ticks)")
    keys = bench.child_json(
        [PY, str(BENCH / "keys.py"), str(genai), str(scratch), "--actions", "tick"]
        + ["--ticks", str(rounds * 4), "--progress", str(million)]
    )
    progress(f"a million marks: metrotui done, {rounds} rounds")
    target = scratch / "million-done.json"
    report = scratch / "peak.json"
    done = ["--progress", str(target), "done", "linear-algebra"]
    # The first command on a file another program wrote reads it whole; a tick
    # and its undo leave it as metrotui writes it (and knows it wrote it),
    # which is how a learner's file is after any earlier command.
    shutil.copyfile(million, target)
    first = bench.whole([*bench.metrotui, *done])
    bench.whole([*bench.metrotui, "--progress", str(target), "undo", "linear-algebra"])
    settled = scratch / "million-settled.json"
    shutil.copyfile(target, settled)
    times, peaks = [], []
    for _ in range(rounds):
        shutil.copyfile(settled, target)
        times.append(bench.whole([*bench.metrotui, *done]))
        shutil.copyfile(settled, target)
        bench.whole([PY, str(BENCH / "peak.py"), str(report), *done])
        peaks.append(json.loads(report.read_text())["peak_rss_mb"])
    return {
        "tick": keys["tick"],
        "done_s": times,
        "done_max_rss_mb": peaks,
        "done_first_s": first,
    }


def run_status_100k(bench: Bench, rounds: int, scratch: Path) -> dict[str, Any]:
    """``metrotui status`` on 100,000 stations, as text into a pipe."""
    path = scratch / "lean-100000.json"
    path.write_text(json.dumps(generate.lean(STATIONS), separators=(",", ":")), encoding="utf-8")
    command = [*bench.metrotui, "--curriculum", str(path), "status"]
    bench.whole(command)  # fills the cache, as the first of any commands does
    progress(f"status on {STATIONS:,} stations: {rounds} rounds")
    return {"status_s": [bench.whole(command) for _ in range(rounds)]}


def run_big_content(bench: Bench, rounds: int, scratch: Path, genai: Path) -> dict[str, Any]:
    """First frame and a move onto the GenAI map's first station, made big three ways."""
    data = json.loads(genai.read_text(encoding="utf-8"))
    summary = scratch / "big-summary.json"
    summary.write_text(json.dumps(generate.with_big_summary(data, 10)), encoding="utf-8")
    topics = scratch / "many-topics.json"
    topics.write_text(json.dumps(generate.with_many_topics(data, 100_000)), encoding="utf-8")
    first = data["stations"][generate.BIG_STATION]["id"]
    note = generate.progress_file(
        scratch / "big-note.json", data["id"], notes={first: generate.big_note(5)}
    )
    launches: dict[str, list[str]] = {
        "genai": [],
        "summary": ["--curriculum", str(summary)],
        "topics": ["--curriculum", str(topics)],
        "note": ["--progress", str(note)],
    }
    for name in ("summary", "topics"):
        bench.headless("metrotui", *launches[name])  # fills the cache
    progress(f"big content: first frames, {rounds} rounds")
    frames: dict[str, list[float]] = {name: [] for name in launches}
    for round_ in range(rounds):
        for name in rotate(list(launches), round_):
            frames[name].append(bench.headless("metrotui", *launches[name])[0])
    results: dict[str, Any] = {name: {"first_frame_s": frames[name]} for name in launches}
    progress("big content: moves onto the station")
    moves = [
        ("summary", summary, None),
        ("topics", topics, None),
        ("note", genai, note),
    ]
    for name, curriculum, start in moves:
        command = [PY, str(BENCH / "keys.py"), str(curriculum), str(scratch), "--actions", "onto"]
        command += ["--ontos", str(rounds * 3)]
        if start is not None:
            command += ["--progress", str(start)]
        results[name]["onto"] = bench.child_json(command)["onto"]
    return results


def cohort_folder(folder: Path, genai: Path, learners: int, seed: int = 15) -> Path:
    """A folder of JSON exports: learners part-way along the map, marks over two months."""
    data = json.loads(genai.read_text(encoding="utf-8"))
    stations = sorted(data["stations"], key=lambda station: station["number"])
    keys = [topic["id"] for station in stations for topic in station.get("topics", [])]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(learners):
        ticked = keys[: rng.randrange(len(keys) + 1)]
        done = {
            key: f"2026-{rng.choice(('10', '11'))}-{rng.randrange(1, 29):02d}T09:00:00Z"
            for key in ticked
        }
        export = {
            "schema_version": 1,
            "curriculum": data["id"],
            "done": done,
            "learner": f"learner {i:03d}",
            "exported": "2026-12-01T00:00:00Z",
        }
        (folder / f"learner-{i:03d}.json").write_text(json.dumps(export), encoding="utf-8")
    return folder


def run_cohort(bench: Bench, rounds: int, scratch: Path, genai: Path) -> dict[str, Any]:
    """``metrotui cohort`` on 200 learners (text into a pipe), and the app's first frame on them."""
    folder = cohort_folder(scratch / "cohort", genai, COHORT_LEARNERS)
    text = [*bench.metrotui, "cohort", str(folder)]
    bench.whole(text)
    progress(f"cohort of {COHORT_LEARNERS} learners: {rounds} rounds")
    results: dict[str, Any] = {"text_s": [], "genai_first_frame_s": [], "app_first_frame_s": []}
    launches = {"genai_first_frame_s": (), "app_first_frame_s": ("--cohort", str(folder))}
    for round_ in range(rounds):
        results["text_s"].append(bench.whole(text))
        for name in rotate(list(launches), round_):
            results[name].append(bench.headless("metrotui", *launches[name])[0])
    return results


# Reporting -----------------------------------------------------------------------


def summarise(results: dict[str, Any]) -> dict[str, Any]:
    """The figures the tables show, with each budget checked (for the sections run)."""
    rows: list[dict[str, Any]] = []
    if "headless" in results:
        rows += _launch_rows(results)
    else:
        # Without the headless launches, the rows that do not need them.
        for name in ("genai", "5000"):
            rows += _tmux_launch_rows(results, name)
        rows += _key_rows(results)
        rows += _durable_rows(results)
    rows += _scale_rows(results)
    growth_rows = []
    if "growth" in results and "keys" in results:
        growth_rows = _growth_rows(results)
    return {"rows": rows, "growth": growth_rows}


def _row(measure: str, value: str, budget: str, passed: bool, **more: str) -> dict[str, Any]:
    return {
        "measure": measure,
        "value": value,
        "reference": more.get("reference", ""),
        "ratio": more.get("ratio", ""),
        "budget": budget,
        "pass": passed,
    }


def _scale_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if "million" in results:
        million = results["million"]
        repaint = million["tick"]["repaint_ms"]
        rows.append(
            _row(
                "Key to repaint, tick, 1,000,000 marks (GenAI map)",
                f"median {median(repaint):.1f} ms, p95 {p95(repaint):.1f} ms",
                f"median ≤ {BUDGETS['tick_1m_ms']:g} ms",
                median(repaint) <= BUDGETS["tick_1m_ms"],
                reference=f"saved: median {median(million['tick']['saved_ms']):.0f} ms",
            )
        )
        done, rss = median(million["done_s"]), median(million["done_max_rss_mb"])
        rows.append(
            _row(
                "`metrotui done`, 1,000,000 marks, whole process",
                f"{done * 1000:.0f} ms, max RSS {rss:.0f} MB",
                f"≤ {BUDGETS['done_1m_s']:g} s, ≤ {BUDGETS['done_1m_rss_mb']:g} MB",
                done <= BUDGETS["done_1m_s"] and rss <= BUDGETS["done_1m_rss_mb"],
                reference=_first_done(million),
            )
        )
    if "status_100k" in results:
        status = median(results["status_100k"]["status_s"])
        rows.append(
            _row(
                "`metrotui status`, 100,000 stations, text, whole process",
                f"{status * 1000:.0f} ms",
                f"≤ {BUDGETS['status_100k_s']:g} s",
                status <= BUDGETS["status_100k_s"],
            )
        )
    if "big_content" in results:
        big = results["big_content"]
        reference = median(big["genai"]["first_frame_s"])
        for name, label in BIG_CONTENT:
            frame = median(big[name]["first_frame_s"])
            rows.append(
                _ratio_row(
                    f"Launch to first frame, {label} (headless)",
                    frame,
                    reference,
                    BUDGETS["big_first_frame"],
                    "GenAI map",
                )
            )
        for name, label in BIG_CONTENT:
            settled = big[name]["onto"]["settled_ms"]
            rows.append(
                _row(
                    f"Key to settled screen, move onto {label} (in-process)",
                    f"median {median(settled):.1f} ms, p95 {p95(settled):.1f} ms",
                    f"median ≤ {BUDGETS['big_move_ms']:g} ms",
                    median(settled) <= BUDGETS["big_move_ms"],
                    reference=f"repaint: median {median(big[name]['onto']['repaint_ms']):.1f} ms",
                )
            )
    if "cohort" in results:
        rows += _cohort_rows(results["cohort"])
    if "sync" in results:
        rows += _sync_rows(results["sync"])
    return rows


def _sync_rows(sync: dict[str, Any]) -> list[dict[str, Any]]:
    reference = median(sync["git_status_s"])
    rows = []
    for key, label in (
        ("join_s", "a third machine's first sync (clone, 2,000 marks in)"),
        ("steady_s", "a sync after one new mark"),
    ):
        value = median(sync[key])
        rows.append(
            _row(
                f"`metrotui sync`, 3 machines x 1,000 marks, {label}, whole process",
                f"{value * 1000:.0f} ms",
                f"< {BUDGETS['sync_3x1000_s']:g} s",
                value < BUDGETS["sync_3x1000_s"],
                reference=f"git status {reference * 1000:.0f} ms",
                ratio=f"{value / reference:.0f}x",
            )
        )
    return rows


def _cohort_rows(cohort: dict[str, Any]) -> list[dict[str, Any]]:
    text = median(cohort["text_s"])
    frame, reference = median(cohort["app_first_frame_s"]), median(cohort["genai_first_frame_s"])
    return [
        _row(
            f"`metrotui cohort`, {COHORT_LEARNERS} learners × 18 stations, text, whole process",
            f"{text * 1000:.0f} ms",
            f"≤ {BUDGETS['cohort_200_s']:g} s",
            text <= BUDGETS["cohort_200_s"],
        ),
        _ratio_row(
            f"Launch to first frame, `--cohort` of {COHORT_LEARNERS} learners (headless)",
            frame,
            reference,
            BUDGETS["cohort_first_frame"],
            "GenAI map",
        ),
    ]


def _first_done(million: dict[str, Any]) -> str:
    first = million.get("done_first_s")  # results from before it was measured lack it
    return "" if first is None else f"first on a file metrotui did not write: {first:.2f} s"


def _ratio_row(
    label: str, value: float, reference: float, budget: float, reference_name: str = "bare app"
) -> dict[str, Any]:
    ratio = value / reference
    return {
        "measure": label,
        "value": f"{value * 1000:.0f} ms",
        "reference": f"{reference_name} {reference * 1000:.0f} ms",
        "ratio": f"{ratio:.2f}x",
        "budget": f"≤ {budget:g}x",
        "pass": ratio <= budget,
    }


def _tmux_launch_rows(results: dict[str, Any], name: str) -> list[dict[str, Any]]:
    if "tmux" not in results:
        return []
    tmux = results["tmux"]
    label, budget = {
        "genai": ("GenAI map", BUDGETS["launch_genai"]),
        "5000": ("5,000 stations", BUDGETS["launch_5000"]),
    }[name]
    return [
        _ratio_row(
            f"Launch to first frame, {label} (tmux)",
            median(tmux[name]["first_frame_s"]),
            median(tmux["bare"]["first_frame_s"]),
            budget,
        )
    ]


def _key_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if "keys" in results:
        for name, label in (("genai", "GenAI map"), ("5000", "5,000 stations")):
            for action in ("move", "tick", "filter"):
                repaint = results["keys"][name][action]["repaint_ms"]
                settled = results["keys"][name][action]["settled_ms"]
                med, top = median(repaint), p95(repaint)
                rows.append(
                    {
                        "measure": f"Key to repaint, {action}, {label}",
                        "value": f"median {med:.1f} ms, p95 {top:.1f} ms",
                        "reference": f"settled: median {median(settled):.1f} ms",
                        "ratio": "",
                        "budget": "≤ 16 ms, p95 ≤ 33 ms",
                        "pass": med <= BUDGETS["key_median_ms"] and top <= BUDGETS["key_p95_ms"],
                    }
                )
        for name, label in (("genai", "GenAI map"), ("5000", "5,000 stations")):
            settled = results["keys"][name]["move"]["settled_ms"]
            rows.append(
                {
                    "measure": f"Key to settled screen, move, {label} (in-process: map and pane)",
                    "value": f"median {median(settled):.1f} ms, p95 {p95(settled):.1f} ms",
                    "reference": "",
                    "ratio": "",
                    "budget": "median ≤ 16 ms",
                    "pass": median(settled) <= BUDGETS["key_settled_median_ms"],
                }
            )
    if "tmux" in results and "settled_s" in results["tmux"]["genai"]:
        rows.append(
            _ratio_row(
                "Key to settled screen, move, GenAI map (tmux)",
                median(results["tmux"]["genai"]["settled_s"]),
                median(results["tmux"]["bare"]["settled_s"]),
                BUDGETS["settled_tmux"],
                "bare app, one line",
            )
        )
    return rows


def _launch_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    head = results["headless"]
    bare = median(head["bare"]["first_frame_s"])
    bare_rss = median(head["bare"]["max_rss_mb"])
    rows: list[dict[str, Any]] = []

    def launch_row(label: str, value: float, reference: float, budget: float) -> None:
        rows.append(_ratio_row(label, value, reference, budget))

    for label, name, budget, in_tmux in (
        ("Launch to first frame, GenAI map (headless)", "genai", "launch_genai", True),
        ("Launch to first frame, 5,000 stations (headless)", "5000", "launch_5000", True),
        (
            "First launch ever, GenAI map (headless, nothing cached yet)",
            "genai_first",
            "launch_genai",
            False,
        ),
        (
            "First launch ever, 5,000 stations (headless, nothing cached yet)",
            "5000_first",
            "launch_5000",
            False,
        ),
    ):
        launch_row(label, median(head[name]["first_frame_s"]), bare, BUDGETS[budget])
        if in_tmux:
            rows += _tmux_launch_rows(results, name)
    rows += _key_rows(results)
    status = median(results["cli"]["status_s"])
    launch_row("`metrotui status`, whole process", status, bare, BUDGETS["status"])
    validate = median(results["cli"]["validate_5000_s"])
    rows.append(
        {
            "measure": "`metrotui validate`, 5,000 stations, whole process",
            "value": f"{validate * 1000:.0f} ms",
            "reference": "",
            "ratio": "",
            "budget": "< 1 s",
            "pass": validate < BUDGETS["validate_5000_s"],
        }
    )
    rows += _durable_rows(results)
    for name, label, budget in (
        ("genai", "GenAI map", BUDGETS["memory_genai"]),
        ("5000", "5,000 stations", BUDGETS["memory_5000"]),
    ):
        rss = median(head[name]["max_rss_mb"])
        rows.append(
            {
                "measure": f"Peak memory (max RSS), {label}",
                "value": f"{rss:.1f} MB",
                "reference": f"bare app {bare_rss:.1f} MB",
                "ratio": f"{rss / bare_rss:.2f}x",
                "budget": f"≤ {budget:g}x",
                "pass": rss / bare_rss <= budget,
            }
        )
    return rows


def _durable_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if "durable" in results:
        for key, label in (("empty_file_ms", "new file"), ("12500_marks_ms", "12,500 marks in it")):
            times = results["durable"][key]
            rows.append(
                {
                    "measure": f"Tick to durable on disk, fsync included ({label})",
                    "value": f"median {median(times):.1f} ms, p95 {p95(times):.1f} ms",
                    "reference": "",
                    "ratio": "",
                    "budget": "median ≤ 10 ms",
                    "pass": median(times) <= BUDGETS["durable_median_ms"],
                }
            )
    return rows


def _growth_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    growth_rows = []
    for name, (size, lines) in GROWTH.items():
        entry = results["growth"][name]
        inproc = entry["inproc"]
        keys = results["keys"][name]
        growth_rows.append(
            {
                "stations": f"{size:,}" if lines == 6 else f"{size:,} ({lines} lines)",
                "topics": inproc[0]["topics"],
                "check_ms": median([x["check_s"] for x in inproc]) * 1000,
                "load_ms": median([x["load_s"] for x in inproc]) * 1000,
                "tracker_ms": median([x["tracker_s"] for x in inproc]) * 1000,
                "layout_ms": median([x["layout_s"] for x in inproc]) * 1000,
                "filters_ms": median([x["filters_s"] for x in inproc]) * 1000,
                "first_frame_ms": median(entry["first_frame_s"]) * 1000,
                **{
                    f"{action}_ms": median(keys[action]["repaint_ms"])
                    for action in ("move", "tick", "filter")
                },
            }
        )
    return growth_rows


def markdown(summary: dict[str, Any]) -> str:
    lines = [
        "| Measure | metrotui | Reference | Ratio | Budget | |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in summary["rows"]:
        verdict = "pass" if row["pass"] else "**miss**"
        lines.append(
            f"| {row['measure']} | {row['value']} | {row['reference']} | {row['ratio']} "
            f"| {row['budget']} | {verdict} |"
        )
    if not summary["growth"]:
        return "\n".join(lines)
    lines += [
        "",
        "| Stations | Topics | Check (first load) | Load (cached) | Tracker "
        "| Layout (first screen) | All filters' layouts "
        "| First frame | Move (median) | Tick (median) | Filter (median) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in summary["growth"]:
        lines.append(
            f"| {row['stations']} | {row['topics']:,} | {row['check_ms']:.0f} ms "
            f"| {row['load_ms']:.0f} ms "
            f"| {row['tracker_ms']:.1f} ms | {row['layout_ms']:.1f} ms "
            f"| {row['filters_ms']:.0f} ms | {row['first_frame_ms']:.0f} ms "
            f"| {row['move_ms']:.1f} ms | {row['tick_ms']:.1f} ms | {row['filter_ms']:.1f} ms |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="metrotui's performance benchmark")
    parser.add_argument("--rounds", type=int, default=9, help="interleaved rounds of launches")
    parser.add_argument("--output", type=Path, default=BENCH / "results.json")
    parser.add_argument("--no-tmux", action="store_true", help="skip the real-terminal launches")
    parser.add_argument(
        "--only",
        metavar="SECTION,...",
        help=f"run only these sections (of {', '.join(SECTIONS)})",
    )
    args = parser.parse_args(argv)
    only = frozenset(args.only.split(",")) if args.only else frozenset(SECTIONS)
    if only - set(SECTIONS):
        parser.error(
            f"no section {', '.join(sorted(only - set(SECTIONS)))}; the sections: "
            + ", ".join(SECTIONS)
        )

    # Byte-compile first, as an install would (see the module docstring).
    for folder in (ROOT / "src" / "metrotui", BENCH):
        compileall.compile_dir(str(folder), quiet=1)
    # Scratch files go next to this folder, on the disk progress is kept on:
    # /tmp may be memory, where fsync costs nothing.
    scratch = Path(tempfile.mkdtemp(prefix=".scratch-", dir=BENCH))
    try:
        results = run(args.rounds, not args.no_tmux, scratch, only)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    summary = summarise(results)
    results["summary"] = summary
    results["date"] = time.strftime("%Y-%m-%d %H:%M:%S %z")
    args.output.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(markdown(summary))
    print(f"\n(every sample: {args.output})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
