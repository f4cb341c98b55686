"""`metrotui status` into a file or a pipe: rows made directly, the same characters rich prints."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from metrotui.cli.views import print_status, status_view
from metrotui.core.curriculum import Curriculum
from metrotui.core.tracker import ALL_PATHS, Tracker
from tests.helpers import curriculum_raw, make_curriculum, station


def printed(tracker: Tracker, path: str, width: int, *, colour: bool) -> str:
    """The page as `metrotui status` prints it into a pipe, or as rich alone would."""
    out = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    if colour:
        out.print(status_view(tracker, path, width, colour=True))
    else:
        print_status(out, tracker, path)
    return out.file.getvalue()  # type: ignore[attr-defined]


# Plain, wide (CJK, an emoji joined by a zero-width joiner), combining and titlecase.
PIECES = ["a", "Z", " ", "漢", "字", "é", "👩\u200d💻", "\u0301", "-", "Ǆ"]
titles = (
    st.lists(st.sampled_from(PIECES), max_size=40)
    .map(lambda parts: "".join(parts).strip())
    .filter(lambda title: title and not title.startswith("\u0301"))
)


@st.composite
def curricula(draw: st.DrawFn) -> tuple[Curriculum, list[str], list[str]]:
    lines = ["trunk", "branch"][: draw(st.integers(1, 2))]
    count = draw(st.integers(len(lines), 12))  # a station on every line
    stations = [
        station(
            f"s{n}",
            lines[n % len(lines)],
            draw(st.integers(1, 20_000)) if n else 1,
            [f"s{n - 1}"] if n and draw(st.booleans()) else [],
            topics=draw(st.integers(1, 12)),
            title=draw(titles),
        )
        for n in range(count)
    ]
    for n, entry in enumerate(stations):
        entry["number"] = n + 1 if not draw(st.booleans()) else entry["number"]
    numbers = [s["number"] for s in stations]
    if len(set(numbers)) != len(numbers):
        for n, entry in enumerate(stations):
            entry["number"] = n + 1
    curriculum = make_curriculum(curriculum_raw(lines, stations))
    topic_ids = list(curriculum.all_topic_ids())
    done = draw(st.lists(st.sampled_from(topic_ids), unique=True))
    known = draw(st.lists(st.sampled_from(topic_ids), unique=True))
    return curriculum, done, known


@settings(max_examples=200, deadline=None)
@given(curricula(), st.integers(1, 160), st.booleans())
def test_plain_rows_are_what_rich_prints_without_colour(
    made: tuple[Curriculum, list[str], list[str]], width: int, one_line: bool
) -> None:
    curriculum, done, known = made
    tracker = Tracker(curriculum, done, known)
    path = curriculum.lines[-1].id if one_line else ALL_PATHS
    assert printed(tracker, path, width, colour=False) == printed(tracker, path, width, colour=True)


def test_the_genai_page_is_the_same_either_way(genai: Curriculum) -> None:
    tracker = Tracker(genai, ["linear-algebra", "calculus"], ["python-basics"])
    for width in (10, 40, 80, 120):
        assert printed(tracker, ALL_PATHS, width, colour=False) == printed(
            tracker, ALL_PATHS, width, colour=True
        )
