"""Waiting for another metrotui's lock: said at once, naming the holder when the lock says who."""

from __future__ import annotations

import queue
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

import metrotui.storage.progress as progress_module
from metrotui.storage.progress import ProgressError, ProgressStore

CURRICULUM = "genai-metromap"

# Holds the lock as a metrotui does (through a store), or as an older one did
# (a bare FileLock, which says nothing of who holds it), until told to let go.
HOLDER = textwrap.dedent(
    """
    import sys
    from filelock import FileLock
    from metrotui.storage.progress import ProgressStore
    path, how = sys.argv[1], sys.argv[2]
    store = ProgressStore(path, "genai-metromap")
    lock = store._lock() if how == "metrotui" else FileLock(sys.argv[3])
    with lock:
        print("held", flush=True)
        sys.stdin.readline()
    """
)


class Holder:
    def __init__(self, path: Path, how: str) -> None:
        lock = path.parent / f".{path.name}.lock"
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path), how, str(lock)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "held"

    def let_go(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=15)

    def __enter__(self) -> Holder:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=15)


@pytest.mark.parametrize("how", ["metrotui", "older"])
def test_a_wait_is_told_once_then_the_final_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    monkeypatch.setattr(progress_module, "LOCK_NOTICE_SECONDS", 0.05)
    monkeypatch.setattr(progress_module, "LOCK_TIMEOUT_SECONDS", 1.0)
    path = tmp_path / "p.json"
    told: list[str] = []
    store = ProgressStore(path, CURRICULUM)
    store.on_wait = told.append
    with Holder(path, how) as holder:
        with pytest.raises(ProgressError) as caught:
            store.mark(["calculus"])
        named = f" (process {holder.process.pid})" if how == "metrotui" else ""
        assert told == [
            f"another metrotui{named} is saving to {path}; waiting for it to finish (up to 1 s)"
        ]
        assert str(caught.value) == (
            f"{path} is locked by another metrotui{named} for over 1 s; nothing was changed. "
            "Try again once it has finished"
        )
    assert not path.exists()


def test_a_lock_let_go_in_a_moment_is_not_told(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    told: list[str] = []
    store = ProgressStore(path, CURRICULUM)
    store.on_wait = told.append
    store.mark(["calculus"])
    store.mark(["linear-algebra"])
    assert told == []
    # And the lock file names nobody once let go.
    assert (tmp_path / ".p.json.lock").read_text() == ""


def lines_of(stream: object) -> queue.Queue[str]:
    """The lines a stream gives, as they come (read in a thread: no read blocks the test)."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    return lines


def test_done_says_at_once_that_it_waits_for_another_metrotui(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    with Holder(path, "metrotui") as holder:
        done = subprocess.Popen(
            [sys.executable, "-m", "metrotui", "--progress", str(path), "done", "calculus"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        told = lines_of(done.stderr).get(timeout=30)  # while the lock is still held
        assert holder.process.poll() is None
        assert told == (
            f"metrotui: note: another metrotui (process {holder.process.pid}) is saving to "
            f"{path}; waiting for it to finish (up to 10 s)\n"
        )
        holder.let_go()
        out, _ = done.communicate(timeout=30)
    assert done.returncode == 0
    assert "Marked 1 topic done" in out


@pytest.mark.parametrize("content", ["", "not a number", "99999999999999999999", "4194304\n"])
def test_a_lock_file_that_names_no_running_process_names_nobody(
    tmp_path: Path, content: str
) -> None:
    lock = tmp_path / ".p.json.lock"
    lock.write_text(content, encoding="ascii")
    assert progress_module._holder(lock) == ""
    lock.chmod(0)
    assert progress_module._holder(lock) == ""  # unreadable (or read as root: named nobody)
