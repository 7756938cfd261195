"""Commands reuse what an earlier command parsed of the trainer files (the catalog cache), and
never at the cost of correctness: a scenario edited or broken between two commands is seen by
the next one, with the same messages as a fresh parse, and a damaged cache only costs time."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import roleplay.domain.loading as loading
from roleplay.adapters.parsed_cache import ParsedFileCache
from roleplay.services.catalog import Catalog, load_catalog
from tests.hostile import roleplay_process


def roleplay(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A command as a user runs it: its own process (the cache outlives it), same home."""
    return roleplay_process("--workspace", str(ws), *args, env={"COLUMNS": "200"})


def cache_files(home: Path) -> list[Path]:
    return sorted((home / "cache").glob("catalog-*.pickle"))


def test_an_edit_between_two_commands_is_seen_by_the_next(
    workspace: Path, isolated_user_dirs: Path
) -> None:
    first = roleplay(workspace, "scenarios")
    assert first.returncode == 0, first.stderr
    assert "SPIN discovery" in first.stdout
    assert cache_files(isolated_user_dirs), "the first command keeps what it parsed"

    path = workspace / "scenarios" / "discovery-spin.yaml"
    text = path.read_text()
    # The same number of bytes, written at once after the last read: neither the size nor a
    # coarse file time can tell the edit apart, only the content.
    edited = text.replace("SPIN discovery", "SPIN Discovery", 1)
    assert len(edited) == len(text) and edited != text
    stat = path.stat()
    path.write_text(edited)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even the same modification time
    after = roleplay(workspace, "scenarios")
    assert "SPIN Discovery" in after.stdout
    assert "SPIN discovery" not in after.stdout


def test_a_file_broken_between_two_commands_gets_the_messages_of_a_fresh_parse(
    workspace: Path, isolated_user_dirs: Path
) -> None:
    assert roleplay(workspace, "scenarios").returncode == 0
    path = workspace / "scenarios" / "price-objection.yaml"
    path.write_text(path.read_text().replace("title:", "titel:", 1))

    # The first run parses the broken file and keeps its problems; the second reads them back.
    cached_run = roleplay(workspace, "scenarios", "--json")
    again = roleplay(workspace, "scenarios", "--json")
    for cache in cache_files(isolated_user_dirs):
        cache.unlink()
    fresh = roleplay(workspace, "scenarios", "--json")  # no cache at all
    assert "titel" in fresh.stdout  # the unknown key, with its line and did-you-mean
    assert (again.stdout, again.stderr) == (fresh.stdout, fresh.stderr)
    assert (cached_run.stdout, cached_run.stderr) == (fresh.stdout, fresh.stderr)
    listed = roleplay(workspace, "scenarios").stdout
    assert "price-objection.yaml: run `roleplay validate" in listed

    path.write_text(path.read_text().replace("titel:", "title:", 1))  # fixed again
    fixed = roleplay(workspace, "scenarios")
    assert "price-objection" in fixed.stdout
    assert "titel" not in fixed.stdout + fixed.stderr


def test_a_damaged_cache_only_costs_time(workspace: Path, isolated_user_dirs: Path) -> None:
    clean = roleplay(workspace, "scenarios", "--json")
    assert clean.returncode == 0, clean.stderr
    for cache in cache_files(isolated_user_dirs):
        cache.write_bytes(cache.read_bytes()[:1000])  # cut short, as by a crash mid-write
    cut = roleplay(workspace, "scenarios", "--json")
    assert (cut.returncode, cut.stdout) == (0, clean.stdout)
    for cache in cache_files(isolated_user_dirs):
        cache.write_bytes(b"not a pickle at all")
    junk = roleplay(workspace, "scenarios", "--json")
    assert (junk.returncode, junk.stdout) == (0, clean.stdout)


def test_unchanged_files_are_not_parsed_again_by_the_next_process(
    workspace: Path, isolated_user_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []

    def counting(real: Callable[[str, str], Any]) -> Callable[[str, str], Any]:
        def load(text: str, file: str) -> Any:
            parsed.append(file)
            return real(text, file)

        return load

    monkeypatch.setattr(loading, "load_scenario", counting(loading.load_scenario))
    monkeypatch.setattr(loading, "load_rubric", counting(loading.load_rubric))
    dirs = [workspace / "scenarios", workspace / "rubrics"]

    def load() -> Catalog:
        cache = ParsedFileCache(isolated_user_dirs / "cache", dirs)  # as a new process would
        return load_catalog([dirs[0]], [dirs[1]], parsed=cache)

    first = load()
    files = len(parsed)
    assert files == len(list(dirs[0].glob("*.yaml")) + list(dirs[1].glob("*.yaml")))
    second = load()
    assert len(parsed) == files, "nothing changed: nothing parsed"
    assert second.scenarios.keys() == first.scenarios.keys()
    assert second.scenarios["discovery-spin"].scenario == first.scenarios["discovery-spin"].scenario

    rubric = dirs[1] / "discovery.yaml"
    rubric.write_text(rubric.read_text() + "\n# a comment\n")
    third = load()
    assert len(parsed) == files + 1, "only the changed file is parsed again"
    assert parsed[-1].endswith("discovery.yaml")
    assert third.rubrics["discovery"].sha256 != first.rubrics["discovery"].sha256


def test_a_problem_of_a_cached_file_is_placed_as_in_a_fresh_parse(
    workspace: Path, isolated_user_dirs: Path
) -> None:
    """The cache keeps where each value is written packed (unpacked only to place a
    problem): a rubric deleted after its scenario was cached gives the scenario's problem at
    the same line and column as when nothing was cached."""
    assert roleplay(workspace, "scenarios").returncode == 0  # every file cached
    (workspace / "rubrics" / "discovery.yaml").unlink()
    cached = roleplay(workspace, "validate", "--json")
    for cache in cache_files(isolated_user_dirs):
        cache.unlink()
    fresh = roleplay(workspace, "validate", "--json")
    assert '"line":' in fresh.stdout and "discovery" in fresh.stdout
    assert (cached.returncode, cached.stdout) == (fresh.returncode, fresh.stdout)


def test_positions_come_back_from_the_cache_as_they_went_in(tmp_path: Path) -> None:
    from roleplay.adapters.parsed_cache import PackedPositions, packed
    from roleplay.domain.positions import Positions
    from roleplay.services.catalog import Parsed

    where = Positions({("persona", "name"): (7, 9)}, {("persona",): (5, 1), ("id",): (1, 1)})
    cache = ParsedFileCache(tmp_path, [tmp_path / "scenarios"])
    cache.put(("scenario", "s.yaml", "ab"), Parsed(None, where))
    cache.save()
    found = ParsedFileCache(tmp_path, [tmp_path / "scenarios"]).get(("scenario", "s.yaml", "ab"))
    assert found is not None and isinstance(found.positions, PackedPositions)
    assert found.positions == where  # unpacked on first use
    assert found.positions.of(("persona", "name", "first")) == (7, 9)
    assert found.positions.of(("persona", "role")) == (5, 1)
    assert packed(found) is found  # kept packed when written again
