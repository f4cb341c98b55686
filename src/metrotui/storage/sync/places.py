"""Merging one sync place into local progress, and writing this machine's file there.

The same for a git clone and a plain shared folder: every machine file of a
curriculum (conflict copies too) is merged into the local progress file under
its lock, then this machine's file is written from the result.  Local progress
only ever gains: the merge is a union, and what is on disk is merged at the
moment of writing, so a tick made meanwhile is never lost.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from metrotui.storage.export import merge
from metrotui.storage.progress import Progress, ProgressStore, rekeyed
from metrotui.storage.sync.layout import (
    BadMachineFile,
    MachineFile,
    machine_file_bytes,
    machine_file_path,
    machine_files,
    read_machine_file,
    write_machine_file,
)

if TYPE_CHECKING:
    from metrotui.core.curriculum import Curriculum


@dataclass(frozen=True)
class Target:
    """A curriculum that syncs, and the local progress file it syncs into."""

    curriculum_id: str
    progress_path: Path
    # With it, marks under a former id follow to the id they are now.
    curriculum: Curriculum | None = None


@dataclass
class Outcome:
    """What one pass over a place did."""

    machines: set[str] = field(default_factory=set)
    learners: dict[str, str] = field(default_factory=dict)  # machine -> learner
    received: dict[str, int] = field(default_factory=dict)  # curriculum -> marks and notes gained
    written: list[Path] = field(default_factory=list)  # this machine's files, as paths in the place
    notices: list[str] = field(default_factory=list)


def count(progress: Progress) -> int:
    return len(progress.done) + len(progress.known) + len(progress.notes)


def gained(before: Progress, after: Progress) -> int:
    """Marks and notes ``after`` has that ``before`` did not (a note that grew counts)."""
    marks = sum(1 for key in after.done if key not in before.done)
    marks += sum(1 for key in after.known if key not in before.known and key not in before.done)
    notes = sum(1 for key, note in after.notes.items() if before.notes.get(key) != note)
    return marks + notes


def read_all(
    root: Path, curriculum_id: str, outcome: Outcome
) -> tuple[list[MachineFile], set[Path]]:
    """The machine files that read, and the paths of those that did not."""
    found, bad = [], set()
    for path in machine_files(root, curriculum_id):
        try:
            found.append(read_machine_file(path, curriculum_id))
        except BadMachineFile as error:
            # Never deleted nor rewritten: it is someone's, and may be fixed.
            outcome.notices.append(f"{error}; it was skipped and left as it is")
            bad.add(path)
    return found, bad


def merge_into_local(target: Target, theirs: list[MachineFile]) -> tuple[Progress, int, list[str]]:
    """Local progress with every machine file merged in; how much it gained; store notices."""
    cur = target.curriculum
    incoming = [rekeyed(mf.progress, cur) if cur else mf.progress for mf in theirs]
    store = ProgressStore(target.progress_path, target.curriculum_id, cur)
    seen: list[Progress] = []

    def apply(local: Progress) -> Progress:
        seen.append(local)
        return functools.reduce(merge, incoming, local) if incoming else local

    after = store.update(apply)
    return after, gained(seen[-1], after), store.notices


def _names(learners: list[str], shown: int = 3) -> str:
    named = ", ".join(repr(name) for name in learners[:shown])
    return named + (f" and {len(learners) - shown} more" if len(learners) > shown else "")


def sync_place(
    root: Path, targets: list[Target], machine_id: str, learner: str, outcome: Outcome
) -> None:
    """Merge the place into every target, and write this machine's files into the place."""
    from metrotui.storage.progress import ProgressError

    for target in targets:
        cid = target.curriculum_id
        found, bad = read_all(root, cid, outcome)
        for mf in found:
            outcome.machines.add(mf.machine)
            if mf.learner:
                outcome.learners[mf.machine] = mf.learner
        theirs = [mf for mf in found if not mf.learner or mf.learner == learner]
        others = sorted({mf.learner for mf in found} - {learner, ""})
        if others:
            # A place a study group shares: each learner takes in only their own machines.
            outcome.notices.append(
                f"{cid}: left out the machines of {_names(others)}: a sync takes in only the "
                f'machines of learner {learner!r} (set "learner" in sync.json to one name '
                "on all your machines)"
            )
        try:
            after, new, notices = merge_into_local(target, theirs)
        except ProgressError as error:
            outcome.notices.append(f"{cid} was not synced: {error}")
            continue
        outcome.notices += notices
        if new:
            outcome.received[cid] = new
        own = machine_file_path(root, cid, machine_id)
        if count(after) == 0 and not os.path.lexists(own):
            continue  # a curriculum never used here: no empty file for everyone to read
        if own in bad:
            outcome.notices.append(
                f"this machine's marks for {cid} were not sent: {own} is not a file metrotui "
                "wrote; move it away and sync again"
            )
            continue
        write_machine_file(own, machine_file_bytes(after, machine_id, learner))
        outcome.machines.add(machine_id)
        outcome.learners[machine_id] = learner
        outcome.written.append(own)
