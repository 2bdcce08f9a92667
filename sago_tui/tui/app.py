"""The sago-tui app: tabs for the spec, plan, Feed, Log and cost, over one engine.

Who owns what (docs/ARCHITECTURE.md has the whole map):

* this class owns the UI state: ``phase`` (a :class:`Phase`), ``awaiting`` approval and
  the run's scope are reactive attributes; their ``watch_*`` methods repaint the
  header, the approval bar and the keys on offer, so nobody refreshes by hand;
* :class:`Session` owns the plan and per-task views, fed by :class:`Dispatcher`;
* the controllers own the flows (:class:`ProjectController` loading, :class:`PlanController`
  the review, :class:`RunController` jobs and quitting) and talk to each other only
  through messages this class routes with ``@on``;
* :class:`AppTabs` owns focus: showing a tab focuses its main widget (:meth:`main_widget`).

Wiring points for new features: a key goes in ``keymap.ACTIONS`` with an ``action_*``
method below (or on the pane it scopes to); a message goes in ``messages.py`` with an
``@on`` handler in the "messages" section; a new tab adds a ``TabPane`` in ``compose``
and its focus target in :meth:`main_widget`.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.reactive import reactive, var
from textual.widget import Widget
from textual.widgets import TabbedContent, TabPane, Tree

from sago_tui.core.project import Project
from sago_tui.core.settings import Settings
from sago_tui.tui.app_actions import AppActions
from sago_tui.tui.app_config import AppConfig
from sago_tui.tui.bridge import EventBridge
from sago_tui.tui.dispatch import Dispatcher
from sago_tui.tui.editor_launch import EditorRequested, open_in_editor
from sago_tui.tui.engine import EngineController
from sago_tui.tui.export_control import ExportSource, HtmlExporter
from sago_tui.tui.frame_budget import FrameBudget
from sago_tui.tui.gc_tuning import GcTuning
from sago_tui.tui.history import RunHistory
from sago_tui.tui.keymap import bindings
from sago_tui.tui.loader import ProjectSnapshot
from sago_tui.tui.messages import (
    ApprovalRecorded,
    EstimateComputed,
    EventChosen,
    InitAnswered,
    JobFinished,
    PlanApprovalRequested,
    PlanDecided,
    PlanReplaced,
    PlanReread,
    ProjectLoaded,
    ReloadRequested,
    ReviewKeyPressed,
    RunRequested,
    RunStarted,
    SettingsSaved,
    SpecSaved,
    TasksChanged,
)
from sago_tui.tui.palette import SagoCommands
from sago_tui.tui.plan_control import PlanController
from sago_tui.tui.project_control import ProjectController
from sago_tui.tui.run_control import RunController
from sago_tui.tui.task_views import Session
from sago_tui.tui.ui_state import Phase
from sago_tui.tui.update_control import PlanUpdateProposed, UpdateController
from sago_tui.tui.widgets.app_tabs import AppTabs
from sago_tui.tui.widgets.cost_table import CostTable
from sago_tui.tui.widgets.feed import Feed
from sago_tui.tui.widgets.filter_bar import FilterBar
from sago_tui.tui.widgets.log_pane import LogPane
from sago_tui.tui.widgets.plan_pane import PlanPane
from sago_tui.tui.widgets.plan_tree import PlanTree
from sago_tui.tui.widgets.quick_footer import QuickFooter
from sago_tui.tui.widgets.run_header import RunHeader
from sago_tui.tui.widgets.spec_editor import SpecEditor
from sago_tui.tui.widgets.status_line import StatusLine
from sago_tui.tui.widgets.task_detail import TaskDetail

FRAME_EVENTS = 2_000
NARROW = 120
"""Below this many columns the header and footer use their short forms."""


class SagoApp(AppActions, App[int]):
    """The full-screen app on one project."""

    CSS_PATH = str(Path(__file__).with_name("app.tcss"))  # absolute: subclasses work too
    TITLE = "sago-tui"
    AUTO_FOCUS = None  # each tab focuses its own main widget once the project is shown
    BINDINGS: ClassVar[list[BindingType]] = bindings()
    COMMANDS = App.COMMANDS | {SagoCommands}
    replay_mode: ClassVar[bool] = False
    """True in :class:`~sago_tui.tui.replay_app.ReplayApp`: read-only, no jobs, no project edits."""

    phase: reactive[Phase] = reactive(Phase.LOADING, init=False)
    """What the app is doing (the header's pill)."""
    awaiting: reactive[bool] = reactive(False, init=False)
    """A run waits for the plan to be approved."""
    run_scope: var[tuple[str, ...] | None] = var(None)
    """The tasks the current run covers (None: all of them)."""

    def __init__(
        self, project: Project, settings: Settings, config: AppConfig | None = None
    ) -> None:
        super().__init__()
        self.project, self.settings = project, settings
        self.config = config or AppConfig()
        self.session = Session(self.config.clock)
        self.bridge = EventBridge()
        self.engine = EngineController(self, project, self.bridge, self.config.event_clock)
        # Each controller gets what it uses, explicitly; they talk through messages.
        self.plan_ctl = PlanController(self.session, self.engine, self)
        self.run_ctl = RunController(self.session, self.engine, self)
        self.project_ctl = ProjectController(self.session, self.engine, self)
        self.update_ctl = UpdateController(self)
        self.dispatch = Dispatcher(self)
        self.gc = GcTuning()
        self.snapshot = ProjectSnapshot(initialized=False)
        self.frame_events = FRAME_EVENTS
        self.frame_budget = FrameBudget()
        self.trace_source: Path | None = project.traces_dir  # where old Log rows are read back
        self.exporter = HtmlExporter(self, ExportSource(project))
        self.history = RunHistory(self)  # past runs in the Feed/Log/Cost (wiring)
        # The widgets, built here and kept: dispatching a frame never searches the DOM.
        self.header = RunHeader(project.name)
        self.tabs = AppTabs(self.main_widget, initial="plan")
        self.spec_editor = SpecEditor(highlight=self.config.syntax_highlight)
        self.plan_pane = PlanPane(self.session)
        self.feed = Feed(self.session)
        self.log_pane = LogPane()
        self.cost_table = CostTable(self.session)
        self.status_line = StatusLine()
        self.footer = QuickFooter()

    def compose(self) -> ComposeResult:
        yield self.header
        with self.tabs:
            with TabPane("1 Spec", id="spec"):
                yield self.spec_editor
            with TabPane("2 Plan", id="plan"):
                yield self.plan_pane
            with TabPane("3 Feed", id="feed"):
                yield self.feed
                yield FilterBar(self.feed, id="feed-filter")  # wiring: `/` in the Feed
            with TabPane("4 Log", id="log"):
                yield self.log_pane
            with TabPane("5 Cost", id="cost"):
                yield self.cost_table
        yield self.status_line
        yield self.footer

    def on_mount(self) -> None:
        """Paint first; read the project and drain events afterwards."""
        if self.config.tune_gc:
            self.gc.apply()
        self.set_interval(self.config.drain_interval, self.drain_frame)
        self.set_interval(1.0, lambda: self.header.show(self.session))
        self.cost_table.max_cost = self.settings.run.max_cost
        self.header.show_phase(self.phase)
        self.project_ctl.reload()
        if self.config.read_only:  # another process writes the project: view only
            self.say("", "hint")
        if self.config.preload_llm and self.settings.llm.replay is None:
            # The model's client takes seconds to import: start after the first frame, so
            # it overlaps reading the project and the user's review instead of the first call.
            from sago_tui.core.llm import preload

            self.call_after_refresh(preload, self.settings.llm)

    def on_unmount(self) -> None:
        """However the app ends, the engine job is told to stop (its thread then ends)."""
        self.engine.stop("the app closed")
        self.gc.restore()

    def on_resize(self) -> None:
        """Short header labels and a compact footer on a narrow terminal."""
        narrow = self.size.width < NARROW
        self.header.set_narrow(narrow)
        self.header.show(self.session)
        self.footer.compact = narrow

    # -- the UI state's watchers -----------------------------------------------------------
    def watch_phase(self, phase: Phase) -> None:
        """The header's pill, the approval bar and the keys on offer follow the phase."""
        self.header.show_phase(phase)
        self.repaint_state()

    def watch_awaiting(self) -> None:
        """Waiting for approval changes the approval bar and the keys on offer."""
        self.repaint_state()

    def repaint_state(self) -> None:
        """Header, approval bar and keys on offer (the watchers call this; so may tests)."""
        self.header.show(self.session)
        self.refresh_approval()
        self.refresh_bindings()

    def refresh_approval(self) -> None:
        """The approval bar: waiting for a decision, or what approval.json says."""
        bar = self.plan_pane.bar
        if self.awaiting:
            bar.show_pending(len(self.session.skipped()))
        else:
            bar.show_status(self.snapshot.approval if self.session.plan else None)

    # -- widgets -------------------------------------------------------------------------
    @property
    def plan_tree(self) -> PlanTree:
        """The plan tree (inside the Plan tab)."""
        return self.plan_pane.plan_tree

    @property
    def task_detail(self) -> TaskDetail:
        """The task detail panel beside the tree."""
        return self.plan_pane.task_detail

    def main_widget(self, tab: str) -> Widget | None:
        """The widget a tab focuses when shown (the Spec tab: its file tabs, so keys
        like ``g`` and ``2`` still act until the user enters an editor)."""
        targets: dict[str, Widget] = {
            "spec": self.spec_editor.file_tabs,
            "plan": self.plan_tree,
            "feed": self.feed,
            "log": self.log_pane.event_log,
            "cost": self.cost_table.table,
        }
        return targets.get(tab)

    def say(self, text: str, level: str = "hint") -> None:
        """Show ``text`` on the status line (read-only: the reason replaces every hint)."""
        if self.config.read_only and level == "hint":
            text, level = f"Read-only: {self.config.read_only}.", "warning"
        self.status_line.say(text, level)

    def show_tab(self, name: str) -> None:
        """Switch to a tab by id (its main widget gets focus)."""
        if self.tabs.active == name:
            self.tabs.focus_main()
        else:
            self.tabs.active = name

    def repaint_tasks(self, task_ids: set[str] | frozenset[str]) -> None:
        """Every view of these tasks: tree lines, detail, cost rows, Feed card headers."""
        self.plan_tree.refresh_tasks(set(task_ids))
        self.cost_table.update_tasks(set(task_ids))
        self.feed.refresh_cards(task_ids)
        if self.task_detail.task_id in task_ids:
            self.task_detail.show(self.task_detail.task_id)
        self.refresh_approval()

    def drain_frame(self) -> None:
        """The timer's frame: :meth:`drain`, but while input is queued
        :class:`FrameBudget` holds or shrinks the batch so the key is served first."""
        self.drain(self.frame_budget.limit(self.frame_events, bool(self.message_queue_size)))

    def drain(self, limit: int | None = None) -> None:
        """Apply buffered engine events to the widgets, in one batch.

        A frame takes at most ``frame_events`` (:data:`FRAME_EVENTS`): after a burst the
        backlog is spread over the next frames instead of freezing the keyboard for one
        long frame.
        """
        limit = self.frame_events if limit is None else limit
        events = self.bridge.drain(limit) if limit else []
        self.gc.tick(busy=bool(events) or self.engine.busy)
        if events:
            with self.batch_update():
                self.dispatch(events)
            self.tabs.retry_focus()

    # -- messages --------------------------------------------------------------------------
    @on(ProjectLoaded)
    def show_loaded_project(self, message: ProjectLoaded) -> None:
        """The loader worker read the project."""
        self.project_ctl.loaded(message.snapshot)
        self.update_ctl.refresh()
        self.history.project_opened()  # wiring: the last run, once, on reopen

    @on(ReloadRequested)
    def reload_project(self) -> None:
        """Re-read the spec, PLAN.md and STATE.md."""
        self.project_ctl.reload()

    @on(EstimateComputed)
    def show_estimate(self, message: EstimateComputed) -> None:
        """The estimate worker finished."""
        self.project_ctl.estimated(message)

    @on(PlanApprovalRequested)
    def review_requested_plan(self, message: PlanApprovalRequested) -> None:
        """The run's worker waits for a decision on the plan."""
        self.drain()  # the plan's own events (stream, plan_generated) first
        self.plan_ctl.on_request(message)

    @on(PlanDecided)
    def answer_approval(self, message: PlanDecided) -> None:
        """The user approved (or sent feedback on) the plan the run waits for."""
        self.plan_ctl.decide(message.decision)

    @on(ReviewKeyPressed)
    def review_selected_task(self, message: ReviewKeyPressed) -> None:
        """a / s / e / f on the Plan tab."""
        if message.action == "edit":
            self.plan_ctl.edit_selected()
        elif message.action == "feedback":
            self.run_worker(self.run_ctl.ask_feedback(), group="dialog", exclusive=True)
        else:
            self.plan_ctl.mark(message.action)

    @on(TasksChanged)
    def repaint_changed_tasks(self, message: TasksChanged) -> None:
        """Review marks changed."""
        self.repaint_tasks(message.task_ids)

    @on(JobFinished)
    def report_finished_job(self, message: JobFinished) -> None:
        """An engine job ended: nothing awaits approval any more."""
        self.plan_ctl.abandon()
        self.run_ctl.finished(message)

    @on(ApprovalRecorded)
    def reread_approval(self) -> None:
        """The run recorded its approval: the approval bar shows it (a replay reads no files)."""
        if not self.replay_mode:
            self.plan_ctl.reload_plan()

    @on(InitAnswered)
    def create_project(self, message: InitAnswered) -> None:
        """The init offer was answered."""
        self.run_ctl.init_project(message.answer)

    @on(RunRequested)
    def start_requested_run(self) -> None:
        """``--run``: start as ``r`` does (asking first about a plan not yet approved)."""
        self.run_worker(self.run_ctl.confirm_run(), group="dialog", exclusive=True)

    @on(PlanReplaced)
    def show_replaced_plan(self) -> None:
        """A new plan to review: tree, cost rows and estimate."""
        self.project_ctl.plan_changed()

    @on(PlanReread)
    def show_reread_plan(self, message: PlanReread) -> None:
        """PLAN.md was re-read (edited or approved)."""
        self.project_ctl.apply_plan(message.snapshot)

    @on(RunStarted)
    def expect_approval_request(self, message: RunStarted) -> None:
        """A run started: if the plan is already approved, its request is answered at once."""
        self.plan_ctl.expect_request(approved=message.approved)

    @on(SpecSaved)
    def confirm_saved_spec(self, message: SpecSaved) -> None:
        """A spec file was written: its drift from PLAN.md's snapshot shows at once."""
        self.say(f"Saved {message.name}.", "success")
        self.update_ctl.spec_saved(message.name)

    @on(PlanUpdateProposed)
    def review_plan_update(self, message: PlanUpdateProposed) -> None:
        """The update job's worker waits for the plan diff to be reviewed."""
        self.update_ctl.review(message)

    @on(SettingsSaved)
    def apply_saved_settings(self, message: SettingsSaved) -> None:
        """sago.toml changed: reload the settings (command-line flags still win)."""
        self.project_ctl.apply_saved_settings()

    @on(EventChosen)
    def open_event(self, message: EventChosen) -> None:
        """Open an event's full detail (from the Log or the Feed)."""
        from sago_tui.tui.screens.event_detail_screen import EventDetailScreen

        screen = EventDetailScreen(message.event, message.locator, self.trace_source)
        self.push_screen(screen)

    @on(EditorRequested)
    def open_file_in_editor(self, message: EditorRequested) -> None:
        """Wiring: open a written (or read) file in $EDITOR, from the Feed, Log or a detail."""
        open_in_editor(self, message.path)

    @on(Tree.NodeHighlighted)
    def show_selected_task(self) -> None:
        """Show the task under the tree's cursor."""
        self.task_detail.show(self.plan_tree.selected_task_id)
        self.refresh_bindings()

    @on(TabbedContent.TabActivated)
    def offer_tab_keys(self) -> None:
        """Keys on offer depend on the tab."""
        self.refresh_bindings()
