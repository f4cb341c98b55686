"""Words a person reads: counted nouns (never "1 things") and the id a misspelt one meant."""

from __future__ import annotations

from collections.abc import Iterable

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


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate a misspelt word most likely meant, if one is close."""
    import difflib  # only a misspelt id needs it

    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.7)
    return matches[0] if matches else None
