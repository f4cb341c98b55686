"""The metrotui app: the map, the station detail, and ticking topics off."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import shlex
import shutil
import signal
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, work
from textual.app import App, ComposeResult, SuspendNotSupported, SystemCommand
from textual.binding import Binding
from textual.command import Provider
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from metrotui.core.curriculum import Curriculum, Station
from metrotui.core.text import clean_line, clean_message
from metrotui.core.tracker import ALL_PATHS, StationState, Tracker, path_choices, path_members
from metrotui.core.words import counted
from metrotui.paths import default_progress_file, ui_state_file
from metrotui.storage.export import strays_notice
from metrotui.storage.progress import (
    ProgressStore,
)
from metrotui.tui.controller import ProgressController
from metrotui.tui.map_layout import filter_cycle
from metrotui.tui.quiet_collector import QUIET_SECONDS, QuietCollector
from metrotui.tui.sync_runner import SyncRunner
from metrotui.tui.widgets.footer import FittedFooter
from metrotui.tui.widgets.metro_map import STATE_KEY, MetroMap
from metrotui.tui.widgets.station_detail import StationDetail
from metrotui.tui.widgets.station_page import Zone
from metrotui.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from metrotui.tui.news import NewsKeeper

EXTERNAL_CHECK_SECONDS = 1.0
# How long a signal waits for the app to quit by itself before it is ended outright:
# longer than a save may wait for the lock (ProgressStore's timeout is 10 s).
SIGNAL_GRACE_SECONDS = 15.0
EDITOR_CHOICE_ENV = "METROTUI_EDITOR"  # "app": write notes in the app even with $EDITOR set
FIRST_LAUNCH_HINT = "New here? tab opens a station's topics · space ticks one · ? shows every key"
READ_ONLY = "This is a study group's view (--cohort): nothing here can be changed."
# The footer's keys a group's view refuses: undo here, tick and known in the pane.
READ_ONLY_ACTIONS = frozenset({"undo", "tick", "known"})

if TYPE_CHECKING:
    from metrotui.core.cohort import Cohort, StationView


def _curriculum_search() -> type[Provider]:
    # The palette asks for its providers when it opens: none of it at launch.
    from metrotui.tui.search import CurriculumSearch

    return CurriculumSearch


def _group_badges(
    group: Mapping[str, StationView],
) -> tuple[dict[str, tuple[StationState, str]], tuple[str, ...]]:
    """The map's badges and key for a study group: its state and count on each station."""
    from metrotui.core.cohort import GROUP_KEY

    badges = {station_id: (view.state, view.badge) for station_id, view in group.items()}
    return badges, GROUP_KEY


class MetroApp(App[int]):
    """Follow a curriculum drawn as a metro map."""

    CSS_PATH = "app.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    COMMANDS = App.COMMANDS | {_curriculum_search}

    BINDINGS = [
        Binding("p", "cycle_path", "Path"),
        Binding("g", "route", "Route"),
        Binding("n", "edit_note", "Notes", show=False),
        Binding("s", "stats", "Stats", show=False),
        Binding("u", "undo", "Undo"),
        Binding("o", "next_open", "Next open", show=False),
        Binding("w", "whats_new", "What's new", show=False),
        Binding("escape", "clear_route", "Clear route", show=False),
        Binding("S", "sync", "Sync", show=False),
        Binding("question_mark", "help", "Keys"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        curriculum: Curriculum,
        progress_path: Path,
        *,
        path: str | None = None,
        ui_state_path: Path | None = None,
        watch_interval: float = EXTERNAL_CHECK_SECONDS,
        cohort: Cohort | None = None,
        look_seconds: float | None = None,
    ) -> None:
        super().__init__()
        self.curriculum = curriculum
        # A study group shown on the map: read-only, with no progress of the learner's own.
        self.cohort = cohort
        # The app twice: Textual's services (workers, notifications), and the view it draws on.
        self.controller = ProgressController(
            self,
            self,
            curriculum,
            progress_path,
            ui_state_path or ui_state_file(curriculum.id),
            read_only=cohort is not None,
        )
        self.ui_state = self.controller.ui_state
        self.collector = QuietCollector()
        self.sync_runner = SyncRunner(
            self, curriculum, progress_path, self.controller.check_external_changes
        )
        if self.ui_state.theme in self.available_themes:
            self.theme = self.ui_state.theme
        chosen = path or self.ui_state.path
        self.path = (
            chosen
            if chosen in path_choices(curriculum) or (chosen and curriculum.has_line(chosen))
            else ALL_PATHS
        )
        self.route_target: str | None = None
        # Nothing of the learner's own to watch in a group's view.
        self.watch_interval = watch_interval if cohort is None else 0
        self.title = curriculum.title
        visible = path_members(curriculum, self.path)
        selected = self.ui_state.selected
        if selected is None or not curriculum.has_station(selected):
            selected = self._first_station(visible)
        elif visible is not None and selected not in visible:
            selected = self._nearest(selected, visible)
        self._selected = selected
        # Set when the learner switches curriculum: run_app opens it once this app is gone.
        self.switch_to: Curriculum | None = None
        # The latest change and what the learner has seen of it: made after the first
        # frame (none of it is needed to draw it), or when w asks for it before then.
        self.whats_new: NewsKeeper | None = None
        self._look_seconds = look_seconds

    def get_default_screen(self) -> Screen[None]:
        # Starts with the wide layout's class: the breakpoint class that the
        # first resize sets would otherwise restyle every widget once more
        # before the first frame (a narrow terminal still gets "-narrow" then).
        return Screen(id="_default", classes="-wide")

    # Composition ------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield TitleBar(self.curriculum.title)
        group = self.cohort.by_station if self.cohort is not None else None
        badges, key = _group_badges(group) if group is not None else (None, STATE_KEY)
        with Horizontal(id="panes"):
            yield MetroMap(
                self.curriculum,
                self.tracker,
                path_members(self.curriculum, self.path),
                self._selected,
                follow=lambda _: self._sync_detail(),
                badges=badges,
                key=key,
                id="map",
            )
            yield StationDetail(self.curriculum, group=group, id="detail")
        yield Static(Text(FIRST_LAUNCH_HINT), id="hint")
        # A group's view refuses these (and says so when pressed): not offered.
        yield FittedFooter(hidden=READ_ONLY_ACTIONS if self.cohort is not None else ())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if not self.is_web:  # a browser session ends with its app: it cannot reopen on another
            yield SystemCommand(
                "Switch curriculum", "Open another curriculum of your library", self.offer_curricula
            )

    def offer_curricula(self) -> None:
        from textual.command import CommandPalette

        from metrotui.tui.library import SWITCH_PLACEHOLDER, CurriculumSwitch

        self.push_screen(
            CommandPalette(providers=[CurriculumSwitch], placeholder=SWITCH_PLACEHOLDER)
        )

    def switch_curriculum(self, curriculum_id: str) -> None:
        from metrotui.tui.library import start_switch

        start_switch(self, curriculum_id)

    def leave_for(self, curriculum: Curriculum) -> None:
        """Quit as q does (every save first), for run_app to open ``curriculum`` next."""
        self.switch_to = curriculum
        self.controller.quit()

    def notify(self, message: str, *, title: str = "", **options: Any) -> None:
        # Messages quote file names, and a file name can hold anything, even an
        # escape sequence that retitles the terminal.
        super().notify(clean_message(message), title=clean_message(title), **options)

    @property
    def store(self) -> ProgressStore:
        return self.controller.store

    @property
    def tracker(self) -> Tracker:
        return self.controller.tracker

    @property
    def map(self) -> MetroMap:
        return self.query_one(MetroMap)

    @property
    def detail(self) -> StationDetail:
        return self.query_one(StationDetail)

    def on_mount(self) -> None:
        self.map.focus()
        self.detail.notes = self.controller.progress.notes
        self.detail.show(self.curriculum.station(self._selected), self.tracker)
        self._update_header()
        self.query_one("#hint").display = (
            not self.ui_state.hint_dismissed and not self.tracker.done and self.cohort is None
        )
        self.controller.report_notices(self.store.notices)
        self.store.notices.clear()
        if self.controller.problem is not None:
            self.notify(
                f"{self.controller.problem} The map opens without your progress, "
                "and nothing you tick can be saved until this is fixed.",
                title="Progress not loaded",
                severity="error",
                timeout=30,
                markup=False,
            )
        if self.tracker.orphans:
            self.notify(
                strays_notice(self.tracker.orphans, self.store.path) + ".",
                title="Progress",
                timeout=10,
                markup=False,
            )
        if not self.is_headless:
            self._exit_on_signals()
        if self.cohort is not None and self.cohort.skipped:
            skipped = self.cohort.skipped
            self.notify(
                f"{counted(len(skipped), 'file')} of the group could not be read and "
                f"{'was' if len(skipped) == 1 else 'were'} skipped, first {skipped[0]}",
                title="Study group",
                severity="warning",
                timeout=15,
                markup=False,
            )
        if self.watch_interval > 0:
            self.set_interval(self.watch_interval, self.check_external_changes)
        self.collector.start()
        self.set_interval(QUIET_SECONDS, self.collector.check)
        if self.cohort is None:
            # After the first frame, when nothing else is waiting.
            self.call_after_refresh(self.controller.prepare_to_save)
            self.call_after_refresh(self.sync_runner.on_start)
            self.call_after_refresh(self._news_keeper)

    def _exit_on_signals(self) -> None:
        """Quit as q does on SIGTERM, or SIGHUP when the terminal closes.

        Python's default for both ends the process on the spot: the terminal
        stays in the alternate screen with mouse reporting on, and the view
        is not remembered.  Handled in the event loop, a signal waits for every
        pending save (each bounded by the lock's timeout; one that fails is let
        go, as nobody may be there to say so to), then the driver puts the
        terminal back as it found it.  Saves are atomic in any case.
        """
        loop = asyncio.get_running_loop()
        for name in ("SIGTERM", "SIGHUP"):  # Windows has no SIGHUP
            signum = getattr(signal, name, None)
            if signum is None:
                continue
            quit_with = functools.partial(self._quit_on_signal, 128 + signum)
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, quit_with)

    def _quit_on_signal(self, code: int) -> None:
        """Quit as q does; if the app is wedged and has not gone in a while, go anyway.

        A signal is how a server or a closing terminal ends the app: an app that
        never answers it would be left running for ever (a browser tab that
        went away, a loop that never yields).  The grace outlasts a save waiting
        on the lock, and saves are atomic: the hard exit never costs a file.
        """
        import threading

        timer = threading.Timer(SIGNAL_GRACE_SECONDS, os._exit, args=(code,))
        timer.daemon = True
        timer.start()
        # Through the app's queue, so that quitting runs in the app's context.
        self.call_later(self.controller.quit, code, insist=True)

    async def action_quit(self) -> None:
        # A group's view is no machine of the learner's: it never syncs, at quit either.
        if self.cohort is not None or not self.sync_runner.quit_after_sync(
            self.controller.settled, self.controller.quit
        ):
            self.controller.quit()

    def action_sync(self) -> None:
        if not self._refused_read_only():
            self.sync_runner.sync()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseEvent)):
            self.collector.input_came()
        await super().on_event(event)

    async def on_unmount(self) -> None:
        self.collector.stop()
        # Torn down without quitting first (say, by a test): the writer still
        # finishes what it has, so that no tick made just before is dropped.
        await self.controller.wait_for_writer()
        if self.cohort is not None:
            return  # a group's view leaves the learner's own remembered view as it was
        self.ui_state.path = self.path
        self.ui_state.selected = self.selected
        self.ui_state.theme = self.theme
        self.ui_state.save()

    @property
    def selected(self) -> str:
        return self._selected

    # Selection and focus --------------------------------------------------------
    def on_metro_map_station_selected(self, event: MetroMap.StationSelected) -> None:
        # Already done through the map's follow hook, unless the selection
        # moved on since: then this catches up.
        self._sync_detail()

    def _sync_detail(self) -> None:
        """Make the detail pane show the map's selection, if it does not already.

        Called from the selection message and, synchronously, before anything
        that acts on the detail pane: keys typed fast ("j tab space") can run
        before the message arrives, and must act on the station now selected.
        Rapid moves coalesce: once synced, the queued messages cost nothing.
        """
        selected = self.map.selected
        self._selected = selected
        if self.detail.station is None or self.detail.station.id != selected:
            self.detail.show(self.curriculum.station(selected), self.tracker)
        if self.whats_new is not None:
            self.whats_new.on_station(selected)

    def _focus_now(self, widget: Widget) -> None:
        # Widget.focus() waits for the message queue, so a key typed right
        # after tab (say, space) would still reach the old widget; a learner
        # typing "tab space" quickly must tick the topic, not lose the key.
        self.screen.set_focus(widget)

    def action_open_topics(self) -> None:
        self._sync_detail()
        self.screen.add_class("-show-detail")
        self.detail.enter(Zone.TOPICS)
        self._focus_now(self.detail)
        if self.whats_new is not None:
            self.whats_new.on_station(self.selected)  # the pane may have been hidden (narrow)

    def action_after_topics(self) -> None:
        self._sync_detail()
        if self.detail.has_links:
            self.detail.enter(Zone.LINKS)
            self._focus_now(self.detail)
        else:
            self.action_focus_map()

    def action_focus_map(self) -> None:
        self.screen.remove_class("-show-detail")
        self._focus_now(self.map)
        self.map.reveal_selected()
        # Back on the map the pane shows its station from the title again,
        # not the links it was scrolled down to.
        self.detail.scroll_home(animate=False)

    def action_next_open(self) -> None:
        """Select the next station, in map order, that has topics to tick now."""
        order = self.map.layout_.order
        if not order:
            return
        start = order.index(self.map.selected) if self.map.selected in order else -1
        workable = (StationState.AVAILABLE, StationState.IN_PROGRESS)
        for step in range(1, len(order) + 1):
            station_id = order[(start + step) % len(order)]
            if self.tracker.state(station_id) in workable:
                if station_id != self.map.selected:
                    self.jump_to(station_id)
                return
        self.notify("No open station on this path: all done or locked.", markup=False)

    def jump_to(
        self, station_id: str, topic_id: str | None = None, reference_url: str | None = None
    ) -> None:
        """Select a station (leaving a filter that hides it), maybe a topic or link."""
        visible = path_members(self.curriculum, self.path)
        if visible is not None and station_id not in visible:
            self._set_path(ALL_PATHS, station_id)
            self.notify("Switched to all paths to show it.", markup=False)
        self.map.select(station_id, announce=False)
        self._selected = station_id
        self.detail.show(self.curriculum.station(station_id), self.tracker)
        if self.whats_new is not None:
            self.whats_new.on_station(station_id)
        if topic_id is not None:
            self.action_open_topics()
            self.detail.move_cursor_to_topic(topic_id)
        elif reference_url is not None:
            self.screen.add_class("-show-detail")
            self.detail.move_cursor_to_link(reference_url)
            self._focus_now(self.detail)
        else:
            self.action_focus_map()

    # Ticking -------------------------------------------------------------------
    def on_station_detail_topic_toggled(self, event: StationDetail.TopicToggled) -> None:
        self.toggle_topic(event.topic_id)

    def toggle_topic(self, topic_id: str) -> None:
        if not self._refused_read_only():
            self.controller.toggle_topic(topic_id)

    def action_mark_known(self, topic_id: str | None = None) -> None:
        """Toggle "known" on a topic (or, from the map, on the whole station)."""
        if self._refused_read_only():
            return
        self._sync_detail()
        self.controller.mark_known(self.map.selected, topic_id)

    def action_undo(self) -> None:
        if not self._refused_read_only():
            self.controller.undo()

    def _refused_read_only(self) -> bool:
        """Whether this is a group's view, where nothing changes (and say so)."""
        if self.cohort is None:
            return False
        self.notify(READ_ONLY, title="Read-only", severity="warning", markup=False)
        return True

    def show_progress(self, before: Tracker, announce: bool = False) -> None:
        """Draw the controller's progress; ``before`` is the tracker last drawn."""
        tracker = self.tracker
        self.map.show_progress(tracker)
        self.detail.notes = self.controller.progress.notes
        self.detail.show_progress(tracker)
        self._update_header()
        if self.route_target is not None:
            self._show_route(self.route_target)
        if tracker.done and not self.ui_state.hint_dismissed:
            # The learner has found their way; the first-launch hint never returns.
            self.ui_state.hint_dismissed = True
            self.query_one("#hint").display = False
            self.controller.save_ui_state()
        if announce:
            unlocked = tracker.newly_unlocked(before)
            if unlocked:
                self.notify(
                    "Unlocked: " + ", ".join(s.title for s in unlocked),
                    # "open" is the state's one word, as in the legend and the pane.
                    title=f"{counted(len(unlocked), 'station')} now open",
                    markup=False,
                )

    def check_external_changes(self) -> None:
        self.controller.check_external_changes()

    # Path filter ------------------------------------------------------------
    def action_cycle_path(self) -> None:
        choices = filter_cycle(self.curriculum)
        index = choices.index(self.path) if self.path in choices else -1
        self._set_path(choices[(index + 1) % len(choices)], self.map.selected)

    def _set_path(self, path: str, keep: str) -> None:
        self.path = path
        visible = path_members(self.curriculum, path)
        selected = keep if visible is None or keep in visible else self._nearest(keep, visible)
        self.map.show_stations(visible, selected)
        self._selected = selected
        if self.detail.station is None or self.detail.station.id != selected:
            # Most filter changes keep the station: its pane is already right,
            # and showing it again would lay the whole pane out anew.
            self.detail.show(self.curriculum.station(selected), self.tracker)
        if self.whats_new is not None:
            self.whats_new.on_station(selected)
        self._update_header()
        self.ui_state.path = path
        self.ui_state.selected = selected
        self.controller.save_ui_state()

    def _nearest(self, station_id: str, visible: frozenset[str]) -> str:
        """The shown station closest to a hidden one along the track.

        The nearest station it needs (what the learner came from), else the
        nearest that needs it, else the first shown.
        """
        curriculum = self.curriculum
        for neighbours in (
            lambda s: curriculum.station(s).prerequisite_ids,
            lambda s: [d.id for d in curriculum.dependents(s)],
        ):
            seen = {station_id}
            frontier = [station_id]
            while frontier:
                found = [s for s in frontier if s in visible]
                if found:
                    here = curriculum.index(station_id)
                    return min(found, key=lambda s: abs(curriculum.index(s) - here))
                following = [n for s in frontier for n in neighbours(s) if n not in seen]
                seen.update(following)
                frontier = list(dict.fromkeys(following))
        return self._first_station(visible)

    def _first_station(self, visible: frozenset[str] | None) -> str:
        for station in self.curriculum.stations:
            if visible is None or station.id in visible:
                return station.id
        return self.curriculum.stations[0].id

    def _path_label(self) -> str:
        if self.path == ALL_PATHS:
            return "All paths"
        return self.curriculum.line(self.path).name

    def _update_header(self) -> None:
        if self.cohort is not None:
            learners = counted(len(self.cohort.learners), "learner")
            status = f"{learners} · read-only · {self._path_label()}"
        else:
            count = self.tracker.path_count(self.path)
            status = f"{count.done}/{count.total} topics · {count.percent}% · {self._path_label()}"
        # Assigned, App.sub_title repaints the whole screen; only the title bar shows it.
        self.set_reactive(MetroApp.sub_title, status)
        self.query_one(TitleBar).show_status(status)

    # References and help ---------------------------------------------------------
    def on_station_detail_link_opened(self, event: StationDetail.LinkOpened) -> None:
        url = event.url
        if not url.lower().startswith(("http://", "https://", "mailto:")):
            self.notify(
                "Only http, https and mailto links are opened.", severity="warning", markup=False
            )
            return
        self.notify(f"Opening {url}", markup=False)
        self.open_url(url)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        if self.is_web:
            super().open_url(url, new_tab=new_tab)  # the browser the page is in opens it
        else:
            self._open_in_browser(url)

    @work(thread=True, exit_on_error=False)
    def _open_in_browser(self, url: str) -> None:
        # A thread: finding and starting a browser can take seconds, and
        # webbrowser says only by its answer whether anything opened.
        import webbrowser

        try:
            opened = webbrowser.open(url)
        except (webbrowser.Error, OSError):
            opened = False
        if not opened:
            self.call_from_thread(self._link_not_opened, url)

    def _link_not_opened(self, url: str) -> None:
        self.copy_to_clipboard(url)
        self.notify(
            f"No browser could open {url}. It is copied to the clipboard instead.",
            title="Link not opened",
            severity="warning",
            timeout=10,
            markup=False,
        )

    def on_station_detail_link_copied(self, event: StationDetail.LinkCopied) -> None:
        self.copy_to_clipboard(event.url)
        self.notify(f"Copied {event.url}", markup=False)

    def action_known_topic(self) -> None:
        key = self.detail.cursor_key
        if key is not None:
            self.action_mark_known(key)

    # Notes -------------------------------------------------------------------
    def action_edit_note(self) -> None:
        from metrotui.tui.screens.note_editor import NoteEditor

        if self._refused_read_only():
            return
        self._sync_detail()
        station = self.curriculum.station(self.map.selected)
        note = self.controller.progress.notes.get(station.id)
        seen = note.updated if note else ""
        text = note.text if note else ""

        def save(new_text: str, then: Callable[[bool], None]) -> None:
            if new_text == text:
                then(True)
            else:
                self.controller.save_note(station, new_text, seen, then)

        command = self._editor_command()
        if command is None or not self._edit_outside(command, text, save):
            self.push_screen(NoteEditor(station, text, save))

    def _editor_command(self) -> list[str] | None:
        """$VISUAL or $EDITOR, split as a shell would; None for the in-app editor.

        METROTUI_EDITOR=app prefers the in-app editor; so does a terminal the app
        cannot hand over (a browser tab, a test).
        """
        if os.environ.get(EDITOR_CHOICE_ENV, "").strip().lower() == "app":
            return None
        if self._driver is None or not self._driver.can_suspend:
            return None
        for name in ("VISUAL", "EDITOR"):
            value = os.environ.get(name, "").strip()
            if value:
                try:
                    return shlex.split(value) or None
                except ValueError:
                    return None
        return None

    def _edit_outside(
        self, command: list[str], text: str, save: Callable[[str, Callable[[bool], None]], None]
    ) -> bool:
        """Edit in the learner's own editor; False if it could not be started."""
        import subprocess
        import tempfile

        if shutil.which(command[0]) is None:
            # Found out before the screen is handed over: nothing to come back from.
            self._say_editor_failed(command, "not found")
            return False
        fd, name = tempfile.mkstemp(prefix="metrotui-notes-", suffix=".md")
        draft = Path(name)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            failed: OSError | None = None
            with self.suspend():
                # Caught inside: the app takes the terminal back only when this
                # block ends normally; an error leaving it would leave the app
                # suspended, deaf to every key and signal.
                try:
                    status = subprocess.run([*command, name], check=False).returncode
                except OSError as error:
                    failed = error
            if failed is not None:
                raise failed
            edited = draft.read_text(encoding="utf-8", errors="replace")
        except (OSError, SuspendNotSupported) as error:
            draft.unlink(missing_ok=True)
            self._say_editor_failed(command, str(error))
            return False
        if status != 0:
            draft.unlink(missing_ok=True)
            self.notify(
                f"The editor exited with status {status}: the notes are unchanged.",
                title="Editor",
                markup=False,
            )
            return True

        def saved(done: bool) -> None:
            if done:
                draft.unlink(missing_ok=True)
            else:
                self.notify(f"What you wrote is kept in {draft}.", title="Not saved", markup=False)

        # Editors end a file with a newline; that alone is not a change.
        if edited.rstrip("\n") == text.rstrip("\n"):
            saved(True)
        else:
            save(edited.rstrip("\n"), saved)
        return True

    def _say_editor_failed(self, command: list[str], why: str) -> None:
        self.notify(
            f"Could not run {clean_line(command[0])} ({clean_line(why)}); using the in-app editor.",
            title="Editor",
            severity="warning",
            markup=False,
        )

    # What changed since the learner last saw the curriculum ------------------------
    def _news_keeper(self) -> NewsKeeper:
        if self.whats_new is None:
            from metrotui.tui.news import LOOK_SECONDS, NewsKeeper

            seconds = LOOK_SECONDS if self._look_seconds is None else self._look_seconds
            keeper = NewsKeeper(self, self, self.curriculum, self.controller, seconds)
            self.whats_new = keeper
            keeper.look_for_news()
        return self.whats_new

    def action_whats_new(self) -> None:
        # A group's view tells no learner of a change, and keeps no "looked at".
        if not self._refused_read_only():
            self._news_keeper().open_panel()

    # Route planner and stats ---------------------------------------------------
    def action_route(self) -> None:
        """Plan the way to the selected station; again on the same station clears it."""
        self._sync_detail()
        target = self.map.selected
        if self.route_target == target:
            self.action_clear_route()
            return
        self.route_target = target
        stops = self._show_route(target)
        station = self.curriculum.station(target)
        if stops:
            topics = sum(self.tracker.count(s.id).left for s in stops)
            message = (
                f"{counted(len(stops), 'station')}, {counted(topics, 'topic')} to {station.title}. "
                "g again or esc clears it."
            )
        else:
            message = f"{station.title} is already done."
        self.notify(message, title="Route", markup=False)

    def _show_route(self, target: str) -> list[Station]:
        stops = self.tracker.route(target)
        members = frozenset(s.id for s in stops) | {target}
        visible = path_members(self.curriculum, self.path)
        if visible is not None and not members <= visible:
            self._set_path(ALL_PATHS, self.map.selected)
        self.map.show_route(members)
        self.detail.show_route(self.curriculum.station(target), stops, self.tracker)
        return stops

    def action_clear_route(self) -> None:
        if self.route_target is None:
            return
        self.route_target = None
        self.map.show_route(None)
        self.detail.show_route(None, [], self.tracker)

    def action_stats(self) -> None:
        from datetime import date

        if self._refused_read_only():
            return  # the stats are one learner's own, and a group's view shows none
        from metrotui.core.stats import compute_stats
        from metrotui.tui.screens.stats_screen import StatsScreen

        def show(ticked: dict[str, str]) -> None:
            self.push_screen(
                StatsScreen(self.tracker, compute_stats(self.tracker, ticked, date.today()))
            )

        self.controller.read_done(show)

    def action_help(self) -> None:
        from metrotui.tui.screens.help_screen import HelpScreen

        # Built once and kept: opening it again costs a frame, not a compose.
        if not self.is_screen_installed("help"):
            self.install_screen(HelpScreen(), "help")
        self.push_screen("help")


def run_app(
    curriculum: Curriculum,
    progress_path: Path,
    *,
    path: str | None = None,
    cohort: Cohort | None = None,
) -> int:
    """Run the app, and again on each curriculum the learner switches to; returns the
    process exit code.

    A progress file that cannot be used does not stop it: the app opens
    without progress and says why (see MetroApp.__init__).
    """
    from metrotui.tui.terminal import hangup_safe

    while True:
        app = MetroApp(curriculum, progress_path, path=path, cohort=cohort)
        app.driver_class = hangup_safe(app.driver_class)
        app.run()
        code = app.return_code or 0
        if app.switch_to is None or code:
            return code
        # Each curriculum keeps its own progress file and view, whatever the first one used.
        curriculum, path, cohort = app.switch_to, None, None
        progress_path = default_progress_file(curriculum.id)
