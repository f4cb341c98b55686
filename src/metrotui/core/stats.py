"""Learning history: topics per week, streaks, completion and pace.

Pure: computed from a Tracker and the times topics were ticked.  Topics marked
as already known are credit, not study, so they count for completion but not
for pace, weeks or streaks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from metrotui.core.tracker import ALL_PATHS, Count, Tracker, path_members

PACE_WINDOW_DAYS = 28
# A finish date is a guess from the pace so far: after a day of eager ticking
# it would promise far too much, so it waits for a week and ten topics.
PROJECTION_MIN_DAYS = 7
PROJECTION_MIN_TOPICS = 10
# Past this a date means nothing (and past year 9999 there is none to give).
PROJECTION_HORIZON_DAYS = 36_525
# Marks are dated from here to tomorrow (a day's grace for another machine's
# clock or time zone); anything else is a broken clock or a hand-edited file,
# and counting it would stretch the weeks across centuries.
EARLIEST_MARK_DAY = date(1970, 1, 1)

# How the finish is projected: "done" (nothing left), "date" (finish_by holds
# it), "over-a-century", "too-little-history", or "no-pace" (nothing studied).
Projection = Literal["done", "date", "over-a-century", "too-little-history", "no-pace"]


@dataclass(frozen=True)
class Stats:
    weeks: list[tuple[date, int]]  # Monday of each week since the first tick, topics ticked
    current_streak: int  # days in a row with a tick, up to today (or yesterday)
    longest_streak: int
    active_days: int
    overall: Count
    lines: list[tuple[str, Count]]
    per_week: float | None  # recent pace in topics a week
    finish_by: date | None  # at that pace, when everything would be done
    projection: Projection = "no-pace"
    # Marks kept in the file but left out of the figures, because their time
    # cannot be read or placed on a calendar: (topic id, time as stored).
    left_out: list[tuple[str, str]] = field(default_factory=list)


def local_day(stamp: str) -> date | None:
    """The learner's calendar day for a stored UTC time; None if it is unreadable."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.date()
    try:
        return moment.astimezone().date()
    except (OverflowError, ValueError, OSError):  # e.g. year 1 at +05:00 is before year 1
        return None


def _studied_days(
    tracker: Tracker, ticked: dict[str, str], today: date, members: frozenset[str] | None
) -> tuple[list[date], list[tuple[str, str]]]:
    """The day of each topic ticked as studied, sorted, and the marks whose time is unusable.

    ``members``: only topics of these stations (a path), or every topic.
    """
    days: list[date] = []
    left_out: list[tuple[str, str]] = []
    latest = today + timedelta(days=1)
    station_of = tracker.curriculum.station_of
    key_for = tracker.curriculum.key_for
    for topic_id, stamp in ticked.items():
        key = topic_id if topic_id in tracker.done else key_for(topic_id)
        if key is None or key not in tracker.done or tracker.is_known(key):
            continue
        if members is not None and station_of(key).id not in members:
            continue
        day = local_day(stamp)
        if day is None or not EARLIEST_MARK_DAY <= day <= latest:
            left_out.append((topic_id, stamp))
        else:
            days.append(day)
    return sorted(days), sorted(left_out)


def compute_stats(
    tracker: Tracker, ticked: dict[str, str], today: date, path: str = ALL_PATHS
) -> Stats:
    """Figures for ``path``: its topics' ticks, its lines and what is left on it."""
    members = path_members(tracker.curriculum, path)
    days, left_out = _studied_days(tracker, ticked, today, members)
    per_day: dict[date, int] = {}
    for day in days:
        per_day[day] = per_day.get(day, 0) + 1
    weeks: list[tuple[date, int]] = []
    if days:
        week = _monday(days[0])
        last = _monday(max(today, days[-1]))
        while week <= last:
            weeks.append(
                (week, sum(n for d, n in per_day.items() if week <= d < week + timedelta(7)))
            )
            week += timedelta(7)
    longest = run = 0
    previous: date | None = None
    for day in sorted(per_day):
        run = run + 1 if previous is not None and day - previous == timedelta(1) else 1
        longest = max(longest, run)
        previous = day
    current = 0
    # A streak is still alive today if yesterday had a tick and today has none yet.
    cursor = today if today in per_day else today - timedelta(1)
    while cursor in per_day:
        current += 1
        cursor -= timedelta(1)
    overall = tracker.overall if members is None else tracker.path_count(path)
    per_week: float | None = None
    if days:
        # Recent weeks say most about the pace to come; a learner who started
        # three days ago is judged on a week, not on four.
        window = min(max((today - days[0]).days + 1, 7), PACE_WINDOW_DAYS)
        recent = sum(n for d, n in per_day.items() if (today - d).days < window)
        if not recent:  # a pause: fall back to the whole history
            window = max((today - days[0]).days + 1, 7)
            recent = len(days)
        per_week = recent * 7 / window
    projection, finish_by = _project(overall.total - overall.done, per_week, days, today)
    return Stats(
        weeks=weeks,
        current_streak=current,
        longest_streak=longest,
        active_days=len(per_day),
        overall=overall,
        lines=[
            (line.id, tracker.line_count(line.id))
            for line in tracker.curriculum.lines
            if members is None
            or any(station.id in members for station in tracker.curriculum.stations_on(line.id))
        ],
        per_week=per_week,
        finish_by=finish_by,
        projection=projection,
        left_out=left_out,
    )


def _project(
    remaining: int, per_week: float | None, days: list[date], today: date
) -> tuple[Projection, date | None]:
    if remaining == 0:
        return "done", today
    if not per_week:
        return "no-pace", None
    history_days = (today - days[0]).days + 1
    if history_days < PROJECTION_MIN_DAYS or len(days) < PROJECTION_MIN_TOPICS:
        return "too-little-history", None
    days_left = round(remaining / per_week * 7)
    if days_left > PROJECTION_HORIZON_DAYS:
        return "over-a-century", None
    return "date", today + timedelta(days=days_left)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def sparkline(values: list[int]) -> str:
    """One bar per value, scaled to the largest; a quiet week is the lowest bar."""
    bars = " ▁▂▃▄▅▆▇█"
    top = max(values, default=0)
    if top == 0:
        return "▁" * len(values)
    # Any activity shows at least two eighths, so it never looks like a quiet week.
    return "".join(bars[max(2, round(v / top * 8))] if v else "▁" for v in values)
