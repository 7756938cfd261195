"""Audio never freezes roleplay: the sound system is asked in a child process with a timeout.

A stale JACK lock in /dev/shm makes `import sounddevice` (Pa_Initialize) hang forever, holding
the GIL. The probe's command is swapped here for a child that hangs the same way (it never
answers), which is deterministic; one test runs the real probe in a private /dev/shm.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleplay.adapters import audio_sounddevice
from roleplay.cli import app

HANGS = [sys.executable, "-c", "import time; time.sleep(600)"]
runner = CliRunner()


@pytest.fixture
def hung_sound_system(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sound system never answers (as with a stale JACK lock); give up after 2 s."""
    monkeypatch.setattr(audio_sounddevice, "PROBE_COMMAND", HANGS)
    monkeypatch.setattr(audio_sounddevice, "PROBE_TIMEOUT", 2.0)
    monkeypatch.setattr(audio_sounddevice, "_cached", None)


@pytest.fixture(autouse=True)
def fresh_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audio_sounddevice, "_cached", None)


def _children_named(needle: str) -> list[int]:
    """Pids of this process's children whose command line contains `needle`."""
    out = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        state = stat.rsplit(")", 1)[1].split()[0]
        if ppid == os.getpid() and needle in cmdline and state != "Z":
            out.append(int(proc.name))
    return out


def test_a_hung_sound_system_is_given_up_on_and_the_child_is_ended(hung_sound_system) -> None:
    found = audio_sounddevice.probe()
    assert found.timed_out and found.devices == ()
    assert "did not answer within 2 s" in str(found.problem)
    assert "/dev/shm" in str(found.problem)
    assert not _children_named("time.sleep(600)"), "the hung child was left running"
    # Asked once per process: a second caller gets the answer without waiting again.
    assert audio_sounddevice.probe() is found


def test_practice_falls_back_to_typing_and_says_why(
    mini_workspace: Path, hung_sound_system
) -> None:
    result = runner.invoke(
        app,
        ["--workspace", str(mini_workspace), "practice", "mini", "--seed", "7"],
        input="How does a typical morning look for your dispatch team?\n/end\nskip\n",
    )
    assert result.exit_code == 0, result.output
    # The notice comes first, wrapped to the terminal's width (words12), then the briefing.
    lines = result.stdout.splitlines()
    end = next(i for i, line in enumerate(lines[:8]) if line.endswith("by typing."))
    first = " ".join(" ".join(lines[: end + 1]).split())
    assert first.startswith("No microphone: the sound system did not answer within 2 s")
    assert "JACK" in first
    [record] = [json.loads(p.read_text()) for p in mini_workspace.glob("recordings/*/session.json")]
    assert record["mode"] == "text"


def test_devices_says_the_sound_system_hangs(hung_sound_system) -> None:
    result = runner.invoke(app, ["devices"])
    assert result.exit_code == 2
    assert "did not answer within 2 s" in result.stderr and "jack" in result.stderr.lower()


def test_doctor_reports_a_hung_sound_system_and_still_checks_the_rest(hung_sound_system) -> None:
    result = runner.invoke(app, ["doctor", "--json"])
    assert result.exit_code == 1
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert checks["audio"]["status"] == "problem"
    assert checks["audio"]["detail"].startswith("no answer after 2.")
    assert "delete the stale lock files" in checks["audio"]["fix"]
    assert checks["speech model"]["status"] == "ok"  # the other checks still ran
    assert checks["speech model"]["detail"].startswith("tiny.en loads in")


def test_doctor_says_when_portaudio_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    # What the real probe prints when the sounddevice wheel cannot load libportaudio.
    missing = json.dumps({"missing": "PortAudio library not found"})
    monkeypatch.setattr(
        audio_sounddevice, "PROBE_COMMAND", [sys.executable, "-c", f"print({missing!r})"]
    )
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1
    assert "[FAIL] audio: PortAudio is missing -> PortAudio is missing (PortAudio library" in (
        result.stdout
    )
    assert "sudo apt-get install libportaudio2" in result.stdout


def test_a_crashing_probe_is_named_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    crash = [sys.executable, "-c", "import sys; sys.exit('Fatal: bad ALSA configuration')"]
    monkeypatch.setattr(audio_sounddevice, "PROBE_COMMAND", crash)
    problem = audio_sounddevice.microphone_problem()
    assert problem == "the sound-device check failed (Fatal: bad ALSA configuration)"
    result = runner.invoke(app, ["devices"])
    assert result.exit_code == 2 and "bad ALSA configuration" in result.stderr


async def test_the_app_stays_responsive_while_the_sound_system_hangs(
    tmp_path: Path, hung_sound_system
) -> None:
    from tests.app_helpers import make_app, make_workspace, settle

    app = make_app(make_workspace(tmp_path), voice=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        assert app.microphone is None  # still probing
        await pilot.press("f2")  # the UI answers keys meanwhile
        await pilot.pause()
        assert app.current_mode == "library"
        deadline = time.monotonic() + 60
        while app.microphone is None:
            assert time.monotonic() < deadline, "the probe never gave up"
            await pilot.pause(0.1)
        await settle(pilot)
        assert app.microphone is False
        notes = [str(n.message) for n in app._notifications]
        assert any("did not answer within 2 s" in n and "JACK" in n for n in notes), notes
        app.start_practice("cold-call-gatekeeper", seed=1)
        await settle(pilot)
        assert app.screen.query_one("#say").display  # typing


@pytest.mark.skipif(
    shutil.which("unshare") is None or os.geteuid() != 0,
    reason="needs unshare and root for a private /dev/shm",
)
def test_the_real_probe_answers_in_a_private_dev_shm(tmp_path: Path) -> None:
    """The real child (import sounddevice, list devices) and the doctor's real checks, in a
    /dev/shm of its own so a stale JACK lock on this machine cannot hang it."""
    code = "from roleplay.cli import main; main()"
    import roleplay

    src = str(Path(roleplay.__file__).resolve().parents[1])  # this checkout's code
    env = {**os.environ, "ROLEPLAY_HOME": str(tmp_path / "home"), "PYTHONPATH": src}
    out = subprocess.run(
        [
            *("unshare", "-m", "sh", "-c"),
            'mount -t tmpfs -o mode=1777 tmpfs /dev/shm && exec "$0" "$@"',
            *(sys.executable, "-c", code, "doctor", "--json"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=tmp_path,
    )
    checks = {c["name"]: c for c in json.loads(out.stdout)}
    assert checks["audio"]["status"] == "ok", checks["audio"]
    assert checks["audio"]["detail"].startswith("PortAudio answered in")
    assert checks["microphone"]["status"] in ("ok", "info")
    assert checks["speech model"]["status"] == "ok"
