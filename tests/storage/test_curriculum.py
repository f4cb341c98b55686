"""The curriculum model: one small bad input per rule, and the facts of the GenAI map."""

from __future__ import annotations

import colorsys
import contextlib
import copy
import json
import os
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from metrotui.core.curriculum import REFERENCE_KINDS, Curriculum, CurriculumError
from metrotui.storage.curriculum_file import MAX_FILE_BYTES, load_curriculum, parse_curriculum
from tests.helpers import GENAI_STATION_IDS, chain, curriculum_raw, make_curriculum, station

SEED_README = Path(__file__).resolve().parents[3] / "shared" / "seed" / "GenAIMetroMap-README.md"


def problems(raw: Any, source: str = "bad.json") -> list[str]:
    """Every problem reported for ``raw`` (JSON data, or bytes taken as the file)."""
    data = raw if isinstance(raw, bytes) else json.dumps(raw).encode()
    with pytest.raises(CurriculumError) as caught:
        parse_curriculum(data, source)
    assert caught.value.source == source
    assert str(caught.value).startswith(f"{source}: ")
    return caught.value.problems


def only_problem(raw: Any) -> str:
    found = problems(raw)
    assert len(found) == 1, found
    return found[0]


def tiny() -> dict[str, Any]:
    """Two lines, four stations: trunk-1 → trunk-2 → branch-1 → branch-2."""
    return chain(["trunk", "branch"], 2)


# Keys and types ----------------------------------------------------------------


def test_the_tiny_curriculum_is_valid() -> None:
    curriculum = make_curriculum(tiny())
    assert [s.id for s in curriculum.stations] == ["trunk-1", "trunk-2", "branch-1", "branch-2"]


def test_misspelt_key_is_rejected_with_a_suggestion() -> None:
    raw = tiny()
    raw["stations"][2]["prerequisite"] = raw["stations"][2].pop("prerequisites")
    assert only_problem(raw) == (
        "stations[2]: unknown key 'prerequisite' (did you mean 'prerequisites'?)"
    )


def test_misspelt_key_in_a_topic_names_the_topic() -> None:
    raw = tiny()
    raw["stations"][1]["topics"][0]["sumary"] = "oops"
    assert (
        only_problem(raw) == "stations[1].topics[0]: unknown key 'sumary' (did you mean 'summary'?)"
    )


def test_misspelt_key_in_the_source_block() -> None:
    raw = tiny()
    raw["source"] = {"url": "https://example.org", "licence": "MIT"}
    found = problems(raw)
    assert "source: unknown key 'licence' (did you mean 'license'?)" in found
    assert "source: missing key 'license'" in found


def test_missing_key_names_the_object_and_the_key() -> None:
    raw = tiny()
    del raw["stations"][3]["title"]
    assert only_problem(raw) == "stations[3]: missing key 'title'"


def test_missing_top_level_key() -> None:
    raw = tiny()
    del raw["lines"]
    assert "missing key 'lines'" in problems(raw)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("number", "4", "stations[1].number: expected a whole number, got text"),
        ("number", 2.0, "stations[1].number: expected a whole number, got a number"),
        ("number", True, "stations[1].number: expected a whole number, got true/false"),
        ("title", 7, "stations[1].title: expected text, got a number"),
        ("topics", "linear-algebra", "stations[1].topics: expected a list, got text"),
        ("prerequisites", None, "stations[1].prerequisites: expected a list, got null"),
        ("prerequisites", [1], "stations[1].prerequisites[0]: expected text, got a number"),
    ],
)
def test_wrong_type_is_reported_at_its_location(field: str, value: Any, expected: str) -> None:
    raw = tiny()
    raw["stations"][1][field] = value
    assert only_problem(raw) == expected


def test_a_station_that_is_not_an_object() -> None:
    raw = tiny()
    raw["stations"][3] = "branch-2"
    assert only_problem(raw) == "stations[3]: expected an object, got text"


def test_invalid_id_is_rejected() -> None:
    raw = tiny()
    raw["stations"][0]["topics"][0]["id"] = "has space"
    assert only_problem(raw).startswith("stations[0].topics[0].id: 'has space' is not a valid id")


# Unique ids and known references -------------------------------------------------


def test_duplicate_line_id() -> None:
    raw = tiny()
    raw["lines"].append({"id": "trunk", "name": "Again", "color": "#123456"})
    assert only_problem(raw) == "lines[2].id: 'trunk' is already used by lines[0]"


def test_duplicate_station_id() -> None:
    raw = curriculum_raw(["l"], [station("a", "l", 1), station("b", "l", 2), station("c", "l", 3)])
    raw["stations"][2]["id"] = "a"
    raw["stations"][2]["topics"] = [{"id": "c-only", "title": "C"}]
    assert only_problem(raw) == "stations[2].id: 'a' is already used by stations[0]"


def test_duplicate_station_id_with_dependents_is_reported_not_crashed() -> None:
    # Renaming a station that others depend on used to crash while indexing.
    raw = tiny()
    raw["stations"][2]["id"] = "trunk-1"
    found = problems(raw)
    assert "stations[2].id: 'trunk-1' is already used by stations[0]" in found
    assert any(
        p.startswith("stations[3].prerequisites[0]: unknown station 'branch-1'") for p in found
    )


def test_duplicate_station_number() -> None:
    raw = tiny()
    raw["stations"][3]["number"] = 1
    assert only_problem(raw) == "stations[3].number: 1 is already used by stations[0]"


def test_duplicate_topic_id_across_stations() -> None:
    raw = tiny()
    raw["stations"][3]["topics"][1]["id"] = "trunk-1-t1"
    assert only_problem(raw) == (
        "stations[3].topics[1].id: 'trunk-1-t1' is already used by stations[0].topics[0]"
    )


def test_topic_id_equal_to_a_station_id() -> None:
    raw = tiny()
    raw["stations"][0]["topics"][1]["id"] = "branch-2"
    assert only_problem(raw) == (
        "stations[0].topics[1].id: 'branch-2' is also a station id; a topic needs an id of its own"
    )


def test_unknown_line_with_suggestion() -> None:
    raw = tiny()
    raw["stations"][2]["line"] = "brnach"
    assert only_problem(raw) == "stations[2].line: unknown line 'brnach' (did you mean 'branch'?)"


def test_unknown_prerequisite_on_the_real_data(genai_raw: dict[str, Any]) -> None:
    genai_raw["stations"][4]["prerequisites"] = ["pre-trainig"]
    assert only_problem(genai_raw) == (
        "stations[4].prerequisites[0]: unknown station 'pre-trainig' (did you mean 'pre-training'?)"
    )


def test_unknown_prerequisite_without_a_close_match_has_no_suggestion() -> None:
    raw = tiny()
    raw["stations"][1]["prerequisites"] = ["zzzzzz"]
    assert only_problem(raw) == "stations[1].prerequisites[0]: unknown station 'zzzzzz'"


def test_self_prerequisite() -> None:
    raw = tiny()
    raw["stations"][1]["prerequisites"] = ["trunk-2"]
    assert (
        only_problem(raw)
        == "stations[1].prerequisites[0]: a station cannot be its own prerequisite"
    )


def test_prerequisite_listed_twice() -> None:
    raw = tiny()
    raw["stations"][1]["prerequisites"] = ["trunk-1", "trunk-1"]
    assert only_problem(raw) == "stations[1].prerequisites[1]: 'trunk-1' is listed twice"


def _rotated_to(cycle: list[str], start: str) -> list[str]:
    """``a → b → c → a`` from any rotation of that cycle, without the closing repeat."""
    assert cycle[0] == cycle[-1], cycle
    at = cycle.index(start)
    return cycle[at:-1] + cycle[:at]


def _cycle_in(message: str) -> list[str]:
    match = re.search(r"prerequisites form a cycle: (.*)$", message)
    assert match, message
    return match.group(1).split(" → ")


def test_two_station_cycle() -> None:
    raw = curriculum_raw(["l"], [station("a", "l", 1, ["b"]), station("b", "l", 2, ["a"])])
    message = only_problem(raw)
    cycle = _cycle_in(message)
    assert cycle in (["a", "b", "a"], ["b", "a", "b"])
    # The location is the station the printed cycle starts from.
    assert message.startswith(f"stations[{'ab'.index(cycle[0])}].prerequisites: ")


def test_three_station_cycle_is_printed_in_travel_order() -> None:
    # a needs c, b needs a, c needs b: travelling a → b → c → a.
    raw = curriculum_raw(
        ["l"],
        [station("a", "l", 1, ["c"]), station("b", "l", 2, ["a"]), station("c", "l", 3, ["b"])],
    )
    cycle = _cycle_in(only_problem(raw))
    assert len(cycle) == 4
    assert _rotated_to(cycle, "a") == ["a", "b", "c"]  # each is followed by one that needs it


def test_cycle_on_the_real_data_is_reported_once(genai_raw: dict[str, Any]) -> None:
    genai_raw["stations"][0]["prerequisites"] = ["neural-nets-llms"]
    cycle = _cycle_in(only_problem(genai_raw))
    assert _rotated_to(cycle, "math-basics") == ["math-basics", "programming", "neural-nets-llms"]


# Values ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/file",
        "https://",
        "example.org/no-scheme",
    ],
)
def test_non_http_urls_are_rejected(url: str) -> None:
    raw = tiny()
    raw["stations"][1]["references"] = [{"title": "Ref", "url": url, "kind": "docs"}]
    message = only_problem(raw)
    assert message.startswith("stations[1].references[0].url: ")
    assert "is not an http(s) URL" in message


def test_url_with_a_space_or_control_character_is_rejected() -> None:
    raw = tiny()
    raw["stations"][1]["references"] = [
        {"title": "Ref", "url": "https://example.org/a b"},
        {"title": "Ref", "url": "https://example.org/\x1b[2J"},
        {"title": "Ref", "url": "https://example.org/\u202etxt.exe"},  # shows as exe.txt
        {"title": "Ref", "url": "https://exa\u200bmple.org/"},  # zero-width space
    ]
    found = problems(raw)
    assert [p.split(":")[0] for p in found] == [
        f"stations[1].references[{index}].url" for index in range(4)
    ]
    assert all("spaces or control characters" in p for p in found)


def test_unknown_reference_kind_lists_the_allowed_ones() -> None:
    raw = tiny()
    raw["stations"][1]["references"] = [{"title": "Ref", "url": "https://x.org", "kind": "blog"}]
    message = only_problem(raw)
    assert message.startswith("stations[1].references[0].kind: 'blog' is not one of: ")
    assert all(kind in message for kind in REFERENCE_KINDS)


@pytest.mark.parametrize("color", ["purple", "#12345", "#gggggg", "7b3fb5", "#7b3fb5 ", ""])
def test_bad_colour(color: str) -> None:
    raw = tiny()
    raw["lines"][1]["color"] = color
    message = only_problem(raw)
    assert message.startswith("lines[1].color: ")
    assert "is not a colour" in message


@pytest.mark.parametrize("color", ["#abc", "#7B3FB5"])
def test_good_colours(color: str) -> None:
    raw = tiny()
    raw["lines"][0]["color"] = color
    assert make_curriculum(raw).lines[0].color == color


@pytest.mark.parametrize("title", ["", "   ", "\t\n", "\x1b[0m\x07"])
def test_empty_or_blank_station_title(title: str) -> None:
    raw = tiny()
    raw["stations"][2]["title"] = title
    assert only_problem(raw) == "stations[2].title: must not be empty"


def test_blank_topic_title_and_line_name() -> None:
    raw = tiny()
    raw["stations"][0]["topics"][1]["title"] = " "
    raw["lines"][0]["name"] = ""
    assert problems(raw) == [
        "lines[0].name: must not be empty",
        "stations[0].topics[1].title: must not be empty",
    ]


def test_overlong_title() -> None:
    raw = tiny()
    raw["stations"][0]["title"] = "x" * 500
    assert "limit is 200" in only_problem(raw)


def test_station_without_topics() -> None:
    raw = tiny()
    raw["stations"][3]["topics"] = []
    assert only_problem(raw) == "stations[3].topics: a station needs at least one topic"


def test_curriculum_without_lines_or_stations() -> None:
    raw = tiny()
    raw["lines"] = []
    raw["stations"] = []
    assert problems(raw) == ["lines: must not be empty", "stations: must not be empty"]


@pytest.mark.parametrize("number", [0, -1, 1_000_001])
def test_station_number_out_of_range(number: int) -> None:
    raw = tiny()
    raw["stations"][0]["number"] = number
    message = only_problem(raw)
    assert message.startswith(f"stations[0].number: {number} is out of range")


# Schema version ----------------------------------------------------------------


def test_newer_schema_version_is_refused_clearly() -> None:
    raw = tiny()
    raw["schema_version"] = 3
    raw["stations"][0]["new_field_from_the_future"] = True  # not listed as a problem
    found = problems(raw)
    assert len(found) == 1
    assert "schema_version 3" in found[0]
    assert "newer" in found[0]
    assert "upgrade metrotui" in found[0]


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        (0, "schema_version: 0 is not supported (expected 1)"),
        ("1", "schema_version: expected a whole number, got text"),
        (True, "schema_version: expected a whole number, got true/false"),
    ],
)
def test_unusable_schema_version(version: Any, expected: str) -> None:
    raw = tiny()
    raw["schema_version"] = version
    assert only_problem(raw) == expected


def test_missing_schema_version() -> None:
    raw = tiny()
    del raw["schema_version"]
    assert only_problem(raw) == "missing key 'schema_version'"


# Files that are not a curriculum at all ---------------------------------------------


def test_not_json_gives_line_and_column() -> None:
    message = only_problem(b'{\n  "schema_version": 1,\n  oops\n}')
    assert message.startswith("line 3, column 3: not valid JSON")


def test_trailing_comma_gives_line_and_column() -> None:
    message = only_problem(b'{"a": 1,}')
    assert message.startswith("line 1, column 9: not valid JSON")


def test_not_utf8() -> None:
    data = '{"title": "café"}'.encode("latin-1")
    assert only_problem(data) == "is not UTF-8 text (byte 14 is 0xe9)"


def test_utf16_is_not_utf8() -> None:
    assert only_problem('{"a": 1}'.encode("utf-16")).startswith("is not UTF-8 text")


def test_byte_order_mark(genai_raw: dict[str, Any]) -> None:
    data = b"\xef\xbb\xbf" + json.dumps(genai_raw).encode()
    assert "byte-order mark" in only_problem(data)


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  "])
def test_empty_or_whitespace_only(data: bytes) -> None:
    assert only_problem(data) == "is empty"


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"[]", "a list"), (b'"text"', "text"), (b"42", "a number"), (b"null", "null")],
)
def test_top_level_must_be_an_object(data: bytes, kind: str) -> None:
    assert only_problem(data) == f"the top level must be a JSON object, not {kind}"


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 100_000,
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    ],
)
def test_deeply_nested_brackets(data: bytes) -> None:
    assert only_problem(data) == "is nested too deeply to be a curriculum"


def test_number_with_thousands_of_digits_is_an_error_not_a_crash() -> None:
    data = b'{"schema_version": ' + b"9" * 5000 + b"}"
    assert only_problem(data).startswith("not valid JSON")


def test_duplicate_key_in_one_object() -> None:
    assert only_problem(b'{"id": "a", "id": "b"}') == "the key 'id' appears twice in one object"


def test_file_too_large(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: fast and takes no real space
    with pytest.raises(CurriculumError) as caught:
        load_curriculum(big)
    assert caught.value.source == str(big)
    (message,) = caught.value.problems
    assert "a curriculum may be at most 16 MB" in message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    # Opening a pipe no one writes to waits for ever: it must not be opened so.
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)
    problems: list[str] = []

    def load() -> None:
        with contextlib.suppress(CurriculumError):
            load_curriculum(pipe)
        with pytest.raises(CurriculumError) as caught:
            load_curriculum(pipe)
        problems.extend(caught.value.problems)

    reader = threading.Thread(target=load, daemon=True)
    reader.start()
    reader.join(timeout=5)
    assert not reader.is_alive(), "waited on the pipe"
    assert problems == ["is a named pipe, not a curriculum file"]


def test_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    padded = tmp_path / "padded.json"
    text = json.dumps(tiny())
    padded.write_text(text + " " * (MAX_FILE_BYTES - len(text)))
    assert load_curriculum(padded).id == "tiny"


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(CurriculumError) as caught:
        load_curriculum(missing)
    assert str(caught.value) == f"{missing}: no such file"


def test_a_folder(tmp_path: Path) -> None:
    with pytest.raises(CurriculumError) as caught:
        load_curriculum(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a folder, not a curriculum file"


def test_load_names_the_file_in_every_message(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    raw = tiny()
    raw["lines"][0]["color"] = "red"
    path.write_text(json.dumps(raw))
    with pytest.raises(CurriculumError) as caught:
        load_curriculum(path)
    assert str(caught.value).splitlines()[0] == f"{path}: 1 problem in this curriculum:"


# Several problems at once -------------------------------------------------------


def test_several_problems_are_reported_together(genai_raw: dict[str, Any]) -> None:
    genai_raw["lines"][2]["color"] = "green"
    genai_raw["stations"][0]["title"] = ""
    genai_raw["stations"][4]["prerequisites"] = ["pre-trainig"]
    genai_raw["stations"][7]["topics"][0]["id"] = "linear-algebra"
    genai_raw["stations"][9]["references"][0]["url"] = "javascript:alert(1)"
    genai_raw["stations"][12]["colour"] = "#fff"
    found = problems(genai_raw)
    locations = sorted(problem.split(": ")[0] for problem in found)
    assert locations == sorted(
        [
            "lines[2].color",
            "stations[0].title",
            "stations[4].prerequisites[0]",
            "stations[7].topics[0].id",
            "stations[9].references[0].url",
            "stations[12]",
        ]
    )
    with pytest.raises(CurriculumError) as caught:
        parse_curriculum(json.dumps(genai_raw).encode(), "genai.json")
    text = str(caught.value)
    assert text.splitlines()[0] == "genai.json: 6 problems in this curriculum:"
    assert all(f"  {problem}" in text.splitlines() for problem in found)


def test_a_very_broken_file_lists_the_first_problems_and_a_count() -> None:
    raw = curriculum_raw(["l"], [station(f"s{n}", "l", n, ["nowhere"]) for n in range(1, 81)])
    with pytest.raises(CurriculumError) as caught:
        parse_curriculum(json.dumps(raw).encode(), "many.json")
    assert len(caught.value.problems) == 80
    text = str(caught.value)
    assert text.splitlines()[0] == "many.json: 80 problems in this curriculum:"
    assert text.splitlines()[-1] == "  … and 30 more"


# Text is cleaned at load -----------------------------------------------------------


def test_control_characters_and_bidi_overrides_are_stripped_at_load() -> None:
    raw = tiny()
    raw["title"] = "Tiny\x1b]0;pwned\x07 Map"
    raw["lines"][0]["name"] = "Trunk\u202e line"
    raw["stations"][0]["title"] = "\x1b[31mFirst\x1b[0m\nstation"
    raw["stations"][0]["summary"] = "Para one.\x07\n\nPara\u2066 two.\x1b[2J"
    raw["stations"][0]["topics"][0]["title"] = "Topic\x9b31m one"
    raw["stations"][0]["topics"][0]["summary"] = "Line\u202d one\nLine two"
    curriculum = make_curriculum(raw)
    first = curriculum.stations[0]
    assert curriculum.title == "Tiny Map"
    assert curriculum.lines[0].name == "Trunk line"
    assert first.title == "First station"
    assert first.summary == "Para one.\n\nPara two."
    assert first.topics[0].title == "Topic one"
    assert first.topics[0].summary == "Line one\nLine two"


def test_markup_in_titles_is_kept_as_plain_text() -> None:
    raw = tiny()
    raw["stations"][0]["title"] = "[bold red]Not markup[/]"
    assert make_curriculum(raw).stations[0].title == "[bold red]Not markup[/]"


# Lookups on a valid curriculum ----------------------------------------------------


def test_lookups_on_a_small_curriculum() -> None:
    curriculum = make_curriculum(chain(["trunk", "a", "b"], 2))
    assert curriculum.station_of("a-1-t2").id == "a-1"
    assert [s.id for s in curriculum.dependents("trunk-2")] == ["a-1", "b-1"]
    assert [s.id for s in curriculum.stations_on("b")] == ["b-1", "b-2"]
    assert curriculum.index("b-1") == 4
    assert curriculum.topic_count == 12
    assert curriculum.suggest("trnk-1") == "trunk-1"
    assert curriculum.suggest("qqqq") is None


# The real GenAI data ------------------------------------------------------------------


def test_genai_stations_in_the_required_order(genai: Curriculum) -> None:
    assert [s.id for s in genai.stations] == GENAI_STATION_IDS
    assert [s.number for s in genai.stations] == list(range(1, 19))


def test_genai_station_titles(genai: Curriculum) -> None:
    titles = {s.id: s.title for s in genai.stations}
    assert titles["math-basics"] == "Math Basics"
    assert titles["neural-nets-llms"] == "Neural Nets & LLMs"  # not the seed's "Nueral"
    assert titles["llm-foundations"] == "LLM/SLM Foundations"
    assert titles["pre-training"] == "Pre-Training"
    assert titles["rag"] == "Retrieval Augmented Generation (RAG)"
    assert titles["securing-llms"] == "Securing LLMs"
    assert not any("Nueral" in s.title for s in genai.stations)


def test_genai_topics(genai: Curriculum) -> None:
    topic_ids = [t.id for s in genai.stations for t in s.topics]
    assert len(topic_ids) == 67 == genai.topic_count
    assert len(set(topic_ids)) == 67
    assert topic_ids[0] == "linear-algebra"
    assert genai.stations[0].topics[0].title == "Linear Algebra"
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", t) for t in topic_ids)
    assert all(t.summary for s in genai.stations for t in s.topics)


def test_genai_lines(genai: Curriculum) -> None:
    assert [(line.id, line.name) for line in genai.lines] == [
        ("foundational", "Foundational"),
        ("scientist", "GenAI Scientist"),
        ("engineer", "GenAI Engineer"),
    ]
    assert [s.line for s in genai.stations] == ["foundational"] * 3 + ["scientist"] * 8 + [
        "engineer"
    ] * 7


def _hls(color: str) -> tuple[float, float, float]:
    red, green, blue = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    return hue * 360, lightness, saturation


def test_genai_line_colours_match_the_picture(genai: Curriculum) -> None:
    colors = {line.id: line.color for line in genai.lines}
    assert colors["foundational"] == "#7b3fb5"  # as given in the issue
    purple, light_blue, green = (_hls(colors[i]) for i in ("foundational", "scientist", "engineer"))
    assert 260 <= purple[0] <= 300
    assert 190 <= light_blue[0] <= 215 and light_blue[1] >= 0.5
    assert 90 <= green[0] <= 150
    assert all(saturation > 0.3 for _, _, saturation in (purple, light_blue, green))


def test_genai_prerequisites(genai: Curriculum) -> None:
    prerequisites = {s.id: list(s.prerequisites) for s in genai.stations}
    assert prerequisites["math-basics"] == []
    assert prerequisites["programming"] == ["math-basics"]
    assert prerequisites["neural-nets-llms"] == ["programming"]
    assert prerequisites["llm-foundations"] == ["neural-nets-llms"]
    assert prerequisites["consuming-llms"] == ["neural-nets-llms"]
    for line in ("scientist", "engineer"):
        on_line = genai.stations_on(line)
        for before, after in zip(on_line, on_line[1:], strict=False):
            assert prerequisites[after.id] == [before.id], after.id


def test_genai_references(genai: Curriculum) -> None:
    references = [r for s in genai.stations for r in s.references]
    assert len(references) == 78
    assert all(r.kind in REFERENCE_KINDS for r in references)
    for reference in references:
        parsed = urlparse(reference.url)
        assert parsed.scheme in ("http", "https") and parsed.netloc, reference.url
    assert all(s.references for s in genai.stations)


# The seed's obvious slips, which the README promises are fixed in the shipped data.
SEED_TYPOS = ("ofcourse", "Nueral", "Constituitional", "Optimzation", "Pytorch", "Github", "OPENAI")


def test_genai_text_has_none_of_the_seeds_typos(genai: Curriculum) -> None:
    texts = [genai.title]
    for stop in genai.stations:
        texts += [stop.title, stop.summary]
        texts += [t.title for t in stop.topics] + [t.summary for t in stop.topics]
        texts += [r.title for r in stop.references]
    found = {typo for typo in SEED_TYPOS for text in texts if typo in text}
    assert not found


@pytest.mark.skipif(not SEED_README.is_file(), reason="the seed README is not beside the repo")
def test_genai_reference_urls_are_exactly_the_seeds(genai: Curriculum) -> None:
    """Each station's references are the links under its References heading, in order."""
    seed = SEED_README.read_text(encoding="utf-8")
    sections = re.split(r"^### (\d+)\. ", seed, flags=re.MULTILINE)
    by_number: dict[int, list[str]] = {}
    for number, body in zip(sections[1::2], sections[2::2], strict=True):
        _, _, refs = body.partition("**References")
        refs = refs.split("\n---", 1)[0].split("\n## ", 1)[0]
        urls = re.findall(r"\]\((https?://[^)\s]+)\)", refs)
        by_number[int(number)] = list(dict.fromkeys(urls))  # the seed repeats one link
    assert sorted(by_number) == list(range(1, 19))
    for s in genai.stations:
        assert [r.url for r in s.references] == by_number[s.number], s.id


def test_genai_source_and_licence(genai: Curriculum) -> None:
    assert genai.schema_version == 1
    assert genai.id == "genai-metromap"
    assert genai.title == "GenAI Learning Metromap"
    assert genai.source is not None
    assert genai.source.license == "Apache-2.0"
    assert genai.source.url == "https://github.com/spraja08/GenAIMetroMap"
    assert genai.source.attribution


def test_genai_round_trips_through_its_own_json(genai: Curriculum) -> None:
    again = parse_curriculum(json.dumps(genai.to_data()).encode(), "again.json")
    assert again == genai


def test_genai_raw_fixture_is_an_independent_copy(genai_raw: dict[str, Any]) -> None:
    changed = copy.deepcopy(genai_raw)
    changed["stations"].pop()
    assert len(genai_raw["stations"]) == 18
    assert parse_curriculum(json.dumps(genai_raw).encode()).id == "genai-metromap"
