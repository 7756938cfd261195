"""A real sound device with real timing, on a machine without a sound card: PulseAudio with a
null sink. What is played to the sink `vsink` can be recorded from its monitor, through
PortAudio's `pulse` device (ALSA's pulse plugin), in real time."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SINK = "vsink"


def _env(runtime: Path) -> dict[str, str]:
    return {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": os.environ.get("HOME", "/root")}


def running(env: dict[str, str]) -> bool:
    return subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0


def start(runtime: Path) -> tuple[dict[str, str], bool]:
    """Start PulseAudio with the null sink unless one is running; returns (env, started)."""
    runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
    env = _env(runtime)
    if running(env):
        return env, False
    subprocess.run(
        [
            "pulseaudio",
            "-n",
            "--daemonize=yes",
            "--exit-idle-time=-1",
            "--load=module-native-protocol-unix",
            f"--load=module-null-sink sink_name={SINK} rate=16000",
            "--load=module-always-sink",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    deadline = time.monotonic() + 10
    while not running(env):
        if time.monotonic() > deadline:
            raise RuntimeError("PulseAudio did not start within 10 s")
        time.sleep(0.1)
    for args in (["set-default-sink", SINK], ["set-default-source", f"{SINK}.monitor"]):
        subprocess.run(["pactl", *args], env=env, check=True, capture_output=True)
    return env, True


def stop(env: dict[str, str]) -> None:
    subprocess.run(["pactl", "exit"], env=env, capture_output=True)


def refresh_portaudio() -> None:
    """PortAudio lists devices once, when sounddevice is imported: list them again."""
    import sounddevice as sd

    sd._terminate()
    sd._initialize()


@pytest.fixture(scope="session")
def pulse_daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """PulseAudio with a null sink for the whole test session (stopped afterwards if this
    fixture started it). Yields the environment to run paplay/pactl with."""
    if shutil.which("pulseaudio") is None:
        pytest.skip("PulseAudio is not installed (scripts/test installs it)")
    runtime = Path(os.environ.get("XDG_RUNTIME_DIR") or tmp_path_factory.mktemp("pulse"))
    env, started = start(runtime)
    yield env
    if started:
        stop(env)


@pytest.fixture
def pulse_sink(
    pulse_daemon: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    """The null sink as a PortAudio device, for one test only: other tests keep seeing a
    machine without a sound card (no microphone: typed calls)."""
    from roleplay.adapters import audio_sounddevice

    monkeypatch.setenv("XDG_RUNTIME_DIR", pulse_daemon["XDG_RUNTIME_DIR"])
    # The device probe is cached for the process: a probe made here (list_devices asks afresh)
    # would otherwise tell every later test's app that this machine has a speaker, and the app
    # would start voice calls on a device that is gone. undo() puts back what was cached before.
    monkeypatch.setattr(audio_sounddevice, "_cached", None)
    refresh_portaudio()
    yield pulse_daemon
    monkeypatch.undo()
    refresh_portaudio()
