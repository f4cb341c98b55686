"""The CLI on version 2 curricula: the forms an id may take, stations ticked
whole, "one of" needs, next's cap, and progress keys that keep old files as they were."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from metrotui.cli.commands import cli
from tests.cli.test_cli import GENAI_PROGRESS, Run
from tests.storage.test_schema_v2 import FIXTURE, v2


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """The command through click's runner, in a folder of its own; a traceback fails."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        result = runner.invoke(cli, list(args), prog_name="metrotui")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    return invoke


@pytest.fixture
def fifteen(tmp_path: Path) -> tuple[str, ...]:
    """Global options for the fifteen-line fixture with its own progress file."""
    return ("--curriculum", str(FIXTURE), "--progress", str(tmp_path / "progress.json"))


def progress_done(options: tuple[str, ...]) -> dict[str, str]:
    data: dict[str, Any] = json.loads(Path(options[-1]).read_text(encoding="utf-8"))
    return data["done"]


def write(path: Path, raw: dict[str, Any]) -> Path:
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


# Ids ---------------------------------------------------------------------------------


def test_a_qualified_topic_id_marks_that_topic_only(run: Run, fifteen: tuple[str, ...]) -> None:
    run(*fifteen, "done", "intro-cs", "python-basics")
    result = run(*fifteen, "undo", "python-basics/testing")
    assert result.exit_code == 0, result.output
    assert "Testing" in result.stdout
    assert "python-basics/testing" not in progress_done(fifteen)
    assert "syntax" in progress_done(fifteen)


def test_a_bare_topic_id_works_where_it_is_unique(run: Run, fifteen: tuple[str, ...]) -> None:
    run(*fifteen, "done", "intro-cs")
    result = run(*fifteen, "done", "syntax", "python-basics/functions")
    assert result.exit_code == 0, result.output
    assert {"syntax", "functions"} <= set(progress_done(fifteen))


def test_an_ambiguous_topic_id_lists_the_qualified_choices(
    run: Run, fifteen: tuple[str, ...]
) -> None:
    result = run(*fifteen, "done", "testing")
    assert result.exit_code == 2
    assert result.stderr == (
        "metrotui: 'testing' is a topic of 2 stations; give one of: "
        "python-basics/testing, programming-paradigms/testing\n"
    )
    assert not Path(fifteen[-1]).exists()


def test_a_station_id_wins_over_a_topic_of_the_same_id(run: Run, fifteen: tuple[str, ...]) -> None:
    run(*fifteen, "done", "intro-cs/evaluation", "intro-cs/what-is-computing")
    assert set(progress_done(fifteen)) == {"intro-cs/evaluation", "what-is-computing"}
    locked = run(*fifteen, "done", "evaluation")  # the station, which is locked
    assert locked.exit_code == 1
    assert "Evaluation is locked: first finish 21 Introduction to machine learning" in (
        locked.stderr
    )


def test_a_number_names_a_station_where_it_is_unique(run: Run, tmp_path: Path) -> None:
    raw = v2()
    raw["stations"][1]["number"] = 1
    options = ("--curriculum", str(write(tmp_path / "c.json", raw)))
    options += ("--progress", str(tmp_path / "p.json"))
    repeated = run(*options, "done", "1")
    assert repeated.exit_code == 2
    assert repeated.stderr == (
        "metrotui: 1 is the number of 2 stations: one (One), two (Two); name one by its id\n"
    )
    assert not (tmp_path / "p.json").exists()
    unique = run(*options, "done", "3/t", "one")  # 3 is unique: station three
    assert unique.exit_code == 0, unique.output
    assert set(progress_done(options)) == {"one", "three/t"}


# Stations without topics ------------------------------------------------------------------


def test_a_station_without_topics_through_every_command(run: Run, fifteen: tuple[str, ...]) -> None:
    done = run(*fifteen, "done", "calculus")
    assert done.exit_code == 0, done.output
    assert "Calculus" in done.stdout and "Finished: Calculus" in done.stdout
    assert "calculus" in progress_done(fifteen)
    status = json.loads(run(*fifteen, "status", "--json").stdout)
    calculus = next(s for s in status["stations"] if s["id"] == "calculus")
    assert (calculus["state"], calculus["finished"], calculus["total"]) == ("done", 1, 1)
    stats = json.loads(run(*fifteen, "stats", "--json").stdout)
    assert stats["overall"]["done"] == 1
    undo = run(*fifteen, "undo", "calculus")
    assert undo.exit_code == 0 and "Unmarked 1 topic" in undo.stdout
    known = run(*fifteen, "known", "calculus")
    assert known.exit_code == 0 and "Calculus" in known.stdout
    status = json.loads(run(*fifteen, "status", "--json").stdout)
    calculus = next(s for s in status["stations"] if s["id"] == "calculus")
    assert (calculus["known"], calculus["state"]) == (1, "done")
    route = run(*fifteen, "route", "network-security", "--json")
    assert json.loads(route.stdout) == [
        "intro-cs",
        "python-basics",
        "computer-architecture",
        "networking-basics",
        "network-security",
    ]


def test_locked_needs_say_one_of(run: Run, fifteen: tuple[str, ...]) -> None:
    result = run(*fifteen, "done", "crypto")
    assert result.exit_code == 1
    assert result.stderr == (
        "metrotui: Cryptography is locked: first finish one of 5 Discrete mathematics or "
        "7 Probability and statistics. Nothing was recorded.\n"
    )


def test_next_names_the_keys_to_type(run: Run, fifteen: tuple[str, ...]) -> None:
    run(*fifteen, "done", "intro-cs", "python-basics")
    out = run(*fifteen, "next").stdout
    assert "programming-paradigms/testing  Property-based testing" in out
    assert "functional  Functional programming" in out


# next's cap ------------------------------------------------------------------------------


def catalogue(stations: int) -> dict[str, Any]:
    """A catalogue of videos: no prerequisites, no topics, every station open at once."""
    return {
        "schema_version": 2,
        "id": "catalogue",
        "title": "Catalogue",
        "lines": [{"id": "videos", "name": "Videos"}],
        "stations": [
            {"id": f"v{n}", "title": f"Video {n}", "line": "videos", "prerequisites": []}
            for n in range(1, stations + 1)
        ],
    }


def test_next_shows_the_first_20_open_stations_and_counts_the_rest(
    run: Run, tmp_path: Path
) -> None:
    options = ("--curriculum", str(write(tmp_path / "c.json", catalogue(533))))
    options += ("--progress", str(tmp_path / "p.json"))
    capped = run(*options, "next").stdout
    assert "Video 20" in capped and "Video 21" not in capped
    assert "… and 513 more open stations (see them all with --all)" in capped
    everything = run(*options, "next", "--all").stdout
    assert "Video 533" in everything and "more open station" not in everything


def test_next_with_20_or_fewer_open_stations_shows_them_all(run: Run, tmp_path: Path) -> None:
    options = ("--curriculum", str(write(tmp_path / "c.json", catalogue(20))))
    options += ("--progress", str(tmp_path / "p.json"))
    out = run(*options, "next").stdout
    assert "Video 20" in out and "more open station" not in out


# Progress keys ----------------------------------------------------------------------------


def test_a_version_1_progress_file_is_byte_identical_after_a_mark_and_unmark(
    run: Run, isolated_config: Path
) -> None:
    path = isolated_config / GENAI_PROGRESS
    run("done", "math-basics")
    before = path.read_bytes()
    run("done", "python-basics")
    assert path.read_bytes() != before
    run("undo", "python-basics")
    assert path.read_bytes() == before
    assert set(json.loads(before)["done"]) == {
        "linear-algebra",
        "calculus",
        "probability-and-statistics",
    }


def test_a_mark_in_the_other_spelling_counts_and_is_undone(
    run: Run, fifteen: tuple[str, ...]
) -> None:
    # Written as station/topic though its key is the bare id: read, counted, undone.
    Path(fifteen[-1]).write_text(
        json.dumps(
            {
                "schema_version": 1,
                "curriculum": "cs-fifteen-lines",
                "done": {"intro-cs/what-is-computing": "2026-01-01T00:00:00.000Z"},
            }
        ),
        encoding="utf-8",
    )
    status = json.loads(run(*fifteen, "status", "--json").stdout)
    assert status["overall"]["done"] == 1 and status["not_in_curriculum"] == []
    run(*fifteen, "undo", "what-is-computing")
    assert progress_done(fifteen) == {}


def test_topic_less_marks_go_through_export_import_and_merge(
    run: Run, fifteen: tuple[str, ...], tmp_path: Path
) -> None:
    run(*fifteen, "done", "calculus", "intro-cs", "einführung-tübingen")
    exported = tmp_path / "export.json"
    run(*fifteen, "export", "-o", str(exported))
    markdown = run(*fifteen, "export", "--format", "markdown").stdout
    assert "### 8. Calculus (done)\n\n- [x] Calculus" in markdown
    other = ("--curriculum", str(FIXTURE), "--progress", str(tmp_path / "other.json"))
    run(*other, "known", "linear-algebra")
    imported = run(*other, "import", str(exported))
    assert imported.exit_code == 0, imported.output
    data = json.loads((tmp_path / "other.json").read_text(encoding="utf-8"))
    assert {"calculus", "einführung-tübingen", "intro-cs/evaluation"} <= set(data["done"])
    assert set(data["known"]) == {"linear-algebra"}
    again = (tmp_path / "other.json").read_bytes()
    run(*other, "import", str(exported))
    assert (tmp_path / "other.json").read_bytes() == again  # a repeat changes nothing


def test_completion_offers_the_key_of_a_topic_whose_id_repeats(run: Run) -> None:
    env = {
        "_METROTUI_COMPLETE": "bash_complete",
        "COMP_WORDS": f"metrotui --curriculum {FIXTURE} done python-basics/",
        "COMP_CWORD": "4",
    }
    result = CliRunner().invoke(cli, [], env=env, prog_name="metrotui")
    assert "python-basics/testing" in result.stdout
    env["COMP_WORDS"] = f"metrotui --curriculum {FIXTURE} done synt"
    assert "plain,syntax" in CliRunner().invoke(cli, [], env=env, prog_name="metrotui").stdout
