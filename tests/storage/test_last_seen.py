"""The copy of the version a learner last saw (storage/last_seen): small, bounded, cheap."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metrotui.core.curriculum import Curriculum
from metrotui.paths import last_seen_file
from metrotui.storage import last_seen
from metrotui.storage.curriculum_file import load_curriculum

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture
def first() -> Curriculum:
    return load_curriculum(FIXTURES / "roadmap_first_half.json")


@pytest.fixture
def whole() -> Curriculum:
    return load_curriculum(FIXTURES / "roadmap_whole.json")


def test_it_lives_in_the_data_folder(first: Curriculum, tmp_path: Path) -> None:
    last_seen.look(first, tell=True)
    path = last_seen_file(first.id)
    assert path.is_file()
    assert "xdg-data" in str(path)  # the test's data folder, never the real one


def test_a_first_sight_tells_nothing(first: Curriculum) -> None:
    assert last_seen.look(first, tell=True) is None
    assert last_seen.look(first, tell=True) is None


def test_a_change_is_told_once(first: Curriculum, whole: Curriculum) -> None:
    last_seen.look(first, tell=True)
    change = last_seen.look(whole, tell=True)
    assert change is not None and len(change.stations_added) == 3
    assert last_seen.look(whole, tell=True) is None
    # It is still the latest change, for `metrotui changes`.
    kept = last_seen.latest(whole)
    assert kept is not None and kept.change == change


def test_the_app_leaves_the_news_for_the_next_command(first: Curriculum, whole: Curriculum) -> None:
    last_seen.look(first, tell=False)
    assert last_seen.look(whole, tell=False) is None
    change = last_seen.look(whole, tell=True)
    assert change is not None and change.topics_moved


def test_where_gone_topics_were_is_kept(first: Curriculum, whole: Curriculum) -> None:
    last_seen.look(first, tell=True)
    last_seen.look(whole, tell=True)
    kept = last_seen.latest(whole)
    assert kept is not None
    for spelling in ("books", "further-reading/books"):
        where = kept.was_in(spelling)
        assert where is not None
        assert (where.station, where.station_title) == ("further-reading", "Books and Communities")
    assert kept.was_in("linear-algebra") is None


def test_the_copy_has_no_summaries(first: Curriculum) -> None:
    last_seen.look(first, tell=True)
    text = last_seen_file(first.id).read_text()
    assert "Linear Algebra" in text
    assert "Vectors, matrices" not in text  # a topic's summary
    assert len(text) < 4096


def test_an_unchanged_file_reads_one_line(first: Curriculum) -> None:
    last_seen.look(first, tell=True)
    path = last_seen_file(first.id)
    head = path.read_bytes().split(b"\n")[0]
    path.write_bytes(head + b"\nnot json at all")
    before = path.stat().st_mtime_ns
    assert last_seen.look(first, tell=True) is None
    assert path.read_bytes() == head + b"\nnot json at all"  # neither read past nor rewritten
    assert path.stat().st_mtime_ns == before


@pytest.mark.parametrize("junk", [b"", b"\x00\x01", b'{"format": "other"}\n{}', b"[1, 2]\n[]"])
def test_a_damaged_copy_is_a_first_sight(first: Curriculum, junk: bytes) -> None:
    path = last_seen_file(first.id)
    path.parent.mkdir(parents=True)
    path.write_bytes(junk)
    assert last_seen.look(first, tell=True) is None
    assert last_seen.read(path) is not None  # replaced with a good one


def test_a_copy_that_cannot_be_written_costs_nothing(
    first: Curriculum, whole: Curriculum, tmp_path: Path
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    path = blocked / "last-seen.json"  # under a file: no folder can be made
    assert last_seen.look(first, tell=True, path=path) is None
    assert last_seen.look(whole, tell=True, path=path) is None


def test_the_copy_is_bounded(
    first: Curriculum, whole: Curriculum, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(last_seen, "MAX_BYTES", 200)
    last_seen.look(first, tell=True)
    path = last_seen_file(first.id)
    assert path.stat().st_size < 400
    kept = last_seen.read(path)
    assert kept is not None and kept.outline is None
    # With no outline to compare with, the next version is a first sight.
    assert last_seen.look(whole, tell=True) is None


def test_gone_is_bounded(
    first: Curriculum, whole: Curriculum, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(last_seen, "MAX_GONE", 2)
    last_seen.look(first, tell=True)
    last_seen.look(whole, tell=True)
    kept = last_seen.read(last_seen_file(first.id))
    assert kept is not None and len(kept.gone) == 2
    assert json.loads(last_seen_file(first.id).read_text().split("\n")[1])["gone"]


def test_a_huge_curriculum_is_not_outlined(
    first: Curriculum, whole: Curriculum, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(last_seen, "MAX_ENTRIES", 10)
    assert last_seen.look(first, tell=True) is None
    kept = last_seen.read(last_seen_file(first.id))
    assert kept is not None and kept.outline is None
    assert last_seen.look(whole, tell=True) is None
