"""Progress a learner owns: export it as Markdown or JSON, merge it back in.

Merging is how two machines stay in step through git or a synced folder, so it
must be safe to repeat and must not care which side is which: marks are a
union (the earliest time wins, and done beats known), and notes that differ are
both kept.
"""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

from metrotui.core.curriculum import Curriculum
from metrotui.core.text import clean_block, safe_json
from metrotui.core.tracker import ALL_PATHS, StationState, Tracker
from metrotui.storage.progress import (
    MAX_PROGRESS_BYTES,
    DamagedProgress,
    NotProgress,
    OtherCurriculum,
    Progress,
    earlier_time,
    merge_extra,
    merge_note,
    now_utc,
    parse_progress,
)

EXPORTED_KEY = "exported"


def _union(a: dict[str, str], b: dict[str, str]) -> dict[str, str]:
    merged = dict(a)
    for key, stamp in b.items():
        merged[key] = earlier_time(merged[key], stamp) if key in merged else stamp
    return merged


def merge(ours: Progress, theirs: Progress) -> Progress:
    """Everything either side recorded; merge(a, b) == merge(b, a); repeating is a no-op."""
    done = _union(ours.done, theirs.done)
    known = {k: v for k, v in _union(ours.known, theirs.known).items() if k not in done}
    notes = dict(ours.notes)
    for station_id, note in theirs.notes.items():
        notes[station_id] = merge_note(notes[station_id], note) if station_id in notes else note
    extra = merge_extra(ours.extra, theirs.extra)
    return Progress(ours.curriculum, done=done, known=known, notes=notes, extra=extra)


def read_export(data: bytes, curriculum_id: str, source: str) -> Progress:
    """A JSON export (or a progress file) for this curriculum; ValueError if it is not one."""
    try:
        progress = parse_progress(data, curriculum_id, source)
    except OtherCurriculum as other:
        # The export is fine; it is the curriculum in use that does not match.
        raise ValueError(
            f"{source} is an export for the curriculum {other.owner!r}, not {curriculum_id!r}; "
            f"import it with --curriculum naming the {other.owner!r} curriculum file. "
            "Nothing was imported"
        ) from None
    except (DamagedProgress, NotProgress) as damage:
        raise ValueError(
            f"{source} is not a metrotui progress export: {damage}; nothing was imported"
        ) from None
    # When it was exported says nothing about the progress itself.
    extra = {k: v for k, v in progress.extra.items() if k != EXPORTED_KEY}
    return replace(progress, extra=extra)


def read_export_file(path: str, curriculum_id: str) -> Progress:
    """The export in the file at ``path``; ValueError, with the message, if it cannot be used.

    Only a regular file under the size cap is read: /dev/zero or a named pipe
    would otherwise be read without end, or waited on for ever.
    """
    from metrotui.storage.files import FileTooLarge, NotARegularFile, read_bounded

    try:
        data = read_bounded(path, MAX_PROGRESS_BYTES)
    except NotARegularFile as error:
        raise ValueError(
            f"{path} is {error.kind}, not an export file; nothing was imported"
        ) from None
    except FileTooLarge as error:
        raise ValueError(
            f"{path} is {error.size / 1e6:.1f} MB, too big for an export "
            f"(at most {MAX_PROGRESS_BYTES // 2**20} MB); nothing was imported"
        ) from None
    except OSError as error:
        raise ValueError(f"cannot read {path} ({error.strerror or error})") from None
    return read_export(data, curriculum_id, path)


def write_export(path: Path, text: str) -> None:
    """Write an export to ``path`` whole, or raise OSError and leave what was there.

    A pipe or a device (``-o /dev/stdout``) is written straight to: it has no
    folder entry to replace.
    """
    from metrotui.storage.atomic import write_atomic

    data = text.encode("utf-8")
    try:
        regular = stat.S_ISREG(path.stat().st_mode)
    except FileNotFoundError:
        regular = True  # a new file
    if regular:
        write_atomic(path, data)
        return
    with open(path, "wb") as out:
        out.write(data)


def export_json(progress: Progress) -> str:
    data: dict[str, Any] = progress.to_json()
    data[EXPORTED_KEY] = now_utc()
    return safe_json(data, indent=2) + "\n"


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|"})


def _md(text: str) -> str:
    """Curriculum text as literal Markdown: nothing in it can become a link or markup."""
    return text.translate(_MARKDOWN_SPECIAL)


def _link(url: str) -> str:
    """A URL that cannot end the <...> link target early or start markup of its own."""
    return url.replace("<", "%3C").replace(">", "%3E")


def export_markdown(curriculum: Curriculum, progress: Progress, path: str = ALL_PATHS) -> str:
    """A checklist per line and station (those on ``path``), readable on any code host."""
    tracker = Tracker(curriculum, progress.done, progress.known)
    on_path = {station.id for station in tracker.path_stations(path)}
    overall = tracker.overall if path == ALL_PATHS else tracker.path_count(path)
    out = [
        f"# {_md(curriculum.title)}",
        "",
        f"{overall.done} of {overall.total} topics done ({overall.percent}%)"
        + (f", {overall.known} of them already known." if overall.known else "."),
        "",
    ]
    for line in curriculum.lines:
        stations = [s for s in curriculum.stations_on(line.id) if s.id in on_path]
        if not stations:
            continue
        count = tracker.line_count(line.id)
        out += [f"## {_md(line.name)} ({count.done}/{count.total})", ""]
        for station in stations:
            state = tracker.state(station.id)
            keys = curriculum.keys_of(station.id)
            word = (
                "known"
                if state is StationState.DONE and tracker.count(station.id).known == len(keys)
                else state.label
            )
            out += [f"### {station.number}. {_md(station.title)} ({word})", ""]
            for key in keys:
                mark = "x" if tracker.is_done(key) else " "
                suffix = " *(already known)*" if tracker.is_known(key) else ""
                out.append(f"- [{mark}] {_md(curriculum.title_of(key))}{suffix}")
            if station.references:
                out += ["", "References:", ""]
                out += [
                    f"- [{_md(ref.title)}](<{_link(ref.url)}>) ({ref.kind})"
                    for ref in station.references
                ]
            note = progress.notes.get(station.id)
            if note is not None:
                out += ["", "Notes:", ""]
                out += [f"> {row}" if row else ">" for row in clean_block(note.text).splitlines()]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# What the curriculum does not have ---------------------------------------------------


def strays(curriculum: Curriculum, progress: Progress) -> list[tuple[str, str]]:
    """(id, what) for every mark, known topic and note the curriculum has no place for.

    ``what`` is "done", "known" or "note".  They are kept on every rewrite, in
    case the curriculum gets them back; ``metrotui forget`` removes them.
    """

    def unplaced(key: str) -> bool:
        return curriculum.key_for(key) is None

    found = [(k, "done") for k in progress.done if unplaced(k)]
    found += [(k, "known") for k in progress.known if unplaced(k)]
    found += [(k, "note") for k in progress.notes if curriculum.station_id_for(k) is None]
    return sorted(found)


def strays_notice(topic_ids: list[str] | int, where: object) -> str:
    """The reminder that marks for missing topics are kept, and how to remove them.

    ``topic_ids`` may be only how many there are, when that is over three.
    """
    from metrotui.core.words import counted

    count = topic_ids if isinstance(topic_ids, int) else len(topic_ids)
    verb, them = ("is", "it") if count == 1 else ("are", "them")
    if isinstance(topic_ids, list) and count <= 3:
        how = f"remove {them} with: metrotui forget " + " ".join(topic_ids)
    else:
        how = "see them with: metrotui status; remove them with: metrotui forget ID..."
    return (
        f"{counted(count, 'mark')} in {where} for topics this curriculum does not "
        f"have {verb} kept; {how}"
    )
