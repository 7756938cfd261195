"""A chat server in memory: the offline ChatServer, for tests of what talks to one (`roleplay
doctor`) without a network. It offers the models it was given, answers with its replies in
turn (then the last one again), records every request, and can be down."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from roleplay.services.ports import CustomerUnavailable


@dataclass
class MemoryChatServer:
    models: list[str] = field(default_factory=lambda: ["memory-model"])
    replies: list[str] = field(default_factory=lambda: ["ready"])
    configured_model: str | None = None
    down: bool = False  # like a server that is not running
    requests: list[list[dict[str, str]]] = field(default_factory=list)

    @property
    def where(self) -> str:
        return "memory"

    @property
    def model(self) -> str:
        if self.configured_model is not None:
            return self.configured_model
        offered = self.list_models()
        if not offered:
            raise CustomerUnavailable("the chat server in memory offers no models; give it one")
        return offered[0]

    def list_models(self) -> list[str]:
        self._check()
        return sorted(self.models)

    def complete(self, messages: Sequence[dict[str, str]], *, max_tokens: int | None = None) -> str:
        self._check()
        self.requests.append([dict(m) for m in messages])
        reply = self.replies[min(len(self.requests), len(self.replies)) - 1]
        return reply

    def _check(self) -> None:
        if self.down:
            raise CustomerUnavailable("Cannot reach the chat server in memory (it is down)")
