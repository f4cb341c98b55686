"""One statement of the file format: the records in metrotui.core.curriculum.

The check's pydantic models, the rows it hands on (and the cache keeps), the
runtime objects, ``to_data`` and the list of known keys all follow those
records, so they cannot drift apart, and a new field is a single line.
"""

# No "from __future__ import annotations": Badge's annotations must be objects,
# as they are in metrotui.core.curriculum.
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from pydantic_core import PydanticUndefined

import metrotui
from metrotui.core.curriculum import (
    REQUIRED,
    Curriculum,
    Id,
    Summary,
    Title,
    TopLevel,
    ZeroOrMore,
    file_fields,
    records,
)
from metrotui.paths import bundled_curriculum
from metrotui.storage import check
from tests.helpers import chain

RECORD_NAMES = ["TopLevel", "Source", "Line", "Station", "OneOf", "Topic", "Reference"]


def test_every_record_of_the_file_is_reached_from_the_top_level() -> None:
    assert sorted(record.__name__ for record in records()) == sorted(RECORD_NAMES)


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("record", records(), ids=lambda record: record.__name__)
def test_the_check_models_have_the_records_fields_and_defaults(record: type, version: int) -> None:
    # Each schema version's model has the fields that version has, with its defaults.
    model = check._model(record, version=version)
    fields = [field for field in file_fields(record) if field.since <= version]
    assert list(model.model_fields) == [field.name for field in fields]
    for field in fields:
        info = model.model_fields[field.name]
        default_here = field.default_in(version)
        if default_here is REQUIRED:
            assert info.is_required(), field.name
        else:
            default = info.default_factory() if info.default_factory else info.default  # type: ignore[call-arg]
            assert default is not PydanticUndefined
            assert default == default_here or (default in ([], {}) and default_here == ()), (
                field.name
            )


@pytest.mark.parametrize("record", records()[1:], ids=lambda record: record.__name__)
def test_a_runtime_default_is_the_files_default(record: type) -> None:
    # The named tuples may give a default for building one by hand; it must be
    # what a missing key means in the file.
    defaults = record._field_defaults  # type: ignore[attr-defined]
    for field in file_fields(record):
        if field.name in defaults:
            assert defaults[field.name] == field.default, field.name


def test_rows_to_data_and_known_keys_follow_the_records(genai: Curriculum) -> None:
    rows = check.check(bundled_curriculum().read_bytes(), "stations.json")
    assert len(rows) == len(file_fields(TopLevel))
    station_row = rows[[f.name for f in file_fields(TopLevel)].index("stations")][0]
    assert len(station_row) == len(genai.stations[0]._fields)
    data = genai.to_data()
    # A version 1 file's data has no key that only version 2 knows.
    assert list(data) == [field.name for field in file_fields(TopLevel) if field.since == 1]
    only_v2 = ("meta", "formerly")
    assert list(data["stations"][0]) == [f for f in genai.stations[0]._fields if f not in only_v2]
    assert list(data["stations"][0]["topics"][0]) == ["id", "title", "summary"]
    every_key = {field.name for record in records() for field in file_fields(record)}
    assert sorted(every_key) == check._KNOWN_KEYS[2]
    assert not {"meta", "one_of", "formerly"} & set(check._ALL_FIELDS)


class Badge(NamedTuple):
    """A record no curriculum has: the machinery knows nothing of it but its fields."""

    id: Id
    title: Title
    tags: ZeroOrMore[Id] = ()
    note: Summary = ""


def test_a_record_declared_once_is_checked_built_and_written_back() -> None:
    model = check._model(Badge)
    checked = model.model_validate({"id": "gold", "title": "  Gold\tstar ", "tags": ["a"]})
    row = check._row_maker(Badge)(checked)
    assert row == ("gold", "Gold star", ("a",), "")
    assert json.loads(json.dumps(row))  # plain data, as the cache keeps it
    from metrotui.core import curriculum as core

    badge = core._row_builder(Badge)(row)
    assert badge == Badge("gold", "Gold star", ("a",), "")
    assert core._data(badge, file_fields(Badge)) == {
        "id": "gold",
        "title": "Gold star",
        "tags": ["a"],
        "note": "",
    }


def test_a_new_field_is_one_line_in_the_records(tmp_path: Path) -> None:
    """Add one line to Topic in a copy of metrotui, and a file using it checks and loads."""
    copy = tmp_path / "src" / "metrotui"
    shutil.copytree(Path(metrotui.__file__).parent, copy, ignore=shutil.ignore_patterns("*.pyc"))
    source = copy / "core" / "curriculum.py"
    text = source.read_text(encoding="utf-8")
    anchor = 'class Topic(NamedTuple):\n    id: Id\n    title: Title\n    summary: Summary = ""\n'
    assert anchor in text
    source.write_text(text.replace(anchor, anchor + '    level: Summary = ""\n'), encoding="utf-8")
    raw = chain(["trunk"], per_line=2)
    raw["stations"][0]["topics"][0]["level"] = "  intro  "
    path = tmp_path / "map.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    script = (
        "import json, sys\n"
        "from metrotui.storage.curriculum_file import load_curriculum\n"
        "from metrotui.storage.check import check\n"
        f"path = {str(path)!r}\n"
        "first, cached = load_curriculum(path), load_curriculum(path)\n"
        "topics = [t for s in cached.to_data()['stations'] for t in s['topics']]\n"
        "print(json.dumps([first == cached, [t['level'] for t in topics]]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "src")},
    )
    assert done.returncode == 0, done.stderr
    same, levels = json.loads(done.stdout)
    assert same is True
    assert levels[0] == "intro" and set(levels[1:]) == {""}


def test_checks_cover_every_kind_the_records_use() -> None:
    kinds = {
        field.kind.name
        for record in records()
        for field in file_fields(record)
        if field.kind is not None
    }
    assert kinds == set(check._CHECKS)
