"""``metrotui --cohort SOURCE``: the map read-only on a study group, through Pilot."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from metrotui.core.cohort import Cohort, LearnerMarks, cohort
from metrotui.core.curriculum import Curriculum
from metrotui.storage.progress import ProgressStore
from metrotui.tui.app import READ_ONLY, MetroApp
from tests.cohort_data import expected_counts, make_learners, ordered_keys, progress_doc
from tests.tui.test_app import WIDE, screen_text
from tests.waiting import pause_until

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def group_of(curriculum: Curriculum, count: int) -> Cohort:
    learners = []
    for learner in make_learners(curriculum, count):
        doc = progress_doc(curriculum, learner, NOW)
        learners.append(LearnerMarks(learner.name, doc["done"], {}))  # type: ignore[arg-type]
    return cohort(curriculum, learners, NOW)


def cohort_app(curriculum: Curriculum, tmp_path: Path, group: Cohort) -> MetroApp:
    return MetroApp(
        curriculum,
        tmp_path / "progress.json",
        ui_state_path=tmp_path / "ui.json",
        watch_interval=0,
        cohort=group,
    )


async def test_the_map_counts_each_station_and_the_pane_names_who_is_where(
    genai: Curriculum, tmp_path: Path
) -> None:
    group = group_of(genai, 30)
    expected = expected_counts(genai, make_learners(genai, 30))
    app = cohort_app(genai, tmp_path, group)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "30 learners · read-only" in text
        assert "begun by some" in text and "in progress" not in text  # the group's own key
        assert f"1 Math Basics {expected[1].finished}/30 done" in text
        assert f"Finished ({expected[1].finished})" in text
        for _ in range(4):  # down to 5 Pre-Training
            await pilot.press("j")
        await pause_until(pilot, lambda: "5 Pre-Training" in app.detail.page_text(), "the pane")
        page = app.detail.page_text()
        pre_training = group.by_station["pre-training"]
        assert f"Stuck ({expected[5].stuck})" in page and f"In it ({expected[5].in_it})" in page
        for name in pre_training.stuck + pre_training.finished:
            assert name in page


async def test_nothing_can_be_changed_and_nothing_of_the_learner_is_touched(
    genai: Curriculum, tmp_path: Path
) -> None:
    # The learner's own progress exists, and must be neither shown nor written.
    own = tmp_path / "progress.json"
    ProgressStore(own, genai.id).mark(ordered_keys(genai)[:3])
    before = own.read_bytes()
    app = cohort_app(genai, tmp_path, group_of(genai, 5))
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        assert app.tracker.done == frozenset()  # not the learner's own 3 marks
        for keys in (["tab", "space"], ["K"], ["escape", "K"], ["u"], ["n"], ["s"], ["S"], ["w"]):
            app.clear_notifications()
            await pilot.press(*keys)
            await pause_until(
                pilot,
                lambda: any(n.message == READ_ONLY for n in app._notifications),
                f"the refusal of {keys}",
            )
        await pilot.pause()
        assert app.controller.undo_stack == [] and not app.controller._pending
        assert len(app.screen_stack) == 1  # no note editor, no stats screen
        await pilot.press("j", "p", "q")
    assert own.read_bytes() == before
    assert not (tmp_path / "ui.json").exists()


async def test_the_footer_offers_no_key_the_view_refuses(genai: Curriculum, tmp_path: Path) -> None:
    app = cohort_app(genai, tmp_path, group_of(genai, 5))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "Path" in footer and "Quit" in footer
        assert "Undo" not in footer
        await pilot.press("tab")  # in the checklist: its keys, but no Tick or Known
        await pause_until(pilot, lambda: "Map" in screen_text(app).splitlines()[-1], "the footer")
        footer = screen_text(app).splitlines()[-1]
        assert "Tick" not in footer and "Known" not in footer and "Undo" not in footer


async def test_a_name_from_a_file_is_shown_as_text(genai: Curriculum, tmp_path: Path) -> None:
    name = "[@click=app.quit]Zoë\x1b]0;x\x07"
    group = cohort(genai, [LearnerMarks(name, {"linear-algebra": "2026-11-30T00:00:00Z"}, {})], NOW)
    app = cohort_app(genai, tmp_path, group)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert "  [@click=app.quit]Zoë\n" in app.detail.page_text()  # the escape went whole
        assert "\x1b" not in screen_text(app)


async def test_files_that_were_skipped_are_told(genai: Curriculum, tmp_path: Path) -> None:
    from dataclasses import replace

    group = replace(group_of(genai, 2), skipped=("/g/b.json: is not JSON; skipped", "/g/c"))
    app = cohort_app(genai, tmp_path, group)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        (told,) = [n.message for n in app._notifications]
        assert told.startswith("2 files of the group could not be read and were skipped")
        assert "/g/b.json: is not JSON" in told


def test_the_command_line_opens_it_through_the_front_end(tmp_path: Path, genai: Curriculum) -> None:
    """``metrotui --cohort SOURCE`` reads the folder and hands the group to the app."""
    from click.testing import CliRunner

    from metrotui.cli.commands import cli
    from metrotui.cli.session import FrontEnds

    folder = tmp_path / "group"
    folder.mkdir()
    for learner in make_learners(genai, 3):
        doc = progress_doc(genai, learner, datetime.now(UTC), learner=learner.name)
        (folder / f"{learner.ticked}.json").write_text(json.dumps(doc))
    (folder / "broken.json").write_text("{")
    opened: list[tuple[str | None, Cohort]] = []

    def open_cohort(curriculum: Curriculum, progress: Path, path: str | None, group: Cohort) -> str:
        opened.append((path, group))
        return "not in a test"

    ends = FrontEnds(open_map=lambda *a: "no", serve_web=lambda **k: None, open_cohort=open_cohort)
    result = CliRunner().invoke(cli, ["--cohort", str(folder), "--path", "engineer"], obj=ends)
    assert result.exit_code == 2 and "cannot start (not in a test)" in result.output
    ((path, group),) = opened
    (skipped,) = group.skipped  # handed on, for the app to tell
    assert "broken.json" in skipped and "broken.json" in result.output
    assert path == "engineer" and [v.name for v in group.learners] == [
        "learner 000",
        "learner 001",
        "learner 002",
    ]
    wrong = CliRunner().invoke(cli, ["--cohort", str(folder), "status"], obj=ends)
    assert wrong.exit_code == 2 and "metrotui cohort SOURCE" in wrong.output
    missing = CliRunner().invoke(cli, ["--cohort", str(tmp_path / "nope")], obj=ends)
    assert missing.exit_code == 2 and "does not exist" in missing.output
