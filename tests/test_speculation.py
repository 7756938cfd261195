"""Starting the customer's reply before the rep's turn has surely ended, and delivery by voice."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from roleplay.adapters.scripted_customer import ScriptedCustomer
from roleplay.services.delivery import Delivered
from roleplay.services.engine import CallState
from roleplay.services.ports import Clip, CustomerEvent, CustomerRequest, Sentence
from tests.helpers import said, services

QUESTION = "How does a typical morning look for your dispatch team?"


class CountingCustomer(ScriptedCustomer):
    """The scripted customer, counting the replies it was asked for and closed early."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.closed = 0

    def respond(self, request: CustomerRequest) -> Iterator[CustomerEvent]:
        self.asked.append(request.turns[-1].text if request.turns else "")
        try:
            yield from super().respond(request)
        except GeneratorExit:
            self.closed += 1
            raise


def _call(workspace: Path):
    s = services(workspace)
    call = s.practice.begin("mini", s.profile(), seed=7)
    customer = CountingCustomer()
    call.switch_customer(customer)
    said(call.start())
    return s, call, customer


def test_a_speculative_reply_is_committed_when_the_words_match(mini_workspace: Path) -> None:
    s, call, customer = _call(mini_workspace)
    speculation = call.speculate(QUESTION)
    while speculation.prefetch():  # the reply is produced while the rep is still silent
        pass
    assert len(call.turns) == 1  # nothing recorded yet: the rep may go on
    reply = said(call.rep_says(QUESTION.lower().rstrip("?"), speculation=speculation))
    assert "by hand" in reply  # the pain fact, earned by the open question
    assert customer.asked == ["", QUESTION]  # asked once, not again at commit
    saved = s.store.load(call.record.id).turns
    assert [t.speaker for t in saved] == ["customer", "rep", "customer"]


def test_a_speculative_reply_is_dropped_unheard_when_the_rep_went_on(mini_workspace: Path) -> None:
    s, call, customer = _call(mini_workspace)
    speculation = call.speculate("How does a typical morning")
    speculation.prefetch()
    assert speculation.matches("How does a typical morning")
    reply = said(call.rep_says(QUESTION, speculation=speculation))
    assert customer.closed == 1 and not speculation.matches("How does a typical morning")
    assert customer.asked == ["", "How does a typical morning", QUESTION]
    assert "by hand" in reply
    texts = [t.text for t in s.store.load(call.record.id).turns]
    assert "How does a typical morning" not in texts and QUESTION in texts


def test_discarding_never_records_anything(mini_workspace: Path) -> None:
    s, call, _ = _call(mini_workspace)
    speculation = call.speculate(QUESTION)
    speculation.discard()
    assert not speculation.prefetch() and not speculation.matches(QUESTION)
    assert call.state is CallState.AWAITING_REP
    assert len(s.store.load(call.record.id).turns) == 1


class HalfHeard:
    """A voice delivery where the rep barged in after the first sentence."""

    def __init__(self) -> None:
        self.said: Sequence[str] = ()

    def finish(self, said: Sequence[str], complete: bool) -> Delivered:
        self.said = said
        return Delivered(
            text=said[0],
            start=12.0,
            end=13.5,
            interrupted=True,
            audio="audio/customer-002.wav",
            timings={"first_audio_out": 12.0},
        )


def test_a_voice_delivery_records_what_was_heard_and_the_interruption(
    mini_workspace: Path,
) -> None:
    s, call, _ = _call(mini_workspace)
    delivery = HalfHeard()
    events = list(
        call.rep_says(
            QUESTION,
            start=8.0,
            end=11.0,
            delivery=delivery,
            audio="audio/rep-001.wav",
            timings={"speech_end": 11.0},
        )
    )
    sentences = [e.text for e in events if isinstance(e, Sentence)]
    assert len(sentences) == 2 and list(delivery.said) == sentences
    rep, customer = s.store.load(call.record.id).turns[1:]
    assert (rep.audio, rep.timings, rep.start, rep.end) == (
        "audio/rep-001.wav",
        {"speech_end": 11.0},
        8.0,
        11.0,
    )
    assert customer.text == sentences[0]  # only what the rep heard
    assert "interrupted" in customer.tags and "fact:pain" in customer.tags
    assert (customer.start, customer.end, customer.audio) == (12.0, 13.5, "audio/customer-002.wav")


def test_old_transcripts_without_audio_or_timings_still_load() -> None:
    from roleplay.domain.session import Turn

    turn = Turn.model_validate_json(
        '{"index": 0, "speaker": "rep", "text": "Hi", "start": 0, "end": 1}'
    )
    assert turn.audio is None and turn.timings == {}


def test_the_first_sentence_of_an_early_reply_is_synthesised_before_the_turn_ends(
    mini_workspace: Path,
) -> None:
    """So its audio is ready the moment the reply is committed; asked for another sentence
    (the reply it was started for was not the one committed), there is nothing early."""
    from roleplay.adapters.tts_silent import SilentSpeech
    from roleplay.domain.scenario import Voice
    from roleplay.services.speculation import Prefetch

    _s, call, _ = _call(mini_workspace)
    synthesised: list[str] = []

    def synthesise(text: str) -> Clip:
        synthesised.append(text)
        return SilentSpeech().synthesise(text, Voice(), "en")

    prefetch = Prefetch(call.speculate(QUESTION), lambda: 0.0, synthesise)
    prefetch._thread.join(timeout=30)
    assert prefetch.first_sentence is not None and len(synthesised) == 1
    early = prefetch.clip(synthesised[0])
    clip = early.result(timeout=5) if early is not None else None
    assert clip is not None and clip.duration > 0
    assert prefetch.clip("Something else entirely.") is None
    sentences = [
        e.text for e in prefetch.speculation.claim(QUESTION) or () if isinstance(e, Sentence)
    ]
    assert sentences[0] == synthesised[0] and len(synthesised) == 1  # only the first, once


def test_a_failed_early_synthesis_reaches_the_reply(mini_workspace: Path) -> None:
    from roleplay.services.speculation import Prefetch
    from roleplay.services.voice_errors import SynthesisFailed

    _s, call, _ = _call(mini_workspace)

    def broken(text: str) -> Clip:
        raise SynthesisFailed("espeak-ng is gone")

    prefetch = Prefetch(call.speculate(QUESTION), lambda: 0.0, broken)
    prefetch._thread.join(timeout=30)
    assert prefetch.first_sentence is not None
    sentences = [
        e.text for e in prefetch.speculation.claim(QUESTION) or () if isinstance(e, Sentence)
    ]
    early = prefetch.clip(sentences[0])
    assert early is not None and isinstance(early.exception(timeout=5), SynthesisFailed)
