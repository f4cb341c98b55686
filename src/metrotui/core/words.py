"""Words a person reads: counted nouns, so that one thing is never "1 things"."""

from __future__ import annotations

# Nouns whose plural is not the singular plus "s".
_IRREGULAR = {"match": "matches", "entry": "entries", "this": "these"}


def plural(noun: str, count: int) -> str:
    """The noun as it goes with ``count``: ``plural("topic", 1)`` is "topic"."""
    if count == 1:
        return noun
    return _IRREGULAR.get(noun, noun + "s")


def counted(count: int, noun: str, plural_form: str | None = None) -> str:
    """``counted(1, "station")`` is "1 station", ``counted(3, "station")`` "3 stations".

    Pass ``plural_form`` for a noun the table does not know ("1 person", "2 people").
    """
    if count == 1:
        return f"{count:,} {noun}"
    return f"{count:,} {plural_form or plural(noun, count)}"
