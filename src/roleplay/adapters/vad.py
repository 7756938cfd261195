"""Voice activity detection: is the rep speaking in this 16 ms step?

`SileroVad` streams faster-whisper's bundled Silero model (offline, ~0.1 ms per window on one
core), carrying the model's state, which gives the same probabilities as faster-whisper's
batch call. The model takes 32 ms windows; to say sooner that the rep stopped, it answers
every 16 ms: two streams of the model, each with its own state, take alternate windows
offset by half a window (each sees a whole, unbroken stream, as the batch call does). The
end of speech is then known up to 16 ms sooner; two model runs per 32 ms cost ~0.2 ms.
The model's session (onnxruntime, ~45 MiB with its library) is made on first use, not when
the call's parts are put together: a call loads the speech model first (`VoiceCall.prepare`),
whose load briefly needs ~80 MiB more than it keeps, so the two no longer add up in the
call's peak (bench/turn_latency_bench.py --memory).
`EnergyVad` is the offline stand-in: a loudness threshold, fine
for clean synthetic speech and tests, poor in a noisy room.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

WINDOW = 512  # samples at 16 kHz: what the Silero model takes
HOP = 256  # samples per step: a probability every 16 ms
_CONTEXT = 64  # samples before the window the model looks back at


class SileroVad:
    block_size = HOP

    def __init__(self) -> None:
        import numpy as np

        self._np = np
        self._session: Any = None
        self.reset()

    def prepare(self) -> None:
        """Make the model's session now (~0.1 s), so that the first block does not wait."""
        if self._session is None:
            from faster_whisper.vad import get_vad_model  # lazy: onnxruntime is heavy

            self._session = get_vad_model().session

    def reset(self) -> None:
        np = self._np
        # One (h, c) state per stream; the streams take alternate windows.
        self._states = [
            [np.zeros((1, 1, 128), dtype=np.float32), np.zeros((1, 1, 128), dtype=np.float32)]
            for _ in range(2)
        ]
        self._turn = 0
        self._recent = np.zeros(_CONTEXT + WINDOW, dtype=np.float32)  # context + window

    def probability(self, samples: NDArray[np.float32]) -> float:
        np = self._np
        if len(samples) != HOP:
            raise ValueError(f"Silero VAD takes steps of {HOP} samples, got {len(samples)}")
        recent = np.concatenate([self._recent[HOP:], samples.astype(np.float32, copy=False)])
        self._recent = recent
        state = self._states[self._turn]
        self._turn ^= 1
        if self._session is None:
            self.prepare()
        out, state[0], state[1] = self._session.run(
            None, {"input": recent[None, :], "h": state[0], "c": state[1]}
        )
        return float(out.ravel()[0])


class EnergyVad:
    """Loudness against a fixed threshold (dBFS), mapped to a 0..1 'probability'."""

    block_size = HOP

    def __init__(self, threshold_db: float = -45.0) -> None:
        self.threshold_db = threshold_db

    def prepare(self) -> None:
        """Nothing to load."""

    def reset(self) -> None:
        pass

    def probability(self, samples: NDArray[np.float32]) -> float:
        import numpy as np

        rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if len(samples) else 0
        db = 20 * np.log10(max(rms, 1e-9))
        return float(min(1.0, max(0.0, (db - self.threshold_db) / 12 + 0.5)))
