"""What the app does with a learner's progress: ticks, known topics, undo, notes, saving, watching.

The event loop never touches the disk.  A change shows on screen at once and
goes into a queue that one writer thread works through in order, so two quick
ticks reach the file in the order they were made and ``u`` undoes the right
one.  What is on screen is always the progress last read from or written to
the file with every change still on its way applied on top: when a save is
confirmed nothing moves, and when it fails (the disk is full, another
metrotui holds the lock past its timeout) the change drops out of the view
and a notification says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from textual.app import App

from metrotui.core.curriculum import Curriculum, Station
from metrotui.core.text import clean_block
from metrotui.core.tracker import StationState, Tracker, needs_text
from metrotui.core.words import counted
from metrotui.storage.progress import (
    LOCK_TIMEOUT_SECONDS,
    Progress,
    ProgressError,
    ProgressStore,
    now_utc,
    rekeyed,
    with_done,
    with_known,
    without,
)
from metrotui.storage.ui_state import UiState


class ProgressView(Protocol):
    """What the controller needs of the app beyond Textual's own services: how it draws."""

    path: str
    theme: str

    @property
    def selected(self) -> str: ...

    def show_progress(self, before: Tracker, announce: bool = False) -> None: ...


# How long quitting waits before it says what it is waiting for: a save
# normally lands in milliseconds, and a message that flashes by helps nobody.
QUIT_NOTICE_AFTER_S = 0.3
# An exit that does not go through quitting (the app torn down) still waits
# this long for the writer, so that a tick made just before is not dropped.
EXIT_WAIT_S = LOCK_TIMEOUT_SECONDS + 2

Outcome = Callable[[], None]  # what a finished job does on the event loop
Job = Callable[[], Outcome]  # run in the writer thread


@dataclass(frozen=True)
class Change:
    """How some topics were before a change, so that ``u`` can put them back exactly."""

    label: str  # what was done, for the undo message
    topic_ids: tuple[str, ...]
    done_before: dict[str, str]
    known_before: dict[str, str]


def _change_of(label: str, topic_ids: tuple[str, ...], before: Progress) -> Change:
    return Change(
        label,
        topic_ids,
        {t: before.done[t] for t in topic_ids if t in before.done},
        {t: before.known[t] for t in topic_ids if t in before.known},
    )


@dataclass(eq=False)
class Edit:
    """One change to some topics (a tick, an untick, "known", an undo), from key to disk."""

    label: str
    topic_ids: tuple[str, ...]
    transform: Callable[[Progress], Progress]
    # How the topics looked on screen before it: what an undo shows until
    # the writer has read how they were on disk.
    shown_before: Change
    undoes: Edit | None = None
    # Set by the writer thread: how the topics were on disk just before this
    # change (read under the lock, so undo never removes another terminal's
    # mark), or that it could not be saved.
    change: Change | None = None
    failed: bool = False


def _restore(target: Edit) -> Callable[[Progress], Progress]:
    def restore(progress: Progress) -> Progress:
        if target.failed:
            return progress  # never written, so nothing to take back
        was = target.change or target.shown_before
        done = {k: v for k, v in progress.done.items() if k not in was.topic_ids}
        known = {k: v for k, v in progress.known.items() if k not in was.topic_ids}
        return replace(
            progress, done={**done, **was.done_before}, known={**known, **was.known_before}
        )

    return restore


@dataclass
class _Quit:
    return_code: int
    insist: bool  # a signal: leave even if a save failed, as nobody is there to ask
    failed: bool = False


@dataclass
class _Queue:
    """Jobs for the writer thread; the lock guards the hand-over only."""

    jobs: deque[Edit | Job] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)
    draining: bool = False
    idle: threading.Event = field(default_factory=threading.Event)


class ProgressController:
    """The learner's progress as the app shows it, and the one way it changes."""

    def __init__(
        self,
        app: App[Any],
        view: ProgressView,
        curriculum: Curriculum,
        progress_path: Path,
        ui_state_path: Path,
        *,
        read_only: bool = False,
    ) -> None:
        self.app = app
        self.view = view
        self.curriculum = curriculum
        # Given the curriculum, the store moves marks and notes recorded under
        # a former id to the id they now have, on every save.
        self.store = ProgressStore(progress_path, curriculum.id, curriculum)
        # A progress file that cannot be used (from a newer metrotui, a folder,
        # unreadable) does not stop the app: it opens without progress and says
        # why.  Every save re-reads the file first, so it is refused, not overwritten.
        self.problem: str | None = None
        self.read_only = read_only
        try:
            # Read-only (a study group's view) shows no one's own progress, and
            # load() could set a damaged file aside: not even that is done.
            # As the next save will write it: a note under a station's former
            # id shows on that station now, not only after the next tick.
            saved = (
                Progress(curriculum=curriculum.id)
                if read_only
                else rekeyed(self.store.load(), curriculum)
            )
        except ProgressError as error:
            saved = Progress(curriculum=curriculum.id)
            self.problem = str(error)
        self.saved = saved  # as last read from or written to the file
        # As shown: ``saved`` with every pending edit applied (the marks for
        # topics this curriculum does not have may be left out: _shown_part).
        self.progress = saved
        self._shown_from: Progress | None = None
        self._shown = saved
        self.tracker = Tracker(curriculum, saved.done, saved.known)
        self.ui_state = UiState.load(ui_state_path)
        self.undo_stack: list[Edit] = []
        self._pending: list[Edit] = []
        self._outstanding = 0  # jobs queued whose outcome has not yet been handled
        self._settled = asyncio.Event()
        self._settled.set()
        self._queue = _Queue()
        self._queue.idle.set()
        self._polling = False
        self._look_again = False  # a look asked for while one was under way
        self._quit: _Quit | None = None
        # Owned by the writer thread once the app runs.
        self._seen_signature = self.store.signature()

    # The writer -------------------------------------------------------------
    def _enqueue(self, job: Edit | Job) -> None:
        self._outstanding += 1
        self._settled.clear()
        queue = self._queue
        with queue.lock:
            queue.jobs.append(job)
            start = not queue.draining
            queue.draining = True
            queue.idle.clear()
        if start:
            self.app.run_worker(
                self._drain, thread=True, group="progress-writer", exit_on_error=False
            )

    def _drain(self) -> None:
        """The writer thread: every job in order, consecutive edits under one lock."""
        queue = self._queue
        while True:
            with queue.lock:
                if not queue.jobs:
                    queue.draining = False
                    queue.idle.set()
                    return
                first = queue.jobs.popleft()
                batch: list[Edit] = []
                if isinstance(first, Edit):
                    batch.append(first)
                    while queue.jobs and isinstance(queue.jobs[0], Edit):
                        batch.append(queue.jobs.popleft())  # type: ignore[arg-type]
            try:
                if batch:
                    outcome = self._write_edits(batch)
                else:
                    assert not isinstance(first, Edit)
                    outcome = first()
            except Exception as error:  # noqa: BLE001 -- a bug must not stop every later save
                outcome = self._broken(batch, error)
            # Posted, not waited for: the app may be closing and never answer.
            with contextlib.suppress(RuntimeError):  # its loop already closed
                self.app.call_later(outcome)

    def _broken(self, batch: list[Edit], error: Exception) -> Outcome:
        """What a job that failed unexpectedly does: its edits taken back, its count settled."""
        for edit in batch:
            edit.change, edit.failed = None, True
        message = f"could not save progress to {self.store.path} ({error})"

        def outcome() -> None:
            self._polling = False
            if batch:
                self._edits_done(batch, None, message, [])
            else:
                self.app.notify(message, title="Not saved", severity="error", markup=False)
                self._handled()

        return outcome

    def _handled(self) -> None:
        self._outstanding -= 1
        if self._outstanding == 0:
            self._settled.set()
            if self._quit is not None:
                self._finish_quitting()

    async def settled(self) -> None:
        """Wait until every change made so far is saved (or has failed) and shown."""
        await self._settled.wait()

    def _take_notices(self) -> list[str]:
        notices = list(self.store.notices)
        self.store.notices.clear()
        return notices

    def report_notices(self, notices: Iterable[str]) -> None:
        for notice in notices:
            self.app.notify(notice, title="Progress", severity="warning", timeout=20, markup=False)

    # Edits --------------------------------------------------------------------
    def _write_edits(self, batch: list[Edit]) -> Outcome:
        def apply(progress: Progress) -> Progress:
            for edit in batch:
                before = progress
                progress = edit.transform(progress)
                edit.change = _change_of(edit.label, edit.topic_ids, before)
            return progress

        error: str | None = None
        saved: Progress | None = None
        try:
            saved = self.store.update(apply)
            self._seen_signature = self.store.signature()
        except ProgressError as problem:
            error = str(problem)
            for edit in batch:
                edit.change = None
                edit.failed = True
        notices = self._take_notices()
        return lambda: self._edits_done(batch, saved, error, notices)

    def _edits_done(
        self, batch: list[Edit], saved: Progress | None, error: str | None, notices: list[str]
    ) -> None:
        self._pending = [edit for edit in self._pending if edit not in batch]
        if saved is not None:
            self.saved = saved
        if error is not None:
            self._take_back(batch, error)
        self.report_notices(notices)
        self.show(announce=error is None)
        for edit in batch:
            if error is None and edit.undoes is not None and not edit.undoes.failed:
                self.app.notify(f"Undone: {edit.undoes.label}.", markup=False)
        for _ in batch:
            self._handled()

    def _take_back(self, batch: list[Edit], error: str) -> None:
        """A batch not saved: off the screen (``show`` follows), off the undo stack, and said."""
        for edit in batch:
            if edit.undoes is None:
                with contextlib.suppress(ValueError):
                    self.undo_stack.remove(edit)
            elif not edit.undoes.failed:
                self.undo_stack.append(edit.undoes)  # still there, so still undoable
        labels = "; ".join(edit.label for edit in batch)
        self.app.notify(
            f"{error}\nTaken back on screen: {labels}.",
            title="Not saved",
            severity="error",
            markup=False,
        )
        if self._quit is not None:
            self._quit.failed = True

    def _edit(
        self,
        label: str,
        topic_ids: Iterable[str],
        transform: Callable[[Progress], Progress],
        undoes: Edit | None = None,
    ) -> Edit:
        ids = tuple(topic_ids)
        edit = Edit(label, ids, transform, _change_of(label, ids, self.progress), undoes)
        self._pending.append(edit)
        self.show(announce=True)
        self._enqueue(edit)
        return edit

    def change(
        self, label: str, topic_ids: Iterable[str], transform: Callable[[Progress], Progress]
    ) -> None:
        """Change some topics: on screen now, on disk as soon as the writer gets to it."""
        self.undo_stack.append(self._edit(label, topic_ids, transform))

    def undo(self) -> None:
        if not self.undo_stack:
            self.app.notify("Nothing to undo.", markup=False)
            return
        last = self.undo_stack.pop()
        self._edit(f"undo of {last.label}", last.topic_ids, _restore(last), undoes=last)

    def show(self, announce: bool = False) -> None:
        """Show the saved progress with every pending edit applied on top."""
        progress = self._shown_part(self.saved)
        for edit in self._pending:
            progress = edit.transform(progress)
        before = self.tracker
        self.progress = progress
        # Worked out from the last tracker: only what changed is looked at again.
        self.tracker = Tracker(self.curriculum, progress.done, progress.known, since=before)
        self.view.show_progress(before, announce=announce)

    def _shown_part(self, saved: Progress) -> Progress:
        """``saved`` as far as the screen needs it: with far more marks than the
        curriculum has topics (a million, mostly for topics long gone), only the
        marks of its own topics, so that a tick copies those and not all."""
        if self._shown_from is saved:
            return self._shown
        shown = saved
        curriculum = self.curriculum
        if max(len(saved.done), len(saved.known)) > 2 * curriculum.topic_count:
            # Each key in every spelling it may be recorded under.
            spellings = [spelling for spelling, _ in curriculum.spellings()]
            shown = replace(
                saved,
                done={t: saved.done[t] for t in spellings if t in saved.done},
                known={t: saved.known[t] for t in spellings if t in saved.known},
            )
        self._shown_from, self._shown = saved, shown
        return shown

    # Ticking and "known" --------------------------------------------------------
    def toggle_topic(self, topic_id: str) -> None:
        station = self.curriculum.station_of(topic_id)
        title = self.curriculum.title_of(topic_id)
        ids = [topic_id]
        stamp = now_utc()
        if self.tracker.is_known(topic_id):
            # Studied it after all: a known topic ticked becomes properly done.
            self.change(f"{title} ticked", ids, lambda p: with_done(p, ids, stamp))
        elif self.tracker.is_done(topic_id):
            self.change(f"{title} unticked", ids, lambda p: without(p, ids))
        elif self.tracker.state(station.id) is StationState.LOCKED:
            self._offer_known_prerequisites(station, topic_id)
        else:
            self.change(f"{title} ticked", ids, lambda p: with_done(p, ids, stamp))

    def mark_known(self, station_id: str, topic_id: str | None = None) -> None:
        """Toggle "known" on a topic (or, with none, on the whole station)."""
        if topic_id is None:
            self._toggle_station_known(self.curriculum.station(station_id))
        elif self.tracker.is_known(topic_id):
            title = self.curriculum.title_of(topic_id)
            forget = [topic_id]
            self.change(f"{title} no longer known", forget, lambda p: without(p, forget))
        elif self.tracker.is_done(topic_id):
            self.app.notify("That topic is already ticked as done.", markup=False)
        else:
            station = self.curriculum.station_of(topic_id)
            label = f"{self.curriculum.title_of(topic_id)} marked known"
            self._mark_known(station, [topic_id], label)

    def _toggle_station_known(self, station: Station) -> None:
        left = [t for t in self.curriculum.keys_of(station.id) if not self.tracker.is_done(t)]
        if left:
            self._mark_known(station, left, f"{station.title} marked known")
            return
        known = [t for t in self.curriculum.keys_of(station.id) if self.tracker.is_known(t)]
        if not known:
            self.app.notify(f"{station.title} is already finished.", markup=False)
            return
        self.change(f"{station.title} no longer known", known, lambda p: without(p, known))

    def _mark_known(self, station: Station, ids: list[str], label: str) -> None:
        """Mark topics known; on a locked station, ask first about what comes before it."""
        if self.tracker.state(station.id) is not StationState.LOCKED:
            stamp = now_utc()
            self.change(label, ids, lambda p: with_known(p, ids, stamp))
            return
        from metrotui.tui.screens.known_dialog import KnownDialog

        before, earlier = self._before_locked(station)

        def answer(confirmed: bool | None) -> None:
            if not confirmed:
                return
            marks = [*earlier, *ids]
            stations = counted(len(before), "station")
            stamp = now_utc()
            self.change(
                f"{label}, and {stations} before it",
                marks,
                lambda p: with_known(p, marks, stamp),
            )

        self.app.push_screen(KnownDialog(station, before, then="mark this known too"), answer)

    def _before_locked(self, station: Station) -> tuple[list[Station], list[str]]:
        """The stations still to finish before ``station``, and their topics not yet done."""
        before = [s for s in self.tracker.route(station.id) if s.id != station.id]
        keys = [t for s in before for t in self.curriculum.keys_of(s.id)]
        return before, [t for t in keys if not self.tracker.is_done(t)]

    def _offer_known_prerequisites(self, station: Station, topic_id: str) -> None:
        """A locked station: explain why, and offer to credit what the learner knows."""
        from metrotui.tui.screens.known_dialog import KnownDialog

        self._explain_locked(station)
        before, known = self._before_locked(station)

        def answer(confirmed: bool | None) -> None:
            if not confirmed:
                return
            title = self.curriculum.title_of(topic_id)
            stamp = now_utc()
            # One change, so one u takes back both the credit and the tick.
            self.change(
                f"{counted(len(before), 'station')} marked known and {title} ticked",
                [*known, topic_id],
                lambda p: with_done(with_known(p, known, stamp), [topic_id], stamp),
            )

        self.app.push_screen(KnownDialog(station, before), answer)

    def _explain_locked(self, station: Station) -> None:
        names = needs_text(self.tracker.unmet_needs(station.id))
        self.app.notify(
            f"{station.title} is locked. Finish {names} first.",
            title="Locked",
            severity="warning",
            markup=False,
        )

    # Notes ----------------------------------------------------------------------
    def save_note(
        self, station: Station, text: str, seen: str, then: Callable[[bool], None]
    ) -> None:
        """Save a station's note in the writer; ``then`` hears whether it worked."""

        def job() -> Outcome:
            try:
                saved = self.store.set_note(station.id, clean_block(text), seen=seen)
                self._seen_signature = self.store.signature()
            except ProgressError as error:
                message = str(error)
                notices = self._take_notices()
                return lambda: self._note_done(station, None, message, notices, then)
            notices = self._take_notices()
            return lambda: self._note_done(station, saved, None, notices, then)

        self._enqueue(job)

    def _note_done(
        self,
        station: Station,
        saved: Progress | None,
        error: str | None,
        notices: list[str],
        then: Callable[[bool], None],
    ) -> None:
        if saved is None:
            self.app.notify(str(error), title="Not saved", severity="error", markup=False)
            if self._quit is not None:
                self._quit.failed = True
        else:
            self.saved = saved
        self.report_notices(notices)
        if saved is not None:
            self.show(announce=True)
            self.app.notify(f"Notes on {station.title} saved.", markup=False)
        then(saved is not None)
        self._handled()

    # The view remembered between launches -------------------------------------------
    def save_ui_state(self) -> None:
        """Write the remembered view in the writer (a failed write is let go)."""
        if self.read_only:
            return  # a study group's view is not the learner's own to remember

        def job() -> Outcome:
            self.ui_state.save()
            return lambda: None

        self._enqueue(self._then_handled(job))

    def _then_handled(self, job: Job) -> Job:
        def run() -> Outcome:
            outcome = job()

            def done() -> None:
                outcome()
                self._handled()

            return done

        return run

    def write_later(self, write: Callable[[], None]) -> None:
        """Run a small write of the app's own (never progress) in the writer, in order."""

        def job() -> Outcome:
            write()
            return lambda: None

        self._enqueue(self._then_handled(job))

    def prepare_to_save(self) -> None:
        """Import what saving needs, in the writer: the first tick as quick as the rest."""

        def job() -> Outcome:
            self.store.prepare_to_save()
            return lambda: None

        self._enqueue(self._then_handled(job))

    # Watching the file ----------------------------------------------------------------
    def check_external_changes(self) -> None:
        """Pick up marks written by another metrotui (say, the CLI in another terminal)."""
        if self._quit is not None:
            return
        if self._polling:
            # One look at a time; one asked for meanwhile (a sync just merged
            # marks in) is taken when this one ends, so it is not lost.
            self._look_again = True
            return
        self._polling = True
        self._look_again = False

        def job() -> Outcome:
            signature = self.store.signature()
            if signature == self._seen_signature:
                return lambda: None
            self._seen_signature = signature
            try:
                loaded = rekeyed(self.store.load(), self.curriculum)
            except ProgressError as error:
                message = str(error)
                return lambda: self.app.notify(
                    message, title="Progress", severity="error", markup=False
                )
            notices = self._take_notices()
            return lambda: self._loaded(loaded, notices)

        def poll() -> Outcome:
            outcome = job()

            def done() -> None:
                self._polling = False
                outcome()
                self._handled()
                if self._look_again:
                    self.check_external_changes()

            return done

        self._enqueue(poll)

    def _loaded(self, loaded: Progress, notices: list[str]) -> None:
        self.saved = loaded
        self.report_notices(notices)
        self.show()

    def read_done(self, then: Callable[[dict[str, str]], None]) -> None:
        """Read the ticks on disk now (for the stats), in a thread of their own.

        Not in the writer's queue: a save waiting for the lock must not hold up
        a screen that only reads.  A store of its own, so its notices are its own.
        """
        store = ProgressStore(self.store.path, self.curriculum.id, self.curriculum)

        def read() -> None:
            try:
                done = store.load().done
            except ProgressError as error:
                message = str(error)
                self.app.call_from_thread(
                    self.app.notify, message, title="Progress", severity="error", markup=False
                )
                return
            self.app.call_from_thread(self._read, done, list(store.notices), then)

        self.app.run_worker(read, thread=True, group="progress-reader", exit_on_error=False)

    def _read(
        self, done: dict[str, str], notices: list[str], then: Callable[[dict[str, str]], None]
    ) -> None:
        self.report_notices(notices)
        then(done)

    # Quitting -------------------------------------------------------------------------
    def quit(self, return_code: int = 0, *, insist: bool = False) -> None:
        """Leave once every change is saved; a signal leaves even if one cannot be."""
        self.remember_view()
        if self._quit is not None:
            self._quit.insist = self._quit.insist or insist
            return
        self._quit = _Quit(return_code, insist)
        if self._outstanding == 0:
            self._finish_quitting()
        else:
            self.app.set_timer(QUIT_NOTICE_AFTER_S, self._say_waiting)

    def remember_view(self) -> None:
        state = self.ui_state
        state.path, state.selected, state.theme = (
            self.view.path,
            self.view.selected,
            self.view.theme,
        )
        self.save_ui_state()

    def _say_waiting(self) -> None:
        if self._quit is None or self._outstanding == 0:
            return
        self.app.notify(
            f"Saving to {self.store.path} before quitting; another metrotui may hold it "
            f"locked (waiting up to {LOCK_TIMEOUT_SECONDS:.0f} s).",
            title="Saving",
            markup=False,
        )

    def _finish_quitting(self) -> None:
        quitting, self._quit = self._quit, None
        if quitting is None:
            return
        if quitting.failed and not quitting.insist:
            # Leaving now would look as if everything were saved: stay, and
            # let the notification say what was not.
            self.app.notify(
                "Not everything could be saved, so the app stays open. q again quits anyway.",
                title="Still open",
                severity="warning",
                markup=False,
            )
            return
        self.app.exit(return_code=quitting.return_code)

    async def wait_for_writer(self) -> None:
        """On the way out: let the writer finish what it has (bounded), off the event loop."""
        await asyncio.to_thread(self._queue.idle.wait, EXIT_WAIT_S)
