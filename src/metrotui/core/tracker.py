"""What progress means on a curriculum: states, counts, paths and unlocking.

Pure logic over a Curriculum and a set of done keys; no files, no UI.
The CLI and the app both ask a Tracker and show its answers.

A key is what a mark is recorded under (see Curriculum.key_for): a topic's
id, ``station/topic`` where the id alone is ambiguous, or the id of a station
without topics, which is ticked as a whole.  In a version 1 curriculum every
key is a topic id, so "topic id" below means a key throughout.
"""

from __future__ import annotations

import functools
import weakref
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum

from metrotui.core.curriculum import Curriculum, OneOf, Station
from metrotui.core.words import closest

ALL_PATHS = "all"


class StationState(StrEnum):
    DONE = "done"
    IN_PROGRESS = "in_progress"
    AVAILABLE = "available"
    LOCKED = "locked"

    @property
    def label(self) -> str:
        """The word a person reads: one per state, in the app and the CLI alike.

        The values stay as they are: they are what the JSON output promises.
        """
        return "open" if self is StationState.AVAILABLE else self.value.replace("_", " ")


@dataclass(frozen=True)
class Count:
    """Topics completed out of a total; ``known`` of the completed were already known."""

    done: int
    total: int
    known: int = 0

    @property
    def left(self) -> int:
        return self.total - self.done

    @property
    def percent(self) -> int:
        return (100 * self.done) // self.total if self.total else 0

    def __add__(self, other: Count) -> Count:
        return Count(self.done + other.done, self.total + other.total, self.known + other.known)


class UnknownIdError(LookupError):
    def __init__(
        self, unknown: str, suggestion: str | None, kind: str = "station or topic"
    ) -> None:
        hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
        super().__init__(f"unknown {kind} {unknown!r}{hint}")
        self.unknown = unknown
        self.suggestion = suggestion


def needs_text(groups: Iterable[tuple[Station, ...]]) -> str:
    """Unmet needs as a person reads them: ``1 Basics, one of 3 Maths or 4 Stats``."""
    parts = []
    for group in groups:
        names = [f"{s.number} {s.title}" for s in group]
        if len(names) == 1:
            parts.append(names[0])
        else:
            parts.append("one of " + ", ".join(names[:-1]) + " or " + names[-1])
    return ", ".join(parts)


class LockedError(Exception):
    """A topic of a locked station was asked to be marked done."""

    def __init__(
        self,
        station: Station,
        unfinished: list[Station],
        unmet: list[tuple[Station, ...]] | None = None,
    ) -> None:
        groups = unmet if unmet is not None else [(s,) for s in unfinished]
        super().__init__(f"{station.title} is locked: first finish {needs_text(groups)}")
        self.station = station
        self.unfinished = unfinished
        self.unmet = groups


class Tracker:
    """A snapshot of one learner's progress through one curriculum."""

    done: frozenset[str]  # done or already known
    known: frozenset[str]
    _counts: dict[str, Count]
    _states: dict[str, StationState]

    def __init__(
        self,
        curriculum: Curriculum,
        done_topics: Iterable[str],
        known_topics: Iterable[str] = (),
        *,
        since: Tracker | None = None,
    ) -> None:
        """``since``, an earlier tracker of the same curriculum, only saves work:
        stations whose topics did not change keep their counts, and only they
        and the stations that need them have their state worked out again, so
        a tick costs the same on a map of thousands of stations as on a small one.
        """
        self.curriculum = curriculum
        if since is not None and since.curriculum is not curriculum:
            since = None
        marked = _lookup(done_topics)
        known_marks = {t for t in known_topics if t not in marked}
        # Keys ``since`` already found in the curriculum need no second look.
        checked = since.done if since is not None else frozenset()

        def in_curriculum(marks: Collection[str]) -> set[str]:
            if len(marks) > curriculum.topic_count:
                # Mostly marks for topics the curriculum no longer has (a million,
                # say): asking after each of its own keys, in every spelling,
                # is the shorter walk.
                return {key for spelling, key in curriculum.spellings() if spelling in marks}
            found: set[str] = set()
            key_for = curriculum.key_for
            for mark in marks:
                key = mark if mark in checked else key_for(mark)
                if key is not None:
                    found.add(key)
            return found

        done_keys = in_curriculum(marked)
        # Already-known topics count as done for unlocking and progress; they
        # are kept apart only so that they can be shown (and counted) apart.
        self.known = frozenset(in_curriculum(known_marks) - done_keys)
        self.done = frozenset(done_keys) | self.known
        # Marks for topics this curriculum does not have, listed only when asked.
        self._marked, self._marked_known = marked, known_marks
        self._path_counts: dict[str, Count] = {}
        self._way_lengths: dict[str, int] = {}  # for route: how far each station is
        self._since: weakref.ref[Tracker] | None = None
        self._rechecked: list[Station] = []
        recount: Iterable[Station]
        recheck: Iterable[Station]
        if since is not None:
            changed = (self.done ^ since.done) | (self.known ^ since.known)
            touched = {curriculum.station_of(t).id for t in changed}
            recount = [curriculum.station(station_id) for station_id in touched]
            needing = {s.id for station_id in touched for s in curriculum.dependents(station_id)}
            recheck = sorted(
                (curriculum.station(station_id) for station_id in touched | needing),
                key=lambda station: curriculum.index(station.id),
            )
            self._counts = dict(since._counts)
            self._states = dict(since._states)
            self._since = weakref.ref(since)
            self._rechecked = recheck
        else:
            recount = recheck = curriculum.stations
            self._counts = {}
            self._states = {}
        done, known_topics = self.done, self.known
        shared: dict[tuple[int, int, int], Count] = {}  # Counts are frozen: equal ones are shared
        keys_of = curriculum.keys_of
        for station in recount:
            keys = keys_of(station.id)
            key = (
                sum(k in done for k in keys) if done else 0,
                len(keys),
                sum(k in known_topics for k in keys) if known_topics else 0,
            )
            count = shared.get(key)
            if count is None:
                count = shared[key] = Count(*key)
            self._counts[station.id] = count
        counts = self._counts
        finished: Callable[[str], bool]
        if since is None:
            done_stations = {sid for sid, count in counts.items() if count.done == count.total}
            finished = done_stations.__contains__
        else:

            def finished(station_id: str) -> bool:
                count = counts.get(station_id)
                return count is not None and count.done == count.total

        def met(need: str | OneOf) -> bool:
            if isinstance(need, str):
                return finished(need)
            return any(map(finished, need.one_of))

        for station in recheck:
            count = counts[station.id]
            if count.done == count.total:
                state = StationState.DONE
            elif not all(map(met, station.prerequisites)):
                state = StationState.LOCKED
            elif count.done:
                state = StationState.IN_PROGRESS
            else:
                state = StationState.AVAILABLE
            self._states[station.id] = state
        if since is not None:
            self._carry_path_counts(since, recount)

    def _carry_path_counts(self, since: Tracker, recounted: Iterable[Station]) -> None:
        """Path totals ``since`` had worked out, moved on by what was recounted."""
        for path, total in since._path_counts.items():
            members = path_members(self.curriculum, path)
            done, known = total.done, total.known
            for station in recounted:
                if members is None or station.id in members:
                    before, now = since._counts[station.id], self._counts[station.id]
                    done += now.done - before.done
                    known += now.known - before.known
            self._path_counts[path] = Count(done, total.total, known)

    @functools.cached_property
    def orphans(self) -> list[str]:
        """Marks for topics this curriculum does not have: kept on disk, reported."""
        done, key_for = self.done, self.curriculum.key_for
        # A mark in another spelling of a key it has is not a stray.
        stray = [t for t in self._marked if t not in done and key_for(t) is None]
        stray += [t for t in self._marked_known if t not in done and key_for(t) is None]
        return sorted(stray)  # marks read from a file come sorted: quick

    @functools.cached_property
    def orphan_count(self) -> int:
        marked, known = self._marked, self._marked_known
        if len(marked) + len(known) <= self.curriculum.topic_count:
            return len(self.orphans)
        # Far more marks than keys: count the marks that are some key's
        # spelling, rather than look at each mark.
        spelled = {spelling for spelling, _key in self.curriculum.spellings()}
        ours = sum(s in marked for s in spelled) + sum(s in known for s in spelled)
        return len(marked) + len(known) - ours

    # Stations -----------------------------------------------------------------
    def state(self, station_id: str) -> StationState:
        return self._states[station_id]

    def count(self, station_id: str) -> Count:
        return self._counts[station_id]

    def is_done(self, topic_id: str) -> bool:
        """Done or already known: either way the topic counts as finished."""
        return topic_id in self.done

    def is_known(self, topic_id: str) -> bool:
        return topic_id in self.known

    def unfinished_prerequisites(self, station_id: str) -> list[Station]:
        """The stations of the needs not yet met (each choice of a ``one_of`` left open)."""
        return list(dict.fromkeys(s for group in self.unmet_needs(station_id) for s in group))

    def unmet_needs(self, station_id: str) -> list[tuple[Station, ...]]:
        """Each need of a station not yet met, as the stations any one of which would meet it."""
        station = self.curriculum.station(station_id)
        return [
            tuple(self.curriculum.station(p) for p in group)
            for group in station.needs
            if all(self._states[p] is not StationState.DONE for p in group)
        ]

    def unlocks(self, station_id: str) -> list[Station]:
        """The stations that need this one."""
        return list(self.curriculum.dependents(station_id))

    def newly_unlocked(self, before: Tracker) -> list[Station]:
        """Stations that were locked in ``before`` and are open (not yet finished) now."""
        # Worked out from ``before``, only the stations looked at again can have changed.
        derived = self._since is not None and self._since() is before
        return [
            station
            for station in (self._rechecked if derived else self.curriculum.stations)
            if before.state(station.id) is StationState.LOCKED
            and self._states[station.id] not in (StationState.LOCKED, StationState.DONE)
        ]

    # Paths and counts --------------------------------------------------------
    def path_stations(self, path: str = ALL_PATHS) -> list[Station]:
        members = path_members(self.curriculum, path)
        if members is None:
            return list(self.curriculum.stations)
        return [station for station in self.curriculum.stations if station.id in members]

    def path_count(self, path: str = ALL_PATHS) -> Count:
        total = self._path_counts.get(path)
        if total is None:
            total = Count(0, 0)
            for station in self.path_stations(path):
                total += self._counts[station.id]
            self._path_counts[path] = total
        return total

    def line_count(self, line_id: str) -> Count:
        total = Count(0, 0)
        for station in self.curriculum.stations_on(line_id):
            total += self._counts[station.id]
        return total

    @property
    def overall(self) -> Count:
        return Count(len(self.done), self.curriculum.topic_count, len(self.known))

    def next_up(self, path: str = ALL_PATHS) -> list[Station]:
        """Stations open to study now, in map order."""
        return [
            station
            for station in self.path_stations(path)
            if self._states[station.id] in (StationState.AVAILABLE, StationState.IN_PROGRESS)
        ]

    def route(self, target_id: str) -> list[Station]:
        """The stations still to finish to reach ``target_id``, itself included.

        Prerequisites always come first.  Among stations ready at the same
        time the route carries on along the line it is on, then takes the line
        with the fewest stations left to finish, then the map's order.
        """
        needed = self._stations_to_reach(target_id)
        waiting = {
            s: sum(p in needed for p in self.curriculum.station(s).prerequisite_ids) for s in needed
        }
        left_on_line: dict[str, int] = {}
        for station_id in needed:
            on = self.curriculum.station(station_id).line
            left_on_line[on] = left_on_line.get(on, 0) + 1
        ready = {s for s, count in waiting.items() if count == 0}
        order: list[Station] = []
        line: str | None = None
        while ready:
            chosen = min(
                (self.curriculum.station(s) for s in ready),
                key=lambda st: (
                    st.line != line,
                    left_on_line[st.line],
                    self.curriculum.index(st.id),
                ),
            )
            ready.discard(chosen.id)
            order.append(chosen)
            line = chosen.line
            left_on_line[chosen.line] -= 1
            for dependent in self.curriculum.dependents(chosen.id):
                if dependent.id in waiting:
                    waiting[dependent.id] -= 1
                    if waiting[dependent.id] == 0:
                        ready.add(dependent.id)
        return order

    def _stations_to_reach(self, target_id: str) -> set[str]:
        """The unfinished stations on the way to ``target_id``, itself included.

        What must be done comes first; then each ``one_of`` not met by a station
        already on the way goes through the choice that meets the most of the
        open ``one_of``s, then the one with the fewest stations left on its own
        way, then the first on the map.
        """
        needed: set[str] = set()
        choices: list[tuple[str, ...]] = []
        pending = [target_id]
        while pending or choices:
            while pending:
                station_id = pending.pop()
                if station_id in needed or self._states[station_id] is StationState.DONE:
                    continue
                needed.add(station_id)
                for group in self.curriculum.station(station_id).needs:
                    if len(group) == 1:
                        pending.append(group[0])
                    else:
                        choices.append(group)
            choices = [group for group in choices if not self._met_by(group, needed)]
            if choices and not pending:
                shared = Counter(p for group in choices for p in group)
                best = min(choices.pop(0), key=lambda p: (-shared[p], *self._way_length(p)))
                pending.append(best)
        return needed

    def _met_by(self, group: tuple[str, ...], needed: set[str]) -> bool:
        return any(p in needed or self._states[p] is StationState.DONE for p in group)

    def _way_length(self, station_id: str) -> tuple[int, int]:
        lengths = self._way_lengths
        if station_id not in lengths:
            lengths[station_id] = len(self._stations_to_reach(station_id))
        return (lengths[station_id], self.curriculum.index(station_id))

    # Marking ---------------------------------------------------------------
    def resolve(self, ids: Iterable[str]) -> list[str]:
        """Keys for ids that name topics (by key) or whole stations, in order."""
        curriculum = self.curriculum
        keys: list[str] = []
        for item in ids:
            if curriculum.has_station(item):
                keys.extend(curriculum.keys_of(item))
            elif (key := curriculum.key_for(item)) is not None:
                keys.append(key)
            else:
                raise UnknownIdError(item, curriculum.suggest(item))
        return list(dict.fromkeys(keys))

    def plan_marks(self, ids: Iterable[str]) -> list[str]:
        """The topics to mark done for ``ids``, or LockedError if any stays locked.

        The order of ``ids`` does not matter: ``programming math-basics`` works,
        because finishing Math Basics in the same command opens Programming.
        """
        topics = self.resolve(ids)
        # A topic marked as already known and now ticked becomes properly done;
        # it already counts as finished, so no lock can stand in its way.
        planned = [topic_id for topic_id in topics if topic_id in self.known]
        wanted = [topic_id for topic_id in topics if topic_id not in self.done]
        done = set(self.done)
        snapshot = self
        while wanted:
            still_locked = [
                t
                for t in wanted
                if snapshot.state(self.curriculum.station_of(t).id) is StationState.LOCKED
            ]
            opened = [t for t in wanted if t not in still_locked]
            if not opened:
                station = self.curriculum.station_of(still_locked[0])
                raise LockedError(
                    station,
                    snapshot.unfinished_prerequisites(station.id),
                    snapshot.unmet_needs(station.id),
                )
            planned += opened
            done.update(opened)
            wanted = still_locked
            if wanted:
                snapshot = Tracker(self.curriculum, frozenset(done))
        return planned


def _lookup(topic_ids: Iterable[str]) -> Collection[str]:
    """Ids to look up by: a map or set as it is (a million marks need no copy), else a set.

    The tracker keeps it, to list the orphans if asked; progress never changes
    a map of marks once made, it makes a new one.
    """
    if isinstance(topic_ids, Mapping | AbstractSet):
        return topic_ids
    return set(topic_ids)


def check_path(curriculum: Curriculum, path: str) -> str:
    """``path`` if it names all paths or a line, else UnknownIdError."""
    if path == ALL_PATHS or curriculum.has_line(path):
        return path
    choices = [ALL_PATHS, *(line.id for line in curriculum.lines)]
    raise UnknownIdError(path, closest(path, choices), kind="path")


def path_members(curriculum: Curriculum, path: str) -> frozenset[str] | None:
    """Station ids on a line plus everything they need; None means every station."""
    if path == ALL_PATHS:
        return None
    check_path(curriculum, path)
    # Kept on the curriculum, one per line: every filter change and stats view asks.
    key = (path_members, path)
    members: frozenset[str] | None = curriculum.memo.get(key)
    if members is None:
        members = curriculum.memo[key] = _members(curriculum, path)
    return members


def _members(curriculum: Curriculum, path: str) -> frozenset[str]:
    members: set[str] = set()
    pending = [station.id for station in curriculum.stations_on(path)]
    while pending:
        station_id = pending.pop()
        if station_id not in members:
            members.add(station_id)
            pending.extend(curriculum.station(station_id).prerequisite_ids)
    return frozenset(members)


def path_choices(curriculum: Curriculum) -> list[str]:
    """The filter cycle: all, then each line after the first (the shared trunk)."""
    return [ALL_PATHS, *(line.id for line in curriculum.lines[1:])]
