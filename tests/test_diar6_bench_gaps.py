"""The attribution bench can build calls with realistic gaps between turns (`--gaps`): the calls
without an overlap get a silence before each turn, the overlap conditions stay as they are, and
the default (glued turns) is unchanged so earlier figures stay comparable."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np

from tests.calls import make_call
from tests.speech import RATE

REPO = Path(__file__).resolve().parents[1]


def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "diarization_bench", REPO / "bench" / "diarization_bench.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_gaps_go_only_where_no_overlap_was_asked_for() -> None:
    rows: list[tuple[str, dict[str, object]]] = [
        ("clean", {"phone": True}),
        ("overlap", {"overlap": 0.5, "snr_db": 15}),
    ]
    gapped = bench().with_gaps(rows, 0.3)
    assert gapped == [
        ("clean", {"phone": True, "overlap": -0.3}),
        ("overlap", {"overlap": 0.5, "snr_db": 15}),
    ]
    assert rows[0][1] == {"phone": True}  # the conditions themselves are not changed


def _silence_between_turns(overlap: float) -> float:
    """Seconds of silence between the rep's first turn and the customer's reply."""
    tone = (0.3 * np.sin(np.arange(RATE) * 2 * np.pi * 200 / RATE)).astype(np.float32)
    call = make_call(customer_audio=[tone], rep_audio=[tone], turns=1, overlap=overlap)
    rep_end = np.flatnonzero(np.abs(call.rep) > 1e-3)[-1]
    customer_start = np.flatnonzero(np.abs(call.customer) > 1e-3)[0]
    return float(customer_start - rep_end) / RATE


def test_a_gap_call_has_the_silence_and_the_default_call_none() -> None:
    assert abs(_silence_between_turns(-0.3) - 0.3) < 0.01
    assert abs(_silence_between_turns(0.0)) < 0.01
