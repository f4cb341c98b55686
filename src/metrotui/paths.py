"""Where metrotui finds its curriculum and keeps a learner's files."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path

APP_NAME = "metrotui"
# The shipped curriculum's id (data/stations.json), known without reading the file.
BUNDLED_ID = "genai-metromap"
CURRICULUM_ENV = "METROTUI_CURRICULUM"
PROGRESS_ENV = "METROTUI_PROGRESS"
# Set by a shell asking click for completions (its name follows click's rule for "metrotui").
COMPLETE_ENV = "_METROTUI_COMPLETE"


def bundled_curriculum() -> Path:
    """The GenAI curriculum shipped with metrotui.

    An installed wheel carries it beside this module; a source checkout
    (editable install or tests) reads the top-level ``data/`` folder instead.
    (A plain path, not importlib.resources: metrotui is never run from a zip,
    and that import alone cost a twentieth of ``metrotui status``.)
    """
    here = Path(__file__).resolve().parent
    packaged = here / "data" / "stations.json"
    if packaged.is_file():
        return packaged
    return here.parents[1] / "data" / "stations.json"


def config_dir() -> Path:
    return user_config_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """Where metrotui keeps what it can always make again (checked curricula)."""
    return user_cache_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    """Where metrotui keeps curricula added to the library and copies of what was seen."""
    return user_data_path(APP_NAME, appauthor=False)


def library_dir() -> Path:
    """Where ``metrotui add`` keeps its copies of curricula, one file per id."""
    return data_dir() / "curricula"


def current_choice_file() -> Path:
    """Which curriculum ``metrotui use`` made the default."""
    return config_dir() / "current.json"


def last_seen_file(curriculum_id: str) -> Path:
    """The outline of the version of a curriculum the learner last saw (see storage/last_seen)."""
    return data_dir() / "last-seen" / f"{curriculum_id}.json"


def looked_at_file(curriculum_id: str) -> Path:
    """Which new stations of a curriculum the learner has looked at (see storage/looked_at)."""
    return data_dir() / "looked-at" / f"{curriculum_id}.json"


def default_progress_file(curriculum_id: str) -> Path:
    """One progress file per curriculum, so two curricula never share marks."""
    return config_dir() / "progress" / f"{curriculum_id}.json"


def ui_state_file(curriculum_id: str) -> Path:
    return config_dir() / "ui-state" / f"{curriculum_id}.json"


def progress_file(curriculum_id: str, override: str | os.PathLike[str] | None = None) -> Path:
    chosen = override or os.environ.get(PROGRESS_ENV)
    return Path(chosen).expanduser() if chosen else default_progress_file(curriculum_id)


def same_file(a: Path, b: Path) -> bool:
    """Whether two names lead to one file (a link, a relative path, a hard link)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def sync_config_file() -> Path:
    """The sync settings (remote, learner, sync at start and quit): see storage/sync/config."""
    return config_dir() / "sync.json"


def machine_id_file() -> Path:
    """This machine's id in the sync layout, made once."""
    return config_dir() / "machine-id"


def sync_dir() -> Path:
    """The clone of the sync remote, what the last sync did, and the lock one sync holds."""
    return data_dir() / "sync"
