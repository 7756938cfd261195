"""`roleplay doctor`: is everything roleplay needs in place? One line per check."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import typer

from roleplay.cli.app import JsonOpt, app, build_services, emit_json
from roleplay.config import ConfigError, config_file
from roleplay.errors import disk_problem
from roleplay.presentation import workspace as workspace_note
from roleplay.services.doctor import (
    Check,
    check_audio,
    check_files,
    check_llm,
    check_speech,
    check_team,
)
from roleplay.services.trainer_files import WORKSPACE_IS_A_FILE

if TYPE_CHECKING:
    from roleplay.composition import Services

MARK = {"ok": "ok  ", "problem": "FAIL", "info": "note"}


@app.command()
def doctor(as_json: JsonOpt = False) -> None:
    """Check the config, audio devices, the speech model and the LLM; say what to fix."""
    path = config_file()
    try:
        services = build_services()
    except ConfigError as exc:  # a finding, not the end: the sound system is checked anyway
        checks = _before_services(
            Check("config", "problem", exc.message, exc.hint or None),
            until="the config file can be read",
        )
    except OSError as exc:
        # A data folder that cannot be written (read-only, full) stopped the doctor itself
        # with the `error:` line every command gives; it is the doctor's finding.
        problem = disk_problem(exc)
        if problem is None:
            raise
        checks = _before_services(
            Check("config", "ok", f"{path}" if path.exists() else f"{path} (not created)"),
            Check("data folder", "problem", problem[0], problem[1]),
            until="roleplay can write its data folder",
        )
    else:
        root = services.workspace.root
        usable = not (os.path.lexists(root) and not root.is_dir())
        checks = [
            Check(
                "config", "ok", f"{path}" if path.exists() else f"{path} (not created; defaults)"
            ),
            *(
                [
                    workspace_note.doctor_check(services.workspace),
                    check_files(services.catalog(), services.workspace.scenarios),
                ]
                if usable
                else [
                    Check(
                        "workspace",
                        "problem",
                        f"{root}: {WORKSPACE_IS_A_FILE[0]}",
                        WORKSPACE_IS_A_FILE[1],
                    )
                ]
            ),
            *check_llm(services.llm),
            *_voice_checks(services),
            *(
                check_team(services.indexer.identity, services.settings.rep_name)
                if usable  # the index lives in the workspace (recordings/.index)
                else [
                    Check(
                        "other checks",
                        "info",
                        "the scenarios and the team index are checked once the workspace is a "
                        "folder",
                    )
                ]
            ),
        ]
    if as_json:
        emit_json([c.to_json() for c in checks])
    else:
        for c in checks:
            line = f"[{MARK[c.status]}] {c.name}: {c.detail}"
            typer.echo(line + (f" -> {c.fix}" if c.fix else ""))
    raise typer.Exit(1 if any(c.status == "problem" for c in checks) else 0)


def _before_services(*found: Check, until: str) -> list[Check]:
    """What the doctor can say when the services cannot be built: `found`, the sound system
    (asked anyway), and what waits."""
    from roleplay.composition import probe_audio

    return [
        *found,
        *check_audio(probe_audio()),
        Check(
            "other checks",
            "info",
            f"the workspace, LLM, speech model and team index are checked once {until}",
        ),
    ]


def _voice_checks(services: Services) -> list[Check]:
    """Audio (in a child process with a timeout: it can hang) and the speech model."""
    from roleplay.composition import probe_audio, speech_to_text

    return [*check_audio(probe_audio()), *check_speech(speech_to_text(services.settings))]
