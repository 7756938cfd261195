"""The scorecard does not describe the call with the rubric's level text (stop 33).

The offline judge wrote "...: closest to level 1, "Ignores what the customer says: talks over
answers ... or goes straight back to the pitch"" for a rep who never pitched: the rubric's
description of a typical level-1 call read as a description of this one. It is now labelled
as the rubric's text for that level.
"""

from __future__ import annotations

from pathlib import Path

from roleplay.cli.render import scorecard
from roleplay.domain.scorecard import Scorecard
from roleplay.domain.scoring import score_offline
from roleplay.services.catalog import load_catalog
from roleplay.services.gold import load_gold_set

REPO = Path(__file__).resolve().parents[1]

NO_PITCH = """\
Marcus: We run two plants, Dayton and Springfield, and the lines stop without warning.
Rep: Anyway, as I was saying, how many people work there?
Marcus: About two hundred.
Rep: Okay. And how many plants do you have?
Marcus: I just said, two.
"""


def _card(tmp_path: Path) -> Scorecard:
    folder = tmp_path / "gold" / "discovery-spin"
    folder.mkdir(parents=True)
    body = "\n".join(f"  {line}" for line in NO_PITCH.strip().split("\n"))
    (folder / "call.yaml").write_text(
        f"scenario: discovery-spin\nkind: other\ntranscript: |\n{body}\n"
        "levels:\n  active-listening: {level: 1, reason: ignores}\n",
        encoding="utf-8",
    )
    catalog = load_catalog([REPO / "scenarios"], [REPO / "rubrics"], [])
    (entry,) = load_gold_set(tmp_path / "gold", catalog).entries
    return score_offline(entry.rubric, entry.transcript)


def test_the_rubrics_level_text_is_labelled_as_the_rubrics_not_said_of_this_call(
    tmp_path: Path,
) -> None:
    card = _card(tmp_path)
    listening = card.criterion("active-listening")
    assert listening.level == 1, listening
    text = listening.rationale
    # The level-1 text speaks of a pitch; this rep never pitched.
    assert "pitch" in text, text
    assert 'the rubric describes level 1 as: "Ignores what the customer says' in text, text
    assert "closest to level" not in text, text
    # What the judge saw comes first, in its own words.
    assert text.startswith("0 turn(s) playing back the customer's specifics"), text
    assert 'the rubric describes level 1 as: "Ignores' in " ".join(scorecard(card).split())
