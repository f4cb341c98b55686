"""Sync from inside the app: off the event loop, told in a notification.

A sync runs git and waits on the network, so it runs in a thread of its own,
and the loop only hears the outcome.  The thread is a daemon: quitting never
waits on it beyond the bounded wait at quit, and a sync cut short is safe by
design (local progress only ever gains; the next sync completes it).  The
merged progress reaches the screen the way any outside change does, through
the controller's look at the progress file.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.notifications import SeverityLevel

    from metrotui.core.curriculum import Curriculum
    from metrotui.storage.sync.config import SyncConfig
    from metrotui.storage.sync.engine import SyncReport

# How long quitting waits for a sync at quit; then the app goes, the sync cut short.
QUIT_WAIT_S = 20.0
NO_REMOTE = "No sync remote yet: run  metrotui sync --remote URL_OR_PATH  once in a terminal."


class SyncRunner:
    """At most one sync at a time, for the app's curriculum and every other one in use."""

    def __init__(
        self,
        app: App[Any],
        curriculum: Curriculum,
        progress_path: Path,
        reload: Callable[[], None],
    ) -> None:
        self.app = app
        self.curriculum = curriculum
        self.progress_path = progress_path
        self.reload = reload  # looks at the progress file again, from the loop
        self.config: SyncConfig | None = None  # read in the thread, never on the loop
        self._running = threading.Lock()
        self._quitting = False

    @property
    def at_quit(self) -> bool:
        return self.config is not None and self.config.sync_at_quit

    def on_start(self) -> None:
        """Read the config off the loop, and sync if it asks for a sync at start."""
        self._spawn(self._start_job)

    def sync(self) -> None:
        """The sync key: one sync now, unless one is already running."""
        if not self._spawn(self._sync_job):
            self.app.notify("A sync is already running.", title="Sync", markup=False)

    def quit_after_sync(
        self, settled: Callable[[], Awaitable[None]], leave: Callable[[], None]
    ) -> bool:
        """With sync at quit on: save, sync (bounded), then leave; False if it is off."""
        if not self.at_quit or self._quitting:
            return False
        self._quitting = True

        async def go() -> None:
            try:
                await settled()
                await self.sync_before_quit()
            finally:
                leave()

        self.app.run_worker(go(), group="sync-at-quit", exit_on_error=False)
        return True

    async def sync_before_quit(self) -> None:
        """A sync at quit, waited for at most QUIT_WAIT_S."""
        done = asyncio.Event()
        loop = asyncio.get_running_loop()

        def job() -> None:
            try:
                self._sync_job(tell=False)
            finally:
                loop.call_soon_threadsafe(done.set)

        if not self._spawn(job):
            return
        self.app.notify("Syncing before quitting...", title="Sync", markup=False)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), QUIT_WAIT_S)

    # In the thread ----------------------------------------------------------------
    def _spawn(self, job: Callable[[], None]) -> bool:
        if not self._running.acquire(blocking=False):
            return False

        def run() -> None:
            try:
                job()
            finally:
                self._running.release()

        threading.Thread(target=run, name="metrotui-sync", daemon=True).start()
        return True

    def _start_job(self) -> None:
        config = self._load_config()
        if config is not None and config.sync_at_start and config.remote:
            self._sync_job()

    def _load_config(self) -> SyncConfig | None:
        from metrotui.storage.sync.config import SyncConfigError, load_config

        try:
            self.config = load_config()
        except SyncConfigError as error:
            self._tell(str(error), "error")
        return self.config

    def _sync_job(self, tell: bool = True) -> None:
        from metrotui.storage.sync.config import SyncConfigError, learner_name, machine_id
        from metrotui.storage.sync.engine import SyncFailed, sync, targets_in_use

        config = self._load_config()
        if config is None:
            return
        if not config.remote:
            self._tell(NO_REMOTE, "warning")
            return
        try:
            targets = targets_in_use({self.curriculum.id: self.progress_path})
            report = sync(config.remote, targets, machine_id(), learner_name(config))
        except (SyncFailed, SyncConfigError) as error:
            self._tell(str(error), "error")
            return
        except Exception as error:  # a sync must never take the app down with it
            self._tell(f"sync stopped: {error}", "error")
            return
        self._from_thread(self.reload)
        if tell:
            self._tell(_outcome(report), "information")
        for notice in report.outcome.notices:
            self._tell(notice, "warning")

    def _tell(self, message: str, severity: SeverityLevel) -> None:
        self._from_thread(
            lambda: self.app.notify(
                message, title="Sync", severity=severity, timeout=10, markup=False
            )
        )

    def _from_thread(self, call: Callable[[], None]) -> None:
        # The app may have gone meanwhile (a sync cut short at quit): nobody to tell.
        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(call)


def _outcome(report: SyncReport) -> str:
    from metrotui.core.words import counted

    received = sum(report.outcome.received.values())
    came = (
        f"{counted(received, 'mark or note', 'marks and notes')} came in"
        if received
        else "nothing new came in"
    )
    return (
        f"Synced with {report.remote}: {counted(len(report.outcome.machines), 'machine')}; {came}."
    )
