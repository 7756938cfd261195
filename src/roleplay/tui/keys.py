"""The rep's key remapping (`[ui] keys` in config.toml), checked before Textual sees it, and
the words for a theme the app does not have.

Textual takes any keymap without a word: an unknown binding id does nothing, a key it cannot
match ("Ctrl+E", "f99") leaves the action with no key at all, and a key another binding of the
same screen already has silently drops that binding. Here every entry is checked against the
bindings the app really has; a wrong one is said (the entry, what is allowed) and left out, so
its action keeps its default key. Run only when the rep remapped something: it imports every
screen to learn their bindings.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from textual.binding import Binding
from textual.keys import REPLACED_KEYS, Keys, _character_to_key, key_to_character
from textual.screen import Screen

from roleplay.domain.suggest import did_you_mean

SCREEN_MODULES = (
    "roleplay.tui.screens.home",
    "roleplay.tui.screens.library",
    "roleplay.tui.screens.history",
    "roleplay.tui.screens.progress",
    "roleplay.tui.screens.settings",
    "roleplay.tui.screens.team",
    "roleplay.tui.screens.practice",
    "roleplay.tui.screens.scorecard",
    "roleplay.tui.screens.review",
    "roleplay.tui.failures",
)
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
NAMED = frozenset(
    base
    for base in (k.value.rpartition("+")[2] for k in Keys)
    if len(base) > 1 and not base.startswith("<")
)
LIKE = '"f10", "ctrl+e", "shift+tab", "escape", "a" (several: "f10,ctrl+e")'


@dataclass(frozen=True)
class Scope:
    """Bindings that are active together: the app's, and one screen's (Textual's own too)."""

    name: str
    bindings: tuple[Binding, ...]


def scopes(app_class: type) -> list[Scope]:
    app_bindings = _bindings(app_class)
    found = [Scope("every screen", app_bindings)]  # first: a clash there is said as such
    for name in SCREEN_MODULES:
        module = importlib.import_module(name)
        for cls in vars(module).values():
            if isinstance(cls, type) and issubclass(cls, Screen) and cls.__module__ == name:
                label = cls.__name__.removesuffix("Screen") or cls.__name__
                found.append(Scope(f"the {label} screen", (*app_bindings, *_bindings(cls))))
    return found


def _bindings(cls: type) -> tuple[Binding, ...]:
    merged = cls._merged_bindings  # type: ignore[attr-defined]  # Textual's, per class
    return tuple(b for bs in merged.key_to_bindings.values() for b in bs) if merged else ()


def key_problem(key: str) -> str | None:
    """Why `key` is not a key Textual can match, or None."""
    if not key:
        return "an empty key"
    *mods, base = key.split("+") if key != "+" else ("plus",)
    for mod in mods:
        if mod not in MODIFIERS:
            return f"'{mod}' is not a modifier (they are {', '.join(MODIFIERS)}, in lower case)"
    if len(base) == 1 and base.isprintable() and not base.isspace():
        return None
    if base in NAMED or key_to_character(REPLACED_KEYS.get(base, base)) is not None:
        return None
    return f"'{base}' is not a key name"


@dataclass(frozen=True)
class CheckedKeys:
    keymap: dict[str, str]  # what Textual gets: only entries that work
    problems: list[str]  # one line per entry left out, saying why and what is kept


def check(keys: Mapping[str, str], every: list[Scope], where: str) -> CheckedKeys:
    """`keys` (binding id -> keys) as far as they work; every other entry is said."""
    defaults: dict[str, Binding] = {}
    for scope in every:
        for b in scope.bindings:
            if b.id:
                defaults.setdefault(b.id, b)
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for ident, value in keys.items():
        entry = f'{where}: [ui] keys: "{ident}" = "{value}"'
        if ident not in defaults:
            hint = did_you_mean(ident, defaults)
            problems.append(
                f"{entry}: no binding has the id '{ident}'"
                + (f"; did you mean '{hint}'?" if hint else "")
                + " (the command palette, Ctrl+P, lists every id); ignored"
            )
            continue
        # As Textual will read them: "/" is "slash", "?" is "question_mark".
        wanted = [_character_to_key(k) if len(k) == 1 else k for k in _split(value)]
        bad = next(((k, p) for k in wanted if (p := key_problem(k))), None)
        if bad is not None:
            key, why = bad
            fixed = key.lower() if key_problem(key.lower()) is None and key != key.lower() else ""
            problems.append(
                f"{entry}: '{key}' is not a key ({why}); keys are written like {LIKE}"
                + (f'; did you mean "{fixed}"?' if fixed else "")
                + f"; the default {defaults[ident].key} is kept"
            )
            continue
        keymap[ident] = ",".join(wanted)
    order = list(keys)
    while clash := _first_clash(keymap, every, order):
        ident, key, other, screen = clash
        problems.append(
            f'{where}: [ui] keys: "{ident}" = "{keys[ident]}": {key} is already the key of '
            f"{other} on {screen}, and one key cannot do both; the default "
            f"{defaults[ident].key} is kept for {ident}"
        )
        del keymap[ident]
    return CheckedKeys(keymap, problems)


def _first_clash(
    keymap: dict[str, str], every: list[Scope], order: list[str]
) -> tuple[str, str, str, str] | None:
    """(remapped id, key, the other binding, screen) of a key two bindings would share; the
    later entry of the config file gives way. Defaults that share a key by design (Tab on
    the practice screen) are not a clash."""
    found: list[tuple[int, str, str, str, str]] = []
    for scope in every:
        holders: dict[str, list[Binding]] = {}
        for b in scope.bindings:
            for key in _keys_of(b, keymap):
                holders.setdefault(key, []).append(b)
        for key, bs in holders.items():
            mapped = [b for b in bs if b.id in keymap and key in keymap[b.id].split(",")]
            if len(bs) < 2 or not mapped:
                continue
            for b in mapped:
                assert b.id is not None
                others = [o for o in bs if o is not b and o.id != b.id]
                if others:
                    found.append((order.index(b.id), b.id, key, _name(others[0]), scope.name))
    if not found:
        return None
    latest = max(f[0] for f in found)
    _, ident, key, other, scope_name = next(f for f in found if f[0] == latest)
    return ident, key, other, scope_name


def _keys_of(b: Binding, keymap: dict[str, str]) -> Iterator[str]:
    yield from _split(keymap.get(b.id or "", b.key))


def _split(value: str) -> list[str]:
    return [k.strip() for k in value.split(",")]


def _name(b: Binding) -> str:
    if b.id:
        return b.id
    return f"'{b.description or b.action}'"


def theme_problem(theme: str, themes: list[str], used: str) -> str:
    """`[ui] theme` names no theme the app has: which, the themes there are, the one used."""
    from roleplay.places import config_file

    hint = did_you_mean(theme, themes)
    return (
        f'{config_file()}: [ui] theme = "{theme}" is not a theme'
        + (f'; did you mean "{hint}"?' if hint else "")
        + f" (themes: {', '.join(sorted(themes))}); using {used}"
    )
