"""Reading a study group's folder: both layouts, bad files skipped, nothing written."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from metrotui.core.curriculum import Curriculum
from metrotui.storage.cohort import CohortSourceError, read_group
from metrotui.storage.progress import MAX_PROGRESS_BYTES

GENAI = "genai-metromap"


def doc(done: dict[str, str], **extra: object) -> str:
    return json.dumps({"schema_version": 1, "curriculum": GENAI, "done": done, **extra})


def by_name(folder: Path) -> dict[str, set[str]]:
    group = read_group(folder, GENAI)
    return {learner.name: set(learner.done) for learner in group.learners}


def test_a_folder_of_exports_names_learners_by_field_or_by_file(tmp_path: Path) -> None:
    (tmp_path / "ann.json").write_text(doc({"t1": "2026-11-01T00:00:00Z"}))
    (tmp_path / "b.json").write_text(doc({"t2": "2026-11-01T00:00:00Z"}, learner="Bea"))
    # Two exports of one learner (say, one per term) are one learner.
    (tmp_path / "b-2.json").write_text(doc({"t3": "2026-11-02T00:00:00Z"}, learner="Bea"))
    (tmp_path / "notes.txt").write_text("not an export, not even looked at")
    assert by_name(tmp_path) == {"ann": {"t1"}, "Bea": {"t2", "t3"}}


def test_a_real_export_file_reads_as_its_learner(tmp_path: Path, genai: Curriculum) -> None:
    from metrotui.storage.export import export_json
    from metrotui.storage.progress import Progress

    text = export_json(Progress(GENAI, done={"tokenization": "2026-11-03T10:00:00.000Z"}))
    (tmp_path / "carla.json").write_text(text)
    assert by_name(tmp_path) == {"carla": {"tokenization"}}


def sync_folder(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "metrotui-sync.json").write_text('{"format": 1}')
    machines = root / "progress" / GENAI
    machines.mkdir(parents=True)
    return machines


def test_two_machines_of_one_learner_are_merged(tmp_path: Path) -> None:
    machines = sync_folder(tmp_path)
    (machines / "laptop-1a2b.json").write_text(
        doc({"t1": "2026-11-01T00:00:00Z"}, machine="laptop-1a2b", learner="dana")
    )
    (machines / "desk-9f8e.json").write_text(
        doc({"t2": "2026-11-05T00:00:00Z"}, machine="desk-9f8e", learner="dana")
    )
    # A conflict copy belongs to its machine, and so to its learner, even without the field.
    (machines / "desk-9f8e.sync-conflict-20261105-101010-ABCDEFG.json").write_text(
        doc({"t3": "2026-11-06T00:00:00Z"})
    )
    # A machine file that names no learner is its machine.
    (machines / "lab-0001.json").write_text(doc({"t4": "2026-11-01T00:00:00Z"}))
    other = tmp_path / "progress" / "another-curriculum"
    other.mkdir()
    (other / "laptop-1a2b.json").write_text(doc({"x": "2026-11-01T00:00:00Z"}))
    group = read_group(tmp_path, GENAI)
    assert group.layout == "sync" and group.skipped == []
    assert {learner.name: set(learner.done) for learner in group.learners} == {
        "dana": {"t1", "t2", "t3"},
        "lab-0001": {"t4"},
    }


def test_notes_count_as_activity(tmp_path: Path) -> None:
    notes = {"rag": {"text": "hi", "updated": "2026-11-20T00:00:00Z"}}
    (tmp_path / "eve.json").write_text(doc({"t1": "2026-11-01T00:00:00Z"}, notes=notes))
    (learner,) = read_group(tmp_path, GENAI).learners
    assert learner.note_times == ("2026-11-20T00:00:00Z",)


def test_bad_files_are_skipped_with_one_line_each(tmp_path: Path) -> None:
    (tmp_path / "good.json").write_text(doc({"t1": "2026-11-01T00:00:00Z"}))
    (tmp_path / "cut.json").write_text(doc({"t1": "2026-11-01T00:00:00Z"})[:30])
    (tmp_path / "foreign.json").write_text('{"name": "a package.json, say"}')
    (tmp_path / "other.json").write_text(doc({}).replace(GENAI, "another-map"))
    (tmp_path / "newer.json").write_text(
        doc({}).replace('"schema_version": 1', '"schema_version": 9')
    )
    with open(tmp_path / "huge.json", "wb") as huge:
        huge.truncate(MAX_PROGRESS_BYTES + 1)  # sparse: costs no disk
    os.mkfifo(tmp_path / "pipe.json")
    (tmp_path / "link.json").symlink_to(tmp_path / "good.json")
    (tmp_path / "folder.json").mkdir()
    group = read_group(tmp_path, GENAI)
    assert [learner.name for learner in group.learners] == ["good"]
    skipped = sorted(group.skipped)
    assert len(skipped) == 8, skipped
    names = ["cut", "folder", "foreign", "huge", "link", "newer", "other", "pipe"]
    for line, name in zip(skipped, names, strict=True):
        assert line.startswith(str(tmp_path / f"{name}.json")) and line.endswith("skipped")
        assert "\n" not in line
    assert "another-map" in skipped[6] and "MB" in skipped[3] and "named pipe" in skipped[7]


def test_a_source_that_is_no_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file.json").write_text(doc({}))
    with pytest.raises(CohortSourceError, match="is a file, not a folder"):
        read_group(tmp_path / "file.json", GENAI)
    with pytest.raises(CohortSourceError, match="does not exist"):
        read_group(tmp_path / "missing", GENAI)


def tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for folder, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for name in sorted(dirs + files):
            path = Path(folder) / name
            info = path.lstat()
            digest.update(f"{path.relative_to(root)}|{info.st_mode}|{info.st_mtime_ns}".encode())
            if path.is_file() and not path.is_symlink():
                digest.update(path.read_bytes())
    return digest.hexdigest()


# Run in a fresh interpreter: an audit hook cannot be taken off again.
GUARD = """
import os, sys
root = ROOT
WRITES = os.O_WRONLY | os.O_RDWR | os.O_CREAT
CHANGES = ("os.rename", "os.remove", "os.mkdir", "os.chmod", "os.utime", "os.rmdir")

def hook(event, args):
    inside = bool(args) and str(args[0]).startswith(root)
    if event == "open" and inside:
        mode, flags = args[1], args[2]
        if (mode and any(c in mode for c in "wax+")) or flags & WRITES:
            raise SystemExit(f"WROTE {args}")
    if event in CHANGES and inside:
        raise SystemExit(f"CHANGED {event} {args}")

sys.addaudithook(hook)
from metrotui.cli.commands import cli
for args in (["cohort", root], ["cohort", root, "--json"]):
    try:
        cli.main(args, prog_name="metrotui")
    except SystemExit as end:
        assert end.code in (0, None), end.code
"""


def test_source_is_never_written(tmp_path: Path, genai: Curriculum) -> None:
    """Run as a real process that fails on any write under SOURCE, on a read-only copy."""
    source = tmp_path / "group"
    machines = sync_folder(source)
    (machines / "a.json").write_text(doc({"tokenization": "2026-11-01T00:00:00Z"}, learner="a"))
    (machines / "b.json").write_text("{damaged")
    (machines / "c.json").write_text(doc({"rag": "2026-11-01T00:00:00Z"}))
    for path in [*machines.iterdir(), machines, machines.parent, source]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    before = tree_hash(source)
    guard = GUARD.replace("ROOT", repr(str(source)))
    out = subprocess.run([sys.executable, "-c", guard], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "WROTE" not in out.stderr + out.stdout and "CHANGED" not in out.stderr + out.stdout
    assert out.stderr.count("b.json") == 2  # the damaged file, told once per run
    assert tree_hash(source) == before
