"""`formerly` (schema 2): ids a station or topic used to have, and marks that follow them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrotui.core.curriculum import Curriculum, CurriculumError
from metrotui.core.tracker import Tracker
from metrotui.storage.curriculum_file import parse_curriculum
from metrotui.storage.export import merge, read_export
from metrotui.storage.progress import Note, Progress, ProgressStore, rekeyed

FIXTURES = Path(__file__).parents[1] / "fixtures"
ROADMAP = "robotics-roadmap"


def whole_raw() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads((FIXTURES / "roadmap_whole.json").read_text())
    return raw


def load(raw: dict[str, Any]) -> Curriculum:
    return parse_curriculum(json.dumps(raw).encode(), "roadmap.json")


def problems_of(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(CurriculumError) as caught:
        load(raw)
    return caught.value.problems


@pytest.fixture
def whole() -> Curriculum:
    return load(whole_raw())


def with_station_formerly(raw: dict[str, Any], index: int, *ids: str) -> dict[str, Any]:
    changed = copy.deepcopy(raw)
    changed["stations"][index]["formerly"] = list(ids)
    return changed


# The schema -------------------------------------------------------------------------


def test_formerly_round_trips_and_is_written_only_when_used(whole: Curriculum) -> None:
    data = whole.to_data()
    programming = data["stations"][1]
    assert programming["topics"][2]["formerly"] == ["numpy"]
    assert "formerly" not in programming["topics"][0]
    assert "formerly" not in programming
    assert load(data) == whole


def test_a_version_1_file_has_no_formerly(genai_raw: dict[str, Any]) -> None:
    genai_raw["stations"][0]["formerly"] = ["old-math"]
    assert problems_of(genai_raw) == ["stations[0]: unknown key 'formerly'"]


def test_a_misspelt_formerly_gets_a_suggestion() -> None:
    raw = whole_raw()
    raw["stations"][0]["topics"][0]["formely"] = ["algebra"]
    assert problems_of(raw) == [
        "stations[0].topics[0]: unknown key 'formely' (did you mean 'formerly'?)"
    ]


def test_a_former_id_must_not_name_anything_current() -> None:
    raw = with_station_formerly(whole_raw(), 3, "math", "old-control")
    raw["stations"][4]["formerly"] = ["old-control"]
    raw["stations"][3]["topics"][0]["formerly"] = ["calculus", "math/probability", "a/b/c"]
    raw["stations"][5]["topics"][0]["formerly"] = ["x/y"]
    raw["stations"][5]["topics"][1]["formerly"] = ["x/y"]
    assert problems_of(raw) == [
        "stations[3].topics[0].formerly[2]: 'a/b/c' is not a former id "
        "(an id, or station/topic for a topic that moved)",
        "stations[3].formerly[0]: 'math' is the id of stations[0]; "
        "a former id must not be a current one",
        "stations[3].topics[0].formerly[0]: 'calculus' names stations[0].topics[1]; "
        "a former id must not be a current one",
        "stations[3].topics[0].formerly[1]: 'math/probability' names stations[0].topics[2]; "
        "a former id must not be a current one",
        "stations[4].formerly[0]: 'old-control' is already claimed by stations[3]",
        "stations[5].topics[1].formerly[0]: 'x/y' is already claimed by stations[5].topics[0]",
    ]


def test_a_station_s_former_id_is_a_plain_id() -> None:
    raw = with_station_formerly(whole_raw(), 0, "old/maths")
    assert problems_of(raw) == [
        "stations[0].formerly[0]: 'old/maths' has a '/'; a station's former id is a plain id"
    ]


# Reading a recorded mark ----------------------------------------------------------


def test_key_for_reads_former_ids() -> None:
    raw = with_station_formerly(whole_raw(), 1, "coding")
    raw["stations"][3]["topics"][0]["formerly"] = ["sensors/pid-control"]
    curriculum = load(raw)
    assert curriculum.key_for("numpy") == "array-computing"
    assert curriculum.key_for("programming/numpy") == "array-computing"
    assert curriculum.key_for("coding/numpy") == "array-computing"
    assert curriculum.key_for("coding/python-basics") == "python-basics"
    assert curriculum.key_for("sensors/pid-control") == "pid"
    # The bare id too, the key the old version most likely had, as nothing else claims it.
    assert curriculum.key_for("pid-control") == "pid"
    assert curriculum.key_for("gone") is None
    assert curriculum.station_id_for("coding") == "programming"
    assert curriculum.station_id_for("programming") == "programming"


def test_marks_under_a_former_id_count(whole: Curriculum) -> None:
    tracker = Tracker(whole, ["numpy", "python-basics", "data-pre-processing"])
    assert tracker.is_done("array-computing")
    assert tracker.count("programming").done == 3
    assert tracker.orphans == []


def test_a_curriculum_without_former_ids_builds_no_map(genai: Curriculum) -> None:
    assert not genai.has_former_ids
    assert genai.key_for("no-such-topic") is None


# Moving them on the next save --------------------------------------------------------


def test_the_next_save_moves_marks_and_notes_to_the_new_id(tmp_path: Path) -> None:
    raw = with_station_formerly(whole_raw(), 1, "coding")
    curriculum = load(raw)
    path = tmp_path / "progress.json"
    before = Progress(
        ROADMAP,
        done={"numpy": "2026-01-02T00:00:00.000Z", "books": "2026-01-03T00:00:00.000Z"},
        known={"coding/python-basics": "2026-01-01T00:00:00.000Z"},
        notes={"coding": Note("old note", "2026-01-01T00:00:00.000Z")},
    )
    path.write_text(json.dumps(before.to_json()))
    store = ProgressStore(path, ROADMAP, curriculum)
    assert store.load() == before  # reading moves nothing
    store.mark(["linear-algebra"], when="2026-02-01T00:00:00.000Z")
    saved = json.loads(path.read_text())
    assert saved["done"] == {
        "array-computing": "2026-01-02T00:00:00.000Z",
        "books": "2026-01-03T00:00:00.000Z",  # not in this curriculum: kept as it is
        "linear-algebra": "2026-02-01T00:00:00.000Z",
    }
    assert saved["known"] == {"python-basics": "2026-01-01T00:00:00.000Z"}
    assert saved["notes"] == {
        "programming": {"text": "old note", "updated": "2026-01-01T00:00:00.000Z"}
    }


def test_a_mark_under_both_ids_is_one_mark(whole: Curriculum) -> None:
    progress = Progress(
        ROADMAP,
        done={"array-computing": "2026-03-01T00:00:00.000Z"},
        known={"numpy": "2026-01-01T00:00:00.000Z", "pid": "2026-01-01T00:00:00.000Z"},
    )
    moved = rekeyed(progress, whole)
    # Done under the new id beats known under the old one, as the merge rule has it.
    assert moved.done == {"array-computing": "2026-03-01T00:00:00.000Z"}
    assert moved.known == {"pid": "2026-01-01T00:00:00.000Z"}
    both = Progress(
        ROADMAP,
        done={"numpy": "2026-01-01T00:00:00.000Z", "array-computing": "2026-03-01T00:00:00.000Z"},
    )
    assert rekeyed(both, whole).done == {"array-computing": "2026-01-01T00:00:00.000Z"}


def test_import_of_an_export_from_before_a_rename(whole: Curriculum) -> None:
    exported = Progress(ROADMAP, done={"numpy": "2026-01-01T00:00:00.000Z"}).to_json()
    theirs = read_export(json.dumps(exported).encode(), ROADMAP, "export.json")
    ours = Progress(ROADMAP, done={"array-computing": "2026-02-01T00:00:00.000Z"})
    merged = merge(ours, rekeyed(theirs, whole))
    assert merged.done == {"array-computing": "2026-01-01T00:00:00.000Z"}


# Merging with the mapping, for any two histories --------------------------------------

KEYS = st.sampled_from(
    ["numpy", "array-computing", "coding/numpy", "programming/plotting", "plotting", "books"]
)
TIMES = st.builds(
    lambda day, hour: f"2026-01-{day:02d}T{hour:02d}:00:00.000Z",
    st.integers(1, 28),
    st.integers(0, 23),
)
NOTES = st.builds(Note, st.sampled_from(["a", "b", "a\n\n---\n\nb"]), TIMES)
PROGRESS = st.builds(
    lambda done, known, notes: Progress(
        ROADMAP, done=done, known={k: v for k, v in known.items() if k not in done}, notes=notes
    ),
    st.dictionaries(KEYS, TIMES),
    st.dictionaries(KEYS, TIMES),
    st.dictionaries(st.sampled_from(["programming", "coding", "gone-station"]), NOTES),
)
RENAMED = load(with_station_formerly(whole_raw(), 1, "coding"))


@settings(max_examples=300, deadline=None)
@given(PROGRESS, PROGRESS)
def test_merging_with_the_mapping_commutes_and_is_idempotent(a: Progress, b: Progress) -> None:
    def joined(x: Progress, y: Progress) -> Progress:
        return merge(rekeyed(x, RENAMED), rekeyed(y, RENAMED))

    both = joined(a, b)
    assert both == joined(b, a)
    assert joined(both, a) == both
    assert joined(both, b) == both
    assert rekeyed(both, RENAMED) == both
    # Nothing is lost: every mark still counts for the topic it stood for.
    for side in (a, b):
        for key in side.done:
            assert (RENAMED.former_key(key) or key) in both.done
