"""What every reader finds, before ids and prerequisites: lines of stations of topics.

``build`` turns an outline into the curriculum as the file holds it (schema
version 2): ids from titles, prerequisites from the layout, and a ``Report``
of what was found and left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from metrotui.core.convert.references import merged
from metrotui.core.convert.slugs import Slugs

LAYOUTS = ("fork", "chain", "none")

# The schema's limits on text the converter writes (metrotui.storage.check holds them).
MAX_TITLE_CHARS = 200
MAX_META_KEY_CHARS = 40
MAX_META_ENTRIES = 32


@dataclass
class TopicDraft:
    title: str
    summary: str = ""
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class StationDraft:
    title: str
    number: int | None = None
    summary: str = ""
    topics: list[TopicDraft] = field(default_factory=list)
    references: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    # Explicit needs (Exercism): groups of station keys, each met by any one of it.
    needs: list[list[str]] | None = None
    key: str = ""  # the reader's own name for the station, for ``needs``
    id_hint: str = ""  # an id the source gives (an Exercism slug), kept when free


@dataclass
class LineDraft:
    name: str
    description: str = ""
    stations: list[StationDraft] = field(default_factory=list)


@dataclass
class Outline:
    title: str
    description: str = ""
    lines: list[LineDraft] = field(default_factory=list)
    kind: str = "Markdown"
    skipped: list[str] = field(default_factory=list)  # what was left out, and why
    notes: list[str] = field(default_factory=list)  # how the document was read
    layout: str | None = None  # chosen from the document; None when needs are explicit
    layout_reason: str = ""


@dataclass
class Conversion:
    data: dict[str, Any]
    report: list[str]
    outline_text: list[str]


@dataclass
class Provenance:
    file_name: str
    source_url: str | None = None
    license: str | None = None


def fitted(text: str, limit: int = MAX_TITLE_CHARS) -> str:
    """Text cut to ``limit`` characters at a word, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return (text[: cut if cut > limit // 2 else limit - 1]).rstrip(" ,;:-") + "…"


def build(outline: Outline, layout: str | None, provenance: Provenance) -> Conversion:
    chosen = layout or outline.layout
    title = fitted(outline.title) or "Roadmap"
    data: dict[str, Any] = {"schema_version": 2, "id": "", "title": title}
    data["id"] = Slugs().claim(outline.title, "curriculum")
    if outline.description:
        data["description"] = outline.description
    if provenance.source_url:
        data["source"] = {
            "url": provenance.source_url,
            "license": fitted(provenance.license or "not stated"),
            "attribution": f"Converted from {provenance.file_name} by metrotui convert.",
        }
    meta = {"converted from": fitted(provenance.file_name)}
    if provenance.license and not provenance.source_url:
        meta["license"] = fitted(provenance.license)
    data["meta"] = meta
    line_ids = Slugs()
    station_ids = Slugs()
    lines: list[dict[str, Any]] = []
    stations: list[dict[str, Any]] = []
    keyed: dict[str, str] = {}
    numbered = _keep_numbers(outline)
    for index, line in enumerate(outline.lines, 1):
        line_id = line_ids.claim(line.name, f"line-{index}")
        entry: dict[str, Any] = {"id": line_id, "name": fitted(line.name) or f"Line {index}"}
        if line.description:
            entry["description"] = line.description
        lines.append(entry)
        for station in line.stations:
            sid = station_ids.claim(
                station.id_hint or station.title, f"station-{len(stations) + 1}"
            )
            keyed[station.key or sid] = sid
            number = station.number if numbered else None
            stations.append(_station(station, sid, line_id, number))
    _link(stations, outline, chosen, keyed)
    data["lines"] = lines
    data["stations"] = stations
    return Conversion(data, _report(outline, data, chosen, layout is not None), _outline_text(data))


def _drafts(outline: Outline) -> list[tuple[StationDraft, LineDraft]]:
    return [(station, line) for line in outline.lines for station in line.stations]


def _keep_numbers(outline: Outline) -> bool:
    """Numbers from the document only when every station has one, none repeated in a line."""
    for line in outline.lines:
        numbers = [station.number for station in line.stations]
        if None in numbers or len(set(numbers)) != len(numbers):
            return False
    return True


def _station(draft: StationDraft, sid: str, line_id: str, number: int | None) -> dict[str, Any]:
    topic_ids = Slugs()
    topics = []
    for index, topic in enumerate(draft.topics, 1):
        entry: dict[str, Any] = {
            "id": topic_ids.claim(topic.title, f"topic-{index}"),
            "title": fitted(topic.title) or f"Topic {index}",
        }
        if topic.summary:
            entry["summary"] = topic.summary
        if topic.meta:
            entry["meta"] = _meta(topic.meta)
        topics.append(entry)
    row: dict[str, Any] = {"id": sid}
    if number is not None:
        row["number"] = number
    row.update(title=fitted(draft.title) or "Untitled station", line=line_id)
    if draft.summary:
        row["summary"] = draft.summary
    row["prerequisites"] = []
    row["topics"] = topics
    row["references"] = merged(draft.references)
    if draft.meta:
        row["meta"] = _meta(draft.meta)
    return row


def _meta(fields: dict[str, str]) -> dict[str, str]:
    kept: dict[str, str] = {}
    for key, value in fields.items():
        name = fitted(key, MAX_META_KEY_CHARS)
        if name and value and name not in kept and len(kept) < MAX_META_ENTRIES:
            kept[name] = fitted(value)
    return kept


def _link(
    stations: list[dict[str, Any]], outline: Outline, layout: str | None, keyed: dict[str, str]
) -> None:
    drafts = [draft for draft, _line in _drafts(outline)]
    if any(draft.needs is not None for draft in drafts):
        for row, draft in zip(stations, drafts, strict=True):
            row["prerequisites"] = _explicit(draft.needs or [], keyed, row["id"])
        dropped = _break_loops(stations)
        if dropped:
            outline.skipped.append(f"{_count(dropped, 'prerequisite')} that closed a loop")
        return
    if layout == "none":
        return
    by_line: dict[str, list[dict[str, Any]]] = {}
    for row in stations:
        by_line.setdefault(row["line"], []).append(row)
    runs = list(by_line.values())
    for run in runs:
        for before, after in zip(run, run[1:], strict=False):
            after["prerequisites"] = [before["id"]]
    for index, run in enumerate(runs[1:], 1):
        feeder = runs[0] if layout == "fork" else runs[index - 1]
        run[0]["prerequisites"] = [feeder[-1]["id"]]


def _explicit(needs: list[list[str]], keyed: dict[str, str], own: str) -> list[Any]:
    prerequisites: list[Any] = []
    for group in needs:
        ids = list(dict.fromkeys(keyed[key] for key in group if key in keyed))
        ids = [sid for sid in ids if sid != own]
        if len(ids) == 1:
            prerequisites.append(ids[0])
        elif ids:
            prerequisites.append({"one_of": ids})
    return prerequisites


def _break_loops(stations: list[dict[str, Any]]) -> int:
    """Drop each need that would close a loop (a file may state one), in file order.

    A station's needs are kept while they reach no station that reaches it back;
    the count of needs dropped is returned.
    """
    needs: dict[str, set[str]] = {row["id"]: set() for row in stations}
    dropped = 0
    for row in stations:
        kept = []
        for need in row["prerequisites"]:
            group = [need] if isinstance(need, str) else need["one_of"]
            if any(_reaches(needs, sid, row["id"]) for sid in group):
                dropped += 1
                continue
            kept.append(need)
            needs[row["id"]].update(group)
        row["prerequisites"] = kept
    return dropped


def _reaches(needs: dict[str, set[str]], start: str, target: str) -> bool:
    seen: set[str] = set()
    stack = [start]
    while stack:
        sid = stack.pop()
        if sid == target:
            return True
        if sid not in seen:
            seen.add(sid)
            stack.extend(needs.get(sid, ()))
    return False


def _report(outline: Outline, data: dict[str, Any], layout: str | None, given: bool) -> list[str]:
    stations = data["stations"]
    topics = sum(len(row["topics"]) for row in stations)
    references = sum(len(row["references"]) for row in stations)
    report = [
        f"Found {_count(len(data['lines']), 'line')}, {_count(len(stations), 'station')}, "
        f"{_count(topics, 'topic')} and {_count(references, 'reference')} "
        f"({outline.kind})."
    ]
    report.extend(outline.notes)
    if layout is not None:
        how = {"fork": "the first line is a trunk", "chain": "each line follows the last"}
        detail = how.get(layout, "no prerequisites")
        why = "as asked" if given else f"chosen: {outline.layout_reason}"
        report.append(f"Layout: {layout}, {detail} ({why}); choose with --layout fork|chain|none.")
    report.extend(f"Skipped {what}." for what in outline.skipped)
    return report


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _outline_text(data: dict[str, Any]) -> list[str]:
    rows: list[str] = []
    lines = {line["id"]: line["name"] for line in data["lines"]}
    current = None
    for station in data["stations"]:
        if station["line"] != current:
            current = station["line"]
            rows.append(lines[current])
        number = f"{station['number']:>3} " if "number" in station else "  - "
        needs = ", ".join(
            need if isinstance(need, str) else " or ".join(need["one_of"])
            for need in station["prerequisites"]
        )
        after = f"  (needs {needs})" if needs else ""
        rows.append(f"{number}{station['title']} [{station['id']}]{after}")
        rows.extend(f"       · {topic['title']}" for topic in station["topics"])
    return rows
