"""Crashes and concurrent use: SIGKILL mid-save, four writers at once, the app beside the CLI.

The kill test is the long one.  ``METROTUI_KILL_ROUNDS`` sets how many
processes are killed (default 200); CI can size it down, never to zero.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from metrotui.core.curriculum import Curriculum
from metrotui.storage.curriculum_file import parse_curriculum
from metrotui.storage.progress import ProgressStore, parse_progress
from metrotui.tui.app import MetroApp

KILL_ROUNDS = max(1, int(os.environ.get("METROTUI_KILL_ROUNDS", "200")))
KILL_STREAMS = 2  # killers working on the same file at once
CURRICULUM_ID = "crash-test"

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def child_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("METROTUI_")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    env["PYTHONUNBUFFERED"] = "1"
    return env


# SIGKILL at random points while saving --------------------------------------------------

MARKER = textwrap.dedent(
    """
    import sys
    from metrotui.storage.progress import ProgressStore
    store = ProgressStore(sys.argv[1], sys.argv[2])
    prefix = sys.argv[3]
    print("ready", flush=True)
    n = 0
    while True:
        topic = f"{prefix}-{n}"
        print(f"saving {topic}", flush=True)
        store.mark([topic])
        print(f"ok {topic}", flush=True)  # acknowledged: it must survive any crash now
        n += 1
    """
)


def check_file(path: Path, acknowledged: set[str]) -> dict[str, str]:
    """The file parses as progress (not merely as JSON) and holds every acknowledged mark."""
    if not path.exists():
        assert not acknowledged, "marks were acknowledged, yet there is no file"
        return {}
    progress = parse_progress(path.read_bytes(), CURRICULUM_ID, str(path))
    missing = acknowledged - set(progress.done)
    assert not missing, f"acknowledged marks lost: {sorted(missing)[:5]}"
    return progress.done


def kill_stream(
    stream: int, rounds: int, path: Path, env: dict[str, str], results: dict[str, Any]
) -> None:
    rng = random.Random(1000 + stream)
    acknowledged: set[str] = set()
    mid_save = 0
    for round_ in range(rounds):
        child = subprocess.Popen(
            [sys.executable, "-c", MARKER, str(path), CURRICULUM_ID, f"s{stream}r{round_}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0, 0.03))
        os.kill(child.pid, signal.SIGKILL)
        out, err = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL, err
        lines = out.splitlines(keepends=True)
        acknowledged.update(
            line[3:].strip() for line in lines if line.startswith("ok ") and line.endswith("\n")
        )
        complete = [line for line in lines if line.endswith("\n")]
        if complete and complete[-1].startswith("saving "):
            mid_save += 1  # killed inside mark(): locking, reading, writing or renaming
        check_file(path, acknowledged)
    results[f"stream {stream}"] = (acknowledged, mid_save)


def test_sigkill_while_saving_never_loses_an_acknowledged_mark(tmp_path: Path) -> None:
    path = tmp_path / "progress" / "crash-test.json"
    env = child_env(tmp_path)
    results: dict[str, Any] = {}
    errors: list[BaseException] = []

    def run_stream(stream: int) -> None:
        try:
            rounds = KILL_ROUNDS // KILL_STREAMS + (stream < KILL_ROUNDS % KILL_STREAMS)
            kill_stream(stream, rounds, path, env, results)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=run_stream, args=(n,)) for n in range(KILL_STREAMS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]

    acknowledged = set().union(*(acked for acked, _ in results.values()))
    mid_save = sum(count for _, count in results.values())
    done = check_file(path, acknowledged)
    # Never a damaged file to set aside: a kill leaves the old file or the new one.
    assert not list(path.parent.glob("*.damaged-*"))
    # Most kills land inside a save, or the test would prove little.
    assert mid_save >= KILL_ROUNDS // 4, (mid_save, KILL_ROUNDS)
    # What a killed writer left behind is cleared by the next save.
    ProgressStore(path, CURRICULUM_ID).mark(["after-the-crashes"])
    assert not list(path.parent.glob(".*.tmp"))
    print(
        f"\nkill rounds: {KILL_ROUNDS}; killed inside a save: {mid_save}; "
        f"acknowledged marks: {len(acknowledged)}, all kept; marks on disk: {len(done)}"
    )


# Four writers at once, through the CLI -----------------------------------------------------

WRITERS, TOPICS_EACH = 4, 100


def wide_curriculum() -> dict[str, Any]:
    """Four lines of ten open stations, ten topics each: 400 topics, none locked."""
    lines = [f"line{n}" for n in range(WRITERS)]
    stations = []
    for line in lines:
        for s in range(TOPICS_EACH // 10):
            sid = f"{line}-s{s}"
            stations.append(
                {
                    "id": sid,
                    "number": len(stations) + 1,
                    "title": f"Station {s} of {line}",
                    "line": line,
                    "prerequisites": [],
                    "topics": [{"id": f"{sid}-t{t}", "title": f"Topic {t}"} for t in range(10)],
                }
            )
    colors = ["#7b3fb5", "#4fadea", "#4fad5b", "#e0a030"]
    return {
        "schema_version": 1,
        "id": CURRICULUM_ID,
        "title": "Crash test",
        "lines": [
            {"id": line, "name": line.title(), "color": colors[n]} for n, line in enumerate(lines)
        ],
        "stations": stations,
    }


def topics_of_line(curriculum: Curriculum, line: str) -> list[str]:
    return [t for s in curriculum.stations_on(line) for t in s.topic_ids]


# Each writer runs the real CLI command, `metrotui --curriculum C done TOPIC`, once per
# topic, in one process (a hundred interpreter starts would only measure Python).
CLI_WRITER = textwrap.dedent(
    """
    import io, sys, time
    from contextlib import redirect_stdout
    from pathlib import Path
    from metrotui.cli.commands import cli
    curriculum, go, topics = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.001)
    for topic in topics:
        with redirect_stdout(io.StringIO()):
            cli.main(["--curriculum", curriculum, "done", topic], prog_name="metrotui",
                     standalone_mode=False)
    print("finished", flush=True)
    """
)


def start_writer(curriculum_file: Path, go: Path, topics: list[str], env: dict[str, str]) -> Any:
    return subprocess.Popen(
        [sys.executable, "-c", CLI_WRITER, str(curriculum_file), str(go), *topics],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(writers: list[Any]) -> None:
    try:
        for writer in writers:
            out, err = writer.communicate(timeout=120)
            assert writer.returncode == 0, err
            assert out.endswith("finished\n"), (out, err)
            assert "Traceback" not in err
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()


def test_four_cli_processes_marking_100_topics_each_keep_all_400(tmp_path: Path) -> None:
    raw = wide_curriculum()
    curriculum = parse_curriculum(json.dumps(raw).encode())
    curriculum_file = tmp_path / "wide.json"
    curriculum_file.write_text(json.dumps(raw))
    env = child_env(tmp_path)
    go = tmp_path / "go"
    writers = [
        start_writer(curriculum_file, go, topics_of_line(curriculum, line.id), env)
        for line in curriculum.lines
    ]
    for writer in writers:  # all loaded and waiting: then they start together
        assert writer.stdout.readline() == "ready\n"
    go.touch()
    finish(writers)
    progress = tmp_path / "xdg" / "metrotui" / "progress" / f"{CURRICULUM_ID}.json"
    done = ProgressStore(progress, CURRICULUM_ID).load().done
    assert len(done) == WRITERS * TOPICS_EACH == 400
    assert set(done) == set(curriculum.all_topic_ids())
    assert not list(progress.parent.glob(".*.tmp"))
    print(f"\nconcurrent marks kept: {len(done)} of {WRITERS * TOPICS_EACH}")


# The app open while the CLI marks in another terminal -------------------------------------


async def test_app_and_cli_marking_at_once_keep_both_sets(tmp_path: Path) -> None:
    raw = wide_curriculum()
    curriculum = parse_curriculum(json.dumps(raw).encode())
    curriculum_file = tmp_path / "wide.json"
    curriculum_file.write_text(json.dumps(raw))
    env = child_env(tmp_path)
    progress = tmp_path / "xdg" / "metrotui" / "progress" / f"{CURRICULUM_ID}.json"
    by_cli = topics_of_line(curriculum, "line0")[:60]
    by_app = topics_of_line(curriculum, "line1")[:30]
    go = tmp_path / "go"
    writer = start_writer(curriculum_file, go, by_cli, env)
    app = MetroApp(curriculum, progress, ui_state_path=tmp_path / "ui.json", watch_interval=0.1)
    async with app.run_test(size=(120, 40)) as pilot:
        assert writer.stdout.readline() == "ready\n"
        go.touch()
        for topic in by_app:  # ticked in the app while the CLI writes
            app.toggle_topic(topic)
            await pilot.pause(0.01)
        await pilot.pause()
        finish([writer])
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not set(by_cli) <= app.tracker.done:
            await pilot.pause(0.1)
        # The app shows both sets: its own ticks and every one the CLI made.
        assert set(by_cli) | set(by_app) <= app.tracker.done
        assert app.is_running
    done = json.loads(progress.read_text())["done"]
    assert set(done) == set(by_cli) | set(by_app)
