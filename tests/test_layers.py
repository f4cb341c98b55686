"""The layers hold: import-linter's contracts (pyproject.toml) pass, and would catch a breach."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(cwd: Path, package_root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(package_root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed")


def test_the_import_contracts_are_kept() -> None:
    result = _lint_imports(ROOT, ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


def test_a_forbidden_import_breaks_a_contract(tmp_path: Path) -> None:
    # The same contracts over a copy of the package in which core imports the CLI.
    shutil.copytree(ROOT / "src" / "metrotui", tmp_path / "src" / "metrotui")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    words = tmp_path / "src" / "metrotui" / "core" / "words.py"
    words.write_text(words.read_text() + "\n\ndef _breach() -> None:\n    import click  # noqa\n")
    result = _lint_imports(tmp_path, tmp_path / "src")
    assert result.returncode != 0
    assert "core is pure" in result.stdout and "BROKEN" in result.stdout
