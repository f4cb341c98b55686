"""Reading a roadmap to convert (a README or an Exercism config.json), checking what it gives.

Local files only: a URL is refused, so converting never touches the network.
The conversion itself is pure (metrotui.core.convert); here are the bounded
read, telling the two kinds of source apart, the check of the result with the
same checker every curriculum file goes through, and the atomic write.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metrotui.core.convert.exercism import is_exercism_config, read_exercism
from metrotui.core.convert.markdown import ConvertError, MarkdownOptions, read_markdown
from metrotui.core.convert.outline import Conversion, Outline, Provenance, build
from metrotui.core.convert.previous import carry_former_ids, previous_report
from metrotui.core.curriculum import Curriculum, CurriculumError
from metrotui.paths import BUNDLED_ID

MAX_SOURCE_BYTES = 4 * 2**20
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".txt", "")


@dataclass
class ConvertOptions:
    stations: str | None = None
    lines: str | None = None
    layout: str | None = None
    base_url: str | None = None
    source_url: str | None = None
    license: str | None = None
    # The version converted before (a curriculum file), for formerly on renames;
    # without one, the library's copy of the same id is used when there is one.
    previous: str | None = None
    use_library: bool = True
    replacing: str | None = None  # the -o file, which may be the previous conversion


def convert_file(source: str, options: ConvertOptions) -> Conversion:
    """The curriculum a source gives, checked; raises ConvertError saying what is wrong."""
    if _URL.match(source):
        raise ConvertError(
            f"{source} is a URL; convert reads local files only and never uses the network: "
            "download the file first (for example with curl -LO) and convert that"
        )
    data = _read(source)
    path = Path(source)
    outline = _outline(data, path, options)
    provenance = Provenance(path.name, options.source_url, options.license)
    conversion = build(outline, options.layout, provenance)
    _carry_from_previous(conversion, options)
    _check(conversion.data, path.name)
    return conversion


def _carry_from_previous(conversion: Conversion, options: ConvertOptions) -> None:
    """Former ids for what was renamed since the previous version; its report lines too."""
    found = _previous(options, conversion.data["id"])
    if found is None:
        return
    previous, name = found
    carried = carry_former_ids(conversion.data, previous)
    conversion.data = carried.data
    conversion.report.extend(previous_report(carried, name))


def _previous(options: ConvertOptions, curriculum_id: str) -> tuple[Curriculum, str] | None:
    """The previous version and how to name it, or None when there is none to compare with."""
    from metrotui.storage import library
    from metrotui.storage.curriculum_file import load_curriculum

    if options.previous is not None:
        try:
            return load_curriculum(options.previous), options.previous
        except CurriculumError as error:
            raise ConvertError(f"--previous: {error}") from None
    candidates: list[tuple[Path | None, str]] = []
    if options.use_library and curriculum_id != BUNDLED_ID:
        candidates.append((library.find(curriculum_id), f"the library's copy of {curriculum_id!r}"))
    if options.replacing is not None:
        candidates.append((Path(options.replacing), options.replacing))
    for path, name in candidates:
        if path is None or not path.is_file():
            continue
        try:
            previous = load_curriculum(path)
        except CurriculumError:
            continue  # not a version of this one to learn from; `metrotui list` reports it
        if previous.id == curriculum_id:
            return previous, name
    return None


def _read(source: str) -> bytes:
    from metrotui.storage.files import FileTooLarge, NotARegularFile, read_bounded

    try:
        return read_bounded(source, MAX_SOURCE_BYTES)
    except NotARegularFile as error:
        raise ConvertError(f"{source} is {error.kind}, not a file") from None
    except FileTooLarge as error:
        raise ConvertError(
            f"{source} is {error.size / 1e6:.1f} MB; "
            f"convert reads files of at most {MAX_SOURCE_BYTES // 2**20} MB"
        ) from None
    except FileNotFoundError:
        raise ConvertError(f"{source}: no such file") from None
    except OSError as error:
        raise ConvertError(f"{source} cannot be read ({error.strerror or error})") from None


def _outline(data: bytes, path: Path, options: ConvertOptions) -> Outline:
    neither = f"{path.name} is neither a Markdown roadmap nor an Exercism track config.json"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConvertError(f"{neither} (it is not UTF-8 text)") from None
    if "\x00" in text:
        raise ConvertError(f"{neither} (it holds binary data)")
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("{", "[")):
        return _exercism(text, path, options, neither)
    if path.suffix.lower() not in _MARKDOWN_SUFFIXES:
        raise ConvertError(f"{neither} (a {path.suffix} file)")
    markdown = MarkdownOptions(options.stations, options.lines, options.base_url, _name_of(path))
    try:
        return read_markdown(text, markdown)
    except RecursionError:
        raise ConvertError(f"{path.name} nests lists or quotes too deeply to read") from None


def _name_of(path: Path) -> str:
    """A title for a README without one: its folder's name says more than "README"."""
    if path.stem.lower() == "readme":
        return path.resolve().parent.name or "Roadmap"
    return path.stem


def _exercism(text: str, path: Path, options: ConvertOptions, neither: str) -> Outline:
    try:
        data: Any = json.loads(text)
    except ValueError:
        raise ConvertError(f"{neither} (it is not valid JSON)") from None
    if not is_exercism_config(data):
        raise ConvertError(
            f"{neither}: it is JSON without exercises.concept or exercises.practice "
            "(to check a curriculum file, use metrotui validate)"
        )
    for name, given in (("--stations", options.stations), ("--lines", options.lines)):
        if given is not None:
            raise ConvertError(f"{name} applies to Markdown; {path.name} is an Exercism track")
    if options.layout is not None:
        raise ConvertError("--layout applies to Markdown; an Exercism track has its own edges")
    return read_exercism(data)


def serialized(data: dict[str, Any]) -> bytes:
    """The curriculum as its file: the same data gives the same bytes."""
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _check(data: dict[str, Any], name: str) -> None:
    from metrotui.storage.curriculum_file import parse_curriculum

    try:
        parse_curriculum(serialized(data), f"the curriculum converted from {name}")
    except CurriculumError as error:
        raise ConvertError(f"the converted curriculum does not validate: {error}") from None


def write_curriculum(path: Path, data: dict[str, Any]) -> None:
    """Write the curriculum whole; a file there that is not a curriculum is left alone.

    Raises ConvertError for such a file, OSError when the write fails.
    """
    from metrotui.storage.atomic import write_atomic

    _refuse_to_replace_other_files(path)
    write_atomic(path, serialized(data))


def _refuse_to_replace_other_files(path: Path) -> None:
    from metrotui.storage.files import NotARegularFile, read_bounded

    try:
        existing = read_bounded(path, MAX_SOURCE_BYTES * 4)
    except FileNotFoundError:
        return
    except NotARegularFile as error:
        raise ConvertError(
            f"{path} is {error.kind}; write to a file, or leave out -o for standard output"
        ) from None
    except OSError:
        existing = b""  # too big or unreadable: surely not one of ours to replace
    if not _is_curriculum(existing):
        raise ConvertError(
            f"{path} exists and is not a curriculum file; nothing was written "
            "(name a new file, or an earlier conversion to replace)"
        )


def _is_curriculum(data: bytes) -> bool:
    try:
        parsed = json.loads(data)
    except ValueError:
        return False
    return isinstance(parsed, dict) and "schema_version" in parsed and "stations" in parsed
