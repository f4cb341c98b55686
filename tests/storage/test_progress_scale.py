"""A progress file of a million marks: written as json writes it, read once, never rescanned."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import metrotui.storage.progress as progress_module
from metrotui.core.text import safe_json
from metrotui.storage.progress import (
    DamagedProgress,
    Note,
    Progress,
    ProgressStore,
    parse_progress,
    progress_bytes,
    without,
)

CURRICULUM = "genai-metromap"


def as_json_writes_it(progress: Progress) -> bytes:
    """What the file held before progress_bytes: json's own indenting."""
    return (safe_json(progress.to_json(), indent=2) + "\n").encode()


# Ids and times with everything json or safe_json escapes: quotes, backslashes,
# controls, bidi marks, line separators, lone surrogates; and plain ones.
awkward = st.text(
    st.sampled_from(['"', "\\", "\x00", "\n", "\x7f", "\u202e", "\u2028", "\ud800", "é", "漢"])
    | st.characters(codec="utf-8"),
    max_size=6,
)
plain = st.text("abc-0123", min_size=1, max_size=6)
ids = plain | awkward
marks = st.dictionaries(ids, plain | awkward, max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ids,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ids, inner, max_size=3),
    max_leaves=6,
)
notes = st.dictionaries(
    ids, st.builds(Note, awkward, plain, st.dictionaries(ids, json_values, max_size=2))
)


@settings(max_examples=300, deadline=None)
@given(
    done=marks,
    known=marks,
    notes=notes,
    extra=st.dictionaries(ids, json_values, max_size=3),
    slice_size=st.sampled_from([1, 2, 3, 20_000]),
)
def test_the_file_is_byte_for_byte_what_json_wrote(
    done: dict[str, str],
    known: dict[str, str],
    notes: dict[str, Note],
    extra: dict[str, object],
    slice_size: int,
) -> None:
    progress = Progress(CURRICULUM, done=done, known=known, notes=notes, extra=extra)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(progress_module, "_MARKS_SLICE", slice_size)
        assert progress_bytes(progress) == as_json_writes_it(progress)


def test_a_million_marks_are_written_as_json_writes_them() -> None:
    done = {f"gone-{i:07d}": "2026-01-05T09:30:00.000Z" for i in range(1_000_000, 0, -1)}
    done['odd "one"'] = "2026-01-05T09:30:00.000Z"
    progress = Progress(CURRICULUM, done=done)
    assert progress_bytes(progress) == as_json_writes_it(progress)


def text_with(done: dict[str, str], tail: str = "") -> bytes:
    body = ",\n".join(f'    "{k}": "{v}"' for k, v in done.items())
    head = f'{{\n  "schema_version": 1,\n  "curriculum": "{CURRICULUM}",\n  "done": {{\n'
    return (head + body + "\n  }" + tail + "\n}\n").encode()


@pytest.mark.parametrize(
    "data",
    [
        # Plain text, where the quick check counts quotes.
        text_with({"a": "t1", "b": "t2", "a ": "t3"}).replace(b'"a ":', b'"a":'),
        # A key twice deep inside a note, and a backslash elsewhere in the file.
        text_with(
            {"a\\\\b": "t"},
            ',\n  "notes": {"s": {"text": "x", "updated": "u", "k": {"z": 1, "z": 2}}}',
        ),
        # A key twice at the top, with a value that is not a string.
        b'{"schema_version": 1, "curriculum": "genai-metromap", "done": {}, "done": 3}',
    ],
    ids=["in-the-marks", "in-a-note", "at-the-top"],
)
def test_a_key_given_twice_is_still_refused(data: bytes) -> None:
    with pytest.raises(DamagedProgress, match="appears twice"):
        parse_progress(data, CURRICULUM, "progress.json")


def test_deep_nesting_is_still_read() -> None:
    deep = "[" * 400 + "]" * 400
    data = text_with({"a": "t"}, f',\n  "later": {deep}')
    assert parse_progress(data, CURRICULUM, "p").extra == {"later": json.loads(deep)}


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    parse = progress_module.parse_progress

    def counted(*args: object) -> Progress:
        calls.append(1)
        return parse(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(progress_module, "parse_progress", counted)
    return calls


def test_a_save_does_not_parse_again_a_file_it_has_just_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "progress.json"
    path.write_bytes(text_with({f"gone-{i}": "t" for i in range(100)}))
    store = ProgressStore(path, CURRICULUM)
    parses = count_parses(monkeypatch)
    store.load()  # as `metrotui done` does, to plan the marks
    store.mark(["linear-algebra"])  # and then under the lock, to save them
    store.mark(["calculus"])  # and the app, tick after tick
    assert len(parses) == 1
    assert {"gone-7", "linear-algebra", "calculus"} <= set(store.load().done)


def test_a_file_another_writer_changed_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    store = ProgressStore(path, CURRICULUM)
    store.mark(["calculus"], when="2026-01-01T00:00:00.000Z")
    before = path.stat()
    # Same size, same second, as another metrotui's rewrite may well be.
    path.write_bytes(path.read_bytes().replace(b"calculus", b"calcuIus"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert set(store.load().done) == {"calcuIus"}
    store.mark(["linear-algebra"])
    assert set(json.loads(path.read_text())["done"]) == {"calcuIus", "linear-algebra"}


def test_a_lone_surrogate_written_out_is_repaired_when_read_back(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    store = ProgressStore(path, CURRICULUM)
    store.mark(["bad\ud800"])
    assert set(store.load().done) == {"bad\ufffd"}
    assert any("not valid Unicode" in notice for notice in store.notices)


def test_taking_marks_back_keeps_the_others_in_their_order() -> None:
    done = {"c": "1", "a": "2", "b": "3"}
    progress = Progress(CURRICULUM, done=done, known={"k": "4"})
    assert list(without(progress, ["b"]).done.items()) == [("c", "1"), ("a", "2")]
    assert list(without(progress, ["a", "k"]).done.items()) == [("c", "1"), ("b", "3")]
    assert without(progress, ["a", "k"]).known == {}
    assert done == {"c": "1", "a": "2", "b": "3"}  # the progress it came from is unchanged
