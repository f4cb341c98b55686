"""What the learner has seen of the latest change in the app (storage/looked_at)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from metrotui.paths import looked_at_file
from metrotui.storage import looked_at
from metrotui.storage.looked_at import LookedAt

CHANGED = "2026-12-01T15:00:00.000Z"


def test_kept_in_the_data_folder_and_read_back() -> None:
    looked_at.write("roadmap", LookedAt(CHANGED, True, frozenset({"math", "control"})))
    path = looked_at_file("roadmap")
    assert "xdg-data" in str(path)  # the test's data folder, never the real one
    kept = looked_at.for_change("roadmap", CHANGED)
    assert (kept.change, kept.shown, kept.stations) == (CHANGED, True, {"math", "control"})


def test_a_newer_change_starts_afresh() -> None:
    looked_at.write("roadmap", LookedAt(CHANGED, True, frozenset({"math"})))
    kept = looked_at.for_change("roadmap", "2026-12-24T00:00:00.000Z")
    assert (kept.shown, kept.stations) == (False, frozenset())


@pytest.mark.parametrize(
    "content",
    [b"", b"{not json", b"[]", b'{"format": "something else"}', b"\xff\xfe", b"{}" * 10],
)
def test_a_damaged_file_is_taken_as_nothing_seen(content: bytes) -> None:
    path = looked_at_file("roadmap")
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    kept = looked_at.for_change("roadmap", CHANGED)
    assert (kept.shown, kept.stations) == (False, frozenset())


def test_a_file_past_the_bound_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    looked_at.write("roadmap", LookedAt(CHANGED, True, frozenset({"math"})))
    monkeypatch.setattr(looked_at, "MAX_BYTES", 10)
    assert looked_at.for_change("roadmap", CHANGED).stations == frozenset()


def test_a_fifo_in_its_place_does_not_hang() -> None:
    path = looked_at_file("roadmap")
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    assert looked_at.for_change("roadmap", CHANGED).stations == frozenset()


def test_a_write_that_fails_raises_nothing(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("in the way")
    looked_at.write("roadmap", LookedAt(CHANGED), path=blocked / "under" / "it.json")
