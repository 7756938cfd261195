"""A hostile corpus of trainer files: one bad file never hides the others, never hangs and
never eats the machine (issue 11, section 4).

Each case drops one bad file into a workspace that also holds a good scenario and rubric,
then runs the real CLI in a child process with a memory cap (RLIMIT_AS) and a generous
timeout. It asserts the message (file:line:col where the file has one), the exit code, and
that the good scenario still loads in `validate`, `scenarios` and the Library's catalog.
Nothing here measures speed: the caps only turn a hang or a blow-up into a failure.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import roleplay
from roleplay.composition import build
from roleplay.config import Settings

DATA = Path(__file__).parent / "data" / "valid"
SRC = str(Path(roleplay.__file__).resolve().parents[1])
MEMORY_CAP = 1 << 30  # 1 GiB of address space: the alias bomb used to take 1.6-2.9 GB
TIMEOUT = 120  # seconds; a FIFO or a backtracking pattern used to hang forever

MINI = (DATA / "scenarios" / "mini.yaml").read_text()


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def roleplay_cli(ws: Path, *args: str, input: str = "") -> subprocess.CompletedProcess[str]:
    """The real CLI in a child with capped memory; a hang fails the test at TIMEOUT."""
    code = "from roleplay.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, "--workspace", str(ws), *args],
        input=input,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=_cap_memory,
        env={**os.environ, "PYTHONPATH": SRC},
        cwd=ws,
    )


def _alias_bomb(levels: int) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnop"
    for i in range(1, levels):
        refs = ",".join(f"*{names[i - 1]}" for _ in range(9))
        lines.append(f"{names[i]}: &{names[i]} [{refs}]")
    return "\n".join(lines) + "\n"


def _mini_with(old: str, new: str) -> str:
    assert old in MINI
    return MINI.replace("id: mini\n", "id: mini-bad\n", 1).replace(old, new, 1)


def _pattern(pattern: str) -> str:
    """The mini scenario with one more signal pattern, on line 21 column 28."""
    quoted = "'" + pattern.replace("'", "''") + "'"
    return _mini_with(
        "      signals: {phrases: [morning, dispatch, routes], questions: open}",
        f"      signals: {{patterns: [{quoted}]}}",
    )


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], None]  # writes the hostile file(s) under the workspace
    expect: list[str]  # lines (or parts) `validate` must print, "{f}" is the file shown
    file: str = "scenarios/bad.yaml"


def _write(text: str | bytes, name: str = "scenarios/bad.yaml") -> Callable[[Path], None]:
    def make(ws: Path) -> None:
        path = ws / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")

    return make


def _symlink_loop(ws: Path) -> None:
    (ws / "scenarios" / "bad.yaml").symlink_to("other.link")
    (ws / "scenarios" / "other.link").symlink_to("bad.yaml")


def _fifo(ws: Path) -> None:
    os.mkfifo(ws / "scenarios" / "bad.yaml")


def _deep_block(depth: int) -> str:
    return "".join(f"{'  ' * i}k{i}:\n" for i in range(depth)) + f"{'  ' * depth}v\n"


def _many_errors(ws: Path) -> None:
    facts = "".join(f"  - id: f{i}\n    fact: 1\n    colour: red\n" for i in range(200))
    (ws / "scenarios" / "bad.yaml").write_text(
        MINI.replace("id: mini\n", "id: mini-bad\n", 1).replace("facts:\n", "facts:\n" + facts, 1)
    )


CASES = [
    Case(
        "alias bomb, 9 levels",
        _write(_alias_bomb(9)),
        ["{f}:6:11: (alias): this file expands to more than 200,000 values through its aliases"],
    ),
    Case(
        "alias bomb in the rubrics folder",
        _write(_alias_bomb(7), "rubrics/bad.yaml"),
        ["{f}:6:11: (alias): this file expands to more than 200,000 values"],
        file="rubrics/bad.yaml",
    ),
    Case(
        "an alias inside itself",
        _write("id: x\nloop: &a [1, *a]\n"),
        ["{f}:2:14: (alias): alias *a refers to the value it is inside of (a loop)"],
    ),
    Case(
        "an alias with no anchor",
        _write("id: x\ntitle: *nowhere\n"),
        ["{f}:2:8: (alias): alias *nowhere refers to an anchor that is not defined above it"],
    ),
    Case(
        "merge keys that multiply",
        _write(
            "a: &a {"
            + ", ".join(f"k{i}: {i}" for i in range(60))
            + "}\n"
            + "".join(
                f"m{j}: &m{j} [" + ", ".join(["*" + ("a" if j == 0 else f"m{j - 1}")] * 60) + "]\n"
                for j in range(3)
            )
        ),
        ["{f}:3:", "(alias): this file expands to more than 200,000 values"],
    ),
    Case(
        "5,000 nested flow lists",
        _write("id: x\ndeep: " + "[" * 5000 + "]" * 5000 + "\n"),
        ["{f}:2:", "(syntax): not valid YAML: exceeded maximum nesting depth"],
    ),
    Case(
        "150 nested block mappings",
        _write(_deep_block(150)),
        ["{f}:101:201: (nesting): nested more than 100 levels deep"],
    ),
    Case(
        "a symlink loop",
        _symlink_loop,
        ["{f}: (file): a symbolic link that loops (it points back to itself)"],
    ),
    Case(
        "a link to itself",
        lambda ws: (ws / "scenarios" / "bad.yaml").symlink_to("bad.yaml"),
        ["{f}: (file): a symbolic link that loops"],
    ),
    Case(
        "a link to a file that is gone",
        lambda ws: (ws / "scenarios" / "bad.yaml").symlink_to(ws / "nowhere.yaml"),
        ["{f}: (file): no such file (a link to a file that is gone?)"],
    ),
    Case(
        "a FIFO",
        _fifo,
        ["{f}: (file): is a named pipe (FIFO), not a regular file"],
    ),
    Case(
        "a folder named like a file",
        lambda ws: (ws / "scenarios" / "bad.yaml").mkdir(),
        ["{f}: (file): is a folder, not a file"],
    ),
    Case(
        "a 2 MB file",
        _write("# padding\n" * 210_000),
        ["{f}: (file): is 2,100,000 bytes; trainer files are at most 1,048,576"],
    ),
    Case(
        "a 5,000-digit number",
        _write(_mini_with("version: 1", "version: " + "9" * 5000)),
        ["{f}:3:10: version: cannot read the value 99999999...(5000 characters)"],
    ),
    Case(
        "5,000 nested parentheses in a pattern",
        _write(_pattern("(" * 5000 + "a" + ")" * 5000)),
        ["{f}:21:", "the pattern is 10,001 characters long; at most 4,000"],
    ),
    Case(
        "60 nested parentheses in a pattern",
        _write(_pattern("(" * 60 + "a" + ")" * 60)),
        ["{f}:21:", "the pattern nests groups 60 deep; at most 20"],
    ),
    Case(
        "(a+)+$ in a pattern",
        _write(_pattern("(a+)+$")),
        ["{f}:21:28: facts[0].earn.signals.patterns[0]: a repetition inside a repetition"],
    ),
    Case(
        "(a|aa)+ in a pattern",
        _write(_pattern("^(a|aa)+$")),
        ["{f}:21:28: ", "alternatives can match the same text"],
    ),
    Case(
        r"\w*\w* in a pattern",
        _write(_pattern(r"\w*\w*!")),
        ["{f}:21:28: ", "two repetitions in a row that can match the same characters"],
    ),
    Case(
        "(?:a?a)* in a pattern",
        _write(_pattern("^(?:a?a)*$")),
        ["{f}:21:28: ", "an optional part inside a repetition"],
    ),
    Case(
        ".*a.*b.*c in a pattern (6 s on a 500-character line)",
        _write(_pattern(".*price.*budget.*cut")),
        ["{f}:21:28: ", "3 repetitions like .* that run across words (at most 1; 2 when"],
    ),
    Case(
        "a back-reference in a pattern",
        _write(_pattern(r"(\w)\1")),
        ["{f}:21:28: ", r"back-references (\1, (?P=name)) are not allowed"],
    ),
    Case(
        "!!python/name",
        _write(_mini_with("title: Mini scenario", "title: !!python/name:os.system x")),
        ["{f}:2:8: title: the tag !!python/name:os.system would run Python code"],
    ),
    Case(
        "!!python/object/apply",
        _write("id: x\ntitle: !!python/object/apply:os.system ['touch pwned']\n"),
        ["{f}:2:8: title: the tag !!python/object/apply:os.system would run Python code"],
    ),
    Case(
        "an unknown tag",
        _write(_mini_with("title: Mini scenario", "title: !include other.yaml")),
        ["{f}:2:8: title: unknown tag !include; trainer files use plain text, numbers"],
    ),
    Case(
        "an escape sequence that writes the clipboard (OSC 52)",
        _write(_mini_with("title: Mini scenario", "title: Mini \x1b]52;c;cm0gLXJmIH4=\x07")),
        ["{f}:2:13: (syntax): control character U+001B is not allowed in a YAML file"],
    ),
    Case(
        "a NUL byte after non-ASCII text",
        _write("id: x\ntitle: Blåbær\x00\n"),
        ["{f}:2:14: (syntax): control character U+0000 is not allowed in a YAML file"],
    ),
    Case(
        "invalid UTF-8",
        _write(b"id: x\ntitle: caf\xe9\n"),
        ["{f}:2:11: (file): not UTF-8 text (byte 0xE9 starts no UTF-8 character)"],
    ),
    Case(
        "two documents in one file",
        _write("id: x\n---\nid: y\n"),
        ["{f}:2:1: (syntax): not valid YAML: but found another document"],
    ),
    Case(
        "800 problems in one file",
        _many_errors,
        [
            "{f}:18:5: facts[0].fact: expected text, got 1",
            "{f}: (more): 780 more problems in this file not shown",
            "800 problem(s) in 1 file(s)",
        ],
    ),
    Case(  # libyaml said only "found character that cannot start any token"
        "a tab in the indentation",
        _write(_mini_with("  name: Dana Whitfield", "\tname: Dana Whitfield")),
        ["{f}:10:1: (syntax): a tab character in the indentation: YAML indents with spaces"],
    ),
]


@pytest.fixture
def ws(mini_workspace: Path) -> Path:
    return mini_workspace


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_hostile_file_is_reported_and_the_others_still_load(ws: Path, case: Case) -> None:
    case.make(ws)
    result = roleplay_cli(ws, "validate")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and not result.stderr.strip(), result.stderr
    assert "\x1b" not in result.stdout and "\x00" not in result.stdout  # never echoed raw
    lines = result.stdout.splitlines()
    for expected in case.expect:
        assert expected.replace("{f}", case.file) in result.stdout, result.stdout
    # Only the hostile file has problems: the good scenario and rubric are fine.
    assert all(line.startswith(case.file) for line in lines[:-1]), result.stdout
    assert lines[-1].endswith("in 1 file(s)"), lines[-1]
    listed = roleplay_cli(ws, "scenarios", "--json")
    assert listed.returncode == 0, listed.stderr
    doc = json.loads(listed.stdout)
    assert [s["id"] for s in doc["scenarios"]] == ["mini"]
    assert [Path(p).name for p in doc["broken"]] == [Path(case.file).name]
    assert not (ws / "pwned").exists()


def test_several_hostile_files_at_once_each_named_the_good_one_loads(ws: Path) -> None:
    for case in (CASES[0], CASES[7], CASES[10], CASES[13], CASES[16], CASES[20]):
        renamed = ws / "scenarios" / "bad.yaml"
        case.make(ws)
        target = ws / "scenarios" / f"{case.name.replace(' ', '-').replace('/', '')[:20]}.yaml"
        renamed.rename(target)
    result = roleplay_cli(ws, "validate")
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "6 problem(s) in 6 file(s)", result.stdout
    catalog = build(ws, settings=Settings(rep="t")).catalog()  # what the Library shows
    assert list(catalog.scenarios) == ["mini"] and len(catalog.broken) == 6


def test_a_backtracking_pattern_cannot_reach_a_call(ws: Path) -> None:
    """`(a+)+$` used to validate, then freeze practice at 100% CPU on a 36-character line."""
    (ws / "scenarios" / "mini.yaml").write_text(_pattern("(a+)+$").replace("mini-bad", "mini"))
    line = "a" * 35 + "!"  # 36 characters that (a+)+$ backtracks on exponentially
    result = roleplay_cli(ws, "practice", "mini", "--text", "--seed", "1", input=f"{line}\n/end\n")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "scenario 'mini' has problems" in result.stderr
    assert "mini.yaml:21:28: facts[0].earn.signals.patterns[0]" in result.stderr
    assert not list(ws.glob("recordings/*/session.json"))


def test_the_library_shows_hostile_keys_as_text_not_markup(ws: Path) -> None:
    """A key like `[/]` in a broken file must not break (or style) the Library's list."""
    import asyncio

    from textual.widgets import Static

    from tests.app_helpers import make_app, settle

    (ws / "scenarios" / "bad.yaml").write_text(MINI.replace("id: mini\n", "id: x\n'[/]': 1\n"))
    _fifo_path = ws / "scenarios" / "fifo.yaml"
    os.mkfifo(_fifo_path)

    async def run() -> str:
        app = make_app(ws)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("f2")
            await settle(pilot)
            box = app.screen.query_one("#problems", Static)
            return str(box.render())  # the text as drawn, markup applied

    shown = asyncio.run(run())
    assert "unknown key '[/]'" in shown
    assert "fifo.yaml: (file): is a named pipe (FIFO)" in shown
