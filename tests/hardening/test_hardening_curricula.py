"""Bad curricula: every file in the corpus is refused the same clear way.

The corpus is ``tests/corpus/curricula/bad/``: one small file per way to be
wrong, and ``EXPECTED.json`` naming, for each, a part of the message it must
give and the location that message must name.  The two inputs too big to keep
in the repository (a 50 MB file, 100,000 nested brackets) are written at test
time.  Every input goes through ``validate`` and through ``--curriculum FILE
status`` with click's runner; a handful also go through a real process, timed,
and through the app, which must refuse before it draws anything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from metrotui.cli.commands import cli

CORPUS = Path(__file__).parent / "corpus" / "curricula" / "bad"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (CORPUS / "EXPECTED.json").read_text(encoding="utf-8")
)
TIME_LIMIT = 2.0
COMMANDS = {
    "validate": lambda path: ["validate", str(path)],
    "status": lambda path: ["--curriculum", str(path), "status"],
}


# Inputs written at test time ----------------------------------------------------------


def _huge(path: Path) -> None:
    """A real 50 MB curriculum: valid JSON, with one enormous summary."""
    head = b'{"schema_version": 1, "id": "huge", "title": "Huge", "description": "'
    tail = b'", "lines": [], "stations": []}'
    with path.open("wb") as handle:
        handle.write(head)
        chunk = b"padding " * 131_072  # 1 MiB
        for _ in range(50):
            handle.write(chunk)
        handle.write(tail)


def _station(index: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": f"st-{index}",
        "number": index + 1,
        "title": f"Station {index}",
        "line": "core",
        "topics": [{"id": f"tp-{index}", "title": "A topic"}],
        **fields,
    }


def _curriculum(stations: list[dict[str, Any]]) -> bytes:
    raw = {
        "schema_version": 1,
        "id": "big",
        "title": "Big",
        "lines": [{"id": "core", "name": "Core", "color": "#7b3fb5"}],
        "stations": stations,
    }
    return json.dumps(raw, indent=1).encode()


GENERATED: dict[str, tuple[Callable[[Path], None], str, str]] = {
    # name: (how to write it, part of the message, the location it must name)
    "huge-50mb.json": (_huge, "a curriculum may be at most 16 MB", "is 52.4 MB"),
    "nested-100k-brackets.json": (
        lambda path: path.write_bytes(b"[" * 100_000 + b"]" * 100_000),
        "is nested too deeply to be a curriculum",
        "",
    ),
    "nested-100k-objects.json": (
        lambda path: path.write_bytes(b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
        "is nested too deeply to be a curriculum",
        "",
    ),
    "unclosed-100k-brackets.json": (
        lambda path: path.write_bytes(b"[" * 100_000),
        "is nested too deeply to be a curriculum",
        "",
    ),
    "missing.json": (lambda path: None, "no such file", ""),
    # Each unknown id asks for a "did you mean"; 5,000 of them must not take minutes.
    "5000-unknown-prerequisites.json": (
        lambda path: path.write_bytes(
            _curriculum([_station(n, prerequisites=[f"st-{n}x"]) for n in range(5000)])
        ),
        "5000 problems in this curriculum",
        "stations[0].prerequisites[0]: unknown station 'st-0x'",
    ),
    # A megabyte-long key must not come back as a megabyte-long message.
    "megabyte-key.json": (
        lambda path: path.write_bytes(_curriculum([_station(0, **{"k" * 2**20: 1})])),
        "unknown key 'kkkkkkkk",
        "stations[0]",
    ),
    "megabyte-cycle.json": (
        lambda path: path.write_bytes(
            _curriculum(
                [_station(n, prerequisites=[f"st-{(n + 1) % 20000}"]) for n in range(20000)]
            )
        ),
        "prerequisites form a cycle: ",
        "stations[",
    ),
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    folder = tmp_path_factory.mktemp("generated-bad")
    paths = {}
    for name, (write, _, _) in GENERATED.items():
        paths[name] = folder / name
        write(paths[name])
    yield paths
    for path in paths.values():  # pytest keeps old temp folders: not 50 MB of them
        path.unlink(missing_ok=True)


def expectation(name: str) -> tuple[list[str], str]:
    if name in EXPECTED:
        message = EXPECTED[name]["message"]
        return ([message] if isinstance(message, str) else message), EXPECTED[name]["location"]
    _, message, location = GENERATED[name]
    return [message], location


def path_of(name: str, generated: dict[str, Path]) -> Path:
    return generated[name] if name in GENERATED else CORPUS / name


ALL_BAD = sorted(EXPECTED) + sorted(GENERATED)


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*")) if folder.exists() else []


def check_refusal(name: str, path: Path, exit_code: int, stdout: str, stderr: str) -> None:
    """Exit 2, one message naming the file and the place, no traceback, nothing on stdout."""
    messages, location = expectation(name)
    assert exit_code == 2, (stdout, stderr)
    assert stderr.startswith(f"metrotui: {path}: "), stderr
    for message in messages:
        assert message in stderr, stderr
    assert location in stderr, stderr
    assert "Traceback" not in stdout + stderr
    assert stdout == ""
    assert len(stderr) < 5_000  # one message, however big the file or its mistakes


# The corpus itself ------------------------------------------------------------------


def test_the_corpus_has_at_least_40_distinct_files() -> None:
    files = sorted(path.name for path in CORPUS.iterdir() if path.name != "EXPECTED.json")
    assert files == sorted(EXPECTED), "every file needs an expectation, and only those"
    assert len(files) >= 40
    contents = [(CORPUS / name).read_bytes() for name in files]
    assert len(set(contents)) == len(contents), "two files are the same"
    # Kept small: the big inputs are written at test time instead.
    assert sum(len(data) for data in contents) < 300_000
    assert all(entry["why"] for entry in EXPECTED.values())


def test_each_corpus_file_gives_a_message_of_its_own() -> None:
    """Distinct ways to be wrong give distinct messages, not one catch-all."""
    from metrotui.core.curriculum import CurriculumError
    from metrotui.storage.curriculum_file import load_curriculum

    seen: dict[str, list[str]] = {}
    for name in sorted(EXPECTED):
        with pytest.raises(CurriculumError) as caught:
            load_curriculum(CORPUS / name)
        seen.setdefault("\n".join(caught.value.problems), []).append(name)
    shared = [names for names in seen.values() if len(names) > 1]
    # An empty file and one of only whitespace are the same problem to a user.
    assert shared == [["empty.json", "whitespace-only.json"]]


# Through click's runner: every input, both commands ------------------------------------


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("name", ALL_BAD)
def test_a_bad_curriculum_is_refused_with_its_location(
    name: str,
    command: str,
    generated: dict[str, Path],
    isolated_config: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    before = files_under(isolated_config)
    path = path_of(name, generated)
    started = time.monotonic()
    result = CliRunner().invoke(cli, COMMANDS[command](path), prog_name="metrotui")
    elapsed = time.monotonic() - started
    assert isinstance(result.exception, SystemExit), result.exception
    check_refusal(name, path, result.exit_code, result.stdout, result.stderr)
    assert elapsed < TIME_LIMIT
    # Nothing was written for a curriculum that did not load: no progress
    # folder, no lock file, no UI state.
    assert files_under(isolated_config) == before == []
    assert list(tmp_path.iterdir()) == []


def test_a_folder_given_as_a_curriculum(tmp_path: Path, isolated_config: Path) -> None:
    folder = tmp_path / "a-folder.json"
    folder.mkdir()
    result = CliRunner().invoke(cli, ["validate", str(folder)], prog_name="metrotui")
    assert result.exit_code == 2
    assert result.stderr == f"metrotui: {folder}: is a folder, not a curriculum file\n"
    # --curriculum refuses a folder before anything loads (click's own check).
    result = CliRunner().invoke(cli, ["--curriculum", str(folder), "status"], prog_name="metrotui")
    assert result.exit_code == 2
    assert str(folder) in result.stderr and "is a directory" in result.stderr
    assert "Traceback" not in result.output
    assert files_under(isolated_config) == []


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_device_is_refused_without_reading(isolated_config: Path) -> None:
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["validate", "/dev/zero"], prog_name="metrotui")
    assert time.monotonic() - started < TIME_LIMIT
    assert result.exit_code == 2
    assert result.stderr == "metrotui: /dev/zero: is a device, not a curriculum file\n"


# Through a real process, timed ------------------------------------------------------------

REPRESENTATIVE = [
    "not-json.json",
    "latin1.json",
    "duplicate-json-key.json",
    "cycle-five-stations.json",
    "url-javascript.json",
    "number-5000-digits.json",
    "huge-50mb.json",
    "nested-100k-brackets.json",
]


def subprocess_env(config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("METROTUI_")}
    env.update(XDG_CONFIG_HOME=str(config), TERM="xterm-256color", COLUMNS="100")
    env.pop("NO_COLOR", None)
    return env


@pytest.mark.parametrize("name", REPRESENTATIVE)
def test_a_real_process_refuses_within_two_seconds(
    name: str, generated: dict[str, Path], tmp_path: Path
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    path = path_of(name, generated)
    for command in sorted(COMMANDS):
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "metrotui", *COMMANDS[command](path)],
            env=subprocess_env(config),
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
        )
        elapsed = time.monotonic() - started
        check_refusal(name, path, result.returncode, result.stdout, result.stderr)
        assert elapsed < TIME_LIMIT, f"{command} took {elapsed:.2f} s"
        assert files_under(config) == []


# The app: the same message, and no screen drawn ---------------------------------------

APP_PROBE = """
import atexit, os, sys
def report():
    with open(os.environ["PROBE_FILE"], "w") as handle:
        handle.write("textual imported" if "textual" in sys.modules else "textual not imported")
atexit.register(report)
sys.argv[0] = "metrotui"
from metrotui.entry import main
main()
"""


@pytest.mark.parametrize("name", ["truncated.json", "self-prerequisite.json", "huge-50mb.json"])
def test_the_app_shows_the_same_message_and_exits_2_without_drawing(
    name: str, generated: dict[str, Path], tmp_path: Path
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    path = path_of(name, generated)
    probe = tmp_path / "probe.txt"
    env = {**subprocess_env(config), "PROBE_FILE": str(probe)}
    app = subprocess.run(
        [sys.executable, "-c", APP_PROBE, "--curriculum", str(path)],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,  # not a terminal
        capture_output=True,
        timeout=30,
    )
    validate = subprocess.run(
        [sys.executable, "-m", "metrotui", "validate", str(path)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        timeout=30,
    )
    assert app.returncode == 2
    assert app.stderr == validate.stderr  # the very same message
    check_refusal(name, path, app.returncode, app.stdout.decode(), app.stderr.decode())
    # No screen: no escape sequence at all (alternate screen, cursor, colour),
    # and the refusal came before Textual was even imported.
    assert b"\x1b" not in app.stdout + app.stderr
    assert probe.read_text() == "textual not imported"
    assert files_under(config) == []
