"""Where a study group stands: each learner's progress, and each station's learners.

Pure: the learners come in as plain marks (read from files by storage/cohort),
and ``now`` is passed in, so a view of a group is the same whenever it is
worked out from the same data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from metrotui.core.curriculum import Curriculum, Station
from metrotui.core.glyphs import STATE_STYLE, STATION_GLYPH, STUCK_GLYPH
from metrotui.core.tracker import ALL_PATHS, Count, StationState, Tracker

# A learner in a station who has marked nothing in it for this long is stuck.
STUCK_AFTER = timedelta(days=14)


class Standing(StrEnum):
    """Where one learner is on one station, as the cohort view tells it."""

    FINISHED = "finished"
    IN_IT = "in_it"
    STUCK = "stuck"  # in it, with no mark there for STUCK_AFTER
    OPEN = "open"
    LOCKED = "locked"


# The map's glyphs, so the table of learners reads as the map does; stuck has its own.
STANDING_GLYPH = {
    Standing.FINISHED: STATION_GLYPH[StationState.DONE],
    Standing.IN_IT: STATION_GLYPH[StationState.IN_PROGRESS],
    Standing.STUCK: STUCK_GLYPH,
    Standing.OPEN: STATION_GLYPH[StationState.AVAILABLE],
    Standing.LOCKED: STATION_GLYPH[StationState.LOCKED],
}
STANDING_STYLE = {
    Standing.FINISHED: STATE_STYLE[StationState.DONE],
    Standing.IN_IT: STATE_STYLE[StationState.IN_PROGRESS],
    Standing.STUCK: "bold red",
    Standing.OPEN: STATE_STYLE[StationState.AVAILABLE],
    Standing.LOCKED: STATE_STYLE[StationState.LOCKED],
}
STANDING_WORD = {
    Standing.FINISHED: "finished",
    Standing.IN_IT: "in it",
    Standing.STUCK: "stuck",
    Standing.OPEN: "open",
    Standing.LOCKED: "locked",
}


# What a station's glyph means on a group's map (StationView.state).
GROUP_KEY = (
    f"{STATION_GLYPH[StationState.DONE]} all finished",
    f"{STATION_GLYPH[StationState.IN_PROGRESS]} begun by some",
    f"{STATION_GLYPH[StationState.AVAILABLE]} not begun",
)


@dataclass(frozen=True)
class LearnerMarks:
    """One learner as read from the group's files."""

    name: str
    done: Mapping[str, str]
    known: Mapping[str, str]
    note_times: tuple[str, ...] = ()


@dataclass(frozen=True)
class LearnerView:
    """One learner: overall count, where they are now, when they last did anything."""

    name: str
    count: Count
    current: tuple[str, ...]  # station ids: those in progress, else the next open ones
    last_activity: str | None  # the latest mark or note time, as recorded
    standing: Mapping[str, Standing]  # per station on the path
    tracker: Tracker


@dataclass(frozen=True)
class StationView:
    """One station: the learners who finished it, are in it, and are stuck in it."""

    station: Station
    finished: tuple[str, ...]
    in_it: tuple[str, ...]  # in progress and not stuck
    stuck: tuple[str, ...]
    elsewhere: int = 0  # learners neither finished, in it nor stuck

    @property
    def badge(self) -> str:
        """What the map shows beside the station: ``12/20 done``."""
        total = len(self.finished) + len(self.in_it) + len(self.stuck) + self.elsewhere
        return f"{len(self.finished)}/{total} done"

    @property
    def state(self) -> StationState:
        """The station's state for the group: done by all, begun by some, or not yet."""
        if self.finished and not (self.in_it or self.stuck or self.elsewhere):
            return StationState.DONE
        if self.finished or self.in_it or self.stuck:
            return StationState.IN_PROGRESS
        return StationState.AVAILABLE


@dataclass(frozen=True)
class Cohort:
    curriculum: Curriculum
    path: str
    stations: tuple[Station, ...]
    learners: tuple[LearnerView, ...]
    by_station: Mapping[str, StationView]
    # What the reader skipped (a damaged file, say), one line each, for the app to tell.
    skipped: tuple[str, ...] = ()


def parse_time(stamp: str) -> datetime | None:
    """A recorded time as an aware datetime, or None when it cannot be read."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def latest(stamps: Iterable[str]) -> str | None:
    """The latest readable time of ``stamps`` as it was written, or None."""
    best: tuple[datetime, str] | None = None
    for stamp in stamps:
        moment = parse_time(stamp)
        if moment is not None and (best is None or (moment, stamp) > best):
            best = (moment, stamp)
    return None if best is None else best[1]


def cohort(
    curriculum: Curriculum,
    learners: Sequence[LearnerMarks],
    now: datetime,
    path: str = ALL_PATHS,
) -> Cohort:
    """The group's view: learners in name order, stations in map order."""
    views = tuple(
        learner_view(curriculum, learner, now, path)
        for learner in sorted(learners, key=lambda learner: learner.name.casefold())
    )
    stations = tuple(views[0].tracker.path_stations(path)) if views else _on_path(curriculum, path)
    by_station = {station.id: _station_view(station, views) for station in stations}
    return Cohort(curriculum, path, stations, views, by_station)


def _on_path(curriculum: Curriculum, path: str) -> tuple[Station, ...]:
    return tuple(Tracker(curriculum, ()).path_stations(path))


def learner_view(
    curriculum: Curriculum, learner: LearnerMarks, now: datetime, path: str = ALL_PATHS
) -> LearnerView:
    tracker = Tracker(curriculum, learner.done, learner.known)
    stations = tracker.path_stations(path)
    last_marks = _last_mark_per_station(curriculum, learner)
    standing = {s.id: _standing(tracker, s.id, last_marks.get(s.id), now) for s in stations}
    current = tuple(s.id for s in stations if tracker.state(s.id) is StationState.IN_PROGRESS)
    if not current:
        current = tuple(s.id for s in tracker.next_up(path))
    activity = latest([*learner.done.values(), *learner.known.values(), *learner.note_times])
    return LearnerView(
        name=learner.name,
        count=tracker.path_count(path),
        current=current,
        last_activity=activity,
        standing=standing,
        tracker=tracker,
    )


def _last_mark_per_station(curriculum: Curriculum, learner: LearnerMarks) -> dict[str, datetime]:
    """The latest readable mark time of each station the learner marked anything in."""
    last: dict[str, datetime] = {}
    for marks in (learner.done, learner.known):
        for recorded, stamp in marks.items():
            key = curriculum.key_for(recorded)
            moment = parse_time(stamp)
            if key is None or moment is None:
                continue
            station_id = curriculum.station_of(key).id
            if station_id not in last or moment > last[station_id]:
                last[station_id] = moment
    return last


def _standing(
    tracker: Tracker, station_id: str, last_mark: datetime | None, now: datetime
) -> Standing:
    state = tracker.state(station_id)
    if state is StationState.DONE:
        return Standing.FINISHED
    if state is StationState.LOCKED:
        return Standing.LOCKED
    if state is StationState.AVAILABLE:
        return Standing.OPEN
    # In progress with no readable time says nothing about how long ago: not stuck.
    if last_mark is not None and now - last_mark >= STUCK_AFTER:
        return Standing.STUCK
    return Standing.IN_IT


def _station_view(station: Station, learners: Sequence[LearnerView]) -> StationView:
    groups: dict[Standing, list[str]] = {standing: [] for standing in Standing}
    for learner in learners:
        groups[learner.standing[station.id]].append(learner.name)
    return StationView(
        station=station,
        finished=tuple(groups[Standing.FINISHED]),
        in_it=tuple(groups[Standing.IN_IT]),
        stuck=tuple(groups[Standing.STUCK]),
        elsewhere=len(groups[Standing.OPEN]) + len(groups[Standing.LOCKED]),
    )
