"""Text from outside is data: make it safe to print before anything shows it.

Curriculum text, notes, file names and arguments all pass through here on
their way to a terminal or into JSON.
"""

from __future__ import annotations

import functools
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
# C0 and C1 controls (escape sequences start with ESC or CSI) and DEL.
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# Bidirectional marks, overrides and isolates, which make text read differently
# from what it is.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Characters that draw nothing: a title made of them looks empty, and two ids
# or titles that differ only by them look the same.  Soft hyphen, zero-width
# space and non-joiner, word joiner and invisible operators, deprecated format
# controls, the byte-order mark, Hangul fillers, the Mongolian vowel separator,
# interlinear annotation and musical format controls, and the tag characters.
_INVISIBLE = (
    "\u00ad\u115f\u1160\u180e\u200b\u200c\u2060-\u2064\u206a-\u206f\u3164\ufeff\uffa0"
    "\ufff9-\ufffb\U0001d173-\U0001d17a\U000e0000-\U000e007f"
)
# The zero-width joiner is the one invisible character that is kept, and only
# between two emoji: there it is what makes 👩‍💻 one picture instead of two
# (the emoji before it may carry a skin tone or the emoji presentation
# selector).  Anywhere else it only hides, so it goes.
_EMOJI = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2190-\u21ff\u2300-\u23ff\u2460-\u27bf"
    "\u2900-\u2bff\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
)
_STRAY_JOINER = f"\u200d(?:(?<![{_EMOJI}\ufe0f]\u200d)|(?![{_EMOJI}]))"
# Tabs, newlines and carriage returns are handled separately per field kind
# (a lone CR is a line break, and must not glue two words together).
_UNSAFE = f"[{_CONTROLS}{_BIDI}{_INVISIBLE}]|{_STRAY_JOINER}"
_WHITESPACE_RUN = re.compile(r"[ \t\r\n]+")
# Half of a UTF-16 pair on its own: what Python makes of bytes that are not
# UTF-8 in a file name or an argument, and what "\ud800" in JSON decodes to.
# No encoder will write one, so it must never reach a stream or a file.
_LONE_SURROGATE = "[\ud800-\udfff]"
# Compiled when first needed: together these cost about a millisecond, which
# a launch whose text is all ASCII (or all from the cache) need not pay.
_compiled = functools.cache(re.compile)


def _strip_controls(value: str) -> str:
    if value.isascii() and value.isprintable():
        return value  # the common case, and nothing to strip: skip the regexes
    unsafe = _compiled(_UNSAFE)
    return unsafe.sub("", _ESCAPE_SEQUENCE.sub("", replace_lone_surrogates(value)))


def clean_line(value: str) -> str:
    """One line of text: controls removed, whitespace runs collapsed to one space."""
    if value.isascii() and value.isprintable() and "  " not in value:
        return value.strip()  # the common case: no controls, tabs, breaks or runs of spaces
    return _WHITESPACE_RUN.sub(" ", _strip_controls(value)).strip()


def clean_block(value: str) -> str:
    """Multi-line text: controls removed, line breaks kept, tabs as spaces."""
    text = _strip_controls(value.replace("\r\n", "\n")).replace("\t", "    ")
    return text.replace("\r", "\n").strip()


def has_lone_surrogates(value: str) -> bool:
    return not value.isascii() and _compiled(_LONE_SURROGATE).search(value) is not None


def replace_lone_surrogates(value: str) -> str:
    """The text with each lone surrogate as U+FFFD, the mark for "a character was lost here"."""
    if value.isascii():
        return value
    return _compiled(_LONE_SURROGATE).sub("\ufffd", value)


def clean_message(value: str) -> str:
    """A message that may quote file names or arguments, safe to print as it is.

    Cleaned like curriculum text, with its line breaks kept (a message may list
    problems one a line) and anything no encoder can write made visible as U+FFFD.
    """
    if value.isascii() and value.isprintable():
        return value
    text = _strip_controls(replace_lone_surrogates(value).replace("\r\n", "\n"))
    return text.replace("\r", "\n")


# What JSON output writes as \\uXXXX escapes instead of as itself: the controls
# and invisible characters above, the two separators that end a line in
# JavaScript, and lone surrogates.  Outside strings JSON is plain ASCII, so these
# can only be inside strings, where an escape means exactly the same character:
# a reader gets the data back unchanged, and a terminal showing the JSON gets
# nothing it would act on.
_JSON_UNSAFE = f"[{_CONTROLS}{_BIDI}{_INVISIBLE}\u200d\u2028\u2029\ud800-\udfff]"


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # written as its UTF-16 pair, as JSON spells such characters
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def safe_json(value: object, *, indent: int | None = None) -> str:
    """JSON text for ``value``: readable Unicode, but no character a terminal acts on."""
    import json  # here: the map's launch never writes JSON, and need not import it

    return escape_unsafe_json(json.dumps(value, indent=indent, ensure_ascii=False))


def escape_unsafe_json(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) made as safe as safe_json's."""
    if text.isascii():
        return text
    return _compiled(_JSON_UNSAFE).sub(_json_escape, text)
