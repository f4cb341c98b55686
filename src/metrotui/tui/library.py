"""Switching curriculum from the command palette.

The palette lists the library with each curriculum's progress, read off the
event loop when it opens.  Choosing one loads it (also off the loop), makes it
the current curriculum, and quits the app the way q does (every pending save
first, then the view of this curriculum remembered); run_app then starts the
app again on the chosen one, which opens with its own remembered view.
Restarting rather than swapping keeps every per-curriculum part of the app
(controller, caches, watchers) exactly as a fresh launch builds it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from metrotui.core.words import counted
from metrotui.tui.search import plain_highlight

if TYPE_CHECKING:
    from metrotui.core.curriculum import Curriculum

SWITCH_PLACEHOLDER = "Switch to the curriculum…"


class Switchable(Protocol):
    """What switching needs of the app."""

    curriculum: Curriculum

    def switch_curriculum(self, curriculum_id: str) -> None: ...


class Leaving(Protocol):
    """The app's side of a switch: run work off the loop, and quit towards a curriculum."""

    curriculum: Curriculum

    def notify(self, message: str, *, title: str = "", **options: Any) -> None: ...

    def call_from_thread(self, callback: Callable[..., object], *args: Any) -> Any: ...

    def run_worker(self, work: Callable[[], None], *, thread: bool, group: str) -> object: ...

    def leave_for(self, curriculum: Curriculum) -> None: ...


def start_switch(app: Leaving, curriculum_id: str) -> None:
    """Load the chosen curriculum off the loop, then leave for it; or say why not."""
    if curriculum_id == app.curriculum.id:
        app.notify(
            f"{app.curriculum.title} is the one open.", title="Switch curriculum", markup=False
        )
        return

    def load_then_leave() -> None:
        from metrotui.core.curriculum import CurriculumError
        from metrotui.storage.library import LibraryError

        try:
            curriculum = load_choice(curriculum_id)
        except (LibraryError, CurriculumError) as error:
            app.call_from_thread(
                partial(
                    app.notify, str(error), title="Cannot switch", severity="error", markup=False
                )
            )
            return
        app.call_from_thread(app.leave_for, curriculum)

    app.run_worker(load_then_leave, thread=True, group="switch-curriculum")


@dataclass(frozen=True)
class Choice:
    id: str
    title: str
    progress: str


def library_choices() -> tuple[list[Choice], list[str]]:
    """Every curriculum in the library with its progress, and what could not be read.

    Reads files: call it off the event loop.
    """
    from metrotui.storage import library

    try:
        entries, problems = library.scan()
    except library.LibraryError as error:
        return [], [str(error)]
    choices = []
    notices = [str(problem) for problem in problems]
    for entry in entries:
        activity, more = library.activity(entry.curriculum)
        notices += more
        when = f" · last {activity.last[:10]}" if activity.last else ""
        done = f"{activity.finished}/{counted(activity.total, 'topic')}"
        choices.append(Choice(entry.id, entry.curriculum.title, f"{done}{when} · {entry.id}"))
    return choices, notices


def load_choice(curriculum_id: str) -> Curriculum:
    """The chosen curriculum, made current; LibraryError or CurriculumError if it cannot be.

    Reads and writes files: call it off the event loop.
    """
    from metrotui.storage import library
    from metrotui.storage.curriculum_file import load_curriculum

    path = library.find(curriculum_id)
    if path is None:
        raise library.LibraryError(library.unknown_id_message(curriculum_id))
    curriculum = load_curriculum(path)
    library.set_current(curriculum.id)
    return curriculum


class CurriculumSwitch(Provider):
    """The library in the palette; the one open now is marked and not offered again."""

    _choices: list[Choice]

    async def startup(self) -> None:
        self._choices, notices = await asyncio.to_thread(library_choices)
        for notice in notices:
            self.app.notify(notice, title="Library", severity="warning", markup=False)

    def _entries(self) -> list[tuple[str, str, Choice]]:
        app = cast(Switchable, self.app)
        return [
            (
                choice.title,
                choice.progress + (" · open now" if choice.id == app.curriculum.id else ""),
                choice,
            )
            for choice in self._choices
        ]

    def _command(self, choice: Choice) -> partial[None]:
        return partial(cast(Switchable, self.app).switch_curriculum, choice.id)

    async def discover(self) -> Hits:
        for title, help_text, choice in self._entries():
            yield DiscoveryHit(
                Content(title), self._command(choice), text=title, help=escape(help_text)
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, choice in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    plain_highlight(matcher, title),
                    self._command(choice),
                    text=title,
                    help=escape(help_text),
                )
