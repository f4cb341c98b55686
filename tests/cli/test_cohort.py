"""``metrotui cohort SOURCE``: a study group's standing, as text and as JSON."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rich.cells import cell_len

from metrotui.cli.commands import cli
from metrotui.core.curriculum import Curriculum
from tests.cohort_data import expected_counts, make_learners, progress_doc, write_exports

WIDE = {"COLUMNS": "80", "METROTUI_GLYPHS": "unicode"}


def cohort(*args: str) -> Result:
    result = CliRunner().invoke(cli, ["cohort", *args], env=WIDE, prog_name="metrotui")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def thirty(tmp_path: Path, genai: Curriculum) -> Path:
    folder = tmp_path / "group"
    write_exports(folder, genai, make_learners(genai, 30), datetime.now(UTC))
    return folder


def test_thirty_learners_in_json_match_a_count_by_hand(thirty: Path, genai: Curriculum) -> None:
    result = cohort(str(thirty), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    learners = make_learners(genai, 30)
    expected = expected_counts(genai, learners)
    got = {s["number"]: s["counts"] for s in data["stations"]}
    assert set(got) == set(range(1, 19))
    for number, want in expected.items():
        assert (got[number]["finished"], got[number]["in_it"], got[number]["stuck"]) == (
            want.finished,
            want.in_it,
            want.stuck,
        ), number
        assert got[number]["learners"] == 30
    by_name = {entry["name"]: entry for entry in data["learners"]}
    assert len(by_name) == 30
    for learner in learners:
        entry = by_name[learner.name]
        assert (entry["finished"], entry["total"]) == (learner.ticked, 67)
    assert sum(want.stuck for want in expected.values()) > 0  # the test checks something


def test_thirty_learners_as_text_match_a_count_by_hand(thirty: Path, genai: Curriculum) -> None:
    result = cohort(str(thirty))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    expected = expected_counts(genai, make_learners(genai, 30))
    titles = {s.number: s.title for s in genai.stations}
    for number, want in expected.items():
        row = next(
            line
            for line in lines
            if re.match(rf"\s*{number}\s+{re.escape(titles[number][:12])}", line)
        )
        assert [int(n) for n in row.split()[-3:]] == [want.finished, want.in_it, want.stuck]
    for learner in make_learners(genai, 30):
        assert any(
            line.startswith(learner.name) and f"{learner.ticked}/67" in line for line in lines
        )
        grid_row = [line for line in lines if line.startswith(learner.name)][-1]
        finished_stations = sum(learner.ticked >= end for end in _station_ends(genai))
        assert grid_row.count("●") == finished_stations


def _station_ends(curriculum: Curriculum) -> list[int]:
    ends, total = [], 0
    for station in sorted(curriculum.stations, key=lambda s: s.number):
        total += len(curriculum.keys_of(station.id))
        ends.append(total)
    return ends


def test_path_filter_keeps_only_that_line_and_what_it_needs(thirty: Path) -> None:
    data = json.loads(cohort(str(thirty), "--path", "engineer", "--json").stdout)
    numbers = [s["number"] for s in data["stations"]]
    assert numbers == [1, 2, 3, 12, 13, 14, 15, 16, 17, 18]
    assert data["path"] == "engineer"
    before = CliRunner().invoke(cli, ["--path", "engineer", "cohort", str(thirty), "--json"])
    assert before.exit_code == 0, before.output  # before the command, as for status
    assert json.loads(before.stdout)["stations"] == data["stations"]
    bad = cohort(str(thirty), "--path", "nowhere")
    assert bad.exit_code == 2 and "unknown path" in bad.output


def test_a_name_is_cleaned_escaped_and_cut_to_fit(tmp_path: Path, genai: Curriculum) -> None:
    folder = tmp_path / "group"
    folder.mkdir()
    learner = make_learners(genai, 5)[4]
    name = "[bold red]Ｗｉｄｅ\x1b]0;owned\x07 name that goes on and on and on"
    doc = progress_doc(genai, learner, datetime.now(UTC), learner=name)
    (folder / "x.json").write_text(json.dumps(doc))
    result = cohort(str(folder))
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "[bold red]Ｗｉ" in result.stdout  # markup shown as it is, not run
    assert max(cell_len(line) for line in result.stdout.splitlines()) <= 80
    assert "on and on and on" not in result.stdout  # cut in its cell


def test_not_a_folder_and_an_empty_folder_say_so(tmp_path: Path) -> None:
    missing = cohort(str(tmp_path / "nope"))
    assert missing.exit_code == 2 and "does not exist" in missing.output
    (tmp_path / "empty").mkdir()
    empty = cohort(str(tmp_path / "empty"))
    assert empty.exit_code == 2
    assert "no learners of the curriculum 'genai-metromap'" in empty.output


def test_cohort_needs_no_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from metrotui.cli.commands import cli\n"
        "try:\n    cli.main(['cohort', '--help'], prog_name='metrotui')\n"
        "except SystemExit:\n    pass\n"
        "import metrotui.cli.cohort, metrotui.storage.cohort, metrotui.core.cohort\n"
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "False", out.stderr


def test_a_map_of_many_stations_is_drawn_in_blocks_that_fit(tmp_path: Path) -> None:
    from tests.helpers import chain

    raw = chain(["trunk", "branch"], 60)  # 120 stations, numbers up to three digits
    curriculum_file = tmp_path / "big.json"
    curriculum_file.write_text(json.dumps(raw))
    folder = tmp_path / "group"
    folder.mkdir()
    done = {"trunk-1-t1": "2026-11-30T00:00:00Z", "trunk-1-t2": "2026-11-30T00:00:00Z"}
    for name in ("ann", "bo"):
        export = {"schema_version": 1, "curriculum": "tiny", "done": done}
        (folder / f"{name}.json").write_text(json.dumps(export))
    result = CliRunner().invoke(
        cli, ["--curriculum", str(curriculum_file), "cohort", str(folder)], env=WIDE
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    headers = [row for row in map(str.split, lines) if len(row) > 3 and all(map(str.isdigit, row))]
    numbers = [int(n) for header in headers for n in header]
    assert numbers == list(range(1, 121))  # every station once, in order, over several blocks
    # ann's row in the learners' table, then in each block of the grid
    assert sum(line.startswith("ann") for line in lines) == 1 + len(headers) > 2


def test_a_pipe_or_a_device_as_source_is_one_line_and_exit_2(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe")
    for source, kind in ((tmp_path / "pipe", "a named pipe"), (Path("/dev/zero"), "a device")):
        result = cohort(str(source))
        assert result.exit_code == 2
        assert result.output.strip().splitlines() == [
            f"metrotui: {source} is {kind}, not a folder: give the folder of a sync "
            "repository or a folder of JSON exports"
        ]
