"""What happens when the customer fails mid-call (the LLM server is down, a key expired).

One policy for every kind of call: the typed call in a terminal, the app and a spoken call.
Every turn so far is already saved, so nothing is lost; the rep's last turn waits for a reply.
The rep can ask again, go on with the offline scripted customer (when an LLM customer
failed), or end the call. A spoken call has no one to ask in the middle of a sentence, so it
takes the unattended choice: on with the scripted customer if there is one, else it keeps
listening and the rep's next words ask again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import StrEnum

from roleplay.services.delivery import Delivery
from roleplay.services.engine import Conversation
from roleplay.services.ports import Customer, CustomerEvent

OFFLINE_NOTICE = "Continuing with the offline scripted customer."


class Recovery(StrEnum):
    RETRY = "retry"  # ask the same customer again
    OFFLINE = "offline"  # go on with the offline scripted customer, which answers at once
    END = "end"  # end the call here (it is scored as it stands)


class CustomerRecovery:
    def __init__(self, call: Conversation, fallback: Callable[[], Customer] | None) -> None:
        self.call = call
        self._fallback = fallback

    @property
    def can_go_offline(self) -> bool:
        return self._fallback is not None

    def choices(self) -> tuple[Recovery, ...]:
        """What the rep may choose, in the order to offer it."""
        if self.can_go_offline:
            return (Recovery.RETRY, Recovery.OFFLINE, Recovery.END)
        return (Recovery.RETRY, Recovery.END)

    def unattended(self) -> Recovery | None:
        """The choice when no one can be asked (a spoken call): None means keep listening."""
        return Recovery.OFFLINE if self.can_go_offline else None

    def apply(
        self,
        choice: Recovery,
        notify: Callable[[str], None],
        *,
        delivery: Delivery | None = None,
    ) -> Iterator[CustomerEvent] | None:
        """Carry out `choice`: the customer's new reply to stream, or None when the call ends.
        `notify` gets one line for the rep when the customer changed."""
        if choice not in self.choices():
            raise ValueError(f"{choice} is not offered here (choices: {self.choices()})")
        if choice is Recovery.END:
            return None
        if choice is Recovery.OFFLINE:
            assert self._fallback is not None  # checked by choices()
            self.call.switch_customer(self._fallback())
            notify(OFFLINE_NOTICE)
        return self.call.retry_reply(delivery=delivery)
