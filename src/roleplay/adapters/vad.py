"""Voice activity detection: is the rep speaking in this 32 ms block?

`SileroVad` streams faster-whisper's bundled Silero model (offline, ~0.1 ms per block on one
core) one block at a time, carrying the model's state, which gives the same probabilities as
faster-whisper's batch call. `EnergyVad` is the offline stand-in: a loudness threshold, fine
for clean synthetic speech and tests, poor in a noisy room.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

BLOCK = 512  # samples at 16 kHz: what the Silero model takes
_CONTEXT = 64  # samples of the previous block the model looks back at


class SileroVad:
    block_size = BLOCK

    def __init__(self) -> None:
        import numpy as np
        from faster_whisper.vad import get_vad_model  # lazy: onnxruntime is heavy

        self._np = np
        self._session: Any = get_vad_model().session
        self.reset()

    def reset(self) -> None:
        np = self._np
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(_CONTEXT, dtype=np.float32)

    def probability(self, samples: NDArray[np.float32]) -> float:
        np = self._np
        if len(samples) != BLOCK:
            raise ValueError(f"Silero VAD takes blocks of {BLOCK} samples, got {len(samples)}")
        x = np.concatenate([self._context, samples.astype(np.float32, copy=False)])[None, :]
        out, self._h, self._c = self._session.run(None, {"input": x, "h": self._h, "c": self._c})
        self._context = samples[-_CONTEXT:].astype(np.float32, copy=True)
        return float(out.ravel()[0])


class EnergyVad:
    """Loudness against a fixed threshold (dBFS), mapped to a 0..1 'probability'."""

    block_size = BLOCK

    def __init__(self, threshold_db: float = -45.0) -> None:
        self.threshold_db = threshold_db

    def reset(self) -> None:
        pass

    def probability(self, samples: NDArray[np.float32]) -> float:
        import numpy as np

        rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if len(samples) else 0
        db = 20 * np.log10(max(rms, 1e-9))
        return float(min(1.0, max(0.0, (db - self.threshold_db) / 12 + 0.5)))
