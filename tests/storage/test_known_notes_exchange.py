"""Already-known topics, notes, export and import: the store, the merge and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from metrotui.cli.commands import cli
from metrotui.storage.export import export_markdown, merge
from metrotui.storage.progress import Note, Progress, ProgressStore
from tests.helpers import curriculum_raw, make_curriculum, station

GENAI = "genai-metromap"


def progress_file(config: Path) -> Path:
    return config / "metrotui" / "progress" / f"{GENAI}.json"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def status(config: Path) -> dict:
    return json.loads(run("status", "--json").stdout)


# Already known ----------------------------------------------------------------------


def test_known_station_counts_as_done_and_opens_the_next(isolated_config: Path) -> None:
    result = run("known", "math-basics")
    assert result.exit_code == 0
    assert "Marked 3 topics as already known" in result.stdout
    assert "Unlocked: Programming" in result.stdout
    data = status(isolated_config)
    math = data["stations"][0]
    assert (math["state"], math["done"], math["known"]) == ("done", 0, 3)
    assert data["stations"][1]["state"] == "available"
    assert data["overall"] == {"done": 0, "known": 3, "finished": 3, "total": 67, "percent": 4}


def test_known_works_on_a_locked_station_and_skips_done_topics(isolated_config: Path) -> None:
    run("done", "linear-algebra")
    assert run("known", "pre-training", "math-basics").exit_code == 0
    on_disk = json.loads(progress_file(isolated_config).read_text())
    assert set(on_disk["done"]) == {"linear-algebra"}
    assert "linear-algebra" not in on_disk["known"]
    assert {"calculus", "data-management"} <= set(on_disk["known"])


def test_undo_clears_known_and_relocks(isolated_config: Path) -> None:
    run("known", "math-basics")
    result = run("undo", "calculus")
    assert result.exit_code == 0
    assert "Locked again: Programming" in result.stdout
    assert status(isolated_config)["stations"][0]["known"] == 2


def test_ticking_a_known_topic_makes_it_done(isolated_config: Path) -> None:
    run("known", "calculus")
    run("done", "calculus")
    on_disk = json.loads(progress_file(isolated_config).read_text())
    assert "calculus" in on_disk["done"] and "calculus" not in on_disk.get("known", {})


def test_known_unknown_id_suggests(isolated_config: Path) -> None:
    result = run("known", "calculs")
    assert result.exit_code == 2
    assert "did you mean 'calculus'" in result.stderr


# Notes -------------------------------------------------------------------------------


def test_notes_set_print_and_remove(isolated_config: Path) -> None:
    assert run("notes", "alignment", "--set", "Read the *DPO* paper.\x1b[31m").exit_code == 0
    printed = run("notes", "alignment")
    assert printed.stdout == "Read the *DPO* paper.\n"  # the escape sequence is gone
    assert run("notes", "constitutional-ai").stdout == printed.stdout  # a topic names its station
    assert run("notes", "alignment", "--set", "").exit_code == 0
    empty = run("notes", "alignment")
    assert empty.stdout == "" and "No notes yet" in empty.stderr


def test_notes_unknown_station(isolated_config: Path) -> None:
    result = run("notes", "alignmnt")
    assert result.exit_code == 2 and "did you mean 'alignment'" in result.stderr


# Export and import ------------------------------------------------------------------


def test_export_markdown_is_a_checklist_with_links_and_notes(isolated_config: Path) -> None:
    run("done", "linear-algebra")
    run("known", "calculus")
    run("notes", "math-basics", "--set", "Start with [3b1b](https://www.youtube.com/@3blue1brown)")
    text = run("export", "--format", "markdown").stdout
    assert text.startswith("# GenAI Learning Metromap\n")
    assert "## Foundational (2/11)" in text
    assert "- [x] Linear Algebra\n" in text
    assert "- [x] Calculus *(already known)*" in text
    assert "- [ ] Probability and Statistics" in text
    assert "- [StatQuest with Josh Starmer](<https://www.youtube.com/@statquest>) (video)" in text
    assert "> Start with [3b1b](https://www.youtube.com/@3blue1brown)" in text


def test_markdown_export_cannot_be_turned_into_links_by_curriculum_text() -> None:
    raw = curriculum_raw(["a"], [station("s1", "a", 1, title="[Click](https://evil.example) *me*")])
    text = export_markdown(make_curriculum(raw), Progress("tiny"))
    assert "### 1. \\[Click\\](https://evil.example) \\*me\\* (open)" in text
    assert "- [ ] Topic 1 of s1" in text


def test_export_json_then_import_on_another_machine(isolated_config: Path, tmp_path) -> None:
    run("done", "math-basics")
    run("notes", "programming", "--set", "Laptop note")
    exported = tmp_path / "export.json"
    assert run("export", "--format", "json", "-o", str(exported)).exit_code == 0
    # The other machine: its own progress and its own note on the same station.
    other = tmp_path / "other.json"
    ProgressStore(other, GENAI).mark(["python-basics"])
    ProgressStore(other, GENAI).set_note("programming", "Desktop note")
    first = run("--progress", str(other), "import", str(exported))
    assert first.exit_code == 0 and "3 new marks" in first.stdout
    merged = ProgressStore(other, GENAI).load()
    assert set(merged.done) == {
        "linear-algebra",
        "calculus",
        "probability-and-statistics",
        "python-basics",
    }
    assert "Desktop note" in merged.notes["programming"].text
    assert "Laptop note" in merged.notes["programming"].text
    again = run("--progress", str(other), "import", str(exported))
    assert again.exit_code == 0 and "Nothing new" in again.stdout
    assert ProgressStore(other, GENAI).load() == merged
    assert "exported" not in json.loads(other.read_text())  # the export's own stamp stays out


def test_import_refuses_other_curricula_and_junk(isolated_config: Path, tmp_path) -> None:
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({"schema_version": 1, "curriculum": "other", "done": {}}))
    result = run("import", str(foreign))
    assert result.exit_code == 2 and "'other'" in result.stderr
    # The export is fine: the advice is about the curriculum, not the progress file.
    assert "--curriculum" in result.stderr and "--progress" not in result.stderr
    junk = tmp_path / "junk.json"
    junk.write_text("not json")
    assert run("import", str(junk)).exit_code == 2
    assert run("import", str(tmp_path / "missing.json")).exit_code == 2
    assert not progress_file(isolated_config).exists()


def test_import_keeps_the_earliest_time(tmp_path) -> None:
    ours = Progress(GENAI, done={"calculus": "2026-05-02T10:00:00.000Z"})
    theirs = Progress(GENAI, done={"calculus": "2026-03-01T09:00:00.000Z"})
    assert merge(ours, theirs).done == {"calculus": "2026-03-01T09:00:00.000Z"}


# The merge, for any two histories ---------------------------------------------------

TOPICS = st.sampled_from(["linear-algebra", "calculus", "python-basics", "rag", "gone-topic"])
TIMES = st.builds(
    lambda d, h: f"2026-{d // 28 + 1:02d}-{d % 28 + 1:02d}T{h:02d}:00:00.000Z",
    st.integers(0, 300),
    st.integers(0, 23),
)
NOTES = st.builds(Note, st.sampled_from(["", "a", "b", "a\n\n---\n\nb", "ccc"]), TIMES)
# The same instant may be written two ways by different machines.
SPELLINGS = st.sampled_from(["Z", "+00:00"])
TIMES = st.builds(lambda t, z: t.replace("Z", z), TIMES, SPELLINGS)
PROGRESS = st.builds(
    lambda done, known, notes, extra: Progress(
        GENAI,
        done=done,
        known={k: v for k, v in known.items() if k not in done},
        notes={k: v for k, v in notes.items() if v.text},
        extra=extra,
    ),
    st.dictionaries(TOPICS, TIMES),
    st.dictionaries(TOPICS, TIMES),
    st.dictionaries(st.sampled_from(["rag", "alignment"]), NOTES),
    st.dictionaries(st.sampled_from(["device", "theme"]), st.integers(0, 3)),
)


@settings(max_examples=300, deadline=None)
@given(PROGRESS, PROGRESS)
def test_merge_is_the_same_both_ways_and_idempotent(a: Progress, b: Progress) -> None:
    both = merge(a, b)
    assert both == merge(b, a)
    assert merge(both, b) == both
    assert merge(both, a) == both
    assert merge(a, a) == a
    # Nothing is dropped: every mark and every note's text survives.
    assert set(a.done) | set(b.done) == set(both.done)
    assert (set(a.known) | set(b.known)) - set(both.done) == set(both.known)
    for side in (a, b):
        for station_id, note in side.notes.items():
            assert note.text in both.notes[station_id].text


# Keys this version does not know, and keys given twice (issue 10, item 6) ---------------------

UNKNOWN_EVERYWHERE = {
    "schema_version": 1,
    "curriculum": GENAI,
    "sync": {"device": "laptop", "clock": [1, 2, 3]},
    "done": {"calculus": "2024-01-01T00:00:00.000Z"},
    "known": {"python-basics": "2024-01-01T00:00:00.000Z"},
    "notes": {
        "math-basics": {
            "text": "first thoughts",
            "updated": "2024-01-02T00:00:00.000Z",
            "pinned": True,
            "tags": ["maths", {"colour": "red"}],
        },
        "programming": {"text": "loops", "updated": "2024-01-02T00:00:00.000Z", "mood": "ok"},
    },
    "z-last": None,
}


def unknown_keys_of(data: dict) -> dict:
    return {
        "top": {k: data[k] for k in ("sync", "z-last")},
        "math-basics": {k: data["notes"]["math-basics"][k] for k in ("pinned", "tags")},
        "programming": {"mood": data["notes"]["programming"]["mood"]},
    }


def test_unknown_keys_at_every_level_survive_every_rewrite(
    isolated_config: Path, tmp_path: Path
) -> None:
    path = progress_file(isolated_config)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(UNKNOWN_EVERYWHERE))
    expected = unknown_keys_of(UNKNOWN_EVERYWHERE)
    export = tmp_path / "theirs.json"
    export.write_text(
        json.dumps(
            {
                "schema_version": 1,
                "curriculum": GENAI,
                "done": {"linear-algebra": "2024-02-01T00:00:00.000Z"},
                "notes": {
                    "programming": {"text": "recursion", "updated": "2024-02-01T00:00:00.000Z"}
                },
            }
        )
    )
    rewrites = (
        ["done", "linear-algebra"],
        ["known", "data-management"],
        ["undo", "linear-algebra"],
        ["notes", "math-basics", "--set", "second thoughts"],
        ["notes", "programming", "--set", "loops and functions"],
        ["import", str(export)],
    )
    for command in rewrites:
        assert run(*command).exit_code == 0, command
        on_disk = json.loads(path.read_text())
        assert unknown_keys_of(on_disk) == expected, command
    assert on_disk["notes"]["math-basics"]["text"] == "second thoughts"
    assert "recursion" in on_disk["notes"]["programming"]["text"]


def test_a_key_twice_in_an_import_is_refused_and_nothing_written(
    isolated_config: Path, tmp_path: Path
) -> None:
    run("done", "calculus")
    before = progress_file(isolated_config).read_bytes()
    twice = tmp_path / "twice.json"
    twice.write_text(
        '{"schema_version": 1, "curriculum": "genai-metromap",'
        ' "done": {"linear-algebra": "2024-01-01T00:00:00Z"}, "done": {}}'
    )
    result = run("import", str(twice))
    assert result.exit_code == 2
    assert result.stderr == (
        f"metrotui: {twice} is not a metrotui progress export: the key 'done' appears twice "
        "in one object; nothing was imported\n"
    )
    assert progress_file(isolated_config).read_bytes() == before
    assert sorted(p.name for p in progress_file(isolated_config).parent.iterdir()) == [
        ".genai-metromap.json.lock",
        "genai-metromap.json",
    ]


def test_a_progress_file_with_a_key_twice_is_set_aside_not_half_read(
    isolated_config: Path,
) -> None:
    path = progress_file(isolated_config)
    path.parent.mkdir(parents=True)
    twice = (
        b'{"schema_version": 1, "curriculum": "genai-metromap",'
        b' "done": {"calculus": "2024-01-01T00:00:00Z"}, "done": {"linear-algebra": "x"}}'
    )
    path.write_bytes(twice)
    shown = run("status", "--json")
    assert shown.exit_code == 0
    assert json.loads(shown.stdout)["overall"]["done"] == 0  # neither half of it
    assert "the key 'done' appears twice in one object" in shown.stderr
    assert path.read_bytes() == twice  # only reading: left where it is
    changed = run("known", "python-basics")
    assert changed.exit_code == 0
    (aside,) = path.parent.glob("genai-metromap.json.damaged-*")
    assert aside.read_bytes() == twice
    assert f"moved, bytes untouched, to {aside}" in changed.stderr
