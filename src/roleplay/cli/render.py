"""Plain-text rendering for the terminal: transcripts, scorecards, session lists.

Everything shown here can hold untrusted text (the rep's and the model's lines, trainers'
YAML, outside transcripts), so every function returns text without control characters: an
escape sequence in a turn (OSC 52 writes the clipboard) must never reach the terminal.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from roleplay.domain.text import printable
from roleplay.presentation.format import clock as clock  # re-exported for the CLI modules
from roleplay.presentation.format import comes_back, tip_example
from roleplay.presentation.format import duration as duration
from roleplay.presentation.format import status as status

# The models are only named in annotations: a command loads those it reads (`scenarios`
# needs no scorecard, KPIs or calibration; issue 18).
if TYPE_CHECKING:
    from roleplay.domain.kpis import Kpis
    from roleplay.domain.plain_commitment import PlainEvidence
    from roleplay.domain.scenario import Scenario
    from roleplay.domain.scorecard import Evidence, Scorecard
    from roleplay.domain.session import SessionRecord, Transcript
    from roleplay.domain.shown_session import (
        ShownCard,
        ShownKpis,
        ShownRecord,
        ShownTranscript,
    )
    from roleplay.services.calibration import Agreement
    from roleplay.services.end_of_call import CallResult  # the call's machinery: not loaded
    from roleplay.services.ports.sessions import Listed

WIDTH = 78
OFFLINE_BANNER = (  # two lines that fit 80 columns
    "Offline mode (no LLM configured): a scripted customer and a rule-based judge.\n"
    "Connect an LLM for a live customer: see 'Connect an LLM' in the README."
)


def safe(text: str) -> str:
    """`text` fit for a terminal: control characters gone (newline and tab kept)."""
    return printable(text)


_GLUE = "\u00a0"  # joins a command's words while filling (textwrap does not break at it)
_GROUPS = {"new", "team", "review", "assignments", "outcomes"}  # a command of two words


def wrap(text: str, indent: str = "", width: int = WIDTH, first: str | None = None) -> str:
    """Fill to `width`; `first` replaces the indent of the first line (e.g. a speaker name).
    A line is never broken inside a word (a session id, a path, a link: each stays whole to
    be copied with a double-click) nor inside a command (`roleplay show ID`)."""
    room = width - max(len(indent), len(indent if first is None else first))
    # A command longer than the line may break before an option, never inside an id.
    words = [
        w if len(w) <= room else re.sub(f"{_GLUE}(?=[-[])", " ", w)
        for w in _glue_commands(printable(text).split()).split(" ")
    ]
    filled = textwrap.fill(
        " ".join(words),
        width=width,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return filled.replace(_GLUE, " ")


def _glue_commands(words: list[str]) -> str:
    """`words` joined by spaces, except inside a command: `...` in backticks, or roleplay,
    its command and the options and values after it ("roleplay show ID --json")."""
    out: list[str] = []
    state: int | str | None = None  # "quote" inside `...`; n: the command's words so far
    for word in words:
        core = word.lstrip("(")
        bare = core.rstrip(").,;:!?\"'\u201d") or core  # "..." is a value, not punctuation
        closes = word != word.rstrip(").,;:!?\u201d")  # "roleplay doctor." ends there
        if state == "quote":
            out[-1] += _GLUE + word
            state = None if "`" in word else state
            continue
        if isinstance(state, int) and _in_command(bare, state, out[-1]):
            out[-1] += _GLUE + word
            state = None if closes else state + 1
            continue
        out.append(word)
        state = None
        if word.lstrip("(").startswith("`") and word.count("`") == 1:
            state = "quote"
        elif bare.lstrip("\"'\u201c") == "roleplay" and not closes:
            state = 0
    return " ".join(out)


def _in_command(word: str, n: int, command: str) -> bool:
    """Whether `word` is the next part of `command` (which has `n` words after roleplay)."""
    if n == 0:
        return word[:1].islower()  # the command: show, practice...
    if n == 1 and command.rsplit(_GLUE, 1)[-1] in _GROUPS:
        return True  # new scenario, team add...
    return (
        word.startswith(("-", "<", "[", '"', "'"))
        or any(c.isdigit() or c in "-/._|" for c in word)
        or (len(word) > 1 and word.isupper())  # SESSION, FILE
    )


def briefing(s: Scenario, time_limit: float) -> str:
    p = s.persona
    lines = [
        s.title,
        "=" * min(len(s.title), WIDTH),
        wrap(f"You are calling {p.name}, {p.role} at {p.company}."),
        wrap(  # skill ids stay whole
            f"Difficulty {s.difficulty}/5 · time limit {clock(time_limit)} · skills: "
            + ", ".join(s.skills)
        ),
        "",
        "\n\n".join(wrap(part) for part in s.brief.split("\n\n")),  # drills add paragraphs
    ]
    return printable("\n".join(lines))


def session_table(
    records: Sequence[Listed],
    scores: dict[str, float | None],
    problems: dict[str, str] | None = None,
) -> str:
    """The sessions, then every damaged session folder with why (`problems`: id -> why)."""
    problems = problems or {}
    if not records and not problems:
        return "No sessions yet. Start one with: roleplay practice SCENARIO"
    # 79 columns with a usual id: an 80-column terminal wraps none of its rows
    w = max([42, *(len(r.id) for r in records), *map(len, problems)])  # long ids widen it
    header = f"{'SESSION':<{w}} {'REP':<12} {'STATUS':<10} {'SCORE':>5} {'TIME':>6}"
    rows = [header]
    for r in records:
        score = scores.get(r.id)
        rows.append(
            f"{r.id:<{w}} {r.rep[:12]:<12} {'damaged' if r.id in problems else status(r):<10} "
            f"{'-' if score is None else f'{score:.1f}':>5} {clock(duration(r)):>6}"
        )
    listed = {r.id for r in records}
    for id_ in sorted(set(problems) - listed):
        rows.append(f"{id_:<{w}} {'?':<12} {'damaged':<10} {'-':>5} {'-':>6}")
    if problems:
        rows += ["", f"{len(problems)} damaged session(s):"]
        rows += [f"  {why}" for _, why in sorted(problems.items())]  # a path is never broken
    return printable("\n".join(rows))


def _origin(r: SessionRecord | ShownRecord) -> str:
    """Where the session came from: the scenario's variation, or what a real call was scored
    from (a real call has no variation: "seed 0;" said nothing true about it)."""
    from roleplay.domain.call_origin import real_call  # pydantic-free (services/export is not)

    note = real_call(r)
    if note is not None:
        return note[:1].upper() + note[1:]
    return f"Variation: seed {r.variation.seed}; " + ", ".join(
        f"{k}={v}" for k, v in r.variation.choices.items()
    )


def transcript(t: Transcript | ShownTranscript, customer_name: str | None = None) -> str:
    r = t.record
    out = [
        f"Session {r.id}",
        f"Scenario: {r.scenario.title or r.scenario.id} (v{r.scenario.version}) · rep: {r.rep}"
        f" · {status(r)}"
        if r.mode != "transcript"
        else f"Real call: {r.scenario.title or r.scenario.id} · rep: {r.rep} · {status(r)}",
        wrap(_origin(r)),
        "",
    ]
    from roleplay.domain.kpi_words import said_over

    for turn in t.turns:
        who = "You" if turn.speaker == "rep" else (customer_name or "Customer")
        stamp = f"[{clock(turn.start)}]"
        cut = " (cut off)" if "interrupted" in turn.tags else ""
        over = said_over(turn, rep="you")  # "Right." inside the other's sentence, under it
        who, pad = (f"{who} (over {over})", "    ") if over else (who, "")
        # The turn's number, as a scorecard's evidence and the exports cite it ("turn 21")
        number = f"(turn {turn.index})"
        out.append(wrap(f"{stamp} {who} {number}: {turn.text}{cut}", pad, width=WIDTH))
    if not t.finished:
        out += ["", "(This session did not finish; the turns above were saved as they happened.)"]
    elif r.outcome == "cut-short":  # scored afterwards: finished for the schedule, not as a call
        out += [
            "",
            wrap(
                "(This call did not finish: nobody ended it. It was cut short (quit to score "
                "later, or cut off by a crash) and scored afterwards as it stood at its last "
                f"turn, {clock(duration(r) or 0.0)} in. The turns above were saved as they "
                "happened.)"
            ),
        ]
    return printable("\n".join(out))


def calibration(results: Sequence[Agreement], skipped: int) -> str:
    from roleplay.services.calibration import RELIABLE_PAIRS

    def pct(x: float | None) -> str:
        return "-" if x is None else f"{100 * x:.0f}%"

    rows = [f"{'CRITERION':<28} {'PAIRS':>5} {'EXACT':>6} {'±1':>6} {'KAPPA':>6} {'BIAS':>6}"]
    for r in results:
        kappa = "-" if r.kappa is None else f"{r.kappa:.2f}"
        bias = "-" if r.mean_difference is None else f"{r.mean_difference:+.1f}"
        interval = "" if r.kappa_low is None else f"  ({r.kappa_low:.2f} to {r.kappa_high:.2f})"
        rows.append(
            f"{r.criterion[:28]:<28} {r.pairs:>5} {pct(r.exact):>6} "
            f"{pct(r.within_one):>6} {kappa:>6} {bias:>6}{interval}{'' if r.reliable else ' *'}"
        )
    rows.append("")
    rows.append(
        "KAPPA is quadratic-weighted Cohen's kappa (1 = perfect, 0 = chance). BIAS is the "
        "judge's level minus the human's, on average (+ means generous)."
    )
    if any(not r.reliable for r in results):
        rows.append(
            f"* Fewer than {RELIABLE_PAIRS} pairs: not yet reliable (the interval in brackets "
            "is kappa's bootstrap 95% range)."
        )
    if skipped:
        rows.append(
            f"{skipped} human score(s) skipped: unknown session, no scorecard, or another rubric."
        )
    return printable("\n".join(rows))


def _bar(level: int | None) -> str:
    if level is None:
        return "  not scored"
    return f"{'█' * level}{'░' * (5 - level)} {level}/5"


def scorecard(card: Scorecard | ShownCard, rubric_title: str | None = None) -> str:
    title = f"Scorecard · {rubric_title or card.rubric}"
    judge = "offline rule-based judge, approximate" if card.approximate else f"judge {card.judge}"
    out = [title, "=" * len(title), f"({judge})", ""]
    if card.overall is None:
        out.append("Overall: not scored (no criterion could be scored)")
    else:
        verdict = "PASS" if card.passed else "NOT YET"
        out.append(
            f"Overall {card.overall:.1f} / 5 · {verdict} (pass at {card.pass_threshold:.1f})"
        )
    out.append("")
    for c in card.criteria:
        spread = f"   samples {','.join(map(str, c.samples))}" if c.spread is not None else ""
        out.append(f"{c.name:<34} {_bar(c.level)}   weight {c.weight:g}{spread}")
        out.append(wrap(c.rationale, "    "))
        if c.unsupported:
            out.append("    ! no verified evidence for this level")
        out += [_quote(e, "+") for e in c.evidence]
        out += [_quote(e, "-") for e in c.counter_evidence]
        example = tip_example(c.tip, c.example)  # the tip may give one already
        tip = c.tip + (f" For example: \u201c{example}\u201d" if example else "")
        out.append(wrap("Next time: " + tip, "    "))
        out.append("")
    names = {c.id: c.name for c in card.criteria}
    if card.strengths:
        out.append("Strengths:  " + "; ".join(names[i] for i in card.strengths))
    if card.priorities:
        out.append("Priorities: " + "; ".join(names[i] for i in card.priorities))
    for chk in card.commitments:  # commitments from earlier sessions that this one tested
        out += ["", wrap(f"Your commitment \u201c{chk.commitment}\u201d: {chk.reason}")]
        out += [_quote(e, "+") for e in chk.evidence]
    out += ["", kpi_lines(card.kpis)]
    out += ["", *[wrap(n) for n in card.notes]]
    return printable("\n".join(out))


def _quote(e: Evidence | PlainEvidence, mark: str) -> str:
    """One evidence quote under its marker (+ for, - against); wrapped lines indent under it."""
    return wrap(
        f"\u201c{e.quote}\u201d (turn {e.turn}, {clock(e.time)})", " " * 6, first=f"    {mark} "
    )


def kpi_lines(k: Kpis | ShownKpis) -> str:
    from roleplay.domain.kpi_words import describe

    return wrap("Numbers: " + " · ".join(f"{label} {value}" for label, value in describe(k)))


def schedule_lines(result: CallResult) -> list[str]:
    """When each scored skill comes back for practice, soonest first (as the app shows it)."""
    lines = []
    if result.comes_back:
        lines.append("\nComes back:")
        lines += [f"  {line}" for line in comes_back(result.comes_back, result.stays_today)]
    if result.schedule_problem:
        lines.append(wrap(f"(Schedule not updated: {result.schedule_problem})"))
    return lines
