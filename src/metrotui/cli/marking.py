"""Commands that change progress: done, undo, known, forget and notes."""

from __future__ import annotations

import click

from metrotui.cli.completion import complete_ids
from metrotui.cli.session import (
    EXIT_REFUSED,
    MetroCommand,
    Session,
    canonical_id,
    canonical_ids,
    console,
    fail,
    load_progress,
    record,
)


@click.command(cls=MetroCommand)
@click.argument("ids", nargs=-1, required=True, metavar="ID...", shell_complete=complete_ids)
@click.pass_obj
def done(session: Session, ids: tuple[str, ...]) -> None:
    """Mark topics done.  ID is a topic id, or a station id for all its topics."""
    from metrotui.core.tracker import LockedError, UnknownIdError

    ids = tuple(canonical_ids(session, ids))
    before = session.ticking_tracker()
    try:
        planned = before.plan_marks(ids)
    except UnknownIdError as error:
        fail(str(error))
    except LockedError as error:
        fail(f"{error}. Nothing was recorded.", EXIT_REFUSED)
    after = record(session, lambda store: store.add_marks(planned)) if planned else before
    from metrotui.cli.views import marked_view

    console().print(marked_view(before, after, before.resolve(ids), planned))


@click.command(cls=MetroCommand)
@click.argument("ids", nargs=-1, required=True, metavar="ID...", shell_complete=complete_ids)
@click.pass_obj
def undo(session: Session, ids: tuple[str, ...]) -> None:
    """Mark topics not done.  Stations that needed them lock again."""
    from metrotui.core.tracker import UnknownIdError

    ids = tuple(canonical_ids(session, ids))
    before = session.ticking_tracker()  # a big file of ours is read in place, as for done
    try:
        topics = before.resolve(ids)
    except UnknownIdError as error:
        fail(str(error))
    undone = [topic_id for topic_id in topics if before.is_done(topic_id)]
    # A mark may be recorded in the other spelling of its key (station/topic): both go.
    spellings = _spellings(session, undone)
    after = record(session, lambda store: store.remove_marks(spellings)) if undone else before
    from metrotui.cli.views import unmarked_view

    console().print(unmarked_view(before, after, topics, undone))


def _spellings(session: Session, keys: list[str]) -> list[str]:
    """The keys, and the other spelling (``station/topic``) of each where it is recorded."""
    from metrotui.storage.progress import ProgressError

    curriculum = session.curriculum()
    try:
        marks = session.store().marks()  # read a moment ago: the same bytes, looked up in place
    except ProgressError as error:
        fail(str(error))
    also = []
    for key in keys:
        spelled = curriculum.qualified(key)
        if spelled != key and (spelled in marks.done or spelled in marks.known):
            also.append(spelled)
    return [*keys, *also]


@click.command(cls=MetroCommand)
@click.argument("ids", nargs=-1, required=True, metavar="ID...", shell_complete=complete_ids)
@click.pass_obj
def known(session: Session, ids: tuple[str, ...]) -> None:
    """Mark topics (or whole stations) as already known: they count as done."""
    from metrotui.core.tracker import UnknownIdError

    ids = tuple(canonical_ids(session, ids))
    before = session.ticking_tracker()  # a big file of ours is read in place, as for done
    try:
        topics = before.resolve(ids)
    except UnknownIdError as error:
        fail(str(error))
    fresh = [topic_id for topic_id in topics if not before.is_done(topic_id)]
    after = record(session, lambda store: store.add_known(fresh)) if fresh else before
    from metrotui.cli.views import marked_view
    from metrotui.core.glyphs import KNOWN_GLYPH

    view = marked_view(
        before,
        after,
        topics,
        fresh,
        heading="Marked {} as already known:",
        glyph=KNOWN_GLYPH,
        already="Already done or known",
    )
    console().print(view)


@click.command(cls=MetroCommand)
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@click.pass_obj
def forget(session: Session, ids: tuple[str, ...]) -> None:
    """Remove marks and notes kept for ids this curriculum does not have."""
    from metrotui.core.words import closest
    from metrotui.storage.export import strays

    curriculum = session.curriculum()
    recorded: dict[str, list[str]] = {}
    for key, what in strays(curriculum, load_progress(session, for_change=True)):
        recorded.setdefault(key, []).append(what)
    for wanted in ids:
        if wanted in recorded:
            continue
        if curriculum.key_for(wanted) is not None or curriculum.has_station(wanted):
            fail(
                f"{wanted!r} is in this curriculum; forget only removes what it does not "
                f"have. To unmark it: metrotui undo {wanted}. Nothing was changed.",
                EXIT_REFUSED,
            )
        suggestion = closest(wanted, recorded)
        hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
        fail(f"nothing is recorded for {wanted!r}{hint}. Nothing was changed.")
    chosen = list(dict.fromkeys(ids))
    record(session, lambda store: store.forget(chosen))
    from metrotui.core.text import clean_line

    forgotten = ", ".join(f"{clean_line(k)} ({' and '.join(recorded[k])})" for k in chosen)
    click.echo(f"Forgot {forgotten}.")


# notes ---------------------------------------------------------------------------


@click.command(cls=MetroCommand)
@click.argument("target", metavar="ID", shell_complete=complete_ids)
@click.option(
    "--set", "new_text", metavar="TEXT", help="Replace the note ('' removes it, - reads stdin)."
)
@click.pass_obj
def notes(session: Session, target: str, new_text: str | None) -> None:
    """Print a station's Markdown notes, or set them with --set."""
    from metrotui.core.text import clean_block

    station_id = _station_id(session, target)
    if new_text == "-":
        new_text = _read_stdin_note()
    if new_text is not None:
        record(session, lambda store: store.set_note(station_id, clean_block(new_text)))
        title = session.curriculum().station(station_id).title
        verb = "Saved" if new_text.strip() else "Removed"
        click.echo(f"{verb} the note on {title}.")
        return
    note = load_progress(session).notes.get(station_id)
    if note is None:
        click.echo("No notes yet. Add some with: metrotui notes ID --set TEXT", err=True)
        return
    click.echo(clean_block(note.text))


# A note is prose: a megabyte is far past any real one, and stops a stray
# `< /dev/zero` from filling memory.
MAX_NOTE_BYTES = 1 << 20


def _read_stdin_note() -> str:
    import sys

    if sys.stdin.isatty():  # waiting silently would look like a hang
        click.echo("Type the note, then Ctrl+D on a line of its own:", err=True)
    data = sys.stdin.buffer.read(MAX_NOTE_BYTES + 1)
    if len(data) > MAX_NOTE_BYTES:
        fail(f"the note on standard input is over {MAX_NOTE_BYTES // (1 << 20)} MB; nothing saved")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        fail(f"standard input is not UTF-8 text (byte {error.start}); nothing saved")
    if not text.strip():
        # An empty pipe is more often a mistake than a wish to delete: say how to delete.
        fail("standard input was empty; nothing saved (to remove the note: --set '')")
    return text


def _station_id(session: Session, target: str) -> str:
    """A station id, from a station id or number or one of its topics' ids."""
    curriculum = session.curriculum()
    target = canonical_id(session, target)
    if curriculum.has_station(target):
        return target
    if curriculum.has_topic(target):
        return curriculum.station_of(target).id
    suggestion = curriculum.suggest(target)
    hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
    fail(f"unknown station {target!r}{hint}")
