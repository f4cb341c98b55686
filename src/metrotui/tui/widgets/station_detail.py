"""The detail pane: everything about the selected station, and its checklist.

All curriculum text is put in as rich ``Text`` (never as a markup string), so a
title such as ``[@click=app.quit]`` shows literally and runs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.cache import LRUCache
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.visual import Visual
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

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
from metrotui.storage.progress import Note
from metrotui.tui.widgets.hanging import Hanging

if TYPE_CHECKING:
    from textual.css.styles import RulesMap

# Stations whose entries are kept built, and checklist entries (a topic in each
# of its looks): enough for a learner's whole session on a map our size.
STATION_CACHE_SIZE = 256
ENTRY_CACHE_SIZE = 2048


def station_name(station: Station) -> str:
    return f"{station.number} {station.title}"


def _topic_entry(topic: Topic, mark: str, locked: bool) -> Hanging:
    """A checklist entry: the mark, the title (and "known"), the summary below."""
    return Hanging(
        Content.styled(mark, "dim" if locked else "bold"),
        Content.assemble(
            (topic.title, "dim" if locked else "bold"),
            ("  known", "italic dim") if mark == TOPIC_KNOWN else "",
            # The id is what the command line takes: shown so it can be learnt here.
            (f"  {topic.id}", "dim"),
            ("\n" + topic.summary, "dim") if topic.summary else "",
        ),
    )


def _reference_entry(reference: Reference) -> Hanging:
    """A reference: its title and kind, the address below cut to one line."""
    return Hanging(
        Content.styled("↗", "bold"),
        Content.assemble(reference.title, (f"  {reference.kind}", "italic dim")),
        Content.styled(reference.url, "dim"),
    )


class _PaneOptionList(OptionList):
    """An OptionList that grows with its options inside the scrolling detail pane.

    OptionList only scrolls itself to its highlighted option; here the pane is
    what scrolls, so without this the highlight can move off the screen.
    """

    # j and k move here as they do on the map, so a vim hand never changes a mark.
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def scroll_to_highlight(self, top: bool = False) -> None:
        super().scroll_to_highlight(top)
        if self.highlighted is not None and self.is_mounted:
            self.call_after_refresh(self._reveal_highlight_in_pane)

    def _reveal_highlight_in_pane(self) -> None:
        index, pane = self.highlighted, self.parent
        # Only while the learner is in this list: moving on the map shows a
        # station from its top instead.
        if index is None or not self.has_focus or not isinstance(pane, VerticalScroll):
            return
        line, height = self._option_lines(index)
        top = self.virtual_region.y + line - int(self.scroll_y)
        pane.scroll_to_region(
            Region(0, top, self.size.width, height), animate=False, force=True, immediate=True
        )

    def _option_lines(self, index: int) -> tuple[int, int]:
        """The first line of option ``index`` in the list, and its height.

        Worked out from the options themselves, as OptionList measures them:
        the list keeps its own table of lines, but only in private attributes.
        """
        padding = self.get_component_styles("option-list--option").padding
        width = self.scrollable_content_region.width - padding.width
        rules = cast("RulesMap", self.styles)
        top = 0
        for position, option in enumerate(self.options):
            prompt = option.prompt
            height = prompt.get_height(rules, width) if isinstance(prompt, Visual) else 1
            if position == index:
                return top, height
            top += height
        return top, 1


class TopicChecklist(_PaneOptionList):
    """The station's topics; space, enter or a click asks to toggle one."""

    BINDINGS = [
        Binding("space", "select", "Tick"),
        Binding("K", "app.known_topic", "Known"),
        Binding("tab", "app.after_topics", "Links", show=False),
        Binding("escape,shift+tab", "app.focus_map", "Map"),
    ]

    class Toggled(Message):
        def __init__(self, topic_id: str) -> None:
            super().__init__()
            self.topic_id = topic_id

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Toggled(event.option.id))


class ReferenceList(_PaneOptionList):
    """The station's references; enter or a click opens one in the browser."""

    BINDINGS = [
        Binding("space", "select", "Open", show=False),
        Binding("c", "copy", "Copy link"),
        Binding("tab,escape", "app.focus_map", "Map"),
        Binding("shift+tab", "app.open_topics", "Topics", show=False),
    ]

    class Opened(Message):
        def __init__(self, url: str) -> None:
            super().__init__()
            self.url = url

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.urls: list[str] = []

    class Copy(Message):
        def __init__(self, url: str) -> None:
            super().__init__()
            self.url = url

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Opened(self.urls[event.option_index]))

    def action_copy(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Copy(self.urls[self.highlighted]))


class StationDetail(VerticalScroll, can_focus=False):
    """Number, title, line, state, summary, topics, references, needs, unlocks.

    As few widgets as will do: each one is styled, laid out and drawn on its
    own, and they added up to a good part of the launch.
    """

    def __init__(self, curriculum: Curriculum, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.curriculum = curriculum
        self.station: Station | None = None
        self.notes: dict[str, Note] = {}  # the learner's notes, kept current by the app
        # What each checklist entry shows now (mark, locked), to redraw only what changes.
        self._topic_looks: list[tuple[str, bool]] = []
        self._shown: dict[str, tuple[str, tuple[object, ...]]] = {}
        # Entries as built, each drawn once per width and kept (see Hanging):
        # moving back to a station shows them without wrapping their text again.
        self._topic_entries: LRUCache[tuple[str, str, bool], Hanging] = LRUCache(ENTRY_CACHE_SIZE)
        self._reference_entries: LRUCache[str, list[Hanging]] = LRUCache(STATION_CACHE_SIZE)

    def compose(self) -> ComposeResult:
        yield Static(id="detail-route")
        yield Static(id="detail-head")  # title, line and state, why it is locked
        yield Static(id="detail-summary")  # summary and the "Topics" heading
        yield TopicChecklist(id="topics")
        yield Static("Notes", classes="detail-heading", id="notes-heading")
        yield Static(id="detail-notes")
        yield Static("References", classes="detail-heading", id="references-heading")
        yield ReferenceList(id="references")
        yield Static(id="detail-links")  # needs and unlocks

    @property
    def topics(self) -> TopicChecklist:
        return self.query_one(TopicChecklist)

    @property
    def references(self) -> ReferenceList:
        return self.query_one(ReferenceList)

    def show(self, station: Station, tracker: Tracker) -> None:
        """Show a station from the top, its first topic highlighted."""
        changed = self.station is None or self.station.id != station.id
        self.station = station
        self._topic_looks = []  # a new checklist: build every entry
        self._update(
            "#detail-summary",
            Content.assemble(
                *(["\n", station.summary, "\n"] if station.summary else []),
                "\n",
                ("Topics", "bold $text-accent"),
            ),
        )
        references = self.references
        references.urls = [reference.url for reference in station.references]
        references.set_options(Option(entry) for entry in self._references_of(station))
        references.display = bool(station.references)
        self.query_one("#references-heading").display = bool(station.references)
        self.show_progress(tracker, keep_highlight=not changed)
        if changed:
            self.scroll_home(animate=False)

    def show_route(self, target: Station | None, stops: list[Station], tracker: Tracker) -> None:
        """List a route's stops with the topics each still needs (None hides it)."""
        panel = self.query_one("#detail-route", Static)
        panel.display = target is not None
        if target is None:
            return
        text = Text.assemble(("Route to ", "bold"), (station_name(target), "bold"))
        if not stops:
            text.append("\nAlready done.", style="dim")
        for step, stop in enumerate(stops, start=1):
            state = tracker.state(stop.id)
            left = [t.title for t in stop.topics if not tracker.is_done(t.id)]
            text.append(f"\n{step:>2}. ")
            text.append(STATION_GLYPH[state], style=STATE_STYLE[state])
            text.append(f" {station_name(stop)}")
            text.append(f"  {len(left)} to go", style="dim")
            for title in left:
                text.append(f"\n      ○ {title}", style="dim")
        panel.update(text)

    def show_progress(self, tracker: Tracker, keep_highlight: bool = True) -> None:
        """Redraw what depends on progress: state, checklist, needs, unlocks."""
        station = self.station
        if station is None:
            return
        state = tracker.state(station.id)
        self._update("#detail-head", self._head(station, state, tracker))
        topics = self.topics
        highlighted = topics.highlighted if keep_highlight else 0
        locked = state is StationState.LOCKED
        looks = [
            (
                TOPIC_KNOWN
                if tracker.is_known(topic.id)
                else TOPIC_DONE
                if tracker.is_done(topic.id)
                else TOPIC_OPEN,
                locked,
            )
            for topic in station.topics
        ]
        old = self._topic_looks
        # An entry changes size only when it gains or loses "known": otherwise
        # the changed entries are redrawn in place, without laying out the pane.
        if len(old) == len(looks) and all(
            (a[0] == TOPIC_KNOWN) == (b[0] == TOPIC_KNOWN) for a, b in zip(old, looks, strict=True)
        ):
            for index, (before, now) in enumerate(zip(old, looks, strict=True)):
                if before != now:
                    topics.replace_option_prompt_at_index(
                        index, self._topic_entry(station.topics[index], *now)
                    )
        else:
            topics.set_options(
                Option(self._topic_entry(topic, *look), id=topic.id)
                for topic, look in zip(station.topics, looks, strict=True)
            )
        self._topic_looks = looks
        if station.topics:
            topics.highlighted = min(highlighted or 0, len(station.topics) - 1)
        note = self.notes.get(station.id)
        self.query_one("#notes-heading").display = note is not None
        notes_view = self.query_one("#detail-notes", Static)
        notes_view.display = note is not None
        if note is not None:
            # Imported here: rich.markdown brings in pygments and markdown-it,
            # about 50 ms that a launch without notes need not wait for.
            from rich.markdown import Markdown

            notes_view.update(Markdown(clean_block(note.text)))
        self._update(
            "#detail-links",
            Text("\n\n").join(
                [
                    self._station_list(
                        "Needs", station.prerequisite_ids, tracker, "nothing: start here"
                    ),
                    self._station_list(
                        "Unlocks",
                        [s.id for s in tracker.unlocks(station.id)],
                        tracker,
                        "nothing: end of the line",
                    ),
                ]
            ),
        )

    def _topic_entry(self, topic: Topic, mark: str, locked: bool) -> Hanging:
        key = (topic.id, mark, locked)
        entry = self._topic_entries.get(key)
        if entry is None:
            entry = _topic_entry(topic, mark, locked)
            self._topic_entries.set(key, entry)
        return entry

    def _references_of(self, station: Station) -> list[Hanging]:
        entries = self._reference_entries.get(station.id)
        if entries is None:
            entries = [_reference_entry(reference) for reference in station.references]
            self._reference_entries.set(station.id, entries)
        return entries

    def _update(self, selector: str, content: Content | Text) -> None:
        """Show ``content`` in a Static, unless it shows exactly that already.

        Every update lays the pane out again, and a tick changes little of it.
        """
        shown = (content.plain, tuple(content.spans))
        if self._shown.get(selector) != shown:
            self._shown[selector] = shown
            self.query_one(selector, Static).update(content)

    def _head(self, station: Station, state: StationState, tracker: Tracker) -> Content:
        """Title; line, state and count; why it is locked."""
        line = self.curriculum.line(station.line)
        count = tracker.count(station.id)
        glyph, word = station_badge(state, count.done, count.known, count.total)
        parts: list[str | tuple[str, str]] = [
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
            names = ", ".join(station_name(s) for s in tracker.unfinished_prerequisites(station.id))
            parts += [
                "\n\n",
                ("Locked. ", "bold $text-warning"),
                (f"Finish {names} first.", "$text-warning"),
            ]
        return Content.assemble(*parts)

    def _station_list(
        self, heading: str, station_ids: Sequence[str], tracker: Tracker, empty: str
    ) -> Text:
        text = Text.assemble((heading, "bold"), "\n")
        if not station_ids:
            text.append(f"  {empty}", style="dim")
        for index, station_id in enumerate(station_ids):
            other = self.curriculum.station(station_id)
            state = tracker.state(station_id)
            if index:
                text.append("\n")
            text.append("  ")
            text.append(STATION_GLYPH[state], style=STATE_STYLE[state])
            text.append(f" {station_name(other)}")
            text.append(f"  {state.label}", style="dim")
        return text
