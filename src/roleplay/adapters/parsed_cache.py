"""Trainer files parsed by an earlier command, kept in the user's cache folder.

Parsing the workspace's scenarios and rubrics (YAML, validation, the safety check of every
pattern) took about half of every command's time, though the files rarely change between two
commands. An entry is found by the file's bytes (their SHA-256), its kind and the name shown
in its problems, never by a file time: a file rewritten twice within one tick of the file
system's clock still gets a new key. One cache file per workspace; it holds the entries the
last load used, so it stays as small as the workspace.

The entries are pickles of our own models (loading them costs ~10 ms where parsing cost
~400 ms). The folder is the user's own (0700), as the recordings are. An entry written by
another version of the code (or of Python or pydantic) is never read: the cache file carries
a stamp of the code that parses, and a different stamp empties it. A cache that cannot be read
or written only costs time: the files are parsed as before.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import roleplay
from roleplay.atomic import write_atomic
from roleplay.domain.positions import Positions

if TYPE_CHECKING:  # unpickling loads the models an entry holds, when the cache is first read
    from roleplay.services.catalog import Parsed
    from roleplay.services.catalog_summary import CatalogSummary, FilesKey

log = logging.getLogger(__name__)

Key = tuple[str, str, str]


def code_stamp() -> str:
    """Which code parsed the entries: Python, pydantic, roleplay's version, and the size and
    time of every module of the domain, of the catalog service and of this cache (a
    developer's edit to a check or to how entries are kept counts as a new version)."""
    package = Path(roleplay.__file__).parent
    parts = [sys.version, _pydantic_version(), roleplay.__version__]
    sources = [
        *sorted((package / "domain").glob("*.py")),
        package / "services/catalog.py",
        package / "services/catalog_summary.py",
    ]
    for source in [*sources, Path(__file__)]:  # and this file, which says how entries are kept
        try:
            info = source.stat()
        except OSError:  # a module that is gone: the stamp still differs from before
            parts.append(f"{source.name}:-")
            continue
        parts.append(f"{source.name}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _pydantic_version() -> str:
    """Which pydantic parsed the entries, without importing it (~60 ms, more than a read
    command's reading of the cache; issue 18): its version module's size and time, as for
    our modules (another release is another file). The same whether or not pydantic is
    loaded, so that every command finds what another kept."""
    import importlib.util

    spec = importlib.util.find_spec("pydantic")
    if spec is None or not spec.submodule_search_locations:
        return "pydantic:-"
    source = Path(next(iter(spec.submodule_search_locations))) / "version.py"
    try:
        info = source.stat()
    except OSError:
        return "pydantic:-"
    return f"pydantic:{info.st_size}:{info.st_mtime_ns}"


class PackedPositions(Positions):
    """Positions as the cache keeps them: packed, and unpacked when first asked. They only
    place a problem in its file, which a read of unchanged, valid files never does; they were
    ~40% of the cache's bytes and of the time to read it (issue 18)."""

    def __init__(self, packed: bytes) -> None:  # `values` and `keys` come on first use
        self._packed = packed

    def __getattr__(self, name: str) -> Any:
        if name not in ("values", "keys"):
            raise AttributeError(name)
        self.values, self.keys = pickle.loads(self.__dict__["_packed"])
        return self.__dict__[name]

    def __eq__(self, other: object) -> bool:  # equal to the Positions it was packed from
        if not isinstance(other, Positions):
            return NotImplemented
        return (self.values, self.keys) == (other.values, other.keys)

    __hash__ = None  # type: ignore[assignment]  # as Positions: mutable, not hashable

    def __reduce__(self) -> tuple[Any, ...]:
        return (PackedPositions, (self._packed,))


def packed(entry: Parsed) -> Parsed:
    """`entry` with its positions packed (as it is written to the cache)."""
    positions = entry.positions
    if positions is None or isinstance(positions, PackedPositions):
        return entry
    data = pickle.dumps((positions.values, positions.keys), pickle.HIGHEST_PROTOCOL)
    return dataclasses.replace(entry, positions=PackedPositions(data))


class ParsedFileCache:
    """The `ParsedFiles` of one workspace (its scenario and rubric folders), in `folder`."""

    def __init__(self, folder: Path, trainer_dirs: list[Path]) -> None:
        name = hashlib.sha256("\0".join(map(str, trainer_dirs)).encode()).hexdigest()[:32]
        self.path = folder / f"catalog-{name}.pickle"
        # What the read commands show of the same files (services/catalog_summary.py): a file
        # of its own, so reading it unpickles no model.
        self.summary_path = folder / f"catalog-{name}.summary.pickle"
        self._stamp: str | None = None
        self._entries: dict[Key, Parsed] | None = None
        self._used: dict[Key, Parsed] = {}
        self._changed = False

    def get(self, key: Key) -> Parsed | None:
        if self._entries is None:
            self._entries = self._read()
        found = self._entries.get(key)
        if found is not None:
            self._used[key] = found
        return found

    def put(self, key: Key, value: Parsed) -> None:
        self._used[key] = value
        self._changed = True

    def save(self) -> None:
        """Keep what this load used (drops files since deleted or edited); the next load
        starts over from what is on disk then."""
        entries = self._entries or {}
        if self._changed or set(entries) != set(self._used):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                used = {key: packed(entry) for key, entry in self._used.items()}
                data = pickle.dumps((self._stamp_now(), used), pickle.HIGHEST_PROTOCOL)
                write_atomic(self.path, data)
            except OSError as exc:  # read-only home, full disk: parse again next time
                log.info("catalog cache not written (%s): %s", self.path, exc.strerror)
        self._entries, self._used, self._changed = None, {}, False

    def _stamp_now(self) -> str:
        if self._stamp is None:
            self._stamp = code_stamp()
        return self._stamp

    def _read(self) -> dict[Key, Parsed]:
        try:
            raw = self.path.read_bytes()
        except OSError:  # none yet (or unreadable): parse
            return {}
        try:
            stamp, entries = pickle.loads(raw)
        # A cache from a crash or another version can fail in many ways (a class renamed, a
        # truncated file); each means only "parse the files".
        except Exception as exc:  # noqa: BLE001
            log.info("catalog cache ignored (%s): %s", self.path, exc)
            return {}
        if stamp != self._stamp_now() or not isinstance(entries, dict):
            return {}
        return entries

    def last_summary(self) -> tuple[FilesKey, CatalogSummary] | None:
        """The summary kept last by this code and the files it was made of (the catalog
        summary decides whether they are the files now); else None."""
        try:
            raw = self.summary_path.read_bytes()
        except OSError:  # none yet (or unreadable): the catalog is loaded
            return None
        try:
            stamp, kept_key, summary = pickle.loads(raw)
        # As the parsed files (above): any failure only means "load the catalog".
        except Exception as exc:  # noqa: BLE001
            log.info("catalog summary ignored (%s): %s", self.summary_path, exc)
            return None
        if stamp != self._stamp_now():
            return None
        return kept_key, summary  # what keep_summary wrote

    def keep_summary(self, key: FilesKey, summary: CatalogSummary) -> None:
        try:
            self.summary_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            data = pickle.dumps((self._stamp_now(), key, summary), pickle.HIGHEST_PROTOCOL)
            write_atomic(self.summary_path, data)
        except OSError as exc:  # read-only home, full disk: load the catalog next time
            log.info("catalog summary not written (%s): %s", self.summary_path, exc.strerror)
