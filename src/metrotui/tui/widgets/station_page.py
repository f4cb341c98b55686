"""What the station pane shows, as a list of blocks: built here, drawn by the pane.

A block is a piece of the page (the head, the summary, one topic, one link...)
with the key its drawing is cached under, so that a station seen before is
shown again without wrapping any of its text.  The blocks a learner can pick
(topics, links, "show more") say so.

Curriculum text is data: it goes in as Content's plain text, never as markup,
so a title such as ``[@click=app.quit]`` shows literally and runs nothing.

Everything a curriculum or a learner can make long is cut on screen, with
the count of what is left and a way to see more: a station with a 10 MB
summary or 100,000 topics shows its first part at once.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from rich.console import RenderableType
from textual.content import Content
from textual.visual import Visual

from metrotui.core.curriculum import Curriculum, Reference, Station, Topic
from metrotui.core.glyphs import (
    STATE_STYLE,
    STATION_GLYPH,
    TOPIC_DONE,
    TOPIC_KNOWN,
    TOPIC_OPEN,
    station_badge,
)
from metrotui.core.text import clean_block
from metrotui.core.tracker import StationState, Tracker
from metrotui.core.words import counted
from metrotui.storage.progress import Note
from metrotui.tui.widgets.hanging import Barred, Hanging

# What is shown before "… N more": about a screen or two of each, and a press
# of enter on the "more" line shows twice as much.
SUMMARY_CHARS = 3_000
SUMMARY_LINES = 60
TOPICS_SHOWN = 30
NOTE_CHARS = 4_000
TOPIC_SUMMARY_CHARS = 1_000
TITLE_CHARS = 300
LINKED_STATIONS_SHOWN = 20
ROUTE_TOPICS_SHOWN = 8

ROUTE_BAR = "▎ "  # down the left of the route, as a margin


class Zone(Enum):
    """The two lists in the pane that the cursor moves in."""

    TOPICS = "topics"
    LINKS = "links"


class More(Enum):
    """What a "show more" line shows more of."""

    SUMMARY = "summary"
    TOPICS = "topics"


@dataclass(frozen=True, slots=True)
class Pick:
    """A block the cursor can rest on, and what picking it does."""

    zone: Zone
    topic: Topic | None = None
    reference: Reference | None = None
    more: More | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """A piece of the page; ``key`` says when its drawing can be reused (None: never)."""

    key: Hashable | None
    build: Callable[[], Visual | RenderableType]
    pick: Pick | None = None


@dataclass(slots=True)
class Limits:
    """How much of a long station is shown; grows when the learner asks for more."""

    summary_chars: int = SUMMARY_CHARS
    topics: int = TOPICS_SHOWN

    def grow(self, more: More) -> None:
        if more is More.SUMMARY:
            self.summary_chars *= 2
        else:
            self.topics *= 2


@dataclass(slots=True)
class Route:
    target: Station
    stops: list[Station] = field(default_factory=list)


def station_name(station: Station) -> str:
    return f"{station.number} {_short(station.title, TITLE_CHARS)}"


def topic_mark(tracker: Tracker, topic: Topic) -> str:
    if tracker.is_known(topic.id):
        return TOPIC_KNOWN
    return TOPIC_DONE if tracker.is_done(topic.id) else TOPIC_OPEN


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cut(text: str, chars: int, lines: int) -> tuple[str, int]:
    """The first part of ``text`` (at most ``chars``, ``lines`` lines), and what is left out."""
    head = text[:chars]
    cut_at = -1
    for _ in range(lines):
        cut_at = head.find("\n", cut_at + 1)
        if cut_at < 0:
            break
    if cut_at >= 0:
        head = head[:cut_at]
    if len(head) < len(text):
        # End on a word where one is near, not in the middle of one.
        space = head.rfind(" ", max(0, len(head) - 80))
        if space > 0:
            head = head[:space]
    return head, len(text) - len(head)


def _more_line(text: str) -> Content:
    return Content.assemble(("… ", "dim"), (text, "dim italic"))


class StationPage:
    """The blocks of one station's pane, for the current progress."""

    def __init__(
        self,
        curriculum: Curriculum,
        station: Station,
        tracker: Tracker,
        note: Note | None,
        limits: Limits,
        route: Route | None = None,
    ) -> None:
        self.curriculum = curriculum
        self.station = station
        self.tracker = tracker
        self.note = note
        self.limits = limits
        self.route = route

    def blocks(self) -> list[Block]:
        station = self.station
        state = self.tracker.state(station.id)
        out: list[Block] = []
        if self.route is not None:
            # A blank line above, outside the bar, as between the other parts.
            out += [Block(None, lambda: Content("")), Block(None, self._route)]
        out.append(Block(None, lambda: self._head(state)))
        out += self._summary()
        out += self._topics(state is StationState.LOCKED)
        if self.note is not None:
            out += self._note(self.note)
        if station.references:
            out.append(Block(("heading", "References"), lambda: _heading("References")))
            out += [
                Block(
                    ("reference", station.id, index),
                    lambda reference=reference: _reference_entry(reference),  # type: ignore[misc]
                    Pick(Zone.LINKS, reference=reference),
                )
                for index, reference in enumerate(station.references)
            ]
        out.append(Block(None, self._links))
        return out

    # The parts, top to bottom ------------------------------------------------
    def _route(self) -> Barred:
        route = self.route
        assert route is not None
        parts: list[str | tuple[str, str]] = [
            (f"Route to {station_name(route.target)}", "bold"),
        ]
        if not route.stops:
            parts.append(("\nAlready done.", "dim"))
        for step, stop in enumerate(route.stops, start=1):
            state = self.tracker.state(stop.id)
            left = [t.title for t in stop.topics if not self.tracker.is_done(t.id)]
            parts += [
                f"\n{step:>2}. ",
                (STATION_GLYPH[state], STATE_STYLE[state]),
                f" {station_name(stop)}",
                (f"  {len(left)} to go", "dim"),
            ]
            parts += [
                (f"\n      ○ {_short(title, TITLE_CHARS)}", "dim")
                for title in left[:ROUTE_TOPICS_SHOWN]
            ]
            if len(left) > ROUTE_TOPICS_SHOWN:
                parts.append((f"\n      … and {len(left) - ROUTE_TOPICS_SHOWN:,} more", "dim"))
        return Barred(Content.styled(ROUTE_BAR, "$accent"), Content.assemble(*parts))

    def _head(self, state: StationState) -> Content:
        """Title; line, state and count; why it is locked."""
        station, tracker = self.station, self.tracker
        line = self.curriculum.line(station.line)
        count = tracker.count(station.id)
        glyph, word = station_badge(state, count.done, count.known, count.total)
        parts: list[str | tuple[str, str]] = [
            "\n",
            (station_name(station), "bold $text"),
            "\n",
            ("━━ ", f"bold {line.color}"),
            (line.name, line.color),
            "   ",
            (f"{glyph} {word}", STATE_STYLE[state]),
            f"   {count.done}/{count.total} topics",
            f" ({count.known} known)" if count.known else "",
        ]
        if state is StationState.LOCKED:
            unfinished = tracker.unfinished_prerequisites(station.id)
            names = ", ".join(station_name(s) for s in unfinished[:LINKED_STATIONS_SHOWN])
            if len(unfinished) > LINKED_STATIONS_SHOWN:
                names += f" and {len(unfinished) - LINKED_STATIONS_SHOWN:,} more"
            parts += [
                "\n\n",
                ("Locked. ", "bold $text-warning"),
                (f"Finish {names} first.", "$text-warning"),
            ]
        return Content.assemble(*parts)

    def _summary(self) -> list[Block]:
        station, limit = self.station, self.limits.summary_chars
        if not station.summary:
            return [Block(("heading", "Topics"), lambda: _heading("Topics"))]
        text, left = _cut(station.summary, limit, SUMMARY_LINES * limit // SUMMARY_CHARS)
        blocks = [Block(("summary", station.id, limit), lambda: Content("\n" + text))]
        if left:
            blocks.append(_show_more(More.SUMMARY, f"{left:,} more characters"))
        blocks.append(Block(("heading", "Topics"), lambda: _heading("Topics")))
        return blocks

    def _topics(self, locked: bool) -> list[Block]:
        station, tracker = self.station, self.tracker
        shown = station.topics[: self.limits.topics]
        blocks = [
            Block(
                ("topic", station.id, index, mark, locked),
                lambda topic=topic, mark=mark: _topic_entry(topic, mark, locked),  # type: ignore[misc]
                Pick(Zone.TOPICS, topic=topic),
            )
            for index, (topic, mark) in enumerate(
                (topic, topic_mark(tracker, topic)) for topic in shown
            )
        ]
        left = len(station.topics) - len(shown)
        if left:
            blocks.append(_show_more(More.TOPICS, counted(left, "more topic")))
        return blocks

    def _note(self, note: Note) -> list[Block]:
        text, left = _cut(note.text, NOTE_CHARS, NOTE_CHARS)
        blocks = [
            Block(("heading", "Notes"), lambda: _heading("Notes")),
            # Keyed by what it says without holding it: a note can be megabytes.
            Block(("note", self.station.id, len(text), hash(text)), lambda: _note_view(text)),
        ]
        if left:
            blocks.append(
                Block(
                    ("more-note", left),
                    lambda: _more_line(f"{left:,} more characters: n opens the whole note"),
                )
            )
        return blocks

    def _links(self) -> Content:
        station, tracker = self.station, self.tracker
        return Content("\n\n").join(
            [
                self._station_list("Needs", station.prerequisites, "nothing: start here"),
                self._station_list(
                    "Unlocks",
                    [s.id for s in tracker.unlocks(station.id)],
                    "nothing: end of the line",
                ),
            ]
        )

    def _station_list(self, heading: str, station_ids: Sequence[str], empty: str) -> Content:
        parts: list[str | tuple[str, str]] = ["\n", (heading, "bold"), "\n"]
        if not station_ids:
            parts.append((f"  {empty}", "dim"))
        for index, station_id in enumerate(station_ids[:LINKED_STATIONS_SHOWN]):
            other = self.curriculum.station(station_id)
            state = self.tracker.state(station_id)
            parts += [
                "\n" if index else "",
                "  ",
                (STATION_GLYPH[state], STATE_STYLE[state]),
                f" {station_name(other)}",
                (f"  {state.label}", "dim"),
            ]
        if len(station_ids) > LINKED_STATIONS_SHOWN:
            parts += ["\n", (f"  … and {len(station_ids) - LINKED_STATIONS_SHOWN:,} more", "dim")]
        return Content.assemble(*parts)


def _show_more(more: More, what: str) -> Block:
    """The line that says how much is left, and shows more when picked."""
    text = f"{what}: enter shows more"
    return Block(("more", text), lambda: _more_line(text), Pick(Zone.TOPICS, more=more))


def _heading(text: str) -> Content:
    return Content.assemble("\n", (text, "bold $text-accent"))


def _topic_entry(topic: Topic, mark: str, locked: bool) -> Hanging:
    """A checklist entry: the mark, the title (and "known"), the summary below."""
    summary = _short(topic.summary, TOPIC_SUMMARY_CHARS)
    return Hanging(
        Content.styled(mark, "dim" if locked else "bold"),
        Content.assemble(
            (_short(topic.title, TITLE_CHARS), "dim" if locked else "bold"),
            ("  known", "italic dim") if mark == TOPIC_KNOWN else "",
            # The id is what the command line takes: shown so it can be learnt here.
            (f"  {topic.id}", "dim"),
            ("\n" + summary, "dim") if summary else "",
        ),
    )


def _reference_entry(reference: Reference) -> Hanging:
    """A reference: its title and kind, the address below cut to one line."""
    return Hanging(
        Content.styled("↗", "bold"),
        Content.assemble(
            _short(reference.title, TITLE_CHARS), (f"  {reference.kind}", "italic dim")
        ),
        Content.styled(_short(reference.url, TITLE_CHARS), "dim"),
    )


def _note_view(text: str) -> RenderableType:
    # Imported here: rich.markdown brings in pygments and markdown-it, about
    # 50 ms that a launch without notes need not wait for.
    from rich.markdown import Markdown

    return Markdown(clean_block(text))
