"""Shell completion of station, topic and line ids, read from the curriculum the command
line names (a shell shows no errors: a curriculum that does not load completes nothing)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from metrotui.core.curriculum import Curriculum


# Completion: each callback reads the curriculum the command line names, and
# offers nothing rather than an error when it cannot (a shell shows no message).


def _completion_curriculum(ctx: click.Context) -> Curriculum | None:
    from metrotui.storage import library
    from metrotui.storage.curriculum_file import load_curriculum

    option = ctx.find_root().params.get("curriculum_option")
    try:
        return load_curriculum(library.resolve(option) if option else library.current()[1])
    except Exception:  # a file that does not load simply completes nothing
        return None


def _matching(incomplete: str, pairs: list[tuple[str, str]]) -> list[Any]:
    from click.shell_completion import CompletionItem

    start = incomplete.casefold()
    return [
        CompletionItem(value, help=title)
        for value, title in pairs
        if value.casefold().startswith(start)
    ]


def complete_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    curriculum = _completion_curriculum(ctx)
    if curriculum is None:
        return []
    pairs = [(station.id, station.title) for station in curriculum.stations]
    # A topic completes to its key: station/topic where its id alone is ambiguous.
    pairs += [
        (curriculum.topic_key(station.id, topic.id), topic.title)
        for station in curriculum.stations
        for topic in station.topics
    ]
    return _matching(incomplete, pairs)


def complete_paths(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    curriculum = _completion_curriculum(ctx)
    if curriculum is None:
        return []
    pairs = [("all", "every line"), *((line.id, line.name) for line in curriculum.lines)]
    return _matching(incomplete, pairs)
