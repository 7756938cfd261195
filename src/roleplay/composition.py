"""The composition root: the one place that picks adapters from settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from roleplay.adapters.clock import SystemClock
from roleplay.adapters.file_store import FileSessionStore
from roleplay.adapters.llm_customer import LlmCustomer
from roleplay.adapters.offline_judge import OfflineJudge
from roleplay.adapters.openai_llm import LlmClient, LlmConfig
from roleplay.adapters.scripted_customer import ScriptedCustomer
from roleplay.config import Settings, Workspace, load_settings, resolve_workspace
from roleplay.services.catalog import Catalog, load_catalog
from roleplay.services.ports import Clock, Customer
from roleplay.services.practice import Practice, Profile


@dataclass
class Services:
    settings: Settings
    workspace: Workspace
    practice: Practice
    store: FileSessionStore
    offline: bool  # no LLM configured: scripted customer and rule-based judge
    llm: LlmClient | None = None

    def catalog(self) -> Catalog:
        return load_catalog([self.workspace.scenarios], [self.workspace.rubrics])

    def offline_customer(self) -> Customer:
        """The customer to continue with when the LLM fails mid-call."""
        return ScriptedCustomer()

    def profile(self, rep: str | None = None) -> Profile:
        return Profile(rep=rep or self.settings.rep_name, team=self.settings.team)


def llm_client(settings: Settings) -> LlmClient | None:
    """The configured chat server, or None when no LLM is configured."""
    cfg = settings.llm
    if not cfg.configured:
        return None
    return LlmClient(
        LlmConfig(
            base_url=cfg.base_url,
            api_key=cfg.api_key.get_secret_value() if cfg.api_key else None,
            model=cfg.model,
            timeout=cfg.timeout,
            max_retries=cfg.max_retries,
            temperature=cfg.temperature,
        )
    )


def build(
    workspace: Path | None = None,
    settings: Settings | None = None,
    clock: Clock | None = None,
    *,
    offline: bool = False,
) -> Services:
    """`offline=True` uses the scripted customer even when an LLM is configured."""
    settings = settings or load_settings()
    ws = resolve_workspace(settings, workspace)
    store = FileSessionStore(ws.recordings)
    llm = None if offline else llm_client(settings)

    def customer() -> Customer:
        return ScriptedCustomer() if llm is None else LlmCustomer(llm)

    practice = Practice(
        catalog=lambda: load_catalog([ws.scenarios], [ws.rubrics]),
        customer=customer,
        judge=OfflineJudge(),
        store=store,
        clock=clock or SystemClock(),
    )
    return Services(settings, ws, practice, store, offline=llm is None, llm=llm)
