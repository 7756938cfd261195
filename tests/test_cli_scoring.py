"""`roleplay score` and `roleplay calibrate` through the CLI runner."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import Result

from tests.cli_helpers import invoke as invoke  # re-exported: the re-score tests call it from here
from tests.fake_openai import FakeOpenAI, Reply
from tests.llm_env import use_llm

GOOD = (
    "How does a typical morning look for your dispatch team?\n"
    "What budget have you set aside for that?\nCan I send you an invite for next week?\n"
)
CALL = """\
Kari: Hi Dana, thanks for making the time.
Dana: Sure, what's this about?
Kari: How does a typical morning look for your dispatch team?
Dana: Chaos, honestly.
Kari: What happens when orders come in late?
Dana: We redo everything by hand.
Kari: Could I send you an invite for Tuesday next week?
"""


def verdict(level: int) -> Reply:
    """The LLM judge's answer on the mini rubric, open-questions at `level`."""
    return Reply(
        json.dumps(
            {
                "criteria": [
                    {
                        "criterion": "open-questions",
                        "level": level,
                        "rationale": "r",
                        "evidence": [{"turn": 1, "quote": "How does a typical morning look"}],
                        "tip": "t",
                        "example": "e",
                    },
                    {
                        "criterion": "next-steps",
                        "level": 3,
                        "rationale": "r",
                        "evidence": [{"turn": 5, "quote": "send you an invite for next week"}],
                        "tip": "t",
                        "example": "e",
                    },
                ]
            }
        )
    )


def _session(ws: Path) -> str:
    invoke(ws, "practice", "mini", "--seed", "7", input=GOOD)
    return str(json.loads(invoke(ws, "sessions", "--json").stdout)[0]["id"])


def test_rescore_a_session_offline_as_json(mini_workspace: Path) -> None:
    sid = _session(mini_workspace)
    result = invoke(mini_workspace, "score", sid, "--judge", "offline", "--json")
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    assert card["session"] == sid and isinstance(card["overall"], float)
    saved = json.loads((mini_workspace / "recordings" / sid / "scorecard.json").read_text())
    assert saved == card


def test_llm_judge_without_an_llm_says_how_to_configure_one(mini_workspace: Path) -> None:
    sid = _session(mini_workspace)
    result = invoke(mini_workspace, "score", sid, "--judge", "llm")
    assert result.exit_code == 2 and "OPENAI_API_KEY" in result.output


def test_rescore_with_llm_samples(
    mini_workspace: Path, fake_llm: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = _session(mini_workspace)
    use_llm(monkeypatch, fake_llm.url)

    fake_llm.queue(verdict(2), verdict(5), verdict(4))
    result = invoke(mini_workspace, "score", sid, "--samples", "3")
    assert result.exit_code == 0, result.output
    assert "samples 2,5,4" in result.output and "4/5" in result.output


def test_score_an_outside_transcript(mini_workspace: Path, tmp_path: Path) -> None:
    call = tmp_path / "call.txt"
    call.write_text(CALL)
    result = _score_file(mini_workspace, call)
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    assert card["overall"] >= 2 and card["rubric"] == "mini"
    quotes = [e["quote"] for c in card["criteria"] for e in c["evidence"]]
    assert "How does a typical morning look for your dispatch team?" in quotes
    assert "Chaos, honestly." not in quotes
    assert card["kpis"]["questions_open"] == 2
    assert json.loads(invoke(mini_workspace, "sessions", "--json").stdout) == []  # not saved


def test_score_an_outside_transcript_and_keep_it(mini_workspace: Path, tmp_path: Path) -> None:
    call = tmp_path / "call.txt"
    call.write_text(CALL)
    invoke(
        mini_workspace,
        "score",
        "--transcript",
        str(call),
        "--rubric",
        "mini",
        "--rep",
        "kari",
        "--save",
    )
    [row] = json.loads(invoke(mini_workspace, "sessions", "--json").stdout)
    assert row["rep"] == "kari" and row["mode"] == "transcript" and row["overall"] is not None


def test_outside_transcript_mistakes(mini_workspace: Path, tmp_path: Path) -> None:
    call = tmp_path / "call.txt"
    call.write_text(CALL)
    wrong_rep = invoke(
        mini_workspace, "score", "--transcript", str(call), "--rubric", "mini", "--rep", "Karl"
    )
    assert wrong_rep.exit_code == 2 and "Did you mean --rep 'Kari'?" in wrong_rep.output
    wrong_rubric = invoke(
        mini_workspace, "score", "--transcript", str(call), "--rubric", "minii", "--rep", "Kari"
    )
    assert "unknown rubric 'minii' (did you mean 'mini'?)" in wrong_rubric.output
    missing = invoke(mini_workspace, "score", "--transcript", str(call))
    assert "--rubric RUBRIC and --rep NAME" in missing.output


def test_score_last_refuses_to_replace_a_scorecard_when_the_transcript_is_gone(
    mini_workspace: Path,
) -> None:
    """A missing or emptied transcript.jsonl re-scored as 'the rep said nothing' destroyed a
    good scorecard without a word."""
    sid = _session(mini_workspace)
    folder = mini_workspace / "recordings" / sid
    card = folder / "scorecard.json"
    good = card.read_bytes()
    turns = folder / "transcript.jsonl"
    lines = turns.read_bytes()
    assert json.loads(good)["kpis"]["rep_turns"] == 3
    turns.unlink()
    missing = invoke(mini_workspace, "score", "last")
    assert missing.exit_code == 2
    assert f"{turns} is missing: session {sid} has no turns to score" in missing.output
    assert "its scorecard (3 rep turn(s), overall" in missing.output
    assert "is kept as it is; restore the file from a backup" in missing.output
    assert card.read_bytes() == good
    turns.write_bytes(b"")
    empty = invoke(mini_workspace, "score", sid)
    assert empty.exit_code == 2 and f"{turns} is empty: session {sid}" in empty.output
    assert card.read_bytes() == good
    turns.write_bytes(lines)  # restored: scored again as before
    assert invoke(mini_workspace, "score", "last").exit_code == 0
    assert json.loads(card.read_bytes())["kpis"]["rep_turns"] == 3


def test_score_last_scores_a_call_that_really_had_no_turns(mini_workspace: Path) -> None:
    sid = _session(mini_workspace)
    folder = mini_workspace / "recordings" / sid
    (folder / "transcript.jsonl").write_bytes(b"")
    (folder / "scorecard.json").unlink()  # nothing said, nothing scored: nothing to lose
    result = invoke(mini_workspace, "score", "last", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["kpis"]["rep_turns"] == 0
    assert json.loads((folder / "scorecard.json").read_bytes())["kpis"]["rep_turns"] == 0


CAFE_CALL = CALL.replace("thanks for making the time", "shall we talk over a café crème")


def _score_file(ws: Path, path: Path, *more: str) -> Result:
    result: Result = invoke(
        ws,
        "score",
        "--transcript",
        str(path),
        "--rubric",
        "mini",
        "--rep",
        "Kari",
        "--judge",
        "offline",
        "--json",
        *more,
    )
    return result


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_an_outside_transcript_keeps_the_reps_words_in_any_marked_encoding(
    mini_workspace: Path, tmp_path: Path, encoding: str
) -> None:
    """UTF-8 with or without a byte order mark, UTF-16/32 with one (Windows tools write
    those): the rep's words reach the evidence exactly; UTF-16 read as UTF-8 said 'speaker
    never speaks'."""
    call = tmp_path / "call.txt"
    data = CAFE_CALL.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # Python's utf-16-be codec writes no mark itself
    call.write_bytes(data)
    result = _score_file(mini_workspace, call, "--save", "--no-make-drills")
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    quotes = {e["quote"] for c in card["criteria"] for e in c["evidence"]}
    assert "How does a typical morning look for your dispatch team?" in quotes
    [saved] = (mini_workspace / "recordings").glob("*/transcript.jsonl")
    first = json.loads(saved.read_text("utf-8").split("\n")[0])
    assert first["text"] == "Hi Dana, shall we talk over a café crème."


def test_an_outside_transcript_in_latin1_is_refused_with_where_and_what_to_do(
    mini_workspace: Path, tmp_path: Path
) -> None:
    """Read with replacement it scored 'caf\ufffd' as the rep's words, without a word."""
    call = tmp_path / "call.txt"
    call.write_bytes(CAFE_CALL.encode("latin-1"))
    result = _score_file(mini_workspace, call)
    assert result.exit_code == 2
    out = result.output
    assert f"{call}: line 1, column 40: not UTF-8 (byte 0xE9)" in out
    assert "save it as UTF-8 (or UTF-16 with a byte order mark)" in out
    assert "\ufffd" not in out and "Traceback" not in out
    assert json.loads(invoke(mini_workspace, "sessions", "--json").stdout) == []


def test_an_outside_transcript_in_utf16_without_its_mark_is_named_as_such(
    mini_workspace: Path, tmp_path: Path
) -> None:
    call = tmp_path / "call.txt"
    call.write_bytes(CALL.encode("utf-16-le"))  # valid UTF-8 bytes, every other one NUL
    result = _score_file(mini_workspace, call)
    assert result.exit_code == 2
    assert "looks like UTF-16 without a byte order mark" in result.output
    assert "never speaks" not in result.output


def test_a_pipe_given_as_the_transcript_is_refused_not_waited_on(
    mini_workspace: Path, tmp_path: Path
) -> None:
    pipe = tmp_path / "call.txt"
    os.mkfifo(pipe)  # reading it would wait for a writer forever
    result = _score_file(mini_workspace, pipe)
    assert result.exit_code == 2
    assert f"{pipe} is not a regular file; --transcript takes one file" in result.output


def test_a_folder_given_as_the_transcript_is_one_clear_line(
    mini_workspace: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "calls"
    folder.mkdir()
    result = _score_file(mini_workspace, folder)
    assert result.exit_code == 2
    out = result.output
    assert f"{folder} is a folder; --transcript takes one file" in out
    assert "Traceback" not in out and "IsADirectoryError" not in out


def test_calibrate_against_a_csv_of_human_scores(mini_workspace: Path, tmp_path: Path) -> None:
    ids = [_session(mini_workspace) for _ in range(3)]
    from roleplay.composition import build

    store = build(mini_workspace).store  # through the index, as every write in roleplay is
    # The judge's levels for open-questions: 1, 5, 5; the humans say 1, 5, 1.
    for sid, level in zip(ids, [1, 5, 5], strict=True):
        card = store.scorecard(sid)
        assert card is not None
        crit = tuple(
            c.model_copy(update={"level": level}) if c.id == "open-questions" else c
            for c in card.criteria
        )
        store.save_scorecard(sid, card.model_copy(update={"criteria": crit}))
    csv = tmp_path / "human.csv"
    csv.write_text(
        "session,criterion,level\n"
        + "".join(f"{sid},open-questions,{lvl}\n" for sid, lvl in zip(ids, [1, 5, 1], strict=True))
        + "nope,open-questions,3\n"
    )
    result = invoke(mini_workspace, "calibrate", "mini", "--human", str(csv), "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    oq = next(c for c in doc["criteria"] if c["criterion"] == "open-questions")
    # By hand: 2 of 3 exact; within one: 2 of 3; quadratic-weighted kappa = 1 - 1/(5/3) = 0.4
    assert oq["pairs"] == 3 and oq["exact"] == pytest.approx(0.667, abs=1e-3)
    assert oq["within_one"] == pytest.approx(0.667, abs=1e-3)
    assert oq["kappa"] == pytest.approx(0.4, abs=1e-3)
    assert oq["mean_difference"] == pytest.approx(4 / 3, abs=0.01)
    assert doc["skipped"] == 1
    table = invoke(mini_workspace, "calibrate", "mini", "--human", str(csv))
    assert "open-questions" in table.output and "0.40" in table.output
    # Three pairs prove little, and the table says so.
    assert "not yet reliable" in table.output and doc["criteria"][0]["reliable"] is False


def test_calibrate_names_a_bad_csv_line(mini_workspace: Path, tmp_path: Path) -> None:
    csv = tmp_path / "human.csv"
    csv.write_text("session,criterion,level\nabc,open-questions,high\n")
    result = invoke(mini_workspace, "calibrate", "mini", "--human", str(csv))
    assert result.exit_code == 2 and "human.csv:2: level must be a whole number" in result.output


def test_calibrate_names_a_csv_that_is_not_utf8(mini_workspace: Path, tmp_path: Path) -> None:
    csv = tmp_path / "human.csv"
    csv.write_bytes("session,criterion,level\nabc,open-questions,3 # Bjørn\n".encode("latin-1"))
    result = invoke(mini_workspace, "calibrate", "mini", "--human", str(csv))
    assert result.exit_code == 2
    assert f"{csv}: line 2, column 26: not UTF-8 (byte 0xF8)" in result.output
    assert "Traceback" not in result.output


def test_a_rescore_reaches_the_practice_schedule(
    mini_workspace: Path, fake_llm: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roleplay.composition import build

    sid = _session(mini_workspace)
    services = build(mini_workspace)
    before = services.habit().state().cards["discovery-questions"].last_level
    use_llm(monkeypatch, fake_llm.url)
    new_level = 5 if before != 5 else 2
    fake_llm.queue(verdict(new_level))
    assert invoke(mini_workspace, "score", sid).exit_code == 0
    after = build(mini_workspace).habit().state().cards["discovery-questions"].last_level
    assert after == new_level != before
