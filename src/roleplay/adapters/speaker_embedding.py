"""Who a stretch of voice belongs to: a pretrained speaker encoder (d-vectors), run in numpy.

The weights are Resemblyzer's GE2E encoder (Apache-2.0, resemble-ai/Resemblyzer 0.1.4), trained
on thousands of speakers; scripts/convert_speaker_encoder.py read them from the PyPI wheel
without torch and wrote the float16 file shipped here (speaker_model/, with its licence). The
forward pass is the original one: a 40-band mel power spectrogram (16 kHz, 25 ms window, 10 ms
hop, slaney filters, no log) into a 3-layer LSTM (256 units), a linear layer, ReLU, unit length.
Nothing is downloaded and torch is not needed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

RATE = 16_000
N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
N_MELS = 40
LAYERS = 3
WEIGHTS = "ge2e.npz"
BLOCK = 4000  # frames (or windows) computed together: bounds the memory of long calls


class SpeakerModelMissing(RuntimeError):
    """The shipped weights are absent or damaged (a broken install)."""


@cache
def _weights() -> dict[str, NDArray[np.float32]]:
    path = resources.files("roleplay.adapters") / "speaker_model" / WEIGHTS
    try:
        with resources.as_file(path) as file, np.load(file) as data:
            weights = {k: np.asarray(data[k], dtype=np.float32) for k in data.files}
    except (OSError, ValueError) as exc:
        raise SpeakerModelMissing(
            f"{path}: the speaker encoder's weights cannot be read ({exc}); reinstall roleplay"
        ) from None
    # One matrix per layer for input and state together: a single product per step.
    for layer in range(LAYERS):
        weights[f"w{layer}"] = np.concatenate(
            [weights[f"w_ih{layer}"], weights[f"w_hh{layer}"]], axis=1
        ).T.copy()
    return weights


@cache
def _mel_filters() -> NDArray[np.float64]:
    """librosa.filters.mel(sr=16000, n_fft=400, n_mels=40): slaney mel scale and area norm."""

    def to_mel(f: NDArray[np.float64]) -> NDArray[np.float64]:
        lin = f / (200 / 3)
        return np.where(
            f >= 1000, 15 + np.log(np.maximum(f, 1e-9) / 1000) / (np.log(6.4) / 27), lin
        )

    def to_hz(m: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.where(m >= 15, 1000 * np.exp(np.log(6.4) / 27 * (m - 15)), m * 200 / 3)

    bins = np.fft.rfftfreq(N_FFT, 1 / RATE)
    edges = to_hz(np.linspace(0.0, float(to_mel(np.array(RATE / 2))), N_MELS + 2))
    ramps = edges[:, None] - bins[None, :]
    widths = np.diff(edges)
    lower = -ramps[:-2] / widths[:-1, None]
    upper = ramps[2:] / widths[1:, None]
    filters = np.maximum(0, np.minimum(lower, upper))
    filters *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return filters


def mel_frames(audio: NDArray[np.float32]) -> NDArray[np.float32]:
    """(frames, 40) mel power, one frame per 10 ms (centred, as librosa's melspectrogram)."""
    padded = np.pad(audio.astype(np.float32), N_FFT // 2)
    n = max(1, 1 + (len(padded) - N_FFT) // HOP)
    padded = np.pad(padded, (0, max(0, N_FFT - len(padded))))
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)
    filters = _mel_filters().T.astype(np.float32)
    out = np.empty((n, N_MELS), np.float32)
    for a in range(0, n, BLOCK):  # in blocks: a long call's frames at once would take GBs
        b = min(n, a + BLOCK)
        idx = np.arange(N_FFT)[None, :] + HOP * np.arange(a, b)[:, None]
        out[a:b] = np.abs(np.fft.rfft(padded[idx] * window, N_FFT)) ** 2 @ filters
    return out


def _sigmoid(x: NDArray[np.float32]) -> NDArray[np.float32]:
    out: NDArray[np.float32] = 0.5 * (1 + np.tanh(0.5 * x))
    return out


def encode(mels: NDArray[np.float32], every: int = 0) -> NDArray[np.float32]:
    """d-vectors of a batch of equally long mel sequences, (batch, frames, 40).

    Returns (batch, 256) from the last frame; with `every` > 0, (batch, frames // every, 256)
    read every `every` frames (the encoder's view of the voice up to each of those frames)."""
    batch, frames, _ = mels.shape
    size = max(1, BLOCK * 40 // max(1, frames))  # a few tens of MB of gates per block
    parts = [_encode(mels[a : a + size], every) for a in range(0, batch, size)]
    if not parts:
        return np.zeros((0, 256) if not every else (0, frames // every, 256), np.float32)
    return np.concatenate(parts)


def _encode(mels: NDArray[np.float32], every: int) -> NDArray[np.float32]:
    w = _weights()
    batch, frames, _ = mels.shape
    x = mels
    hidden = 256
    for layer in range(LAYERS):
        h = np.zeros((batch, hidden), np.float32)
        c = np.zeros((batch, hidden), np.float32)
        w_x = w[f"w{layer}"][: x.shape[2]]
        w_h = w[f"w{layer}"][x.shape[2] :]
        gates_x = x @ w_x + w[f"b{layer}"]  # all frames at once; only the state is sequential
        out = np.empty((batch, frames, hidden), np.float32)
        for t in range(frames):
            g = gates_x[:, t] + h @ w_h
            i, f = _sigmoid(g[:, :hidden]), _sigmoid(g[:, hidden : 2 * hidden])
            cell, o = np.tanh(g[:, 2 * hidden : 3 * hidden]), _sigmoid(g[:, 3 * hidden :])
            c = f * c + i * cell
            h = o * np.tanh(c)
            out[:, t] = h
        x = out
    states = x[:, every - 1 :: every] if every else x[:, -1]
    emb = np.maximum(states @ w["w_out"].T + w["b_out"], 0)
    normed: NDArray[np.float32] = emb / (np.linalg.norm(emb, axis=-1, keepdims=True) + 1e-9)
    return normed


def embed(audio: NDArray[np.float32], window: int = 160, rate: float = 1.3) -> NDArray[np.float32]:
    """One unit-length d-vector for a whole utterance: the mean of 1.6 s partial windows
    (as Resemblyzer's embed_utterance)."""
    mel = mel_frames(audio)
    step = max(1, round(100 / rate))
    starts = list(range(0, max(1, len(mel) - window + step), step))
    need = starts[-1] + window
    mel = np.pad(mel, ((0, max(0, need - len(mel))), (0, 0)))
    parts = encode(np.stack([mel[s : s + window] for s in starts]))
    mean = parts.mean(0)
    out: NDArray[np.float32] = mean / (np.linalg.norm(mean) + 1e-9)
    return out


# Span vectors: each group of spans (a sentence: the turn changes hands between sentences) is
# read by the encoder from a fresh state, its spans' frames back to back (pauses left out), in
# pieces of at most PIECE frames. A span takes the mean of the readings over its frames once the
# encoder has heard HEARD frames of the piece; a span too early for that takes the piece's last
# reading (the voice of the whole piece). A fresh state per sentence keeps the other side's last
# words out of the view; sliding 1-1.6 s windows over the call smeared each turn into the next.
PIECE = 200
HEARD = 30
ROUND = 20  # pieces are padded to a multiple of this, at the start (silence), to batch them


def span_vectors(
    audio: NDArray[np.float32],
    spans: Sequence[tuple[int, int]],
    groups: Sequence[Sequence[int]] | None = None,
    progress: Callable[[float], None] | None = None,
) -> NDArray[np.float32]:
    """(len(spans), 256): a unit-length d-vector for each (first, end) span of 10 ms frames;
    `groups` (lists of span indices, default: all in one) are read apart from each other.
    `progress` is told the share of the pieces read (0-1) after each batch."""
    mel = mel_frames(audio)
    total = len(mel)
    clipped = [(min(a, total - 1), max(min(b, total), min(a, total - 1) + 1)) for a, b in spans]
    # pieces: (frames, owner span of each frame)
    pieces: list[tuple[NDArray[np.int_], NDArray[np.int_]]] = []
    for group in groups if groups is not None else [range(len(spans))]:
        frames = [np.arange(*clipped[i]) for i in group]
        if not frames:
            continue
        idx = np.concatenate(frames)
        owner = np.concatenate([np.full(len(f), i) for f, i in zip(frames, group, strict=True)])
        for a in range(0, len(idx), PIECE):
            pieces.append((idx[a : a + PIECE], owner[a : a + PIECE]))
    sums = np.zeros((len(spans), 256), np.float32)
    counts = np.zeros(len(spans))
    last = np.zeros((len(spans), 256), np.float32)
    order = sorted(range(len(pieces)), key=lambda k: len(pieces[k][0]))
    batch_of: dict[int, list[int]] = {}
    for k in order:
        padded = -(-len(pieces[k][0]) // ROUND) * ROUND
        batch_of.setdefault(padded, []).append(k)
    read = 0
    for length, members in batch_of.items():
        x = np.zeros((len(members), length, N_MELS), np.float32)
        for row, k in enumerate(members):
            idx = pieces[k][0]
            x[row, length - len(idx) :] = mel[idx]
        readings = encode(x, every=1)
        for row, k in enumerate(members):
            idx, owner = pieces[k]
            mine = readings[row, length - len(idx) :]
            heard = np.arange(1, len(idx) + 1) >= HEARD
            np.add.at(sums, owner[heard], mine[heard])
            np.add.at(counts, owner[heard], 1)
            last[np.unique(owner)] = mine[-1]
        read += len(members)
        if progress is not None:
            progress(read / len(pieces))
    out = np.where(counts[:, None] > 0, sums, last)
    normed: NDArray[np.float32] = out / (np.linalg.norm(out, axis=1, keepdims=True) + 1e-9)
    return normed
