"""A backchannel in a real call ("Um, right." said wholly inside the customer's sentence) is
not a turn the rep took: it is not counted as a rep turn or a question, a drill made from the
call does not show it as a turn of the call so far, and every transcript view shows it indented
under the sentence it was said in, marked "(over the customer)". Its words still count as the
rep's words (talk share, pace, fillers): the rep did say them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from textual.widgets import Static

from roleplay.adapters.clock import ManualClock
from roleplay.domain import kpis
from roleplay.domain.call_drill import drill_scenario, weakest_moments
from roleplay.domain.rubric import Rubric
from roleplay.domain.scorecard import CriterionScore, Evidence, Scorecard
from roleplay.domain.session import FileRef, SessionRecord, Transcript, VariationRecord
from roleplay.domain.transcript_file import parse
from roleplay.tui.screens.practice import TurnLine
from roleplay.tui.screens.review import ReviewScreen
from roleplay.tui.screens.scorecard import TranscriptScreen
from tests.app_helpers import make_app, open_scorecard, open_screen, settle
from tests.drill_calls import as_kari, invoke, saved_call

# The rep pitches instead of asking; "Um, right." and "Really?" are said inside Dana's sentences.
SAID = [
    ("Kari", 0.0, 3.0, "Hi Dana, thanks for taking my call."),
    ("Dana", 3.4, 9.0, "Sure. We keep losing mornings re-planning routes by hand."),
    ("Kari", 5.0, 5.6, "Um, right."),
    ("Kari", 9.5, 15.0, "Our product is the best on the market and it has many features."),
    ("Dana", 15.4, 21.0, "Honestly, I'm not sure that's what we need right now."),
    ("Kari", 17.0, 17.4, "Really?"),
    ("Kari", 21.3, 26.0, "It has great reviews, so you should buy it."),
]
CALL = "".join(f"[00:{a:04.1f} - 00:{b:04.1f}] {who}: {text}\n" for who, a, b, text in SAID)
GREETING, PITCH = "Hi Dana, thanks for taking my call.", "Our product is the best"


@pytest.fixture(autouse=True)
def rep(monkeypatch: pytest.MonkeyPatch) -> None:
    as_kari(monkeypatch)


def test_a_backchannel_is_not_a_rep_turn_nor_a_question_but_its_words_count() -> None:
    k = kpis.compute(parse(CALL, "Kari").turns, timed=True)
    assert k.rep_turns == 3  # was 5: "Um, right." and "Really?" were turns the rep took
    assert k.questions_closed == 0  # was 1: "Really?" as a question put to the customer
    assert k.questions_open == 0
    assert k.fillers == 1  # the "um" of "Um, right." is the rep's filler all the same
    assert k.rep_words == 7 + 2 + 13 + 1 + 9  # and its words are the rep's words


def _call() -> Transcript:
    record = SessionRecord(
        id="20260302-090000-call-abc123",
        scenario=FileRef(id="outside-call", version=1, sha256="0" * 64, title="call.txt"),
        rubric=FileRef(id="mini", version=1, sha256="0" * 64),
        variation=VariationRecord(seed=0),
        rep="Kari",
        mode="transcript",
        started_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        ended_at=datetime(2026, 3, 2, 9, 1, tzinfo=UTC),
    )
    return Transcript(record=record, turns=parse(CALL, "Kari").turns)


def _card(t: Transcript, turn: int) -> Scorecard:
    said = t.turns[turn]
    low = CriterionScore(
        id="open-questions",
        name="Open questions",
        skill="discovery-questions",
        weight=2,
        level=1,
        rationale="pitches instead of asking",
        counter_evidence=(Evidence(quote=said.text, turn=turn, time=said.start),),
        tip="Ask two open questions before you pitch.",
    )
    return Scorecard(
        rubric="mini",
        rubric_version=1,
        judge="offline",
        approximate=True,
        criteria=(low,),
        overall=1.0,
        pass_threshold=3.0,
        passed=False,
        kpis=kpis.compute(t.turns, timed=True),
    )


def test_a_drill_opens_on_a_turn_taken_and_shows_the_turns_taken_before_it(
    mini_workspace: Path,
) -> None:
    t = _call()
    pushy = next(x.index for x in t.turns if x.text.startswith("It has great reviews"))
    [moment] = weakest_moments(t, _card(t, pushy))
    assert moment.opening.text.startswith("Honestly")
    # was: Dana's "Sure...", "Um, right." and the pitch; the greeting pushed out of the set-up
    assert [x.text[:23] for x in moment.before] == [GREETING[:23], "Sure. We keep losing mo", PITCH]
    rubric = Rubric.model_validate(
        yaml.safe_load((mini_workspace / "rubrics" / "mini.yaml").read_text())
    )
    doc = drill_scenario(moment, t, rubric, date(2026, 3, 2))
    setup = doc["drills"][0]["start"]["setup"]
    assert "Um, right." not in [line["text"] for line in setup]
    # a backchannel is never the customer's words a drill opens with, nor what they "said on
    # the call" in a made-up persona's context
    cited = next(x.index for x in t.turns if x.text == "Really?")
    [moment] = weakest_moments(t, _card(t, cited))
    assert moment.opening.text.startswith("Honestly")


def test_a_drill_made_from_the_call_alone_calls_the_customer_by_their_name(
    mini_workspace: Path,
) -> None:
    """Before, the persona was "The customer": the drill's lines read "The: Honestly, ..." and
    its context ended "...right now.. Stay consistent"."""
    rubric = Rubric.model_validate(
        yaml.safe_load((mini_workspace / "rubrics" / "mini.yaml").read_text())
    )
    t = _call()
    [moment] = weakest_moments(t, _card(t, len(t.turns) - 1))
    doc = drill_scenario(moment, t, rubric, date(2026, 3, 2))
    assert doc["persona"]["name"] == "Dana"
    assert ".." not in doc["context"] and "right now. Stay consistent" in doc["context"]
    neutral = t.model_copy(
        update={"turns": parse(CALL.replace("Dana:", "Speaker B:"), "Kari").turns}
    )
    assert (
        drill_scenario(moment, neutral, rubric, date(2026, 3, 2))["persona"]["name"] == "Customer"
    )


def test_show_and_the_markdown_export_mark_a_backchannel(mini_workspace: Path, tmp_path: Path):
    sid = saved_call(mini_workspace, tmp_path, text=CALL)
    shown = invoke(mini_workspace, "show", sid)
    assert shown.exit_code == 0, shown.output
    # was "[0:05] You: Um, right." then "[0:10] You: Our product...": two turns of the rep
    assert "\n    [0:05] You (over the customer) (turn 2): Um, right.\n" in shown.stdout
    assert "\n[0:10] You (turn 3): Our product" in shown.stdout
    out = tmp_path / "call.md"
    exported = invoke(mini_workspace, "export", sid, "--format", "md", "--output", str(out))
    assert exported.exit_code == 0, exported.output
    md = out.read_text()
    assert "↳ **[0:05] Rep (over the customer) (turn 2):** Um, right." in md
    assert "**[0:10] Rep (turn 3):** Our product" in md
    reviewed = invoke(mini_workspace, "review", "show", sid)
    assert reviewed.exit_code == 0, reviewed.output
    assert "\n          2 [0:05] Rep (over the customer): Um, right.\n" in reviewed.stdout


async def test_the_apps_transcript_marks_a_backchannel(mini_workspace: Path, tmp_path: Path):
    sid = saved_call(mini_workspace, tmp_path, text=CALL)
    app = make_app(mini_workspace, clock=ManualClock(datetime(2026, 3, 2, 9, tzinfo=UTC)))
    async with app.run_test(size=(100, 40)) as pilot:
        await open_scorecard(pilot, sid)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TranscriptScreen)
        lines = [str(Static.render(x)) for x in app.screen.query(TurnLine)]
        await pilot.press("escape")
        app.open_review(sid)  # a trainer's review of the same call
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        reviewed = [str(Static.render(x)) for x in app.screen.query(TurnLine)]
    over = [x for x in lines if "Um, right." in x]
    assert over == ["    0:05 You (over the customer): Um, right."], lines
    assert next(x for x in lines if "Our product" in x).startswith("0:10 You: Our product")
    over = [x for x in reviewed if "Um, right." in x]
    assert over == ["    0:05 Rep (over the customer): Um, right."], reviewed


def test_the_offline_judge_reads_a_question_after_a_backchannel_as_building_on_the_answer(
    workspace: Path, tmp_path: Path
) -> None:
    """The question answers Dana's sentence, not the rep's own "Right." said inside it."""
    call = tmp_path / "call.txt"
    call.write_text(
        "[00:00.0 - 00:03.0] Kari: Hi Dana, thanks for taking my call. How do you plan routes?\n"
        "[00:03.4 - 00:09.0] Dana: At Berg Transport we lose two hours every morning in Bergen.\n"
        "[00:05.0 - 00:05.4] Kari: Right.\n"
        "[00:09.5 - 00:13.0] Kari: What do those two hours in Bergen cost Berg Transport?\n"
        "[00:13.4 - 00:16.0] Dana: About twenty thousand crowns a week.\n"
    )
    result = invoke(
        workspace, "score", "--transcript", str(call), "--rubric", "discovery", "--rep", "Kari",
        "--judge", "offline", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [asks] = [c for c in json.loads(result.stdout)["criteria"] if c["id"] == "open-questions"]
    assert "1 building on the customer's last answer" in asks["rationale"]  # was 0


def test_a_recording_scored_counts_the_turns_taken(
    mini_workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: "call.wav: 26 s, 7 turns" for a call of five turns and two backchannels."""
    from roleplay.cli import calls
    from roleplay.domain.call import CallWords
    from tests.spoken import words

    sides = {"Kari": "left", "Dana": "right"}
    said = words(*((text, a, b, sides[who]) for who, a, b, text in SAID))
    fake = CallWords("stereo", ("left", "right"), tuple(said), 26.0, "en")
    monkeypatch.setattr(calls, "read_call", lambda *a, **k: fake)
    audio = tmp_path / "call.wav"
    audio.write_bytes(b"RIFF")
    result = invoke(
        mini_workspace, "score", "--transcript", str(audio), "--rubric", "mini", "--rep", "Kari",
        "--rep-channel", "left", "--judge", "offline", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "call.wav: 26 s, 5 turns and 2 said over the other side (split by channel)" in (
        result.stderr
    )
    assert json.loads(result.stdout)["kpis"]["rep_turns"] == 3


async def test_history_tells_a_real_call_from_practice(mini_workspace: Path, tmp_path: Path):
    """Before, a scored real call's row read "call.txt" where practice rows name a scenario."""
    from textual.widgets import DataTable

    from roleplay.tui.screens.history import HistoryScreen

    saved_call(mini_workspace, tmp_path, text=CALL)
    app = make_app(mini_workspace, clock=ManualClock(datetime(2026, 3, 2, 9, tzinfo=UTC)))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(pilot, "f3")
        assert isinstance(app.screen, HistoryScreen)
        table = app.screen.query_one("#sessions", DataTable)
        assert str(table.get_row_at(0)[1]) == "Real call: call.txt"


def test_a_call_scored_when_backchannels_were_rep_turns_scores_again(
    mini_workspace: Path, tmp_path: Path
) -> None:
    """A scorecard saved before this change counted "Um, right." and "Really?" as rep turns (5,
    not 3). Re-scoring that call must not take the lower count for lines lost since ("was cut
    short since ... was scored") and refuse."""
    sid = saved_call(mini_workspace, tmp_path, text=CALL)
    card = mini_workspace / "recordings" / sid / "scorecard.json"
    saved = json.loads(card.read_text())
    assert saved["kpis"]["rep_turns"] == 3
    saved["kpis"]["rep_turns"] = 5  # as the version before counted them
    card.write_text(json.dumps(saved))
    again = invoke(mini_workspace, "score", sid, "--judge", "offline", "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["kpis"]["rep_turns"] == 3
