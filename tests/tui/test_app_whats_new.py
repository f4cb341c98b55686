"""After a curriculum changed: the what's-new panel, its jumps, and the "new" marks.

Two versions of a roadmap (tests/fixtures: the first half, then the whole):
the first is seen as any command would see it, then the app opens on the
whole one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metrotui.core.curriculum import Curriculum
from metrotui.paths import looked_at_file
from metrotui.storage.curriculum_file import load_curriculum
from metrotui.storage.last_seen import look
from metrotui.tui.app import MetroApp
from metrotui.tui.screens.whats_new import WhatsNewScreen

FIXTURES = Path(__file__).parents[1] / "fixtures"
FIRST = FIXTURES / "roadmap_first_half.json"
WHOLE = FIXTURES / "roadmap_whole.json"
FINISHED_MATH = ["linear-algebra", "calculus", "probability"]


@pytest.fixture
def whole() -> Curriculum:
    """The whole version, opened after the first half was seen with math finished."""
    look(load_curriculum(FIRST), tell=True)
    return load_curriculum(WHOLE)


def make_app(curriculum: Curriculum, tmp_path: Path, done: list[str] = FINISHED_MATH) -> MetroApp:
    progress = tmp_path / "progress.json"
    if not progress.exists():
        when = "2026-11-01T00:00:00.000Z"
        progress.write_text(
            json.dumps(
                {
                    "schema_version": 1,
                    "curriculum": curriculum.id,
                    "done": dict.fromkeys(done, when),
                }
            ),
            encoding="utf-8",
        )
    return MetroApp(
        curriculum,
        progress,
        ui_state_path=tmp_path / "ui.json",
        watch_interval=0,
        look_seconds=0.05,
    )


async def wait_for(pilot, condition, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    """Let the app run until ``condition()`` holds (a worker and a timer are involved)."""
    import time

    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        await pilot.pause(0.02)


def news_of(app: MetroApp) -> object:
    return None if app.whats_new is None else app.whats_new.news


def held(app: MetroApp) -> str | None:
    return None if app.whats_new is None else app.whats_new.held


def map_row(app: MetroApp, station_id: str) -> str:
    y = app.map.layout_.place(station_id).y - int(app.map.scroll_y)
    return app.map.render_line(y).text


async def test_the_panel_lists_the_change_and_jumps_to_a_station(
    whole: Curriculum, tmp_path: Path
) -> None:
    app = make_app(whole, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, WhatsNewScreen))
        assert isinstance(app.screen, WhatsNewScreen)
        rows = app.screen.entries()
        assert "Added" in rows
        assert "station Control Systems (3 topics)" in rows
        assert "Optimisation Basics  in Math Basics" in rows
        assert "Finished before, now in progress (they gained topics)" in rows
        assert "Math Basics" in rows
        assert any(row.startswith("NumPy Arrays → Array Computing with NumPy") for row in rows)
        assert any("Books" in row for row in rows)  # removed, listed though it leads nowhere
        # The first entry is Control Systems: enter goes there and closes the panel.
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, WhatsNewScreen))
        assert app.selected == "control"
        assert app.detail.station is not None and app.detail.station.id == "control"
        # w opens it again; esc closes it and stays where it was.
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, WhatsNewScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, WhatsNewScreen))
        assert app.selected == "control"


async def test_the_panel_is_shown_once_and_counts_as_the_command_line_s_notice(
    whole: Curriculum, tmp_path: Path
) -> None:
    app = make_app(whole, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, WhatsNewScreen))
        await pilot.press("escape")
        await app.controller.settled()
    again = make_app(whole, tmp_path)
    async with again.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: news_of(again) is not None)
        await pilot.pause(0.1)
        assert not isinstance(again.screen, WhatsNewScreen)
    assert look(whole, tell=True) is None  # the next command says nothing more


async def test_a_learner_told_by_the_command_line_still_gets_the_panel_once(
    whole: Curriculum, tmp_path: Path
) -> None:
    assert look(whole, tell=True) is not None  # the line a command printed
    app = make_app(whole, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, WhatsNewScreen))


async def test_w_says_so_when_there_is_no_recent_change(tmp_path: Path) -> None:
    first = load_curriculum(FIRST)
    app = make_app(first, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        await wait_for(pilot, lambda: bool(app._notifications))
        (notice,) = list(app._notifications)
        assert notice.message.startswith("No recent change to Robotics Learning Roadmap.")
        assert news_of(app) is None
        assert not isinstance(app.screen, WhatsNewScreen)


async def test_new_marks_go_once_the_station_has_been_looked_at(
    whole: Curriculum, tmp_path: Path
) -> None:
    app = make_app(whole, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, WhatsNewScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, WhatsNewScreen))
        assert "Control Systems new" in map_row(app, "control")
        assert "Math Basics new" in map_row(app, "math")
        assert "new" not in map_row(app, "sensors")  # nothing new there
        # math, selected at launch: its new topic is marked in the pane.
        assert "Optimisation Basics  new" in app.detail.page_text()
        await wait_for(pilot, lambda: held(app) == "math")
        assert "Math Basics new" in map_row(app, "math")  # kept while the learner is on it
        await pilot.press("j")
        await pilot.pause()
        assert "new" not in map_row(app, "math")
        await pilot.press("k")
        await pilot.pause()
        assert "Optimisation Basics  new" not in app.detail.page_text()
        await app.controller.settled()
    kept = json.loads(looked_at_file(whole.id).read_text(encoding="utf-8"))
    assert kept["stations"] == ["math"]
    again = make_app(whole, tmp_path)
    async with again.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: news_of(again) is not None)
        assert "new" not in map_row(again, "math")
        assert "Control Systems new" in map_row(again, "control")


def found_at_a_fixed_time(curriculum: Curriculum) -> None:
    """Record the change as found at a fixed time, so that the panel reads the same each run."""
    from metrotui.paths import last_seen_file
    from metrotui.storage import last_seen

    path = last_seen_file(curriculum.id)
    look(curriculum, tell=False)
    seen = last_seen.read(path)
    assert seen is not None and seen.change is not None
    last_seen.write(path, seen.but(changed="2026-12-01T09:30:00.000Z"))


async def until_the_panel(pilot) -> None:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, WhatsNewScreen))
    await pilot.pause()


async def until_closed(pilot) -> None:  # type: ignore[no-untyped-def]
    await until_the_panel(pilot)
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, WhatsNewScreen))
    await pilot.pause()


def test_snapshot_the_panel(snap_compare, whole: Curriculum, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    found_at_a_fixed_time(whole)
    app = make_app(whole, tmp_path)
    assert snap_compare(app, run_before=until_the_panel, terminal_size=(80, 24))


def test_snapshot_new_marks(snap_compare, whole: Curriculum, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    found_at_a_fixed_time(whole)
    app = make_app(whole, tmp_path)
    assert snap_compare(app, run_before=until_closed, terminal_size=(140, 40))


async def test_on_a_narrow_screen_a_station_is_looked_at_once_its_pane_shows(
    whole: Curriculum, tmp_path: Path
) -> None:
    app = make_app(whole, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_closed(pilot)
        await pilot.pause(0.3)  # the map alone shows math: its new topic is not in sight
        assert held(app) is None
        await pilot.press("tab")
        await wait_for(pilot, lambda: held(app) == "math")
        await pilot.press("escape", "j")
        await pilot.pause()
        assert "new" not in map_row(app, "math")
