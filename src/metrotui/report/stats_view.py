"""The learner's stats as Rich renderables: printed by `metrotui stats`, shown by the app's `s`.

Both front ends draw the same figures the same way, so the view lives below them
(it needs core and Rich only).
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from metrotui.core.stats import Stats
from metrotui.core.text import clean_line
from metrotui.core.tracker import Count, Tracker
from metrotui.core.words import counted


def _bar(count: Count, color: str, width: int = 20) -> ProgressBar:
    # A Rich bar, not text: stats is a report for a terminal (status draws text bars).
    return ProgressBar(
        total=max(count.total, 1),
        completed=count.done,
        width=width,
        complete_style=color,
        finished_style=color,
    )


def stats_view(tracker: Tracker, figures: Stats) -> RenderableType:
    from metrotui.core.stats import sparkline

    overall = figures.overall
    parts: list[RenderableType] = [
        Text.assemble(
            (tracker.curriculum.title, "bold"),
            f"  ·  {overall.done}/{overall.total} topics · {overall.percent}%",
            f" ({overall.known} already known)" if overall.known else "",
        ),
        Text.assemble(
            ("\nStreak ", "bold"),
            f"{counted(figures.current_streak, 'day')} (longest {figures.longest_streak}); "
            f"studied on {counted(figures.active_days, 'day')}",
        ),
    ]
    if figures.per_week is not None:
        pace = f"{figures.per_week:.1f} topics a week" + _projection_words(figures)
        parts.append(Text.assemble(("Pace ", "bold"), pace))
    if figures.left_out:
        parts.append(Text(_left_out_words(figures.left_out), style="yellow"))
    if figures.weeks:
        recent = figures.weeks[-12:]
        parts.append(Text("\nTopics per week", style="bold"))
        parts.append(
            Text.assemble(
                f"  {recent[0][0]:%d %b} ",
                (sparkline([n for _, n in recent]), "cyan"),
                f" this week: {recent[-1][1]}",
            )
        )
    elif not figures.left_out:
        parts.append(Text("\nNothing ticked yet: your first topic starts the streak.", style="dim"))
    parts.append(Text("\nLines", style="bold"))
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1))
    for line_id, count in figures.lines:
        line = tracker.curriculum.line(line_id)
        table.add_row(
            Text(f"━━ {line.name}", style=f"bold {line.color}"),
            _bar(count, line.color),
            Text(f"{count.done}/{count.total}"),
        )
    parts.append(table)
    return Group(*parts)


def _projection_words(figures: Stats) -> str:
    from metrotui.core.stats import PROJECTION_MIN_TOPICS

    if figures.projection == "date" and figures.finish_by is not None:
        return f"; at that pace you finish around {figures.finish_by:%d %B %Y}"
    if figures.projection == "over-a-century":
        return "; at that pace the rest would take more than a century"
    if figures.projection == "too-little-history":
        return (
            "; a finish date shows once you have a week of history and "
            f"{counted(PROJECTION_MIN_TOPICS, 'topic')} ticked"
        )
    return ""


def _left_out_words(left_out: list[tuple[str, str]]) -> str:
    """Which marks the figures leave out, so the learner can find them in the file."""
    shown = ", ".join(f"{topic_id} at {_quoted_time(stamp)}" for topic_id, stamp in left_out[:3])
    more = f" and {len(left_out) - 3} more" if len(left_out) > 3 else ""
    one = len(left_out) == 1
    return (
        f"{counted(len(left_out), 'mark')} {'is' if one else 'are'} left out of these figures: "
        f"{'its time is' if one else 'their times are'} unreadable, in the future or before "
        f"1970 ({shown}{more}). {'It is' if one else 'They are'} kept in your progress."
    )


def _quoted_time(stamp: str) -> str:
    text = clean_line(stamp)
    return repr(text if len(text) <= 40 else text[:39] + "…")
