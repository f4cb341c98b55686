"""One sync: with a git remote (through a clone in the data folder) or a shared folder.

With git, this machine's commits only ever touch its own files, so instead of
merging histories each attempt starts from the remote as it is (a hard reset
of the clone), merges every machine file into local progress and writes this
machine's file anew from it.  The clone holds nothing local progress does not,
so throwing it away (a half-made clone, a stale lock, a rebase left by a killed
git) loses nothing; the next sync rebuilds what it needs.  A push that loses a
race is retried from a fresh fetch a bounded number of times.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metrotui.paths import BUNDLED_ID, config_dir, default_progress_file, sync_dir
from metrotui.storage.progress import now_utc
from metrotui.storage.sync.git import NETWORK_TIMEOUT_S, Git, GitError
from metrotui.storage.sync.layout import (
    MARKER_NAME,
    SyncLayoutError,
    is_safe_name,
    place_state,
    write_marker,
)
from metrotui.storage.sync.places import Outcome, Target, sync_place

PUSH_ATTEMPTS = 6
SYNC_LOCK_TIMEOUT_S = 120.0
# Git that a killed sync left running lets go of its lock files within this:
# one older is stale.  (Only syncs, under the sync lock, run git in the clone.)
_STALE_LOCK_WAIT_S = 2.0
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^[^/\\]+@[^/\\:]+:|^[A-Za-z0-9.-]{2,}:(?!\\)")


class SyncFailed(Exception):
    """A sync that could not be done; local progress is as it was, with what was merged."""


@dataclass
class SyncReport:
    remote: str
    kind: str  # "git" or "folder"
    outcome: Outcome
    pushed: bool = False
    attempts: int = 1

    def to_json(self) -> dict[str, Any]:
        return {
            "remote": self.remote,
            "kind": self.kind,
            "machines": sorted(self.outcome.machines),
            "received": dict(sorted(self.outcome.received.items())),
            "pushed": self.pushed,
            "attempts": self.attempts,
            "notices": self.outcome.notices,
        }


def clone_dir() -> Path:
    return sync_dir() / "clone"


def state_file() -> Path:
    return sync_dir() / "state.json"


# Which curricula ----------------------------------------------------------------


def targets_in_use(overrides: dict[str, Path] | None = None) -> list[Target]:
    """Every curriculum the learner uses: bundled, in the library, or with progress here."""
    from metrotui.storage import library

    ids = {BUNDLED_ID, *library.copy_ids()}
    with contextlib.suppress(OSError):
        ids |= {
            path.stem
            for path in (config_dir() / "progress").iterdir()
            if path.suffix == ".json" and path.is_file()
        }
    chosen = overrides or {}
    ids |= set(chosen)  # the one in use, even from a file outside the library
    return [
        Target(cid, chosen.get(cid) or default_progress_file(cid), _curriculum(cid))
        for cid in sorted(ids)
        if is_safe_name(cid)
    ]


def _curriculum(curriculum_id: str) -> Any:
    from metrotui.core.curriculum import CurriculumError
    from metrotui.storage import library
    from metrotui.storage.curriculum_file import load_curriculum

    path = library.find(curriculum_id)
    if path is None:
        return None
    try:
        return load_curriculum(path)
    except (CurriculumError, OSError):
        return None  # marks still sync, only not moved from former ids


# Where the remote is --------------------------------------------------------------


def remote_kind(remote: str) -> tuple[str, str]:
    """("git" or "folder", the remote as kept): a local path is made absolute."""
    if _URL.match(remote):
        return "git", remote
    path = Path(os.path.abspath(Path(remote).expanduser()))
    if not path.exists():
        raise SyncFailed(
            f"the sync remote {path} does not exist (was it removed or unmounted?); "
            "local progress was left as it is. Give an existing one with --remote"
        )
    if not path.is_dir():
        raise SyncFailed(f"the sync remote {path} is a file, not a repository or folder")
    is_bare = (path / "HEAD").is_file() and (path / "objects").is_dir()
    return ("git" if is_bare or (path / ".git").exists() else "folder"), str(path)


@contextlib.contextmanager
def _sync_lock() -> Iterator[None]:
    from filelock import FileLock, Timeout

    sync_dir().mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(sync_dir() / ".sync.lock"), timeout=SYNC_LOCK_TIMEOUT_S)
    try:
        lock.acquire()
    except Timeout:
        raise SyncFailed(
            f"another metrotui sync has been running for over {SYNC_LOCK_TIMEOUT_S:.0f} s; "
            "try again when it is done"
        ) from None
    try:
        yield
    finally:
        lock.release()


# One sync -------------------------------------------------------------------------


def sync(remote: str, targets: list[Target], machine_id: str, learner: str) -> SyncReport:
    """Sync every target with ``remote``; SyncFailed says why it could not."""
    kind, remote = remote_kind(remote)
    with _sync_lock():
        try:
            if kind == "folder":
                report = _sync_folder(Path(remote), targets, machine_id, learner)
            else:
                report = _sync_git(remote, targets, machine_id, learner)
        except SyncLayoutError as error:
            raise SyncFailed(str(error)) from None
        except GitError as error:
            raise SyncFailed(
                f"sync stopped: {error}; local progress keeps everything merged so far"
            ) from None
        except OSError as error:
            raise SyncFailed(f"sync stopped: {error.strerror or error}") from None
        _save_state(report)
    return report


def _sync_folder(root: Path, targets: list[Target], machine_id: str, learner: str) -> SyncReport:
    if place_state(root) == "empty":
        write_marker(root)
    outcome = Outcome()
    sync_place(root, targets, machine_id, learner, outcome)
    return SyncReport(str(root), "folder", outcome, pushed=bool(outcome.written))


def _sync_git(remote: str, targets: list[Target], machine_id: str, learner: str) -> SyncReport:
    git = _prepared_clone(remote)
    refused: tuple[str, str] | None = None  # the remote's tip when a push failed, and why
    for attempt in range(1, PUSH_ATTEMPTS + 1):
        branch = _start_from_remote(git, remote)
        tip = _tip(git, branch)
        if refused is not None and refused[0] == tip:
            # Nobody pushed in between: not a race lost but a push refused.
            raise SyncFailed(_not_pushed(remote, refused[1]))
        _check_place(git, remote)
        outcome = Outcome()
        sync_place(git.cwd, targets, machine_id, learner, outcome)
        _commit(git, outcome, machine_id, learner)
        if not _ahead(git, branch):
            return SyncReport(remote, "git", outcome, pushed=False, attempts=attempt)
        pushed = git.run(
            ["push", "-q", "--no-verify", "origin", f"HEAD:refs/heads/{branch}"],
            timeout=NETWORK_TIMEOUT_S,
            check=False,
        )
        if pushed.returncode == 0:
            git.run(["update-ref", f"refs/remotes/origin/{branch}", "HEAD"], check=False)
            return SyncReport(remote, "git", outcome, pushed=True, attempts=attempt)
        if _cleared_remote_locks(remote, pushed.stderr):
            refused = None  # a lock a killed push left, not a refusal: push again
            continue
        # Another machine pushed first, most likely: start again from what it pushed.
        refused = (tip, pushed.stderr)
        time.sleep(random.uniform(0, 0.05 * attempt))
    raise SyncFailed(_not_pushed(remote, pushed.stderr, f" after {PUSH_ATTEMPTS} attempts"))


def _not_pushed(remote: str, stderr: str, attempts: str = "") -> str:
    from metrotui.storage.sync.git import last_words

    return (
        f"could not push to {remote}{attempts} ({last_words(stderr)}); local progress has "
        "everything merged so far. Sync again"
    )


def _tip(git: Git, branch: str) -> str:
    found = git.run(["rev-parse", "-q", "--verify", f"refs/remotes/origin/{branch}"], check=False)
    return found.stdout.strip()


def _check_place(git: Git, remote: str) -> None:
    """Adopt an empty remote; refuse a foreign one, and let its clone go."""
    from metrotui.storage.sync.layout import ForeignPlace

    try:
        state = place_state(git.cwd)
    except ForeignPlace as error:
        _let_go(git.cwd)
        raise SyncFailed(str(error).replace(str(git.cwd), remote, 1)) from None
    if state == "empty":
        write_marker(git.cwd)


def _prepared_clone(remote: str) -> Git:
    """The clone of ``remote``, made or mended: whatever a killed sync left is cleared."""
    clone = clone_dir()
    for partial in sync_dir().glob("clone.partial-*"):
        shutil.rmtree(partial, ignore_errors=True)
    try:
        git = Git(clone)
    except GitError as error:
        raise SyncFailed(str(error)) from None
    if clone.exists() and not _usable_clone(git, remote):
        _let_go(clone)
    if not clone.exists():
        _clone(git, remote)
    _clear_leftovers(git)
    return git


def _let_go(clone: Path) -> None:
    """Remove the clone: renamed first, so a removal cut short never looks like a clone."""
    doomed = clone.with_name(f"clone.partial-{random.getrandbits(32):08x}")
    try:
        clone.rename(doomed)
    except OSError:
        doomed = clone
    shutil.rmtree(doomed, ignore_errors=True)


def _usable_clone(git: Git, remote: str) -> bool:
    try:
        if not (git.cwd / ".git").is_dir():
            return False
        found = git.run(["remote", "get-url", "origin"], check=False)
        return found.returncode == 0 and found.stdout.strip() == remote
    except GitError:
        return False


def _clone(git: Git, remote: str) -> None:
    partial = sync_dir() / f"clone.partial-{random.getrandbits(32):08x}"
    # Made beside the clone and renamed into place, so a killed clone is never
    # taken for a whole one.
    done = git.run(
        ["clone", "-q", "--", remote, str(partial)],
        timeout=NETWORK_TIMEOUT_S,
        check=False,
        cwd=sync_dir(),
    )
    if done.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        raise SyncFailed(_unreachable(remote, done.stderr))
    partial.rename(git.cwd)


def _unreachable(remote: str, stderr: str) -> str:
    from metrotui.storage.sync.git import last_words

    return (
        f"cannot reach the sync remote {remote} ({last_words(stderr)}); "
        "local progress was left as it is"
    )


def _clear_leftovers(git: Git) -> None:
    """Lock files, a rebase or a merge that a killed git left in the clone."""
    dot_git = git.cwd / ".git"
    locks = [*dot_git.glob("*.lock"), *(dot_git / "refs").rglob("*.lock")]
    if locks:
        _wait_for(lambda: all(_stale(lock) for lock in locks), _STALE_LOCK_WAIT_S)
        for lock in locks:
            with contextlib.suppress(OSError):
                lock.unlink()
    for name, args in (
        ("rebase-merge", ["rebase", "--abort"]),
        ("rebase-apply", ["rebase", "--abort"]),
        ("MERGE_HEAD", ["merge", "--abort"]),
    ):
        if (dot_git / name).exists():
            git.run(args, check=False)
            if name.startswith("rebase"):
                shutil.rmtree(dot_git / name, ignore_errors=True)


def _cleared_remote_locks(remote: str, stderr: str) -> bool:
    """Clear the lock files a push killed with its git left in a repository on this disk.

    A push to a path runs the receiving git here too, so a sync killed with
    its git (a closed terminal, a lost power supply) can leave the remote's
    ref locked, and every later push would fail until someone deleted the
    lock by hand.  Only locks that outlive any live push are taken away; a
    remote on a server cleans up after itself.  Whether any was cleared.
    """
    if "lock" not in stderr or _URL.match(remote):
        return False
    root = Path(remote)
    git_dir = root if (root / "HEAD").is_file() else root / ".git"
    locks = [*git_dir.glob("*.lock"), *(git_dir / "refs").rglob("*.lock")]
    if not locks:
        return False
    _wait_for(lambda: all(_stale(lock) for lock in locks), 2 * _STALE_LOCK_WAIT_S)
    cleared = False
    for lock in locks:
        if lock.exists() and _stale(lock):
            with contextlib.suppress(OSError):
                lock.unlink()
                cleared = True
    return cleared


def _stale(lock: Path) -> bool:
    """Gone, or older than any git command of a sync takes to let go of it."""
    try:
        return time.time() - lock.stat().st_mtime > _STALE_LOCK_WAIT_S
    except OSError:
        return True


def _wait_for(done: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        time.sleep(0.05)


def _start_from_remote(git: Git, remote: str) -> str:
    """Fetch, and make the clone the remote's branch exactly; the branch's name."""
    fetched = git.run(["fetch", "-q", "--prune", "origin"], timeout=NETWORK_TIMEOUT_S, check=False)
    if fetched.returncode != 0:
        raise SyncFailed(_unreachable(remote, fetched.stderr))
    branch = _branch(git, remote)
    git.run(["symbolic-ref", "HEAD", f"refs/heads/{branch}"])
    if git.ok(["rev-parse", "-q", "--verify", f"refs/remotes/origin/{branch}"]):
        git.run(["reset", "-q", "--hard", f"refs/remotes/origin/{branch}"])
    elif git.ok(["rev-parse", "-q", "--verify", "HEAD"]):
        git.run(["reset", "-q", "--hard", "HEAD"])
    # Anything untracked is ours (a temporary file of a killed write, say).
    git.run(["clean", "-q", "-f", "-d", "-x"])
    return branch


def _branch(git: Git, remote: str) -> str:
    """The remote's default branch; for an empty remote, the clone's own."""
    names = git.out(["for-each-ref", "--format=%(refname:strip=3)", "refs/remotes/origin/"])
    branches = sorted(name for name in names.splitlines() if name and name != "HEAD")
    if len(branches) > 1:
        said = git.run(
            ["ls-remote", "--symref", "origin", "HEAD"], timeout=NETWORK_TIMEOUT_S, check=False
        )
        match = re.search(r"^ref: refs/heads/(\S+)\tHEAD", said.stdout, re.MULTILINE)
        if match and match.group(1) in branches:
            return match.group(1)
        for usual in ("main", "master"):
            if usual in branches:
                return usual
    if branches:
        return branches[0]
    return git.out(["symbolic-ref", "--short", "HEAD"]) or "main"


def _commit(git: Git, outcome: Outcome, machine_id: str, learner: str) -> None:
    paths = [MARKER_NAME, *(str(path.relative_to(git.cwd)) for path in outcome.written)]
    git.run(["add", "--", *paths])
    if git.ok(["diff", "--cached", "--quiet"]):
        return
    identity = ["-c", f"user.name={learner}", "-c", f"user.email={machine_id}@metrotui.invalid"]
    git.run([*identity, "commit", "-q", "--no-verify", "-m", f"metrotui sync from {machine_id}"])


def _ahead(git: Git, branch: str) -> bool:
    if not git.ok(["rev-parse", "-q", "--verify", "HEAD"]):
        return False
    upstream = f"refs/remotes/origin/{branch}"
    if not git.ok(["rev-parse", "-q", "--verify", upstream]):
        return True
    return git.out(["rev-list", "--count", f"{upstream}..HEAD"]) != "0"


def _save_state(report: SyncReport) -> None:
    from metrotui.storage.atomic import write_atomic

    state = {"remote": report.remote, "kind": report.kind, "last_sync": now_utc()}
    write_atomic(state_file(), (json.dumps(state, indent=2) + "\n").encode())
