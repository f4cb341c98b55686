"""The sync section: three machines with 1,000 marks each, through a local bare repository.

Each machine is its own set of XDG folders.  Two machines sync first; then
what is timed, whole process, is (a) a third machine's first sync (clone,
2,000 marks in, 1,000 out, commit, push) and (b) a sync in the steady state,
each machine in turn after a new mark of its own elsewhere.  The reference is
a bare ``git status`` in the clone, run in the same rounds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

MARKS_PER_MACHINE = 1000
BUNDLED_ID = "genai-metromap"


def _progress_bytes(machine: int, marks: int) -> bytes:
    from metrotui.storage.progress import Progress, progress_bytes

    done = {f"bench-{machine}-{n:04d}": "2026-11-01T10:00:00.000Z" for n in range(marks)}
    return progress_bytes(Progress(BUNDLED_ID, done=done))


class _Machine:
    def __init__(self, root: Path, index: int, metrotui: list[str]) -> None:
        self.root = root / f"machine-{index}"
        self.index = index
        self.metrotui = metrotui
        self.env = dict(os.environ)
        for name in ("config", "data", "cache"):
            self.env[f"XDG_{name.upper()}_HOME"] = str(self.root / name)
        for name in ("METROTUI_CURRICULUM", "METROTUI_PROGRESS"):
            self.env.pop(name, None)

    def reset(self, marks: int) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        progress = self.root / "config" / "metrotui" / "progress" / f"{BUNDLED_ID}.json"
        progress.parent.mkdir(parents=True)
        progress.write_bytes(_progress_bytes(self.index, marks))

    def sync(self, *args: str) -> float:
        start = time.monotonic()
        subprocess.run(
            [*self.metrotui, "sync", *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            check=True,
        )
        return time.monotonic() - start

    def tick(self, mark: str) -> None:
        subprocess.run(
            [*self.metrotui, "known", mark],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )


def _git_status(clone: Path) -> float:
    start = time.monotonic()
    subprocess.run(["git", "-C", str(clone), "status", "--short"], stdout=subprocess.DEVNULL)
    return time.monotonic() - start


def run_sync(metrotui: list[str], rounds: int, scratch: Path) -> dict[str, Any]:
    """Seconds per sync: a third machine joining, and steady syncs; git status for reference."""
    root = scratch / "sync"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    remote = root / "remote.git"
    machines = [_Machine(root, index, metrotui) for index in range(3)]
    join: list[float] = []
    steady: list[float] = []
    reference: list[float] = []
    for round_ in range(rounds):
        shutil.rmtree(remote, ignore_errors=True)
        subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
        for machine in machines:
            machine.reset(MARKS_PER_MACHINE)
        machines[0].sync("--remote", str(remote))
        machines[1].sync("--remote", str(remote))
        join.append(machines[2].sync("--remote", str(remote)))
        for machine in machines:
            machine.tick("linear-algebra" if round_ % 2 else "calculus")
            steady.append(machine.sync())
            reference.append(_git_status(machine.root / "data" / "metrotui" / "sync" / "clone"))
        print(f"#   sync round {round_ + 1}/{rounds}", file=sys.stderr, flush=True)
    return {"join_s": join, "steady_s": steady, "git_status_s": reference}
