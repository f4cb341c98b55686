"""A sync killed at any point: no local mark is lost, and the next sync completes.

The sync runs as its own process and is sent SIGKILL after a random delay
(every other time with the git commands it runs), landing in the clone, the
fetch, the merge into local progress, the commit or the push, again and again
while marks keep being added on both machines.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from metrotui.core.curriculum import Curriculum
from metrotui.storage.progress import ProgressStore
from tests.sync_machines import Machine, bare_repo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

KILLS = 50


def test_a_sync_killed_at_random_points_loses_no_mark_and_the_next_converges(
    tmp_path: Path, genai: Curriculum
) -> None:
    remote = bare_repo(tmp_path / "remote.git")
    laptop, desktop = Machine(tmp_path, "laptop"), Machine(tmp_path, "desktop")
    keys = [key for station in genai.stations for key in genai.keys_of(station.id)]
    chance = random.Random(15)
    desktop.run("known", keys[-1])
    desktop.run("sync", "--remote", str(remote))
    laptop.run("known", keys[0])
    laptop.run("sync", "--remote", str(remote))
    # Kills land anywhere in a sync as long as on this machine, now: draw the
    # delays from how long a whole one takes here.
    ProgressStore(laptop.progress_file, genai.id).mark_known([keys[-2]])
    started = time.monotonic()
    laptop.run("sync")  # one that has something to push, as every round below has
    whole = time.monotonic() - started
    kills = rounds = 0
    while kills < KILLS:
        round_, rounds = rounds, rounds + 1
        assert rounds < 3 * KILLS, f"only {kills} of {rounds} syncs were killed"
        # A new mark each round on the laptop, and now and then one pushed by the desktop.
        ProgressStore(laptop.progress_file, genai.id).mark_known([keys[1 + round_ % 40]])
        if round_ % 10 == 5:
            ProgressStore(desktop.progress_file, genai.id).mark_known([keys[45 + round_ // 10]])
            desktop.run("sync")
        before = laptop.marks()
        process = subprocess.Popen(
            laptop.command("sync"),
            env=laptop.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            process.wait(timeout=chance.uniform(0.01, whole))
        except subprocess.TimeoutExpired:
            # metrotui alone (its git runs on and finishes), or with the git it
            # runs (as a closing terminal ends them all), which leaves git's
            # lock files and half-done work behind.
            if round_ % 2:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.send_signal(signal.SIGKILL)
            kills += 1
            process.wait(timeout=30)
        after = laptop.marks()
        assert before[0] <= after[0] and before[1] <= after[1], f"marks lost in round {round_}"
    laptop.run("sync")
    desktop.run("sync")
    laptop.run("sync")
    assert laptop.marks() == desktop.marks()
    known = laptop.marks()[1]
    assert {keys[0], keys[-2], keys[-1]} <= known
    assert {keys[1 + r % 40] for r in range(rounds)} <= known
    assert {keys[45 + r // 10] for r in range(rounds) if r % 10 == 5} <= known
