"""`roleplay doctor`: check what roleplay depends on, one line per check, with the fix."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from roleplay.domain.roles import WHAT, Identity
from roleplay.services.ports import (
    ChatServer,
    CustomerUnavailable,
    IndexUnavailable,
    SpeechToText,
    SpeechUnavailable,
)

if TYPE_CHECKING:
    from roleplay.services.catalog import Catalog

Status = Literal["ok", "problem", "info"]

NO_LLM_FIX = (
    "to connect one, export OPENAI_API_KEY=sk-... (OpenAI), or set base_url under [llm] in the "
    "config file, e.g. http://localhost:11434/v1 for Ollama"
)


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def check_llm(server: ChatServer | None) -> list[Check]:
    if server is None:
        return [
            Check(
                "llm",
                "info",
                "no LLM configured: offline scripted customer and rule-based judge",
                NO_LLM_FIX,
            )
        ]
    checks: list[Check] = []
    try:
        models = server.list_models()
    except CustomerUnavailable as exc:
        return [Check("llm server", "problem", str(exc))]
    checks.append(
        Check("llm server", "ok", f"{server.where} answers; key accepted; {len(models)} model(s)")
    )
    try:
        model = server.model
    except CustomerUnavailable as exc:
        return [*checks, Check("llm model", "problem", str(exc))]
    if models and model not in models:
        shown = ", ".join(models[:12])
        return [
            *checks,
            Check(
                "llm model",
                "problem",
                f"model '{model}' is not offered by {server.where} (it offers: {shown})",
                "set ROLEPLAY_LLM_MODEL or model under [llm]",
            ),
        ]
    started = time.monotonic()
    try:
        reply = server.complete(
            [{"role": "user", "content": "Reply with the single word: ready"}], max_tokens=5
        )
    except CustomerUnavailable as exc:
        return [*checks, Check("llm model", "problem", str(exc))]
    took = time.monotonic() - started
    checks.append(
        Check("llm model", "ok", f"{model} answered in {took:.1f} s ({reply.strip()[:20]!r})")
    )
    return checks


# --- audio and speech (kept apart from the LLM and database checks) ------------------------


class AudioReport(Protocol):
    """What a sound-system probe found (the sounddevice adapter's AudioProbe)."""

    @property
    def problem(self) -> str | None: ...
    @property
    def seconds(self) -> float: ...
    @property
    def portaudio(self) -> bool: ...
    @property
    def timed_out(self) -> bool: ...
    @property
    def inputs(self) -> list[str]: ...
    @property
    def outputs(self) -> list[str]: ...


NO_DEVICE_NOTE = {
    "input": "practise by typing (--text), or let a recording stand in for the microphone "
    "(--audio-in FILE); `roleplay devices` lists what there is",
    "output": "the customer's voice is not played aloud; calls, transcripts and scorecards "
    "work as usual",
}


def check_audio(report: AudioReport) -> list[Check]:
    """PortAudio present, the sound system answering (and how fast), microphones, speakers."""
    took = f"{report.seconds:.1f} s"
    if not report.portaudio:
        return [Check("audio", "problem", "PortAudio is missing", report.problem)]
    if report.timed_out:
        return [Check("audio", "problem", f"no answer after {took}", report.problem)]
    if report.problem is not None:
        return [Check("audio", "problem", report.problem)]
    checks = [Check("audio", "ok", f"PortAudio answered in {took}")]
    for name, found, what in (
        ("microphone", report.inputs, "input"),
        ("speaker", report.outputs, "output"),
    ):
        if found:
            shown = ", ".join(found[:4]) + (f" and {len(found) - 4} more" if len(found) > 4 else "")
            checks.append(Check(name, "ok", f"{len(found)} {what} device(s): {shown}"))
        else:
            checks.append(Check(name, "info", f"no {what} device", NO_DEVICE_NOTE[what]))
    return checks


def check_speech(stt: SpeechToText) -> list[Check]:
    """The speech-to-text model loads (tiny.en ships with roleplay; others may be missing)."""
    started = time.monotonic()
    try:
        stt.load()
    except SpeechUnavailable as exc:
        return [Check("speech model", "problem", f"{stt.name}: {exc}")]
    took = time.monotonic() - started
    return [Check("speech model", "ok", f"{stt.name} loads in {took:.1f} s")]


def check_team(identity: Callable[[], Identity], rep_name: str) -> list[Check]:
    """On a shared index: the database login, its role and what it allows (and what not,
    with whom to ask). On SQLite: one person, every right."""
    try:
        who = identity()
    except IndexUnavailable as exc:
        return [Check("index", "problem", str(exc))]
    if not who.shared:
        return [Check("index", "ok", "single-user SQLite index: yours alone, every right")]
    if who.role == "none":
        return [Check("team login", "problem", who.refusal("practise"))]
    title = {"owner": "the database owner", "admin": "an admin"}.get(who.role, f"a {who.role}")
    lacks = [a for a in WHAT if not who.can(a)]
    checks = [
        Check(
            "team login",
            "ok",
            f"'{who.login}' is {title}: may {'; '.join(who.allows())}"
            + (f". Not: {'; '.join(WHAT[a] for a in lacks)}" if lacks else ""),
            _ask(who, lacks),
        )
    ]
    if rep_name != who.login:
        checks.append(
            Check(
                "team name",
                "info",
                f"your config names you '{rep_name}'; on the team index your sessions and "
                f"notes are under your login '{who.login}'",
                f'set rep = "{who.login}" in the config file to use one name',
            )
        )
    return checks


def _ask(who: Identity, lacks: list[Any]) -> str | None:
    line = who.refusal(lacks[0]) if lacks else ""
    return line.split("; ", 1)[1] + " for more" if "; ask " in line else None


def check_files(catalog: Catalog, scenarios: Path) -> Check:
    """The workspace's scenario and rubric files: a broken one (or none at all) used to pass
    the doctor without a word."""
    counts = f"{len(catalog.scenarios)} scenario(s) and {len(catalog.rubrics)} rubric(s) load"
    if catalog.broken:
        names = sorted(p.name for p in catalog.broken)
        listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        return Check(
            "scenarios",
            "problem",
            f"{counts}; {len(names)} file(s) cannot be used: {listed}",
            "`roleplay validate` lists every problem with its file and line",
        )
    if not catalog.scenarios:
        return Check(
            "scenarios",
            "problem",
            f"no scenarios in {scenarios}",
            "`roleplay new scenario NAME` writes a first one; or start roleplay in a folder "
            "that has scenarios/",
        )
    return Check("scenarios", "ok", counts)
