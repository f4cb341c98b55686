"""Machines for sync tests: each its own config and data folders, run as the learner runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

SCRIPT = Path(sys.executable).parent / "metrotui"


def bare_repo(where: Path) -> Path:
    subprocess.run(["git", "init", "-q", "--bare", str(where)], check=True, timeout=30)
    return where


class Machine:
    """One machine: its own XDG folders, so its own progress, machine id and clone."""

    def __init__(self, root: Path, name: str) -> None:
        self.root = root / name
        self.name = name
        self.env = dict(os.environ)
        for key in ("CONFIG", "DATA", "CACHE"):
            folder = self.root / key.lower()
            folder.mkdir(parents=True, exist_ok=True)
            self.env[f"XDG_{key}_HOME"] = str(folder)
        self.env.pop("METROTUI_PROGRESS", None)
        self.env.pop("METROTUI_CURRICULUM", None)

    @property
    def progress_file(self) -> Path:
        return self.root / "config" / "metrotui" / "progress" / "genai-metromap.json"

    def command(self, *args: str) -> list[str]:
        return [str(SCRIPT), *args]

    def run(self, *args: str, code: int | None = 0) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            self.command(*args), capture_output=True, text=True, timeout=120, env=self.env
        )
        if code is not None:
            assert result.returncode == code, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        return result

    def progress(self) -> dict[str, Any]:
        if not self.progress_file.exists():
            return {"done": {}, "known": {}, "notes": {}}
        data: dict[str, Any] = json.loads(self.progress_file.read_text())
        return data

    def marks(self) -> tuple[set[str], set[str]]:
        data = self.progress()
        return set(data.get("done", {})), set(data.get("known", {}))
