"""Shared fixtures: every test runs with its own config and cache folders, never the real ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from metrotui.core.curriculum import Curriculum
from metrotui.paths import bundled_curriculum
from metrotui.storage.curriculum_file import parse_curriculum


@pytest.fixture(autouse=True)
def isolated_config(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    config = tmp_path_factory.mktemp("xdg-config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
    for name in ("METROTUI_CURRICULUM", "METROTUI_PROGRESS", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    return config


@pytest.fixture(scope="session")
def genai() -> Curriculum:
    # Checked from its bytes: a session fixture is made before the autouse one
    # above has moved the cache folder away from the real one.
    return parse_curriculum(bundled_curriculum().read_bytes(), "stations.json")


@pytest.fixture
def genai_raw() -> dict[str, Any]:
    """The GenAI curriculum as plain JSON, for tests that break it on purpose."""
    return json.loads(bundled_curriculum().read_text(encoding="utf-8"))
