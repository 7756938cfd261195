"""What a user may type to name a session: its id, a unique prefix of one, or `last`.

One resolver for every command (the local store and the team index both ask it), so the rules
are the same everywhere. A reference is never a path: `../elsewhere/x` or `/tmp/x` would load
(and a re-score would overwrite) files outside the recordings folder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from roleplay.domain.suggest import did_you_mean
from roleplay.services.ports import SessionNotFound

LAST = "last"


def plain_name(ref: str) -> bool:
    """A name that can only mean a folder directly inside the recordings folder."""
    return (
        bool(ref)
        and ref not in {".", ".."}
        and not ref.startswith(".")
        and "/" not in ref
        and "\\" not in ref
        and ref.isprintable()
        and len(ref) <= 255
    )


def check_ref(ref: str) -> str:
    """`ref` when it may name a session; SessionNotFound saying what would when it is a path."""
    if ref == LAST or plain_name(ref):
        return ref
    shown = ref.encode("unicode_escape").decode("ascii")[:80]
    raise SessionNotFound(
        f"'{shown}' is not a session id: give an id, a unique prefix of one, or 'last' "
        "(`roleplay sessions` lists them); sessions are only read from the recordings folder"
    )


def resolve(
    ref: str,
    *,
    prefixed: Callable[[str], Iterable[str]],
    newest: Callable[[], str | None],
    every: Callable[[], Iterable[str]],
    where: str = "",
    listing: str = "`roleplay sessions` lists them",
) -> str:
    """The session id `ref` names.

    `prefixed(p)`: ids starting with p (the full id included); `newest()`: the latest id or
    None; `every()`: all ids, for a did-you-mean. Raises SessionNotFound with what to do."""
    ref = check_ref(ref)
    if ref == LAST:
        found = newest()
        if found is None:
            raise SessionNotFound(
                "there are no sessions yet; start one with `roleplay practice SCENARIO`"
            )
        return found
    # Only plain names: an id from a shared database could be crafted to climb out.
    matches = sorted({m for m in prefixed(ref) if plain_name(m)})
    if ref in matches:
        return ref
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise SessionNotFound(
            f"'{ref}' matches {len(matches)} sessions ({', '.join(matches[:3])}...); "
            "give more of the id"
        )
    hint = did_you_mean(ref, list(every()))
    raise SessionNotFound(
        f"no session '{ref}'{f' in {where}' if where else ''}"
        + (f"; did you mean '{hint}'?" if hint else f"; {listing}")
    )
