"""Ids made from titles: ASCII where a close ASCII form exists, short, unique and stable.

The id is a function of the title alone (plus a counter for a clash), so the
same document always gives the same ids, an edit in one section leaves the ids
of every other section alone, and a change of case or punctuation ("Data
Pre-processing" to "Data Pre-Processing") keeps the id.
"""

from __future__ import annotations

import unicodedata

MAX_SLUG_CHARS = 64

# Letters that Unicode does not decompose but that have a usual ASCII spelling.
_SPELLED = {
    "ß": "ss",
    "æ": "ae",
    "ø": "o",
    "œ": "oe",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ı": "i",
}


def _folded(ch: str) -> str:
    """A character as ASCII when it has a close form, else itself (a letter kept as it is)."""
    if ch.isascii():
        return ch.lower()
    lower = ch.lower()
    if lower in _SPELLED:
        return _SPELLED[lower]
    ascii_form = "".join(
        part for part in unicodedata.normalize("NFKD", lower) if not unicodedata.combining(part)
    )
    return ascii_form if ascii_form.isascii() and ascii_form else lower


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


def slug(title: str) -> str:
    """Letters and digits of ``title``, lower case, joined by '-', at most 64 characters."""
    words: list[str] = []
    word: list[str] = []
    for ch in unicodedata.normalize("NFC", title):
        for part in _folded(ch):
            # The checker's rule for an id: letters, decimal digits, and marks after them.
            if part.isalpha() or part.isdecimal() or (word and _is_mark(part)):
                word.append(part)
            elif word:
                words.append("".join(word))
                word = []
    if word:
        words.append("".join(word))
    return _shortened(unicodedata.normalize("NFC", "-".join(words)), MAX_SLUG_CHARS)


def _shortened(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind("-", 0, limit + 1)
    return text[:cut] if cut > 0 else text[:limit]


class Slugs:
    """Hands out ids unique among those it gave: a clash gets '-2', '-3'... in file order."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, title: str, fallback: str) -> str:
        base = slug(title) or fallback
        chosen = base
        count = 1
        while chosen in self._taken:
            count += 1
            suffix = f"-{count}"
            chosen = _shortened(base, MAX_SLUG_CHARS - len(suffix)) + suffix
        self._taken.add(chosen)
        return chosen
