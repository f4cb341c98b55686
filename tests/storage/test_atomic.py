"""The one atomic writer, and the files that go through it: progress, view state, cache, exports."""

from __future__ import annotations

import errno
import json
import os
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from metrotui.cli.commands import cli
from metrotui.storage import cache as curriculum_cache
from metrotui.storage.atomic import temporaries, write_atomic
from metrotui.storage.progress import ProgressStore
from metrotui.storage.ui_state import UiState
from tests.helpers import chain


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


@pytest.fixture
def umask_027() -> Iterator[None]:
    # Set by the test, not by the code under test; restored after.
    umask = os.umask  # the test may forbid it to the code under test meanwhile
    before = umask(0o027)
    try:
        yield
    finally:
        umask(before)


@pytest.fixture
def umask_untouchable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Changing the umask, even to read it, races with every thread creating files."""

    def refuse(mask: int) -> int:
        raise AssertionError("the process-wide umask was changed")

    monkeypatch.setattr(os, "umask", refuse)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_new_bytes_replace_the_old_whole(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_bytes(b"old")
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert leftovers(tmp_path) == []


def test_an_existing_files_mode_is_kept(tmp_path: Path, umask_untouchable: None) -> None:
    path = tmp_path / "f.json"
    path.write_bytes(b"old")
    path.chmod(0o604)
    write_atomic(path, b"new")
    assert mode(path) == 0o604


def test_a_new_file_gets_the_umask_without_the_umask_being_changed(
    tmp_path: Path, umask_027: None, umask_untouchable: None
) -> None:
    write_atomic(tmp_path / "new.json", b"{}")
    assert mode(tmp_path / "new.json") == 0o640


def test_a_new_progress_file_gets_the_umask_without_the_umask_being_changed(
    tmp_path: Path, umask_027: None, umask_untouchable: None
) -> None:
    path = tmp_path / "progress.json"
    ProgressStore(path, "c").mark(["t"])
    assert mode(path) == 0o640


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_bytes(b"old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomic(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


def _fail(*args: Any) -> Any:
    raise OSError(errno.EIO, os.strerror(errno.EIO))


@pytest.mark.parametrize("step", ["write", "fsync", "replace"])
def test_a_failure_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    path = tmp_path / "f.json"
    path.write_bytes(b"old")
    if step == "write":
        real_fdopen = os.fdopen

        class Refusing:
            def __init__(self, fd: int, *args: Any, **kwargs: Any) -> None:
                self._file = real_fdopen(fd, *args, **kwargs)

            def __enter__(self) -> Refusing:
                return self

            def __exit__(self, *exc: object) -> None:
                self._file.close()

            def fileno(self) -> int:
                return self._file.fileno()

            write = flush = staticmethod(_fail)

        monkeypatch.setattr(os, "fdopen", Refusing)
    else:
        monkeypatch.setattr(os, step, _fail)
    with pytest.raises(OSError):
        write_atomic(path, b"new")
    monkeypatch.undo()
    assert path.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_writers_at_once_each_write_whole(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    payloads = [bytes([65 + index]) * 50_000 for index in range(8)]
    threads = [threading.Thread(target=write_atomic, args=(path, data)) for data in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert path.read_bytes() in payloads
    assert list(temporaries(path)) == []


# Every writer is durable: the file synced before its rename, the folder after --------------


class Syncs:
    """The order of fsyncs and renames, as a write does them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.events: list[str] = []
        real_fsync, real_replace = os.fsync, os.replace

        def fsync(fd: int) -> None:
            kind = "folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
            self.events.append(f"fsync {kind}")
            real_fsync(fd)

        def replace(source: Any, target: Any) -> None:
            self.events.append(f"replace {Path(target).name}")
            real_replace(source, target)

        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "replace", replace)

    def durable_write_of(self, name: str) -> bool:
        wanted = ["fsync file", f"replace {name}", "fsync folder"]
        return any(self.events[i : i + 3] == wanted for i in range(len(self.events)))


def test_the_view_state_is_saved_durably(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ui-state" / "c.json"
    state = UiState.load(path)
    state.selected = "rag"
    syncs = Syncs(monkeypatch)
    state.save()
    assert syncs.durable_write_of("c.json")
    assert json.loads(path.read_text())["selected"] == "rag"


def test_a_cache_entry_is_written_durably(monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.dumps(chain(["trunk"], per_line=2)).encode()
    from metrotui.storage.check import check

    rows = check(data, "c.json")
    syncs = Syncs(monkeypatch)
    curriculum_cache.write(data, rows)
    (entry,) = curriculum_cache.folder().glob("*.marshal")
    assert syncs.durable_write_of(entry.name)
    assert curriculum_cache.read(data) == rows


def _export(tmp_path: Path, *args: str) -> Any:
    progress = tmp_path / "progress.json"
    return CliRunner().invoke(
        cli, ["--progress", str(progress), "export", *args], prog_name="metrotui"
    )


def test_an_export_is_written_durably(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out.md"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o600)
    syncs = Syncs(monkeypatch)
    result = _export(tmp_path, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert syncs.durable_write_of("out.md")
    assert out.read_text(encoding="utf-8").startswith("# ")
    assert mode(out) == 0o600
    assert leftovers(tmp_path) == []


def test_an_export_to_a_device_is_written_straight_to_it(tmp_path: Path) -> None:
    # /dev/null (or /dev/stdout) has no folder entry of ours to replace.
    result = _export(tmp_path, "-o", os.devnull)
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"Wrote {os.devnull}."


def test_an_export_into_a_missing_folder_says_so(tmp_path: Path) -> None:
    out = tmp_path / "nowhere" / "out.md"
    result = _export(tmp_path, "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr == f"metrotui: cannot write {out} (No such file or directory)\n"


# Abandoned temporary files do not pile up --------------------------------------------------


def _abandoned(target: Path, age_s: float) -> Path:
    temporary = target.parent / f".{target.name}.deadbeef{int(age_s)}.tmp"
    temporary.write_bytes(b"half")
    past = time.time() - age_s
    os.utime(temporary, (past, past))
    return temporary


def test_the_view_state_clears_temporary_files_its_killed_writers_left(tmp_path: Path) -> None:
    path = tmp_path / "ui-state" / "c.json"
    path.parent.mkdir()
    old = _abandoned(path, 2 * 3600)
    fresh = _abandoned(path, 1)  # perhaps another metrotui writing right now
    state = UiState.load(path)
    state.path = "engineer"
    state.save()
    assert not old.exists()
    assert fresh.exists()


def test_progress_still_clears_every_temporary_file_under_its_lock(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    left = [_abandoned(path, 1), _abandoned(path, 2 * 3600)]
    ProgressStore(path, "c").mark(["t"])
    assert not any(temporary.exists() for temporary in left)
