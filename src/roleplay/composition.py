"""The composition root: the one place that picks adapters from settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from roleplay.adapters.clock import SystemClock
from roleplay.adapters.file_store import FileSessionStore
from roleplay.adapters.offline_judge import OfflineJudge
from roleplay.adapters.scripted_customer import ScriptedCustomer
from roleplay.config import Settings, Workspace, load_settings, resolve_workspace
from roleplay.services.catalog import Catalog, load_catalog
from roleplay.services.ports import Clock
from roleplay.services.practice import Practice, Profile


@dataclass
class Services:
    settings: Settings
    workspace: Workspace
    practice: Practice
    store: FileSessionStore
    offline: bool  # no LLM configured: scripted customer and rule-based judge

    def catalog(self) -> Catalog:
        return load_catalog([self.workspace.scenarios], [self.workspace.rubrics])

    def profile(self, rep: str | None = None) -> Profile:
        return Profile(rep=rep or self.settings.rep_name, team=self.settings.team)


def build(
    workspace: Path | None = None,
    settings: Settings | None = None,
    clock: Clock | None = None,
) -> Services:
    settings = settings or load_settings()
    ws = resolve_workspace(settings, workspace)
    store = FileSessionStore(ws.recordings)
    practice = Practice(
        catalog=lambda: load_catalog([ws.scenarios], [ws.rubrics]),
        customer=ScriptedCustomer,
        judge=OfflineJudge(),
        store=store,
        clock=clock or SystemClock(),
    )
    return Services(settings, ws, practice, store, offline=True)
