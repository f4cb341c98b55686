"""Hostile but valid text: shown literally, never acted on.

``tests/corpus/curricula/hostile.json`` is a valid curriculum whose every text
tries something: ANSI colour and screen clearing, OSC window titles and OSC 8
links, BEL, DEL, NUL and C1 controls, Rich/Textual markup (``[bold]``,
``[link=…]``, ``[@click=app.quit]``) and right-to-left overrides.  The loader
removes the controls; whatever is left (the markup) must be shown as the
characters it is, by the CLI and by the app, and clicking it must do nothing
but what a click there always does.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.segment import Segment
from textual.command import CommandInput, CommandList, CommandPalette
from textual.geometry import Region
from textual.strip import Strip

from metrotui.cli.commands import cli
from metrotui.core.curriculum import Curriculum
from metrotui.storage.curriculum_file import load_curriculum
from metrotui.tui.app import MetroApp
from metrotui.tui.widgets.station_detail import StationDetail
from tests.waiting import pause_until

HOSTILE = Path(__file__).parent / "corpus" / "curricula" / "hostile.json"

# What each hostile text must look like on screen once its controls are gone.
TITLE = "Hostile map [blink]![/blink]"
LINES = {"core": "Core [b]line[/b]", "shady": "[red]Shady[/red] line"}
STATIONS = {
    "basics": "[@click=app.quit]Quit[/]",
    "second": "RTL override [dim]x",
    "branch": "Clear screen",
}
TOPICS = {
    "bold": "[bold]Bold[/bold]",
    "bell": "Bell DEL NUL [i]x[/i]",
    "osc8": "OSC 8 link",
    "c1": "C1 OSC next",
    "dismiss": "[@click=screen.dismiss]Dismiss[/]",
}
SUMMARIES = {
    "basics": ["Summary with [reverse]markup[/reverse]", "and a C1 clear."],
    "bold": ["red [link=https://evil.example]link[/link]"],
    "dismiss": ["[@click=app.bell]ring[/]  DCS"],
}
REFERENCES = {"basics": ["[@click=app.quit]Ref[/]", "Hidden link"], "branch": ["Plain"]}

# Never in anything shown: C0 controls but newline, DEL, C1, bidi controls.
FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
SGR = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def hostile() -> Curriculum:
    return load_curriculum(HOSTILE)


def test_the_hostile_file_really_is_hostile_and_valid(hostile: Curriculum) -> None:
    raw = HOSTILE.read_text(encoding="utf-8")
    for needle in (r"\u001b]0;", r"\u001b]8;;", r"\u001b[2J", r"\u0007", r"\u009b", r"\u202e"):
        assert needle in raw
    assert hostile.title == TITLE
    assert {line.id: line.name for line in hostile.lines} == LINES
    assert {s.id: s.title for s in hostile.stations} == STATIONS
    assert {t: hostile.topic(t).title for t in TOPICS} == TOPICS
    # Every reference the loader accepted is plain http(s).
    urls = [r.url for s in hostile.stations for r in s.references]
    assert urls and all(re.match(r"(?i)https?://", url) for url in urls)


# The command line -----------------------------------------------------------------------


def assert_clean(output: str) -> None:
    assert not FORBIDDEN.search(output), repr(FORBIDDEN.search(output))
    # The window title and the OSC 8 target went with their escape sequences;
    # the only evil.example left is the one typed as literal markup.
    assert "pwned" not in output
    assert output.count("evil.example") == output.count("[link=https://evil.example]link[/link]")


def test_cli_output_shows_markup_literally_and_no_controls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, ["--curriculum", str(HOSTILE), *args], prog_name="metrotui")
        assert result.exit_code == 0, result.output
        assert_clean(result.output)
        return result.stdout

    status = run("status")
    assert TITLE in status
    assert all(name in status for name in LINES.values())
    assert all(f" {title}" in status for title in STATIONS.values())
    upcoming = run("next")
    assert STATIONS["basics"] in upcoming
    assert all(TOPICS[t] in upcoming for t in ("bold", "bell", "osc8"))
    marked = run("done", "bell")
    assert f"● {TOPICS['bell']}" in marked
    finished = run("done", "basics")
    assert f"Finished: {STATIONS['basics']}" in finished
    assert f"Unlocked: {STATIONS['second']}, {STATIONS['branch']}" in finished
    upcoming = run("next")
    assert TOPICS["c1"] in upcoming and TOPICS["dismiss"] in upcoming
    undone = run("undo", "bold")
    assert f"○ {TOPICS['bold']}" in undone
    result = runner.invoke(cli, ["validate", str(HOSTILE)], prog_name="metrotui")
    assert result.exit_code == 0
    assert f"valid: {TITLE!r}" in result.stdout
    assert_clean(result.output)


def test_cli_in_a_colour_terminal_sends_only_its_own_colour_codes(tmp_path: Path) -> None:
    """Rich may colour the output; nothing from the file may become a sequence."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("METROTUI_")}
    env.update(
        XDG_CONFIG_HOME=str(tmp_path / "xdg"),
        FORCE_COLOR="1",
        TERM="xterm-256color",
        COLUMNS="160",
    )
    env.pop("NO_COLOR", None)
    outputs = []
    for args in (["status"], ["next"], ["done", "basics"], ["validate", str(HOSTILE)]):
        command = args if args[0] == "validate" else ["--curriculum", str(HOSTILE), *args]
        result = subprocess.run(
            [sys.executable, "-m", "metrotui", *command],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            timeout=30,
        )
        assert result.returncode == 0, result.stderr
        text = (result.stdout + result.stderr).decode("utf-8")
        outputs.append(text)
        assert "\x1b[" in text or args[0] == "validate"  # colour really was on
        plain = SGR.sub("", text)  # rich's own colour codes: select graphic rendition only
        assert "\x1b" not in plain, repr(plain[plain.index("\x1b") - 20 :][:60])
        assert_clean(plain)
    status, upcoming, finished, _ = (SGR.sub("", text) for text in outputs)
    assert STATIONS["basics"] in status and LINES["shady"] in status
    assert TOPICS["osc8"] in upcoming
    assert f"Unlocked: {STATIONS['second']}, {STATIONS['branch']}" in finished


# The app ----------------------------------------------------------------------------

SIZE = (160, 50)


def make_app(curriculum: Curriculum, tmp_path: Path) -> MetroApp:
    return MetroApp(
        curriculum, tmp_path / "progress.json", ui_state_path=tmp_path / "ui.json", watch_interval=0
    )


def screen_strips(app: MetroApp) -> list[Strip]:
    return list(app.screen._compositor.render_strips())


def text_of(strips: list[Strip]) -> str:
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def strips_in(app: MetroApp, region: Region) -> list[Strip]:
    """The screen as drawn, cropped to one widget's region."""
    rows = screen_strips(app)[region.y : region.bottom]
    return [row.crop(region.x, region.right) for row in rows]


def assert_inert(strips: list[Strip]) -> None:
    """No control characters, and no style that links or runs an action."""
    for strip in strips:
        for segment in strip:
            assert isinstance(segment, Segment)
            assert segment.control is None
            assert not FORBIDDEN.search(segment.text), repr(segment.text)
            style = segment.style
            if style is not None:
                assert not style.link, (segment.text, style.link)
                assert not any("click" in str(key) for key in (style.meta or {})), segment.text


def map_strips(app: MetroApp) -> list[Strip]:
    """The map's own Strips, as its render_line gives them to the compositor."""
    return [app.map.render_line(y) for y in range(app.map.size.height)]


class Watch:
    """Record what hostile text might trigger: quitting, ringing, opening links."""

    def __init__(self, app: MetroApp, monkeypatch: pytest.MonkeyPatch) -> None:
        self.opened: list[str] = []
        self.bells = 0
        monkeypatch.setattr(app, "open_url", lambda url, **kw: self.opened.append(url))
        monkeypatch.setattr(app, "bell", self._bell)

    def _bell(self) -> None:
        self.bells += 1


def still_the_same_app(app: MetroApp, watch: Watch, screens: int = 1) -> None:
    assert app.is_running and app.return_code is None
    assert len(app.screen_stack) == screens
    assert watch.bells == 0


async def click_on(pilot: Any, app: MetroApp, text: str, dx: int = 1) -> None:
    lines = text_of(screen_strips(app)).splitlines()
    for y, line in enumerate(lines):
        x = line.find(text)
        if x >= 0:
            await pilot.click(offset=(x + dx, y))
            await pilot.pause()
            return
    raise AssertionError(f"{text!r} is not on screen")


async def test_map_and_detail_show_the_text_literally(
    hostile: Curriculum, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(hostile, tmp_path)
    watch = Watch(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # The map's Strips: every title and line name as typed, nothing inert broken.
        strips = map_strips(app)
        assert_inert(strips)
        drawn = text_of(strips)
        assert all(title in drawn for title in STATIONS.values())
        assert all(name in drawn for name in LINES.values())
        assert TITLE in text_of(screen_strips(app)[:1])  # the header
        for station in hostile.stations:
            app.map.select(station.id)
            await pilot.pause()
            detail = strips_in(app, app.detail.region)
            assert_inert(detail)
            shown = text_of(detail)
            assert STATIONS[station.id] in shown
            for topic in station.topic_ids:
                assert TOPICS[topic] in shown
                for line in SUMMARIES.get(topic, []):
                    assert line in shown
            for line in SUMMARIES.get(station.id, []):
                assert line in shown
            for title in REFERENCES.get(station.id, []):
                assert title in shown
            assert_clean(text_of(screen_strips(app)))
        still_the_same_app(app, watch)
    assert watch.opened == []


async def test_clicking_hostile_text_runs_nothing_it_smuggled_in(
    hostile: Curriculum, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(hostile, tmp_path)
    watch = Watch(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # The map label, then everything in the detail pane of the first station.
        await click_on(pilot, app, f"1 {STATIONS['basics']}", dx=4)
        still_the_same_app(app, watch)
        for text in [STATIONS["basics"], *SUMMARIES["basics"]]:
            await click_on(pilot, app, text, dx=2)
            still_the_same_app(app, watch)
        # A click on a topic ticks it (what a click there does), nothing more;
        # its summary, with a [link=…] in it, is part of the topic: it unticks.
        await click_on(pilot, app, TOPICS["bold"], dx=2)
        still_the_same_app(app, watch)
        assert app.tracker.is_done("bold")
        await click_on(pilot, app, SUMMARIES["bold"][0], dx=2)
        still_the_same_app(app, watch)
        assert not app.tracker.is_done("bold")
        # A click on a reference opens its own https URL, never what the title says.
        await click_on(pilot, app, REFERENCES["basics"][0], dx=2)
        await click_on(pilot, app, REFERENCES["basics"][1], dx=2)
        still_the_same_app(app, watch)
        assert watch.opened == ["https://example.org/a", "https://example.org/b?q=[bold]"]
        # The third station: its topic says [@click=screen.dismiss], its summary
        # app.bell.  (Open it first: a click on a locked topic offers a dialog.)
        for topic in hostile.station("basics").topic_ids:
            if not app.tracker.is_done(topic):
                app.toggle_topic(topic)
        app.map.select("branch")
        await pilot.pause()
        for text in (STATIONS["branch"], TOPICS["dismiss"], SUMMARIES["dismiss"][0]):
            await click_on(pilot, app, text, dx=3)
            still_the_same_app(app, watch)


async def test_notifications_header_and_dialog_show_the_text_literally(
    hostile: Curriculum, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(hostile, tmp_path)
    watch = Watch(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # A locked station's topic: the explanation and the dialog name it as typed.
        app.map.select("second")
        await pilot.pause()
        app.toggle_topic("c1")
        await pilot.pause()
        dialog = text_of(screen_strips(app))
        assert f"{STATIONS['second']} is locked." in dialog
        assert f"1 {STATIONS['basics']}" in dialog
        assert_inert(screen_strips(app)[10:40])
        await pilot.press("n")
        await pilot.pause()
        still_the_same_app(app, watch)
        # Finishing the first station announces what it unlocked, as typed.
        for topic in hostile.station("basics").topic_ids:
            app.toggle_topic(topic)
        await pilot.pause()
        shown = text_of(screen_strips(app))
        assert STATIONS["second"] in shown and STATIONS["branch"] in shown
        unlocked = [n.message for n in app._notifications if n.message.startswith("Unlocked")]
        assert unlocked == [f"Unlocked: {STATIONS['second']}, {STATIONS['branch']}"]
        assert_clean(shown)
        # The path filter puts a line's name in the header.
        await pilot.press("escape", "p")
        await pilot.pause()
        header = text_of(screen_strips(app)[:1])
        assert TITLE in header and LINES["shady"] in header
        still_the_same_app(app, watch)


def palette_lists(app: MetroApp, hits: CommandList, query: str) -> bool:
    """The palette has drawn its hits for query, not the list it opened with."""
    listed = [str(hits.get_option_at_index(n).prompt) for n in range(hits.option_count)]
    if not listed or not all(matches(query, prompt.splitlines()[0]) for prompt in listed):
        return False
    drawn = [line.strip() for line in text_of(strips_in(app, hits.content_region)).splitlines()]
    return [line for line in drawn if line] == [
        line.strip() for prompt in listed for line in prompt.splitlines()
    ]


def matches(query: str, text: str) -> bool:
    """As the palette's fuzzy search: the query's letters, in order, in any case."""
    letters = iter(text.lower())
    return all(letter in letters for letter in query.lower())


async def test_command_palette_shows_the_text_literally(
    hostile: Curriculum, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(hostile, tmp_path)
    watch = Watch(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for query, expected in (
            ("Quit", f"1 {STATIONS['basics']}"),
            ("Dismiss", TOPICS["dismiss"]),
            ("Bold", TOPICS["bold"]),
            ("Ref", REFERENCES["basics"][0]),
            ("RTL", f"2 {STATIONS['second']}"),
        ):
            await pilot.press("ctrl+p")
            assert isinstance(app.screen, CommandPalette)
            app.screen.query_one(CommandInput).value = query
            hits = app.screen.query_one(CommandList)
            listed = partial(palette_lists, app, hits, query)
            await pause_until(pilot, listed, f"the palette's hits for {query!r}")
            strips = screen_strips(app)
            assert expected in text_of(strips), query
            if query == "Bold":  # a topic's hit names its station as typed, too
                assert f"Topic · 1 {STATIONS['basics']}" in text_of(strips)
            assert_clean(text_of(strips))
            # Choose the hit with the mouse: it jumps, and runs nothing else.
            await click_on(pilot, app, expected, dx=2)
            still_the_same_app(app, watch)
        assert app.map.selected == "second"
    assert watch.opened == []


async def test_only_http_and_https_links_are_ever_opened(
    hostile: Curriculum, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(hostile, tmp_path)
    watch = Watch(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for station in hostile.stations:
            app.map.select(station.id)
            await pilot.pause()
            for reference in station.references:
                app.jump_to(station.id, reference_url=reference.url)
                await pilot.press("enter")
                await pilot.pause()
        assert watch.opened == [r.url for s in hostile.stations for r in s.references]
        # Whatever asks, the app itself opens nothing else.
        for url in (
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,<script>alert(1)</script>",
            " https://example.org",
            "\x1b]8;;https://evil.example\x07",
        ):
            app.detail.post_message(StationDetail.LinkOpened(url))
            await pilot.pause()
        still_the_same_app(app, watch)
    assert all(re.match(r"(?i)https?://", url) for url in watch.opened)
    assert len(watch.opened) == 3


# File names and arguments echoed in messages (issue 10, item 2) ---------------------------

METROTUI = Path(sys.executable).parent / "metrotui"
# What a hostile name carries: a window title (OSC 2), a colour, a bell, C1 controls
# and a right-to-left override.  None of it may reach the terminal.
EVIL = "evil\x1b]2;PWNED\x07\x1b[31m\x9d\u202ename"
# Bytes a terminal acts on: ESC, BEL, C1 controls (as UTF-8), the bidi controls.
TERMINAL_CONTROLS = re.compile(
    rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)


def run_script(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("METROTUI_")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "xdg"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    return subprocess.run(
        [str(METROTUI), *args], env=env, cwd=tmp_path, capture_output=True, timeout=30
    )


@pytest.mark.parametrize(
    ("args", "code", "shown"),
    [
        pytest.param(
            ["validate", f"{EVIL}.json"], 2, b"evilname.json: no such file", id="validate"
        ),
        pytest.param(["validate", "{folder}"], 2, b"evilname", id="validate-folder"),
        pytest.param(["--curriculum", f"{EVIL}.json", "status"], 2, b"no such file", id="curr"),
        pytest.param(["--curriculum", "{folder}", "status"], 2, b"is a directory", id="curr-dir"),
        pytest.param(["status", EVIL], 2, b"unexpected extra argument", id="extra-arg"),
        pytest.param([EVIL], 2, b"No such command", id="command"),
        pytest.param(["status", f"--{EVIL}"], 2, b"No such option", id="option"),
        pytest.param(["done", EVIL], 2, b"unknown station or topic", id="id"),
        pytest.param(["status", "--path", EVIL], 2, b"unknown path", id="path"),
        pytest.param(["export", "--format", EVIL], 2, b"is not one of", id="choice"),
        pytest.param(["import", f"{EVIL}.json"], 2, b"cannot read evilname.json", id="import"),
        pytest.param(["export", "-o", "{folder}/x.md"], 0, b"evilname/x.md", id="export"),
        pytest.param(["export", "-o", "{folder}/no/x.md"], 2, b"write", id="export-fails"),
        pytest.param(["--progress", f"{EVIL}.json", "where"], 0, b"evilname.json", id="where"),
    ],
)
def test_names_and_arguments_echoed_in_messages_carry_no_controls(
    args: list[str], code: int, shown: bytes, tmp_path: Path
) -> None:
    folder = tmp_path / EVIL
    folder.mkdir()
    result = run_script([arg.replace("{folder}", str(folder)) for arg in args], tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == code, output
    assert shown in output, output
    assert not TERMINAL_CONTROLS.search(output), output
    assert b"PWNED" not in output or b"\\x1b]2;PWNED" in output  # gone, or quoted inert
    assert b"Traceback" not in output


def test_a_valid_curriculum_with_a_hostile_name_is_named_cleanly(tmp_path: Path) -> None:
    named = tmp_path / f"{EVIL}.json"
    named.write_bytes(HOSTILE.read_bytes())
    for args in (["validate", str(named)], ["--curriculum", str(named), "where"]):
        result = run_script(args, tmp_path)
        assert result.returncode == 0, result.stderr
        assert b"evilname.json" in result.stdout
        assert not TERMINAL_CONTROLS.search(result.stdout + result.stderr), result.stdout


async def test_the_app_names_a_hostile_progress_file_cleanly(
    genai: Curriculum, tmp_path: Path
) -> None:
    # A symlink loop cannot be read: the app opens and says so, naming the file.
    loop = tmp_path / f"{EVIL}.json"
    loop.symlink_to(loop.name)
    app = MetroApp(genai, loop, ui_state_path=tmp_path / "ui.json", watch_interval=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("evilname.json is a symlink" in m for m in messages), messages
        assert not any(FORBIDDEN.search(m) for m in messages), messages
        assert_inert(screen_strips(app))


# JSON and Markdown output (item 3) ---------------------------------------------------------

# A note as an import might bring it: C1 controls, bidi overrides, DEL, invisible text.
HOSTILE_NOTE = "Read \u009d2;x\u009c this \u202eesrever\u202c, \x7f\u200b\u2060\U000e0041 ok"


def progress_with_note(config: Path, text: str, stamp: str = "2026-11-01T10:00:00.000Z") -> Path:
    path = config / "metrotui" / "progress" / "genai-metromap.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = {
        "schema_version": 1,
        "curriculum": "genai-metromap",
        "done": {"linear-algebra": stamp},
        "notes": {"math-basics": {"text": text, "updated": stamp}},
    }
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def test_json_export_escapes_controls_and_reads_back_unchanged(tmp_path: Path) -> None:
    progress_with_note(tmp_path / "xdg", HOSTILE_NOTE)
    result = run_script(["export", "--format", "json"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert not TERMINAL_CONTROLS.search(result.stdout), result.stdout
    for raw in ("\u009d", "\u009c", "\u202e", "\u200b", "\U000e0041"):
        assert raw.encode() not in result.stdout
    # Escaped, not dropped: the export holds the note exactly, and imports back as it.
    exported = json.loads(result.stdout)
    assert exported["notes"]["math-basics"]["text"] == HOSTILE_NOTE
    (tmp_path / "export.json").write_bytes(result.stdout)
    (tmp_path / "xdg").rename(tmp_path / "old-xdg")
    assert run_script(["import", "export.json"], tmp_path).returncode == 0
    again = json.loads(run_script(["export", "--format", "json"], tmp_path).stdout)
    assert again["notes"] == exported["notes"]


def test_json_output_keeps_readable_unicode(tmp_path: Path) -> None:
    progress_with_note(tmp_path / "xdg", "Café · 日本語 → ✓ 👩‍💻")
    result = run_script(["export", "--format", "json"], tmp_path)
    assert "Café · 日本語 → ✓ 👩".encode() in result.stdout  # not \\u escapes
    assert json.loads(result.stdout)["notes"]["math-basics"]["text"] == "Café · 日本語 → ✓ 👩‍💻"


def test_stats_json_escapes_controls_in_times_from_the_file(tmp_path: Path) -> None:
    progress_with_note(tmp_path / "xdg", "plain", stamp="2026-11-01\u009d\u202eT10:00")
    result = run_script(["stats", "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert not TERMINAL_CONTROLS.search(result.stdout), result.stdout
    left_out = json.loads(result.stdout)["left_out"]
    assert left_out == [{"topic": "linear-algebra", "time": "2026-11-01\u009d\u202eT10:00"}]


def test_markdown_export_strips_controls_and_invisible_text(tmp_path: Path) -> None:
    progress_with_note(tmp_path / "xdg", HOSTILE_NOTE)
    result = run_script(["export"], tmp_path)
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert "> Read  this esrever,  ok" in text  # the C1 OSC goes whole, as in curricula
    assert not FORBIDDEN.search(text) and not INVISIBLE.search(text), text


# Invisible text (item 4) -------------------------------------------------------------------

INVISIBLE = re.compile("[\u00ad\u061c\u200b\u200c\u200d\u2060\ufeff\U000e0000-\U000e007f]")


def curriculum_with_title(title: str, station_title: str = "First") -> dict[str, Any]:
    raw = json.loads(HOSTILE.read_text(encoding="utf-8"))
    raw["title"] = title
    raw["stations"][0]["title"] = station_title
    return raw


@pytest.mark.parametrize(
    "title",
    [
        pytest.param("\u200b\u200b\u200b", id="zero-width-spaces"),
        pytest.param("\u200c\u200d\u2060\ufeff", id="joiners-and-bom"),
        pytest.param("\u00ad \u061c", id="soft-hyphen-and-letter-mark"),
        pytest.param("\U000e0041\U000e0042\U000e007f", id="tag-characters"),
    ],
)
def test_a_title_of_invisible_characters_is_empty(title: str, tmp_path: Path) -> None:
    path = tmp_path / "invisible.json"
    path.write_text(json.dumps(curriculum_with_title("Map", title)), encoding="utf-8")
    result = run_script(["validate", str(path)], tmp_path)
    assert result.returncode == 2, result.stdout
    assert b"stations[0].title: must not be empty" in result.stderr


def test_invisible_characters_are_removed_from_what_is_shown(tmp_path: Path) -> None:
    hidden = "Mi\u200bxed \u061cin\u2060vis\u00adible \ufefftags\U000e0041\U000e007f"
    path = tmp_path / "hidden.json"
    path.write_text(
        json.dumps(curriculum_with_title(hidden, "Coder 👩‍💻 ok\u200d.")), encoding="utf-8"
    )
    validate = run_script(["validate", str(path)], tmp_path)
    assert validate.returncode == 0, validate.stderr
    assert b"valid: 'Mixed invisible tags'" in validate.stdout
    status = run_script(["--curriculum", str(path), "status"], tmp_path)
    shown = status.stdout.decode()
    assert "Mixed invisible tags" in shown
    # The joiner inside the emoji is what makes one picture of it: it stays.
    assert "Coder 👩‍💻 ok." in shown
    assert not INVISIBLE.search(shown.replace("👩‍💻", "")), shown
