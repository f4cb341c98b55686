"""Curriculum text is data: make it safe to print before anything shows it."""

from __future__ import annotations

import re

# Whole terminal escape sequences go first, so that their parameters do not
# stay behind as visible junk ("[31m", "]0;title") once the ESC is removed:
# CSI (ESC [ or C1 CSI), string commands such as OSC and DCS up to their
# terminator (BEL, ESC \ or C1 ST), and two-character escapes such as ESC c.
_ESCAPE_SEQUENCE = re.compile(
    "(?:\x1b\\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"
    "|(?:\x1b[\\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\\\|\x9c)"
    "|\x1b[\x20-\x2f]*[\x30-\x7e]"
)
# C0 and C1 controls (escape sequences start with ESC or CSI), DEL, and the
# bidirectional overrides/isolates that can make text read differently from
# what it is.  Tabs, newlines and carriage returns are handled separately per
# field kind (a lone CR is a line break, and must not glue two words together).
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_WHITESPACE_RUN = re.compile(r"[ \t\r\n]+")


def _strip_controls(value: str) -> str:
    if value.isascii() and value.isprintable():
        return value  # the common case, and nothing to strip: skip the regexes
    return _UNSAFE.sub("", _ESCAPE_SEQUENCE.sub("", value))


def clean_line(value: str) -> str:
    """One line of text: controls removed, whitespace runs collapsed to one space."""
    if value.isascii() and value.isprintable() and "  " not in value:
        return value.strip()  # the common case: no controls, tabs, breaks or runs of spaces
    return _WHITESPACE_RUN.sub(" ", _strip_controls(value)).strip()


def clean_block(value: str) -> str:
    """Multi-line text: controls removed, line breaks kept, tabs as spaces."""
    text = _strip_controls(value.replace("\r\n", "\n")).replace("\t", "    ")
    return text.replace("\r", "\n").strip()
