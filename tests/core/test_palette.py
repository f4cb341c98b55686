"""The palette that lines without a colour take."""

from __future__ import annotations

from rich.color import Color, ColorSystem

from metrotui.core.palette import PALETTE, line_colors


def _lightness(hex_colour: str) -> float:
    red, green, blue = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return (max(red, green, blue) + min(red, green, blue)) / 2


def test_the_palette_stays_distinct_in_256_colours() -> None:
    downgraded = [Color.parse(c).downgrade(ColorSystem.EIGHT_BIT).number for c in PALETTE]
    assert len(set(downgraded)) == len(PALETTE) >= 15


def test_the_palette_is_of_middle_lightness_for_dark_and_light_themes() -> None:
    # Neither close to black (lost on a dark background) nor to white (on a light one).
    assert all(0.25 <= _lightness(c) <= 0.65 for c in PALETTE), PALETTE


def test_line_colors_follow_the_palette_and_repeat_past_its_end() -> None:
    assert line_colors(3) == list(PALETTE[:3])
    assert line_colors(len(PALETTE) + 1)[-1] == PALETTE[0]
