"""Curriculum text is cleaned of anything a terminal would act on."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrotui.core.text import clean_block, clean_line, clean_message, safe_json

ESC = "\x1b"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (f"{ESC}[31mRed{ESC}[0m text", "Red text"),  # SGR colour
        (f"Clear{ESC}[2J{ESC}[H screen", "Clear screen"),  # erase display, cursor home
        (f"Title{ESC}]0;pwned{ESC}\\ here", "Title here"),  # OSC set title, ST-terminated
        (f"Title{ESC}]0;pwned\x07 here", "Title here"),  # OSC set title, BEL-terminated
        (f"a {ESC}]8;;https://evil.example{ESC}\\link{ESC}]8;;{ESC}\\ b", "a link b"),  # OSC 8
        (f"reset{ESC}c now", "reset now"),  # two-character escape
        (f"charset{ESC}(B ok", "charset ok"),
        ("bell\x07 ring", "bell ring"),
        ("c1\x9b31m csi", "c1 csi"),  # the one-byte C1 CSI
        ("next\x85line\x9cend\x90x", "nextlineendx"),  # other C1 controls
        ("nul\x00 del\x7f", "nul del"),
        ("abc\u202edef", "abcdef"),  # right-to-left override
        ("\u2066isolate\u2069 \u200fmark", "isolate mark"),
        (f"dangling {ESC}", "dangling"),
    ],
)
def test_clean_line_removes_controls_and_escape_sequences(raw: str, expected: str) -> None:
    assert clean_line(raw) == expected


@pytest.mark.parametrize("raw", [f"{ESC}[31mX", "X\u202e", "a\x07b\x9bc"])
def test_clean_block_removes_the_same_controls(raw: str) -> None:
    cleaned = clean_block(raw)
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in cleaned)
    assert "\u202e" not in cleaned
    assert "[31m" not in cleaned


def test_clean_line_collapses_newlines_and_whitespace_runs() -> None:
    assert clean_line("  one\ntwo\r\nthree\rfour\t\tfive  ") == "one two three four five"


def test_clean_block_keeps_line_breaks() -> None:
    text = "First paragraph.\n\nSecond\tline\r\nthird\rfourth"
    assert clean_block(text) == "First paragraph.\n\nSecond    line\nthird\nfourth"


def test_clean_block_strips_escape_sequences_but_keeps_the_text_around_them() -> None:
    text = f"Line {ESC}[1mone{ESC}[0m\nLine two{ESC}]0;x\x07\n"
    assert clean_block(text) == "Line one\nLine two"


def test_ordinary_unicode_text_is_unchanged() -> None:
    text = "Café · naïve — 日本語 → ✓ LoRA, QLoRA"
    assert clean_line(text) == text
    assert clean_block(text) == text


def test_only_controls_leaves_nothing() -> None:
    assert clean_line(f"{ESC}[0m\x07\u202e  \n") == ""
    assert clean_block(f"{ESC}[0m\x07\u202e  \n") == ""


BIDI_AND_MARKS = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
TERMINAL_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from([ESC, "[", "]", "\x07", "\\", "\x9b", "\x9c", "\r", "\n", "\t", "\u202e"]),
    )
)


@given(TERMINAL_TEXT)
def test_clean_line_never_lets_a_control_through(text: str) -> None:
    cleaned = clean_line(text)
    assert not any(unicodedata.category(ch) == "Cc" for ch in cleaned)
    assert not BIDI_AND_MARKS & set(cleaned)
    assert cleaned == cleaned.strip()
    assert clean_line(cleaned) == cleaned


@given(TERMINAL_TEXT)
def test_clean_block_keeps_only_newlines(text: str) -> None:
    cleaned = clean_block(text)
    assert not any(unicodedata.category(ch) == "Cc" and ch != "\n" for ch in cleaned)
    assert not BIDI_AND_MARKS & set(cleaned)
    assert clean_block(cleaned) == cleaned


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("zero\u200bwidth", "zerowidth"),
        ("non\u200cjoiner", "nonjoiner"),
        ("word\u2060joiner\u2062", "wordjoiner"),
        ("\ufeffbom", "bom"),
        ("soft\u00adhyphen", "softhyphen"),
        ("arabic\u061cmark", "arabicmark"),
        ("tags\U000e0001\U000e0041\U000e007f", "tags"),
        ("hangul\u3164filler", "hangulfiller"),
        ("a\u200db", "ab"),  # a joiner between letters only hides
        ("\u200d👩", "👩"),  # or at either end of an emoji
        ("👩\u200d", "👩"),
    ],
)
def test_invisible_characters_go_like_the_bidi_controls(raw: str, expected: str) -> None:
    assert clean_line(raw) == expected
    assert clean_block(raw) == expected


@pytest.mark.parametrize(
    "emoji",
    ["👩\u200d💻", "👩🏽\u200d💻", "❤\ufe0f\u200d🔥", "🏳\ufe0f\u200d⚧\ufe0f", "👨\u200d👩\u200d👧"],
)
def test_the_joiner_inside_an_emoji_sequence_stays(emoji: str) -> None:
    # Without it 👩‍💻 falls apart into a woman and a laptop.
    assert clean_line(f"Coder {emoji}") == f"Coder {emoji}"


def test_clean_message_keeps_lines_and_makes_undecodable_bytes_visible() -> None:
    name = "caf\udce9\x1b]2;title\x07.json"
    assert clean_message(f"{name}: no such file\nsecond line") == (
        "caf\ufffd.json: no such file\nsecond line"
    )


def test_safe_json_escapes_what_a_terminal_acts_on_and_reads_back_the_same() -> None:
    value = {"t\u202e": "\x1b\x7f\x85\u202e\u200b\u2028\ud800\U000e0041 Café 👩"}
    text = safe_json(value)
    assert text.isascii() is False  # readable text stays as it is
    assert "Café 👩" in text
    assert not any(ch in text for ch in "\x1b\x7f\x85\u202e\u200b\u2028\ud800\U000e0041")
    assert json.loads(text) == value
