"""Commands about files: export, import, validate and where."""

from __future__ import annotations

from pathlib import Path

import click

from metrotui.cli.session import (
    MetroCommand,
    Session,
    chosen_path,
    fail,
    load_or_fail,
    load_progress,
    note,
    path_option,
    record,
    say,
)
from metrotui.core.words import counted
from metrotui.paths import (
    config_dir,
    same_file,
)

# export / import -----------------------------------------------------------------


@click.command(cls=MetroCommand)
@click.option(
    "--format",
    "format_",
    type=click.Choice(["markdown", "json"]),
    default=None,
    help="markdown or json (default: from the -o file's extension, else markdown).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write to FILE, not stdout (- is stdout).",
)
@path_option
@click.pass_obj
def export(session: Session, format_: str | None, output: str | None, path: str | None) -> None:
    """Your progress as a Markdown checklist, or as JSON that import can merge."""
    from metrotui.storage.export import export_json, export_markdown, write_export

    if output == "-":  # as for notes --set -: the standard stream, not a file named "-"
        output = None
    if output is not None:  # the worst mistake first: writing over what metrotui reads
        _refuse_to_overwrite_own_files(session, Path(output))
    format_ = _export_format(format_, output)
    if format_ == "json":
        if path is not None or session.path_option is not None:
            fail("--path does not apply to a JSON export: it carries all your progress")
        text = export_json(load_progress(session))
    else:
        path = chosen_path(session, path)
        text = export_markdown(session.curriculum(), load_progress(session), path)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        write_export(Path(output), text)
    except OSError as error:
        fail(f"cannot write {output} ({error.strerror or error})")
    say(f"Wrote {output}.", err=True)


def _refuse_to_overwrite_own_files(session: Session, output: Path) -> None:
    for what, path in (
        ("progress file", session.progress_path()),
        ("curriculum file", session.curriculum_path),
    ):
        if same_file(output, path):
            fail(f"{output} is the {what}; export to another file. Nothing was written.")


# The extensions that name a format; any other leaves the choice to --format.
_FORMAT_OF_SUFFIX = {".json": "json", ".md": "markdown", ".markdown": "markdown"}


def _export_format(asked: str | None, output: str | None) -> str:
    implied = _FORMAT_OF_SUFFIX.get(Path(output).suffix.lower()) if output else None
    if asked is not None and implied is not None and asked != implied:
        fail(
            f"--format {asked} does not match the {Path(output or '').suffix} file {output}; "
            f"drop --format or name a .{'json' if asked == 'json' else 'md'} file"
        )
    return asked or implied or "markdown"


@click.command("import", cls=MetroCommand)
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_obj
def import_(session: Session, file: str) -> None:
    """Merge a JSON export into your progress: nothing is dropped, repeats change nothing."""
    from metrotui.storage.export import merge, read_export_file
    from metrotui.storage.progress import ProgressError, lone_surrogate_notice, rekeyed, repair_text

    curriculum = session.curriculum()
    try:
        theirs = read_export_file(file, curriculum.id)
    except (ValueError, ProgressError) as error:
        fail(str(error))
    theirs, places = repair_text(theirs)
    theirs = rekeyed(theirs, curriculum)  # an export from before a rename joins the new ids
    if places:
        note(lone_surrogate_notice(file, places, "it was merged as \ufffd"))
    before = load_progress(session, for_change=True)
    after_tracker = record(session, lambda store: store.update(lambda ours: merge(ours, theirs)))
    after = load_progress(session)
    new_marks = len(set(after.done) - set(before.done)) + len(set(after.known) - set(before.known))
    earlier = sum(1 for k, v in after.done.items() if k in before.done and before.done[k] != v)
    merged_notes = sum(1 for k, v in after.notes.items() if before.notes.get(k) != v)
    if not (new_marks or earlier or merged_notes):
        click.echo("Nothing new: your progress already has everything in that file.")
        return
    overall = after_tracker.overall
    say(
        f"Merged {file}: {counted(new_marks, 'new mark')}, {counted(earlier, 'earlier time')}, "
        f"{counted(merged_notes, 'note')}. Now {overall.done}/{overall.total} topics."
    )


@click.command(cls=MetroCommand)
@click.argument("file", type=click.Path(dir_okay=True))
def validate(file: str) -> None:
    """Check a curriculum file and list every problem in it."""
    curriculum = load_or_fail(Path(file), recheck=True)
    references = sum(len(station.references) for station in curriculum.stations)
    topics = sum(len(station.topics) for station in curriculum.stations)
    whole = sum(not station.topics for station in curriculum.stations)
    ticked_whole = f" ({whole} without topics, ticked as a whole)" if whole else ""
    say(
        f"{file}: valid: {curriculum.title!r} has {counted(len(curriculum.lines), 'line')}, "
        f"{counted(len(curriculum.stations), 'station')}{ticked_whole}, "
        f"{counted(topics, 'topic')} and {counted(references, 'reference')}"
    )


@click.command(cls=MetroCommand)
@click.pass_obj
def where(session: Session) -> None:
    """The curriculum, progress file and config folder in use, and this machine's sync."""
    say(f"curriculum: {session.curriculum_path}")
    say(f"config:     {config_dir()}")
    # Last, because naming the progress file needs the curriculum's id: a
    # curriculum that does not load still leaves the two lines above to go on.
    say(f"progress:   {session.progress_path()}")
    from metrotui.cli.sync import where_lines

    for line in where_lines():
        say(line)
