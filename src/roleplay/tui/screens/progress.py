"""Progress: plots over time, per skill (rubric levels, retrievability) and per hard KPI."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Select, Static
from textual_plotext import PlotextPlot

from roleplay.tui.failures import ReportsFailures
from roleplay.tui.later import while_open
from roleplay.tui.widgets import KeysFooter, TitleBar, plain, plural

if TYPE_CHECKING:
    from roleplay.tui.app import RoleplayApp


class ProgressScreen(ReportsFailures, Screen[None]):
    BINDINGS = [Binding("r", "reload", "Reload", id="progress.reload")]

    def __init__(self) -> None:
        super().__init__()
        self._progress: Any = None

    @property
    def rapp(self) -> RoleplayApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("Loading…", id="progress-summary")
        with Horizontal(id="progress-pickers"):
            yield Select[str]([], prompt="Skill", id="pick-skill", allow_blank=True)
            yield Select[str]([], prompt="Number", id="pick-kpi", allow_blank=True)
        with Horizontal(id="plots"):
            yield PlotextPlot(id="skill-plot")
            yield PlotextPlot(id="kpi-plot")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.rapp.sessions_changed.subscribe(self, lambda _id: self.action_reload())
        self.action_reload()

    @while_open
    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exit_on_error=False, exclusive=True, group="progress")
    def _load(self) -> None:
        from roleplay.services.daily import progress

        services = self.rapp.services
        try:
            data = progress(services.habit(), services.catalog())
        except Exception as exc:  # noqa: BLE001 - shown on screen; the app keeps running
            self.app.call_from_thread(self._summary, f"Progress is unavailable: {exc}")
            return
        self.app.call_from_thread(self._show, data)

    @while_open
    def _summary(self, text: str) -> None:
        self.query_one("#progress-summary", Static).update(plain(text))  # skill names: not markup

    @while_open
    def _show(self, data: Any) -> None:
        self._progress = data
        c = data.commitments
        self._summary(
            f"{plural(data.sessions, 'session')} on {plural(len(data.practice_days), 'day')}"
            " · streak "
            f"{data.streak.current} (best {data.streak.best}) · commitments kept "
            f"{c.kept}/{c.judged}"
            + (
                f" · not practised yet: {', '.join(data.not_practised)}"
                if data.not_practised
                else ""
            )
        )
        skills = [s.skill for s in data.skills]
        kpis = [(k.label, k.key) for k in data.kpis if k.points]
        skill_pick = self.query_one("#pick-skill", Select)
        kpi_pick = self.query_one("#pick-kpi", Select)
        skill_pick.set_options([(s, s) for s in skills])
        kpi_pick.set_options(kpis)
        if skills:
            skill_pick.value = skills[0]
        if kpis:
            kpi_pick.value = kpis[0][1]
        self._draw()

    @on(Select.Changed)
    def _draw(self) -> None:
        data = self._progress
        if data is None:
            return
        skill = self.query_one("#pick-skill", Select).value
        kpi = self.query_one("#pick-kpi", Select).value
        sp = self.query_one("#skill-plot", PlotextPlot)
        plt = sp.plt
        plt.clear_data()
        plt.clear_figure()
        found = next((s for s in data.skills if s.skill == skill), None)
        if found is not None and found.levels:
            xs = [p.day.isoformat() for p in found.levels]
            plt.date_form("Y-m-d")
            plt.plot(xs, [p.level for p in found.levels], marker="braille", label="level")
            if found.daily:
                plt.plot(
                    [p.day.isoformat() for p in found.daily],
                    [1 + 4 * p.retrievability for p in found.daily],
                    marker="dot",
                    label="recall (scaled)",
                )
            _days_axis(plt, [p.day for p in found.levels])
            plt.ylim(1, 5)
            plt.title(f"{found.skill}: level per session")
        else:
            plt.title("No practice of this skill yet")
        sp.refresh()
        kp = self.query_one("#kpi-plot", PlotextPlot)
        plt2 = kp.plt
        plt2.clear_data()
        plt2.clear_figure()
        series = next((k for k in data.kpis if k.key == kpi), None)
        if series is not None and series.points:
            plt2.date_form("Y-m-d")
            plt2.plot(
                [p.day.isoformat() for p in series.points],
                [p.value for p in series.points],
                marker="braille",
            )
            _days_axis(plt2, [p.day for p in series.points])
            better = f" ({series.better} is better)" if series.better else ""
            plt2.title(series.label + better)
        else:
            plt2.title("No numbers yet")
        kp.refresh()


def _days_axis(plt: Any, days: list[date]) -> None:
    """With one day of data plotext spans decades (1963 to 2058): show a week around it."""
    if len(set(days)) < 2 and days:
        plt.xlim(
            (days[0] - timedelta(days=3)).isoformat(), (days[0] + timedelta(days=3)).isoformat()
        )
