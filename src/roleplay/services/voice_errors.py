"""Failures of a spoken call's own parts (not the customer's): each has its own recovery."""

from __future__ import annotations

from roleplay.errors import RoleplayError


class SynthesisFailed(RoleplayError):
    """The customer's words could not be turned into speech (the text-to-speech engine is
    missing, hung or wrote no audio). The call goes on in text: the customer's replies are
    shown, not heard. Switching customers would not help, so the call never does that."""

    title = "The customer's voice failed"

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(
            message,
            hint
            or "their replies are shown as text from here on; check the voice with "
            "`roleplay doctor`",
        )
