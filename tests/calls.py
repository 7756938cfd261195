"""Two-voice calls made for tests and the attribution benchmark.

A rep voiced by espeak-ng (or a real recording) talks with a customer who is either a real
recording from ../shared/data/speech/ (cut at its pauses) or a second espeak-ng voice. Turns
can overlap, noise can be added, and the call can be squeezed through a phone line (300-3400
Hz, 8 kHz). Each side's clean track is kept, so every word's true speaker is known.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tests.speech import RATE, normalise, say, write_wav

# What the real recordings say (../shared/data/speech/README.md); the reader's English half.
READER = (
    "Permission is hereby granted, free of charge, to any person obtaining a copy of the "
    "software and associated documentation files to deal in the software without restriction, "
    "including without limitation the rights to use, copy, modify, merge, publish, distribute, "
    "sublicense, and/or sell copies of the software"
)
REP_LINES = [
    "Good morning, thanks for calling Nordic Freight, this is Kari speaking.",
    "Could I have your name and the company you are calling from?",
    "Thanks. How are you planning your delivery routes today?",
    "What happens when a driver calls in sick on a busy morning?",
    "What does a late delivery cost you, roughly, in a normal week?",
    "Who else would be part of choosing a new planning tool?",
    "If routes were ready at six every morning, what would that change for you?",
    "I can send you a short summary by email before five today.",
    "Does Friday at ten work for a call with your operations manager?",
    "Before that, can I confirm your email address and a phone number?",
    "So if I heard you right, mornings are the problem and overtime is the cost?",
    "How many trucks and drivers do you run on a normal day?",
    "And how do you hear about a delay today, from the driver or the customer?",
    "Great, I will put all of that in the summary and see you on Friday.",
]
CUSTOMER_LINES = [
    "Hi, I am calling about the routing software you advertised.",
    "Ola Hansen, from Berg Transport in Bergen.",
    "Mostly by hand, on a whiteboard, every single morning.",
    "Then everything is late and the customers start calling us.",
    "Maybe twenty thousand crowns, sometimes more when we pay overtime.",
    "Our operations manager, and the owner signs anything expensive.",
    "We could stop the morning chaos and the drivers would leave on time.",
    "That sounds fine, send it over please.",
    "Yes, Friday at ten is good, talk to you then.",
    "It is ola at berg transport dot no, and the office number is on the website.",
    "Exactly, the mornings and the overtime, and the angry phone calls.",
    "Fourteen trucks, and about twenty drivers with the weekend shifts.",
    "Usually from the customer, which is the worst way to find out.",
    "Thank you, goodbye.",
]


@dataclass(frozen=True)
class MadeCall:
    mix: np.ndarray  # mono, 16 kHz
    rep: np.ndarray  # the rep's clean track, same length
    customer: np.ndarray
    rep_vocabulary: frozenset[str] = frozenset()
    customer_vocabulary: frozenset[str] = frozenset()

    def stereo(self) -> np.ndarray:
        """(samples, 2): rep left, customer right."""
        return np.stack([self.rep, self.customer], axis=1)

    def heard_speaker(
        self,
        text: str,
        start: float,
        end: float,
        heard: Sequence[tuple[str, float, float, str]],
        near: float = 0.5,
    ) -> str | None:
        """Who said a word of the mono transcript, from what each side's clean track was heard
        to say on its own (`heard`: text, start, end, "rep"/"customer", e.g. the stereo
        transcript of the same call): the side that was heard saying the same word within
        `near` seconds of it, when only one side was. Else `true_speaker` with a side that is
        ten times louder over the word deciding before the scripts; None for crosstalk where
        neither side dominates (it cannot be told who said it, so it is not counted)."""
        word = normalise(text)
        sides = {
            side
            for said, a, b, side in heard
            if a < end + near and b > start - near and normalise(said) == word
        }
        if len(sides) == 1:
            return sides.pop()
        found = self.true_speaker(text, start, end, clear=10.0)
        return None if found == "both" else found

    def true_speaker(
        self, text: str, start: float, end: float, clear: float | None = None
    ) -> str | None:
        """Who said a transcribed word: the side whose script holds the word when only one
        does (Whisper's word times drift by a few hundred ms at a change of speaker), else
        the side whose clean track is at least twice as loud over the span; 'both' when
        neither dominates (crosstalk); None when the span is silent.
        With `clear`, a side whose clean track is `clear` times louder over the span decides
        first: a misheard word ("driver" for the customer's "drivers") is in the other
        side's script by chance, and the script alone gives it to the wrong side."""
        a, b = int(start * RATE), max(int(start * RATE) + 1, int(end * RATE))
        r = float(np.sum(self.rep[a:b] ** 2))
        c = float(np.sum(self.customer[a:b] ** 2))
        if clear is not None and max(r, c) > 1e-6 and max(r, c) > clear * min(r, c):
            return "rep" if r > c else "customer"
        word = normalise(text)
        in_rep, in_customer = word in self.rep_vocabulary, word in self.customer_vocabulary
        if in_rep != in_customer:
            return "rep" if in_rep else "customer"
        if r + c < 1e-6:
            return None
        if r > 2 * c:
            return "rep"
        return "customer" if c > 2 * r else "both"


def real_utterances(path: Path, limit: float = 30.0) -> list[np.ndarray]:
    """A real recording cut at its pauses (>= 0.25 s below the noise floor)."""
    from faster_whisper import decode_audio

    audio = decode_audio(str(path), sampling_rate=RATE)[: int(limit * RATE)]
    frame = RATE // 100
    energy = np.array(
        [np.sqrt(np.mean(audio[i : i + frame] ** 2)) for i in range(0, len(audio) - frame, frame)]
    )
    loud = energy > max(0.01, 0.1 * float(np.percentile(energy, 95)))
    pieces: list[np.ndarray] = []
    start, quiet = None, 0
    for i, on in enumerate(loud):
        if on:
            start = i if start is None else start
            quiet = 0
        elif start is not None:
            quiet += 1
            if quiet >= 25:
                if (i - quiet - start) > 80:  # at least 0.8 s of speech
                    pieces.append(audio[start * frame : (i - quiet + 5) * frame])
                start, quiet = None, 0
    if start is not None:
        pieces.append(audio[start * frame :])
    return pieces


def make_call(
    customer_audio: list[np.ndarray] | None = None,
    customer_text: str = "",
    rep_audio: list[np.ndarray] | None = None,
    rep_text: str = "",
    rep_voice: str = "en-us",
    customer_voice: str = "en-us+f2",
    overlap: float = 0.0,
    snr_db: float | None = None,
    phone: bool = False,
    turns: int = 5,
    seed: int = 0,
    variant: int = 0,
) -> MadeCall:
    """Rep and customer alternate; `overlap` seconds of each reply start before the other
    side stops (negative: a pause of that length). `rep_audio` (with what it says,
    `rep_text`) puts a real recording on the rep's side instead of espeak-ng. `seed` draws
    the noise; `variant` > 0 makes another call of the same kind: the turns after the
    greeting (and the real recordings' pieces) start `variant` places later, and each
    overlap moves by up to 0.2 s either way (the bench runs a few variants per condition)."""
    rng = np.random.default_rng(seed)
    turns = min(turns, len(REP_LINES))
    order = [0] + [1 + (i - 1 + variant) % (len(REP_LINES) - 1) for i in range(1, turns)]
    if rep_audio:
        rep_parts = [rep_audio[(i + variant) % len(rep_audio)] for i in range(turns)]
    else:
        rep_parts = [say(REP_LINES[i], rep_voice) for i in order]
    if customer_audio:
        cust_parts = [customer_audio[(i + variant) % len(customer_audio)] for i in range(turns)]
    else:
        cust_parts = [say(CUSTOMER_LINES[i], customer_voice, 150) for i in order]
    jitter = (
        np.random.default_rng(1000 + variant).uniform(-0.2, 0.2, 2 * turns) if variant else None
    )
    placed: list[tuple[str, int, np.ndarray]] = []
    at = int(0.5 * RATE)
    for t, (r, c) in enumerate(zip(rep_parts, cust_parts, strict=True)):
        for k, (side, part) in enumerate((("rep", _trim(r)), ("customer", _trim(c)))):
            placed.append((side, at, part))
            lap = overlap + (float(jitter[2 * t + k]) if jitter is not None else 0.0)
            at = max(at + len(part) - int(lap * RATE), at + int(0.3 * RATE))
    length = max(start + len(p) for _, start, p in placed) + RATE // 2
    tracks = {"rep": np.zeros(length, np.float32), "customer": np.zeros(length, np.float32)}
    for side, start, part in placed:
        level = 0.3 / (np.sqrt(np.mean(part**2)) + 1e-9) * 0.1  # both sides at one loudness
        tracks[side][start : start + len(part)] += part * level
    rep, customer = tracks["rep"], tracks["customer"]
    if phone:
        rep, customer = phone_line(rep), phone_line(customer)
    mix = rep + customer
    if snr_db is not None:
        power = float(np.mean(mix[np.abs(mix) > 0.005] ** 2))
        noise = rng.normal(0, np.sqrt(power / 10 ** (snr_db / 10)), len(mix))
        mix = mix + noise.astype(np.float32)
        rep = rep + noise.astype(np.float32) / np.sqrt(2)
        customer = customer + noise.astype(np.float32) / np.sqrt(2)
    peak = max(1.0, float(np.max(np.abs(mix))) / 0.9)
    said_by_customer = (
        customer_text if customer_audio else " ".join(CUSTOMER_LINES[i] for i in order)
    )
    said_by_rep = rep_text if rep_audio else " ".join(REP_LINES[i] for i in order)
    return MadeCall(
        mix / peak,
        rep / peak,
        customer / peak,
        frozenset(normalise(said_by_rep).split()),
        frozenset(normalise(said_by_customer).split()),
    )


def shifted(audio: np.ndarray, factor: float) -> np.ndarray:
    """A recording played `factor` times faster (a tape sped up): pitch and formants rise
    together by that factor, as a slightly smaller vocal tract of the same speaker's style."""
    import soxr

    return np.asarray(soxr.resample(audio, RATE * factor, RATE), dtype=np.float32)


def _trim(audio: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(audio) > 0.01)
    return audio[loud[0] : loud[-1] + 1] if len(loud) else audio


def phone_line(audio: np.ndarray) -> np.ndarray:
    """300-3400 Hz at 8 kHz and back to 16 kHz, as a phone call records it."""
    import soxr

    spectrum = np.fft.rfft(audio)
    freqs = np.fft.rfftfreq(len(audio), 1 / RATE)
    spectrum[(freqs < 300) | (freqs > 3400)] = 0
    band = np.fft.irfft(spectrum, len(audio)).astype(np.float32)
    narrow = soxr.resample(band, RATE, 8000)
    return np.asarray(soxr.resample(narrow, 8000, RATE), dtype=np.float32)[: len(audio)]


def write_stereo(path: Path, left: np.ndarray, right: np.ndarray, rate: int = RATE) -> Path:
    return write_wav(path, np.stack([left, right], axis=1), rate)
