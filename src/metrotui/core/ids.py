"""The ids a person types, read the way they meant them.

A station can be named by its number (``metrotui done 2``), and any id in any
case (``Math-Basics``).  An exact id always wins; the looser readings are tried
only when it misses, and only when they point at exactly one thing, so no
curriculum's own ids ever change meaning.
"""

from __future__ import annotations

from collections.abc import Iterable

from metrotui.core.curriculum import Curriculum
from metrotui.core.tracker import ALL_PATHS


def _one_folded(text: str, candidates: Iterable[str]) -> str | None:
    """The single candidate equal to ``text`` but for case, if there is one."""
    folded = text.casefold()
    matches = [candidate for candidate in candidates if candidate.casefold() == folded]
    return matches[0] if len(matches) == 1 else None


def station_by_number(curriculum: Curriculum, text: str) -> str | None:
    if not text.isdecimal() or not text.isascii():
        return None
    number = int(text)
    for station in curriculum.stations:
        if station.number == number:
            return station.id
    return None


def station_or_topic(curriculum: Curriculum, text: str) -> str:
    """The station or topic id ``text`` names; ``text`` itself when it names none."""
    if curriculum.has_station(text) or curriculum.has_topic(text):
        return text
    by_number = station_by_number(curriculum, text)
    if by_number is not None:
        return by_number
    stations = (station.id for station in curriculum.stations)
    every_id = [*stations, *curriculum.all_topic_ids()]
    return _one_folded(text, every_id) or text


def line_or_all(curriculum: Curriculum, text: str) -> str:
    """The path ``text`` names ("all" or a line id); ``text`` itself when it names none."""
    if text == ALL_PATHS or curriculum.has_line(text):
        return text
    choices = [ALL_PATHS, *(line.id for line in curriculum.lines)]
    return _one_folded(text, choices) or text


def path_choices_text(curriculum: Curriculum) -> str:
    return ", ".join([ALL_PATHS, *(line.id for line in curriculum.lines)])
