"""`metrotui convert` through the command line: sources, output, report and errors (issue 13)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from metrotui.cli.commands import cli
from metrotui.storage.convert_source import MAX_SOURCE_BYTES
from metrotui.storage.curriculum_file import load_curriculum
from tests.helpers import GENAI_ENGINEER, GENAI_SCIENTIST, GENAI_TRUNK

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GENAI_README = FIXTURES / "genai_readme" / "README.md"
EXERCISM = FIXTURES / "exercism_track" / "config.json"
BUNDLED = Path(__file__).resolve().parents[2] / "data" / "stations.json"


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, ["convert", *args], prog_name="metrotui")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def written(tmp_path: Path, source: Path, *options: str) -> dict[str, Any]:
    output = tmp_path / "out.json"
    result = run(str(source), "-o", str(output), *options)
    assert result.exit_code == 0, result.output
    load_curriculum(output, recheck=True)  # the checker every curriculum goes through
    data: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
    return data


def test_the_genai_readme_converts_to_the_bundled_map(tmp_path: Path) -> None:
    data = written(tmp_path, GENAI_README)
    bundled = json.loads(BUNDLED.read_text(encoding="utf-8"))
    assert [line["name"] for line in data["lines"]] == [
        "Foundational",
        "GenAI Scientists Path",
        "GenAI Engineers Path",
    ]
    rows = data["stations"]
    assert len(rows) == 18 and [row["number"] for row in rows] == list(range(1, 19))
    assert [len(row["topics"]) for row in rows] == [len(s["topics"]) for s in bundled["stations"]]
    assert sum(len(row["topics"]) for row in rows) == 67
    assert [row["title"] for row in rows] == [s["title"] for s in bundled["stations"]]
    # Every reference URL of the published map, station by station, in order.
    assert [[ref["url"] for ref in row["references"]] for row in rows] == [
        [ref["url"] for ref in s["references"]] for s in bundled["stations"]
    ]
    by_number = {row["number"]: row for row in rows}
    third = by_number[3]["id"]
    assert by_number[4]["prerequisites"] == [third] == by_number[12]["prerequisites"]
    lines = [[row["line"] for row in rows].count(line["id"]) for line in data["lines"]]
    assert lines == [len(GENAI_TRUNK), len(GENAI_SCIENTIST), len(GENAI_ENGINEER)]


def test_the_report_goes_to_stderr_and_says_what_was_found(tmp_path: Path) -> None:
    result = run(str(GENAI_README), "-o", str(tmp_path / "g.json"))
    assert result.stdout == ""
    assert "Found 3 lines, 18 stations, 67 topics and 78 references (Markdown)." in result.stderr
    assert "Layout: fork" in result.stderr
    assert f"Wrote {tmp_path / 'g.json'}: curriculum 'genai-learning-metromap'" in result.stderr


def test_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    first = run(str(GENAI_README)).stdout
    second = run(str(GENAI_README)).stdout
    assert first == second and json.loads(first)["id"] == "genai-learning-metromap"


def test_preview_prints_the_outline_and_writes_nothing(tmp_path: Path) -> None:
    output = tmp_path / "never.json"
    result = run(str(GENAI_README), "--preview", "-o", str(output))
    assert result.exit_code == 0
    assert "  4 LLM/SLM Foundations [llm-slm-foundations]  (needs neural-nets-llms)" in (
        result.stdout
    )
    assert "Found 3 lines" in result.stderr
    assert not output.exists()


def test_source_and_license_are_recorded(tmp_path: Path) -> None:
    data = written(
        tmp_path,
        GENAI_README,
        "--source",
        "https://github.com/spraja08/GenAIMetroMap",
        "--license",
        "Apache-2.0",
    )
    assert data["source"]["url"] == "https://github.com/spraja08/GenAIMetroMap"
    assert data["source"]["license"] == "Apache-2.0"
    assert data["meta"] == {"converted from": "README.md"}


def test_the_exercism_track_gives_two_lines_with_the_real_edges(tmp_path: Path) -> None:
    data = written(tmp_path, EXERCISM)
    assert [line["name"] for line in data["lines"]] == ["Concept exercises", "Practice exercises"]
    needs = {row["id"]: row["prerequisites"] for row in data["stations"]}
    assert "old-exercise" not in needs  # deprecated
    # Listed before the exercise that teaches lists, and still needs it.
    assert needs["tisbury-treasure-hunt"] == ["tracks-on-tracks", "lucys-lasagna"]
    # Recursion is taught twice: either exercise will do.
    assert needs["accumulate"] == [
        {"one_of": ["pizza-pricing", "list-ops-intro"]},
        "tracks-on-tracks",
    ]
    assert needs["hello-world"] == []
    triangle = next(row for row in data["stations"] if row["id"] == "triangle")
    assert triangle["references"][0]["url"] == (
        "https://exercism.org/tracks/gleam/exercises/triangle"
    )
    assert triangle["meta"] == {"difficulty": "3"}


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "map.png", "is neither a Markdown roadmap nor an Exercism"),
        (b'{"lines": []}', "curriculum.json", "without exercises.concept"),
        (b"# Only\n\n![a picture](a.png)\n", "README.md", "nothing to import: looked for"),
        (b"Just a paragraph of text.\n", "README.md", "nothing to import"),
    ],
)
def test_sources_that_cannot_be_converted_exit_2(
    tmp_path: Path, content: bytes, name: str, message: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    result = run(str(source), "-o", str(tmp_path / "out.json"))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out.json").exists()


def test_a_url_is_refused_without_using_the_network() -> None:
    result = run("https://github.com/spraja08/GenAIMetroMap/raw/main/README.md")
    assert result.exit_code == 2
    assert "reads local files only and never uses the network" in result.stderr


def test_a_source_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "huge.md"
    with source.open("wb") as handle:
        handle.truncate(MAX_SOURCE_BYTES + 1)
    result = run(str(source))
    assert result.exit_code == 2
    assert "convert reads files of at most 4 MB" in result.stderr


def test_the_source_itself_is_never_overwritten(tmp_path: Path) -> None:
    source = tmp_path / "README.md"
    source.write_text("## A\n\n- x\n", encoding="utf-8")
    result = run(str(source), "-o", str(source))
    assert result.exit_code == 2
    assert source.read_text(encoding="utf-8") == "## A\n\n- x\n"


def test_convert_never_imports_textual(tmp_path: Path) -> None:
    from tests.cli.test_import_hygiene import run_command

    assert run_command(["convert", str(GENAI_README), "--preview"], tmp_path) == []


def test_a_converted_readme_is_a_curriculum_for_the_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "metrotui"
    output = tmp_path / "my.json"
    converted = subprocess.run(
        [str(script), "convert", str(GENAI_README), "-o", str(output)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert converted.returncode == 0, converted.stderr
    status = subprocess.run(
        [str(script), "--curriculum", str(output), "--progress", str(tmp_path / "p.json"), "next"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert status.returncode == 0, status.stderr
    assert "Math Basics" in status.stdout


def test_a_file_that_is_not_a_curriculum_is_never_replaced(tmp_path: Path) -> None:
    notes = tmp_path / "notes.json"
    notes.write_text('{"mine": true}\n', encoding="utf-8")
    result = run(str(GENAI_README), "-o", str(notes))
    assert result.exit_code == 2
    assert "exists and is not a curriculum file; nothing was written" in result.stderr
    assert notes.read_text(encoding="utf-8") == '{"mine": true}\n'
    # An earlier conversion is replaced: converting again is how a README's edits come in.
    earlier = tmp_path / "earlier.json"
    assert run(str(GENAI_README), "-o", str(earlier)).exit_code == 0
    assert run(str(GENAI_README), "-o", str(earlier), "--layout", "chain").exit_code == 0
    rows = json.loads(earlier.read_text(encoding="utf-8"))["stations"]
    assert rows[11]["prerequisites"] == [rows[10]["id"]]


def test_a_readme_without_a_title_is_named_after_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "rust-roadmap"
    folder.mkdir()
    (folder / "README.md").write_text("- Ownership\n- Borrowing\n", encoding="utf-8")
    data = json.loads(run(str(folder / "README.md")).stdout)
    assert (data["id"], data["title"]) == ("rust-roadmap", "rust-roadmap")


def test_an_exercism_loop_is_broken_and_reported(tmp_path: Path) -> None:
    track = {
        "language": "Loop",
        "slug": "loop",
        "exercises": {
            "concept": [
                {"slug": "a", "name": "A", "concepts": ["x"], "prerequisites": ["y"]},
                {"slug": "b", "name": "B", "concepts": ["y"], "prerequisites": ["x"]},
            ],
            "practice": [],
        },
        "concepts": [],
    }
    source = tmp_path / "config.json"
    source.write_text(json.dumps(track), encoding="utf-8")
    data = written(tmp_path, source)
    assert [row["prerequisites"] for row in data["stations"]] == [["b"], []]
    assert "Skipped 1 prerequisite that closed a loop." in run(str(source)).stderr
