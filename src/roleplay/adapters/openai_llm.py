"""The `openai` client against OpenAI or any OpenAI-compatible server, with clear failures.

Retries with backoff on 429, 5xx and network errors are the openai client's own (bounded by
`max_retries`, honouring Retry-After); this module turns what is left into one sentence that
says what is wrong and what to do, with every secret removed.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from roleplay.domain.text import redact
from roleplay.services.ports import CustomerUnavailable

if TYPE_CHECKING:
    import openai

    from roleplay.services.ports import HangUp

log = logging.getLogger(__name__)

OPENAI_DEFAULT_MODEL = "gpt-4o-mini"
KEY_HELP = "set OPENAI_API_KEY (or api_key under [llm] in the config file)"
MODEL_HELP = "set ROLEPLAY_LLM_MODEL (or model under [llm] in the config file)"

Message = dict[str, str]


class LlmError(CustomerUnavailable):
    """The LLM server cannot be used right now. The message says why and what to do."""


@dataclass(frozen=True)
class LlmConfig:
    base_url: str | None
    api_key: str | None
    model: str | None
    timeout: float = 30.0
    max_retries: int = 2
    temperature: float = 0.8

    @property
    def where(self) -> str:
        """The server, for messages: a password or key in the URL's user-info is hidden."""
        return redact(self.base_url) if self.base_url else "https://api.openai.com/v1"

    def __repr__(self) -> str:  # never show the key, even in a debugger or a traceback
        key = "set" if self.api_key else "unset"
        return f"LlmConfig(base_url={self.base_url!r}, api_key=<{key}>, model={self.model!r})"


class LlmClient:
    """One chat server. Thread-safe for concurrent requests (the openai client is)."""

    def __init__(self, config: LlmConfig) -> None:
        self.config = config
        self._client: openai.OpenAI | None = None
        self._model: str | None = config.model
        self._lock = threading.Lock()  # one openai client, however many threads ask first
        self._closed = False

    # --- plumbing ------------------------------------------------------------------------

    @property
    def client(self) -> openai.OpenAI:
        with self._lock:
            if self._closed:  # never a new connection behind the closer's back
                raise LlmError(
                    f"The LLM client for {self.config.where} was used after roleplay closed "
                    "it; this is a bug in roleplay (please report it). Run the command again."
                )
            if self._client is None:
                import openai  # heavy: only when an LLM is actually used

                from roleplay.adapters.llm_hang_up import http_client

                http = http_client(self.config.timeout)  # a hang-up cuts a request
                http.event_hooks["response"].append(_not_a_web_page)
                base_url, query = _split_query(self.config.base_url)
                self._client = openai.OpenAI(
                    base_url=base_url,
                    # Local servers (Ollama, llama.cpp) accept any key but the client wants one.
                    api_key=self.config.api_key or "not-needed",
                    timeout=self.config.timeout,
                    max_retries=self.config.max_retries,
                    http_client=http,
                    # ?api-version=... (Azure), a gateway's key: sent with every request (as
                    # part of base_url it was glued in front of the path: /v1/?q=1models)
                    default_query=query or None,
                )
            return self._client

    def close(self) -> None:
        """Close the connections to the server now (the openai client keeps them open for
        the next request, until the garbage collector gets to it). Idempotent; a request
        afterwards raises LlmError."""
        with self._lock:
            client, self._client, self._closed = self._client, None, True
        if client is not None:
            client.close()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def where(self) -> str:
        return self.config.where

    @property
    def model(self) -> str:
        """The configured model; else OpenAI's default; else the server's first model."""
        if self._model is None:
            if not self.config.base_url:
                self._model = OPENAI_DEFAULT_MODEL
            else:
                models = self.list_models()
                if not models:
                    raise LlmError(
                        f"The LLM server at {self.config.where} offers no models; "
                        f"load one, or {MODEL_HELP}."
                    )
                self._model = models[0]
        return self._model

    def list_models(self) -> list[str]:
        try:
            return sorted(m.id for m in self.client.models.list())
        except Exception as exc:  # noqa: BLE001 - every failure becomes one clear LlmError
            raise self._explain(exc) from None

    # --- requests ------------------------------------------------------------------------

    def stream_chat(
        self,
        messages: Sequence[Message],
        *,
        temperature: float | None = None,
        max_tokens: int | None = 200,
        hang_up: HangUp | None = None,
    ) -> Iterator[str]:
        """Yield text as it is generated. Failures before or during the stream raise LlmError,
        and so does a stream that ends without saying it is finished (no finish_reason): the
        reply was cut off, and what came so far must not pass for the whole of it.

        `hang_up` set (the rep ended the call) ends the stream at once, however long the
        server takes: the request is cut (the server sees the client go) and what came so far
        is all there is, without an error (the caller knows it hung up)."""
        from roleplay.adapters.llm_hang_up import HungUp, watching

        model = self.model
        finished = False
        stream: Any = None
        try:
            with watching(hang_up):
                stream = self.client.chat.completions.create(
                    model=model,
                    messages=list(messages),  # type: ignore[arg-type]
                    temperature=self.config.temperature if temperature is None else temperature,
                    max_tokens=max_tokens,
                    stream=True,
                )
            chunks = iter(stream)
            while True:
                with watching(hang_up):  # whichever thread steps the stream (speculation)
                    chunk: Any = next(chunks, None)
                if chunk is None:
                    break
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                if choice.delta is not None and choice.delta.content:
                    yield choice.delta.content
                if choice.finish_reason:
                    finished = True
            if not finished:
                text = (
                    f"The LLM server at {self.config.where} stopped mid-reply (the stream "
                    f"ended without finishing, model {model}); the reply is marked cut off. "
                    "Retry, or check the server's log."
                )
                log.warning("%s", text)
                raise LlmError(redact(text, [self.config.api_key]))
        except HungUp:
            log.info("the reply from %s was cut: the call was hung up", self.config.where)
            return
        except LlmError:
            raise
        except Exception as exc:  # noqa: BLE001 - every failure becomes one clear LlmError
            if hang_up is not None and hang_up.is_set():
                return  # the request failed as it was cut: not the server's fault
            raise self._explain(exc, model) from None
        finally:
            if stream is not None:  # else the connection stayed busy until garbage-collected
                stream.close()

    def complete(
        self,
        messages: Sequence[Message],
        *,
        model: str | None = None,
        temperature: float = 0.0,
        response_format: dict[str, Any] | None = None,
        max_tokens: int | None = None,
    ) -> str:
        model = model or self.model
        kwargs: dict[str, Any] = {}
        if response_format is not None:
            kwargs["response_format"] = response_format
        if max_tokens is not None:
            kwargs["max_tokens"] = max_tokens
        try:
            response = self.client.chat.completions.create(
                model=model,
                messages=list(messages),  # type: ignore[arg-type]
                temperature=temperature,
                **kwargs,
            )
        except Exception as exc:  # noqa: BLE001 - every failure becomes one clear LlmError
            raise self._explain(exc, model) from None
        return response.choices[0].message.content or ""

    # --- failures ------------------------------------------------------------------------

    def _explain(self, exc: BaseException, model: str | None = None) -> LlmError:
        import openai

        where = self.config.where
        retries = self.config.max_retries
        after = f" after {retries} retries" if retries else ""
        model = model or self._model or "(default)"
        name = type(exc).__name__
        page = _web_page(exc)
        if page is not None:
            text = (
                f"The server at {where} answered with a web page ({page}), not an "
                "OpenAI-compatible API: check base_url under [llm] / OPENAI_BASE_URL. It is "
                "usually the API's root, ending in /v1 (e.g. http://localhost:11434/v1 for "
                "Ollama, http://localhost:8080/v1 for llama.cpp's server)."
            )
        elif isinstance(exc, openai.APITimeoutError) or "Timeout" in name:
            text = (
                f"The LLM server at {where} did not answer within {self.config.timeout:g} s "
                f"(model {model}). Check that it is running and not overloaded, or raise "
                "timeout under [llm] in the config file."
            )
        elif name in {"RemoteProtocolError", "ReadError", "ConnectError", "NetworkError"}:
            text = (
                f"The connection to the LLM server at {where} broke mid-reply ({name}). "
                "Check the server's log; retry, or continue offline."
            )
        elif isinstance(exc, openai.APIConnectionError):
            text = (
                f"Cannot reach the LLM server at {where} ({_cause(exc)}). Start the server "
                "(e.g. `ollama serve`) or fix base_url under [llm] / OPENAI_BASE_URL."
            )
        elif isinstance(exc, openai.AuthenticationError):
            text = f"The LLM server at {where} rejected the API key (HTTP 401): {KEY_HELP}."
        elif isinstance(exc, openai.PermissionDeniedError):
            text = (
                f"The API key has no access to model {model} at {where} (HTTP 403): use a "
                f"key with access, or {MODEL_HELP}."
            )
        elif isinstance(exc, openai.NotFoundError):
            text = f"Model '{model}' was not found at {where} (HTTP 404)."
            try:
                available = sorted(m.id for m in self.client.models.list())
                text += (
                    f" The server offers: {', '.join(available[:12])}."
                    if available
                    else " The server lists no models."
                )
            except Exception:  # noqa: BLE001 - the listing is a courtesy; the 404 is the news
                text += " (Its model list could not be read.)"
            text += f" {MODEL_HELP[0].upper()}{MODEL_HELP[1:]}."
        elif isinstance(exc, openai.RateLimitError):
            text = (
                f"The LLM server at {where} is rate-limiting requests (HTTP 429{after}). "
                "Wait a minute, or use another model."
            )
        elif isinstance(exc, openai.APIStatusError):
            text = (
                f"The LLM server at {where} failed (HTTP {exc.status_code}"
                f"{after if exc.status_code >= 500 else ''}): "
                f"{_server_message(exc)}"
            )
        elif isinstance(exc, openai.APIError | json.JSONDecodeError | ValueError):
            text = (
                f"The LLM server at {where} sent a reply that could not be read "
                f"({type(exc).__name__}: {str(exc)[:120]})."
            )
        else:
            text = f"The LLM request to {where} failed: {type(exc).__name__}: {str(exc)[:160]}"
        text = redact(text, [self.config.api_key])
        log.warning("%s", text)
        error = LlmError(text)
        error.status = getattr(exc, "status_code", None)  # type: ignore[attr-defined]
        return error


class _WebPage(Exception):
    """The server answered an API request with an HTML page (a web server's default page, a
    login portal, a wrong port): the openai client cannot read it, and said so only as an
    AttributeError or a stream 'ended without finishing'."""


def _not_a_web_page(response: Any) -> None:
    kind = response.headers.get("content-type", "")
    if "text/html" in kind.lower():
        raise _WebPage(f"HTTP {response.status_code}, {kind.split(';')[0].strip()}")


def _web_page(exc: BaseException) -> str | None:
    """What the web page was (status, type), when `exc` is or wraps one (the openai client
    wraps what a request raises in APIConnectionError)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, _WebPage):
            return str(seen)
        seen = seen.__cause__ or seen.__context__
    return None


def _split_query(url: str | None) -> tuple[str | None, dict[str, str]]:
    """base_url without its query string, and the query's parameters."""
    if not url or "?" not in url:
        return url, {}
    from urllib.parse import parse_qsl, urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(query="")), dict(parse_qsl(parts.query))


def _cause(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    while cause is not None and (cause.__cause__ or cause.__context__):
        cause = cause.__cause__ or cause.__context__
    return str(cause or exc)[:120] or type(exc).__name__


def _server_message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])[:200]
    return str(getattr(exc, "message", exc))[:200]
