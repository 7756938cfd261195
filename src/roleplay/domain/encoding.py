"""Text files people bring (an outside call's transcript), decoded without guessing.

UTF-8 is read as it is, with or without a byte order mark; UTF-16 and UTF-32 are read when a
byte order mark says so (Windows tools write UTF-16 with one). Anything else is an error that
says where the first bad byte is and what to do: a guessed legacy code page (Latin-1, cp1252)
turns a misread byte into a wrong letter without a word, and these words become the quotes of
a scorecard's evidence. Decoding with replacement did exactly that ('café' -> 'caf\ufffd').
"""

from __future__ import annotations

import codecs

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
SAVE_AS = (
    "save it as UTF-8 (or UTF-16 with a byte order mark) and try again; other encodings "
    "are not guessed, since a wrong guess would change the words"
)


class NotText(ValueError):
    """The bytes are not text in an encoding roleplay reads; the message says where."""


def position(data: bytes, offset: int) -> tuple[int, int]:
    """(line, column), both from 1, of the byte at `offset` (lines end at b"\\n")."""
    line = data.count(b"\n", 0, offset) + 1
    return line, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def decode_text(data: bytes) -> str:
    """The text of a file's bytes; NotText ("line 3, column 4: ...") when it cannot be read."""
    for mark, codec, name in _MARKS:
        if data.startswith(mark):
            body = data[len(mark) :]
            try:
                return body.decode(codec)
            except UnicodeDecodeError as exc:
                raise NotText(
                    f"starts with a {name} byte order mark but byte {len(mark) + exc.start + 1} "
                    f"is not {name} ({exc.reason}); {SAVE_AS}"
                ) from None
    if b"\x00" in data:  # valid UTF-8, but no text file holds NUL: UTF-16 without its mark
        line, column = position(data, data.index(b"\x00"))
        raise NotText(
            f"line {line}, column {column}: a NUL byte; this looks like UTF-16 without a byte "
            f"order mark; {SAVE_AS}"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = position(data, exc.start)
        raise NotText(
            f"line {line}, column {column}: not UTF-8 (byte 0x{data[exc.start]:02X}); {SAVE_AS}"
        ) from None
