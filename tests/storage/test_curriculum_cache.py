"""The cache of checked curricula: used only for the same bytes, never trusted blindly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from metrotui.core.curriculum import CurriculumError
from metrotui.paths import bundled_curriculum
from metrotui.storage import cache as curriculum_cache
from metrotui.storage.check import check
from metrotui.storage.curriculum_file import load_curriculum, parse_curriculum
from tests.helpers import chain


def curriculum_raw() -> dict[str, Any]:
    """A small curriculum of four stations on two lines."""
    return chain(["trunk", "branch"], per_line=2)


def write(path: Path, raw: dict[str, Any]) -> Path:
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def entries() -> list[Path]:
    return sorted(curriculum_cache.folder().glob("*.marshal"))


def test_first_load_checks_and_keeps_the_result(tmp_path: Path) -> None:
    path = write(tmp_path / "map.json", curriculum_raw())
    assert entries() == []
    first = load_curriculum(path)
    assert len(entries()) == 1
    again = load_curriculum(path)
    assert again == first
    assert again == parse_curriculum(path.read_bytes())


def test_a_cached_load_never_imports_pydantic(tmp_path: Path) -> None:
    path = write(tmp_path / "map.json", curriculum_raw())
    load_curriculum(path)  # fills the cache in this test's cache folder
    script = (
        "import sys\n"
        "from metrotui.storage.curriculum_file import load_curriculum\n"
        f"curriculum = load_curriculum({str(path)!r})\n"
        "print(len(curriculum.stations), 'pydantic' in sys.modules)\n"
    )
    cached = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert cached.stdout.split() == ["4", "False"]
    # The same check sees pydantic when the file has not been checked before.
    os.remove(entries()[0])
    fresh = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert fresh.stdout.split() == ["4", "True"]


def test_an_edited_file_is_checked_again(tmp_path: Path) -> None:
    path = write(tmp_path / "map.json", curriculum_raw())
    load_curriculum(path)
    raw = curriculum_raw()
    raw["stations"][0]["prerequisites"] = ["nowhere"]
    write(path, raw)
    with pytest.raises(CurriculumError, match="unknown station 'nowhere'"):
        load_curriculum(path)
    raw["title"] = "Renamed"
    write(path, raw | {"stations": curriculum_raw()["stations"]})
    assert load_curriculum(path).title == "Renamed"


def test_a_bad_file_is_never_cached_and_is_reported_every_time(tmp_path: Path) -> None:
    raw = curriculum_raw()
    raw["lines"][0]["color"] = "blue"
    path = write(tmp_path / "map.json", raw)
    for _ in range(2):
        with pytest.raises(CurriculumError, match="is not a colour"):
            load_curriculum(path)
    assert entries() == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: b"",
        lambda blob: blob[: len(blob) // 2],
        lambda blob: blob[:40] + bytes([blob[40] ^ 0xFF]) + blob[41:],
        lambda blob: b"\x00" * len(blob),
    ],
    ids=["empty", "cut short", "one byte changed", "zeroed"],
)
def test_a_damaged_entry_is_ignored_and_written_again(damage: Any, tmp_path: Path) -> None:
    path = write(tmp_path / "map.json", curriculum_raw())
    expected = load_curriculum(path)
    (entry,) = entries()
    entry.write_bytes(damage(entry.read_bytes()))
    assert load_curriculum(path) == expected
    assert curriculum_cache.read(path.read_bytes()) is not None


def test_an_entry_of_another_shape_is_ignored(tmp_path: Path) -> None:
    """A well-formed entry that does not build a curriculum (say, written by a
    metrotui whose rows differ) is checked again rather than crashing."""
    path = write(tmp_path / "map.json", curriculum_raw())
    expected = load_curriculum(path)
    (entry,) = entries()
    curriculum_cache.write(path.read_bytes(), ("not", "a", "curriculum"))
    assert load_curriculum(path) == expected


def test_an_entry_is_used_only_for_exactly_its_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entry names can collide (they are a CRC); the bytes kept inside decide."""
    monkeypatch.setattr(curriculum_cache, "_name", lambda data: "same-name-for-all")
    first = write(tmp_path / "first.json", curriculum_raw())
    second = write(tmp_path / "second.json", curriculum_raw() | {"title": "Second"})
    assert load_curriculum(first).title != "Second"
    assert load_curriculum(second).title == "Second"
    assert load_curriculum(first).title != "Second"
    assert len(entries()) == 1


def test_validate_rechecks_even_with_an_entry(tmp_path: Path) -> None:
    path = write(tmp_path / "map.json", curriculum_raw())
    load_curriculum(path)
    (entry,) = entries()
    # An entry that says something else for these bytes: a recheck ignores it.
    other = json.dumps(curriculum_raw() | {"title": "Other"}).encode()
    curriculum_cache.write(path.read_bytes(), check(other, "other.json"))
    assert load_curriculum(path).title == "Other"
    assert load_curriculum(path, recheck=True).title != "Other"
    assert load_curriculum(path).title != "Other"  # and the entry was put right


def test_an_unwritable_cache_costs_only_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would go")
    monkeypatch.setattr(curriculum_cache, "folder", lambda: blocked / "curricula")
    path = write(tmp_path / "map.json", curriculum_raw())
    assert load_curriculum(path).id == load_curriculum(path).id
    assert blocked.read_text() == "a file where the cache folder would go"


def test_old_entries_are_pruned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(curriculum_cache, "KEEP", 3)
    for number in range(5):
        raw = curriculum_raw()
        raw["title"] = f"Map {number}"
        load_curriculum(write(tmp_path / f"map{number}.json", raw))
    assert len(entries()) == 3


def test_the_cache_lives_in_the_cache_folder(tmp_path: Path) -> None:
    assert str(curriculum_cache.folder()).startswith(os.environ["XDG_CACHE_HOME"])
    load_curriculum(bundled_curriculum())
    assert len(entries()) == 1


def test_an_entry_for_records_of_another_shape_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A field added to (or renamed in) the file format's records changes the
    # rows; entries written before must not be built from, whatever the version.
    path = write(tmp_path / "map.json", curriculum_raw())
    with monkeypatch.context() as patched:
        patched.setattr(curriculum_cache, "_shape", lambda: b"Topic:id,title")
        curriculum_cache._fingerprint.cache_clear()
        load_curriculum(path)
    assert len(entries()) == 1
    curriculum_cache._fingerprint.cache_clear()
    assert curriculum_cache.read(path.read_bytes()) is None
    assert b"Topic:id,title,summary" in curriculum_cache._fingerprint()


def test_an_entry_whose_topic_rows_are_short_is_checked_again(tmp_path: Path) -> None:
    # Topics are built in C without _make's count of fields: a row one short
    # must still be refused (and the file checked), not become a broken topic.
    path = write(tmp_path / "map.json", curriculum_raw())
    expected = load_curriculum(path)
    rows = curriculum_cache.read(path.read_bytes())
    assert rows is not None
    stations = list(rows[6])
    station = list(stations[0])
    station[6] = tuple(topic[:-1] for topic in station[6])  # every topic without ``formerly``
    stations[0] = tuple(station)
    curriculum_cache.write(path.read_bytes(), (*rows[:6], tuple(stations), *rows[7:]))
    assert load_curriculum(path) == expected


def test_a_loaded_curriculum_is_in_the_collectors_oldest_generation(tmp_path: Path) -> None:
    # Loading pauses the collector; what it made is then moved out of the young
    # generation, else the first allocation after a big load scans all of it.
    import gc

    path = write(tmp_path / "map.json", chain(["trunk", "branch"], per_line=200))
    load_curriculum(path)  # checked and cached
    curriculum = load_curriculum(path)
    oldest = {id(thing) for thing in gc.get_objects(generation=2)}
    assert id(curriculum.stations) in oldest
    assert id(curriculum.stations[-1].topics) in oldest
