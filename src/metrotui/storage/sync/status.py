"""What the last sync left: the machines in the place and what waits to be sent.

Read from the clone or the shared folder alone, never the network, so that
``metrotui sync --status`` answers at once and offline.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from metrotui.storage.progress import Progress, ProgressError, ProgressStore
from metrotui.storage.sync.engine import SyncFailed, clone_dir, remote_kind, state_file
from metrotui.storage.sync.git import Git, GitError
from metrotui.storage.sync.layout import (
    BadMachineFile,
    curricula_in,
    machine_file_path,
    machine_files,
    read_machine_file,
)
from metrotui.storage.sync.places import Target, gained


@dataclass
class StatusReport:
    remote: str | None
    kind: str | None
    machine: str
    last_sync: str | None
    machines: dict[str, dict[str, Any]] = field(default_factory=dict)
    unpushed_commits: int = 0
    waiting: dict[str, int] = field(default_factory=dict)  # curriculum -> local changes unsent

    def to_json(self) -> dict[str, Any]:
        return {
            "remote": self.remote,
            "kind": self.kind,
            "machine": self.machine,
            "last_sync": self.last_sync,
            "machines": self.machines,
            "unpushed_commits": self.unpushed_commits,
            "waiting": self.waiting,
        }


def last_state() -> dict[str, Any]:
    """What the last sync wrote of itself (remote, kind, when); empty if nothing readable."""
    try:
        raw = json.loads(state_file().read_bytes()[:65536])
    except (OSError, ValueError):
        return {}
    return raw if isinstance(raw, dict) else {}


def status(remote: str | None, targets: list[Target], machine_id: str) -> StatusReport:
    """What the last sync left, read from the clone or folder alone: no network."""
    state = last_state()
    kind = None
    root: Path | None = None
    if remote is not None:
        with contextlib.suppress(SyncFailed):
            kind, remote = remote_kind(remote)
        root = clone_dir() if kind == "git" else Path(remote) if kind == "folder" else None
    report = StatusReport(remote, kind, machine_id, state.get("last_sync"))
    if root is None or not root.is_dir():
        return report
    for cid in curricula_in(root):
        for path in machine_files(root, cid):
            with contextlib.suppress(BadMachineFile):
                mf = read_machine_file(path, cid)
                seen = report.machines.setdefault(mf.machine, {"learner": mf.learner})
                seen.setdefault("curricula", {})[cid] = _marks(mf.progress)
    report.waiting = _waiting(root, targets, machine_id)
    if kind == "git":
        report.unpushed_commits = _unpushed(root)
    return report


def _marks(progress: Any) -> int:
    return len(progress.done) + len(progress.known)


def _waiting(root: Path, targets: list[Target], machine_id: str) -> dict[str, int]:
    """Per curriculum, the local marks and notes this machine's file does not have yet."""
    waiting = {}
    for target in targets:
        try:
            local = ProgressStore(target.progress_path, target.curriculum_id).peek()
        except ProgressError:
            continue
        own = machine_file_path(root, target.curriculum_id, machine_id)
        sent = Progress(target.curriculum_id)
        with contextlib.suppress(BadMachineFile):
            if own.exists():
                sent = read_machine_file(own, target.curriculum_id).progress
        new = gained(sent, local)
        if new:
            waiting[target.curriculum_id] = new
    return waiting


def _unpushed(root: Path) -> int:
    try:
        git = Git(root)
        if not git.ok(["rev-parse", "-q", "--verify", "HEAD"]):
            return 0
        branch = git.out(["symbolic-ref", "--short", "HEAD"])
        upstream = f"refs/remotes/origin/{branch}"
        if not git.ok(["rev-parse", "-q", "--verify", upstream]):
            return int(git.out(["rev-list", "--count", "HEAD"]) or 0)
        return int(git.out(["rev-list", "--count", f"{upstream}..HEAD"]) or 0)
    except (GitError, ValueError):
        return 0
