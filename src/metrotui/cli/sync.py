"""``metrotui sync``: progress kept in step across machines through git or a shared folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from metrotui.cli.session import EXIT_BAD_INPUT, MetroCommand, Session, fail, note, say
from metrotui.core.text import safe_json
from metrotui.core.words import counted
from metrotui.paths import PROGRESS_ENV

if TYPE_CHECKING:
    from metrotui.storage.sync.engine import SyncReport
    from metrotui.storage.sync.places import Target
    from metrotui.storage.sync.status import StatusReport


@click.command(cls=MetroCommand)
@click.option(
    "--remote",
    metavar="URL_OR_PATH",
    help="A git remote, or a shared folder that is not a git repository; kept for next time.",
)
@click.option(
    "--status",
    "show_status",
    is_flag=True,
    help="Show the remote, the last sync, the machines seen and what waits; sync nothing.",
)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def sync(session: Session, remote: str | None, show_status: bool, as_json: bool) -> None:
    """Merge progress with your other machines through a git remote or a shared folder.

    Each machine writes only its own file in the remote; every curriculum you
    use syncs. Marks and notes are only ever added to local progress.
    """
    from metrotui.storage.sync.config import SyncConfigError, load_config

    try:
        config = load_config()
    except SyncConfigError as error:
        fail(str(error))
    chosen = remote or config.remote
    if show_status:
        _show_status(session, chosen, as_json)
        return
    if chosen is None:
        fail("no sync remote yet; give one: metrotui sync --remote URL_OR_PATH")
    report = _run(session, chosen)
    if remote is not None and report.remote != config.remote:
        _keep_remote(report.remote)
    _show(report, as_json)


def _targets(session: Session) -> list[Target]:
    from metrotui.storage.sync.engine import targets_in_use

    # A progress file named for this run stands in for the current curriculum's.
    if session.progress_option or os.environ.get(PROGRESS_ENV):
        return targets_in_use({session.curriculum().id: session.progress_path()})
    return targets_in_use()


def _run(session: Session, remote: str) -> SyncReport:
    from metrotui.storage.sync.config import (
        SyncConfigError,
        learner_name,
        load_config,
        machine_id,
    )
    from metrotui.storage.sync.engine import SyncFailed, sync

    try:
        identity = machine_id(), learner_name(load_config())
        return sync(remote, _targets(session), *identity)
    except (SyncFailed, SyncConfigError) as error:
        fail(str(error), EXIT_BAD_INPUT)


def _keep_remote(remote: str) -> None:
    from dataclasses import replace

    from metrotui.storage.sync.config import SyncConfigError, load_config, save_config

    try:
        save_config(replace(load_config(), remote=remote))
    except SyncConfigError as error:
        note(f"synced, but the remote was not kept for next time: {error}")


def _show(report: SyncReport, as_json: bool) -> None:
    for notice in report.outcome.notices:
        note(notice)
    if as_json:
        click.echo(safe_json(report.to_json(), indent=2))
        return
    received = sum(report.outcome.received.values())
    came = (
        f"{counted(received, 'mark or note', 'marks and notes')} came in"
        if received
        else "nothing new came in"
    )
    sent = "sent" if report.pushed else "nothing to send"
    machines = counted(len(report.outcome.machines), "machine")
    say(f"synced with {report.remote}: {machines}; {came}; {sent}")


def _show_status(session: Session, remote: str | None, as_json: bool) -> None:
    from metrotui.storage.sync.config import existing_machine_id
    from metrotui.storage.sync.status import status

    report = status(remote, _targets(session), existing_machine_id() or "")
    if as_json:
        click.echo(safe_json(report.to_json(), indent=2))
        return
    _print_status(report)


def _print_status(report: StatusReport) -> None:
    say(f"remote:     {report.remote or 'none (metrotui sync --remote URL_OR_PATH)'}")
    say(f"last sync:  {report.last_sync or 'never'}")
    say(f"machine:    {report.machine or 'none yet (made by the first sync)'}")
    for machine, seen in sorted(report.machines.items()):
        curricula = seen.get("curricula", {})
        marks = ", ".join(f"{cid} {n}" for cid, n in sorted(curricula.items()))
        mine = " (this one)" if machine == report.machine else ""
        say(f"  {machine}{mine}: {seen.get('learner') or '?'}; marks: {marks}")
    waiting = sum(report.waiting.values())
    unsent = counted(waiting, "local mark or note", "local marks and notes")
    commits = counted(report.unpushed_commits, "commit")
    say(f"waiting:    {unsent} not yet sent; {commits} not yet pushed")


def where_lines() -> list[str]:
    """What ``metrotui where`` says about sync; it makes nothing (no id, no clone)."""
    from metrotui.storage.sync.config import SyncConfigError, existing_machine_id, load_config
    from metrotui.storage.sync.engine import clone_dir

    try:
        ident = existing_machine_id()
        remote = load_config().remote
    except SyncConfigError as error:
        return [f"sync:       {error}"]
    lines = [f"machine:    {ident or 'none yet (made by the first metrotui sync)'}"]
    if remote is None:
        lines.append("sync:       no remote (metrotui sync --remote URL_OR_PATH)")
    elif Path(clone_dir()).is_dir():
        lines.append(f"sync:       {remote} (clone: {clone_dir()})")
    else:
        lines.append(f"sync:       {remote}")
    return lines
