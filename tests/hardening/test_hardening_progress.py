"""Damaged progress: the CLI and the app keep going, and nothing recorded is lost.

Each fault is tried from the command line (click's runner, in-process, so that
failing system calls can be simulated) and in the app (Pilot).  In every case
the learner is told what happened and where their old file is, and the old
bytes are either left exactly where they were or set aside beside them.

Tests may run as root, where chmod does not stop a write; the read-only folder
and the unreadable file are therefore simulated by making the system calls fail
as they would for an ordinary user.  A real-chmod version runs as well where
the tests are not run as root.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import metrotui.storage.progress as progress_module
from metrotui.cli.commands import cli
from metrotui.core.curriculum import Curriculum
from metrotui.tui.app import MetroApp
from tests.helpers import refuse_temporary_files
from tests.waiting import pause_until

CURRICULUM = "genai-metromap"
OLD_TIME = "2024-01-02T03:04:05.000Z"
RECORDED = {"calculus": OLD_TIME, "probability-and-statistics": OLD_TIME}
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
METROTUI = str(Path(sys.executable).parent / "metrotui")  # the console script


def progress_bytes(**fields: Any) -> bytes:
    data = {"schema_version": 1, "curriculum": CURRICULUM, "done": RECORDED, **fields}
    return (json.dumps(data, indent=2) + "\n").encode()


def done_on_disk(path: Path) -> dict[str, str]:
    return json.loads(path.read_text(encoding="utf-8"))["done"]


def run(progress: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["--progress", str(progress), *args], prog_name="metrotui")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback, for a user
    assert "Traceback" not in result.output
    return result


def set_aside(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.damaged-*"))


def temp_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp"))


def make_app(curriculum: Curriculum, progress: Path, tmp_path: Path) -> MetroApp:
    return MetroApp(curriculum, progress, ui_state_path=tmp_path / "ui.json", watch_interval=0)


def notices(app: MetroApp) -> list[tuple[str, str, str]]:
    return [(note.title, note.message, note.severity) for note in app._notifications]


async def tick_first_topic(pilot: Any) -> None:
    """What a learner does first: open Math Basics' topics and tick Linear Algebra."""
    await pilot.press("home", "tab", "space", "escape")
    await pilot.pause()


def still_running(app: MetroApp) -> None:
    assert app.is_running
    assert app.return_code is None


# Files that are damaged: set aside, bytes intact, and the user is told where ----------

DAMAGED = {
    "empty": b"",
    "only whitespace": b" \n\t \n",
    "zero bytes (blocks lost in a crash)": b"\x00" * 4096,
    "truncated": progress_bytes()[:41],
    "cut after one byte": progress_bytes()[:1],
    "cut in the middle of a mark": progress_bytes()[:90],
    "not utf-8": b'{"schema_version": 1, "curriculum": "genai-metromap", "done": {"caf\xe9": ""}}',
    "no schema version": b'{"curriculum": "genai-metromap", "done": {}}',
    "schema version as text": progress_bytes(schema_version="1"),
    "no curriculum": b'{"schema_version": 1, "done": {"calculus": "2024-01-02T03:04:05.000Z"}}',
    "done is a list": progress_bytes(done=["calculus"]),
    "done holds numbers": progress_bytes(done={"calculus": 20240102}),
    "done twice": progress_bytes()[:-2] + b',\n  "done": {}\n}\n',
    "a key twice in a note": progress_bytes(
        notes={"math-basics": {"text": "a", "updated": OLD_TIME}}
    ).replace(b'"text": "a"', b'"text": "a", "text": "b"'),
}

# Files that are not progress at all: refused, exit 2, and left exactly as they are.
NOT_PROGRESS = {
    "notes in Markdown": b"# Notes\n\n- calculus: done\n",
    "text": b"progress: calculus, probability\n",
    "a JSON list": b'["calculus", "probability-and-statistics"]',
    "nested too deep": b"[" * 100_000,
    "a package.json": b'{"name": "notes", "version": "1.0.0", "private": true}',
    "a metrotui curriculum": Path(__file__).parents[2].joinpath("data/stations.json").read_bytes(),
    "binary": bytes(range(256)) * 16,
}


@pytest.mark.parametrize("damage", sorted(DAMAGED))
def test_cli_sets_a_damaged_file_aside_and_carries_on(tmp_path: Path, damage: str) -> None:
    progress = tmp_path / "progress.json"
    progress.write_bytes(DAMAGED[damage])
    # Commands that only read leave it where it is, and say so.
    for command in (["status"], ["next"], ["export"], ["notes", "math-basics"], ["stats"]):
        result = run(progress, *command)
        assert result.exit_code == 0
        assert f"The progress file {progress} is damaged" in result.stderr
        assert sorted(tmp_path.iterdir()) == [progress]  # not moved, no lock file
        assert progress.read_bytes() == DAMAGED[damage]
    # The first change sets it aside and records as usual, in a fresh file.
    result = run(progress, "done", "linear-algebra")
    assert result.exit_code == 0
    (aside,) = set_aside(tmp_path)
    assert aside.read_bytes() == DAMAGED[damage]  # byte for byte
    assert f"The progress file {progress} was damaged" in result.stderr
    assert f"to {aside};" in result.stderr  # says where the old file went
    assert set(done_on_disk(progress)) == {"linear-algebra"}
    assert aside.read_bytes() == DAMAGED[damage]
    assert temp_files(tmp_path) == []


@pytest.mark.parametrize("kind", sorted(NOT_PROGRESS))
def test_cli_refuses_a_file_that_is_not_progress_and_leaves_it(tmp_path: Path, kind: str) -> None:
    mistyped = tmp_path / "notes.md"
    mistyped.write_bytes(NOT_PROGRESS[kind])
    commands = (["status"], ["done", "linear-algebra"], ["known", "calculus"], ["undo", "calculus"])
    for command in (*commands, ["notes", "math-basics", "--set", "x"], ["import", str(mistyped)]):
        result = run(mistyped, *command)
        assert result.exit_code == 2, command
        assert result.stderr.startswith(f"metrotui: {mistyped} is not a metrotui progress ")
        assert sorted(tmp_path.iterdir()) == [mistyped]  # not moved, nothing beside it
        assert mistyped.read_bytes() == NOT_PROGRESS[kind]


def test_a_real_process_leaves_a_mistyped_progress_file_alone(tmp_path: Path) -> None:
    mistyped = tmp_path / "notes.md"
    mistyped.write_bytes(NOT_PROGRESS["notes in Markdown"])
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    result = subprocess.run(
        [METROTUI, "--progress", str(mistyped), "status"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stderr == (
        f"metrotui: {mistyped} is not a metrotui progress file (it is not valid JSON); "
        "it was left untouched. Choose another --progress file\n"
    )
    assert sorted(tmp_path.iterdir()) == [mistyped]
    assert mistyped.read_bytes() == NOT_PROGRESS["notes in Markdown"]


@pytest.mark.parametrize("how", ["option", "environment"])
def test_the_map_refuses_a_mistyped_progress_file_at_launch(tmp_path: Path, how: str) -> None:
    # As every command does, before a screen is drawn: not a fresh map that fails at a tick.
    mistyped = tmp_path / "notes.md"
    mistyped.write_bytes(NOT_PROGRESS["notes in Markdown"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("METROTUI_")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    args = [METROTUI]
    if how == "option":
        args += ["--progress", str(mistyped)]
    else:
        env["METROTUI_PROGRESS"] = str(mistyped)
    result = subprocess.run(
        args, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=30
    )
    assert result.returncode == 2
    assert result.stderr == (
        f"metrotui: {mistyped} is not a metrotui progress file (it is not valid JSON); "
        "it was left untouched. Choose another --progress file\n"
    )
    assert "\x1b" not in result.stdout  # refused before the app drew anything
    assert sorted(tmp_path.iterdir()) == [mistyped]
    assert mistyped.read_bytes() == NOT_PROGRESS["notes in Markdown"]


async def test_app_opens_beside_a_file_that_is_not_progress_and_never_touches_it(
    genai: Curriculum, tmp_path: Path
) -> None:
    mistyped = tmp_path / "notes.md"
    mistyped.write_bytes(NOT_PROGRESS["notes in Markdown"])
    app = make_app(genai, mistyped, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        problems = [m for t, m, _ in notices(app) if t == "Progress not loaded"]
        assert problems and f"{mistyped} is not a metrotui progress file" in problems[0]
        await tick_first_topic(pilot)
        assert any(
            "not a metrotui progress file" in m for t, m, _ in notices(app) if t == "Not saved"
        )
        still_running(app)
    assert mistyped.read_bytes() == NOT_PROGRESS["notes in Markdown"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.md", "ui.json"]


@pytest.mark.parametrize("damage", ["truncated", "done twice", "done is a list"])
async def test_app_sets_a_damaged_file_aside_and_carries_on(
    genai: Curriculum, tmp_path: Path, damage: str
) -> None:
    progress = tmp_path / "progress.json"
    progress.write_bytes(DAMAGED[damage])
    app = make_app(genai, progress, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        (aside,) = set_aside(tmp_path)
        warnings = [message for _, message, severity in notices(app) if severity == "warning"]
        assert any("was damaged" in m and str(aside) in m for m in warnings), warnings
        await tick_first_topic(pilot)
        still_running(app)
    assert set(done_on_disk(progress)) == {"linear-algebra"}
    assert aside.read_bytes() == DAMAGED[damage]


async def test_app_sets_aside_a_file_damaged_while_it_is_open(
    genai: Curriculum, tmp_path: Path
) -> None:
    progress = tmp_path / "progress.json"
    progress.write_bytes(progress_bytes())
    app = make_app(genai, progress, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert app.tracker.is_done("calculus")
        progress.write_bytes(b"\x00" * 300)  # say, a crash of some other program
        app.check_external_changes()
        await pilot.pause()
        (aside,) = set_aside(tmp_path)
        assert aside.read_bytes() == b"\x00" * 300
        assert any(str(aside) in message for _, message, _ in notices(app))
        await tick_first_topic(pilot)
        still_running(app)
    assert set(done_on_disk(progress)) == {"linear-algebra"}


# Files that must not be touched: refused, never overwritten ---------------------------

REFUSED = {
    "newer schema": (
        progress_bytes(schema_version=2, done={"calculus": OLD_TIME}, streak={"days": 9}),
        "was written by a newer metrotui (progress schema 2",
    ),
    "another curriculum": (
        progress_bytes(curriculum="rust-metromap"),
        "holds progress for the curriculum 'rust-metromap'",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_cli_refuses_a_file_it_must_not_overwrite(tmp_path: Path, case: str) -> None:
    progress = tmp_path / "progress.json"
    data, message = REFUSED[case]
    progress.write_bytes(data)
    for command in (["status"], ["next"], ["done", "linear-algebra"], ["undo", "calculus"]):
        result = run(progress, *command)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"metrotui: {progress} ")
        assert message in result.stderr
        assert "left untouched" in result.stderr
    assert progress.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == [
        "progress.json"
    ]


@pytest.mark.parametrize("case", sorted(REFUSED))
async def test_app_opens_without_progress_and_saves_nothing_over_it(
    genai: Curriculum, tmp_path: Path, case: str
) -> None:
    progress = tmp_path / "progress.json"
    data, message = REFUSED[case]
    progress.write_bytes(data)
    app = make_app(genai, progress, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        errors = [(title, m) for title, m, severity in notices(app) if severity == "error"]
        assert errors and errors[0][0] == "Progress not loaded"
        assert message in errors[0][1] and str(progress) in errors[0][1]
        await tick_first_topic(pilot)
        not_saved = [m for title, m, _ in notices(app) if title == "Not saved"]
        assert not_saved and message in not_saved[-1]
        assert not app.tracker.is_done("linear-algebra")
        still_running(app)
    assert progress.read_bytes() == data


async def test_app_picks_up_progress_once_the_problem_is_fixed(
    genai: Curriculum, tmp_path: Path
) -> None:
    progress = tmp_path / "progress.json"
    progress.write_bytes(REFUSED["newer schema"][0])
    app = make_app(genai, progress, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert not app.tracker.done
        progress.write_bytes(progress_bytes())  # say, the learner restored a backup
        app.check_external_changes()
        await pilot.pause()
        assert app.tracker.is_done("calculus")
        await tick_first_topic(pilot)
    assert set(done_on_disk(progress)) == {*RECORDED, "linear-algebra"}


# Marks this curriculum does not have ------------------------------------------------


def test_cli_keeps_marks_for_unknown_topics(tmp_path: Path) -> None:
    progress = tmp_path / "progress.json"
    progress.write_bytes(progress_bytes(done={**RECORDED, "retired-topic": OLD_TIME}))
    result = run(progress, "done", "linear-algebra")
    assert result.exit_code == 0
    assert "1 mark in" in result.stderr and "is kept" in result.stderr
    assert "metrotui forget retired-topic" in result.stderr
    assert done_on_disk(progress) == {
        **RECORDED,
        "retired-topic": OLD_TIME,
        "linear-algebra": done_on_disk(progress)["linear-algebra"],
    }


async def test_app_keeps_marks_for_unknown_topics_and_says_so(
    genai: Curriculum, tmp_path: Path
) -> None:
    progress = tmp_path / "progress.json"
    progress.write_bytes(progress_bytes(done={**RECORDED, "retired-topic": OLD_TIME}))
    app = make_app(genai, progress, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert any("is kept" in m and "forget retired-topic" in m for _, m, _ in notices(app))
        await tick_first_topic(pilot)
        await pilot.press("tab", "space", "escape")  # and untick it again
        await pilot.pause()
    assert done_on_disk(progress) == {**RECORDED, "retired-topic": OLD_TIME}


# Symlinks, folders and other things in the file's place -------------------------------


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "synced" / "progress.json"
    real.parent.mkdir()
    real.write_bytes(progress_bytes())
    link = tmp_path / "progress.json"
    link.symlink_to(real)
    assert run(link, "done", "linear-algebra").exit_code == 0
    assert link.is_symlink() and link.resolve() == real
    assert set(done_on_disk(real)) == {*RECORDED, "linear-algebra"}


def test_a_symlink_loop_is_a_clear_error(tmp_path: Path) -> None:
    loop = tmp_path / "progress.json"
    loop.symlink_to(loop)
    for command in (["status"], ["done", "linear-algebra"]):
        result = run(loop, *command)
        assert result.exit_code == 2
        assert f"{loop} is a symlink that leads back to itself" in result.stderr
    assert loop.is_symlink()


async def test_app_with_a_symlink_loop_keeps_running(genai: Curriculum, tmp_path: Path) -> None:
    loop = tmp_path / "progress.json"
    loop.symlink_to(loop)
    app = make_app(genai, loop, tmp_path)
    app.watch_interval = 0.05  # the watcher must cope with it too
    async with app.run_test(size=(140, 40)) as pilot:
        await pause_until(
            pilot,
            lambda: any("leads back to itself" in m for _, m, _ in notices(app)),
            "the notice that the file leads back to itself",
        )
        await tick_first_topic(pilot)
        still_running(app)
    assert loop.is_symlink()


def test_a_folder_in_place_of_the_file(isolated_config: Path) -> None:
    folder = isolated_config / "metrotui" / "progress" / f"{CURRICULUM}.json"
    folder.mkdir(parents=True)
    (folder / "keep.txt").write_text("mine")
    for command in (["status"], ["done", "linear-algebra"]):
        result = CliRunner().invoke(cli, command, prog_name="metrotui")
        assert result.exit_code == 2
        assert result.stderr == (
            f"metrotui: {folder} is a folder, not a progress file; move it away or "
            "choose another --progress file\n"
        )
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]
    # Named with --progress, click refuses the folder before anything runs.
    result = run(folder, "status")
    assert result.exit_code == 2
    assert str(folder) in result.stderr and "is a directory" in result.stderr


async def test_app_with_a_folder_in_place_of_the_file(genai: Curriculum, tmp_path: Path) -> None:
    folder = tmp_path / "progress.json"
    folder.mkdir()
    app = make_app(genai, folder, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert any("is a folder" in m for t, m, _ in notices(app) if t == "Progress not loaded")
        await tick_first_topic(pilot)
        assert any("is a folder" in m for t, m, _ in notices(app) if t == "Not saved")
        still_running(app)
    assert folder.is_dir() and list(folder.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_in_place_of_the_file_is_refused_not_waited_on(tmp_path: Path) -> None:
    pipe = tmp_path / "progress.json"
    os.mkfifo(pipe)
    for command in (["status"], ["done", "linear-algebra"]):
        result = run(pipe, *command)  # reading a pipe with no writer would hang
        assert result.exit_code == 2
        assert "is not a regular file" in result.stderr
    assert stat.S_ISFIFO(pipe.stat().st_mode)  # never "set aside"


# Permissions ------------------------------------------------------------------------


def test_a_read_only_file_is_replaced_and_keeps_its_mode(tmp_path: Path) -> None:
    # Real chmod: the save replaces the file (which the folder allows, for any
    # user), so the mark is kept and the file stays read-only.
    progress = tmp_path / "progress.json"
    progress.write_bytes(progress_bytes())
    progress.chmod(0o444)
    assert run(progress, "done", "linear-algebra").exit_code == 0
    assert set(done_on_disk(progress)) == {*RECORDED, "linear-algebra"}
    assert stat.S_IMODE(progress.stat().st_mode) == 0o444


@contextmanager
def refusing_writes_in(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make ``folder`` act as a read-only folder does for an ordinary user.

    Creating, renaming or removing anything in it fails with EACCES; reading
    works.  (Run as root, a real chmod would not stop anything.)
    """
    inside = str(folder.resolve())

    def in_folder(path: Any) -> bool:
        return os.path.dirname(os.path.abspath(os.fspath(path))) == inside

    def denied(path: Any) -> PermissionError:
        return PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))

    real_open, real_replace = os.open, os.replace
    real_rename, real_unlink = os.rename, os.unlink

    def fake_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & os.O_CREAT and in_folder(path) and not os.path.exists(path):
            raise denied(path)
        # Existing files here are read-only too, but for a lock file left over
        # from before (which a user could have made writable for everyone).
        if (
            flags & (os.O_WRONLY | os.O_RDWR)
            and in_folder(path)
            and os.path.isfile(path)
            and not os.fspath(path).endswith(".lock")
        ):
            raise denied(path)
        return real_open(path, flags, *args, **kwargs)

    def guard(real: Any) -> Any:
        def fake(src: Any, dst: Any = None, *args: Any, **kwargs: Any) -> Any:
            if in_folder(src) or (dst is not None and in_folder(dst)):
                raise denied(src)
            return real(src, *(() if dst is None else (dst,)), *args, **kwargs)

        return fake

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "replace", guard(real_replace))
    monkeypatch.setattr(os, "rename", guard(real_rename))
    monkeypatch.setattr(os, "unlink", guard(real_unlink))
    try:
        yield
    finally:
        monkeypatch.undo()


@pytest.mark.parametrize("lock_exists", [False, True], ids=["no-lock-yet", "lock-left-over"])
def test_a_read_only_folder_refuses_the_save_and_keeps_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lock_exists: bool
) -> None:
    progress = tmp_path / "progress.json"
    data = progress_bytes()
    progress.write_bytes(data)
    if lock_exists:  # left by an earlier save, from before the folder was made read-only
        (tmp_path / ".progress.json.lock").touch()
    with refusing_writes_in(tmp_path, monkeypatch):
        shown = run(progress, "status")
        assert shown.exit_code == 0  # reading still works
        result = run(progress, "done", "linear-algebra")
    assert result.exit_code == 2
    assert result.stderr.startswith("metrotui: ")
    assert str(progress) in result.stderr and "permission denied" in result.stderr
    assert "nothing was changed" in result.stderr or "not changed" in result.stderr
    assert progress.read_bytes() == data
    assert temp_files(tmp_path) == []


async def test_app_in_a_read_only_folder_keeps_running(
    genai: Curriculum, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    progress = tmp_path / "progress.json"
    data = progress_bytes()
    progress.write_bytes(data)
    app = make_app(genai, progress, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        with refusing_writes_in(tmp_path, monkeypatch):
            await tick_first_topic(pilot)
        not_saved = [m for t, m, _ in notices(app) if t == "Not saved"]
        assert not_saved and "permission denied" in not_saved[0]
        assert not app.tracker.is_done("linear-algebra")
        await tick_first_topic(pilot)  # the folder is writable again
        still_running(app)
    assert set(done_on_disk(progress)) == {*RECORDED, "linear-algebra"}


@pytest.mark.skipif(AS_ROOT, reason="root ignores file permissions; simulated above")
def test_a_really_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    progress = folder / "progress.json"
    data = progress_bytes()
    progress.write_bytes(data)
    folder.chmod(0o555)
    try:
        assert run(progress, "status").exit_code == 0
        result = run(progress, "done", "linear-algebra")
        assert result.exit_code == 2
        assert "permission denied" in result.stderr
        assert progress.read_bytes() == data
    finally:
        folder.chmod(0o755)


def refuse_to_read(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening ``path`` fails with EACCES, as for a file with mode 000 and not its owner."""
    real_open = os.open

    def fake_open(name: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if os.path.abspath(os.fspath(name)) == str(path.absolute()):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(name))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)


def test_an_unreadable_file_is_reported_and_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    progress = tmp_path / "progress.json"
    data = progress_bytes()
    progress.write_bytes(data)
    refuse_to_read(progress, monkeypatch)  # chmod 000, as a user sees it
    for command in (["status"], ["done", "linear-algebra"]):
        result = run(progress, *command)
        assert result.exit_code == 2
        assert f"cannot read {progress} (permission denied)" in result.stderr
    monkeypatch.undo()
    assert progress.read_bytes() == data
    assert set_aside(tmp_path) == []


# A missing folder, a full disk ---------------------------------------------------------


def test_a_missing_folder_is_created_on_the_first_mark(tmp_path: Path) -> None:
    progress = tmp_path / "not" / "there" / "yet" / "progress.json"
    assert run(progress, "status").exit_code == 0
    assert not (tmp_path / "not").exists()  # reading creates nothing
    assert run(progress, "done", "linear-algebra").exit_code == 0
    assert set(done_on_disk(progress)) == {"linear-algebra"}


async def test_app_creates_a_missing_folder_on_the_first_tick(
    genai: Curriculum, tmp_path: Path
) -> None:
    progress = tmp_path / "not" / "there" / "progress.json"
    app = make_app(genai, progress, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert not (tmp_path / "not").exists()
        await tick_first_topic(pilot)
        still_running(app)
    assert set(done_on_disk(progress)) == {"linear-algebra"}


def test_a_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    progress = tmp_path / "a-file" / "progress.json"
    for command in (["status"], ["done", "linear-algebra"]):
        result = run(progress, *command)
        assert result.exit_code == 2
        assert f"cannot read {progress} (not a directory)" in result.stderr
    assert (tmp_path / "a-file").read_text() == "not a folder"


def _no_space(*args: Any, **kwargs: Any) -> Any:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class _FullDiskFile:
    """A file whose writes fail as they do on a full disk."""

    def __init__(self, fd: int, real_fdopen: Any) -> None:
        self._file = real_fdopen(fd, "wb")

    def __enter__(self) -> _FullDiskFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flush(self) -> None:
        self._file.flush()

    def fileno(self) -> int:
        return self._file.fileno()


def fill_the_disk(monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    """Simulate a full disk at one step of a save."""
    real_fdopen = os.fdopen
    if step == "write":
        monkeypatch.setattr(
            progress_module.os,
            "fdopen",
            lambda fd, mode="r", *a, **k: (
                _FullDiskFile(fd, real_fdopen) if "w" in mode else real_fdopen(fd, mode, *a, **k)
            ),
        )
    elif step == "fsync":
        monkeypatch.setattr(progress_module.os, "fsync", _no_space)
    else:  # the temporary file cannot even be created
        refuse_temporary_files(monkeypatch, _no_space)


@pytest.mark.parametrize("step", ["create", "write", "fsync"])
def test_a_full_disk_is_reported_and_the_file_kept(tmp_path: Path, step: str) -> None:
    progress = tmp_path / "progress.json"
    data = progress_bytes()
    progress.write_bytes(data)
    # A monkeypatch of its own: undoing the test's would undo the isolated folders too.
    with pytest.MonkeyPatch.context() as full_disk:
        fill_the_disk(full_disk, step)
        result = run(progress, "done", "linear-algebra")
    assert result.exit_code == 2
    assert re.search(
        rf"could not save progress to {re.escape(str(progress))} \(no space left on device\); "
        "the file on disk was not changed",
        result.stderr,
    )
    assert progress.read_bytes() == data
    assert temp_files(tmp_path) == []
    # Once there is room again, the same command works.
    assert run(progress, "done", "linear-algebra").exit_code == 0
    assert set(done_on_disk(progress)) == {*RECORDED, "linear-algebra"}


async def test_app_on_a_full_disk_says_not_saved_and_keeps_running(
    genai: Curriculum, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    progress = tmp_path / "progress.json"
    data = progress_bytes()
    progress.write_bytes(data)
    app = make_app(genai, progress, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        fill_the_disk(monkeypatch, "write")
        await tick_first_topic(pilot)
        monkeypatch.undo()
        not_saved = [m for t, m, s in notices(app) if t == "Not saved" and s == "error"]
        assert not_saved and "no space left on device" in not_saved[0]
        assert not app.tracker.is_done("linear-algebra")
        assert progress.read_bytes() == data
        await tick_first_topic(pilot)
        still_running(app)
    assert set(done_on_disk(progress)) == {*RECORDED, "linear-algebra"}
    assert temp_files(tmp_path) == []


@pytest.mark.parametrize("thing", ["pipe", "unreadable file"])
async def test_app_with_a_file_it_cannot_read_keeps_running(
    genai: Curriculum, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, thing: str
) -> None:
    progress = tmp_path / "progress.json"
    if thing == "pipe":
        if not hasattr(os, "mkfifo"):
            pytest.skip("needs named pipes")
        os.mkfifo(progress)
        expected = "is not a regular file"
    else:
        progress.write_bytes(progress_bytes())
        refuse_to_read(progress, monkeypatch)
        expected = "(permission denied)"
    app = make_app(genai, progress, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        problems = [m for t, m, _ in notices(app) if t == "Progress not loaded"]
        assert problems and expected in problems[0] and str(progress) in problems[0]
        await tick_first_topic(pilot)
        assert any(expected in m for t, m, _ in notices(app) if t == "Not saved")
        still_running(app)
    monkeypatch.undo()
    if thing == "pipe":
        assert stat.S_ISFIFO(progress.stat().st_mode)
    else:
        assert progress.read_bytes() == progress_bytes()


def test_a_progress_file_over_the_cap_is_refused_unread(tmp_path: Path) -> None:
    progress = tmp_path / "progress.json"
    with progress.open("wb") as handle:
        handle.truncate(progress_module.MAX_PROGRESS_BYTES + 1)  # sparse: quick, no space
    for command in (["status"], ["done", "linear-algebra"]):
        result = run(progress, *command)
        assert result.exit_code == 2
        assert result.stderr == (
            f"metrotui: {progress} is 67.1 MB, too big for a progress file (at most 64 MB); "
            "it was left untouched. Choose another --progress file\n"
        )
    assert progress.stat().st_size == progress_module.MAX_PROGRESS_BYTES + 1
    assert sorted(tmp_path.iterdir()) == [progress]
