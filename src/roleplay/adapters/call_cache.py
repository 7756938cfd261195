"""A recorded call's words with speakers, kept after the minutes it took to make them.

Transcribing and telling the voices apart is most of the cost of scoring a recorded call
(~40 s of CPU for two minutes of mono audio on 2 cores). When `score --transcript CALL.wav`
stops to ask which side is the rep (no terminal to ask on, no --rep-speaker), the rerun that
answers it read the whole call again. The words are kept here, one JSON file per call and
reading, named by a digest of everything that made them: the audio file's content (not its
name or time), the speech model and compute type, the language, how the sides were split,
and the code that reads a call (roleplay's version and its call-reading modules' source), so
a changed file, setting or roleplay never reuses words that another reading made. A file is
written whole or not at all (atomic.write_atomic), and one that does not read back as a
whole reading (damaged, from another format) is not used. Entries older than KEEP_DAYS are
removed when a new one is written: they hold a customer's words, and a rerun comes soon.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from roleplay.atomic import write_atomic
from roleplay.domain.call import CallWords, SpokenWord

FORMAT = 1  # what a kept file holds; another number is not read
KEEP_DAYS = 7
# What reads a call into words: a change to any of them may change the words.
READERS = (
    "roleplay.adapters.call_audio",
    "roleplay.adapters.call_edges",
    "roleplay.adapters.diarization",
    "roleplay.adapters.mixture",
    "roleplay.adapters.speaker_embedding",
    "roleplay.adapters.stt_whisper",
    "roleplay.adapters.whisper_punctuation",  # an unpunctuated run read again (punct13)
    "roleplay.domain.call",
)


class _Broken(ValueError):
    """A kept file that is not a whole reading: the call is read again, and it is replaced."""


def _readers_digest() -> str:
    import importlib.util

    from roleplay import __version__

    digest = hashlib.sha256(__version__.encode())
    for name in READERS:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            digest.update(Path(spec.origin).read_bytes())
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


class CallCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def digest(self, path: Path) -> str:
        """The audio file's content as a digest. Raises OSError when it cannot be read."""
        return file_digest(path)

    def key(self, audio: str, settings: dict[str, str | None]) -> str:
        """The name of the reading of the audio whose digest is `audio` with `settings`
        (model, compute type, language, split). A language is read as Whisper reads it
        ("en-GB" is "en")."""
        from roleplay.adapters.stt_whisper import whisper_language

        language = settings.get("language")
        made_by = {
            "audio": audio,
            "readers": _readers_digest(),
            **settings,
            "language": whisper_language(language) if language else None,
        }
        return hashlib.sha256(json.dumps(made_by, sort_keys=True).encode()).hexdigest()

    def _file(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def read(self, key: str, broken: Callable[[str], None]) -> CallWords | None:
        """The kept reading, or None when there is none. A file that is not a whole reading
        of this key is not used: `broken` is told why, and None returned."""
        path = self._file(key)
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            broken(f"{path}: cannot be read ({exc})")
            return None
        try:
            doc = json.loads(raw)
            if doc.get("format") != FORMAT or doc.get("key") != key:
                raise _Broken("made by another version of roleplay or for another call")
            return _call(doc["call"])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            why = str(exc) if isinstance(exc, _Broken) else f"not whole ({type(exc).__name__})"
            broken(f"{path}: {why}")
            return None

    def write(self, key: str, call: CallWords, source: Path) -> Path:
        """Keep `call` under `key`, whole or not at all; older entries go. Raises OSError."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        doc = {
            "format": FORMAT,
            "key": key,
            "file": source.name,
            "call": {
                "kind": call.kind,
                "labels": list(call.labels),
                "duration": call.duration,
                "language": call.language,
                "words": [[w.text, w.start, w.end, w.speaker] for w in call.words],
            },
        }
        target = self._file(key)
        write_atomic(target, json.dumps(doc, ensure_ascii=False))
        self._forget_old(keep=target)
        return target

    def _forget_old(self, keep: Path) -> None:
        cutoff = time.time() - KEEP_DAYS * 86400
        for old in self.folder.glob("*.json"):
            try:
                if old != keep and old.stat().st_mtime < cutoff:
                    old.unlink()
            except FileNotFoundError:
                continue  # another roleplay removed it first


def _call(doc: dict[str, Any]) -> CallWords:
    words = tuple(
        SpokenWord(_text(text), _seconds(start), _seconds(end), _text(speaker))
        for text, start, end, speaker in doc["words"]
    )
    labels = tuple(_text(x) for x in doc["labels"])
    if {w.speaker for w in words} - set(labels):
        raise _Broken("a word's speaker is not among the call's speakers")
    return CallWords(
        _text(doc["kind"]), labels, words, _seconds(doc["duration"]), _text(doc["language"])
    )


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(value)
    return float(value)
