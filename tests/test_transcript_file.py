"""Outside transcripts: `Speaker: text` and `[Speaker]: text`, turns, timestamps, mistakes."""

from __future__ import annotations

import pytest

from roleplay.domain.transcript_file import TranscriptFileError, parse


def test_labels_blank_lines_bom_and_merged_turns() -> None:
    text = (
        "\ufeffKari: Hi Ola, thanks for taking the call.\n"
        "\n"
        "[Ola]: Sure. What's this about?\n"
        "Kari: I saw your post about routing.\n"
        "Kari: How do you plan routes today?\n"
        "  that is, before the trucks leave\n"
        "Ola: By hand.\n"
    )
    parsed = parse(text, "kari")
    assert [t.speaker for t in parsed.turns] == ["rep", "customer", "rep", "customer"]
    assert parsed.turns[2].text == (
        "I saw your post about routing. How do you plan routes "
        "today? that is, before the trucks leave"
    )
    assert parsed.speakers == {"Kari": 3, "Ola": 2}
    assert not parsed.timed


def test_timestamps_give_timings() -> None:
    parsed = parse(
        "00:00:01 Rep: Hello there.\n[00:05] Buyer: Hi.\n00:00:09 Rep: How are mornings?\n", "Rep"
    )
    assert parsed.timed
    assert [(t.start, t.end) for t in parsed.turns] == [(1, 5), (5, 9), (9, 9)]


def test_a_rep_who_never_speaks_lists_the_speakers() -> None:
    with pytest.raises(TranscriptFileError) as err:
        parse("Kari: Hello.\nOla: Hi.\nKari: Bye.\n", "Karl", file="call.txt")
    message = str(err.value)
    assert message.startswith("call.txt: speaker 'Karl' never speaks")
    assert "Kari (2 lines), Ola (1 line)" in message and "Did you mean --rep 'Kari'?" in message


def test_an_unlabelled_first_line_names_the_line() -> None:
    with pytest.raises(TranscriptFileError, match=r"call.txt:2: expected 'Speaker: text'"):
        parse("\nhello there\nKari: Hi.\n", "Kari", file="call.txt")


def test_an_empty_file() -> None:
    with pytest.raises(TranscriptFileError, match="no 'Speaker: text' lines"):
        parse("\n\n", "Kari")


def test_several_customer_voices_are_the_customer_side() -> None:
    parsed = parse("Rep: Hi both.\nAnna: Hi.\nBo: Hello.\nRep: Great.\n", "Rep")
    assert [t.speaker for t in parsed.turns] == ["rep", "customer", "customer", "rep"]
    assert parsed.turns[2].tags == ("speaker:Bo",)
