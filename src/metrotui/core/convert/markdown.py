"""A roadmap README, read as Markdown (markdown-it-py), into an outline.

How the document is read:

- Stations are the sections of the heading level whose sections hold the
  lists (or tables); lines are the nearest shallower level with at least two
  headings over stations.  ``stations="list"`` reads the items of the longest
  list as the stations instead, for a syllabus written as one list.
- Topics are the items of those lists: a bold label, a ``Title: text`` item,
  a task-list item or a plain bullet; nested lists go into the summary.  A
  table gives one topic per row, its other columns as the topic's meta.
- A "References" label or heading marks a curated block of references; links
  inside topic text become references only where a station has no such block.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from metrotui.core.convert.outline import LineDraft, Outline, StationDraft, TopicDraft, fitted
from metrotui.core.convert.references import is_relative, kind_of, resolved
from metrotui.core.convert.slugs import slug

LIST_TYPES = ("bullet_list", "ordered_list")
HEADING_LEVELS = ("h1", "h2", "h3", "h4", "h5", "h6")

_BOILERPLATE = {
    "toc",
    "contents",
    "table-of-contents",
    "index",
    "contributing",
    "contribute",
    "contributors",
    "contribution",
    "contributions",
    "how-to-contribute",
    "contribution-guidelines",
    "license",
    "licence",
    "licensing",
    "acknowledgements",
    "acknowledgments",
    "acknowledgement",
    "credits",
    "star-history",
    "stargazers",
    "stargazers-over-time",
    "sponsors",
    "backers",
    "support",
    "support-us",
    "changelog",
    "code-of-conduct",
    "citation",
    "cite",
    "citing",
    "authors",
    "maintainers",
    "disclaimer",
    "contact",
}
_REFERENCE_LABELS = {
    "references",
    "reference",
    "resources",
    "resource",
    "further-reading",
    "reading",
    "readings",
    "reading-list",
    "links",
    "useful-links",
    "learn-more",
    "sources",
    "materials",
    "additional-resources",
    "more-resources",
    "recommended-reading",
    "references-and-resources",
    "resources-and-references",
    "see-also",
}
_FILLER = {"etc", "and-more", "more", "and-many-more", "many-more", "tbd", "todo", "to-do"}
_FILLER |= {"to-be-continued", "coming-soon", "and-so-on", "others"}
_GENERIC_LINK_TEXT = {"link", "here", "click-here", "url", "website", "site", "page", "this"}
_TRUNK_WORDS = (
    "foundation",
    "fundamental",
    "basic",
    "core",
    "prerequisite",
    "common",
    "essential",
    "introduct",
    "getting-started",
    "shared",
    "primer",
)
_BRANCH_WORDS = ("path", "track", "role", "speciali")

_NUMBERED = re.compile(
    r"(?:(?:step|part|chapter|module|week|day|lesson|unit|phase|stage|level|section)\s+)?"
    r"(\d{1,3})(?:\s*[.):\-–—]\s*|\s+)(?P<rest>\S.*)",
    re.IGNORECASE,
)
_TASK = re.compile(r"\[[ xX]\]\s+")
_LABEL_SPLIT = re.compile(r"([^:\n]{1,80}?):\s+(\S.*)", re.DOTALL)
_LONG_TITLE = 120


class ConvertError(ValueError):
    """The source cannot be converted; the message says why."""


# Inline text ---------------------------------------------------------------------


@dataclass
class Link:
    text: str
    url: str


@dataclass
class Inline:
    text: str = ""
    lead: str = ""  # a bold label at the start, if any
    rest: str = ""  # the text after the bold label
    links: list[Link] = field(default_factory=list)
    first_link: Link | None = None  # when the text opens with a link


def _plain(node: SyntaxTreeNode, links: list[Link]) -> str:
    kind = node.type
    if kind in ("text", "code_inline"):
        return node.content
    if kind in ("softbreak", "hardbreak"):
        return " "
    if kind in ("image", "html_inline"):
        return ""
    inner = "".join(_plain(child, links) for child in node.children)
    if kind == "link":
        links.append(Link(" ".join(inner.split()), str(node.attrs.get("href", ""))))
    return inner


def _significant(node: SyntaxTreeNode) -> bool:
    if node.type == "text":
        return any(ch.isalnum() or ch in "[(.…" for ch in node.content)
    return node.type not in ("softbreak", "hardbreak", "image", "html_inline")


def _inline(node: SyntaxTreeNode | None) -> Inline:
    if node is None:
        return Inline()
    children = list(node.children)
    while children and not _significant(children[0]):
        children.pop(0)
    if children and children[0].type == "text":
        stripped = _TASK.sub("", children[0].content.lstrip(), count=1)
        if stripped != children[0].content.lstrip():
            children = children[1:]
            if stripped:
                children.insert(0, _text_node(stripped))
    links: list[Link] = []
    parts = [_plain(child, links) for child in children]
    found = Inline(_squashed("".join(parts)), links=links)
    if children and children[0].type == "strong":
        found.lead = _tidy(parts[0])
        found.rest = _tidy_rest("".join(parts[1:]))
    elif children and children[0].type == "link" and links:
        found.first_link = links[0]
    return found


def _text_node(content: str) -> SyntaxTreeNode:
    from markdown_it.token import Token

    token = Token("text", "", 0, content=content)
    return SyntaxTreeNode([token]).children[0]


def _squashed(text: str) -> str:
    return " ".join(text.split())


def _tidy(text: str) -> str:
    """A title: no decoration around it (emoji, bullets, a trailing colon)."""
    text = _squashed(text)
    start = 0
    while start < len(text) and not (text[start].isalnum() or text[start] in "([\"'“‘¿¡.…"):
        start += 1
    return text[start:].rstrip(" :-–—*_|")


def _tidy_rest(text: str) -> str:
    return _squashed(text).lstrip(" :-–—|,").strip()


# Blocks and sections -------------------------------------------------------------


@dataclass
class Para:
    inline: Inline


@dataclass
class Block:
    node: SyntaxTreeNode  # a list or a table


@dataclass
class Section:
    level: int
    title: str
    parent: Section | None = None
    blocks: list[Para | Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    @property
    def holds_items(self) -> bool:
        return any(isinstance(block, Block) for block in self.blocks)

    def ancestor_at(self, level: int) -> Section | None:
        section: Section | None = self
        while section is not None and section.level > level:
            section = section.parent
        return section if section is not None and section.level == level else None


@dataclass
class _Heading:
    level: int
    title: str


def _blocks(nodes: list[SyntaxTreeNode]) -> Iterator[_Heading | Para | Block]:
    for node in nodes:
        kind = node.type
        if kind == "heading":
            yield _Heading(int(node.tag[1]), _tidy(_inline(_first(node)).text))
        elif kind in LIST_TYPES and _holds_headings(node):
            for item in node.children:  # `- ### Arrays`: the heading starts a section
                yield from _blocks(list(item.children))
        elif kind in LIST_TYPES or kind == "table":
            yield Block(node)
        elif kind == "paragraph":
            yield Para(_inline(_first(node)))
        elif kind == "blockquote":
            yield from _blocks(list(node.children))


def _first(node: SyntaxTreeNode) -> SyntaxTreeNode | None:
    return node.children[0] if node.children else None


def _holds_headings(node: SyntaxTreeNode) -> bool:
    return any(child.type == "heading" for item in node.children for child in item.children)


def _sections(text: str) -> Section:
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    tree = SyntaxTreeNode(parser.parse(text))
    root = Section(0, "")
    stack = [root]
    for block in _blocks(list(tree.children)):
        if isinstance(block, _Heading):
            while stack[-1].level >= block.level:
                stack.pop()
            section = Section(block.level, block.title, parent=stack[-1])
            stack[-1].children.append(section)
            stack.append(section)
        else:
            stack[-1].blocks.append(block)
    return root


def _is_boilerplate(title: str) -> bool:
    return slug(title) in _BOILERPLATE


def _is_reference_label(text: str) -> bool:
    return slug(text) in _REFERENCE_LABELS


# Reading one station -------------------------------------------------------------


@dataclass
class _Tally:
    anchors: int = 0
    relative: int = 0
    filler: int = 0
    empty: int = 0  # bullets of pictures or links alone, with no text
    inline_kept_as_text: int = 0
    unlinked_references: int = 0


class _Reader:
    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url
        self.tally = _Tally()

    def reference(self, link: Link, tags: str, fallback_title: str) -> dict[str, Any] | None:
        url = resolved(link.url, self.base_url)
        if url is None:
            if is_relative(link.url):
                self.tally.relative += 1
            else:
                self.tally.anchors += 1
            return None
        title = link.text
        if not title or slug(title) in _GENERIC_LINK_TEXT or title == link.url:
            title = fallback_title or link.text or url
        return {"title": fitted(_tidy(title) or url), "url": url, "kind": kind_of(url, tags)}

    def station(self, section: Section, title: str, number: int | None) -> StationDraft:
        station = StationDraft(title, number)
        inline_links: list[Link] = []
        curated = self._read_blocks(section.blocks, station, inline_links)
        for child in _descendants(section):
            if _is_boilerplate(child.title):
                continue
            if _is_reference_label(child.title):
                for block in child.blocks:
                    self._curated(block, station)
                curated = True
            elif child.holds_items:
                curated |= self._read_blocks(child.blocks, station, inline_links, summary=False)
            else:
                paragraph = next((b for b in child.blocks if isinstance(b, Para)), None)
                station.topics.append(
                    TopicDraft(child.title, paragraph.inline.text if paragraph else "")
                )
        if curated:
            self.tally.inline_kept_as_text += len(inline_links)
        else:
            for link in inline_links:
                reference = self.reference(link, "", "")
                if reference is not None:
                    station.references.append(reference)
        return station

    def _read_blocks(
        self,
        blocks: list[Para | Block],
        station: StationDraft,
        inline_links: list[Link],
        summary: bool = True,
    ) -> bool:
        curated = False
        label_seen = False
        for block in blocks:
            if isinstance(block, Para):
                label = block.inline.lead or block.inline.text
                if _is_reference_label(label) or _is_reference_label(label.split(":")[0]):
                    label_seen = curated = True
                    for link in block.inline.links:
                        self._add(station, link, block.inline.text, station.title)
                elif summary and not station.summary and not station.topics and block.inline.text:
                    station.summary = block.inline.text
                    inline_links.extend(block.inline.links)
                continue
            if label_seen:
                self._curated(block, station)
                label_seen = False
            elif block.node.type == "table":
                self._table(block.node, station)
            else:
                station.topics.extend(self.topics(block.node, inline_links))
        return curated

    def _add(self, station: StationDraft, link: Link, tags: str, fallback: str) -> None:
        reference = self.reference(link, tags, fallback)
        if reference is not None:
            station.references.append(reference)

    def _curated(self, block: Para | Block, station: StationDraft) -> None:
        if isinstance(block, Para):
            for link in block.inline.links:
                self._add(station, link, block.inline.text, station.title)
            return
        if block.node.type == "table":
            self._table(block.node, station)
            return
        for item in block.node.children:
            for paragraph in _paragraphs(item):
                found = _inline(_first(paragraph))
                if not found.links:
                    self.tally.unlinked_references += 1
                tags = found.text
                for link in found.links:
                    tags = tags.replace(link.text, " ")
                for link in found.links:
                    self._add(station, link, tags, found.text)

    def topics(self, node: SyntaxTreeNode, inline_links: list[Link]) -> list[TopicDraft]:
        topics: list[TopicDraft] = []
        for item in node.children:
            paragraphs = [child for child in item.children if child.type == "paragraph"]
            if not paragraphs:
                continue
            found = _inline(_first(paragraphs[0]))
            title, summary = _title_and_summary(found)
            if self.dropped(title):
                continue
            extra = [_inline(_first(p)).text for p in paragraphs[1:]]
            nested = _bullets(item, 0)
            summary = "\n".join(part for part in (summary, *extra, *nested) if part)
            inline_links.extend(found.links)
            topics.append(TopicDraft(title, summary))
        return topics

    def dropped(self, title: str) -> bool:
        """Whether an item is filler ("...", "and more") or has no text, counting it."""
        if _is_filler(title):
            self.tally.filler += 1
            return True
        if not slug(title):
            self.tally.empty += 1
            return True
        return False

    def _table(self, node: SyntaxTreeNode, station: StationDraft) -> None:
        rows = [[cell for cell in row.children] for part in node.children for row in part.children]
        if len(rows) < 2:
            return
        heads = [_inline(_first(cell)).text for cell in rows[0]]
        body = [[_inline(_first(cell)) for cell in row] for row in rows[1:]]
        column = _title_column(body)
        for row in body:
            if column >= len(row):
                continue
            cell = row[column]
            title = cell.first_link.text if cell.first_link else cell.text
            title = _tidy(title)
            if not title:
                continue
            meta = {}
            for index, other in enumerate(row):
                if index != column and other.text:
                    name = (
                        heads[index] if index < len(heads) and heads[index] else f"column {index}"
                    )
                    meta[name] = other.text
                for link in other.links:
                    self._add(station, link, other.text, title)
            station.topics.append(TopicDraft(title, meta=meta))


def _is_filler(text: str) -> bool:
    bare = text.strip()
    return (bool(bare) and not bare.strip(".…")) or (bool(slug(bare)) and slug(bare) in _FILLER)


def _title_column(body: list[list[Inline]]) -> int:
    """The first column whose cells are mostly text, not numbers or blanks."""
    width = max(len(row) for row in body)
    for column in range(width):
        cells = [row[column].text for row in body if column < len(row)]
        texty = sum(1 for text in cells if any(ch.isalpha() for ch in text))
        if texty * 2 > len(cells):
            return column
    return 0


def _paragraphs(item: SyntaxTreeNode) -> Iterator[SyntaxTreeNode]:
    for child in item.children:
        if child.type == "paragraph":
            yield child
        elif child.type in LIST_TYPES:
            for sub in child.children:
                yield from _paragraphs(sub)


def _bullets(item: SyntaxTreeNode, depth: int) -> list[str]:
    lines: list[str] = []
    for child in item.children:
        if child.type not in LIST_TYPES:
            continue
        for sub in child.children:
            paragraph = next((p for p in sub.children if p.type == "paragraph"), None)
            text = _inline(_first(paragraph)).text if paragraph is not None else ""
            if slug(text) and not _is_filler(text):
                lines.append(f"{'  ' * depth}- {text}")
            lines.extend(_bullets(sub, depth + 1))
    return lines


def _title_and_summary(found: Inline) -> tuple[str, str]:
    if found.lead:
        return found.lead, found.rest
    if found.first_link is not None and found.text.startswith(found.first_link.text):
        rest = _tidy_rest(found.text[len(found.first_link.text) :])
        return _tidy(found.first_link.text), rest
    split = _LABEL_SPLIT.fullmatch(found.text)
    if split and not any(link.text in split.group(1) for link in found.links):
        return _tidy(split.group(1)), split.group(2).strip()
    title = _tidy(found.text)
    if len(title) <= _LONG_TITLE:
        return title, ""
    sentence = re.split(r"(?<=[.!?])\s", title, maxsplit=1)[0]
    return fitted(sentence, _LONG_TITLE), found.text


def _descendants(section: Section) -> Iterator[Section]:
    for child in section.children:
        yield child
        if not _is_boilerplate(child.title) and not _is_reference_label(child.title):
            yield from _descendants(child)


# The whole document --------------------------------------------------------------


@dataclass
class MarkdownOptions:
    stations: str | None = None  # h1..h6 or "list"; None: found from the document
    lines: str | None = None  # h1..h6 or "none"; None: found from the document
    base_url: str | None = None
    fallback_title: str = "Roadmap"


def read_markdown(text: str, options: MarkdownOptions) -> Outline:
    """The outline of a roadmap README; raises ConvertError when nothing is in it."""
    root = _sections(text)
    reader = _Reader(options.base_url)
    title = _document_title(root) or options.fallback_title
    outline = Outline(title, _document_description(root))
    sections = list(_kept(root, outline.skipped))
    level = _station_level(sections, options)
    if level == 0:
        _read_list(root, sections, reader, outline)
    else:
        _read_headings(sections, level, options, reader, outline)
    _tally(reader.tally, outline)
    if not any(line.stations for line in outline.lines):
        raise ConvertError(
            "nothing to import: looked for sections under headings that hold lists or tables, "
            "and for a list of items, and found none with text"
        )
    outline.lines = [line for line in outline.lines if line.stations]
    _choose_layout(outline, ordered=_numbered(outline))
    return outline


def _document_title(root: Section) -> str:
    tops = [s for s in root.children if s.level == 1]
    if len(tops) > 1:
        return ""  # several h1 headings: parts of the document, not its title
    first = tops[0] if tops else None
    if first is None and root.children:
        first = root.children[0]
    return first.title if first is not None else ""


def _document_description(root: Section) -> str:
    tops = [s for s in root.children if s.level == 1][:1]
    for section in (root, *tops):
        for block in section.blocks:
            if isinstance(block, Para) and block.inline.text:
                return block.inline.text
    return ""


def _kept(section: Section, skipped: list[str]) -> Iterator[Section]:
    for child in section.children:
        if _is_boilerplate(child.title):
            skipped.append(f'"{child.title}" (boilerplate)')
            continue
        yield child
        yield from _kept(child, skipped)


def _station_level(sections: list[Section], options: MarkdownOptions) -> int:
    """The heading level of the stations, or 0 for the items of one list."""
    if options.stations == "list":
        return 0
    if options.stations is not None:
        return HEADING_LEVELS.index(options.stations) + 1
    counts = Counter(
        s.level for s in sections if s.holds_items and not _is_reference_label(s.title)
    )
    if not counts:
        return 0
    best = max(counts.values())
    level = max(level for level, count in counts.items() if count == best)
    if best == 1 and _nested_items(_longest_list(sections)) >= 2:
        return 0  # one section holding a list of lists: a syllabus as one list
    return level


def _longest_list(sections: list[Section], root: Section | None = None) -> SyntaxTreeNode | None:
    lists = [
        block.node
        for section in ([root] if root else []) + sections
        for block in section.blocks
        if isinstance(block, Block) and block.node.type in LIST_TYPES
    ]
    return max(lists, key=lambda node: len(node.children), default=None)


def _nested_items(node: SyntaxTreeNode | None) -> int:
    if node is None:
        return 0
    return sum(1 for item in node.children if any(c.type in LIST_TYPES for c in item.children))


def _read_list(root: Section, sections: list[Section], reader: _Reader, outline: Outline) -> None:
    node = _longest_list(sections, root)
    line = LineDraft(outline.title)
    outline.lines.append(line)
    if node is None:
        return
    outline.notes.append("Stations are the items of the longest list.")
    start = int(node.attrs.get("start", 1) or 1) if node.type == "ordered_list" else None
    for index, item in enumerate(node.children):
        paragraph = next((p for p in item.children if p.type == "paragraph"), None)
        if paragraph is None:
            continue
        found = _inline(_first(paragraph))
        title, summary = _title_and_summary(found)
        if reader.dropped(title):
            continue
        number = start + index if start is not None else None
        station = StationDraft(title, number, summary)
        links: list[Link] = list(found.links)
        for child in item.children:
            if child.type in LIST_TYPES:
                station.topics.extend(reader.topics(child, links))
        for link in links:
            reference = reader.reference(link, "", title)
            if reference is not None:
                station.references.append(reference)
        line.stations.append(station)
    if node.type == "ordered_list":
        outline.layout_reason = "a numbered list"


def _read_headings(
    sections: list[Section],
    level: int,
    options: MarkdownOptions,
    reader: _Reader,
    outline: Outline,
) -> None:
    chosen = [s for s in sections if s.level == level and not _is_reference_label(s.title)]
    for section in sections:
        if section.level == level and _is_reference_label(section.title):
            outline.skipped.append(f'"{section.title}" (references outside any station)')
    line_level = _line_level(chosen, level, options)
    names = {1: "h1", 2: "h2", 3: "h3", 4: "h4", 5: "h5", 6: "h6"}
    lines_said = f"lines are the {names[line_level]} sections" if line_level else "one line"
    outline.notes.append(f"Stations are the {names[level]} sections; {lines_said}.")
    lines: dict[int, LineDraft] = {}
    for section in sections:
        if section.level < level and section.holds_items and section.level != line_level:
            outline.skipped.append(
                f'the list under "{section.title or outline.title}" '
                f"({names.get(section.level, 'top')}, above the stations)"
            )
    for section in chosen:
        owner = section.ancestor_at(line_level) if line_level else None
        line = lines.get(id(owner))
        if line is None:
            line = LineDraft(owner.title if owner else outline.title)
            if owner is not None:
                line.description = _first_text(owner)
            lines[id(owner)] = line
            outline.lines.append(line)
        number, title = _numbered_title(section.title)
        station = reader.station(section, title, number)
        if station.topics or station.references:
            line.stations.append(station)
        else:
            outline.skipped.append(f'"{section.title}" (no topics or links in it)')


def _line_level(chosen: list[Section], level: int, options: MarkdownOptions) -> int:
    if options.lines == "none":
        return 0
    if options.lines is not None:
        wanted = HEADING_LEVELS.index(options.lines) + 1
        if wanted >= level:
            raise ConvertError(
                f"--lines {options.lines} must be above the stations (h{level}); "
                "use a smaller heading level or --lines none"
            )
        return wanted
    for candidate in range(level - 1, 0, -1):
        owners = {id(o) for s in chosen if (o := s.ancestor_at(candidate)) is not None}
        if len(owners) >= 2:
            return candidate
    return 0


def _first_text(section: Section) -> str:
    paragraph = next((b for b in section.blocks if isinstance(b, Para) and b.inline.text), None)
    return paragraph.inline.text if isinstance(paragraph, Para) else ""


def _numbered_title(title: str) -> tuple[int | None, str]:
    match = _NUMBERED.fullmatch(title)
    if match is None:
        return None, title
    return int(match.group(1)), _tidy(match.group("rest")) or title


def _numbered(outline: Outline) -> bool:
    stations = [station for line in outline.lines for station in line.stations]
    numbered = sum(station.number is not None for station in stations)
    return bool(stations) and numbered * 2 >= len(stations)


def _choose_layout(outline: Outline, *, ordered: bool) -> None:
    if not ordered:
        outline.layout = "none"
        outline.layout_reason = "unnumbered sections read as a catalogue"
        return
    first, *others = [line.name for line in outline.lines]
    trunk = any(word in slug(first) for word in _TRUNK_WORDS)
    branches = bool(others) and all(
        any(word in slug(name) for word in _BRANCH_WORDS) for name in others
    )
    if len(outline.lines) >= 3 and (trunk or branches):
        outline.layout = "fork"
        outline.layout_reason = f'numbered sections, and "{first}" reads as a shared start'
    else:
        outline.layout = "chain"
        outline.layout_reason = outline.layout_reason or "numbered sections"


def _tally(tally: _Tally, outline: Outline) -> None:
    if tally.relative:
        outline.skipped.append(
            f"{_count(tally.relative, 'relative link')} (give --base-url to keep them)"
        )
    if tally.anchors:
        outline.skipped.append(f"{_count(tally.anchors, 'link')} to places in the page itself")
    if tally.filler:
        outline.skipped.append(f'{_count(tally.filler, "filler bullet")} ("...", "and more")')
    if tally.empty:
        outline.skipped.append(f"{_count(tally.empty, 'bullet')} without text (pictures alone)")
    if tally.unlinked_references:
        outline.skipped.append(f"{_count(tally.unlinked_references, 'reference')} without a link")
    if tally.inline_kept_as_text:
        outline.notes.append(
            f"{_count(tally.inline_kept_as_text, 'link')} inside topic text kept as text "
            "(their stations have a References block)."
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
