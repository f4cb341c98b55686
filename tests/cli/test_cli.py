"""The ``metrotui`` command, through click's runner and as a real installed program."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from metrotui import __version__
from metrotui.cli.commands import cli
from metrotui.paths import bundled_curriculum
from tests.helpers import chain

GENAI_PROGRESS = Path("metrotui") / "progress" / "genai-metromap.json"
STATION_KEYS = {
    *("id", "number", "title", "line", "line_name", "state"),
    *("done", "known", "finished", "total"),
}
Run = Callable[..., Result]


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder that is neither the repository nor the config folder."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def progress_path(isolated_config: Path) -> Path:
    return isolated_config / GENAI_PROGRESS


@pytest.fixture
def run(elsewhere: Path) -> Run:
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        result = runner.invoke(cli, list(args), env=env, prog_name="metrotui")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception  # an unexpected exception is a traceback for a user
        assert "Traceback" not in result.output
        return result

    return invoke


def status_json(run: Run, *global_options: str, path: str = "all") -> dict[str, Any]:
    result = run(*global_options, "status", "--path", path, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def station_states(data: dict[str, Any]) -> dict[str, str]:
    return {station["id"]: station["state"] for station in data["stations"]}


def write_curriculum(path: Path, raw: dict[str, Any]) -> Path:
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


# status -----------------------------------------------------------------------------


def test_status_on_a_fresh_start(run: Run, genai: Any) -> None:
    result = run("status")
    assert result.exit_code == 0
    out = result.stdout
    assert "GenAI Learning Metromap" in out
    for name in ("Foundational", "GenAI Scientist", "GenAI Engineer"):
        assert f"━━ {name}" in out
    rows = [line for line in out.splitlines() if re.search(r"\b(open|locked)\b", line)]
    assert len(rows) == 18
    for station, row in zip(genai.stations, rows, strict=True):
        assert f"{station.number} {station.title}" in row
    assert [row for row in rows if "open" in row] == [rows[0]]
    assert "Math Basics" in rows[0] and "0/3" in rows[0]
    assert result.stderr == ""


def test_status_json_shape_on_a_fresh_start(run: Run, genai: Any) -> None:
    data = status_json(run)
    assert set(data) == {
        "curriculum",
        "title",
        "path",
        "path_name",
        "overall",
        "lines",
        "stations",
        "not_in_curriculum",
    }
    assert data["not_in_curriculum"] == []
    assert data["curriculum"] == "genai-metromap"
    assert data["path"] == "all"
    assert data["overall"] == {"done": 0, "known": 0, "finished": 0, "total": 67, "percent": 0}
    assert data["lines"] == [
        {
            "id": "foundational",
            "name": "Foundational",
            "done": 0,
            "known": 0,
            "finished": 0,
            "total": 11,
        },
        {
            "id": "scientist",
            "name": "GenAI Scientist",
            "done": 0,
            "known": 0,
            "finished": 0,
            "total": 30,
        },
        {
            "id": "engineer",
            "name": "GenAI Engineer",
            "done": 0,
            "known": 0,
            "finished": 0,
            "total": 26,
        },
    ]
    assert [s["id"] for s in data["stations"]] == [s.id for s in genai.stations]
    assert all(set(s) == STATION_KEYS for s in data["stations"])
    assert data["stations"][0] == {
        "id": "math-basics",
        "number": 1,
        "title": "Math Basics",
        "line": "foundational",
        "line_name": "Foundational",
        "state": "available",
        "done": 0,
        "known": 0,
        "finished": 0,
        "total": 3,
    }
    assert list(station_states(data).values()) == ["available"] + ["locked"] * 17


def test_done_then_status_json(run: Run, progress_path: Path) -> None:
    result = run("done", "linear-algebra")
    assert result.exit_code == 0
    assert "Marked 1 topic done" in result.stdout
    assert "Linear Algebra" in result.stdout
    assert progress_path.is_file()
    data = status_json(run)
    assert data["stations"][0] == {
        "id": "math-basics",
        "number": 1,
        "title": "Math Basics",
        "line": "foundational",
        "line_name": "Foundational",
        "state": "in_progress",
        "done": 1,
        "known": 0,
        "finished": 1,
        "total": 3,
    }
    assert data["overall"] == {"done": 1, "known": 0, "finished": 1, "total": 67, "percent": 1}
    assert data["lines"][0] == {
        "id": "foundational",
        "name": "Foundational",
        "done": 1,
        "known": 0,
        "finished": 1,
        "total": 11,
    }


def test_status_path_scientist(run: Run) -> None:
    data = status_json(run, path="scientist")
    assert data["path"] == "scientist"
    assert len(data["stations"]) == 11
    assert {s["line"] for s in data["stations"]} == {"foundational", "scientist"}
    assert [line["id"] for line in data["lines"]] == ["foundational", "scientist"]
    assert data["overall"] == {"done": 0, "known": 0, "finished": 0, "total": 41, "percent": 0}


def test_status_path_engineer_as_text(run: Run) -> None:
    result = run("status", "--path", "engineer")
    assert result.exit_code == 0
    assert "Consuming LLMs" in result.stdout
    assert "Pre-Training" not in result.stdout
    assert "GenAI Scientist" not in result.stdout


@pytest.mark.parametrize("command", ["status", "next"])
def test_unknown_path_exits_2(run: Run, command: str) -> None:
    result = run(command, "--path", "nonsense")
    assert result.exit_code == 2
    assert "unknown path 'nonsense'" in result.stderr
    result = run(command, "--path", "enginer")
    assert result.exit_code == 2
    assert "did you mean 'engineer'?" in result.stderr


# done / undo ------------------------------------------------------------------------------


def test_marking_a_locked_topic_exits_1_and_writes_nothing(run: Run, progress_path: Path) -> None:
    result = run("done", "data-management")
    assert result.exit_code == 1
    assert "Pre-Training is locked" in result.stderr
    assert "LLM/SLM Foundations" in result.stderr
    assert "Nothing was recorded" in result.stderr
    assert not progress_path.exists()


def test_a_refused_mark_leaves_an_existing_file_unchanged(run: Run, progress_path: Path) -> None:
    assert run("done", "linear-algebra").exit_code == 0
    before = progress_path.read_bytes()
    result = run("done", "calculus", "pre-training")  # one fine id, one locked: nothing done
    assert result.exit_code == 1
    assert progress_path.read_bytes() == before


def test_unknown_id_exits_2_with_a_suggestion(run: Run, progress_path: Path) -> None:
    result = run("done", "linear-algebr")
    assert result.exit_code == 2
    assert "unknown station or topic 'linear-algebr'" in result.stderr
    assert "did you mean 'linear-algebra'?" in result.stderr
    assert not progress_path.exists()
    result = run("undo", "calculs")
    assert result.exit_code == 2
    assert "did you mean 'calculus'?" in result.stderr


def test_done_with_station_ids_in_order(run: Run) -> None:
    result = run("done", "math-basics", "programming")
    assert result.exit_code == 0
    assert "Marked 7 topics done" in result.stdout
    assert "Finished: Math Basics, Programming" in result.stdout
    assert "Unlocked: Neural Nets & LLMs" in result.stdout
    states = station_states(status_json(run))
    assert states["neural-nets-llms"] == "available"


def test_done_twice_says_already_done(run: Run, progress_path: Path) -> None:
    run("done", "calculus")
    before = progress_path.read_bytes()
    result = run("done", "calculus")
    assert result.exit_code == 0
    assert "Already done: Calculus" in result.stdout
    assert progress_path.read_bytes() == before


def test_undo_relocks(run: Run) -> None:
    run("done", "math-basics", "python-basics")
    assert station_states(status_json(run))["programming"] == "in_progress"
    result = run("undo", "calculus")
    assert result.exit_code == 0
    assert "Unmarked 1 topic" in result.stdout
    assert "Locked again: Programming" in result.stdout
    data = status_json(run)
    assert station_states(data)["math-basics"] == "in_progress"
    assert station_states(data)["programming"] == "locked"
    assert data["overall"]["done"] == 3


def test_undo_of_something_not_done_changes_nothing(run: Run, progress_path: Path) -> None:
    result = run("undo", "math-basics")
    assert result.exit_code == 0
    assert "nothing changed" in result.stdout
    assert not progress_path.exists()


def test_done_needs_an_id(run: Run) -> None:
    result = run("done")
    assert result.exit_code == 2


# next / validate / where / version ---------------------------------------------------------


def test_next_on_a_fresh_start(run: Run) -> None:
    result = run("next")
    assert result.exit_code == 0
    out = result.stdout
    assert "Math Basics" in out
    for topic in ("linear-algebra", "calculus", "probability-and-statistics"):
        assert topic in out
    assert "Programming" not in out


def test_next_after_the_trunk(run: Run) -> None:
    run("done", "math-basics", "programming", "neural-nets-llms", "llm-apis")
    out = run("next").stdout
    assert "LLM/SLM Foundations" in out and "Consuming LLMs" in out
    assert "llm-apis" not in out  # done topics are not listed
    assert "open-source-llms" in out
    scientist = run("next", "--path", "scientist").stdout
    assert "LLM/SLM Foundations" in scientist and "Consuming LLMs" not in scientist


def test_next_when_everything_is_done(run: Run, genai: Any) -> None:
    run("done", *[s.id for s in genai.stations])
    assert "Everything on this path is done" in run("next").stdout


def test_validate_the_bundled_curriculum(run: Run) -> None:
    result = run("validate", str(bundled_curriculum()))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert "valid" in lines[0]
    assert "3 lines, 18 stations, 67 topics and 78 references" in lines[0]


def test_validate_a_bad_file_lists_every_problem(run: Run, elsewhere: Path) -> None:
    raw = json.loads(bundled_curriculum().read_text(encoding="utf-8"))
    raw["stations"][4]["prerequisites"] = ["pre-trainig"]
    raw["lines"][0]["color"] = "purple"
    raw["stations"][2]["topcs"] = []
    bad = write_curriculum(elsewhere / "bad.json", raw)
    result = run("validate", "bad.json")
    assert result.exit_code == 2
    assert result.stdout == ""
    err = result.stderr
    assert "bad.json: 3 problems" in err
    assert (
        "stations[4].prerequisites[0]: unknown station 'pre-trainig' (did you mean 'pre-training'?)"
        in err
    )
    assert "lines[0].color: 'purple' is not a colour" in err
    assert "stations[2]: unknown key 'topcs' (did you mean 'topics'?)" in err
    assert bad.exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", "is empty"), (b"{,}", "line 1, column 2"), (b"[" * 100_000, "nested too deeply")],
)
def test_validate_files_that_are_not_curricula(
    run: Run, elsewhere: Path, content: bytes, expected: str
) -> None:
    (elsewhere / "c.json").write_bytes(content)
    result = run("validate", "c.json")
    assert result.exit_code == 2
    assert expected in result.stderr


def test_validate_a_missing_file(run: Run) -> None:
    result = run("validate", "nope.json")
    assert result.exit_code == 2
    assert "nope.json: no such file" in result.stderr


def test_where(run: Run, isolated_config: Path) -> None:
    result = run("where")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"curriculum: {bundled_curriculum()}",
        f"config:     {isolated_config / 'metrotui'}",
        f"progress:   {isolated_config / GENAI_PROGRESS}",
        "machine:    none yet (made by the first metrotui sync)",
        "sync:       no remote (metrotui sync --remote URL_OR_PATH)",
    ]


def test_where_still_names_the_folders_when_the_curriculum_is_broken(
    run: Run, tmp_path: Path, isolated_config: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    result = run("--curriculum", str(broken), "where")
    assert result.exit_code == 2
    assert f"curriculum: {broken}" in result.stdout
    assert f"config:     {isolated_config / 'metrotui'}" in result.stdout
    assert "not valid JSON" in result.stderr


def test_version(run: Run) -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"metrotui, version {__version__}"


# Choosing files --------------------------------------------------------------------------


def test_progress_option(run: Run, elsewhere: Path, progress_path: Path) -> None:
    chosen = elsewhere / "mine.json"
    assert run("--progress", str(chosen), "done", "calculus").exit_code == 0
    assert "calculus" in json.loads(chosen.read_text())["done"]
    assert not progress_path.exists()
    assert f"progress:   {chosen}" in run("--progress", str(chosen), "where").stdout
    assert status_json(run, "--progress", str(chosen))["overall"]["done"] == 1
    assert status_json(run)["overall"]["done"] == 0


def test_progress_environment_variable(run: Run, elsewhere: Path, progress_path: Path) -> None:
    chosen = elsewhere / "env.json"
    env = {"METROTUI_PROGRESS": str(chosen)}
    assert run("done", "calculus", env=env).exit_code == 0
    assert "calculus" in json.loads(chosen.read_text())["done"]
    assert not progress_path.exists()
    assert f"progress:   {chosen}" in run("where", env=env).stdout
    # The option wins over the environment.
    option = elsewhere / "option.json"
    assert run("--progress", str(option), "done", "linear-algebra", env=env).exit_code == 0
    assert set(json.loads(option.read_text())["done"]) == {"linear-algebra"}


def test_a_bad_curriculum_option_exits_2_naming_the_file(run: Run, elsewhere: Path) -> None:
    bad = elsewhere / "broken.json"
    bad.write_text('{"schema_version": 1, "id": "x"')
    for command in (["status"], ["done", "x"], ["where"]):
        result = run("--curriculum", str(bad), *command)
        assert result.exit_code == 2
        assert f"{bad}: line 1" in result.stderr
    result = run("--curriculum", str(elsewhere / "missing.json"), "status")
    assert result.exit_code == 2
    assert "missing.json: no such file" in result.stderr


def test_a_small_curriculum_by_option_and_environment(
    run: Run, elsewhere: Path, isolated_config: Path
) -> None:
    path = write_curriculum(elsewhere / "tiny.json", chain(["trunk", "branch"], 2))
    data = status_json(run, "--curriculum", str(path))
    assert data["curriculum"] == "tiny"
    assert [s["id"] for s in data["stations"]] == ["trunk-1", "trunk-2", "branch-1", "branch-2"]
    result = run("done", "trunk-1", env={"METROTUI_CURRICULUM": str(path)})
    assert result.exit_code == 0
    # Each curriculum keeps its own progress file.
    assert (isolated_config / "metrotui" / "progress" / "tiny.json").is_file()
    assert not (isolated_config / GENAI_PROGRESS).exists()


def test_curriculum_text_is_shown_as_text_not_markup(run: Run, elsewhere: Path) -> None:
    raw = chain(["trunk"], 1)
    raw["stations"][0]["title"] = "[bold red]Literal[/] \x1b[2Jtitle"
    path = write_curriculum(elsewhere / "markup.json", raw)
    out = run("--curriculum", str(path), "status").stdout
    assert "[bold red]Literal[/] title" in out
    assert "\x1b" not in out


# Progress problems seen from the command line ------------------------------------------------


def test_a_damaged_progress_file_is_set_aside_and_the_command_works(
    run: Run, progress_path: Path
) -> None:
    progress_path.parent.mkdir(parents=True)
    cut_short = b'{\n  "schema_version": 1,\n  "curriculum": "genai-metromap",\n  "done": {\n    "'
    progress_path.write_bytes(cut_short)
    result = run("done", "calculus")
    assert result.exit_code == 0
    match = re.search(r"moved, bytes untouched, to (\S+?);", result.stderr)
    assert match, result.stderr
    aside = Path(match.group(1))
    assert aside.parent == progress_path.parent
    assert aside.read_bytes() == cut_short
    assert set(json.loads(progress_path.read_text())["done"]) == {"calculus"}


def test_a_newer_progress_file_is_refused_and_left_alone(run: Run, progress_path: Path) -> None:
    progress_path.parent.mkdir(parents=True)
    raw = b'{"schema_version": 9, "curriculum": "genai-metromap", "done": {}}'
    progress_path.write_bytes(raw)
    for command in (["status"], ["done", "linear-algebra"], ["undo", "calculus"]):
        result = run(*command)
        assert result.exit_code == 2
        assert "newer metrotui" in result.stderr
    assert progress_path.read_bytes() == raw


def test_marks_for_unknown_topics_are_kept_and_mentioned(run: Run, progress_path: Path) -> None:
    progress_path.parent.mkdir(parents=True)
    progress_path.write_text(
        json.dumps(
            {"schema_version": 1, "curriculum": "genai-metromap", "done": {"gone": "2024-01-01Z"}}
        )
    )
    result = run("status", "--json")
    assert json.loads(result.stdout)["overall"]["done"] == 0  # stdout stays clean JSON
    assert "1 mark in" in result.stderr and "is kept" in result.stderr
    assert "remove it with: metrotui forget gone" in result.stderr
    run("done", "calculus")
    assert set(json.loads(progress_path.read_text())["done"]) == {"gone", "calculus"}


def test_a_write_failure_is_a_clean_error(
    run: Run, progress_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    result = run("done", "calculus")
    assert result.exit_code == 2
    assert "no space left on device" in result.stderr
    assert not progress_path.exists()


# The installed program ----------------------------------------------------------------------


def program_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("METROTUI_")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    env.pop("NO_COLOR", None)
    return env


def test_the_done_when_story_through_python_m(tmp_path: Path) -> None:
    cwd = tmp_path / "somewhere-else"
    cwd.mkdir()
    env = program_env(tmp_path)
    progress = tmp_path / "xdg" / GENAI_PROGRESS

    def metrotui(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "metrotui", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert "Traceback" not in result.stdout + result.stderr
        return result

    status = metrotui("status")
    assert status.returncode == 0
    assert len(re.findall(r"\b(open|locked)\b", status.stdout)) == 18
    assert re.search(r"1 Math Basics\s+○ open", status.stdout)
    assert status.stdout.count(" open") == 1

    assert metrotui("done", "linear-algebra").returncode == 0
    data = json.loads(metrotui("status", "--json").stdout)
    assert data["stations"][0]["state"] == "in_progress"
    assert data["stations"][0]["done"] == 1

    before = progress.read_bytes()
    refused = metrotui("done", "data-management")
    assert refused.returncode == 1
    assert "locked" in refused.stderr
    assert progress.read_bytes() == before

    unknown = metrotui("done", "linear-algebr")
    assert unknown.returncode == 2
    assert "did you mean" in unknown.stderr


def test_the_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "metrotui"
    assert script.is_file(), "the metrotui console script is not installed beside python"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    env = program_env(tmp_path)
    version = subprocess.run(
        [str(script), "--version"], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )
    assert version.returncode == 0
    assert version.stdout.strip() == f"metrotui, version {__version__}"
    where = subprocess.run(
        [str(script), "where"], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )
    assert where.returncode == 0
    assert f"progress:   {tmp_path / 'xdg' / GENAI_PROGRESS}" in where.stdout
    bad = subprocess.run(
        [str(script), "validate", "missing.json"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr


def test_a_terminal_that_cannot_show_the_glyphs_gets_no_traceback(tmp_path: Path) -> None:
    env = {**program_env(tmp_path), "PYTHONIOENCODING": "ascii"}
    result = subprocess.run(
        [sys.executable, "-m", "metrotui", "done", "linear-algebra"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Linear Algebra" in result.stdout
    assert (tmp_path / "xdg" / GENAI_PROGRESS).is_file()


NO_TEXTUAL = """
import sys
from metrotui.cli.commands import cli
try:
    cli.main(["status", "--json"], prog_name="metrotui")
except SystemExit as done:
    assert done.code in (0, None), done.code
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print("textual modules:", loaded, file=sys.stderr)
sys.exit(1 if loaded else 0)
"""


def test_commands_do_not_import_textual(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", NO_TEXTUAL],
        cwd=tmp_path,
        env=program_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


# Files that are not what they were given as (issue 10, items 5 and 10) -------------------------


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*"))


def test_reading_commands_create_move_and_rename_nothing(
    run: Run, isolated_config: Path, elsewhere: Path
) -> None:
    """status with no progress yet is a fresh start that writes not even a folder or a lock."""
    reading = (
        ["status"],
        ["status", "--json"],
        ["next"],
        ["route", "rag"],
        ["stats"],
        ["export"],
        ["export", "--format", "json"],
        ["where"],
        ["notes", "math-basics"],
    )
    for command in reading:
        result = run(*command)
        assert result.exit_code == 0, (command, result.output)
        assert files_in(isolated_config) == [], command
        assert files_in(elsewhere) == [], command
    assert "0/67" in run("status").stdout  # a fresh start


def test_progress_can_never_be_the_curriculum_file(run: Run, elsewhere: Path) -> None:
    curriculum = elsewhere / "c.json"
    curriculum.write_bytes(bundled_curriculum().read_bytes())
    before = curriculum.read_bytes()
    link = elsewhere / "link.json"
    link.symlink_to(curriculum)
    for progress in ("c.json", str(curriculum), "./c.json", "link.json"):
        for command in (["done", "calculus"], ["status"], ["notes", "rag", "--set", "x"]):
            result = run("--curriculum", "c.json", "--progress", progress, *command)
            assert result.exit_code == 2
            assert result.stderr == (
                f"metrotui: {Path(progress)} is the curriculum file; progress needs a file of its "
                "own (choose another --progress file). Nothing was changed.\n"
            )
    assert curriculum.read_bytes() == before
    assert sorted(p.name for p in elsewhere.iterdir()) == ["c.json", "link.json"]


def test_export_never_writes_over_the_progress_or_the_curriculum(
    run: Run, progress_path: Path, elsewhere: Path
) -> None:
    assert run("done", "calculus").exit_code == 0
    progress_before = progress_path.read_bytes()
    curriculum = elsewhere / "c.json"
    curriculum.write_bytes(bundled_curriculum().read_bytes())
    for output, what in ((str(progress_path), "progress"), ("c.json", "curriculum")):
        for format_ in ("markdown", "json"):
            result = run("--curriculum", "c.json", "export", "--format", format_, "-o", output)
            assert result.exit_code == 2
            assert result.stderr == (
                f"metrotui: {output} is the {what} file; export to another file. "
                "Nothing was written.\n"
            )
    assert progress_path.read_bytes() == progress_before
    assert curriculum.read_bytes() == bundled_curriculum().read_bytes()
    assert run("export", "-o", "copy.md").exit_code == 0  # anywhere else is fine
    assert "[x] Calculus" in (elsewhere / "copy.md").read_text()


# Marks for topics the curriculum does not have (issue 10, item 7) ---------------------------


def write_strays(progress_path: Path) -> None:
    progress_path.parent.mkdir(parents=True)
    progress_path.write_text(
        json.dumps(
            {
                "schema_version": 1,
                "curriculum": "genai-metromap",
                "done": {"calculus": "2024-01-01T00:00:00Z", "retired": "2024-01-01T00:00:00Z"},
                "known": {"old-known": "2024-01-02T00:00:00Z"},
                "notes": {
                    "gone-station": {"text": "keep me?", "updated": "2024-01-03T00:00:00Z"},
                    "math-basics": {"text": "mine", "updated": "2024-01-03T00:00:00Z"},
                },
            }
        )
    )


def test_status_lists_what_is_not_in_this_curriculum(run: Run, progress_path: Path) -> None:
    write_strays(progress_path)
    text = run("status").stdout
    heading = "Not in this curriculum (kept; remove with: metrotui forget ID...):"
    assert heading in text
    listed = text.split(heading)[1].split()
    assert listed == ["gone-station", "note", "old-known", "known", "retired", "done"]
    data = status_json(run)
    assert data["not_in_curriculum"] == [
        {"id": "gone-station", "kind": "note"},
        {"id": "old-known", "kind": "known"},
        {"id": "retired", "kind": "done"},
    ]
    assert "Not in this curriculum" not in run("--progress", "fresh.json", "status").stdout


def test_the_reminder_names_the_command_that_removes_them(run: Run, progress_path: Path) -> None:
    write_strays(progress_path)
    result = run("next")
    assert result.stderr == (
        f"metrotui: note: 2 marks in {progress_path} for topics this curriculum does not have "
        "are kept; remove them with: metrotui forget old-known retired\n"
    )


def test_forget_removes_what_the_curriculum_does_not_have(run: Run, progress_path: Path) -> None:
    write_strays(progress_path)
    result = run("forget", "retired", "gone-station")
    assert result.exit_code == 0
    assert result.stdout == "Forgot retired (done), gone-station (note).\n"
    on_disk = json.loads(progress_path.read_text())
    assert on_disk["done"] == {"calculus": "2024-01-01T00:00:00Z"}
    assert set(on_disk["notes"]) == {"math-basics"}
    assert on_disk["known"] == {"old-known": "2024-01-02T00:00:00Z"}
    assert run("forget", "old-known").exit_code == 0
    after = run("status")
    assert after.stderr == ""  # the reminder is gone with them
    assert "Not in this curriculum" not in after.stdout
    assert "known" not in json.loads(progress_path.read_text())


def test_forget_refuses_ids_the_curriculum_has_and_unknown_ones(
    run: Run, progress_path: Path
) -> None:
    write_strays(progress_path)
    before = progress_path.read_bytes()
    for wanted in ("calculus", "math-basics"):
        result = run("forget", "retired", wanted)
        assert result.exit_code == 1
        assert result.stderr == (
            f"metrotui: {wanted!r} is in this curriculum; forget only removes what it does not "
            f"have. To unmark it: metrotui undo {wanted}. Nothing was changed.\n"
        )
    result = run("forget", "retird")
    assert result.exit_code == 2
    assert result.stderr == (
        "metrotui: nothing is recorded for 'retird' (did you mean 'retired'?). "
        "Nothing was changed.\n"
    )
    assert progress_path.read_bytes() == before


# Reads without bounds (issue 10, item 10) -------------------------------------------------


def _not_a_file_cases() -> list[Any]:
    cases = [
        pytest.param(["import", "/dev/zero"], "/dev/zero is a device", id="import-dev-zero"),
        pytest.param(
            ["import", "/dev/urandom"], "/dev/urandom is a device", id="import-dev-urandom"
        ),
        pytest.param(["validate", "/dev/zero"], "/dev/zero: is a device", id="validate-dev-zero"),
    ]
    if hasattr(os, "mkfifo"):
        cases += [
            pytest.param(["import", "FIFO"], "FIFO is a named pipe", id="import-fifo"),
            pytest.param(["validate", "FIFO"], "FIFO: is a named pipe", id="validate-fifo"),
            pytest.param(
                ["--curriculum", "FIFO", "status"], "FIFO: is a named pipe", id="curriculum-fifo"
            ),
            pytest.param(
                ["--progress", "FIFO", "status"], "FIFO is not a regular file", id="progress-fifo"
            ),
        ]
    return cases


@pytest.mark.parametrize(("args", "message"), _not_a_file_cases())
def test_a_pipe_or_a_device_is_refused_within_a_second(
    tmp_path: Path, args: list[str], message: str
) -> None:
    import time

    cwd = tmp_path / "cwd"
    cwd.mkdir()
    if "FIFO" in args:
        os.mkfifo(cwd / "FIFO")
    script = Path(sys.executable).parent / "metrotui"
    started = time.monotonic()
    result = subprocess.run(
        [str(script), *args], cwd=cwd, env=program_env(tmp_path), capture_output=True, timeout=20
    )
    elapsed = time.monotonic() - started
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert stderr.startswith(f"metrotui: {message}") and stderr.count("\n") == 1, stderr
    assert elapsed < 1.0, f"took {elapsed:.2f} s"


def test_an_export_over_the_size_cap_is_refused_unread(run: Run, elsewhere: Path) -> None:
    from metrotui.storage.progress import MAX_PROGRESS_BYTES

    big = elsewhere / "big.json"
    with big.open("wb") as handle:
        handle.truncate(MAX_PROGRESS_BYTES + 1)  # sparse: quick, and takes no space
    result = run("import", "big.json")
    assert result.exit_code == 2
    assert result.stderr == (
        "metrotui: big.json is 67.1 MB, too big for an export (at most 64 MB); "
        "nothing was imported\n"
    )


@pytest.mark.parametrize("command", ["status", "next", "stats"])
def test_a_path_with_no_stations_is_said_to_be_empty(
    run: Run, tmp_path: Path, command: str
) -> None:
    data = json.loads(bundled_curriculum().read_text(encoding="utf-8"))
    data["lines"].append({"id": "empty", "name": "Empty line", "color": "#888888"})
    path = tmp_path / "empty-line.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run("--curriculum", str(path), command, "--path", "empty")
    assert result.exit_code == 0, result.output
    if command != "stats":
        assert "This path has no stations." in result.output
