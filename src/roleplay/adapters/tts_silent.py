"""The offline text-to-speech: silence as long as the sentence would take to say.

For tests and machines without espeak-ng: the call keeps its rhythm (and its timings mean
something), nothing is heard.
"""

from __future__ import annotations

from roleplay.domain import text as txt
from roleplay.domain.scenario import Voice
from roleplay.services.ports import Clip

RATE = 16_000


class SilentSpeech:
    name = "silent"

    def synthesise(self, text: str, voice: Voice, language: str) -> Clip:
        import numpy as np

        words_per_minute = voice.rate or 165
        seconds = max(0.3, txt.word_count(text) * 60 / words_per_minute)
        return Clip(np.zeros(int(seconds * RATE), dtype=np.float32), RATE)
