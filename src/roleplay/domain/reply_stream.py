"""Turn a stream of model tokens into spoken sentences and control tags.

The LLM customer ends replies with tags like `[[fact:budget]]` or `[[end:win]]`. They are
cut out of the text (even when split across chunks) so they are never spoken, and sentences
are released the moment they are complete, so the voice can start on the first one. Small
models often write a tag with single brackets (`[objection:too-early]`): for the tag kinds we
use, that counts as a tag too, rather than being read aloud.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

KINDS = "fact|objection|handled|end"
TAG = re.compile(
    rf"\[\[\s*([a-z]+)\s*:\s*([a-z0-9-]+)\s*\]\]|\[\s*({KINDS})\s*:\s*([a-z0-9-]+)\s*\]",
    re.IGNORECASE,
)
# What is left of a tag the model never closed (the reply was cut, or it forgot the bracket).
_OPEN_TAG = re.compile(rf"\[\[?\s*(?:{KINDS})\s*:[^\]]*$", re.IGNORECASE)
# A sentence ends at . ! ? … (plus closing quotes/brackets) followed by whitespace.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "approx",
    "no",
    "nr",
    "ca",
    "bl.a",
    "f.eks",
    "kl",
    "osv",
}
# Things a phone voice cannot say: stage directions, list bullets, markdown emphasis.
_STAGE = re.compile(
    r"\*[^*]{1,60}\*|\((?:laughs|sighs|pauses|smiles|chuckles)[^)]*\)"
    r"|\[(?:laughs|sighs|pauses|smiles|chuckles)[^\]]*\]",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-•*]|\d+[.)])\s+", re.MULTILINE)


@dataclass
class ReplyStream:
    sentences: list[str] = field(default_factory=list)  # released, in order
    tags: list[tuple[str, str]] = field(default_factory=list)  # (kind, id), in order
    _buffer: str = ""

    def feed(self, chunk: str) -> list[str]:
        """Add model output; return the sentences completed by it."""
        self._buffer += chunk
        self._take_tags(final=False)
        out: list[str] = []
        while True:
            cut = self._next_boundary()
            if cut is None:
                break
            sentence, self._buffer = self._buffer[:cut], self._buffer[cut:]
            out += self._release(sentence)
        return out

    def close(self) -> list[str]:
        """The model is done: release what is left (a last sentence without a full stop)."""
        self._take_tags(final=True)
        rest, self._buffer = self._buffer, ""
        return self._release(rest)

    def _take_tags(self, *, final: bool) -> None:
        for m in TAG.finditer(self._buffer):
            kind, ident = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            self.tags.append((kind.lower(), ident.lower()))
        self._buffer = TAG.sub(" ", self._buffer)
        if final:
            self._buffer = _OPEN_TAG.sub(" ", self._buffer)
            self._buffer = self._buffer.replace("[[", " ").replace("]]", " ")

    def _next_boundary(self) -> int | None:
        # A tag may still be arriving: hold the text from an unclosed bracket on.
        opened = self._buffer.rfind("[")
        held = opened if opened >= 0 and "]" not in self._buffer[opened:] else -1
        double = self._buffer.find("[[")
        if double >= 0 and "]]" not in self._buffer[double:]:
            held = double if held < 0 else min(held, double)
        text = self._buffer if held < 0 else self._buffer[:held]
        for m in _BOUNDARY.finditer(text):
            word = re.findall(r"[\w.]+$", text[: m.start()].lower())
            if m.group(0) == "." and word and word[0] in _ABBREVIATIONS:
                continue
            return m.end()
        return None

    def _release(self, text: str) -> list[str]:
        text = _BULLET.sub("", _STAGE.sub(" ", text))
        text = " ".join(text.replace("**", "").split())
        if not text or not any(ch.isalnum() for ch in text):
            return []
        self.sentences.append(text)
        return [text]
