"""``metrotui convert``: a roadmap README or an Exercism track into a curriculum file."""

from __future__ import annotations

from pathlib import Path

import click

from metrotui.cli.session import MetroCommand, fail, say
from metrotui.paths import same_file

_HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"]


def _web_address(option: str, value: str | None) -> str | None:
    if value is not None and not value.lower().startswith(("http://", "https://")):
        fail(f"{option} must be an http(s) address, not {value!r}")
    return value


@click.command(cls=MetroCommand)
@click.argument("source", metavar="SOURCE")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write the curriculum to FILE."
)
@click.option(
    "--stations",
    type=click.Choice([*_HEADINGS[1:], "list"]),
    help="The heading level of the stations, or list: the items of one list.",
)
@click.option(
    "--lines",
    type=click.Choice([*_HEADINGS, "none"]),
    help="The heading level of the lines, or none for one line.",
)
@click.option(
    "--layout",
    type=click.Choice(["fork", "chain", "none"]),
    help="How lines follow each other (default: chosen from the document, and printed).",
)
@click.option("--base-url", metavar="URL", help="Resolve relative links against URL.")
@click.option("--source", "source_url", metavar="URL", help="Record where the roadmap is from.")
@click.option("--license", "license_", metavar="NAME", help="Record the roadmap's licence.")
@click.option(
    "--previous",
    type=click.Path(dir_okay=False),
    help="The curriculum converted before: renamed topics get formerly, so marks follow "
    "(default: the library's copy of the same id, or the -o file being replaced).",
)
@click.option("--preview", is_flag=True, help="Print the report and the outline; write nothing.")
def convert(
    source: str,
    output: str | None,
    stations: str | None,
    lines: str | None,
    layout: str | None,
    base_url: str | None,
    source_url: str | None,
    license_: str | None,
    previous: str | None,
    preview: bool,
) -> None:
    """Turn a roadmap README (Markdown) or an Exercism config.json into a curriculum.

    Without -o the curriculum is printed; the report goes to stderr.
    """
    from metrotui.core.convert.markdown import ConvertError
    from metrotui.storage.convert_source import (
        ConvertOptions,
        convert_file,
        serialized,
        write_curriculum,
    )

    options = ConvertOptions(
        stations,
        lines,
        layout,
        _web_address("--base-url", base_url),
        _web_address("--source", source_url),
        license_,
        previous=previous,
        replacing=output if output not in (None, "-") else None,
    )
    if output is not None and same_file(Path(output), Path(source)):
        fail(f"{output} is the file being converted; write the curriculum to another file")
    try:
        conversion = convert_file(source, options)
    except ConvertError as error:
        fail(str(error))
    for line in conversion.report:
        say(line, err=True)
    if preview:
        for row in conversion.outline_text:
            say(row)
        return
    if output is None or output == "-":
        click.echo(serialized(conversion.data).decode("utf-8"), nl=False)
        return
    try:
        write_curriculum(Path(output), conversion.data)
    except ConvertError as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot write {output} ({error.strerror or error})")
    named = f"curriculum {conversion.data['id']!r}"
    say(f"Wrote {output}: {named}; open it with metrotui --curriculum {output}", err=True)
