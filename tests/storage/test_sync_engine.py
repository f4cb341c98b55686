"""The sync engine in-process, on a shared folder: former ids follow, and bad files stay."""

from __future__ import annotations

import json
from pathlib import Path

from metrotui.storage.curriculum_file import parse_curriculum
from metrotui.storage.progress import Progress
from metrotui.storage.sync.engine import sync
from metrotui.storage.sync.layout import machine_file_bytes, machine_file_path, write_marker
from metrotui.storage.sync.places import Target

FIXTURES = Path(__file__).parents[1] / "fixtures"


def test_a_mark_under_a_former_id_lands_on_the_topic_it_is_now(tmp_path: Path) -> None:
    whole = parse_curriculum((FIXTURES / "roadmap_whole.json").read_bytes(), "roadmap.json")
    folder = tmp_path / "Sync"
    write_marker(folder)
    other = machine_file_path(folder, whole.id, "old-laptop")
    other.parent.mkdir(parents=True)
    theirs = Progress(whole.id, done={"numpy": "2026-01-01T00:00:00.000Z"})
    other.write_bytes(machine_file_bytes(theirs, "old-laptop", "ada"))
    local = tmp_path / "progress.json"
    report = sync(str(folder), [Target(whole.id, local, whole)], "desk", "ada")
    done = json.loads(local.read_text())["done"]
    assert list(done) == [whole.key_for("numpy")] != ["numpy"]
    assert report.outcome.received == {whole.id: 1}
    mine = json.loads(machine_file_path(folder, whole.id, "desk").read_text())
    assert list(mine["done"]) == list(done)


def local_progress(tmp_path: Path) -> Path:
    """This machine's progress file, with calculus done."""
    local = tmp_path / "progress.json"
    done = {"calculus": "2026-01-01T00:00:00.000Z"}
    local.write_text(
        json.dumps({"schema_version": 1, "curriculum": "genai-metromap", "done": done})
    )
    return local


def test_a_file_that_is_not_a_machine_file_is_skipped_said_and_kept(tmp_path: Path) -> None:
    folder = tmp_path / "Sync"
    write_marker(folder)
    broken = machine_file_path(folder, "genai-metromap", "broken")
    broken.parent.mkdir(parents=True)
    broken.write_text('{"schema_version": 1, "curriculum": "genai-metromap", "done": [')
    local = local_progress(tmp_path)
    report = sync(str(folder), [Target("genai-metromap", local)], "desk", "ada")
    assert any(str(broken) in notice and "skipped" in notice for notice in report.outcome.notices)
    assert broken.read_text().endswith('"done": [')
    assert "calculus" in json.loads(local.read_text())["done"]


def test_a_file_in_this_machines_place_that_is_not_ours_is_not_written_over(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "Sync"
    write_marker(folder)
    own = machine_file_path(folder, "genai-metromap", "desk")
    own.parent.mkdir(parents=True)
    own.write_text("someone's shopping list\n")
    local = local_progress(tmp_path)
    report = sync(str(folder), [Target("genai-metromap", local)], "desk", "ada")
    assert own.read_text() == "someone's shopping list\n"
    assert any("were not sent" in notice for notice in report.outcome.notices)
