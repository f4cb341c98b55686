"""Schema version 2: what a version 2 file may say, and what the check refuses in it.

Version 1 files keep their rules and messages (tests/storage/test_curriculum.py
and the hardening corpus pin them); here each version 2 rule, good and bad.
"""

from __future__ import annotations

import copy
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from metrotui.core.curriculum import Curriculum, OneOf
from metrotui.core.palette import PALETTE
from tests.helpers import make_curriculum
from tests.storage.test_curriculum import only_problem, problems, tiny

FIXTURE = Path(__file__).parents[1] / "fixtures" / "v2_fifteen_lines.json"


def v2() -> dict[str, Any]:
    """Two lines without colours, three stations without numbers, one without topics."""
    return {
        "schema_version": 2,
        "id": "v2",
        "title": "Version two",
        "lines": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
        "stations": [
            {"id": "one", "title": "One", "line": "a", "prerequisites": []},
            {
                "id": "two",
                "title": "Two",
                "line": "a",
                "prerequisites": ["one"],
                "topics": [{"id": "t", "title": "T of two"}],
            },
            {
                "id": "three",
                "title": "Three",
                "line": "b",
                "prerequisites": [{"one_of": ["one", "two"]}],
                "topics": [{"id": "t", "title": "T of three"}, {"id": "one", "title": "Also one"}],
            },
        ],
    }


def fixture() -> Curriculum:
    return make_curriculum(json.loads(FIXTURE.read_text(encoding="utf-8")))


# The fixture ------------------------------------------------------------------------


def test_the_fifteen_line_fixture_is_valid_and_has_what_it_promises() -> None:
    curriculum = fixture()
    assert len(curriculum.lines) == 15
    assert len({line.color for line in curriculum.lines}) == 15
    assert [s.number for s in curriculum.stations] == list(range(1, len(curriculum.stations) + 1))
    assert any(not s.topics for s in curriculum.stations)
    assert any(isinstance(p, OneOf) for s in curriculum.stations for p in s.prerequisites)
    assert curriculum.has_station("einführung-tübingen")
    assert curriculum.has_station("基礎グラフィックス")
    assert len(curriculum.stations_with_topic("evaluation")) == 3  # and a station of that id
    assert curriculum.has_station("evaluation")
    assert dict(curriculum.meta)["licence"] == "CC0"
    urls = [ref.url for s in curriculum.stations for ref in s.references]
    assert "https://example.org/cs/courses/intro-cs/notes.html" in urls
    assert "mailto:security@example.org" in urls


# Colours and numbers -------------------------------------------------------------------


def test_lines_without_a_colour_take_the_palette_in_order() -> None:
    raw = v2()
    raw["lines"].append({"id": "c", "name": "C", "color": "#123456"})
    raw["lines"].append({"id": "d", "name": "D"})
    curriculum = make_curriculum(raw)
    assert [line.color for line in curriculum.lines] == [
        PALETTE[0],
        PALETTE[1],
        "#123456",
        PALETTE[2],
    ]


def test_a_version_1_line_still_needs_its_colour() -> None:
    raw = tiny()
    del raw["lines"][0]["color"]
    assert only_problem(raw) == "lines[0]: missing key 'color'"


def test_stations_without_numbers_are_numbered_by_their_place() -> None:
    raw = v2()
    raw["stations"][1]["number"] = 7
    assert [s.number for s in make_curriculum(raw).stations] == [1, 7, 3]


def test_numbers_may_repeat_in_version_2_but_not_in_version_1() -> None:
    raw = v2()
    for station in raw["stations"]:
        station["number"] = 1
    assert [s.number for s in make_curriculum(raw).stations] == [1, 1, 1]
    old = tiny()
    old["stations"][1]["number"] = 1
    assert only_problem(old) == "stations[1].number: 1 is already used by stations[0]"


# Stations without topics, topic ids -------------------------------------------------------


def test_a_station_without_topics_is_ticked_under_its_own_id() -> None:
    curriculum = make_curriculum(v2())
    assert curriculum.station("one").topics == ()
    assert curriculum.keys_of("one") == ("one",)
    assert curriculum.has_key("one") and not curriculum.has_topic("one")
    assert curriculum.title_of("one") == "One"


def test_a_version_1_station_still_needs_a_topic() -> None:
    raw = tiny()
    raw["stations"][0]["topics"] = []
    assert only_problem(raw) == "stations[0].topics: a station needs at least one topic"


def test_topic_ids_repeat_across_stations_and_may_equal_a_station_id() -> None:
    curriculum = make_curriculum(v2())
    # "t" names two topics, "one" a station too: both keys are qualified.
    assert curriculum.keys_of("two") == ("two/t",)
    assert curriculum.keys_of("three") == ("three/t", "three/one")
    assert curriculum.title_of("three/one") == "Also one"


def test_a_topic_id_used_twice_in_one_station_is_refused() -> None:
    raw = v2()
    raw["stations"][2]["topics"][1]["id"] = "t"
    assert only_problem(raw) == (
        "stations[2].topics[1].id: 't' is already used by stations[2].topics[0]"
    )


def test_version_1_keeps_topic_ids_unique_across_the_file() -> None:
    raw = tiny()
    raw["stations"][1]["topics"][0]["id"] = "trunk-1"
    assert only_problem(raw) == (
        "stations[1].topics[0].id: 'trunk-1' is also a station id; a topic needs an id of its own"
    )


# Ids ---------------------------------------------------------------------------------


@pytest.mark.parametrize("station_id", ["tübingen", "基礎", "Ελληνικά-2", "हिन्दी", "a" * 128])
def test_unicode_ids_up_to_128_characters(station_id: str) -> None:
    raw = v2()
    raw["stations"][0]["id"] = station_id
    raw["stations"][1]["prerequisites"] = [station_id]
    raw["stations"][2]["prerequisites"] = [{"one_of": [station_id, "two"]}]
    assert make_curriculum(raw).has_station(station_id)


def test_ids_are_compared_in_nfc() -> None:
    raw = v2()
    raw["stations"][0]["id"] = unicodedata.normalize("NFD", "tübingen")
    raw["stations"][1]["prerequisites"] = [unicodedata.normalize("NFC", "tübingen")]
    raw["stations"][2]["prerequisites"] = ["two"]
    curriculum = make_curriculum(raw)
    assert curriculum.stations[0].id == "tübingen"  # composed
    assert curriculum.station("two").prerequisites == ("tübingen",)


@pytest.mark.parametrize("station_id", ["a/b", "a b", "a\tb", "-start", "a\u200bb", "a" * 129])
def test_ids_still_refuse_slashes_spaces_and_controls(station_id: str) -> None:
    raw = v2()
    raw["stations"][0]["id"] = station_id
    raw["stations"][1]["prerequisites"] = []
    raw["stations"][2]["prerequisites"] = []
    found = only_problem(raw)
    assert found.startswith("stations[0].id: ")
    assert "is not a valid id (use up to 128 letters, digits, '-', '_' or '.'" in found


def test_version_1_ids_stay_ascii_with_the_old_message() -> None:
    raw = tiny()
    raw["stations"][0]["id"] = "tübingen"
    raw["stations"][1]["prerequisites"] = []
    assert only_problem(raw) == (
        "stations[0].id: 'tübingen' is not a valid id (use up to 64 letters, digits, '-', '_' "
        "or '.', starting with a letter or digit)"
    )


# one_of --------------------------------------------------------------------------------


def test_one_of_is_kept_as_a_group() -> None:
    station = make_curriculum(v2()).station("three")
    assert station.prerequisites == (OneOf(("one", "two")),)
    assert station.needs == (("one", "two"),)
    assert station.prerequisite_ids == ("one", "two")


def test_one_of_members_are_checked_with_locations_and_hints() -> None:
    raw = v2()
    raw["stations"][1]["prerequisites"] = [{"one_of": ["one", "thre", "two", "one"]}]
    raw["stations"][2]["prerequisites"] = []
    assert problems(raw) == [
        "stations[1].prerequisites[0].one_of[1]: unknown station 'thre' (did you mean 'three'?)",
        "stations[1].prerequisites[0].one_of[2]: a station cannot be its own prerequisite",
        "stations[1].prerequisites[0].one_of[3]: 'one' is listed twice",
    ]


@pytest.mark.parametrize(
    ("one_of", "expected"),
    [
        ({"one_of": []}, "stations[2].prerequisites[0].one_of: must not be empty"),
        ({"oneof": ["one"]}, "stations[2].prerequisites[0]: missing key 'one_of'"),
        ({"one_of": [3]}, "stations[2].prerequisites[0].one_of[0]: expected text, got a number"),
        (5, "stations[2].prerequisites[0]: expected text, got a number"),
    ],
)
def test_a_malformed_one_of_is_refused(one_of: Any, expected: str) -> None:
    raw = v2()
    raw["stations"][2]["prerequisites"] = [one_of]
    assert expected in problems(raw)


def test_an_unknown_key_beside_one_of_suggests_it() -> None:
    raw = v2()
    raw["stations"][2]["prerequisites"] = [{"one_of": ["one"], "one_off": ["two"]}]
    assert only_problem(raw) == (
        "stations[2].prerequisites[0]: unknown key 'one_off' (did you mean 'one_of'?)"
    )


def test_a_cycle_through_a_one_of_is_refused() -> None:
    raw = v2()
    raw["stations"][0]["prerequisites"] = [{"one_of": ["three", "two"]}]
    found = problems(raw)
    assert any("prerequisites form a cycle" in problem for problem in found), found


def test_version_1_has_no_one_of() -> None:
    raw = tiny()
    raw["stations"][1]["prerequisites"] = [{"one_of": ["trunk-1"]}]
    assert only_problem(raw) == "stations[1].prerequisites[0]: expected text, got an object"


# meta -----------------------------------------------------------------------------------


def test_meta_on_every_level_is_kept_as_cleaned_pairs() -> None:
    raw = v2()
    raw["meta"] = {"source": "a course"}
    raw["lines"][0]["meta"] = {"level": "beginner"}
    raw["stations"][1]["meta"] = {"duration": " 6\tweeks ", "effort": "5 h"}
    raw["stations"][1]["topics"][0]["meta"] = {"kind": "video"}
    curriculum = make_curriculum(raw)
    assert curriculum.meta == (("source", "a course"),)
    assert curriculum.lines[0].meta == (("level", "beginner"),)
    assert curriculum.station("two").meta == (("duration", "6 weeks"), ("effort", "5 h"))
    assert curriculum.station("two").topics[0].meta == (("kind", "video"),)
    assert curriculum.station("one").meta == ()
    data = curriculum.to_data()
    assert data["stations"][1]["meta"] == {"duration": "6 weeks", "effort": "5 h"}
    assert "meta" not in data["stations"][0]


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"duration": 6}, "stations[1].meta.duration: expected text, got a number"),
        ("6 weeks", "stations[1].meta: expected an object, got text"),
        ({"k" * 41: "v"}, "stations[1].meta: the field name 'kkkk"),
        ({"note": "x" * 201}, "stations[1].meta: the field 'note' is 201 characters long"),
        ({f"k{n}": "v" for n in range(33)}, "stations[1].meta: has 33 fields; the limit is 32"),
        ({"a": "1", "a\t": "2"}, "stations[1].meta: the field name 'a' is given twice"),
        ({"": "1"}, "stations[1].meta: a field's name must not be empty"),
    ],
)
def test_bad_meta_is_refused_with_its_location(meta: Any, expected: str) -> None:
    raw = v2()
    raw["stations"][1]["meta"] = meta
    found = only_problem(raw)
    assert found.startswith(expected), found


def test_other_unknown_keys_are_still_refused_in_version_2() -> None:
    raw = v2()
    raw["stations"][1]["mata"] = {"a": "b"}
    assert only_problem(raw) == "stations[1]: unknown key 'mata' (did you mean 'meta'?)"


def test_version_1_refuses_meta_as_before() -> None:
    raw = tiny()
    raw["stations"][0]["meta"] = {"a": "b"}
    assert only_problem(raw) == "stations[0]: unknown key 'meta'"


# URLs -----------------------------------------------------------------------------------


def _with_reference(url: str, base_url: str | None = None) -> dict[str, Any]:
    raw = v2()
    raw["stations"][1]["references"] = [{"title": "R", "url": url}]
    if base_url is not None:
        raw["base_url"] = base_url
    return raw


def test_relative_urls_resolve_against_base_url() -> None:
    raw = _with_reference("notes/week-1.html", "https://example.org/course/")
    curriculum = make_curriculum(raw)
    assert curriculum.station("two").references[0].url == (
        "https://example.org/course/notes/week-1.html"
    )
    assert curriculum.base_url == "https://example.org/course/"


def test_a_relative_url_without_base_url_is_refused_with_the_hint() -> None:
    assert only_problem(_with_reference("notes/week-1.html")) == (
        "stations[1].references[0].url: 'notes/week-1.html' is a relative URL; "
        "add a base_url to the curriculum to resolve it against"
    )


def test_the_source_url_resolves_against_base_url_too() -> None:
    raw = v2()
    raw["source"] = {"url": "about.html", "license": "CC0"}
    assert only_problem(raw) == (
        "source.url: 'about.html' is a relative URL; add a base_url to the curriculum "
        "to resolve it against"
    )
    raw["base_url"] = "https://example.org/course/"
    source = make_curriculum(raw).source
    assert source is not None and source.url == "https://example.org/course/about.html"


def test_mailto_references_are_allowed() -> None:
    curriculum = make_curriculum(_with_reference("mailto:teacher@example.org"))
    assert curriculum.station("two").references[0].url == "mailto:teacher@example.org"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("javascript:alert(1)", "is not an http(s) URL, a mailto: address or a path"),
        ("ftp://example.org/x", "is not an http(s) URL"),
        ("notes/a b.html", "a URL must not contain spaces or control characters"),
        ("mailto:", "is not a URL"),
    ],
)
def test_other_urls_are_refused(url: str, expected: str) -> None:
    found = only_problem(_with_reference(url, "https://example.org/"))
    assert found.startswith("stations[1].references[0].url: ") and expected in found


def test_base_url_must_be_an_absolute_http_url() -> None:
    assert only_problem(_with_reference("https://example.org/a", "courses/")) == (
        "base_url: 'courses/' is not an http(s) URL"
    )


def test_version_1_refuses_base_url_and_relative_urls() -> None:
    raw = tiny()
    raw["base_url"] = "https://example.org/"
    assert only_problem(raw) == "unknown key 'base_url'"
    raw = tiny()
    raw["stations"][0]["references"] = [{"title": "R", "url": "notes.html"}]
    assert only_problem(raw) == "stations[0].references[0].url: 'notes.html' is not an http(s) URL"


# Every problem at once -------------------------------------------------------------------


def test_every_version_2_problem_is_reported_at_once() -> None:
    raw = copy.deepcopy(v2())
    raw["stations"][0]["id"] = "bad id"
    raw["stations"][1]["meta"] = {"a": 1}
    raw["stations"][2]["prerequisites"] = [{"one_of": ["thre"]}]
    raw["stations"][2]["references"] = [{"title": "R", "url": "x.html"}]
    found = problems(raw)
    assert len(found) >= 4, found
    assert any(p.startswith("stations[0].id:") for p in found)
    assert any(p.startswith("stations[1].meta.a:") for p in found)
    assert any("one_of[0]: unknown station 'thre' (did you mean 'three'?)" in p for p in found)
    assert any("is a relative URL" in p for p in found)


# The cache and the file's own shape --------------------------------------------------------


def test_a_version_2_file_comes_back_from_the_cache_as_it_was_checked(tmp_path: Path) -> None:
    from metrotui.storage import cache
    from metrotui.storage.curriculum_file import load_curriculum

    path = tmp_path / "v2.json"
    path.write_bytes(FIXTURE.read_bytes())
    checked = load_curriculum(path)
    assert cache.read(path.read_bytes()) is not None  # kept
    again = load_curriculum(path)
    assert again == checked
    assert again.station("crypto").prerequisites == (OneOf(("discrete-math", "statistics")),)
    assert again.station("intro-cs").meta == checked.station("intro-cs").meta != ()


def test_a_version_2_curriculum_written_back_reads_the_same() -> None:
    curriculum = fixture()
    data = curriculum.to_data()
    assert data["stations"][20]["prerequisites"] == [{"one_of": ["linear-algebra", "statistics"]}]
    assert make_curriculum(data) == curriculum
