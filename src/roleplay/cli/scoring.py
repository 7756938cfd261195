"""`roleplay score` (re-score a session, or score an outside call) and `roleplay calibrate`
(the judge against gold calls, or against human scores)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from roleplay.cli import render
from roleplay.cli.app import JsonOpt, app, build_services, emit_json, fail, rep_option
from roleplay.cli.calls import Channel, RepChannelOpt, RepSpeakerOpt, Voice
from roleplay.services.ports import BrokenRecording, Judge, JudgeUnavailable, SessionNotFound

if TYPE_CHECKING:
    # Re-scoring a session (`score last`) needs none of these at import: an outside call's
    # and calibration's types load where those run.
    from roleplay.composition import Services
    from roleplay.domain.rubric import Rubric
    from roleplay.domain.scorecard import Scorecard
    from roleplay.domain.session import Transcript, Turn
    from roleplay.services.calibration import HumanScore
    from roleplay.services.catalog import Catalog

AUDIO = {".wav", ".flac", ".mp3", ".ogg", ".m4a", ".opus", ".aac"}


class JudgeKind(StrEnum):
    llm = "llm"
    offline = "offline"


@app.command()
def score(
    session: Annotated[str | None, typer.Argument(help="Session id, prefix, or 'last'.")] = None,
    judge: Annotated[
        JudgeKind | None,
        typer.Option(help="Which judge; default: the LLM when configured, else offline."),
    ] = None,
    samples: Annotated[
        int, typer.Option(min=1, max=20, help="Run the LLM judge N times; show median/spread.")
    ] = 1,
    transcript: Annotated[
        Path | None,
        typer.Option(help="Score an outside call: a 'Speaker: text' file or an audio file."),
    ] = None,
    rubric: Annotated[str | None, typer.Option(help="Rubric id, with --transcript.")] = None,
    rep: Annotated[
        str | None,
        typer.Option(help="The rep's speaker name, with --transcript.", callback=rep_option),
    ] = None,
    save: Annotated[
        bool, typer.Option(help="With --transcript: keep it as a session in recordings/.")
    ] = False,
    rep_channel: RepChannelOpt = None,
    rep_speaker: RepSpeakerOpt = None,
    make_drills: Annotated[
        bool | None,
        typer.Option(
            "--make-drills/--no-make-drills",
            help="With --save: make drills from the call's weakest moments, or not "
            "(default: ask on a terminal).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Re-score a saved session, or score an outside conversation against a rubric."""
    services = build_services()
    kind: Literal["auto", "llm", "offline"] = judge.value if judge else "auto"
    try:
        chosen = services.judge(kind, samples)
    except JudgeUnavailable as exc:
        raise fail(str(exc)) from None
    if transcript is not None:
        if session is not None:
            raise fail("give either a SESSION or --transcript FILE, not both")
        if not rubric or not rep:
            raise fail(_needs(services, transcript, rubric, rep, rep_channel or rep_speaker))
        if make_drills is not None and not save:
            raise fail("--make-drills/--no-make-drills go with --save: drills need the call kept")
        t = _outside_call(services, transcript, rubric, rep, (rep_channel, rep_speaker))
        rubric_obj = services.catalog().rubrics[rubric].rubric
        card = _judge(chosen, rubric_obj, t)
        if save:
            _import(services, t, card)
    else:
        if session is None:
            raise fail(
                "give a SESSION to re-score (see `roleplay sessions`), or "
                "--transcript FILE --rubric RUBRIC --rep NAME"
            )
        _rescore(services, session, chosen, samples, as_json)
        return
    if as_json:
        emit_json(card.model_dump(mode="json"))
    else:  # titled by the rubric's title, as practice and a re-score title it
        typer.echo(render.scorecard(card, rubric_obj.title))
    if transcript is not None and save:  # after the scorecard: the offer follows from it
        from roleplay.cli.call_drills import offer_drills

        offer_drills(services, t.record.id, make_drills)


def _needs(
    services: Services,
    path: Path,
    rubric: str | None,
    rep: str | None,
    side: Channel | Voice | None,
) -> str:
    """What --transcript lacks, and what to pass. No --rep: a text transcript's own speakers,
    roleplay's guess and the options (domain/transcript_file.py words it, as it does when
    --rep is not found in the file)."""
    lacking = " and ".join(
        x for x, got in (("--rubric RUBRIC", rubric), ("--rep NAME", rep)) if not got
    )
    head = f"--transcript needs {lacking}"
    if not rubric:
        head += f" (the rubrics: {', '.join(sorted(services.catalog().rubrics)) or 'none'})"
    if rep:
        return head
    if path.suffix.lower() in AUDIO or not path.is_file():
        return (
            f"{head}. --rep is the rep's name; --rep-channel left|right (a stereo recording) "
            "or --rep-speaker A|B (mono, A speaks first) says which side is theirs, else "
            "roleplay shows its guess for you to confirm"
        )
    from roleplay.domain.transcript_file import TranscriptFileError, parse

    try:
        parse(_read_text(path), None, str(path), side.value if side else None)
    except TranscriptFileError as exc:
        return f"{head}. {exc}"
    return f"{head} (the rep's speaker name in the file)"


def _rescore(services: Services, session: str, judge: Judge, samples: int, as_json: bool) -> None:
    """Score a saved session again through the end-of-call service (which also rebuilds the
    schedule and notes a changed rubric), and render what it returns."""
    from roleplay.services.practice import RubricMissing

    try:
        result = services.end_of_call().rescore(session, judge, samples)
    except (SessionNotFound, RubricMissing, JudgeUnavailable, BrokenRecording) as exc:
        raise fail(str(exc)) from None
    if as_json:  # the scorecard as saved, as before (scripts read it as one)
        emit_json(result.scorecard.model_dump(mode="json"))
        return
    typer.echo(render.scorecard(result.scorecard, result.rubric_title))
    for line in render.schedule_lines(result):
        typer.echo(line)


def _rubric_or_fail(catalog: Catalog, rubric_id: str) -> None:
    """A rubric that is not usable: no such id (with close matches), or a file with problems
    (named with file, line and field, not as "unknown")."""
    from roleplay.services.catalog import UnknownRubric

    try:
        catalog.rubric(rubric_id)
    except UnknownRubric as exc:  # the hint in brackets, as it was written before
        raise fail(f"{exc.message} ({exc.hint})" if exc.hint else exc.message) from None


def _judge(judge: Judge, rubric: Rubric, t: Transcript) -> Scorecard:
    try:
        return judge.score(rubric, t)
    except JudgeUnavailable as exc:
        raise fail(str(exc)) from None


def _outside_call(
    services: Services,
    path: Path,
    rubric_id: str,
    rep: str,
    side: tuple[Channel | None, Voice | None] = (None, None),
) -> Transcript:
    catalog = services.catalog()
    _rubric_or_fail(catalog, rubric_id)
    if not path.exists():
        raise fail(f"no such file: {path}")
    if not path.is_file():  # a folder, or a pipe or device that reading would wait on
        what = "a folder" if path.is_dir() else "not a regular file"
        raise fail(
            f"{path} is {what}; --transcript takes one file: a 'Speaker: text' transcript "
            "or a recording (.wav, .flac, .mp3...)"
        )
    from roleplay.domain.call import OUTSIDE_CALL
    from roleplay.domain.session import FileRef, SessionRecord, Transcript, VariationRecord
    from roleplay.domain.transcript_file import TranscriptFileError, parse

    rubric = catalog.rubrics[rubric_id].rubric
    extra: dict[str, str | int | float | bool | None] = {}
    seconds: float | None = None  # how long the call lasted, when the file says
    if path.suffix.lower() in AUDIO:
        turns, extra = _recorded_call(services, path, rubric.language, rep, side)
        duration = extra.get("duration")
        seconds = float(duration) if isinstance(duration, int | float) else None
    else:
        if None not in side:
            raise fail("give --rep-channel or --rep-speaker, not both")
        named = side[0] or side[1]  # the side `transcribe --speakers` named Left, Speaker A...
        try:
            parsed = parse(_read_text(path), rep, str(path), named.value if named else None)
        except TranscriptFileError as exc:
            raise fail(str(exc)) from None
        turns = parsed.turns
        if parsed.timed and turns:  # its last timestamp; untimed lines say nothing of time
            seconds = max(t.end for t in turns)
    digest = _sha256(path)
    now = services.practice.clock.now()
    # The call lasted as long as its recording, or to its transcript's last timestamp:
    # `sessions` shows that time (it showed 0:00 when both ends were the moment of scoring).
    # It ends now, when it is scored, so no time lies in the future.
    started = now - timedelta(seconds=seconds) if seconds is not None else now
    record = SessionRecord(
        id=f"{now:%Y%m%d-%H%M%S}-call-{digest[:6]}",
        scenario=FileRef(id=OUTSIDE_CALL, version=1, sha256=digest, title=path.name),
        rubric=FileRef(
            id=rubric.id,
            version=rubric.version,
            sha256=catalog.rubrics[rubric_id].sha256,
            title=rubric.title,
        ),
        variation=VariationRecord(seed=0),
        language=rubric.language,
        rep=rep,
        team=services.settings.team,
        mode="transcript",
        settings={"source": str(path.name), **extra},
        started_at=started,
        ended_at=now,
    )
    return Transcript(record=record, turns=turns)


def _read_text(path: Path) -> str:
    """The transcript's text, decoded without guessing (domain/encoding.py says why)."""
    from roleplay.domain.encoding import NotText, decode_text

    try:
        return decode_text(path.read_bytes())
    except OSError as exc:
        raise fail(f"{path}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    except NotText as exc:
        raise fail(f"{path}: {exc}") from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _recorded_call(
    services: Services,
    path: Path,
    language: str,
    rep: str,
    side: tuple[Channel | None, Voice | None],
) -> tuple[tuple[Turn, ...], dict[str, str | int | float | bool | None]]:
    """An audio file: transcribed, split by channel or voice, the rep's side confirmed."""
    from roleplay.cli.calls import named, read_call, rep_side
    from roleplay.domain.call import to_turns
    from roleplay.domain.kpis import floor

    call = read_call(path, services.settings, None, language, side[0])
    label, found = rep_side(call, side[0], side[1], rep)
    names = named(call, label, rep)
    turns = tuple(to_turns(found, label, names))
    over = len(turns) - len(floor(turns))  # "Right." said inside the other's turn: not a turn
    typer.echo(
        f"{path.name}: {call.duration:.0f} s, {len(turns) - over} turns"
        f"{f' and {over} said over the other side' if over else ''} "
        f"({'split by channel' if call.kind == 'stereo' else 'voices told apart'}); "
        f"rep: {'the ' + label + ' channel' if call.kind == 'stereo' else 'speaker ' + label}",
        err=True,
    )
    return turns, {"split": call.kind, "rep_side": label, "duration": round(call.duration, 2)}


def _import(services: Services, t: Transcript, card: Scorecard) -> None:
    """Keep the scored call as a session. A failure part-way (a full disk) removes the folder
    this made, and only that one, and says so: no empty "ended" call with 0 turns is left in
    `sessions`. The failure itself is then reported as any other (cli/app.py)."""
    import shutil

    store = services.store
    store.create(t.record)  # a session already there under the name raises: left alone
    try:
        for turn in t.turns:
            store.append_turn(t.record.id, turn)
        store.save_scorecard(t.record.id, card)
    except BaseException:
        folder = store.folder(t.record.id)
        shutil.rmtree(folder, ignore_errors=True)
        gone = "it was removed" if not folder.exists() else f"remove {folder} by hand"
        typer.echo(
            f"The call was not saved: writing session {t.record.id} failed part-way; {gone}. "
            "Score the call again once the cause below is fixed.",
            err=True,
        )
        raise
    typer.echo(f"Saved as session {t.record.id}", err=True)


@app.command()
def calibrate(
    rubric: Annotated[
        str | None,
        typer.Argument(help="Rubric id: compare with human scores. Without it: the gold calls."),
    ] = None,
    human: Annotated[
        Path | None,
        typer.Option(help="CSV of human scores: session, criterion, level."),
    ] = None,
    judge: Annotated[
        JudgeKind | None,
        typer.Option(
            help="Gold calls: which judge; default the LLM when configured, else offline."
        ),
    ] = None,
    gold: Annotated[
        Path | None,
        typer.Option(help="Gold calls folder (default: the workspace's gold/, else the bundled)."),
    ] = None,
    scenario: Annotated[
        list[str] | None, typer.Option(help="Gold calls of this scenario only (repeatable).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """How well does the judge agree with trainers? Without a rubric: runs the judge on the gold
    calls (strong, mixed, poor, paraphrased, gamed, instructed) and shows per criterion exact and
    within-one agreement, quadratic-weighted kappa with a 95% interval, and bias; and across
    calls ranking accuracy, the paraphrase drop and the gaming gain. With a rubric: compares
    the judge's scorecards with human levels (--human CSV and reviewers' overrides)."""
    if rubric is None:
        if human is not None:
            raise fail("--human needs the RUBRIC the scores are for: roleplay calibrate RUBRIC")
        _calibrate_gold(judge, gold, scenario or [], as_json)
        return
    from roleplay.services.calibration import CalibrationInputError, agreement, read_human_csv

    services = build_services()
    catalog = services.catalog()
    _rubric_or_fail(catalog, rubric)
    humans: list[HumanScore] = []
    if human is not None:
        if not human.is_file():
            raise fail(
                f"{human}: {'not a file' if human.exists() else 'no such file'}; --human takes "
                "a CSV file (session, criterion, level)"
            )
        try:
            humans += read_human_csv(_read_text(human), str(human))
        except CalibrationInputError as exc:
            raise fail(str(exc)) from None
    humans += _review_levels(services, rubric)
    if not humans:
        raise fail(
            "no human scores yet: pass --human scores.csv (session, criterion, level), "
            "or override levels in review; `roleplay calibrate` alone measures the judge on "
            "the gold calls"
        )
    pairs: dict[str, list[tuple[int, int]]] = {
        c.id: [] for c in catalog.rubrics[rubric].rubric.criteria
    }
    skipped = 0
    for h in humans:
        # Through the review service: the team index holds teammates' sessions too.
        try:
            card = services.reviews.open(h.session).scorecard
        except SessionNotFound:
            skipped += 1
            continue
        if card is None or card.rubric != rubric or h.criterion not in pairs:
            skipped += 1
            continue
        level = card.criterion(h.criterion).level
        if level is not None:
            pairs[h.criterion].append((h.level, level))
    results = [agreement(cid, p) for cid, p in pairs.items()]
    if as_json:
        emit_json(
            {"rubric": rubric, "skipped": skipped, "criteria": [r.to_json() for r in results]}
        )
        return
    typer.echo(render.calibration(results, skipped))


def _calibrate_gold(
    kind: JudgeKind | None, folder: Path | None, scenarios: list[str], as_json: bool
) -> None:
    from roleplay.cli.gold_render import gold_report
    from roleplay.config import bundled
    from roleplay.services.gold import evaluate, load_gold_set

    services = build_services()
    if folder is None:
        folder = services.workspace.gold
        if not any(folder.glob("*/*.yaml")):
            folder = bundled("gold")
    if not folder.is_dir():
        raise fail(f"no gold calls folder at {folder} (gold/<scenario>/<call>.yaml)")
    # The LLM judge on its own: a fallback to the offline judge would measure the wrong judge.
    wanted: Literal["llm", "offline"] = (
        kind.value if kind else ("llm" if services.llm is not None else "offline")
    )
    try:
        chosen = services.judge(wanted)
    except JudgeUnavailable as exc:
        raise fail(str(exc)) from None
    gold_set = load_gold_set(folder, services.catalog())
    if scenarios:
        unknown = sorted(set(scenarios) - {e.call.scenario for e in gold_set.entries})
        if unknown:
            raise fail(  # and the files that could not be read, which may be those calls
                f"no gold calls for scenario(s): {', '.join(unknown)} in {folder}"
                + "".join(f"\n{p}" for p in gold_set.problems)
            )
        gold_set.entries = [e for e in gold_set.entries if e.call.scenario in scenarios]
    if not gold_set.entries:
        raise fail(
            f"no usable gold calls in {folder}" + "".join(f"\n{p}" for p in gold_set.problems)
        )
    progress = None if as_json else (lambda name: typer.echo(f"judging {name}", err=True))
    report = evaluate(gold_set, chosen, progress)
    if as_json:
        emit_json({"gold": str(folder), **report.to_json()})
    else:
        typer.echo(gold_report(report, folder))


def _review_levels(services: Services, rubric: str) -> list[HumanScore]:
    """Reviewers' overrides (from the team index when it is reachable)."""
    from roleplay.services.calibration import HumanScore

    return [
        HumanScore(str(s), str(c), int(lvl)) for s, c, lvl in services.reviews.human_levels(rubric)
    ]
