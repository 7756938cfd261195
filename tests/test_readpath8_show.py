"""`roleplay show` numbers each turn as the scorecard's evidence cites it: a quote marked
"(turn 21, 01:05)" under a criterion is found on the transcript's line "(turn 21)" above it.
Before, the transcript printed no numbers, so a cited turn could not be found in a long call;
a backchannel ("Um, right." said over the customer) keeps its own number, as in the exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.drill_calls import invoke
from tests.test_cli import GOOD


def test_every_cited_turn_is_found_by_its_number_in_the_transcript(mini_workspace: Path) -> None:
    invoke(mini_workspace, "practice", "mini", "--seed", "7", input=GOOD)
    sid = "last"
    shown = invoke(mini_workspace, "show", sid)
    assert shown.exit_code == 0, shown.output
    doc = json.loads(invoke(mini_workspace, "show", sid, "--json").stdout)
    transcript, _, scorecard = shown.stdout.partition("\nScorecard")
    cited = [e for c in doc["scorecard"]["criteria"] for e in c["evidence"] if e["quote"]]
    assert cited, "the call must cite some of the rep's words"
    lines = transcript.splitlines()
    for e in cited:
        assert f"(turn {e['turn']}, " in scorecard  # as the scorecard shows it
        [line] = [x for x in lines if f" (turn {e['turn']}): " in x]
        words = " ".join(transcript.split(line, 1)[1].split("\n[", 1)[0].split())
        assert e["quote"].split()[0] in line + words, (line, e["quote"])
        assert line.lstrip().startswith("[") and " You " in line  # the rep's own turn
    numbers = [int(n) for n in re.findall(r"\(turn (\d+)\): ", transcript)]
    assert numbers == [t["index"] for t in doc["turns"]]  # every turn, backchannels too
