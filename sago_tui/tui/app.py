"""The sago-tui app: tabs for the spec, plan, Feed, Log and cost, over one engine.

The orchestrator runs in a thread worker (:mod:`~sago_tui.tui.engine`); its events reach
the widgets through :class:`EventBridge`, drained here at most ~30 times a second inside
``batch_update()``. Review actions live in :class:`PlanController`, job flows in
:class:`RunController`, file loading in :class:`ProjectController`; this module wires
them to keys, messages and widgets.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.widgets import Footer, TabbedContent, TabPane, Tree

from sago_tui.core.project import Project
from sago_tui.core.settings import Settings
from sago_tui.tui.app_actions import AppActions
from sago_tui.tui.app_config import AppConfig
from sago_tui.tui.bridge import EventBridge
from sago_tui.tui.commands import SagoCommands
from sago_tui.tui.dispatch import Dispatcher
from sago_tui.tui.engine import EngineController
from sago_tui.tui.export_control import ExportSource, HtmlExporter
from sago_tui.tui.gc_tuning import GcTuning
from sago_tui.tui.keymap import bindings
from sago_tui.tui.loader import ProjectSnapshot
from sago_tui.tui.messages import (
    EstimateComputed,
    EventChosen,
    JobFinished,
    PlanApprovalRequested,
    ProjectLoaded,
    SettingsSaved,
    SpecSaved,
)
from sago_tui.tui.plan_control import PlanController
from sago_tui.tui.project_control import ProjectController
from sago_tui.tui.run_control import RunController
from sago_tui.tui.session import Session
from sago_tui.tui.widgets.cost_table import CostTable
from sago_tui.tui.widgets.feed import Feed
from sago_tui.tui.widgets.log_pane import LogPane
from sago_tui.tui.widgets.plan_pane import PlanPane
from sago_tui.tui.widgets.plan_tree import PlanTree
from sago_tui.tui.widgets.run_header import RunHeader
from sago_tui.tui.widgets.spec_editor import SpecEditor
from sago_tui.tui.widgets.status_line import StatusLine
from sago_tui.tui.widgets.task_detail import TaskDetail

FRAME_EVENTS = 2_000


class SagoApp(AppActions, App[int]):
    """The full-screen app on one project."""

    CSS_PATH = str(Path(__file__).with_name("app.tcss"))  # absolute: subclasses work too
    TITLE = "sago-tui"
    BINDINGS: ClassVar[list[BindingType]] = bindings()
    COMMANDS = App.COMMANDS | {SagoCommands}
    replay_mode: ClassVar[bool] = False
    """True in :class:`~sago_tui.tui.replay.ReplayApp`: read-only, no jobs, no project edits."""

    def __init__(
        self, project: Project, settings: Settings, config: AppConfig | None = None
    ) -> None:
        super().__init__()
        self.project, self.settings = project, settings
        self.config = config or AppConfig()
        self.session = Session(self.config.clock)
        self.bridge = EventBridge()
        self.engine = EngineController(self, project, self.bridge, self.config.event_clock)
        self.plan_ctl, self.run_ctl = PlanController(self), RunController(self)
        self.project_ctl = ProjectController(self)
        self.dispatch = Dispatcher(self)
        self.gc = GcTuning()
        self.snapshot = ProjectSnapshot(initialized=False)
        self.run_scope: list[str] | None = None
        self.frame_events = FRAME_EVENTS
        self.trace_source: Path | None = project.traces_dir  # where old Log rows are read back
        self.exporter = HtmlExporter(self, ExportSource(project))
        # The widgets, built here and kept: dispatching a frame never searches the DOM.
        config = self.config
        self.header = RunHeader(project.name)
        self.tabs = TabbedContent(initial="plan", id="tabs")
        self.spec_editor = SpecEditor(highlight=config.syntax_highlight, blink=config.cursor_blink)
        self.plan_pane = PlanPane(self.session)
        self.feed = Feed(self.session)
        self.log_pane = LogPane()
        self.cost_table = CostTable(self.session)
        self.status_line = StatusLine()

    def compose(self) -> ComposeResult:
        yield self.header
        with self.tabs:
            with TabPane("1 Spec", id="spec"):
                yield self.spec_editor
            with TabPane("2 Plan", id="plan"):
                yield self.plan_pane
            with TabPane("3 Feed", id="feed"):
                yield self.feed
            with TabPane("4 Log", id="log"):
                yield self.log_pane
            with TabPane("5 Cost", id="cost"):
                yield self.cost_table
        yield self.status_line
        yield Footer()

    def on_mount(self) -> None:
        """Paint first; read the project and drain events afterwards."""
        if self.config.tune_gc:
            self.gc.apply()
        self.set_interval(self.config.drain_interval, self.drain)
        self.set_interval(1.0, lambda: self.header.show(self.session))
        self.cost_table.max_cost = self.settings.run.max_cost
        self.project_ctl.reload()
        if self.config.read_only:  # another process writes the project: view only
            self.say("", "hint")

    def on_unmount(self) -> None:
        """However the app ends, the engine job is told to stop (its thread then ends)."""
        self.engine.stop("the app closed")
        self.gc.restore()

    # -- widgets and shared state ----------------------------------------------------------
    @property
    def plan_tree(self) -> PlanTree:
        """The plan tree (inside the Plan tab)."""
        return self.plan_pane.plan_tree

    @property
    def task_detail(self) -> TaskDetail:
        """The task detail panel beside the tree."""
        return self.plan_pane.task_detail

    def say(self, text: str, level: str = "hint") -> None:
        """Show ``text`` on the status line (read-only: the reason replaces every hint)."""
        if self.config.read_only and level == "hint":
            text, level = f"Read-only: {self.config.read_only}.", "warning"
        self.status_line.say(text, level)

    def show_tab(self, name: str) -> None:
        """Switch to a tab by id."""
        self.tabs.active = name

    def refresh_state(self) -> None:
        """Header, approval bar and the keys on offer, after any state change."""
        self.header.show(self.session)
        self.refresh_approval()
        self.refresh_bindings()

    def refresh_approval(self) -> None:
        """The approval bar: waiting for a decision, or what approval.json says."""
        bar = self.plan_pane.bar
        if self.plan_ctl.awaiting:
            bar.show_pending(len(self.session.skipped()))
        else:
            bar.show_status(self.snapshot.approval if self.session.plan else None)

    def reload_project(self) -> None:
        """Re-read the spec, PLAN.md and STATE.md."""
        self.project_ctl.reload()

    def plan_changed(self) -> None:
        """The session's plan was replaced."""
        self.project_ctl.plan_changed()

    def apply_plan_snapshot(self, snapshot: ProjectSnapshot) -> None:
        """Show a re-read PLAN.md."""
        self.project_ctl.apply_plan(snapshot)

    def drain(self) -> None:
        """Apply buffered engine events to the widgets, in one batch.

        A frame takes at most ``frame_events`` (:data:`FRAME_EVENTS`): after a burst the
        backlog is spread over the next frames instead of freezing the keyboard for one
        long frame.
        """
        events = self.bridge.drain(self.frame_events)
        self.gc.tick(busy=bool(events) or self.engine.busy)
        if events:
            with self.batch_update():
                self.dispatch(events)

    # -- messages ------------------------------------------------------------------------------
    def on_project_loaded(self, message: ProjectLoaded) -> None:
        """The loader worker read the project."""
        self.project_ctl.loaded(message.snapshot)

    def on_estimate_computed(self, message: EstimateComputed) -> None:
        """The estimate worker finished."""
        self.project_ctl.estimated(message)

    def on_plan_approval_requested(self, message: PlanApprovalRequested) -> None:
        """The run's worker waits for a decision on the plan."""
        self.drain()  # the plan's own events (stream, plan_generated) first
        self.plan_ctl.on_request(message)
        self.refresh_state()

    def on_job_finished(self, message: JobFinished) -> None:
        """An engine job ended."""
        self.run_ctl.finished(message)
        self.refresh_state()

    def on_spec_saved(self, message: SpecSaved) -> None:
        """A spec file was written."""
        self.say(f"Saved {message.name}.", "success")

    def on_settings_saved(self, message: SettingsSaved) -> None:
        """sago.toml changed: reload the settings (command-line flags still win)."""
        from sago_tui.config import load_settings
        from sago_tui.core.errors import SagoError

        try:
            self.settings = load_settings(self.project.root, flags=self.config.flags)
        except SagoError as exc:
            self.say(f"Saved, but the settings do not load: {exc.message}", "error")
            return
        self.cost_table.max_cost = self.settings.run.max_cost
        self.project_ctl.estimated_defs = None
        self.plan_changed()  # re-estimate with the new model
        self.say("Settings saved to sago.toml; they apply to the next job.", "success")

    def on_event_chosen(self, message: EventChosen) -> None:
        """Open an event's full detail (from the Log or the Feed)."""
        from sago_tui.tui.screens.event_detail_screen import EventDetailScreen

        screen = EventDetailScreen(message.event, message.locator, self.trace_source)
        self.push_screen(screen)

    def on_tree_node_highlighted(self, message: Tree.NodeHighlighted[str]) -> None:
        """Show the task under the tree's cursor."""
        self.task_detail.show(self.plan_tree.selected_task_id)
        self.refresh_bindings()

    def on_tabbed_content_tab_activated(self, message: TabbedContent.TabActivated) -> None:
        """Keys on offer depend on the tab."""
        self.refresh_bindings()
