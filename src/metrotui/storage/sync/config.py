"""The sync settings, this machine's id and the learner's name.

The settings are a small JSON object in the config folder; keys this version
does not know are kept when it is rewritten.  The machine id is made once, the
first time anything asks for it, and never changes: it names this machine's
file in every sync place.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from metrotui.paths import machine_id_file, sync_config_file

MAX_CONFIG_BYTES = 64 * 1024
_NAME_CHARS = re.compile(r"[^\w .@+-]+")
_HOST_CHARS = re.compile(r"[^a-z0-9-]+")
MAX_LEARNER_CHARS = 64


class SyncConfigError(Exception):
    """A sync config file that cannot be read or written; the message says what to do."""


@dataclass(frozen=True)
class SyncConfig:
    remote: str | None = None
    learner: str | None = None
    sync_at_start: bool = False
    sync_at_quit: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.extra)
        data.update(
            remote=self.remote,
            learner=self.learner,
            sync_at_start=self.sync_at_start,
            sync_at_quit=self.sync_at_quit,
        )
        return data


def load_config(path: Path | None = None) -> SyncConfig:
    """The settings on disk; none yet is the defaults."""
    path = path or sync_config_file()
    try:
        data = path.read_bytes()[:MAX_CONFIG_BYTES]
    except FileNotFoundError:
        return SyncConfig()
    except OSError as error:
        raise SyncConfigError(f"cannot read {path} ({error.strerror or error})") from None
    try:
        raw = json.loads(data)
    except ValueError:
        raw = None
    if not isinstance(raw, dict):
        raise SyncConfigError(f"{path} is not a JSON object; fix it or remove it")
    known = ("remote", "learner", "sync_at_start", "sync_at_quit")
    remote, learner = raw.get("remote"), raw.get("learner")
    return SyncConfig(
        remote=remote if isinstance(remote, str) and remote else None,
        learner=learner if isinstance(learner, str) and learner else None,
        sync_at_start=raw.get("sync_at_start") is True,
        sync_at_quit=raw.get("sync_at_quit") is True,
        extra={key: value for key, value in raw.items() if key not in known},
    )


def save_config(config: SyncConfig, path: Path | None = None) -> None:
    from metrotui.storage.atomic import write_atomic

    path = path or sync_config_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, (json.dumps(config.to_json(), indent=2) + "\n").encode())
    except OSError as error:
        raise SyncConfigError(f"cannot write {path} ({error.strerror or error})") from None


def clean_learner(name: str) -> str:
    """A name as it may stand in a machine file: one line of ordinary characters."""
    cleaned = " ".join(_NAME_CHARS.sub(" ", name).split())[:MAX_LEARNER_CHARS]
    return cleaned or "learner"


def learner_name(config: SyncConfig) -> str:
    if config.learner:
        return clean_learner(config.learner)
    try:
        return clean_learner(getpass.getuser())
    except (OSError, KeyError, ImportError):  # no login name and no passwd entry
        return "learner"


def machine_id(path: Path | None = None) -> str:
    """This machine's id, made the first time and read ever after.

    Two processes making it at once agree: the file is linked into place only
    if none is there yet, and both then read the one that won.
    """
    path = path or machine_id_file()
    found = existing_machine_id(path)
    if found:
        return found
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    temporary.write_text(_new_machine_id() + "\n", encoding="ascii")
    try:
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink()
    found = existing_machine_id(path)
    if not found:
        raise SyncConfigError(f"{path} does not hold a machine id; remove it to make a new one")
    return found


def existing_machine_id(path: Path | None = None) -> str | None:
    """This machine's id if it has one yet; makes nothing."""
    path = path or machine_id_file()
    from metrotui.storage.sync.layout import is_safe_name

    try:
        text = path.read_text(encoding="ascii", errors="replace")[:200].strip()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise SyncConfigError(f"cannot read {path} ({error.strerror or error})") from None
    return text if is_safe_name(text) else None


def _new_machine_id() -> str:
    # The host's name makes the id readable in a listing of machines; the
    # random part keeps two machines of one name apart.
    host = _HOST_CHARS.sub("-", socket.gethostname().lower()).strip("-")[:24] or "machine"
    return f"{host}-{os.urandom(3).hex()}"
