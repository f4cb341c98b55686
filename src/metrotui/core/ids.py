"""The ids a person types, read the way they meant them.

A station can be named by its number (``metrotui done 2``), a topic by
``station/topic`` or by its bare id where only one station has it, and any id
in any case (``Math-Basics``).  An exact id always wins; the looser readings
are tried only when it misses, and only when they point at exactly one thing,
so no curriculum's own ids ever change meaning.  Text that could mean several
things is refused with the choices (AmbiguousIdError).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from metrotui.core.curriculum import KEY_SEPARATOR, Curriculum
from metrotui.core.tracker import ALL_PATHS


def _one_folded(text: str, candidates: Iterable[str]) -> str | None:
    """The single candidate equal to ``text`` but for case, if there is one."""
    folded = text.casefold()
    matches = [candidate for candidate in candidates if candidate.casefold() == folded]
    return matches[0] if len(matches) == 1 else None


class AmbiguousIdError(LookupError):
    """Typed text that names more than one thing; the message lists what it could mean."""

    def __init__(self, message: str, choices: list[str]) -> None:
        super().__init__(message)
        self.choices = choices


def station_by_number(curriculum: Curriculum, text: str) -> str | None:
    """The station with this number, or None; AmbiguousIdError when several have it."""
    if not text.isdecimal() or not text.isascii():
        return None
    number = int(text)
    found = [station for station in curriculum.stations if station.number == number]
    if len(found) > 1:
        choices = [station.id for station in found]
        listed = ", ".join(f"{station.id} ({station.title})" for station in found)
        raise AmbiguousIdError(
            f"{number} is the number of {len(found)} stations: {listed}; name one by its id",
            choices,
        )
    return found[0].id if found else None


def station_or_topic(curriculum: Curriculum, text: str) -> str:
    """The station id or progress key ``text`` names; ``text`` itself when it names none.

    Tried in turn: a station id or key as it is, ``station/topic``, a topic's
    bare id where one station has it, a station's number, then any of these in
    another case.  Text that names several things raises AmbiguousIdError.
    """
    text = unicodedata.normalize("NFC", text)
    if curriculum.has_station(text) or curriculum.has_key(text):
        return text
    key = curriculum.key_for(text) or _qualified(curriculum, text)
    if key is not None:
        return key
    bare = _bare_topic(curriculum, text)
    if bare is not None:
        return bare
    by_number = station_by_number(curriculum, text)
    if by_number is not None:
        return by_number
    stations = (station.id for station in curriculum.stations)
    every_id = [*stations, *curriculum.all_keys()]
    folded = _one_folded(text, every_id)
    if folded is not None:
        return folded
    return _bare_topic(curriculum, text, fold=True) or text


def _qualified(curriculum: Curriculum, text: str) -> str | None:
    """``station/topic`` with either part in another case, or the station by its number."""
    station_text, sep, topic_text = text.partition(KEY_SEPARATOR)
    if not sep:
        return None
    station_id = station_text if curriculum.has_station(station_text) else None
    if station_id is None:
        try:
            station_id = station_by_number(curriculum, station_text)
        except AmbiguousIdError:
            station_id = None
    stations = [station.id for station in curriculum.stations]
    station_id = station_id or _one_folded(station_text, stations)
    if station_id is None:
        return None
    topic_ids = curriculum.station(station_id).topic_ids
    topic_id = topic_text if topic_text in topic_ids else _one_folded(topic_text, topic_ids)
    return None if topic_id is None else curriculum.topic_key(station_id, topic_id)


def _bare_topic(curriculum: Curriculum, text: str, *, fold: bool = False) -> str | None:
    """The key of the one topic with this id; AmbiguousIdError when several stations have one."""
    if fold:
        topic_ids = {t.id for s in curriculum.stations for t in s.topics}
        matched = _one_folded(text, topic_ids)
        if matched is None:
            return None
        text = matched
    stations = curriculum.stations_with_topic(text)
    if len(stations) == 1:
        return curriculum.topic_key(stations[0].id, text)
    if stations:
        choices = [f"{station.id}{KEY_SEPARATOR}{text}" for station in stations]
        raise AmbiguousIdError(
            f"{text!r} is a topic of {len(stations)} stations; give one of: {', '.join(choices)}",
            choices,
        )
    return None


def line_or_all(curriculum: Curriculum, text: str) -> str:
    """The path ``text`` names ("all" or a line id); ``text`` itself when it names none."""
    if text == ALL_PATHS or curriculum.has_line(text):
        return text
    choices = [ALL_PATHS, *(line.id for line in curriculum.lines)]
    return _one_folded(text, choices) or text


def path_choices_text(curriculum: Curriculum) -> str:
    return ", ".join([ALL_PATHS, *(line.id for line in curriculum.lines)])
