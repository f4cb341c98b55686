"""Ticking a big progress file in place: the bytes a full rewrite gives, and nothing lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import metrotui.storage.progress as progress_module
import metrotui.storage.written as written
from metrotui.core.curriculum import Curriculum
from metrotui.storage.atomic import temporaries
from metrotui.storage.marks_in_place import InPlaceStore, Marks
from metrotui.storage.progress import (
    Note,
    Progress,
    ProgressStore,
    parse_progress,
    progress_bytes,
    with_done,
    with_known,
    without,
)

CURRICULUM = "genai-metromap"
STAMP = "2026-01-05T09:30:00.000Z"
LATER = "2026-12-01T10:00:00.000Z"
# Enough marks to pass the size from which a file is read in place.
MANY = 30_000


def gone(count: int) -> dict[str, str]:
    return {f"gone-{i:07d}": STAMP for i in range(1, count + 1)}


def saved(path: Path, progress: Progress) -> ProgressStore:
    """A file as this metrotui writes it (and so records as its own)."""
    store = ProgressStore(path, progress.curriculum)
    store.update(lambda _before: progress)
    return store


def never_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the store reads or rewrites the file whole."""

    def whole(*_args: object) -> Progress:
        raise AssertionError("the file was read whole")

    monkeypatch.setattr(ProgressStore, "_changed", whole)
    monkeypatch.setattr(ProgressStore, "load", whole)


plain_ids = st.text("abcz-09/é漢", min_size=1, max_size=5)
# Ids json writes escaped: these cannot go in place, and must still be right.
odd_ids = st.sampled_from(['say "hi"', "back\\slash", "new\nline", "bidi\u202e"])
ids = plain_ids | odd_ids


done_marks = st.dictionaries(ids, st.sampled_from([STAMP, "t"]), min_size=1, max_size=12)
known_marks = st.dictionaries(ids, st.sampled_from([STAMP, "k"]), max_size=5)
some_notes = st.dictionaries(plain_ids, st.builds(Note, plain_ids, plain_ids), max_size=2)


def changed_in_place(
    before: Progress,
    whole: Callable[[Progress], Progress],
    in_place: Callable[[InPlaceStore], Marks],
) -> tuple[Marks, Progress]:
    """A change made in place to a file of ours, held to what the change gives read whole:
    the same bytes, the same marks, the same progress read back."""
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.setattr(written, "IN_PLACE_BYTES", 0)  # every file is big
        path = Path(folder) / "progress.json"
        store = saved(path, before)
        expected = whole(parse_progress(path.read_bytes(), CURRICULUM, ""))
        marks = in_place(InPlaceStore(path, CURRICULUM))
        assert path.read_bytes() == progress_bytes(expected)
        assert dict(marks.done) == expected.done
        assert dict(marks.known) == expected.known
        assert store.load() == expected
    return marks, expected


@settings(max_examples=150, deadline=None)
@given(done=done_marks, known=known_marks, notes=some_notes, ticks=st.lists(ids, max_size=5))
def test_a_tick_in_place_gives_the_bytes_a_whole_rewrite_gives(
    done: dict[str, str], known: dict[str, str], notes: dict[str, Note], ticks: list[str]
) -> None:
    marks, expected = changed_in_place(
        Progress(CURRICULUM, done=done, known=known, notes=notes),
        lambda progress: with_done(progress, ticks, LATER),
        lambda store: store.add_marks(ticks, when=LATER),
    )
    assert all(key in marks.done for key in expected.done)


@settings(max_examples=150, deadline=None)
@given(
    done=done_marks,
    known=known_marks,
    notes=some_notes,
    untick=st.lists(ids, max_size=6),
    some_marked=st.lists(st.integers(0, 11), max_size=6),
)
def test_an_untick_in_place_gives_the_bytes_a_whole_rewrite_gives(
    done: dict[str, str],
    known: dict[str, str],
    notes: dict[str, Note],
    untick: list[str],
    some_marked: list[int],
) -> None:
    marked = sorted(done)
    # Marks that are there (the last ones too), as well as ids that are not.
    untick += [marked[i] for i in some_marked if i < len(marked)]
    marks, expected = changed_in_place(
        Progress(CURRICULUM, done=done, known=known, notes=notes),
        lambda progress: without(progress, untick),
        lambda store: store.remove_marks(untick),
    )
    assert len(marks.done) == len(expected.done)


@settings(max_examples=100, deadline=None)
@given(
    done=done_marks,
    known=known_marks,
    notes=some_notes,
    new=st.lists(ids, max_size=5),
    some_done=st.lists(st.integers(0, 11), max_size=3),
)
def test_known_in_place_gives_the_bytes_a_whole_rewrite_gives(
    done: dict[str, str],
    known: dict[str, str],
    notes: dict[str, Note],
    new: list[str],
    some_done: list[int],
) -> None:
    marked = sorted(done)
    new += [marked[i] for i in some_done if i < len(marked)]  # done ones stay done only
    changed_in_place(
        Progress(CURRICULUM, done=done, known=known, notes=notes),
        lambda progress: with_known(progress, new, LATER),
        lambda store: store.add_known(new, when=LATER),
    )


def test_a_big_file_of_ours_is_unticked_without_being_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "progress.json"
    marks = {**gone(MANY), "calculus": STAMP, "zz-last": STAMP}
    saved(path, Progress(CURRICULUM, done=marks, known={"linear-algebra": STAMP}))
    store = InPlaceStore(path, CURRICULUM)
    never_whole(monkeypatch)
    after = store.remove_marks(["calculus", "zz-last", "linear-algebra", "python-basics"])
    assert len(after.done) == MANY and dict(after.known) == {}
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["done"] == gone(MANY)
    assert "known" not in on_disk
    # And known, the done marks left where they are.
    after = store.add_known(["python-basics", "gone-0000003"], when=LATER)
    assert len(after.done) == MANY and dict(after.known) == {"python-basics": LATER}
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["known"] == {"python-basics": LATER} and on_disk["done"] == gone(MANY)


def test_a_big_file_of_ours_is_ticked_without_being_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "progress.json"
    marks = {**gone(MANY), "calculus": STAMP}
    saved(path, Progress(CURRICULUM, done=marks, known={"linear-algebra": STAMP}))
    store = InPlaceStore(path, CURRICULUM)
    never_whole(monkeypatch)
    seen = store.marks()
    assert len(seen.done) == MANY + 1
    assert "calculus" in seen.done and "gone-0000007" in seen.done
    assert "python-basics" not in seen.done
    after = store.add_marks(["linear-algebra", "python-basics", "calculus"], when=LATER)
    assert len(after.done) == MANY + 3 and dict(after.known) == {}
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["done"] == {**marks, "linear-algebra": LATER, "python-basics": LATER}
    assert "known" not in on_disk


@pytest.mark.parametrize(
    "layout",
    [
        lambda data: json.dumps(data),  # compact, as another tool may write it
        lambda data: json.dumps(data, indent=4),
        lambda data: json.dumps(dict(reversed(list(data.items()))), indent=2),
        # metrotui's own layout with the marks out of order, as a hand edit leaves it.
        lambda data: json.dumps({**data, "done": dict(reversed(data["done"].items()))}, indent=2),
    ],
    ids=["compact", "indent-4", "keys-reversed", "marks-unsorted"],
)
def test_big_files_in_other_layouts_are_read_whole_and_lose_nothing(
    tmp_path: Path, layout: object
) -> None:
    path = tmp_path / "progress.json"
    data = {"schema_version": 1, "curriculum": CURRICULUM, "done": gone(MANY)}
    data["notes"] = {"math-basics": {"text": "mine", "updated": STAMP, "mood": "good"}}
    path.write_text(layout(data) + "\n", encoding="utf-8")  # type: ignore[operator]
    before = parse_progress(path.read_bytes(), CURRICULUM, "")
    InPlaceStore(path, CURRICULUM).add_marks(["calculus"], when=LATER)
    assert path.read_bytes() == progress_bytes(with_done(before, ["calculus"], LATER))


def test_a_file_of_ours_changed_by_hand_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    saved(path, Progress(CURRICULUM, done=gone(MANY)))
    # Same size and layout, one mark out of order: only its hash tells.
    path.write_bytes(path.read_bytes().replace(b"gone-0000002", b"gone-9999999"))
    store = InPlaceStore(path, CURRICULUM)
    assert "gone-9999999" in store.marks().done
    store.add_marks(["gone-0000002"], when=LATER)
    done = json.loads(path.read_text(encoding="utf-8"))["done"]
    assert len(done) == MANY + 1 and done["gone-0000002"] == LATER


def test_no_record_of_the_bytes_means_they_are_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As a crash between the file's rename and its record leaves it.
    monkeypatch.setattr(written, "remember", lambda _data: False)
    path = tmp_path / "progress.json"
    saved(path, Progress(CURRICULUM, done=gone(MANY)))
    parses: list[int] = []
    parse = progress_module.parse_progress
    monkeypatch.setattr(progress_module, "parse_progress", lambda *a: parses.append(1) or parse(*a))
    store = InPlaceStore(path, CURRICULUM)
    store.add_marks(["calculus"], when=LATER)
    assert parses  # read whole
    assert len(json.loads(path.read_text(encoding="utf-8"))["done"]) == MANY + 1


def test_marks_under_a_former_id_are_moved_by_reading_whole(tmp_path: Path) -> None:
    from metrotui.storage.curriculum_file import parse_curriculum

    raw = json.loads(Path("data/stations.json").read_text(encoding="utf-8"))
    raw["schema_version"] = 2
    raw["stations"][0]["topics"][0]["formerly"] = ["old-algebra"]
    renamed: Curriculum = parse_curriculum(json.dumps(raw).encode(), "renamed.json")
    topic = raw["stations"][0]["topics"][0]["id"]
    path = tmp_path / "progress.json"
    saved(path, Progress(raw["id"], done={**gone(MANY), "old-algebra": STAMP}))
    store = InPlaceStore(path, raw["id"], renamed)
    assert topic in store.marks().done
    store.add_marks(["calculus"], when=LATER)
    done = json.loads(path.read_text(encoding="utf-8"))["done"]
    assert done[topic] == STAMP and "old-algebra" not in done and done["calculus"] == LATER


def run_done(path: Path, *ids: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "metrotui", "--progress", str(path), "done", *ids]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_a_done_killed_while_writing_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    marks = gone(4 * MANY)
    saved(path, Progress(CURRICULUM, done=marks))
    caught = False
    for _attempt in range(5):
        process = run_done(path, "linear-algebra")
        # Killed once its new file is being written, if it is caught at it.
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if any(temporaries(path)):
                os.kill(process.pid, signal.SIGKILL)
                caught = True
                break
        process.wait(timeout=60)
        done = json.loads(path.read_text(encoding="utf-8"))["done"]
        assert marks.items() <= done.items()
        if caught:
            break
    # The next done finishes the work, in place again or read whole.
    finished = run_done(path, "linear-algebra", "calculus")
    assert finished.wait(timeout=60) == 0, finished.stderr.read() if finished.stderr else ""
    done = json.loads(path.read_text(encoding="utf-8"))["done"]
    assert marks.items() <= done.items() and {"linear-algebra", "calculus"} <= done.keys()
    assert not list(temporaries(path))


def test_the_record_names_only_the_bytes_and_is_pruned(tmp_path: Path) -> None:
    for count in range(written.KEEP + 3):
        saved(tmp_path / f"p{count}.json", Progress(CURRICULUM, done=gone(MANY + count)))
    assert len(list(written.folder().glob("*.ours"))) == written.KEEP


def test_done_on_a_big_file_of_ours_tells_of_the_marks_kept_as_before(tmp_path: Path) -> None:
    from metrotui.storage.export import strays_notice

    path = tmp_path / "progress.json"
    marks = gone(MANY)
    saved(path, Progress(CURRICULUM, done=marks))
    process = run_done(path, "linear-algebra")
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0
    assert stderr.decode() == f"metrotui: note: {strays_notice(sorted(marks), path)}\n"
