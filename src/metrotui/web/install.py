"""The command that adds the ``web`` extra to *this* installation of metrotui.

"pip install 'metrotui[web]'" is wrong for most people: pipx and uv tool keep
metrotui in an environment of their own, a checkout is installed from its
folder (often editable), and a venv needs its own pip.  So the hint is worked
out from where this interpreter lives and how pip recorded the install.
"""

from __future__ import annotations

import json
import shlex
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

EXTRA_PACKAGE = "textual-serve"


@dataclass(frozen=True)
class Install:
    """Where metrotui came from, as far as the hint needs to know."""

    prefix: Path  # sys.prefix: the environment metrotui runs in
    in_venv: bool
    python: str
    source: str | None = None  # a local folder it was installed from; None for an index
    editable: bool = False


def this_install() -> Install:
    source, editable = _recorded_source()
    return Install(
        prefix=Path(sys.prefix),
        in_venv=sys.prefix != sys.base_prefix,
        python=sys.executable,
        source=source,
        editable=editable,
    )


def _recorded_source() -> tuple[str | None, bool]:
    """The folder in pip's direct_url.json (PEP 610), and whether it is editable."""
    try:
        raw = metadata.distribution("metrotui").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None, False
    if not raw:
        return None, False
    try:
        record = json.loads(raw)
        url = urlsplit(record["url"])
        editable = bool(record.get("dir_info", {}).get("editable", False))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None, False
    if url.scheme != "file":
        return None, False
    return unquote(url.path), editable


def add_web_command(install: Install) -> str:
    """One shell command, ready to paste, that gives this install the web extra."""
    if (install.prefix / "pipx_metadata.json").is_file():
        return f"pipx inject metrotui {EXTRA_PACKAGE}"
    if (install.prefix / "uv-receipt.toml").is_file():
        editable = " --editable" if install.editable else ""
        source = shlex.quote(install.source or "metrotui")
        return f"uv tool install{editable} --with {EXTRA_PACKAGE} {source}"
    target = shlex.quote(f"{install.source or 'metrotui'}[web]")
    editable = "-e " if install.editable else ""
    if install.in_venv:
        return f"{shlex.quote(install.python)} -m pip install {editable}{target}"
    return f"pip install {editable}{target}"


def needs_extra_message(install: Install | None = None) -> str:
    return f"serve needs the web extra: {add_web_command(install or this_install())}"
