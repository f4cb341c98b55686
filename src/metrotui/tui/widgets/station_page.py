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

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from rich.console import RenderableType
from textual.content import Content
from textual.visual import Visual

from metrotui.core.curriculum import Curriculum, Reference, Station, Topic
from metrotui.core.glyphs import (
    NEW_WORD,
    STATE_STYLE,
    STATION_GLYPH,
    TOPIC_DONE,
    TOPIC_KNOWN,
    TOPIC_OPEN,
    station_badge,
)
from metrotui.core.text import clean_block, clean_line
from metrotui.core.tracker import StationState, Tracker, needs_text
from metrotui.core.words import counted
from metrotui.storage.progress import Note
from metrotui.tui.widgets.hanging import Barred, Hanging

if TYPE_CHECKING:  # imported only when a group's view or a change is shown
    from metrotui.core.cohort import StationView
    from metrotui.core.news import News

# What is shown before "… N more": about a screen or two of each, and a press
# of enter on the "more" line shows twice as much.
SUMMARY_CHARS = 3_000
SUMMARY_LINES = 60
TOPICS_SHOWN = 30
NOTE_CHARS = 4_000
TOPIC_SUMMARY_CHARS = 1_000
TITLE_CHARS = 300
LINKED_STATIONS_SHOWN = 20
LEARNERS_SHOWN = 60  # names in each of a study group's lists before "… and N more"
ROUTE_TOPICS_SHOWN = 8

ROUTE_BAR = "▎ "  # down the left of the route, as a margin
NEW_BADGE = (f"  {NEW_WORD}", "bold $accent")


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
    key: str | None = None  # what ticking it marks: a topic's key, or a station's id
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


def mark_of(tracker: Tracker, key: str) -> str:
    if tracker.is_known(key):
        return TOPIC_KNOWN
    return TOPIC_DONE if tracker.is_done(key) else TOPIC_OPEN


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
        group: Mapping[str, StationView] | None = None,
        news: News | None = None,
    ) -> None:
        self.curriculum = curriculum
        self.station = station
        self.tracker = tracker
        self.note = note
        self.limits = limits
        self.route = route
        # A study group's standing per station: shown instead of one learner's progress.
        self.group = group
        self.news = news

    def blocks(self) -> list[Block]:
        station = self.station
        group = self.group.get(station.id) if self.group is not None else None
        state = group.state if group is not None else self.tracker.state(station.id)
        out: list[Block] = []
        if self.route is not None:
            # A blank line above, outside the bar, as between the other parts.
            out += [Block(None, lambda: Content("")), Block(None, self._route)]
        if group is not None:
            out.append(Block(None, lambda: self._group_head(group)))
            out += _who_is_where(group)
        else:
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
        out += self._links()
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
            curriculum = self.curriculum
            left = [
                curriculum.title_of(key)
                for key in curriculum.keys_of(stop.id)
                if not self.tracker.is_done(key)
            ]
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
            NEW_BADGE if self.news is not None and self.news.station_is_new(station.id) else "",
            "\n",
            ("━━ ", f"bold {line.color}"),
            (line.name, line.color),
            "   ",
            (f"{glyph} {word}", STATE_STYLE[state]),
            f"   {count.done}/{count.total} topics" if station.topics else "",
            f" ({count.known} known)" if count.known and station.topics else "",
        ]
        if station.meta:
            parts += ["\n", (_meta_text(station.meta), "dim")]
        if state is StationState.LOCKED:
            unmet = tracker.unmet_needs(station.id)
            names = needs_text(unmet[:LINKED_STATIONS_SHOWN])
            if len(unmet) > LINKED_STATIONS_SHOWN:
                names += f" and {len(unmet) - LINKED_STATIONS_SHOWN:,} more"
            parts += [
                "\n\n",
                ("Locked. ", "bold $text-warning"),
                (f"Finish {names} first.", "$text-warning"),
            ]
        return Content.assemble(*parts)

    def _group_head(self, group: StationView) -> Content:
        """Title; line, the group's state and how many finished."""
        station = self.station
        line = self.curriculum.line(station.line)
        glyph = STATION_GLYPH[group.state]
        parts: list[str | tuple[str, str]] = [
            "\n",
            (station_name(station), "bold $text"),
            "\n",
            ("━━ ", f"bold {line.color}"),
            (line.name, line.color),
            "   ",
            (glyph, STATE_STYLE[group.state]),
            f" {group.badge}",
        ]
        if station.meta:
            parts += ["\n", (_meta_text(station.meta), "dim")]
        return Content.assemble(*parts)

    def _summary(self) -> list[Block]:
        station, limit = self.station, self.limits.summary_chars
        heading = "Topics" if station.topics else "Ticked as a whole"
        if not station.summary:
            return [Block(("heading", heading), lambda: _heading(heading))]
        text, left = _cut(station.summary, limit, SUMMARY_LINES * limit // SUMMARY_CHARS)
        blocks = [Block(("summary", station.id, limit), lambda: Content("\n" + text))]
        if left:
            blocks.append(_show_more(More.SUMMARY, f"{left:,} more characters"))
        blocks.append(Block(("heading", heading), lambda: _heading(heading)))
        return blocks

    def _topics(self, locked: bool) -> list[Block]:
        station, tracker, curriculum = self.station, self.tracker, self.curriculum
        if not station.topics:
            # Nothing to tick but the station itself: one entry stands for it.
            mark = mark_of(tracker, station.id)
            return [
                Block(
                    ("whole", station.id, mark, locked),
                    lambda: _whole_entry(station, mark, locked),
                    Pick(Zone.TOPICS, key=station.id),
                )
            ]
        shown = station.topics[: self.limits.topics]
        keyed = [(topic, curriculum.topic_key(station.id, topic.id)) for topic in shown]
        news = self.news
        blocks = [
            Block(
                # Keyed by the "new" mark too: it goes once the station has been looked at.
                ("topic", station.id, index, mark, locked, new),
                lambda topic=topic, key=key, mark=mark, new=new: _topic_entry(  # type: ignore[misc]
                    topic, key, mark, locked, new
                ),
                Pick(Zone.TOPICS, key=key, topic=topic),
            )
            for index, (topic, key, mark, new) in enumerate(
                (
                    topic,
                    key,
                    mark_of(tracker, key),
                    news is not None and news.topic_is_new(station.id, topic.id),
                )
                for topic, key in keyed
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

    def _links(self) -> list[Block]:
        """Needs and unlocks: a station a row, its wrapped title hanging beside its mark."""
        unlocks = [s.id for s in self.tracker.unlocks(self.station.id)]
        return [
            *self._needs_list(),
            _text_block(Content("")),
            *self._station_list("Unlocks", unlocks, "nothing: end of the line"),
        ]

    def _needs_list(self) -> list[Block]:
        """What the station needs; a "one of" lists its choices under it."""
        blocks = [_text_block(Content.assemble("\n", ("Needs", "bold")))]
        needs = self.station.needs
        if not needs:
            blocks.append(_text_block(Content.styled("  nothing: start here", "dim")))
        for group in needs[:LINKED_STATIONS_SHOWN]:
            if len(group) == 1:
                blocks.append(self._station_row(group[0], "  "))
                continue
            blocks.append(_text_block(Content.styled("  one of", "italic")))
            blocks += [
                self._station_row(choice, "    ") for choice in group[:LINKED_STATIONS_SHOWN]
            ]
            if len(group) > LINKED_STATIONS_SHOWN:
                blocks.append(_and_more("    ", len(group) - LINKED_STATIONS_SHOWN))
        if len(needs) > LINKED_STATIONS_SHOWN:
            blocks.append(_and_more("  ", len(needs) - LINKED_STATIONS_SHOWN))
        return blocks

    def _station_row(self, station_id: str, indent: str) -> Block:
        other = self.curriculum.station(station_id)
        group = self.group.get(station_id) if self.group is not None else None
        state = group.state if group is not None else self.tracker.state(station_id)
        word = group.badge if group is not None else state.label
        return Block(
            ("station-row", station_id, state, word, indent),
            lambda: Hanging(
                Content.assemble(indent, (STATION_GLYPH[state], STATE_STYLE[state])),
                Content.assemble(station_name(other), (f"  {word}", "dim")),
            ),
        )

    def _station_list(self, heading: str, station_ids: Sequence[str], empty: str) -> list[Block]:
        blocks = [_text_block(Content.assemble("\n", (heading, "bold")))]
        if not station_ids:
            blocks.append(_text_block(Content.styled(f"  {empty}", "dim")))
        blocks += [self._station_row(s, "  ") for s in station_ids[:LINKED_STATIONS_SHOWN]]
        if len(station_ids) > LINKED_STATIONS_SHOWN:
            blocks.append(_and_more("  ", len(station_ids) - LINKED_STATIONS_SHOWN))
        return blocks


def _who_is_where(group: StationView) -> list[Block]:
    """Who is stuck on the station, who is in it, and who finished it, by name."""
    from metrotui.core.cohort import STANDING_GLYPH, STANDING_STYLE, STANDING_WORD, Standing

    lists = (
        (Standing.STUCK, group.stuck),
        (Standing.IN_IT, group.in_it),
        (Standing.FINISHED, group.finished),
    )
    blocks = [Block(("heading", "Learners"), lambda: _heading("Learners"))]
    for standing, names in lists:
        head = Content.assemble(
            (STANDING_GLYPH[standing], STANDING_STYLE[standing]),
            (f" {STANDING_WORD[standing].capitalize()} ({len(names):,})", "bold"),
        )
        blocks.append(_text_block(head))
        if names:
            blocks.append(Block(None, lambda names=names: _name_columns(names)))  # type: ignore[misc]
    return blocks


def _name_columns(names: Sequence[str]) -> RenderableType:
    """Names in as many columns as fit, none broken across lines."""
    from rich.columns import Columns
    from rich.padding import Padding
    from rich.text import Text

    # Names come from other people's files: one line each, no controls, never markup.
    cells = [Text(clean_line(name) or "?", no_wrap=True) for name in names[:LEARNERS_SHOWN]]
    if len(names) > LEARNERS_SHOWN:
        cells.append(Text(f"… and {len(names) - LEARNERS_SHOWN:,} more", style="dim"))
    return Padding(Columns(cells, padding=(0, 2)), (0, 0, 0, 2))


def _text_block(content: Content) -> Block:
    """A piece of plain text: drawn again only when it reads differently."""
    return Block(None, lambda: content)


def _and_more(indent: str, left: int) -> Block:
    return _text_block(Content.styled(f"{indent}… and {left:,} more", "dim"))


def _show_more(more: More, what: str) -> Block:
    """The line that says how much is left, and shows more when picked."""
    text = f"{what}: enter shows more"
    return Block(("more", text), lambda: _more_line(text), Pick(Zone.TOPICS, more=more))


def _heading(text: str) -> Content:
    return Content.assemble("\n", (text, "bold $text-accent"))


def _topic_entry(topic: Topic, key: str, mark: str, locked: bool, new: bool = False) -> Hanging:
    """A checklist entry: the mark, the title (and "known", "new"), the summary below."""
    summary = _short(topic.summary, TOPIC_SUMMARY_CHARS)
    return Hanging(
        Content.styled(mark, "dim" if locked else "bold"),
        Content.assemble(
            (_short(topic.title, TITLE_CHARS), "dim" if locked else "bold"),
            NEW_BADGE if new else "",
            ("  known", "italic dim") if mark == TOPIC_KNOWN else "",
            # The key is what the command line takes: shown so it can be learnt here.
            (f"  {key}", "dim"),
            ("\n" + _meta_text(topic.meta), "dim italic") if topic.meta else "",
            ("\n" + summary, "dim") if summary else "",
        ),
    )


def _whole_entry(station: Station, mark: str, locked: bool) -> Hanging:
    """The one entry of a station without topics: ticking it ticks the station."""
    return Hanging(
        Content.styled(mark, "dim" if locked else "bold"),
        Content.assemble(
            ("Done with this station", "dim" if locked else "bold"),
            ("  known", "italic dim") if mark == TOPIC_KNOWN else "",
            (f"  {station.id}", "dim"),
            ("\nThis station has no topics: it is ticked as a whole.", "dim"),
        ),
    )


def _meta_text(meta: Sequence[tuple[str, str]]) -> str:
    """``duration: 6 weeks · effort: 4 h a week``"""
    return " · ".join(f"{name}: {value}" for name, value in meta)


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
