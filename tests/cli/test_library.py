"""The library of curricula through the installed ``metrotui`` program: add, list, use,
remove, and --curriculum taking a library id."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from metrotui.paths import BUNDLED_ID, bundled_curriculum
from tests.cli.test_cli_trust import SCRIPT, Metrotui, _complete
from tests.cli.test_import_hygiene import OPEN_AND_REPORT
from tests.helpers import curriculum_raw, station


class Library(Metrotui):
    """The console script with its own config, cache and data folders."""

    def __init__(self, home: Path) -> None:
        super().__init__(home)
        self.env["XDG_DATA_HOME"] = str(home / "data")

    @property
    def folder(self) -> Path:
        return self.home / "data" / "metrotui" / "curricula"

    def progress_of(self, curriculum_id: str) -> Path:
        return self.home / "config" / "metrotui" / "progress" / f"{curriculum_id}.json"

    def listing(self) -> dict[str, Any]:
        return json.loads(self.ok("list", "--json"))

    def refused(self, *args: str) -> str:
        """The one line a refused command prints; it exits 2 and prints nothing else."""
        result = self(*args)
        assert result.returncode == 2, result
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1, result.stderr
        return result.stderr


@pytest.fixture
def metrotui(tmp_path: Path) -> Library:
    assert SCRIPT.is_file(), "the metrotui console script is not installed beside python"
    return Library(tmp_path)


def roadmap(folder: Path, curriculum_id: str = "rust", title: str = "Rust") -> Path:
    """A two-station curriculum file of its own id."""
    first = station("basics", "main", 1, topics=2)
    second = station("ownership", "main", 2, prerequisites=["basics"], topics=1)
    raw = curriculum_raw(["main"], [first, second], curriculum_id=curriculum_id)
    raw["title"] = title
    path = folder / f"{curriculum_id}-file.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def test_the_bundled_id_is_the_bundled_files() -> None:
    data = json.loads(bundled_curriculum().read_text(encoding="utf-8"))
    assert data["id"] == BUNDLED_ID


# add -------------------------------------------------------------------------------


def test_add_keeps_a_copy_under_its_id_and_list_shows_it(metrotui: Library) -> None:
    source = roadmap(metrotui.cwd)
    out = metrotui.ok("add", str(source))
    assert out == (
        "Added 'Rust' (rust): 1 line, 2 stations, 3 topics. Open it with: metrotui use rust\n"
    )
    assert (metrotui.folder / "rust.json").read_bytes() == source.read_bytes()
    source.unlink()  # the library has its own copy
    listing = metrotui.listing()
    assert [(c["id"], c["current"], c["bundled"]) for c in listing["curricula"]] == [
        (BUNDLED_ID, True, True),
        ("rust", False, False),
    ]
    assert listing["current"] == BUNDLED_ID
    assert listing["problems"] == []


def test_adding_the_same_file_again_changes_nothing_and_a_new_version_replaces(
    metrotui: Library,
) -> None:
    source = roadmap(metrotui.cwd)
    metrotui.ok("add", str(source))
    again = metrotui.ok("add", str(source))
    assert "is in the library already" in again and "nothing changed" in again
    newer = roadmap(metrotui.cwd, title="Rust, second edition")
    out = metrotui.ok("add", str(newer))
    assert out.startswith("Replaced the library's copy of 'Rust, second edition' (rust)")
    titles = {c["id"]: c["title"] for c in metrotui.listing()["curricula"]}
    assert titles["rust"] == "Rust, second edition"


def test_add_refuses_an_invalid_curriculum_and_writes_nothing(metrotui: Library) -> None:
    bad = metrotui.cwd / "bad.json"
    raw = json.loads(roadmap(metrotui.cwd).read_text(encoding="utf-8"))
    raw["stations"][1]["prerequisites"] = ["basic"]
    bad.write_text(json.dumps(raw), encoding="utf-8")
    result = metrotui("add", str(bad))
    assert result.returncode == 2
    assert "unknown station 'basic' (did you mean 'basics'?)" in result.stderr
    assert not metrotui.folder.exists()


def test_add_converts_a_roadmap_readme_and_keeps_the_result(metrotui: Library) -> None:
    readme = metrotui.cwd / "README.md"
    readme.write_text(
        "# A roadmap\n\n## 1. Basics\n\n- Variables\n- Loops\n\n## 2. Functions\n\n- Arguments\n",
        encoding="utf-8",
    )
    result = metrotui("add", "README.md")
    assert result.returncode == 0, result
    assert "Found 1 line, 2 stations, 3 topics" in result.stderr  # convert's report
    ids = [entry["id"] for entry in metrotui.listing()["curricula"]]
    assert "a-roadmap" in ids
    assert (metrotui.folder / "a-roadmap.json").is_file()


def test_add_refuses_a_source_that_convert_cannot_read(metrotui: Library) -> None:
    track = metrotui.cwd / "config.json"
    track.write_text(json.dumps({"slug": "rust", "exercises": {"concept": []}}), "utf-8")
    line = metrotui.refused("add", "config.json")
    assert "metrotui convert --help" in line
    assert not metrotui.folder.exists()


def test_add_checks_curriculum_json_even_when_broken(metrotui: Library) -> None:
    cut = metrotui.cwd / "cut.json"
    cut.write_text('{"schema_version": 1, "id": "cut", "stations": [', encoding="utf-8")
    assert "not valid JSON" in metrotui.refused("add", "cut.json")


def test_add_refuses_the_bundled_id(metrotui: Library) -> None:
    line = metrotui.refused("add", str(roadmap(metrotui.cwd, curriculum_id=BUNDLED_ID)))
    assert "is the id of the bundled curriculum" in line


def test_add_never_writes_over_a_file_it_cannot_tell_is_its_own(metrotui: Library) -> None:
    metrotui.folder.mkdir(parents=True)
    theirs = metrotui.folder / "rust.json"
    theirs.write_text("my notes, not a curriculum", encoding="utf-8")
    line = metrotui.refused("add", str(roadmap(metrotui.cwd)))
    assert f"{theirs} is in the way" in line and "Nothing was written" in line
    assert theirs.read_text(encoding="utf-8") == "my notes, not a curriculum"


# list ------------------------------------------------------------------------------


def test_list_shows_progress_and_last_activity_per_curriculum(metrotui: Library) -> None:
    metrotui.ok("add", str(roadmap(metrotui.cwd)))
    metrotui.ok("--curriculum", "rust", "done", "basics")
    metrotui.ok("done", "math-basics")
    rows = {c["id"]: c for c in metrotui.listing()["curricula"]}
    assert (rows["rust"]["finished"], rows["rust"]["total"]) == (2, 3)
    assert rows["rust"]["last_activity"].startswith("20")
    assert rows["rust"]["progress_file"] == str(metrotui.progress_of("rust"))
    assert rows[BUNDLED_ID]["finished"] > 0
    text = metrotui.ok("list")
    rust_row = next(line for line in text.splitlines() if " rust " in line)
    assert "2/3" in rust_row and rows["rust"]["last_activity"][:10] in rust_row
    current_row = next(line for line in text.splitlines() if BUNDLED_ID in line)
    assert current_row.lstrip().startswith("*")


LONG_TITLES = ["Rust, from the very first steps to async and unsafe", "錆" * 30]


@pytest.mark.parametrize("title", LONG_TITLES)
def test_list_in_an_80_column_pipe_cuts_only_the_names(metrotui: Library, title: str) -> None:
    from rich.cells import cell_len

    long_id = "rust-from-the-very-first-steps-to-async-and-unsafe"
    metrotui.ok("add", str(roadmap(metrotui.cwd, long_id, title)))
    metrotui.env["COLUMNS"] = "80"
    lines = metrotui.ok("list").splitlines()
    assert all(cell_len(line) <= 80 for line in lines), lines
    header, bundled, rust = lines[0], *sorted(lines[1:], key=lambda line: long_id[:20] in line)
    assert header.split() == ["id", "title", "done", "last", "activity"]
    assert bundled.startswith("*  genai-metromap ")  # a short id stays whole
    assert bundled.rstrip().endswith("0/67  never          bundled")
    assert rust.rstrip().endswith("0/3  never") and rust.startswith("   rust-from-the-")
    assert "…" in rust


def test_list_reports_what_else_is_in_the_folder_and_leaves_it(metrotui: Library) -> None:
    metrotui.ok("add", str(roadmap(metrotui.cwd)))
    damaged = metrotui.folder / "broken.json"
    damaged.write_text("{", encoding="utf-8")
    stray = metrotui.folder / "notes.txt"
    stray.write_text("hello", encoding="utf-8")
    result = metrotui("list", "--json")
    assert result.returncode == 0, result.stderr
    problems = {p["file"]: p["problem"] for p in json.loads(result.stdout)["problems"]}
    assert set(problems) == {str(damaged), str(stray)}
    assert f"{damaged} is not a valid curriculum" in result.stderr
    assert "it is left as it is" in result.stderr
    assert damaged.read_text(encoding="utf-8") == "{" and stray.read_text() == "hello"


def test_the_library_commands_refuse_the_global_file_options(metrotui: Library) -> None:
    assert metrotui.refused("--curriculum", "x.json", "list") == (
        "metrotui: --curriculum does not apply to list\n"
    )


# use and --curriculum ID -----------------------------------------------------------


def test_use_makes_the_map_and_the_commands_open_that_curriculum(metrotui: Library) -> None:
    metrotui.ok("add", str(roadmap(metrotui.cwd)))
    out = metrotui.ok("use", "rust")
    assert out.startswith("Now using 'Rust' (rust): metrotui opens it")
    assert metrotui.ok("status").startswith("Rust  ·")
    metrotui.ok("done", "basics")
    assert metrotui.progress_of("rust").is_file()
    assert metrotui.listing()["current"] == "rust"
    # The bare command, which skips click, opens it too.
    opened = _bare_launch(metrotui)
    assert opened == [[["rust", None]], 0, False]


def _bare_launch(metrotui: Library) -> list[Any]:
    result = subprocess.run(
        [sys.executable, "-c", OPEN_AND_REPORT],
        env=metrotui.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = result.stdout.rstrip().splitlines()[-1]
    return json.loads(report.removeprefix("OPENED "))


def test_curriculum_takes_a_library_id_and_a_path_still_wins(metrotui: Library) -> None:
    metrotui.ok("add", str(roadmap(metrotui.cwd)))
    assert metrotui.ok("--curriculum", "rust", "status").startswith("Rust  ·")
    assert metrotui.ok("--curriculum", BUNDLED_ID, "status").startswith("GenAI")
    # A file of that name in the working folder is what it always meant.
    (metrotui.cwd / "rust").write_bytes(roadmap(metrotui.cwd, title="Local").read_bytes())
    assert metrotui.ok("--curriculum", "rust", "status").startswith("Local  ·")


def test_an_unknown_id_is_one_message_with_a_suggestion(metrotui: Library) -> None:
    metrotui.ok("add", str(roadmap(metrotui.cwd)))
    expected = (
        "metrotui: 'rsut' is neither a file nor a curriculum in the library "
        "(did you mean 'rust'?); metrotui list shows the library\n"
    )
    assert metrotui.refused("--curriculum", "rsut", "status") == expected
    assert metrotui.refused("use", "rsut") == expected
    assert metrotui.refused("remove", "rsut") == expected


def test_use_never_replaces_a_choice_file_it_did_not_write(metrotui: Library) -> None:
    choice = metrotui.home / "config" / "metrotui" / "current.json"
    choice.parent.mkdir(parents=True)
    choice.write_text("[1, 2]", encoding="utf-8")
    assert "is not the choice file metrotui writes" in metrotui.refused("use", BUNDLED_ID)
    assert choice.read_text(encoding="utf-8") == "[1, 2]"


def test_a_current_curriculum_deleted_by_hand_falls_back_to_the_bundled_one(
    metrotui: Library,
) -> None:
    metrotui.ok("add", str(roadmap(metrotui.cwd)))
    metrotui.ok("use", "rust")
    (metrotui.folder / "rust.json").unlink()
    result = metrotui("status")
    assert result.returncode == 0
    assert result.stdout.startswith("GenAI")
    assert result.stderr == (
        "metrotui: note: the current curriculum 'rust' is not in the library any more; "
        "the bundled one is used (metrotui use ID chooses another)\n"
    )


def test_completion_reads_a_library_id_and_offers_the_library(metrotui: Library) -> None:
    metrotui.ok("add", str(roadmap(metrotui.cwd)))
    assert "ownership" in _complete(metrotui, "bash", "metrotui --curriculum rust done own")
    metrotui.ok("use", "rust")
    assert "ownership" in _complete(metrotui, "bash", "metrotui done own")
    assert _complete(metrotui, "bash", "metrotui use r").split() == ["plain,rust"]
    assert "genai-metromap" in _complete(metrotui, "bash", "metrotui remove ")


# remove ----------------------------------------------------------------------------


def test_remove_deletes_the_copy_keeps_the_progress_and_says_so(metrotui: Library) -> None:
    metrotui.ok("add", str(roadmap(metrotui.cwd)))
    metrotui.ok("use", "rust")
    metrotui.ok("done", "basics")
    out = metrotui.ok("remove", "rust")
    assert out == (
        "Removed 'Rust' (rust) from the library. Its progress is kept in "
        f"{metrotui.progress_of('rust')}: add the curriculum again to carry on.\n"
        "It was the current curriculum: the bundled one is current again.\n"
    )
    assert not (metrotui.folder / "rust.json").exists()
    assert "basics-t1" in json.loads(metrotui.progress_of("rust").read_text())["done"]
    assert metrotui.listing()["current"] == BUNDLED_ID
    assert metrotui("status").stderr == ""
    # Added again, it carries on where it was.
    metrotui.ok("add", str(roadmap(metrotui.cwd)))
    rows = {c["id"]: c for c in metrotui.listing()["curricula"]}
    assert rows["rust"]["finished"] == 2


def test_remove_refuses_the_bundled_curriculum(metrotui: Library) -> None:
    assert metrotui.refused("remove", BUNDLED_ID) == (
        f"metrotui: {BUNDLED_ID!r} is the bundled curriculum; it cannot be removed\n"
    )


def test_remove_leaves_a_damaged_file_alone(metrotui: Library) -> None:
    metrotui.folder.mkdir(parents=True)
    damaged = metrotui.folder / "rust.json"
    damaged.write_text('{"schema_version": 1, "id": "rust"', encoding="utf-8")
    line = metrotui.refused("remove", "rust")
    assert "may not be metrotui's" in line and "delete it yourself" in line
    assert damaged.exists()


# The README's worked example -------------------------------------------------------


def test_the_readme_example_runs_as_written(metrotui: Library) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    example = json.loads(re.findall(r"```json\n(.*?)```", readme, flags=re.DOTALL)[0])
    (metrotui.cwd / "my-map.json").write_text(json.dumps(example), encoding="utf-8")
    section = readme.split("## Your library of curricula")[1]
    commands, table = re.findall(r"```(?:sh)?\n(.*?)```", section, flags=re.DOTALL)[:2]
    outputs = {}
    for line in commands.splitlines():
        args = shlex.split(line.split("#")[0])
        assert args[0] == "metrotui"
        outputs[args[1] if args[1] != "--curriculum" else "status"] = metrotui.ok(*args[1:])
    listed = re.sub(r"\d{4}-\d\d-\d\d", "2026-12-01", outputs["list"])
    assert [row.rstrip() for row in listed.splitlines()] == table.splitlines()
