"""In the app, marks and notes recorded under a former id count for the id it now has."""

from __future__ import annotations

import json
from pathlib import Path

from metrotui.core.tracker import StationState
from metrotui.tui.app import MetroApp
from metrotui.tui.widgets.station_page import Zone
from tests.helpers import curriculum_raw, make_curriculum, station


def renamed_curriculum():  # type: ignore[no-untyped-def]
    first = station("basics", "main", 1, topics=2)
    first["formerly"] = ["intro"]
    first["topics"][0]["formerly"] = ["old-t1"]
    second = station("next", "main", 2, ["basics"], topics=1)
    raw = curriculum_raw(["main"], [first, second], "renamed")
    raw["schema_version"] = 2
    return make_curriculum(raw)


def written(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


async def test_a_mark_and_a_note_under_former_ids_show_and_move_on_the_next_save(
    tmp_path: Path,
) -> None:
    curriculum = renamed_curriculum()
    progress = tmp_path / "progress.json"
    when = "2025-06-01T00:00:00.000Z"
    progress.write_text(
        json.dumps(
            {
                "schema_version": 1,
                "curriculum": curriculum.id,
                "done": {"old-t1": when},
                "notes": {"intro": {"text": "my old note", "updated": when}},
            }
        ),
        encoding="utf-8",
    )
    app = MetroApp(curriculum, progress, ui_state_path=tmp_path / "ui.json", watch_interval=0)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert app.tracker.is_done("basics-t1")
        assert "my old note" in app.detail.page_text()
        await pilot.press("tab", "down", "space")  # tick the other topic: a save
        await app.controller.settled()
        done = written(progress)["done"]
        assert isinstance(done, dict)
        assert set(done) == {"basics-t1", "basics-t2"} and done["basics-t1"] == when
        assert "basics" in written(progress)["notes"]  # type: ignore[operator]
        assert app.tracker.state("basics") is StationState.DONE
        await pilot.press("u")  # the tick; the moved mark stays
        await app.controller.settled()
        await pilot.pause()
        assert set(written(progress)["done"]) == {"basics-t1"}  # type: ignore[arg-type]
        assert app.detail.entries(Zone.TOPICS)[0].startswith("●")
