"""Property: whatever a trainer writes, the loaders raise nothing but our own InvalidFile,
and every problem carries a file, a position inside the file and a key path."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roleplay.domain.loading import load_rubric, load_scenario
from roleplay.domain.problems import InvalidFile
from roleplay.domain.rubric import Rubric
from roleplay.domain.scenario import Scenario

DATA = Path(__file__).parent / "data" / "valid"
SCENARIO = (DATA / "scenarios" / "mini.yaml").read_text()
RUBRIC = (DATA / "rubrics" / "mini.yaml").read_text()
KEYS = sorted(
    set(Scenario.model_fields)
    | set(Rubric.model_fields)
    | {
        "name",
        "phrases",
        "patterns",
        "questions",
        "signals",
        "levels",
        "weight",
        "after",
        "how",
        "mood",
        "values",
        "lines",
        "win",
        "loss",
        "time",
        "1",
        "3",
        "5",
    }
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10_000),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["5m", "en", "mini", "{x}", "(", "[a-", "1h2m"]),
)
trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(KEYS), st.text(max_size=8), st.integers()),
            children,
            max_size=6,
        ),
    ),
    max_leaves=40,
)


def _check(text: str) -> None:
    for loader in (load_scenario, load_rubric):
        try:
            loader(text, "fuzz.yaml")
        except InvalidFile as exc:
            assert exc.problems
            # YAML counts \r, \n and \r\n as line breaks (so do editors).
            lines = len(text.splitlines()) + 1
            for p in exc.problems:
                assert p.file == "fuzz.yaml" and p.path and p.message
                assert 0 <= p.line <= lines + 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_text(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees)
def test_arbitrary_yaml_structures(tree: object) -> None:
    _check(yaml.safe_dump(tree, allow_unicode=True))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from([SCENARIO, RUBRIC]), data=st.data())
def test_mutated_valid_files(base: str, data: st.DataObject) -> None:
    lines = base.splitlines()
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "dup", "garble", "indent", "retype"]))
        if action == "drop":
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        elif action == "garble":
            lines[i] = lines[i] + data.draw(
                st.sampled_from(
                    [":", " [", " {x", "'", " &a", " *a", "\t", " !!python/object:os.system"]
                )
            )
        elif action == "indent":
            lines[i] = " " + lines[i]
        else:
            lines[i] = (
                lines[i].split(":")[0]
                + ": "
                + data.draw(
                    st.sampled_from(["[]", "{}", "-1", "null", "yes", "3.5", "'x'", "<<: *a"])
                )
            )
        if not lines:
            break
    _check("\n".join(lines))
