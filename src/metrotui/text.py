"""Curriculum text is data: make it safe to print before anything shows it."""

from __future__ import annotations

import re

# C0 and C1 controls (escape sequences start with ESC or CSI), DEL, and the
# bidirectional overrides/isolates that can make text read differently from
# what it is.  Tabs and newlines are handled separately per field kind.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_WHITESPACE_RUN = re.compile(r"[ \t\r\n]+")


def clean_line(value: str) -> str:
    """One line of text: controls removed, whitespace runs collapsed to one space."""
    return _WHITESPACE_RUN.sub(" ", _UNSAFE.sub("", value)).strip()


def clean_block(value: str) -> str:
    """Multi-line text: controls removed, line breaks kept, tabs as spaces."""
    text = _UNSAFE.sub("", value.replace("\r\n", "\n")).replace("\t", "    ")
    return text.replace("\r", "\n").strip()

