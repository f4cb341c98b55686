"""The sync layout: a machine file is a progress document and two keys, read by one function."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metrotui.storage.progress import Note, Progress
from metrotui.storage.sync.layout import (
    BadMachineFile,
    ForeignPlace,
    machine_file_bytes,
    machine_file_path,
    machine_files,
    place_state,
    read_machine_file,
    write_marker,
)

CID = "genai-metromap"


def _progress() -> Progress:
    return Progress(
        CID,
        done={"a/b": "2026-01-01T00:00:00.000Z"},
        known={"c/d": "2026-01-02T00:00:00.000Z"},
        notes={"a": Note("hello", "2026-01-03T00:00:00.000Z")},
        extra={"someone_elses": 1},
    )


def test_a_machine_file_reads_back_without_its_sync_keys(tmp_path: Path) -> None:
    path = machine_file_path(tmp_path, CID, "laptop-1a2b3c")
    path.parent.mkdir(parents=True)
    path.write_bytes(machine_file_bytes(_progress(), "laptop-1a2b3c", "ada"))
    raw = json.loads(path.read_text())
    assert list(raw)[:3] == ["schema_version", "curriculum", "done"]
    assert (raw["machine"], raw["learner"]) == ("laptop-1a2b3c", "ada")
    read = read_machine_file(path, CID)
    assert (read.machine, read.learner) == ("laptop-1a2b3c", "ada")
    assert read.progress == _progress()  # no machine, learner or exported in its extra


def test_a_file_for_another_curriculum_or_not_progress_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(machine_file_bytes(_progress(), "m", "l"))
    with pytest.raises(BadMachineFile, match="other"):
        read_machine_file(path, "other")
    path.write_text('{"hello": 1}')
    with pytest.raises(BadMachineFile):
        read_machine_file(path, CID)


def test_conflict_copies_are_machine_files_too(tmp_path: Path) -> None:
    folder = machine_file_path(tmp_path, CID, "m1").parent
    folder.mkdir(parents=True)
    for name in ("m1.json", "m1.sync-conflict-20260101-101010-ABCDEFG.json", ".m1.json.x.tmp"):
        (folder / name).write_bytes(machine_file_bytes(_progress(), "m1", "l"))
    names = [path.name for path in machine_files(tmp_path, CID)]
    assert names == ["m1.json", "m1.sync-conflict-20260101-101010-ABCDEFG.json"]
    assert read_machine_file(folder / names[1], CID).machine == "m1"


def test_an_empty_place_is_adopted_a_marked_one_is_ours_another_refused(tmp_path: Path) -> None:
    assert place_state(tmp_path / "missing") == "empty"
    (tmp_path / ".git").mkdir()
    assert place_state(tmp_path) == "empty"
    write_marker(tmp_path)
    assert json.loads((tmp_path / "metrotui-sync.json").read_text()) == {"metrotui_sync": 1}
    assert place_state(tmp_path) == "ours"
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "README.md").write_text("mine")
    with pytest.raises(ForeignPlace, match=r"README\.md"):
        place_state(foreign)


def test_what_sync_tools_leave_in_a_folder_does_not_make_it_foreign(tmp_path: Path) -> None:
    for name in (".stfolder", ".DS_Store"):
        (tmp_path / name).mkdir()
    assert place_state(tmp_path) == "empty"
