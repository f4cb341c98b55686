"""What the app shows of a curriculum's latest change: the what's-new panel and the "new" marks.

The latest change is read in a thread after the first frame (a launch with
nothing new reads one line of the last-seen copy and one small file).  The
first launch after a change opens the panel; ``w`` opens it again while the
change is recent.  A station stays marked "new" on the map and in the pane
until the learner has stayed on it a moment with its pane in sight; its marks
go when they move on, and what was looked at is written in the writer thread.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Protocol

from textual.app import App

from metrotui.core.curriculum import Curriculum
from metrotui.core.text import clean_line
from metrotui.core.tracker import Tracker
from metrotui.tui.controller import ProgressController
from metrotui.tui.widgets.metro_map import MetroMap
from metrotui.tui.widgets.station_detail import StationDetail

if TYPE_CHECKING:
    from textual.timer import Timer

    from metrotui.core.compare import Change
    from metrotui.core.news import Item, News
    from metrotui.storage.looked_at import LookedAt

# How long a station stays selected before its "new" marks count as seen: moving
# past it on the way elsewhere is not looking at it.
LOOK_SECONDS = 1.0


class NewsView(Protocol):
    """What the keeper needs of the app beyond Textual's own services."""

    @property
    def selected(self) -> str: ...

    @property
    def tracker(self) -> Tracker: ...

    @property
    def map(self) -> MetroMap: ...

    @property
    def detail(self) -> StationDetail: ...

    def jump_to(self, station_id: str, topic_id: str | None = None) -> None: ...


class NewsKeeper:
    """The latest change as the app shows it, and what the learner has looked at."""

    def __init__(
        self,
        app: App[Any],
        view: NewsView,
        curriculum: Curriculum,
        controller: ProgressController,
        look_seconds: float = LOOK_SECONDS,
    ) -> None:
        self.app = app
        self.view = view
        self.curriculum = curriculum
        self.controller = controller
        self.look_seconds = look_seconds
        self.news: News | None = None  # None until read, and when nothing changed
        self._change: tuple[Change, str] | None = None  # and when it was found
        self._kept: LookedAt | None = None
        self._read = False
        self._asked = False  # w pressed before the change was read
        self._looking: tuple[str, Timer] | None = None
        # Looked at long enough: its marks stay on screen until the learner moves on.
        self.held: str | None = None

    # Reading ------------------------------------------------------------------------
    def look_for_news(self) -> None:
        self.app.run_worker(self._read_news, thread=True, group="news", exit_on_error=False)

    def _read_news(self) -> None:
        """In a thread: the latest change, and what the learner has seen of it."""
        from metrotui.storage import looked_at
        from metrotui.storage.last_seen import latest

        seen = latest(self.curriculum)
        found = None
        if seen is not None and seen.change is not None:
            kept = looked_at.for_change(self.curriculum.id, seen.changed)
            found = (seen.change, seen.changed, kept)
        with contextlib.suppress(RuntimeError):  # the app has gone meanwhile
            self.app.call_later(self._found, found)

    def _found(self, found: tuple[Change, str, LookedAt] | None) -> None:
        self._read = True
        if found is None:
            if self._asked:
                self.open_panel()
            return
        from metrotui.core.news import News

        change, changed, kept = found
        self._change, self._kept = (change, changed), kept
        self.news = News(change, self.curriculum, kept.stations)
        self.view.map.show_news(self.news)
        self.view.detail.show_news(self.news)
        self.on_station(self.view.selected)
        if not kept.shown or self._asked:
            self.open_panel()
        if not kept.shown:
            self._keep(kept.but(shown=True), tell=True)

    def _keep(self, kept: LookedAt, *, tell: bool = False) -> None:
        """Remember what the learner has seen, in the writer; with ``tell`` the panel
        counts as the line the next command would print."""
        from metrotui.storage import looked_at

        self._kept = kept
        curriculum = self.curriculum

        def write() -> None:
            looked_at.write(curriculum.id, kept)
            if tell:
                from metrotui.storage.last_seen import look

                look(curriculum, tell=True)

        self.controller.write_later(write)

    # The panel -------------------------------------------------------------------------
    def open_panel(self) -> None:
        """Open the panel of the latest change, while it is recent; else say there is none."""
        if not self._read:
            self._asked = True  # opened once the change has been read
            return
        self._asked = False
        from datetime import UTC, datetime

        from metrotui.core.news import found_when, is_recent

        if self._change is None or not is_recent(self._change[1], datetime.now(UTC)):
            self.app.notify(
                f"No recent change to {self.curriculum.title}. "
                "metrotui changes says what changed last.",
                title="What's new",
                markup=False,
            )
            return
        from metrotui.core.compare import reopened, summary
        from metrotui.core.news import panel_sections
        from metrotui.tui.screens.whats_new import WhatsNewScreen

        change, changed = self._change
        again = reopened(change, self.curriculum, self.view.tracker.is_done)
        screen = WhatsNewScreen(
            f"What's new in {clean_line(self.curriculum.title)}",
            clean_line(f"{summary(change, again)} (found {found_when(changed)})"),
            panel_sections(change, self.curriculum, again),
        )
        self.app.push_screen(screen, self._went_to)

    def _went_to(self, item: Item | None) -> None:
        if item is not None and item.station and self.curriculum.has_station(item.station):
            self.view.jump_to(item.station, item.topic)

    # Looking -------------------------------------------------------------------------
    def on_station(self, station_id: str) -> None:
        """The learner is on a station: once they stay a moment, what is new there is seen."""
        news = self.news
        if news is None:
            return
        held = self.held
        if held is not None and held != station_id:
            # Moved on from a station looked at: its marks go now.
            self.held = None
            news.looked.add(held)
            self.view.map.refresh_station(held)
        looking = self._looking
        if looking is not None:
            if looking[0] == station_id:
                return
            looking[1].stop()
            self._looking = None
        if news.marked(station_id) and station_id != self.held:
            timer = self.app.set_timer(self.look_seconds, lambda: self._looked(station_id))
            self._looking = (station_id, timer)

    def _looked(self, station_id: str) -> None:
        self._looking = None
        if self._kept is None or self.view.selected != station_id:
            return
        if not self.view.detail.display:
            return  # a narrow screen showing the map alone: looked at once tab shows the pane
        self.held = station_id
        self._keep(self._kept.but(stations=frozenset({*self._kept.stations, station_id})))
