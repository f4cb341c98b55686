"""Issue 10's command-line items, through the installed ``metrotui`` program.

Completion (12), the global --path (13), export's format (14), plurals (15),
status when narrow (16), ids as people type them (20), status --json (27)
and notes read from standard input (19).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from tests.helpers import curriculum_raw, station

SCRIPT = Path(sys.executable).parent / "metrotui"
ROW = re.compile(r"^\s*(\d+) ")  # a station row starts with its number


class Metrotui:
    """Runs the console script with its own config folder, as a user's shell would."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.cwd = home / "cwd"
        self.cwd.mkdir(parents=True)
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("METROTUI_", "_METROTUI"))
        }
        self.env.pop("NO_COLOR", None)
        self.env.pop("COLUMNS", None)
        self.env["XDG_CONFIG_HOME"] = str(home / "config")
        self.env["XDG_CACHE_HOME"] = str(home / "cache")

    def __call__(
        self, *args: str, env: dict[str, str] | None = None, stdin: bytes | None = None
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(SCRIPT), *args],
            cwd=self.cwd,
            env={**self.env, **(env or {})},
            input=stdin if stdin is not None else b"",
            capture_output=True,
            timeout=30,
        )
        out = subprocess.CompletedProcess(
            result.args,
            result.returncode,
            result.stdout.decode("utf-8", "replace"),
            result.stderr.decode("utf-8", "replace"),
        )
        assert "Traceback" not in out.stdout + out.stderr, out.stderr
        return out

    def ok(self, *args: str, **kwargs: Any) -> str:
        result = self(*args, **kwargs)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def status_json(self, *args: str) -> dict[str, Any]:
        return json.loads(self.ok(*args))

    @property
    def progress_file(self) -> Path:
        return self.home / "config" / "metrotui" / "progress" / "genai-metromap.json"


@pytest.fixture
def metrotui(tmp_path: Path) -> Metrotui:
    assert SCRIPT.is_file(), "the metrotui console script is not installed beside python"
    return Metrotui(tmp_path)


def one_of_everything(folder: Path) -> Path:
    """A curriculum with one line, one station, one topic and one reference."""
    only = station("only", "main", 1, topics=1, title="The Only Stop")
    only["references"] = [{"title": "A page", "url": "https://example.org/", "kind": "article"}]
    raw = curriculum_raw(["main"], [only], curriculum_id="one")
    raw["title"] = "One"
    path = folder / "one.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


# 12: shell completion ------------------------------------------------------------


def test_bash_source_prints_the_script_instead_of_opening_the_map(metrotui: Metrotui) -> None:
    try:
        result = metrotui(env={"_METROTUI_COMPLETE": "bash_source"})
    except subprocess.TimeoutExpired:
        pytest.fail("metrotui opened the map instead of printing the completion script")
    assert result.returncode == 0, result.stderr
    assert "_metrotui_completion()" in result.stdout
    assert "complete -o nosort -F _metrotui_completion metrotui" in result.stdout


def _complete(metrotui: Metrotui, shell: str, words: str) -> str:
    """Ask for completions the way the script for ``shell`` asks (click's protocol)."""
    current = words.split(" ")[-1]
    cword = current if shell == "fish" else str(len(words.split(" ")) - 1)
    env = {"_METROTUI_COMPLETE": f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": cword}
    return metrotui.ok(env=env)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_offers_station_topic_and_line_ids(metrotui: Metrotui, shell: str) -> None:
    stations = _complete(metrotui, shell, "metrotui done math-b")
    assert "math-basics" in stations
    topics = _complete(metrotui, shell, "metrotui undo linear-al")
    assert "linear-algebra" in topics
    assert "math-basics" not in topics
    lines = _complete(metrotui, shell, "metrotui status --path eng")
    assert "engineer" in lines
    assert "scientist" not in lines
    notes = _complete(metrotui, shell, "metrotui notes align")
    assert "alignment" in notes
    commands = _complete(metrotui, shell, "metrotui comp")
    assert "completion" in commands


def test_zsh_and_fish_completions_carry_titles(metrotui: Metrotui) -> None:
    assert "Math Basics" in _complete(metrotui, "zsh", "metrotui route math")
    assert "math-basics\tMath Basics" in _complete(metrotui, "fish", "metrotui route math")


def test_completion_reads_the_curriculum_the_command_line_names(metrotui: Metrotui) -> None:
    one = one_of_everything(metrotui.cwd)
    offered = _complete(metrotui, "bash", f"metrotui --curriculum {one} done o")
    assert "only" in offered
    assert "math-basics" not in _complete(metrotui, "bash", f"metrotui --curriculum {one} done m")


def test_completion_of_a_broken_curriculum_offers_nothing_quietly(metrotui: Metrotui) -> None:
    broken = metrotui.cwd / "broken.json"
    broken.write_text("{", encoding="utf-8")
    env = {
        "_METROTUI_COMPLETE": "bash_complete",
        "COMP_WORDS": f"metrotui --curriculum {broken} done m",
        "COMP_CWORD": "4",
    }
    result = metrotui(env=env)
    assert result.returncode == 0
    assert result.stdout.strip() == ""
    assert result.stderr == ""


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_command_prints_the_script(metrotui: Metrotui, shell: str) -> None:
    script = metrotui.ok("completion", shell)
    assert f"_METROTUI_COMPLETE={shell}_complete" in script


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_bash_script_completes_ids_in_a_real_bash(metrotui: Metrotui) -> None:
    program = (
        'eval "$(metrotui completion bash)"\n'
        "COMP_WORDS=(metrotui done neural-nets)\n"
        "COMP_CWORD=2\n"
        "_metrotui_completion metrotui\n"  # bash passes the command's name
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**metrotui.env, "PATH": f"{SCRIPT.parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program],
        env=env,
        cwd=metrotui.cwd,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["neural-nets-llms"]


# 13: the global --path -----------------------------------------------------------


def test_global_path_filters_status_next_export_and_stats(metrotui: Metrotui) -> None:
    status = metrotui.ok("--path", "engineer", "status")
    assert "Consuming LLMs" in status
    assert "Pre-Training" not in status
    data = metrotui.status_json("--path", "engineer", "status", "--json")
    assert data["path"] == "engineer"
    assert {s["line"] for s in data["stations"]} == {"foundational", "engineer"}
    metrotui.ok("done", "math-basics", "programming", "neural-nets-llms")
    upcoming = metrotui.ok("--path", "engineer", "next")
    assert "Consuming LLMs" in upcoming
    assert "LLM/SLM Foundations" not in upcoming
    markdown = metrotui.ok("--path", "engineer", "export")
    assert "Consuming LLMs" in markdown
    assert "Pre-Training" not in markdown
    assert "11 of 37 topics done" in markdown
    stats = json.loads(metrotui.ok("--path", "engineer", "stats", "--json"))
    assert [line["id"] for line in stats["lines"]] == ["foundational", "engineer"]
    assert stats["overall"]["total"] == 37


@pytest.mark.parametrize(
    "command",
    [["done", "math-basics"], ["notes", "math-basics"], ["route", "rag"], ["where"]],
    ids=["done", "notes", "route", "where"],
)
def test_global_path_is_refused_where_it_means_nothing(
    metrotui: Metrotui, command: list[str]
) -> None:
    result = metrotui("--path", "engineer", *command)
    assert result.returncode == 2
    assert f"--path does not apply to {command[0]}" in result.stderr
    assert not metrotui.progress_file.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--curriculum", "c.json", "validate", "other.json"],
        ["--progress", "p.json", "validate", "other.json"],
        ["--progress", "p.json", "completion", "bash"],
    ],
    ids=["validate-curriculum", "validate-progress", "completion-progress"],
)
def test_a_global_file_a_command_does_not_read_is_refused(
    metrotui: Metrotui, args: list[str]
) -> None:
    result = metrotui(*args)
    assert result.returncode == 2
    assert f"{args[0]} does not apply to {args[2]}" in result.stderr
    assert result.stdout == ""


def test_a_curriculum_in_the_environment_does_not_stop_validate(metrotui: Metrotui) -> None:
    one = one_of_everything(metrotui.cwd)
    assert "valid" in metrotui.ok("validate", str(one), env={"METROTUI_CURRICULUM": str(one)})


def test_path_before_and_after_the_command_must_agree(metrotui: Metrotui) -> None:
    result = metrotui("--path", "engineer", "status", "--path", "scientist")
    assert result.returncode == 2
    assert "--path is given twice" in result.stderr
    assert metrotui.ok("--path", "engineer", "status", "--path", "engineer")


def test_a_json_export_refuses_a_path(metrotui: Metrotui) -> None:
    result = metrotui("--path", "engineer", "export", "--format", "json")
    assert result.returncode == 2
    assert "--path does not apply to a JSON export" in result.stderr


# 14: export's format follows -o --------------------------------------------------


def test_export_format_follows_the_file_extension(metrotui: Metrotui) -> None:
    metrotui.ok("done", "linear-algebra")
    metrotui.ok("export", "-o", "progress.json")
    exported = json.loads((metrotui.cwd / "progress.json").read_text(encoding="utf-8"))
    assert "linear-algebra" in exported["done"]
    metrotui.ok("export", "-o", "progress.md")
    assert (metrotui.cwd / "progress.md").read_text(encoding="utf-8").startswith("# GenAI")
    metrotui.ok("export", "-o", "progress.txt")  # no format in the name: Markdown, as before
    assert (metrotui.cwd / "progress.txt").read_text(encoding="utf-8").startswith("# GenAI")
    metrotui.ok("export", "--format", "json", "-o", "other.md.JSON")
    json.loads((metrotui.cwd / "other.md.JSON").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("format_", "name"), [("markdown", "out.json"), ("json", "out.md")], ids=["md-to-json", "json"]
)
def test_a_format_that_contradicts_the_extension_is_refused(
    metrotui: Metrotui, format_: str, name: str
) -> None:
    result = metrotui("export", "--format", format_, "-o", name)
    assert result.returncode == 2
    assert f"--format {format_} does not match" in result.stderr
    assert not (metrotui.cwd / name).exists()


# 15: plurals -----------------------------------------------------------------------


def test_one_of_each_is_said_in_the_singular(metrotui: Metrotui) -> None:
    one = one_of_everything(metrotui.cwd)
    valid = metrotui.ok("validate", str(one))
    assert "'One' has 1 line, 1 station, 1 topic and 1 reference" in valid
    route = metrotui.ok("--curriculum", str(one), "route", "only")
    assert ": 1 station, 1 topic to go" in route

    export = {
        "schema_version": 1,
        "curriculum": "genai-metromap",
        "done": {"calculus": "2026-01-01T00:00:00Z", "gone": "2026-01-01T00:00:00Z"},
        "notes": {"calculus": {"text": "hi", "updated": "2026-01-01T00:00:00Z"}},
    }
    (metrotui.cwd / "in.json").write_text(json.dumps(export), encoding="utf-8")
    merged = metrotui("import", "in.json")
    assert merged.returncode == 0, merged.stderr
    assert "2 new marks, 0 earlier times, 1 note." in merged.stdout
    status = metrotui("status")
    assert "1 mark in" in status.stderr
    assert "1 marks" not in status.stderr


# 16: status when narrow ------------------------------------------------------------


@pytest.mark.parametrize("columns", [40, 60, 80])
def test_narrow_status_keeps_state_and_counts(metrotui: Metrotui, columns: int) -> None:
    metrotui.ok("done", "math-basics", "python-basics")
    metrotui.ok("known", "neural-nets-llms")
    out = metrotui.ok("status", env={"COLUMNS": str(columns)})
    lines = out.splitlines()
    assert all(cell_len(line) <= columns for line in lines)
    rows = [line for line in lines if ROW.match(line)]
    assert len(rows) == 18
    for row in rows:
        assert re.search(r"(open|locked|in progress|done|known) +\d+/\d+", row), row
    headers = [line for line in lines if line.startswith("━━ ")]
    assert len(headers) == 3
    # The counts of every line header end in one column, and none has wrapped.
    assert len({cell_len(h.rstrip()) for h in headers}) == 1
    assert all(re.search(r"\d+/\d+$", h.rstrip()) for h in headers)


def test_a_tiny_terminal_keeps_each_state_glyph_and_count(metrotui: Metrotui) -> None:
    metrotui.ok("done", "math-basics", "python-basics")
    out = metrotui.ok("status", env={"COLUMNS": "24"})
    rows = [line for line in out.splitlines() if ROW.match(line)]
    assert len(rows) == 18
    assert all(cell_len(row) <= 24 for row in rows)
    assert re.search(r"Math Basi.*● 3/3$", rows[0]), rows[0]
    assert re.search(r"◐ 1/4$", rows[1]), rows[1]
    assert all(re.search(r"[●◐○◌◆] \d+/\d+$", row) for row in rows)


def test_the_progress_bar_shows_in_a_pipe(metrotui: Metrotui) -> None:
    metrotui.ok("done", "math-basics")  # 3 of Foundational's 11 topics
    out = metrotui.ok("status")
    foundational = next(line for line in out.splitlines() if "━━ Foundational" in line)
    bar = foundational.removeprefix("━━ Foundational").strip()
    assert re.fullmatch(r"━{5}─{15} 3/11", bar), foundational
    engineer = next(line for line in out.splitlines() if "━━ GenAI Engineer" in line)
    assert re.search(r"─{20} 0/26$", engineer), engineer


# 20: ids as people type them -------------------------------------------------------


def test_station_numbers_and_any_case_name_stations(metrotui: Metrotui) -> None:
    assert "Marked 3 topics done" in metrotui.ok("done", "1")
    assert "Marked 4 topics done" in metrotui.ok("done", "PROGRAMMING")
    assert "Marked 1 topic done" in metrotui.ok("done", "Neural-Net-Fundamentals")
    assert "Unmarked 1 topic" in metrotui.ok("undo", "3")
    metrotui.ok("known", "3")
    assert "Neural Nets & LLMs" in metrotui.ok("notes", "3", "--set", "Note on three")
    assert metrotui.ok("notes", "Neural-Nets-LLMs").strip() == "Note on three"
    assert json.loads(metrotui.ok("route", "5", "--json")) == ["llm-foundations", "pre-training"]
    data = metrotui.status_json("status", "--path", "Engineer", "--json")
    assert data["path"] == "engineer"


def test_an_unknown_path_lists_the_choices(metrotui: Metrotui) -> None:
    result = metrotui("--path", "sci", "status")
    assert result.returncode == 2
    assert "unknown path 'sci'" in result.stderr
    assert "all, foundational, scientist, engineer" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["status", "--curriculum", "x.json"],
        ["status", "--curriculum=x.json"],
        ["done", "--progress", "p.json", "math-basics"],
    ],
    ids=["curriculum", "curriculum-equals", "progress"],
)
def test_a_global_option_after_the_command_says_where_it_goes(
    metrotui: Metrotui, args: list[str]
) -> None:
    result = metrotui(*args)
    assert result.returncode == 2
    option = args[1].split("=")[0] if args[1].startswith("--") else args[2]
    assert f"{option} is a global option: it goes before the command" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not metrotui.progress_file.exists()


def test_path_after_a_command_without_it_names_where_it_applies(metrotui: Metrotui) -> None:
    result = metrotui("done", "--path", "engineer", "math-basics")
    assert result.returncode == 2
    assert "done has no --path option" in result.stderr


# 27: status --json counts as the text does ------------------------------------------


def test_status_json_gives_both_counts_their_sum_and_titles(metrotui: Metrotui) -> None:
    metrotui.ok("known", "math-basics")
    metrotui.ok("done", "python-basics")
    text = metrotui.ok("status")
    assert "4/67 topics" in text
    assert re.search(r"1 Math Basics +◆ known +3/3", text)
    data = metrotui.status_json("status", "--json")
    assert data["title"] == "GenAI Learning Metromap"
    assert data["overall"]["done"] == 1 and data["overall"]["known"] == 3
    assert data["overall"]["finished"] == 4
    math = data["stations"][0]
    assert (math["done"], math["known"], math["finished"], math["total"]) == (0, 3, 3, 3)
    assert math["title"] == "Math Basics"
    assert math["line_name"] == "Foundational"
    assert data["lines"][0]["name"] == "Foundational"
    assert data["lines"][0]["finished"] == 4


# 19 (first sentence): notes --set - reads standard input ----------------------------


def test_notes_set_dash_reads_standard_input(metrotui: Metrotui) -> None:
    note = "# From a pipe\n\nwritten ünïcode\n"
    assert "Saved the note" in metrotui.ok("notes", "rag", "--set", "-", stdin=note.encode())
    assert metrotui.ok("notes", "rag") == note


def test_notes_from_standard_input_must_be_utf8(metrotui: Metrotui) -> None:
    result = metrotui("notes", "rag", "--set", "-", stdin=b"caf\xe9")
    assert result.returncode == 2
    assert "standard input is not UTF-8" in result.stderr
    assert not metrotui.progress_file.exists()


def test_an_empty_standard_input_removes_no_note(metrotui: Metrotui) -> None:
    metrotui.ok("notes", "rag", "--set", "keep me")
    result = metrotui("notes", "rag", "--set", "-", stdin=b"")
    assert result.returncode == 2
    assert "standard input was empty" in result.stderr and "--set ''" in result.stderr
    assert metrotui.ok("notes", "rag") == "keep me\n"


def test_export_to_a_dash_writes_to_standard_output(metrotui: Metrotui) -> None:
    out = metrotui.ok("export", "-o", "-")
    assert out.startswith("# GenAI")
    assert not (metrotui.cwd / "-").exists()
