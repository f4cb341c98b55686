"""Where metrotui finds its curriculum and keeps a learner's files."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from platformdirs import user_config_path

APP_NAME = "metrotui"
CURRICULUM_ENV = "METROTUI_CURRICULUM"
PROGRESS_ENV = "METROTUI_PROGRESS"


def bundled_curriculum() -> Path:
    """The GenAI curriculum shipped with metrotui.

    An installed wheel carries it as package data; a source checkout (editable
    install or tests) reads the top-level ``data/`` folder instead.
    """
    packaged = resources.files("metrotui") / "data" / "stations.json"
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "data" / "stations.json"


def config_dir() -> Path:
    return user_config_path(APP_NAME, appauthor=False)


def default_progress_file(curriculum_id: str) -> Path:
    """One progress file per curriculum, so two curricula never share marks."""
    return config_dir() / "progress" / f"{curriculum_id}.json"


def ui_state_file(curriculum_id: str) -> Path:
    return config_dir() / "ui-state" / f"{curriculum_id}.json"


def progress_file(curriculum_id: str, override: str | os.PathLike[str] | None = None) -> Path:
    chosen = override or os.environ.get(PROGRESS_ENV)
    return Path(chosen).expanduser() if chosen else default_progress_file(curriculum_id)
