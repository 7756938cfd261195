"""Parse trainer YAML into typed models, collecting every problem with its line and column.

PyYAML's composer gives each node a position; we keep a map from key path to the position of
the key and of the value, then translate pydantic's error locations through it.
"""

from __future__ import annotations

import bisect
import re
import typing
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from roleplay.domain.partial import relevant, stand_in_free, valid_part
from roleplay.domain.positions import Path, Positions
from roleplay.domain.problems import Finding, InvalidFile, Problem, format_path
from roleplay.domain.rep_name import JOINERS, ZERO_WIDTH, hidden_in_name
from roleplay.domain.rubric import Rubric, check_rubric
from roleplay.domain.scenario import SLUG_PATTERN, Scenario, check_scenario
from roleplay.domain.signals import ONE_LINE_PATTERN
from roleplay.domain.suggest import did_you_mean
from roleplay.domain.text import bidi_controls, character_name

M = TypeVar("M", bound=BaseModel)


# libyaml's parser (bundled with PyYAML's wheels) is ~10x faster and gives the same positions.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# Bounds on the work one trainer file may cause. A compose tree shares alias nodes, so a few
# hundred bytes of nested aliases expand to billions of values when walked (FINDINGS.md): the
# expanded size is counted from the event stream before anything is walked. The bundled files
# have a few thousand values and a nesting depth below 15.
MAX_VALUES = 200_000
MAX_DEPTH = 100


class _Duplicate(Exception):
    def __init__(self, path: Path, line: int, col: int) -> None:
        self.path, self.line, self.col = path, line, col


class _BadValue(Exception):
    """A value that cannot be built (an unknown tag, a 5,000-digit number), with its position."""

    def __init__(self, path: Path, line: int, col: int, message: str, hint: str | None) -> None:
        self.path, self.line, self.col, self.message, self.hint = path, line, col, message, hint


def parse_yaml(text: str, file: str) -> tuple[Any, Positions]:
    """YAML text -> plain data and positions; raises InvalidFile on syntax errors and on files
    whose aliases, nesting or values would take unbounded work."""
    at = _editor_position(text)
    try:
        _check_bounds(text, file)
        node = yaml.compose(text, Loader=_LOADER)
    except InvalidFile as exc:
        moved = [(p, at(p.line, p.column)) for p in exc.problems]
        raise InvalidFile([replace(p, line=line, column=col) for p, (line, col) in moved]) from None
    except yaml.MarkedYAMLError as exc:
        raise InvalidFile([_syntax_problem(exc, text, file)]) from None
    except yaml.reader.ReaderError as exc:
        raise InvalidFile([_reader_problem(exc, text, file)]) from None
    except yaml.YAMLError as exc:
        raise InvalidFile([Problem(file, 1, 1, "(syntax)", f"not valid YAML: {exc}")]) from None
    if node is None:
        # Say what to do: a new trainer meets this first (an editor's new file).
        hint = "start from `roleplay new scenario NAME` or `roleplay new rubric NAME`, or delete it"
        raise InvalidFile([Problem(file, 1, 1, "(top level)", "the file is empty", hint)])
    positions = Positions()
    constructor = yaml.SafeLoader("")
    try:
        data = _build(node, (), positions, constructor)
    except _Duplicate as dup:
        raise InvalidFile(
            [
                Problem(
                    file,
                    *at(dup.line, dup.col),
                    format_path(dup.path),
                    "this key appears twice",
                    "keep one of them",
                )
            ]
        ) from None
    except _BadValue as bad:
        where = format_path(bad.path)
        problem = Problem(file, *at(bad.line, bad.col), where, bad.message, bad.hint)
        raise InvalidFile([problem]) from None
    except yaml.MarkedYAMLError as exc:  # e.g. a merge key (<<) on something not a mapping
        mark = exc.problem_mark or exc.context_mark
        line, col = at(mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise InvalidFile([Problem(file, line, col, "(syntax)", str(exc.problem or exc))]) from None
    if at is not _same:
        positions.values = {k: at(*v) for k, v in positions.values.items()}
        positions.keys = {k: at(*v) for k, v in positions.keys.items()}
    return data, positions


# YAML also breaks lines at NEL (U+0085) and the line and paragraph separators (U+2028/9), which
# editors show inside a line (pasted from a PDF or a word processor): every line number YAML
# gives after one would be off by one per separator.
_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")


def _same(line: int, col: int) -> tuple[int, int]:
    return line, col


def _editor_position(text: str) -> Callable[[int, int], tuple[int, int]]:
    """YAML's (line, column) -> the (line, column) an editor shows, both 1-based."""
    if _YAML_ONLY_BREAKS.search(text) is None:
        return _same
    starts = [0] + [m.end() for m in re.finditer("\r\n|[\r\n\x85\u2028\u2029]", text)]
    editor = [0] + [m.end() for m in re.finditer("\r\n|[\r\n]", text)]

    def at(line: int, col: int) -> tuple[int, int]:
        offset = starts[min(max(line, 1), len(starts)) - 1] + col - 1
        row = bisect.bisect_right(editor, offset)
        return row, offset - editor[row - 1] + 1

    return at


def _check_bounds(text: str, file: str) -> None:
    """Walk the parser's events once (libyaml's parser keeps its own stack, no recursion):
    refuse nesting deeper than MAX_DEPTH and aliases that expand past MAX_VALUES, at the
    line and column where it happens."""
    sizes: dict[str, int] = {}  # anchor -> values it stands for
    stack: list[list[Any]] = [[0, None]]  # per open collection: [values so far, its anchor]
    total = 0
    for event in yaml.parse(text, Loader=_LOADER):
        line, column = _where(event.start_mark)
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) > MAX_DEPTH:
                raise InvalidFile(
                    [
                        Problem(
                            file,
                            line,
                            column,
                            "(nesting)",
                            f"nested more than {MAX_DEPTH} levels deep",
                            "a scenario or rubric needs a handful of levels; flatten this part",
                        )
                    ]
                )
            stack.append([1, event.anchor])
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            size, anchor = stack.pop()
            stack[-1][0] += size
            if anchor is not None:
                sizes[anchor] = size
            continue
        if isinstance(event, yaml.ScalarEvent):
            size = 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in sizes:
                open_anchors = {a for _, a in stack}
                what = (
                    "refers to the value it is inside of (a loop)"
                    if event.anchor in open_anchors
                    else "refers to an anchor that is not defined above it"
                )
                raise InvalidFile(
                    [
                        Problem(
                            file,
                            line,
                            column,
                            "(alias)",
                            f"alias *{event.anchor} {what}",
                            "write the value out instead of using an alias",
                        )
                    ]
                )
            size = sizes[event.anchor]
        else:
            continue
        stack[-1][0] += size
        total += size
        if total > MAX_VALUES:
            raise InvalidFile(
                [
                    Problem(
                        file,
                        line,
                        column,
                        "(alias)" if isinstance(event, yaml.AliasEvent) else "(size)",
                        f"this file expands to more than {MAX_VALUES:,} values"
                        + (" through its aliases" if sizes else ""),
                        "write the values out instead of nesting aliases (*name)"
                        if sizes
                        else "split the file",
                    )
                ]
            )


def _caret(char: int) -> str:
    """How an editor shows a control character: ^G for BEL (U+0007), ^[ for ESC."""
    return f"^{chr(char ^ 0x40)}" if char < 0x20 or char == 0x7F else f"<{char:02x}>"


def _odd_space(row: str) -> tuple[int, str] | None:
    """Where a row holds a space character YAML does not count as one (outside a comment)."""
    code = row.split(" #", 1)[0]
    for at, ch in enumerate(code):
        if ch != " " and (unicodedata.category(ch) == "Zs" or ch in "\u200b\ufeff\x85\u2028\u2029"):
            return at, ch
    return None


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, file: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = _editor_position(text)(mark.line + 1, mark.column + 1) if mark else (1, 1)
    message = f"not valid YAML: {exc.problem or exc}"
    lines = text.split("\n")
    row = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in row[: len(row) - len(row.lstrip(" \t"))]:
        # libyaml says "cannot start any token" for a tab that indents a key: name the tab.
        return Problem(
            file,
            line,
            row.index("\t") + 1,
            "(syntax)",
            "a tab character in the indentation: YAML indents with spaces only",
            "replace the tab with spaces (most editors have a setting to insert spaces for Tab)",
        )
    # A no-break space (copied from a word processor or a web page) looks like a space, but
    # YAML does not take it for one: "difficulty:\u00a02" is a key with no ':'. libyaml
    # notices on the next line, so the line before is looked at too.
    # A line separator is often noticed lines later (it ends a block of text early).
    separated = [
        n for n in range(min(line, len(lines)), 0, -1) if _YAML_ONLY_BREAKS.search(lines[n - 1])
    ]
    for number in (line, line - 1, *separated[:1]):
        odd = _odd_space(lines[number - 1]) if 0 < number <= len(lines) else None
        if odd is not None:
            at, ch = odd
            name = unicodedata.name(ch, "next line").lower()
            why = (
                "an editor shows nothing there, but YAML reads it as a line break"
                if _YAML_ONLY_BREAKS.match(ch)
                else "it looks like a space, but YAML does not read it as one"
            )
            return Problem(
                file,
                number,
                at + 1,
                "(syntax)",
                f"{message}: column {at + 1} holds a {name} (U+{ord(ch):04X}); {why}",
                "replace it with a plain space",
            )
    # An unclosed quote is reported where the parser finally gives up, often many lines
    # later; point at the line that opened it instead.
    for number, raw in enumerate(text.splitlines()[: max(line - 1, 0)], 1):
        code = raw.split(" #", 1)[0]
        if code.replace('\\"', "").count('"') % 2 == 1:
            return Problem(
                file,
                number,
                code.index('"') + 1,
                "(syntax)",
                f"{message} (noticed at line {line})",
                "this quote is not closed on its line; close it or use a block scalar (>-)",
            )
    return Problem(
        file, line, col, "(syntax)", message, "check indentation and quoting around this point"
    )


def _where(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _reader_problem(exc: yaml.reader.ReaderError, text: str, file: str) -> Problem:
    """The reader reports a character offset (a byte offset with libyaml); make it line:col."""
    before = text[: exc.position]
    if _LOADER is not yaml.SafeLoader:
        before = text.encode("utf-8")[: exc.position].decode("utf-8", "ignore")
    line = before.count("\n") + 1
    col = len(before) - (before.rfind("\n") + 1) + 1
    char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return Problem(
        file,
        line,
        col,
        "(syntax)",
        f"control character U+{char:04X} is not allowed in a YAML file",
        f"delete it: an editor may show it as {_caret(char)} or a box; inside double quotes "
        f"you can write it as \\x{char:02x} if you really mean it",
    )


_PLAIN_TAGS: dict[type[yaml.Node], str] = {
    yaml.MappingNode: "tag:yaml.org,2002:map",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
}


def _build(node: yaml.Node, path: Path, pos: Positions, c: yaml.SafeLoader) -> Any:
    pos.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    plain = _PLAIN_TAGS.get(type(node))
    if plain is not None and node.tag != plain:  # `!!python/object/apply:... [..]`, `!!set`
        _refuse_tag(node, path)
    if isinstance(node, yaml.MappingNode):
        c.flatten_mapping(node)  # resolve YAML merge keys (<<) like the safe loader does
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, c, path)
            if not isinstance(key, str | int | float | bool) or key is None:
                key = str(key)
            sub = (*path, key if isinstance(key, str | int) else str(key))
            if key in out:
                raise _Duplicate(sub, key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            pos.keys[sub] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _build(value_node, sub, pos, c)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), pos, c) for i, item in enumerate(node.value)]
    return _scalar(node, c, path)


def _scalar(node: yaml.Node, c: yaml.SafeLoader, path: Path) -> Any:
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    try:
        return c.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError:
        _refuse_tag(node, path)
    except ValueError as exc:  # e.g. a number past Python's 4,300-digit limit
        shown = str(node.value)
        shown = shown if len(shown) <= 20 else f"{shown[:8]}...({len(shown)} characters)"
        raise _BadValue(
            path,
            line,
            col,
            f"cannot read the value {shown}: {str(exc).split(';')[0]}",
            "quote it if it is text; numbers in trainer files are small",
        ) from None


def _refuse_tag(node: yaml.Node, path: Path) -> typing.NoReturn:
    tag = str(node.tag)
    short = "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml") else tag
    if short.startswith("!!python/"):
        message = f"the tag {short} would run Python code; trainer files hold data only"
    else:
        message = f"unknown tag {short}; trainer files use plain text, numbers, lists and maps"
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    raise _BadValue(path, line, col, message, "remove the tag (the text starting with !)")


def _describe_input(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if value is None:
        return "nothing"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _fields_at(model: type[BaseModel], loc: Path) -> list[str]:
    """Field names allowed at `loc` inside `model` (for did-you-mean on unknown keys)."""
    tp: Any = model
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            f = tp.model_fields.get(str(part))
            if f is None:
                return []
            tp = f.annotation
        else:
            origin = typing.get_origin(tp)
            args = typing.get_args(tp)
            if origin is list and args:
                tp = args[0]
            elif origin is dict and len(args) == 2:
                tp = args[1]
            else:
                return []
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return []


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if origin in (typing.Union, __import__("types").UnionType) and len(args) == 1:
            tp = args[0]
            continue
        return tp


_EXPECTED = {
    "missing": "this key is required",
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "list_type": "expected a list (lines starting with '- ')",
    "dict_type": "expected a mapping (key: value lines)",
    "model_type": "expected a mapping (key: value lines)",
    "model_attributes_type": "expected a mapping (key: value lines)",
    "bool_type": "expected true or false",
}


def _problem_from_error(
    err: Any, model: type[BaseModel], data: Any, file: str, pos: Positions
) -> Problem:
    loc: Path = tuple(p for p in err["loc"] if isinstance(p, str | int))
    # pydantic adds a synthetic loc segment for dict keys: `variations.mood.[key]`
    loc = tuple(p for p in loc if p != "[key]")
    etype = err["type"]
    if etype == "extra_forbidden":
        key = loc[-1] if loc else "?"
        line, col = pos.of(loc)
        allowed = _fields_at(model, loc[:-1])
        hint = did_you_mean(str(key), allowed)
        return Problem(
            file,
            line,
            col,
            format_path(loc),
            f"unknown key '{key}'",
            f"did you mean '{hint}'?"
            if hint
            else ("allowed here: " + ", ".join(allowed))
            if allowed
            else None,
        )
    line, col = pos.of(loc)
    if etype == "missing":
        parent = loc[:-1]
        line, col = pos.of(parent)
        return Problem(
            file,
            line,
            col,
            format_path(loc),
            f"missing required key '{loc[-1]}'",
            _missing_hint(model, parent, str(loc[-1])),
        )
    message = _EXPECTED.get(etype) or _with_context(etype, err.get("ctx") or {}) or err["msg"]
    if etype.startswith("value_error"):
        message = err["msg"].removeprefix("Value error, ")
    got = err.get("input", None)
    if etype not in ("missing",) and not etype.startswith("value_error"):
        message = f"{message}, got {_describe_input(got)}"
    hint = None
    if etype == "string_pattern_mismatch" and (err.get("ctx") or {}).get("pattern") == SLUG_PATTERN:
        hint = _slug_hint(got)
    if etype == "string_too_long" and tuple(loc) == ("id",):
        hint = "the id names the file and every session of it: shorten it, and the file's name"
    if etype in ("int_parsing", "float_parsing") and isinstance(got, str):
        number = _NUMBER_WORDS.get(got.strip().lower())
        hint = f"write it as a number: {number}" if number is not None else None
    return Problem(file, line, col, format_path(loc), message, hint)


_NUMBER_WORDS = {
    word: n
    for n, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
}


def _slug_hint(got: Any) -> str | None:
    """What to write instead of an id that is not one. A look-alike letter ('е', Cyrillic)
    or an invisible character prints just like the id it spoils, so it is named."""
    if not isinstance(got, str):
        return None
    for n, ch in enumerate(got, 1):
        if ch.isascii():
            continue
        name = unicodedata.name(ch, f"U+{ord(ch):04X}")
        code = f"U+{ord(ch):04X} {name}"
        if unicodedata.category(ch) in {"Cf", "Zs", "Zl", "Zp", "Mn"}:
            return f"character {n} is an invisible {code}: delete it"
        return f"character {n} is '{ch}', {code}, not a plain letter: retype it"
    slug = re.sub(r"[^a-z0-9]+", "-", got.lower()).strip("-")
    return f"write '{slug}'" if slug and slug != got else None


def _with_context(etype: str, ctx: dict[str, Any]) -> str | None:
    if etype == "less_than_equal":
        return f"expected at most {ctx.get('le')}"
    if etype == "less_than":
        return f"expected less than {ctx.get('lt')}"
    if etype == "greater_than_equal":
        return f"expected at least {ctx.get('ge')}"
    if etype == "greater_than":
        return f"expected more than {ctx.get('gt')}"
    if etype == "too_short":
        n = ctx.get("min_length")
        return f"expected at least {n} item{'s' if n != 1 else ''}"
    if etype == "too_long":
        n = ctx.get("max_length")
        return f"expected at most {n} item{'s' if n != 1 else ''}"
    if etype == "string_too_short":
        return "expected non-empty text"
    if etype == "string_too_long":  # an id: it names the file and every session of it
        return f"expected at most {ctx.get('max_length')} characters"
    if etype == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if pattern == ONE_LINE_PATTERN:
            return "expected one line of text (titles and names are shown one per line)"
        if pattern == SLUG_PATTERN:
            return "expected an id of lower-case letters, digits and '-' (e.g. price-objection)"
        if pattern.startswith("^[a-z]{2,3}"):
            return "expected a BCP-47 language tag such as en, en-GB or nb"
        if pattern.startswith("^[a-z_]"):
            return "expected a placeholder name of lower-case letters, digits and _"
        return f"expected text matching {pattern}"
    if etype == "literal_error":
        return f"expected one of {ctx.get('expected')}"
    return None


def _missing_hint(model: type[BaseModel], parent: Path, key: str) -> str | None:
    tp: Any = model
    for part in parent:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel) and str(part) in tp.model_fields:
            tp = tp.model_fields[str(part)].annotation
        else:
            args = typing.get_args(tp)
            tp = args[-1] if args else None
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel) and key in tp.model_fields:
        desc = tp.model_fields[key].description
        return f"{key}: {desc}" if desc else None
    return None


def load_model(
    text: str,
    file: str,
    model: type[M],
    semantic_check: Callable[[M], list[Finding]] | None = None,
) -> tuple[M, Positions]:
    """Parse and validate; raises InvalidFile with every problem found, ordered by line."""
    data, pos = parse_yaml(text, file)
    if not isinstance(data, dict):
        raise InvalidFile(
            [
                Problem(
                    file,
                    *pos.of(()),
                    "(top level)",
                    "expected a mapping of keys like 'id:' and 'title:', "
                    f"got {_describe_input(data)}",
                )
            ]
        )
    hidden = _bidi_problems(text, data, pos, file)
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        errors = _merge_misspellings(exc.errors(), model)
        problems = [_problem_from_error(e, model, data, file, pos) for e in errors] + hidden
        # Reference problems in the valid part are reported in the same run.
        part = valid_part(model, data, exc.errors())
        if part is not None and semantic_check is not None:
            partial, dropped, translate = part
            found = relevant(semantic_check(partial), data, dropped, translate)
            other = valid_part(model, data, exc.errors(), high=True)
            if other is not None and found:
                found = stand_in_free(found, relevant(semantic_check(other[0]), data, *other[1:]))
            problems += [
                Problem(file, *pos.of(path), format_path(path), msg, hint)
                for path, msg, hint in found
            ]
        error = InvalidFile(sorted(set(problems), key=lambda p: (p.line, p.column)))
        error.partial = part[0] if part is not None else None
        if any(tuple(e["loc"])[:1] in {("id",), ("rubric",)} for e in exc.errors()):
            # A stand-in id or rubric ("missing") would be checked against the workspace's
            # files as if written there: "unknown rubric 'missing'" under the real mistake.
            error.partial = None
        error.positions = pos
        raise error from None
    found = semantic_check(obj) if semantic_check is not None else []
    if found or hidden:
        problems = [
            Problem(file, *pos.of(path), format_path(path), msg, hint) for path, msg, hint in found
        ]
        error = InvalidFile(sorted(problems + hidden, key=lambda p: (p.line, p.column)))
        error.partial, error.positions = obj, pos
        raise error
    return obj, pos


# The fields that name a person: an invisible character in one lets the name pass for
# another (domain/rep_name.py, as for a rep's name), bidi control or not.
NAME_FIELDS = {("persona", "name")}
_REORDERS = (
    "an invisible character that reorders the text around it: editors, reviews and terminals "
    "would show other text than what is written"
)
_HIDES = (
    "an invisible character that lets the name pass for another: lists, reviews and "
    "terminals show a name that is not the one written"
)


def _bidi_problems(text: str, data: Any, pos: Positions, file: str) -> list[Problem]:
    """Each key or text value that holds a bidirectional control (U+202E...): invisible,
    and it reorders how the text around it is shown, so a persona's name or a title read in
    an editor, a review or a terminal is not what the rep is shown; and a persona's name
    that holds a zero-width character (U+200B...), which lets it pass for another name.
    Named at the character itself when it is written as it is (else where the value starts:
    an escape, "\\u202e")."""
    written = bidi_controls(text) or any(c in text for c in ZERO_WIDTH + JOINERS)
    if not written and "\\u" not in text and "\\U" not in text:
        return []  # nothing written, nor escaped: no walk of the values
    starts = [0] + [m.end() for m in re.finditer("\r\n|[\r\n]", text)]
    marks = sorted({*pos.keys.values(), *pos.values.values()})
    found: list[Problem] = []

    def offset(line: int, col: int) -> int:
        return starts[min(max(line, 1), len(starts)) - 1] + col - 1

    def check(value: str, path: Path, at: tuple[int, int], what: str) -> None:
        where, harm = bidi_controls(value), _REORDERS
        if not where and what == "text" and path in NAME_FIELDS:
            where, harm = hidden_in_name(value), _HIDES
        if not where:
            return
        char = value[where[0]]
        start = offset(*at)
        after = bisect.bisect_right(marks, at)  # the next key or value begins this one's end
        end = offset(*marks[after]) if after < len(marks) else len(text)
        raw = text.find(char, start, end)
        if raw >= 0:
            line = bisect.bisect_right(starts, raw)
            at = (line, raw - starts[line - 1] + 1)
        more = f" (and {len(where) - 1} more in this {what})" if len(where) > 1 else ""
        found.append(
            Problem(
                file,
                *at,
                format_path(path),
                f"the {what} holds {character_name(char)}{more}, {harm}",
                f"delete it: editors show nothing there, search for \\u{ord(char):04x}"
                + ("; right-to-left text needs no such character" if harm is _REORDERS else ""),
            )
        )

    def walk(value: Any, path: Path) -> None:
        if isinstance(value, str):
            check(value, path, pos.values.get(path) or pos.of(path), "text")
        elif isinstance(value, dict):
            for key, item in value.items():
                sub = (*path, key)
                if isinstance(key, str):
                    check(key, sub, pos.keys.get(sub) or pos.of(sub), "key")
                walk(item, sub)
        elif isinstance(value, list):
            for n, item in enumerate(value):
                walk(item, (*path, n))

    walk(data, ())
    return found


def _merge_misspellings(errors: list[Any], model: type[BaseModel]) -> list[Any]:
    """A misspelt key shows up twice (unknown 'breif', missing 'brief'): report it once, as
    the unknown key with its did-you-mean."""
    explained: set[Path] = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            loc = tuple(err["loc"])
            hint = did_you_mean(str(loc[-1]), _fields_at(model, loc[:-1]))
            if hint:
                explained.add((*loc[:-1], hint))
    return [e for e in errors if not (e["type"] == "missing" and tuple(e["loc"]) in explained)]


def load_scenario(text: str, file: str) -> tuple[Scenario, Positions]:
    return load_model(text, file, Scenario, check_scenario)


def load_rubric(text: str, file: str) -> tuple[Rubric, Positions]:
    try:
        return load_model(text, file, Rubric, check_rubric)
    except InvalidFile as exc:
        _explain_level_names(exc, text, file)
        raise


_LEVEL_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_LEVEL_NAME = re.compile(r"^criteria\[(\d+)\]\.levels\.(.+)$")


def _explain_level_names(exc: InvalidFile, text: str, file: str) -> None:
    """A level written as a word (`one:`) was only "expected a whole number": say which level
    is now undescribed and what to rename it to, as for a level outside 1-5 (check_rubric)."""
    if not any(_LEVEL_NAME.match(p.path) for p in exc.problems):
        return
    data, _ = parse_yaml(text, file)
    explained = []
    taken: dict[int, set[int]] = {}  # per criterion: the levels described or suggested
    for p in exc.problems:
        found = _LEVEL_NAME.match(p.path)
        criteria = data.get("criteria") if isinstance(data, dict) else None
        i = int(found[1]) if found else -1
        one = criteria[i] if isinstance(criteria, list) and 0 <= i < len(criteria) else None
        levels = one.get("levels") if isinstance(one, dict) else None
        if found is None or not isinstance(levels, dict):
            explained.append(p)
            continue
        used = taken.setdefault(i, {k for k in levels if isinstance(k, int)})
        meant = _LEVEL_WORDS.get(found[2].strip().lower()) or next(
            (int(d) for d in found[2] if d in "12345"), None
        )
        free = [lvl for lvl in (meant, 1, 3, 5, 2, 4) if lvl is not None and lvl not in used]
        if not free:
            hint = f"delete `{found[2]}:`: levels 1 to 5 are all described"
            explained.append(replace(p, message="expected a level from 1 to 5", hint=hint))
            continue
        used.add(free[0])
        message = f"expected a level from 1 to 5, got '{found[2]}'"
        message += f"; level {free[0]} is not described"
        hint = f"rename `{found[2]}:` to `{free[0]}:`"
        explained.append(replace(p, message=message, hint=hint))
    exc.problems = explained
    exc.args = ("\n".join(str(p) for p in explained),)
