"""Colours for lines that a curriculum leaves without one.

Each is an entry of the xterm 256-colour cube, so a terminal with 256 colours
shows exactly it and no two fall on one entry; all are of middle lightness,
readable on a dark background and on a light one.  Ordered so that neighbours
differ in hue: the first few lines, the usual case, are the most apart.
"""

from __future__ import annotations

PALETTE = (
    "#d75f5f",  # red
    "#5f87d7",  # blue
    "#5faf5f",  # green
    "#d7875f",  # orange
    "#af5fd7",  # purple
    "#00afaf",  # teal
    "#af8700",  # ochre
    "#d75f87",  # pink
    "#5fafd7",  # sky
    "#87af00",  # olive
    "#875fd7",  # violet
    "#af875f",  # brown
    "#00af87",  # sea green
    "#d75faf",  # magenta
    "#5f87af",  # steel
    "#af5f5f",  # brick
    "#0087d7",  # azure
    "#87875f",  # khaki
)


def line_colors(count: int) -> list[str]:
    """Colours for ``count`` lines, in order; past the palette's end they repeat."""
    return [PALETTE[index % len(PALETTE)] for index in range(count)]
