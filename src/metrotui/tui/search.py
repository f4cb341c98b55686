"""Command palette search over stations, topics and references."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape

from metrotui.core.curriculum import Curriculum


class Searchable(Protocol):
    """What the search needs of the app: its curriculum, and a way to go somewhere in it."""

    curriculum: Curriculum

    def jump_to(
        self, station_id: str, topic_id: str | None = None, reference_url: str | None = None
    ) -> None: ...


def plain_highlight(matcher: Matcher, text: str) -> Content:
    """Like ``Matcher.highlight``, but curriculum text is never parsed as markup."""
    content = Content(text)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class CurriculumSearch(Provider):
    """Find a station, topic or reference by fuzzy match and jump to it."""

    def _entries(self) -> list[tuple[str, str, Callable[[], None]]]:
        app = cast(Searchable, self.app)
        entries: list[tuple[str, str, Callable[[], None]]] = []
        for station in app.curriculum.stations:
            line = app.curriculum.line(station.line).name
            entries.append(
                (
                    f"{station.number} {station.title}",
                    f"Station · {line}",
                    partial(app.jump_to, station.id),
                )
            )
            for topic in station.topics:
                entries.append(
                    (
                        topic.title,
                        f"Topic · {station.number} {station.title}",
                        partial(app.jump_to, station.id, topic.id),
                    )
                )
            for reference in station.references:
                entries.append(
                    (
                        reference.title,
                        f"Reference · {station.number} {station.title}",
                        partial(app.jump_to, station.id, None, reference.url),
                    )
                )
        return entries

    async def discover(self) -> Hits:
        app = cast(Searchable, self.app)
        for station in app.curriculum.stations:
            name = f"{station.number} {station.title}"
            yield DiscoveryHit(
                Content(name), partial(app.jump_to, station.id), text=name, help="Station"
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, command in self._entries():
            score = matcher.match(text)
            if score > 0:
                # The palette reads help as markup: escape it, it holds titles.
                yield Hit(
                    score,
                    plain_highlight(matcher, text),
                    command,
                    text=text,
                    help=escape(help_text),
                )
