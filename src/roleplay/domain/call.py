"""A recorded call as words with speakers: turns by time, and a guess at which side is the rep.

The audio side (channel split, diarization) lives in adapters; this module only orders what
they found. Each speaker's words are grouped into utterances (a pause longer than
`PAUSE` ends one), utterances are sorted by start, and consecutive utterances of one speaker
form a turn. A turn keeps its real start and end, so overlap (an interruption) and the gap
before a reply (response latency) survive into the KPIs.

Mono calls overlap: a "mm-hm" or "right" said wholly inside the other speaker's utterance does
not take the floor. It stays a turn of its own, tagged `OVERLAP` (kpis.py says what it counts
for), just after the turn it was said in; it neither ends that turn nor joins the speaker's
next one. Before, "Right." at 0:05 inside the customer's 0:03-0:10 merged with the rep's reply
at 0:10.6 into one turn from 0:05: the reply counted as an interruption, its latency was lost,
and the rep was credited with the customer's seconds of talk.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from roleplay.domain.call_origin import OUTSIDE_CALL as OUTSIDE_CALL  # (pydantic-free there)
from roleplay.domain.kpis import OVERLAP
from roleplay.domain.session import Turn

PAUSE = 1.2  # seconds of silence that end one speaker's utterance
# The names `transcribe --speakers` gives each side until it is told which is the rep: the
# stereo channels (--rep-channel left|right), the voices of a mono call (--rep-speaker A|B, A
# speaks first). `score --transcript` takes the same options to name the rep's side in them.
SIDE_NAMES = {"left": "Left", "right": "Right", "A": "Speaker A", "B": "Speaker B"}


@dataclass(frozen=True)
class SpokenWord:
    text: str
    start: float
    end: float
    speaker: str  # a label: "left"/"right" (stereo) or "A"/"B" (mono)


@dataclass(frozen=True)
class Utterance:
    speaker: str
    start: float
    end: float
    text: str
    words: tuple[SpokenWord, ...] = ()


@dataclass(frozen=True)
class RepGuess:
    speaker: str
    reasons: tuple[str, ...]  # what the guess rests on, shown to the user to confirm
    sure: bool  # False: no sign either way, the first speaker was taken


def utterances(words: list[SpokenWord], pause: float = PAUSE) -> list[Utterance]:
    """Each speaker's words grouped at pauses, then all of them ordered by start time."""
    found: list[Utterance] = []
    for label in sorted({w.speaker for w in words}):
        mine = sorted((w for w in words if w.speaker == label), key=lambda w: w.start)
        group: list[SpokenWord] = []
        for w in mine:
            if group and w.start - group[-1].end > pause:
                found.append(_utterance(group))
                group = []
            group.append(w)
        if group:
            found.append(_utterance(group))
    return sorted(found, key=lambda u: (u.start, u.end))


# A sentence's end as Whisper writes it: "us." "over?" "out!" (a closing quote or bracket after).
_ENDS_SENTENCE = re.compile(r"[.?!][\"')\]]*$")


def ends_sentence(text: str) -> bool:
    """Does this word end a sentence (Whisper's punctuation)?"""
    return bool(_ENDS_SENTENCE.search(text.strip()))


TAIL_MOST = 2  # words: the end of a sentence carried over a change of speaker, at most
JOINED = 0.3  # seconds: words this close run on (no pause between them)


def sentence_tails_kept(words: Sequence[SpokenWord]) -> list[SpokenWord]:
    """A mono call's words (in time order) with the end of a sentence given back to the
    speaker who said the rest of it.

    The voices are told apart by sound, and a change of speaker is found a word or two
    early: "...and the customers start calling" (customer) "us. What does a late delivery
    cost you?" (rep), five times on a 2-minute call ("over / time.", "send it over /
    please.", "Talk to you / then.", "find / out."). Those words then open the rep's turn,
    and a drill's "Earlier in the call" quoted them. Whisper's punctuation says where the
    sentence ends: when the previous speaker's last word ends no sentence, the next speaker's
    first words (at most TAIL_MOST) end one with no pause before them, and the same speaker
    goes on with a new sentence after them, not sooner than the pause before them, those
    words finish the previous speaker's sentence and go back to them. A reply that follows
    a pause ("...calling." / "Right. What does...") or a sentence the previous speaker
    ended is left as the voices said it. On the diarization bench's calls (one per
    condition, its cached transcripts, 1,390 words) word attribution went 92.2% -> 92.7%,
    four calls up and none down; with up to three words 92.5% (one call 100% -> 97.3%:
    crosstalk heard as "merge before net." moved the rep's "before net." too), with one
    word 92.4%."""
    out = list(words)
    for i in range(1, len(out)):
        before, first = out[i - 1], out[i]
        if first.speaker == before.speaker or _ENDS_SENTENCE.search(before.text.strip()):
            continue
        j = i
        while (
            j < len(out)
            and j - i < TAIL_MOST
            and out[j].speaker == first.speaker
            and not _ENDS_SENTENCE.search(out[j].text.strip())
        ):
            j += 1
        if j + 1 >= len(out) or j - i >= TAIL_MOST or out[j].speaker != first.speaker:
            continue  # no sentence end soon, or nothing of the new speaker after it
        if out[j + 1].speaker != first.speaker:
            continue  # the words are all the new speaker said there: a reply, kept
        if any(out[k].start - out[k - 1].end > JOINED for k in range(i, j + 1)):
            continue  # a pause before the words: the turn may well have changed there
        if out[j + 1].start - out[j].end < first.start - before.end:
            continue  # the pause is before them, not after
        for k in range(i, j + 1):
            out[k] = SpokenWord(out[k].text, out[k].start, out[k].end, before.speaker)
    return out


ISLAND_MOST = 3  # words: a run of one voice inside the other's sentence given back, at most


def islands_joined(words: Sequence[SpokenWord]) -> list[SpokenWord]:
    """A mono call's words (in time order) with a few words heard in the other voice inside
    one speaker's run of speech given back to that speaker.

    The voices are told apart word by word, and on calls of the real recordings with the
    rep's espeak-ng questions a few of the rep's words came out in the customer's voice:
    "Good / morning, thanks for calling Nordic / Freight. / This is Kari speaking.", "Could I
    have your / name and the / company you are calling from?" The transcript then cut the
    rep's greeting into three turns, one of them the customer's. At most ISLAND_MOST words of
    one voice, with the other voice's words right before and after them (or the call's start
    before them), no pause around or among them (JOINED), and inside a sentence (the word
    before them ends none) go to the speaker around them. Words that start a sentence keep
    their voice, as a backchannel does ("...fellow Americans. / Yes, / what your country"),
    and so does anything after a pause. On the 31 mono calls of
    bench/mono_backchannel_bench.py, words each side's script alone holds went 90.1% ->
    90.9% on the right side (1,673 -> 1,689 of 1,857; 6 calls better, none worse)."""
    out = list(words)
    i = 0
    while i < len(out):
        j = i
        while j < len(out) and out[j].speaker == out[i].speaker and j - i <= ISLAND_MOST:
            j += 1
        if j - i > ISLAND_MOST or j >= len(out):
            i = j if j > i else i + 1
            continue
        after = out[j]
        before = out[i - 1] if i > 0 else None
        if before is not None and before.speaker != after.speaker:
            i = j
            continue
        gaps = [out[k].start - out[k - 1].end for k in range(max(1, i), j + 1)]
        if (before is not None and ends_sentence(before.text)) or any(g > JOINED for g in gaps):
            i = j
            continue
        for k in range(i, j):
            out[k] = SpokenWord(out[k].text, out[k].start, out[k].end, after.speaker)
        i = j
    return out


# Whisper splits a number at its separator: "20" ",000", "2" ".5" (joined, "20 ,000 crowns").
_NUMBER_PART = re.compile(r"^[,.]\d")


def _utterance(group: list[SpokenWord]) -> Utterance:
    text = ""
    for w in group:
        said = w.text.strip()
        if said:
            text += said if not text or _NUMBER_PART.match(said) else f" {said}"
    return Utterance(group[0].speaker, group[0].start, group[-1].end, text, tuple(group))


def merged(found: list[Utterance]) -> list[Utterance]:
    """Consecutive utterances of one speaker as one (a turn)."""
    return [u for u, _overlap in floor_turns(found)]


def enclosed(spans: Sequence[tuple[str, float, float]]) -> set[int]:
    """The indices of (speaker, start, end) spans said wholly inside another speaker's span.
    Of two spans of different speakers with the same times, the first listed holds the floor."""
    order = sorted(range(len(spans)), key=lambda i: (spans[i][1], -spans[i][2], i))
    reach: dict[str, float] = {}  # each speaker's latest end among the spans started so far
    inside: set[int] = set()
    for i in order:
        who, _start, end = spans[i]
        if any(e >= end for other, e in reach.items() if other != who):
            inside.add(i)
        reach[who] = max(reach.get(who, end), end)
    return inside


def floor_turns(
    found: list[Utterance], overlaps: bool = True, marked: Collection[int] = ()
) -> list[tuple[Utterance, bool]]:
    """Turns in order, each with whether it is an overlap (said wholly inside another
    speaker's utterance: kept apart, just after the turn it was said in). `overlaps=False`:
    the times say nothing of who spoke over whom (a transcript without end times), so
    consecutive utterances of one speaker merge and that is all. `marked`: the indices of
    utterances a transcript marks as said over the other side (OVER), overlaps whatever
    their times. A recording's words and a transcript file's lines (transcript_file.py) are
    made into turns here alike."""
    inside = enclosed([(u.speaker, u.start, u.end) for u in found]) if overlaps else set()
    inside |= set(marked)
    out: list[tuple[Utterance, bool]] = []
    pending: list[Utterance] = []
    floor = -1  # where the turn that holds the floor is in `out`
    for i, u in enumerate(found):
        if i in inside:
            pending.append(u)
        elif floor >= 0 and out[floor][0].speaker == u.speaker:
            last = out[floor][0]
            out[floor] = (
                Utterance(
                    u.speaker,
                    last.start,
                    max(last.end, u.end),
                    f"{last.text} {u.text}".strip(),
                    last.words + u.words,
                ),
                False,
            )
        else:
            out += [(p, True) for p in pending]
            pending = []
            out.append((u, False))
            floor = len(out) - 1
    return out + [(p, True) for p in pending]


def to_turns(found: list[Utterance], rep_speaker: str, names: dict[str, str]) -> list[Turn]:
    """Turns for the judge and the KPIs; `names` maps a label to the person's name."""
    turns: list[Turn] = []
    for u, overlap in floor_turns(found):
        role = "rep" if u.speaker == rep_speaker else "customer"
        name = f"speaker:{names.get(u.speaker, u.speaker)}"
        turns.append(
            Turn(
                index=len(turns),
                speaker=role,
                text=u.text,
                start=round(u.start, 2),
                end=round(u.end, 2),
                source=None if role == "rep" else "recording",
                tags=(name, OVERLAP) if overlap else (name,),
            )
        )
    return turns


def stamp(seconds: float) -> str:
    minutes, rest = divmod(max(0.0, seconds), 60)
    return f"{int(minutes):02d}:{rest:04.1f}"


# How a transcript marks a line said wholly inside the other side's sentence, as `show`
# does: "Kari (over Customer): Right.". transcript_file.py reads the mark back.
OVER = re.compile(r"^(?P<name>.*?\S)\s+\(over (?P<host>[^()]*)\)$")


def over_label(name: str, host: str) -> str:
    """The label of a line `name` said over `host`, each name as `label` writes it."""
    return f"{label(name)} (over {label(host)})"


# A name a transcript's line reads back as it is (transcript_file.py): it starts with a
# letter, holds none of : [ ] " ( ), has at most four words (longer, the line reads as
# prose) and at most 60 characters.
_PLAIN_NAME = re.compile(r"[^\W\d_][^:\[\]\"()\n]{0,59}")


def label(name: str) -> str:
    """`name` as a transcript line writes it: as it is when it reads back so, else quoted
    as a JSON string ("Kari: the rep", a name of six words or of 70 characters), which
    transcript_file.py reads back to the same name. Before, `transcribe --speakers` refused
    a rep name longer than ~44 characters for its text (the marked label "NAME (over
    Customer)" passed the reader's 60), while JSON kept any name."""
    plain = (
        _PLAIN_NAME.fullmatch(name) is not None and name == name.strip() and len(name.split()) <= 4
    )
    if plain:
        return name
    import json

    return json.dumps(name, ensure_ascii=False)


def said_over(found: list[Utterance], names: dict[str, str]) -> list[tuple[Utterance, str | None]]:
    """The turns as `transcribe --speakers` writes them, each with the name of whom it was
    said over (None: it holds the floor): the turn said just before it by someone else."""
    out: list[tuple[Utterance, str | None]] = []
    floor_by: list[str] = []  # who held the floor, in order
    for u, overlap in floor_turns(found):
        name = names.get(u.speaker, u.speaker)
        if not overlap:
            floor_by.append(name)
            out.append((u, None))
            continue
        host = next((n for n in reversed(floor_by) if n != name), "the other side")
        out.append((u, host))
    return out


def transcript_lines(found: list[Utterance], names: dict[str, str]) -> list[str]:
    """The `transcribe --speakers` text, which `score --transcript` reads back as it is. A
    line said wholly inside the other side's sentence ("Right.") is indented under it and
    marked as `show` marks it: "Kari (over Customer): Right."; before, it read as a turn the
    rep took, between the customer's sentence and the rep's reply."""
    lines = []
    for u, host in said_over(found, names):
        name = names.get(u.speaker, u.speaker)
        at = f"[{stamp(u.start)} - {stamp(u.end)}]"
        if host is None:
            lines.append(f"{at} {label(name)}: {u.text}")
        else:
            lines.append(f"  {at} {over_label(name, host)}: {u.text}")
    return lines


# What a rep says and a customer rarely does: greeting the caller on behalf of the company,
# and asking for the customer's details.
_REP_SIGNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "greets the caller",
        re.compile(
            r"\b(thanks?( you)? for (calling|taking|your time)|how (can|may) i help|"
            r"this is \w+ (from|at|with)|my name is|you'?ve reached|speaking\b|good "
            r"(morning|afternoon|evening)|welcome to)",
            re.I,
        ),
    ),
    (
        "asks for the customer's details",
        re.compile(
            r"\b((can|could|may) i (get|have|take|confirm) (your|the)|what('?s| is) your "
            r"(name|email|e-mail|phone|number|address|company|account)|your (name|e-?mail|phone "
            r"number|account number|postcode|zip code|date of birth)|spell (that|your))",
            re.I,
        ),
    ),
)


def guess_rep(found: list[Utterance], timed: bool = True) -> RepGuess:
    """The speaker who greets and asks for details; with no such sign, the first speaker.
    `timed=False`: the utterances' times are only their order (a transcript without times),
    so the reasons quote the words without an "at 00:01.0" that was never said."""
    labels = list(dict.fromkeys(u.speaker for u in found))  # found is ordered by start
    if not labels:
        return RepGuess("", (), False)
    hits: dict[str, list[str]] = {label: [] for label in labels}
    for u in found:
        for why, pattern in _REP_SIGNS:
            m = pattern.search(u.text)
            if m:
                at = f" at {stamp(u.start)}" if timed else ""
                hits[u.speaker].append(f'{why} ("{m.group(0)}"{at})')
    ranked = sorted(labels, key=lambda s: -len(hits[s]))
    best = ranked[0]
    runner_up = len(hits[ranked[1]]) if len(ranked) > 1 else 0
    if len(hits[best]) > runner_up:
        return RepGuess(best, tuple(hits[best][:3]), True)
    first = labels[0]
    return RepGuess(first, ("speaks first (no greeting or request for details found)",), False)


@dataclass(frozen=True)
class CallWords:
    """A recording transcribed with a speaker on every word."""

    kind: str  # "stereo": one side per channel; "mono": diarized
    labels: tuple[str, ...]  # the speakers, in order of first word
    words: tuple[SpokenWord, ...]
    duration: float
    language: str
