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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from metrotui.core.curriculum import Curriculum
from metrotui.storage.curriculum_file import parse_curriculum
from metrotui.storage.progress import ProgressStore, parse_progress
from metrotui.tui.app import MetroApp
from tests.tui.test_app import screen_lines

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
        # On purpose: a random moment, so kills land at every step of a save, not one.
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
            await pilot.pause(0.01)  # on purpose: spread over the CLI's run, not all at once
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


# Times no calendar holds, projections past year 9999 (issue 10, item 8) ---------------------

METROTUI = Path(sys.executable).parent / "metrotui"
# A mark before year 1 once in UTC, and one in year 10000 once east of Greenwich.
OUT_OF_RANGE = ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59.999Z"]


def run_metrotui(
    args: list[str | bytes], tmp_path: Path, tz: str = "UTC"
) -> subprocess.CompletedProcess[str]:
    env = child_env(tmp_path)
    env["TZ"] = tz
    return subprocess.run(
        [str(METROTUI), *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=60,
    )


def long_line(stations: int) -> dict[str, Any]:
    """One line of ``stations`` open stations, two topics each."""
    raw = wide_curriculum()
    raw["lines"] = raw["lines"][:1]
    raw["stations"] = [
        {
            "id": f"s{n}",
            "number": n,
            "title": f"Station {n}",
            "line": "line0",
            "prerequisites": [],
            "topics": [{"id": f"s{n}-t{t}", "title": f"Topic {t}"} for t in range(2)],
        }
        for n in range(1, stations + 1)
    ]
    return raw


def write_progress(path: Path, done: dict[str, str], **extra: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = {"schema_version": 1, "curriculum": CURRICULUM_ID, "done": done, **extra}
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def days_ago(days: int) -> str:
    moment = datetime.now(UTC) - timedelta(days=days)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_stats_past_a_century_say_so_in_words(tmp_path: Path) -> None:
    curriculum = tmp_path / "long.json"
    curriculum.write_text(json.dumps(long_line(5_000)), encoding="utf-8")
    progress = tmp_path / "progress.json"
    args: list[str | bytes] = ["--curriculum", str(curriculum), "--progress", str(progress)]
    # The case: one tick 200 days ago, 9,999 topics to go.
    write_progress(progress, {"s1-t0": days_ago(200)})
    for command in (["stats"], ["stats", "--json"]):
        result = run_metrotui([*args, *command], tmp_path)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    # Ten ticks over 200 days: enough history for a projection, and it is 500 years.
    write_progress(progress, {f"s{n}-t0": days_ago(20 * n) for n in range(1, 11)})
    text = run_metrotui([*args, "stats"], tmp_path)
    assert text.returncode == 0, text.stderr
    assert "at that pace the rest would take more than a century" in " ".join(text.stdout.split())
    assert "finish around" not in text.stdout
    data = json.loads(run_metrotui([*args, "stats", "--json"], tmp_path).stdout)
    assert data["projection"] == "over-a-century" and data["finish_by"] is None


@pytest.mark.parametrize("tz", ["UTC", "Asia/Tokyo", "Pacific/Honolulu"])
def test_marks_at_times_no_calendar_holds_are_reported_kept_and_left_out(
    tmp_path: Path, tz: str
) -> None:
    curriculum = tmp_path / "c.json"
    curriculum.write_text(json.dumps(wide_curriculum()), encoding="utf-8")
    progress = tmp_path / "progress.json"
    args: list[str | bytes] = ["--curriculum", str(curriculum), "--progress", str(progress)]
    marks = {"line0-s0-t0": OUT_OF_RANGE[0], "line0-s0-t1": OUT_OF_RANGE[1]}
    marks["line0-s0-t2"] = days_ago(1)
    write_progress(progress, marks)
    text = run_metrotui([*args, "stats"], tmp_path, tz)
    assert text.returncode == 0, text.stderr
    shown = " ".join(text.stdout.split())
    assert "2 marks are left out of these figures" in shown, shown
    assert all(stamp in shown for stamp in OUT_OF_RANGE)
    assert "studied on 1 day" in shown and "3/400 topics" in shown
    data = json.loads(run_metrotui([*args, "stats", "--json"], tmp_path, tz).stdout)
    assert [entry["time"] for entry in data["left_out"]] == OUT_OF_RANGE
    assert data["overall"]["done"] == 3 and data["active_days"] == 1
    # Kept: another mark rewrites the file, and both times are still in it as they were.
    assert run_metrotui([*args, "done", "line1-s0-t0"], tmp_path, tz).returncode == 0
    kept = parse_progress(progress.read_bytes(), CURRICULUM_ID, "p").done
    assert [kept["line0-s0-t0"], kept["line0-s0-t1"]] == OUT_OF_RANGE


async def test_the_apps_stats_screen_copes_with_both(tmp_path: Path) -> None:
    curriculum = parse_curriculum(json.dumps(long_line(5_000)).encode(), "long.json")
    progress = tmp_path / "progress.json"
    marks = {f"s{n}-t0": days_ago(20 * n) for n in range(1, 11)}
    marks.update({"s20-t0": OUT_OF_RANGE[0], "s20-t1": OUT_OF_RANGE[1]})
    write_progress(progress, marks)
    app = MetroApp(curriculum, progress, ui_state_path=tmp_path / "ui.json", watch_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert type(app.screen).__name__ == "StatsScreen"
        await pilot.pause()
        # The dialog's own text, without the map around it, as one line.
        box = app.screen.query_one("#stats").region
        rows = screen_lines(app)[box.y : box.bottom]
        inside = " ".join(row[box.x : box.right].replace("│", " ") for row in rows)
        shown = " ".join(inside.split())
        assert "more than a century" in shown
        assert "2 marks are left out" in shown


# Lone surrogates and stray bytes (item 9) ----------------------------------------------------


def test_a_note_that_is_not_utf8_is_refused_with_a_message(tmp_path: Path) -> None:
    curriculum = tmp_path / "c.json"
    curriculum.write_text(json.dumps(wide_curriculum()), encoding="utf-8")
    progress = tmp_path / "progress.json"
    args: list[str | bytes] = ["--curriculum", str(curriculum), "--progress", str(progress)]
    result = run_metrotui([*args, "notes", "line0-s0", "--set", b"caf\xe9"], tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "--set' is not valid UTF-8 (it has the byte 0xe9); nothing was done" in result.stderr
    assert not progress.exists()
    # The same for an id; a file name in any bytes is still a file name.
    assert run_metrotui([*args, "done", b"line0-s0-t\xff"], tmp_path).returncode == 2
    named = tmp_path.as_posix().encode() + b"/caf\xe9.json"
    Path(os.fsdecode(named)).write_bytes(curriculum.read_bytes())
    valid = run_metrotui(["validate", named], tmp_path)
    assert valid.returncode == 0, valid.stderr
    assert "caf\ufffd.json: valid" in valid.stdout


def test_an_imported_lone_surrogate_is_replaced_and_reported(tmp_path: Path) -> None:
    curriculum = tmp_path / "c.json"
    curriculum.write_text(json.dumps(wide_curriculum()), encoding="utf-8")
    progress = tmp_path / "progress.json"
    args: list[str | bytes] = ["--curriculum", str(curriculum), "--progress", str(progress)]
    export = tmp_path / "export.json"
    export.write_text(
        '{"schema_version": 1, "curriculum": "crash-test", "done": {"line0-s0-t0": '
        '"2026-11-01T10:00:00.000Z"}, "notes": {"line0-s0": {"text": "caf\\ud800 ok", '
        '"updated": "2026-11-01T10:00:00.000Z"}}}',
        encoding="utf-8",
    )
    result = run_metrotui([*args, "import", str(export)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "not valid Unicode in 1 place" in result.stderr and "merged as \ufffd" in result.stderr
    saved = parse_progress(progress.read_bytes(), CURRICULUM_ID, "p")
    assert saved.notes["line0-s0"].text == "caf\ufffd ok"
    assert "line0-s0-t0" in saved.done
    shown = run_metrotui([*args, "notes", "line0-s0"], tmp_path)
    assert shown.returncode == 0 and shown.stdout == "caf\ufffd ok\n"


def test_a_progress_file_holding_a_lone_surrogate_is_reported_and_saves(tmp_path: Path) -> None:
    curriculum = tmp_path / "c.json"
    curriculum.write_text(json.dumps(wide_curriculum()), encoding="utf-8")
    progress = tmp_path / "progress.json"
    args: list[str | bytes] = ["--curriculum", str(curriculum), "--progress", str(progress)]
    note = {"line0-s0": {"text": "a\udc80b", "updated": "2026-11-01T10:00:00.000Z"}}
    # An unknown key holding one too: kept through the rewrite, written as an escape.
    write_progress(progress, {}, notes=note, theirs="x\ud800y")
    status = run_metrotui([*args, "status"], tmp_path)
    assert status.returncode == 0, status.stderr
    assert status.stderr.count("not valid Unicode in 1 place") == 1, status.stderr
    before = progress.read_bytes()
    assert progress.read_bytes() == before  # reading writes nothing
    for command in (["done", "line0-s0-t0"], ["notes", "line0-s1", "--set", "fine"]):
        result = run_metrotui([*args, *command], tmp_path)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    saved = parse_progress(progress.read_bytes(), CURRICULUM_ID, "p")
    assert saved.notes["line0-s0"].text == "a\ufffdb"
    assert saved.notes["line0-s1"].text == "fine"
    assert saved.extra["theirs"] == "x\ud800y"
    assert b'"x\\ud800y"' in progress.read_bytes()
    # The file is fixed now: nothing more to report.
    assert "not valid Unicode" not in run_metrotui([*args, "status"], tmp_path).stderr


async def test_the_app_saves_over_a_file_holding_a_lone_surrogate(tmp_path: Path) -> None:
    curriculum = parse_curriculum(json.dumps(wide_curriculum()).encode(), "c.json")
    progress = write_progress(
        tmp_path / "progress.json",
        {"line0-s0-t0": "2026-11-01T10:00:00.000Z"},
        notes={"line0-s0": {"text": "\ud800", "updated": "2026-11-01T10:00:00.000Z"}},
    )
    app = MetroApp(curriculum, progress, ui_state_path=tmp_path / "ui.json", watch_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert any("not valid Unicode" in n.message for n in app._notifications)
        app.toggle_topic("line0-s0-t1")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not any(n.title == "Not saved" for n in app._notifications)
    saved = parse_progress(progress.read_bytes(), CURRICULUM_ID, "p")
    assert "line0-s0-t1" in saved.done and saved.notes["line0-s0"].text == "\ufffd"
