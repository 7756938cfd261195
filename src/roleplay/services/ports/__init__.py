"""The small interfaces through which services reach the outside world, one module per capability.

Each port has a real adapter and an offline one (see ARCHITECTURE.md); tests/contracts/ runs one
contract module per port against every implementation. Every name is re-exported here, so
`from roleplay.services.ports import X` works whichever module X lives in. A name's module
loads when the name is first asked for (PEP 562): a read command that needs one port does
not import every port's domain models (the history's scheduler, the audio types...).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from roleplay.services.ports.audio import (
        SAMPLE_RATE,
        AudioBlock,
        AudioPlayer,
        AudioRecorder,
        AudioSource,
        AudioTrack,
        AudioUnavailable,
        Clip,
        ClipPlayback,
        Playback,
        Speaker,
        VoiceActivity,
    )
    from roleplay.services.ports.clock import (
        Clock,
    )
    from roleplay.services.ports.customer import (
        ChatServer,
        Customer,
        CustomerEvent,
        CustomerRequest,
        CustomerUnavailable,
        EndCall,
        FirstToken,
        HangUp,
        Marker,
        Sentence,
    )
    from roleplay.services.ports.documents import (
        Charts,
        Templates,
    )
    from roleplay.services.ports.index import (
        IndexClosed,
        IndexDamaged,
        IndexReadOnly,
        IndexTooNew,
        IndexUnavailable,
        SessionIndex,
    )
    from roleplay.services.ports.judge import (
        Judge,
        JudgeUnavailable,
    )
    from roleplay.services.ports.recordings import (
        BrokenRecording,
        RecordingFiles,
    )
    from roleplay.services.ports.sessions import (
        Damaged,
        HabitStore,
        SessionArchive,
        SessionNotFound,
        SessionStore,
        TurnProblems,
    )
    from roleplay.services.ports.speech import (
        Segment,
        SpeechToText,
        SpeechUnavailable,
        TextToSpeech,
        Transcription,
        Word,
    )

# Each name and the module (under roleplay.services.ports) that defines it.
_WHERE = {
    "SAMPLE_RATE": "audio",
    "AudioBlock": "audio",
    "AudioPlayer": "audio",
    "AudioRecorder": "audio",
    "AudioSource": "audio",
    "AudioTrack": "audio",
    "AudioUnavailable": "audio",
    "Clip": "audio",
    "ClipPlayback": "audio",
    "Playback": "audio",
    "Speaker": "audio",
    "VoiceActivity": "audio",
    "Clock": "clock",
    "ChatServer": "customer",
    "Customer": "customer",
    "CustomerEvent": "customer",
    "CustomerRequest": "customer",
    "CustomerUnavailable": "customer",
    "EndCall": "customer",
    "FirstToken": "customer",
    "HangUp": "customer",
    "Marker": "customer",
    "Sentence": "customer",
    "Charts": "documents",
    "Templates": "documents",
    "IndexClosed": "index",
    "IndexDamaged": "index",
    "IndexReadOnly": "index",
    "IndexTooNew": "index",
    "IndexUnavailable": "index",
    "SessionIndex": "index",
    "Judge": "judge",
    "JudgeUnavailable": "judge",
    "BrokenRecording": "recordings",
    "RecordingFiles": "recordings",
    "Damaged": "sessions",
    "HabitStore": "sessions",
    "SessionArchive": "sessions",
    "SessionNotFound": "sessions",
    "SessionStore": "sessions",
    "TurnProblems": "sessions",
    "Segment": "speech",
    "SpeechToText": "speech",
    "SpeechUnavailable": "speech",
    "TextToSpeech": "speech",
    "Transcription": "speech",
    "Word": "speech",
}

__all__ = [
    "SAMPLE_RATE",
    "AudioBlock",
    "AudioPlayer",
    "AudioRecorder",
    "AudioSource",
    "AudioTrack",
    "AudioUnavailable",
    "BrokenRecording",
    "Charts",
    "ChatServer",
    "Clip",
    "ClipPlayback",
    "Clock",
    "Customer",
    "CustomerEvent",
    "CustomerRequest",
    "CustomerUnavailable",
    "Damaged",
    "EndCall",
    "FirstToken",
    "HabitStore",
    "HangUp",
    "IndexClosed",
    "IndexDamaged",
    "IndexReadOnly",
    "IndexTooNew",
    "IndexUnavailable",
    "Judge",
    "JudgeUnavailable",
    "Marker",
    "Playback",
    "RecordingFiles",
    "Segment",
    "Sentence",
    "SessionArchive",
    "SessionIndex",
    "SessionNotFound",
    "SessionStore",
    "Speaker",
    "SpeechToText",
    "SpeechUnavailable",
    "Templates",
    "TextToSpeech",
    "Transcription",
    "TurnProblems",
    "VoiceActivity",
    "Word",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # asked once
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
