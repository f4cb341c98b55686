"""metrotui sync: machines that each write their own file in a git remote or a shared folder.

Every remote is a bare repository or a folder in tmp; each machine has its own
config and data folders and runs the console script, as a learner would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.sync_machines import Machine, bare_repo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    return bare_repo(tmp_path / "remote.git")


def machines(tmp_path: Path, count: int) -> list[Machine]:
    return [Machine(tmp_path, f"m{i}") for i in range(count)]


def files_in_remote(remote: Path, where: Path) -> list[str]:
    look = where / "look"
    shutil.rmtree(look, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", str(remote), str(look)], check=True, timeout=30)
    return sorted(
        str(path.relative_to(look))
        for path in look.rglob("*")
        if ".git" not in path.parts and path.is_file()
    )


def test_three_machines_syncing_in_turns_all_end_with_the_union_notes_too(
    tmp_path: Path, remote: Path
) -> None:
    laptop, desktop, work = machines(tmp_path, 3)
    laptop.run("done", "linear-algebra")
    laptop.run("notes", "math-basics", "--set", "from the laptop")
    desktop.run("known", "calculus")
    desktop.run("notes", "rag", "--set", "from the desktop")
    work.run("known", "python-basics")
    for machine in (laptop, desktop, work):
        machine.run("sync", "--remote", str(remote))
    for machine in (laptop, desktop):  # a second round brings in what came later
        machine.run("sync")
    for machine in (laptop, desktop, work):
        done, known = machine.marks()
        assert done == {"linear-algebra"}
        assert known == {"calculus", "python-basics"}
        notes = machine.progress()["notes"]
        assert notes["math-basics"]["text"] == "from the laptop"
        assert notes["rag"]["text"] == "from the desktop"
        # Nothing about machines or learners in the local file.
        assert not {"machine", "learner", "exported"} & set(machine.progress())
    listed = files_in_remote(remote, tmp_path)
    assert listed[0] == "metrotui-sync.json"
    assert len([name for name in listed if name.startswith("progress/genai-metromap/")]) == 3


def test_the_second_sync_needs_no_remote_and_where_names_the_machine(
    tmp_path: Path, remote: Path
) -> None:
    (machine,) = machines(tmp_path, 1)
    machine.run("done", "calculus")
    said = machine.run("sync", "--remote", str(remote)).stdout
    assert said.startswith(f"synced with {remote}: 1 machine;")
    ident = (machine.root / "config" / "metrotui" / "machine-id").read_text().strip()
    where = machine.run("where").stdout
    assert f"machine:    {ident}" in where
    assert f"sync:       {remote} (clone: " in where
    assert "nothing new came in; nothing to send" in machine.run("sync").stdout
    status = json.loads(machine.run("sync", "--status", "--json").stdout)
    assert status["remote"] == str(remote)
    assert status["machine"] == ident
    assert status["machines"][ident]["curricula"] == {"genai-metromap": 1}
    assert (status["unpushed_commits"], status["waiting"]) == (0, {})
    machine.run("done", "linear-algebra")
    status = json.loads(machine.run("sync", "--status", "--json").stdout)
    assert status["waiting"] == {"genai-metromap": 1}


def test_four_machines_syncing_at_once_converge_after_a_final_round(
    tmp_path: Path, remote: Path
) -> None:
    group = machines(tmp_path, 4)
    topics = ["linear-algebra", "calculus", "probability-and-statistics", "python-basics"]
    for machine, topic in zip(group, topics, strict=True):
        machine.run("known", topic)
    running = [
        subprocess.Popen(
            machine.command("sync", "--remote", str(remote)),
            env=machine.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for machine in group
    ]
    for process in running:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    for machine in group:
        machine.run("sync")
    for machine in group:
        assert machine.marks()[1] == set(topics)


def test_a_removed_remote_exits_2_with_a_message_and_local_progress_intact(
    tmp_path: Path, remote: Path
) -> None:
    (machine,) = machines(tmp_path, 1)
    machine.run("done", "calculus")
    machine.run("sync", "--remote", str(remote))
    before = machine.progress_file.read_bytes()
    shutil.rmtree(remote)
    result = machine.run("sync", code=2)
    assert f"metrotui: the sync remote {remote} does not exist" in result.stderr
    assert "local progress was left as it is" in result.stderr
    assert machine.progress_file.read_bytes() == before


def test_a_remote_url_that_cannot_be_reached_exits_2_with_gits_words(tmp_path: Path) -> None:
    (machine,) = machines(tmp_path, 1)
    result = machine.run("sync", "--remote", f"file://{tmp_path}/nothing-here.git", code=2)
    assert "cannot reach the sync remote" in result.stderr
    assert "Traceback" not in result.stderr


def test_git_missing_from_path_is_one_clear_message(tmp_path: Path, remote: Path) -> None:
    (machine,) = machines(tmp_path, 1)
    machine.env["PATH"] = str(tmp_path / "no-programs-here")
    result = machine.run("sync", "--remote", str(remote), code=2)
    assert result.stderr.splitlines() == [
        "metrotui: git is not installed or not on PATH; metrotui sync needs it for a git "
        "remote (a plain shared folder works without it)"
    ]


def push_someone_elses_file(remote: Path, tmp_path: Path, name: str, text: str) -> None:
    """Make ``remote`` a repository of something else: one file of someone's, pushed."""
    work = tmp_path / "someone"
    subprocess.run(["git", "clone", "-q", str(remote), str(work)], check=True, timeout=30)
    (work / name).write_text(text)
    git = ["git", "-C", str(work), "-c", "user.name=x", "-c", "user.email=x@example.invalid"]
    subprocess.run([*git, "add", name], check=True, timeout=30)
    subprocess.run([*git, "commit", "-q", "-m", "mine"], check=True, timeout=30)
    subprocess.run([*git, "push", "-q", "origin", "HEAD"], check=True, timeout=30)


def test_a_foreign_repository_is_refused_and_left_unchanged(tmp_path: Path, remote: Path) -> None:
    push_someone_elses_file(remote, tmp_path, "README.md", "my project\n")
    head = subprocess.run(
        ["git", "-C", str(remote), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout
    (machine,) = machines(tmp_path, 1)
    machine.run("done", "calculus")
    result = machine.run("sync", "--remote", str(remote), code=2)
    assert "is not a metrotui sync place: it holds README.md" in result.stderr
    after = subprocess.run(
        ["git", "-C", str(remote), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout
    assert after == head
    assert "no remote" in machine.run("where").stdout  # not kept for next time


def test_a_shared_folder_with_a_conflict_copy_is_merged_and_the_copy_kept(
    tmp_path: Path,
) -> None:
    shared = tmp_path / "Sync"
    shared.mkdir()
    laptop, desktop = machines(tmp_path, 2)
    laptop.run("done", "calculus")
    laptop.run("sync", "--remote", str(shared))
    assert (shared / "metrotui-sync.json").is_file()
    folder = shared / "progress" / "genai-metromap"
    (own,) = folder.iterdir()
    # What Syncthing leaves when two versions of one file meet: a copy beside it.
    copy = folder / f"{own.stem}.sync-conflict-20261201-101010-ABCDEFG.json"
    data = json.loads(own.read_text())
    data["done"] = {"linear-algebra": "2026-11-30T10:00:00.000Z"}
    copy.write_text(json.dumps(data, indent=2))
    desktop.run("known", "probability-and-statistics")
    desktop.run("sync", "--remote", str(shared))
    laptop.run("sync")
    for machine in (laptop, desktop):
        done, known = machine.marks()
        assert {"calculus", "linear-algebra"} <= done
        assert known == {"probability-and-statistics"}
    assert copy.is_file()  # merged, never deleted


def test_a_folder_with_other_content_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "Documents"
    shared.mkdir()
    (shared / "taxes.pdf").write_bytes(b"%PDF")
    (machine,) = machines(tmp_path, 1)
    result = machine.run("sync", "--remote", str(shared), code=2)
    assert "is not a metrotui sync place: it holds taxes.pdf" in result.stderr
    assert sorted(path.name for path in shared.iterdir()) == ["taxes.pdf"]


def test_what_a_killed_sync_leaves_in_the_clone_is_cleared(tmp_path: Path, remote: Path) -> None:
    (machine,) = machines(tmp_path, 1)
    machine.run("done", "calculus")
    machine.run("sync", "--remote", str(remote))
    sync_dir = machine.root / "data" / "metrotui" / "sync"
    clone = sync_dir / "clone"
    (clone / ".git" / "index.lock").write_text("")
    (clone / ".git" / "rebase-merge").mkdir()
    (sync_dir / "clone.partial-0000abcd" / ".git").mkdir(parents=True)
    machine.run("done", "linear-algebra")
    machine.run("sync")
    assert not (clone / ".git" / "index.lock").exists()
    assert not (sync_dir / "clone.partial-0000abcd").exists()
    other = Machine(tmp_path, "other")
    other.run("sync", "--remote", str(remote))
    assert other.marks()[0] == {"calculus", "linear-algebra"}


def test_a_ref_lock_a_killed_push_left_in_a_remote_on_disk_is_cleared(
    tmp_path: Path, remote: Path
) -> None:
    first, second = machines(tmp_path, 2)
    first.run("done", "calculus")
    first.run("sync", "--remote", str(remote))
    # What a push killed together with the git receiving it leaves in a bare
    # repository on this disk; every push after it would fail, for good.
    branch = next((remote / "refs" / "heads").iterdir())
    lock = branch.with_name(branch.name + ".lock")
    lock.write_text("")
    os.utime(lock, (time.time() - 60, time.time() - 60))
    second.run("done", "linear-algebra")
    second.run("sync", "--remote", str(remote))
    assert not lock.exists()
    first.run("sync")
    assert first.marks()[0] == {"calculus", "linear-algebra"}


def test_a_fresh_lock_in_the_remote_is_waited_for_not_taken(tmp_path: Path, remote: Path) -> None:
    first, second = machines(tmp_path, 2)
    first.run("sync", "--remote", str(remote))
    branch = next((remote / "refs" / "heads").iterdir())
    lock = branch.with_name(branch.name + ".lock")
    lock.write_text("")
    # Kept fresh, as a push that is still running keeps it: never taken away.
    keeper = subprocess.Popen(
        [sys.executable, "-c", KEEP_FRESH, str(lock)], stdout=subprocess.DEVNULL
    )
    try:
        second.run("done", "calculus")
        result = second.run("sync", "--remote", str(remote), code=2)
        assert "could not push" in result.stderr
        assert lock.exists()
    finally:
        keeper.kill()
        keeper.wait()


KEEP_FRESH = """
import os, sys, time
while True:
    os.utime(sys.argv[1])
    time.sleep(0.2)
"""


def test_a_half_made_clone_is_made_again(tmp_path: Path, remote: Path) -> None:
    (machine,) = machines(tmp_path, 1)
    machine.run("done", "calculus")
    clone = machine.root / "data" / "metrotui" / "sync" / "clone"
    (clone / ".git").mkdir(parents=True)  # as a clone killed early leaves it
    machine.run("sync", "--remote", str(remote))
    assert Machine(tmp_path, "other").run("sync", "--remote", str(remote)).returncode == 0
    assert Machine(tmp_path, "other").marks()[0] == {"calculus"}


def test_sync_never_prompts_for_credentials(tmp_path: Path) -> None:
    (machine,) = machines(tmp_path, 1)
    # No terminal to ask on, and none is wanted: the sync must end on its own.
    machine.env.pop("GIT_ASKPASS", None)
    result = subprocess.run(
        machine.command("sync", "--remote", "https://127.0.0.1:9/none.git"),
        env=machine.env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert "cannot reach the sync remote https://127.0.0.1:9/none.git" in result.stderr


def test_the_environment_git_runs_in_never_asks() -> None:
    from metrotui.storage.sync.git import quiet_env

    env = quiet_env({"PATH": os.environ["PATH"]})
    assert env["GIT_TERMINAL_PROMPT"] == "0"
    assert env["GIT_ASKPASS"] == ""
    assert env["GIT_SSH_COMMAND"] == "ssh -o BatchMode=yes"
    mine = quiet_env({"PATH": os.environ["PATH"], "GIT_SSH_COMMAND": "my-ssh"})
    assert mine["GIT_SSH_COMMAND"] == "my-ssh"


def test_a_push_the_remote_refuses_fails_at_once_with_gits_words(tmp_path: Path) -> None:
    # A repository with its branch checked out refuses pushes to it: no race to
    # retry, so the sync stops with what git said rather than trying again.
    checked_out = tmp_path / "work"
    subprocess.run(["git", "init", "-q", str(checked_out)], check=True, timeout=30)
    (machine,) = machines(tmp_path, 1)
    machine.run("done", "calculus")
    result = machine.run("sync", "--remote", str(checked_out), code=2)
    assert f"could not push to {checked_out} (" in result.stderr
    assert "attempts" not in result.stderr
    assert "calculus" in machine.marks()[0]


def test_a_foreign_repository_is_named_as_the_remote_not_the_clone(
    tmp_path: Path, remote: Path
) -> None:
    push_someone_elses_file(remote, tmp_path, "notes.txt", "mine\n")
    (machine,) = machines(tmp_path, 1)
    result = machine.run("sync", "--remote", str(remote), code=2)
    assert f"metrotui: {remote} is not a metrotui sync place: it holds notes.txt" in result.stderr
    assert not (machine.root / "data" / "metrotui" / "sync" / "clone").exists()


def test_a_git_command_that_fails_midway_is_one_message_not_a_traceback(
    tmp_path: Path, remote: Path
) -> None:
    (machine,) = machines(tmp_path, 1)
    machine.run("done", "calculus")
    machine.run("sync", "--remote", str(remote))
    clone = machine.root / "data" / "metrotui" / "sync" / "clone"
    (clone / ".git" / "index.lock").mkdir()  # a lock nobody can clear: git cannot go on
    machine.run("done", "linear-algebra")
    result = machine.run("sync", code=2)
    (line,) = result.stderr.splitlines()
    assert line.startswith("metrotui: sync stopped: git reset failed: fatal: Unable to create")
    assert line.endswith("local progress keeps everything merged so far")
    assert machine.marks()[0] == {"calculus", "linear-algebra"}


def set_learner(machine: Machine, name: str) -> None:
    config = machine.root / "config" / "metrotui" / "sync.json"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(json.dumps({"learner": name}))


def machine_id(machine: Machine) -> str:
    machine.run("where")  # makes the id if need be
    return (machine.root / "config" / "metrotui" / "machine-id").read_text().strip()


def test_a_link_in_this_machines_place_is_never_written_through(tmp_path: Path) -> None:
    shared = tmp_path / "Sync"
    shared.mkdir()
    (machine,) = machines(tmp_path, 1)
    machine.run("done", "calculus")
    machine.run("sync", "--remote", str(shared))
    own = shared / "progress" / "genai-metromap" / f"{machine_id(machine)}.json"
    outside = tmp_path / "outside.json"
    own.unlink()
    own.symlink_to(outside)  # what anyone who can write to the place could commit
    machine.run("done", "linear-algebra")
    result = machine.run("sync")
    assert not outside.exists()
    assert own.is_symlink()
    assert "not a file metrotui wrote" in result.stderr + result.stdout


def test_a_pipe_in_this_machines_place_does_not_hang_the_sync(tmp_path: Path) -> None:
    shared = tmp_path / "Sync"
    shared.mkdir()
    (machine,) = machines(tmp_path, 1)
    machine.run("done", "calculus")
    machine.run("sync", "--remote", str(shared))
    own = shared / "progress" / "genai-metromap" / f"{machine_id(machine)}.json"
    own.unlink()
    os.mkfifo(own)
    result = machine.run("sync")  # Machine.run gives up after 120 s: a hang fails
    assert "not a file metrotui wrote" in result.stderr + result.stdout
    assert machine.marks()[0] == {"calculus"}


def test_learners_sharing_one_place_take_in_only_their_own_machines(tmp_path: Path) -> None:
    shared = tmp_path / "Sync"
    shared.mkdir()
    alice, bob = machines(tmp_path, 2)
    set_learner(alice, "alice")
    set_learner(bob, "bob")
    alice.run("done", "calculus")
    alice.run("sync", "--remote", str(shared))
    bob.run("known", "linear-algebra")
    result = bob.run("sync", "--remote", str(shared))
    assert bob.marks() == (set(), {"linear-algebra"})
    assert "left out the machines of 'alice'" in result.stderr + result.stdout
    alice.run("sync")
    assert alice.marks() == ({"calculus"}, set())
    # The group's view still sees both.
    group = json.loads(alice.run("cohort", str(shared), "--json").stdout)
    assert sorted(learner["name"] for learner in group["learners"]) == ["alice", "bob"]


def test_the_curriculum_in_use_syncs_even_from_a_file_outside_the_library(
    tmp_path: Path, remote: Path
) -> None:
    (machine,) = machines(tmp_path, 1)
    own = tmp_path / "own.json"
    raw = json.loads(Path(__file__).resolve().parents[2].joinpath("data/stations.json").read_text())
    raw["id"] = "my-own-map"
    own.write_text(json.dumps(raw))
    progress = tmp_path / "elsewhere.json"
    options = ("--curriculum", str(own), "--progress", str(progress))
    machine.run(*options, "done", "calculus")
    machine.run(*options, "sync", "--remote", str(remote))
    assert any("progress/my-own-map/" in name for name in files_in_remote(remote, tmp_path))
