"""Get a JSON object matching a pydantic model from any OpenAI-compatible server.

Strategy: `json_schema` response format where the server supports it; else `json_object` with
the schema in the prompt (and in the request, which llama.cpp uses to constrain output);
validate; on invalid output retry once with the validation error. Servers that reject
`json_schema` (llama.cpp answers HTTP 500) are remembered so the next call goes straight on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from roleplay.adapters.openai_llm import LlmClient, LlmError, Message

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)

_NO_JSON_SCHEMA: set[str] = set()  # servers (base URLs) known to reject json_schema


class StructuredOutputError(LlmError):
    """The model did not produce valid JSON for the schema, even after a retry."""


def structured(
    llm: LlmClient,
    messages: Sequence[Message],
    schema: type[M],
    *,
    model: str | None = None,
    temperature: float = 0.0,
    max_tokens: int | None = 2000,
) -> M:
    name = schema.__name__
    json_schema = schema.model_json_schema()
    where = llm.config.where
    # The fallback format; the schema rides along (llama.cpp constrains its output by it).
    as_object: dict[str, object] = {"type": "json_object", "schema": json_schema}

    def ask(prompt: Sequence[Message], response_format: dict[str, object]) -> str:
        """One request: every attempt differs only in its messages and format."""
        return llm.complete(
            prompt,
            model=model,
            temperature=temperature,
            max_tokens=max_tokens,
            response_format=response_format,
        )

    text: str | None = None
    if where not in _NO_JSON_SCHEMA:
        try:
            text = ask(
                messages,
                {"type": "json_schema", "json_schema": {"name": name, "schema": json_schema}},
            )
        except LlmError as exc:
            # 400/422 (unsupported parameter) or 500 (llama.cpp): fall back to json_object.
            if getattr(exc, "status", None) not in {400, 404, 415, 422, 500, 501}:
                raise
            log.info("%s rejected json_schema (%s); using json_object", where, exc)
            _NO_JSON_SCHEMA.add(where)
    prompt = list(messages)
    if text is None:
        prompt = [*messages, {"role": "system", "content": _schema_instruction(json_schema)}]
        text = ask(prompt, as_object)
    try:
        return schema.model_validate_json(_strip_fences(text))
    except ValidationError as first:
        retry = [
            *prompt,
            {"role": "assistant", "content": text[:4000]},
            {
                "role": "user",
                "content": "That reply was not valid. Fix these problems and "
                f"answer again with only the JSON object:\n{_errors(first)}",
            },
        ]
        again = ask(retry, as_object)
        try:
            return schema.model_validate_json(_strip_fences(again))
        except ValidationError as second:
            raise StructuredOutputError(
                f"The model at {where} did not return a valid {name} after a retry: "
                f"{_errors(second)}"
            ) from None


def _schema_instruction(json_schema: dict[str, object]) -> str:
    return (
        "Answer with one JSON object only, no prose and no code fences, matching this JSON "
        f"Schema:\n{json.dumps(json_schema)}"
    )


def _strip_fences(text: str) -> str:
    text = text.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text.strip()


def _errors(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors()[:8]:
        where = ".".join(str(p) for p in err["loc"]) or "(whole object)"
        lines.append(f"- {where}: {err['msg']}")
    return "\n".join(lines)
