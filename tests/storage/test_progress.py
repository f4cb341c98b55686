"""The progress store: durable, shared safely between processes, and never loses a mark."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import metrotui.storage.progress as progress_module
from metrotui.storage.progress import Progress, ProgressError, ProgressStore
from tests.helpers import refuse_temporary_files

CURRICULUM = "genai-metromap"
TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"


def store_at(path: Path) -> ProgressStore:
    return ProgressStore(path, CURRICULUM)


def write_json(path: Path, data: Any) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(data, indent=2).encode()
    path.write_bytes(raw)
    return raw


def valid_file(path: Path, done: dict[str, str] | None = None) -> bytes:
    return write_json(
        path,
        {
            "schema_version": 1,
            "curriculum": CURRICULUM,
            "done": done or {"calculus": "2024-01-02T03:04:05.000Z"},
        },
    )


def leftovers(folder: Path) -> list[str]:
    """Temporary files a write may have left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def subprocess_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("METROTUI_")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    return env


# Round trip and timestamps -------------------------------------------------------------


def test_missing_file_is_empty_progress_and_reading_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "progress.json"
    assert store_at(path).load() == Progress(curriculum=CURRICULUM)
    assert not path.parent.exists()


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "progress.json"
    written = store_at(path).mark(["linear-algebra", "calculus"])
    loaded = store_at(path).load()
    assert loaded == written
    assert set(loaded.done) == {"linear-algebra", "calculus"}
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["schema_version"] == 1
    assert on_disk["curriculum"] == CURRICULUM
    assert set(on_disk["done"]) == {"linear-algebra", "calculus"}


def test_timestamps_are_utc_iso_ending_in_z(tmp_path: Path) -> None:
    before = datetime.now(UTC)
    stamp = store_at(tmp_path / "p.json").mark(["calculus"]).done["calculus"]
    after = datetime.now(UTC)
    assert re.fullmatch(TIMESTAMP, stamp), stamp
    when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    assert when.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=1) <= when <= after + timedelta(seconds=1)


def test_marking_twice_keeps_the_first_time(tmp_path: Path) -> None:
    store = store_at(tmp_path / "p.json")
    store.mark(["calculus"], when="2024-01-01T00:00:00.000Z")
    store.mark(["calculus", "linear-algebra"], when="2025-06-01T00:00:00.000Z")
    done = store_at(tmp_path / "p.json").load().done
    assert done == {
        "calculus": "2024-01-01T00:00:00.000Z",
        "linear-algebra": "2025-06-01T00:00:00.000Z",
    }


def test_unmark(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    store = store_at(path)
    store.mark(["calculus", "linear-algebra"])
    assert set(store.unmark(["calculus", "never-marked"]).done) == {"linear-algebra"}
    assert set(store_at(path).load().done) == {"linear-algebra"}


def test_a_change_that_changes_nothing_does_not_rewrite(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    raw = valid_file(path)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    store = store_at(path)
    signature = store.signature()
    store.mark(["calculus"])
    store.unmark(["linear-algebra"])
    assert store.signature() == signature
    assert path.read_bytes() == raw


def test_signature_changes_when_the_file_is_replaced(tmp_path: Path) -> None:
    store = store_at(tmp_path / "p.json")
    assert store.signature() is None
    store.mark(["calculus"])
    first = store.signature()
    store.mark(["linear-algebra"])
    assert first is not None and store.signature() != first


# Nothing is dropped ----------------------------------------------------------------------


def test_entries_for_unknown_topics_survive_a_rewrite(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    valid_file(path, {"topic-from-an-older-map": "2023-05-05T05:05:05.000Z"})
    store_at(path).mark(["calculus"])
    done = json.loads(path.read_text())["done"]
    assert done["topic-from-an-older-map"] == "2023-05-05T05:05:05.000Z"
    assert "calculus" in done


def test_unknown_top_level_keys_survive_a_rewrite(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    write_json(
        path,
        {
            "schema_version": 1,
            "curriculum": CURRICULUM,
            "done": {},
            "reminders": {"calculus": "revisit chapter 3"},
            "streak": 4,
        },
    )
    store_at(path).mark(["calculus"])
    store_at(path).unmark(["calculus"])
    on_disk = json.loads(path.read_text())
    assert on_disk["reminders"] == {"calculus": "revisit chapter 3"}
    assert on_disk["streak"] == 4
    assert on_disk["done"] == {}


# Crashes and write failures ------------------------------------------------------------------


def _raise(error: OSError) -> Any:
    def fail(*args: object, **kwargs: object) -> None:
        raise error

    return fail


@pytest.mark.parametrize("patched", ["replace", "fsync"])
def test_a_failure_mid_write_leaves_the_old_file_and_no_temp_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, patched: str
) -> None:
    path = tmp_path / "p.json"
    raw = valid_file(path)
    monkeypatch.setattr(os, patched, _raise(OSError(errno.EIO, "Input/output error")))
    with pytest.raises(ProgressError) as caught:
        store_at(path).mark(["linear-algebra"])
    assert str(path) in str(caught.value)
    assert "not changed" in str(caught.value)
    monkeypatch.undo()
    assert path.read_bytes() == raw
    assert leftovers(tmp_path) == []


def test_a_full_disk_gives_progress_error_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.json"
    raw = valid_file(path)
    monkeypatch.setattr(os, "fsync", _raise(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))))
    with pytest.raises(ProgressError) as caught:
        store_at(path).mark(["linear-algebra"])
    assert "no space left on device" in str(caught.value)
    monkeypatch.undo()
    assert path.read_bytes() == raw
    assert leftovers(tmp_path) == []


def test_a_folder_that_refuses_new_files_gives_progress_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chmod does not stop root, so simulate the read-only folder instead.
    path = tmp_path / "p.json"
    raw = valid_file(path)
    refuse_temporary_files(monkeypatch, _raise(PermissionError(errno.EACCES, "Permission denied")))
    with pytest.raises(ProgressError) as caught:
        store_at(path).mark(["linear-algebra"])
    assert "permission denied" in str(caught.value)
    assert path.read_bytes() == raw


def test_the_new_file_is_synced_before_it_replaces_the_old(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(
        os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b))[1]
    )
    store_at(tmp_path / "p.json").mark(["calculus"])
    assert calls[:2] == ["fsync", "replace"]


CRASH_SCRIPT = textwrap.dedent(
    """
    import os, sys
    from metrotui.storage.progress import ProgressStore
    store = ProgressStore(sys.argv[1], "genai-metromap")
    os.replace = lambda *args: os._exit(9)  # the process dies just before the rename
    store.mark(["linear-algebra"])
    """
)


def test_a_process_killed_mid_write_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    raw = valid_file(path)
    result = subprocess.run(
        [sys.executable, "-c", CRASH_SCRIPT, str(path)],
        env=subprocess_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        timeout=30,
    )
    assert result.returncode == 9, result.stderr
    assert path.read_bytes() == raw
    # The next write works and clears what the dead process left behind.
    assert set(store_at(path).mark(["linear-algebra"]).done) == {"calculus", "linear-algebra"}
    assert leftovers(tmp_path) == []


# Two processes at once ---------------------------------------------------------------------

CONCURRENT_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from metrotui.storage.progress import ProgressStore
    path, prefix, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    store = ProgressStore(path, "genai-metromap")
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.001)
    for n in range(50):
        store.mark([f"{prefix}-{n}"])
    """
)


def test_two_processes_marking_50_topics_each_keep_all_100(tmp_path: Path) -> None:
    path = tmp_path / "shared" / "p.json"
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", CONCURRENT_SCRIPT, str(path), prefix, str(go)],
            env=subprocess_env(tmp_path),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in ("left", "right")
    ]
    try:
        for worker in workers:  # both are loaded and waiting: start them together
            assert worker.stdout is not None
            assert worker.stdout.readline().strip() == "ready"
        go.touch()
        for worker in workers:
            _, stderr = worker.communicate(timeout=60)
            assert worker.returncode == 0, stderr
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    done = store_at(path).load().done
    assert len(done) == 100
    assert set(done) == {f"{side}-{n}" for side in ("left", "right") for n in range(50)}
    assert leftovers(path.parent) == []


def test_a_change_is_applied_to_what_is_on_disk_not_a_stale_copy(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    first, second = store_at(path), store_at(path)
    first.load()
    second.load()
    first.mark(["calculus"])
    second.mark(["linear-algebra"])  # second never saw calculus, yet keeps it
    first.unmark(["nothing-here"])
    assert set(store_at(path).load().done) == {"calculus", "linear-algebra"}


def test_a_lock_held_too_long_gives_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from filelock import FileLock

    path = tmp_path / "p.json"
    raw = valid_file(path)
    monkeypatch.setattr(progress_module, "LOCK_TIMEOUT_SECONDS", 0.05)
    holder = FileLock(str(tmp_path / ".p.json.lock"))
    with holder, pytest.raises(ProgressError) as caught:
        store_at(path).mark(["linear-algebra"])
    assert "locked by another metrotui" in str(caught.value)
    assert path.read_bytes() == raw


# Damaged files -----------------------------------------------------------------------------

# Recognisably progress files, or what is left of one: set aside.
DAMAGED = {
    "truncated": b'{"schema_version": 1, "curriculum": "genai-metromap", "done": {"calc',
    "cut-after-one-byte": b"{",
    "cut-inside-the-version": b'{\n  "schema_vers',
    "empty": b"",
    "whitespace": b"  \n",
    "zero-bytes": b"\x00" * 4096,
    "not-utf8": b'{"schema_version": 1, "curriculum": "caf\xe9"}',
    "merge-conflict": (
        b'{\n  "schema_version": 1,\n<<<<<<< HEAD\n  "curriculum": "genai-metromap"\n'
    ),
    "other-keys-first-then-cut": b'{"theme": "dark", "curriculum": "genai-metromap", "do',
    "done-twice": (
        b'{"schema_version": 1, "curriculum": "genai-metromap",'
        b' "done": {"calculus": "t"}, "done": {}}'
    ),
    "key-twice-in-a-note": (
        b'{"schema_version": 1, "curriculum": "genai-metromap", "done": {},'
        b' "notes": {"math-basics": {"text": "a", "text": "b", "updated": "t"}}}'
    ),
    "no-version": b'{"curriculum": "genai-metromap", "done": {}}',
    "done-is-a-list": b'{"schema_version": 1, "curriculum": "genai-metromap", "done": ["a"]}',
    "done-values-not-text": (
        b'{"schema_version": 1, "curriculum": "genai-metromap", "done": {"a": 1}}'
    ),
    "no-curriculum": b'{"schema_version": 1, "done": {"calculus": "2024-01-01T00:00:00Z"}}',
    "huge-number": b'{"schema_version": ' + b"9" * 5000 + b', "curriculum": "genai-metromap"}',
}

# Anything else is someone else's file: refused and left exactly as it is.
NOT_OURS = {
    "text": b"this is not json\n",
    "markdown": b"# My notes\n\n- [x] calculus\n",
    "top-level-list": b"[1, 2, 3]",
    "deeply-nested": b"[" * 100_000,
    "another-json-file": b'{"name": "my-app", "version": "1.0.0"}',
    "a-curriculum": b'{"schema_version": 1, "id": "genai-metromap", "title": "T", "lines": []}',
    "a-broken-curriculum": b'{"schema_version": 1, "id": "genai-metromap", "title": ',
    "a-todo-list": b'{"done": ["calculus"], "notes": "x"}',
    "json-with-a-key-twice": b'{"name": "a", "name": "b"}',
    "binary": bytes(range(256)) * 4,
    "huge-number-alone": b'{"schema_version": ' + b"9" * 5000 + b"}",
}


@pytest.mark.parametrize("damage", sorted(DAMAGED))
def test_a_damaged_file_is_set_aside_with_its_bytes_intact(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "progress" / "genai-metromap.json"
    path.parent.mkdir()
    path.write_bytes(DAMAGED[damage])
    store = store_at(path)

    assert store.load() == Progress(curriculum=CURRICULUM)
    aside = [p for p in path.parent.iterdir() if p.name.startswith("genai-metromap.json.damaged-")]
    assert len(aside) == 1
    assert aside[0].read_bytes() == DAMAGED[damage]
    assert not path.exists()
    (notice,) = store.notices
    assert str(path) in notice
    assert str(aside[0]) in notice  # the user is told where the old file went

    store.mark(["calculus"])
    assert set(store_at(path).load().done) == {"calculus"}
    assert aside[0].read_bytes() == DAMAGED[damage]


@pytest.mark.parametrize("content", sorted(NOT_OURS))
def test_a_file_that_is_not_progress_is_refused_and_left_untouched(
    tmp_path: Path, content: str
) -> None:
    path = tmp_path / "notes.md"
    path.write_bytes(NOT_OURS[content])
    store = store_at(path)
    for attempt in (store.load, store.peek, lambda: store.mark(["calculus"])):
        with pytest.raises(ProgressError) as caught:
            attempt()
        assert str(caught.value).startswith(f"{path} is not a metrotui progress file (")
    assert path.read_bytes() == NOT_OURS[content]
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == ["notes.md"]


@pytest.mark.parametrize("damage", sorted(DAMAGED))
def test_reading_only_leaves_a_damaged_file_in_place(tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "progress"
    folder.mkdir()
    path = folder / "genai-metromap.json"
    path.write_bytes(DAMAGED[damage])
    store = store_at(path)
    assert store.peek() == Progress(curriculum=CURRICULUM)
    (notice,) = store.notices
    assert f"{path} is damaged" in notice
    assert [p.name for p in folder.iterdir()] == ["genai-metromap.json"]  # no lock either
    assert path.read_bytes() == DAMAGED[damage]


def test_a_damaged_file_found_while_marking_is_set_aside_and_the_mark_kept(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(b'{"schema_version": 1, "curr')
    store = store_at(path)
    assert set(store.mark(["calculus"]).done) == {"calculus"}
    assert len(store.notices) == 1
    assert set(store_at(path).load().done) == {"calculus"}


def test_two_damaged_files_in_a_row_are_both_kept(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    first, second = b'{"schema_version": 1, "cu', b'{"schema_version": 1, "curriculum": "g'
    path.write_bytes(first)
    store_at(path).load()
    path.write_bytes(second)
    store_at(path).load()
    kept = sorted(p.read_bytes() for p in tmp_path.iterdir() if ".damaged-" in p.name)
    assert kept == [first, second]


# Files that must not be touched ---------------------------------------------------------------


def test_a_newer_schema_version_is_refused_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    raw = write_json(
        path, {"schema_version": 2, "curriculum": CURRICULUM, "done": {}, "future": [1, 2]}
    )
    store = store_at(path)
    with pytest.raises(ProgressError) as caught:
        store.load()
    assert "newer metrotui" in str(caught.value)
    assert str(path) in str(caught.value)
    with pytest.raises(ProgressError):
        store.mark(["calculus"])
    with pytest.raises(ProgressError):
        store.unmark(["calculus"])
    assert path.read_bytes() == raw
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == ["p.json"]


def test_a_file_for_another_curriculum_is_refused_and_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    raw = write_json(path, {"schema_version": 1, "curriculum": "other-map", "done": {"x": "t"}})
    with pytest.raises(ProgressError) as caught:
        store_at(path).load()
    assert "'other-map'" in str(caught.value)
    with pytest.raises(ProgressError):
        store_at(path).mark(["calculus"])
    assert path.read_bytes() == raw


def test_a_folder_in_place_of_the_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.mkdir()
    with pytest.raises(ProgressError) as caught:
        store_at(path).load()
    assert "is a folder" in str(caught.value)
    with pytest.raises(ProgressError):
        store_at(path).mark(["calculus"])
    assert path.is_dir()


def test_a_symlinked_progress_file_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "progress.json"
    valid_file(real)
    link = tmp_path / "config" / "genai-metromap.json"
    link.parent.mkdir()
    link.symlink_to(real)
    store_at(link).mark(["linear-algebra"])
    assert link.is_symlink()
    assert link.resolve() == real.resolve()
    assert set(json.loads(real.read_text())["done"]) == {"calculus", "linear-algebra"}
    assert set(store_at(link).load().done) == {"calculus", "linear-algebra"}


def test_the_folder_is_created_when_first_marking(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "c" / "p.json"
    store_at(path).mark(["calculus"])
    assert path.is_file()


def test_a_folder_that_cannot_be_created_gives_progress_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(ProgressError) as caught:
        store_at(blocker / "p.json").mark(["calculus"])
    assert "cannot create the folder" in str(caught.value)


def test_waiting_briefly_for_a_lock_then_succeeding(tmp_path: Path) -> None:
    # A second writer holding the lock for a moment only delays the mark.
    path = tmp_path / "p.json"
    script = textwrap.dedent(
        """
        import sys
        from filelock import FileLock
        with FileLock(sys.argv[1]):
            print("held", flush=True)
            sys.stdin.readline()  # until the test says the mark is waiting
        """
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / ".p.json.lock")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdin is not None and holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with ThreadPoolExecutor(1) as pool:
            marking = pool.submit(store_at(path).mark, ["calculus"])
            # Still waiting a while later: it neither failed nor wrote past the lock.
            with pytest.raises(TimeoutError):
                marking.result(timeout=0.2)
            assert not path.exists()
            holder.stdin.close()  # the other writer finishes and lets go
            marking.result(timeout=10)
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait(timeout=10)
    assert set(store_at(path).load().done) == {"calculus"}
