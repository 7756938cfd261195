"""Roleplay pointed at a chat server (the fake one, llama.cpp, or an address nothing answers
at), as a rep does it: the environment variables and the [llm] table of the config file."""

from __future__ import annotations

import pytest

from roleplay.config import config_file


def use_llm(
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    model: str | None = "test-model",
    **llm: int,
) -> None:
    """ROLEPLAY_LLM_BASE_URL=`url` and ROLEPLAY_LLM_MODEL=`model` (None: unset as it was);
    `llm` (max_retries=0, timeout=3...), if any, as the [llm] table of the rep's config file,
    in the order given."""
    if llm:
        config_file().parent.mkdir(parents=True, exist_ok=True)
        config_file().write_text("[llm]\n" + "".join(f"{k} = {v}\n" for k, v in llm.items()))
    monkeypatch.setenv("ROLEPLAY_LLM_BASE_URL", url)
    if model is not None:
        monkeypatch.setenv("ROLEPLAY_LLM_MODEL", model)
