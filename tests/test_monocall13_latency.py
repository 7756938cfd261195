"""Response latency of a mono call, from the audio file (monocall13, stop 36).

Whisper times a mono call's words back to back, so at every change of speaker the last word
of one side ended where the first word of the other began: a 2-minute call with a 0.5 s pause
before every reply was scored with a response latency of 0.06 s. The edges of each speaker's
run of speech now sit on the speech under them (adapters/call_edges.py). The call is made of
the real recordings (the customer) and espeak-ng (the rep), through a phone line with hiss, as
bench/real_call_files.py makes it, and is scored by the real pipeline (tiny.en).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from roleplay.cli import app
from tests.calls import READER, make_call, write_stereo
from tests.speech import needs_espeak, speech_dir, write_wav
from tests.test_calls12_noisy_turns import PAUSE, _reader_turns, _spans

__all__ = ["speech_dir"]


@needs_espeak
@pytest.mark.slow
def test_a_mono_calls_response_latency_is_the_pause_before_the_replies(
    speech_dir: Path, workspace: Path, tmp_path: Path
) -> None:
    pieces = _reader_turns(speech_dir)
    clean = make_call(pieces, READER, turns=5, overlap=-PAUSE, phone=True)
    call = make_call(pieces, READER, turns=5, overlap=-PAUSE, phone=True, snr_db=25)
    path = write_wav(tmp_path / "mono.wav", call.mix.astype(np.float32))
    rep, customer = _spans(clean.rep), _spans(clean.customer)
    truth = [r[0] - c[1] for c, r in zip(customer, rep[1:], strict=False)]
    assert len(truth) == 4 and all(0.4 < t < 0.7 for t in truth)  # the call is as meant

    runner = CliRunner()
    listed = runner.invoke(
        app,
        ["transcribe", "--speakers", str(path), "--rep-speaker", "A", "--rep", "Kari", "--json"],
    )
    assert listed.exit_code == 0, listed.output
    turns = [t for t in json.loads(listed.stdout)["segments"] if "over" not in t]
    replies = [
        b["start"] - a["end"]
        for a, b in itertools.pairwise(turns)
        if a["speaker"] == "Customer" and b["speaker"] == "Kari"
    ]
    shown = [(t["speaker"], t["start"], t["end"]) for t in turns]
    assert len(replies) == len(truth), shown
    # the base code: 0.36, 0.1, 0.62 and 0.84 s (the turns touched, or began at a word
    # the voices were told apart on)
    assert all(abs(r - t) < 0.15 for r, t in zip(replies, truth, strict=True)), (replies, truth)

    result = runner.invoke(
        app,
        [
            *("--workspace", str(workspace), "score", "--transcript", str(path)),
            *("--rubric", "discovery", "--rep", "Kari", "--rep-speaker", "A", "--json"),
        ],
    )
    assert result.exit_code == 0, result.output
    kpis = json.loads(result.stdout)["kpis"]
    assert kpis["interruptions"] == 0
    assert abs(kpis["avg_response_latency"] - sum(truth) / len(truth)) < 0.1, (kpis, truth)


@needs_espeak
@pytest.mark.slow
def test_a_stereo_calls_response_latency_is_the_pause_before_the_replies(
    speech_dir: Path, workspace: Path, tmp_path: Path
) -> None:
    """A stereo call's channel holds one side, so its turns end where its speech does, even
    where Whisper left out or timed late a word at the turn's edge ("...rights to use" ended
    at "rights,"): bench/mono_latency_bench.py's 2-minute call read 0.88 s for 0.52 s."""
    pieces = _reader_turns(speech_dir)
    call = make_call(pieces, READER, turns=9, overlap=-PAUSE, phone=True, snr_db=25)
    path = write_stereo(tmp_path / "stereo.wav", call.rep, call.customer)
    rep, customer = _spans(call.rep), _spans(call.customer)
    truth = [r[0] - c[1] for c, r in zip(customer, rep[1:], strict=False)]
    assert len(truth) == 8 and all(0.4 < t < 0.7 for t in truth)  # the call is as meant

    result = CliRunner().invoke(
        app,
        [
            *("--workspace", str(workspace), "score", "--transcript", str(path)),
            *("--rubric", "discovery", "--rep", "Kari", "--rep-channel", "left", "--json"),
        ],
    )
    assert result.exit_code == 0, result.output
    kpis = json.loads(result.stdout)["kpis"]
    assert kpis["interruptions"] == 0
    assert abs(kpis["avg_response_latency"] - sum(truth) / len(truth)) < 0.1, (kpis, truth)
