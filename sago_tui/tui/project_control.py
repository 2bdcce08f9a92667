"""Reading the project's files into the app: spec, PLAN.md, approval, STATE.md, estimate.

Reads happen in thread workers (:func:`load_snapshot`, :func:`compute_estimate`) that
post messages; applying them to the session and widgets happens here, on the UI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sago_tui.tui.loader import ProjectSnapshot, compute_estimate, load_snapshot
from sago_tui.tui.messages import EstimateComputed, InitAnswered, ProjectLoaded, RunRequested
from sago_tui.tui.ui_state import Phase

if TYPE_CHECKING:
    from sago_tui.tui.engine import EngineController
    from sago_tui.tui.task_views import Session
    from sago_tui.tui.ui_protocol import AppUI


class ProjectController:
    """Loads and shows the project's state."""

    def __init__(self, session: Session, engine: EngineController, ui: AppUI) -> None:
        self.session, self.engine, self.ui = session, engine, ui
        self.loaded_once = False
        self.estimated_defs: list[dict[str, object]] | None = None  # definitions last estimated

    def reload(self) -> None:
        """Re-read the project's files in a thread worker (posts :class:`ProjectLoaded`)."""
        app, project = self.ui, self.ui.project
        app.run_worker(lambda: app.post_message(ProjectLoaded(load_snapshot(project))),
                       thread=True, group="load", name="load-project")  # fmt: skip

    def loaded(self, snapshot: ProjectSnapshot) -> None:
        """Show what was read; offer to initialise an empty folder."""
        app = self.ui
        app.snapshot = snapshot
        if not snapshot.initialized:
            from sago_tui.tui.screens.init_screen import InitScreen

            app.phase = Phase.SETUP
            if not self.engine.busy:
                screen = InitScreen(app.project.name)

                def answered(answer: tuple[str, str] | None) -> None:
                    app.post_message(InitAnswered(answer))

                app.push_screen(screen, answered)
            return
        app.spec_editor.load(snapshot.specs)
        for problem in snapshot.spec_errors.values():
            app.notify(problem, severity="warning")
        self.apply_plan(snapshot)
        if app.phase in (Phase.LOADING, Phase.SETUP):
            app.phase = Phase.IDLE
        if not self.loaded_once:
            self.loaded_once = True
            self.show_config_warnings()
            app.show_tab("plan" if snapshot.plan or app.config.start_run else "spec")
            app.call_after_refresh(app.tabs.focus_main)  # once the tree (or editor) is shown
            if app.config.start_run and not self.engine.busy:
                app.post_message(RunRequested())
            elif snapshot.plan is None:
                app.say("Edit the spec, save with ctrl+s, then press g to generate the plan.")
            else:
                app.say("Review the plan (a approve · s skip · e edit), then A approves all "
                        "and runs.")  # fmt: skip
        app.refresh_approval()
        app.refresh_bindings()

    def apply_plan(self, snapshot: ProjectSnapshot) -> None:
        """PLAN.md, its approval and STATE.md's results → session and views."""
        app, session = self.ui, self.session
        marks = {task_id: view.mark for task_id, view in session.tasks.items()}
        session.set_plan(snapshot.plan, snapshot.issues)
        session.set_records(snapshot.records, snapshot.record_errors)
        status = snapshot.approval
        if status is not None and status.valid and status.approval is not None:
            session.set_marks(status.approval.skipped, approved=True)
        else:  # not approved: review marks made in this session survive a reload
            for task_id, view in session.tasks.items():
                view.mark = marks.get(task_id)
        self.plan_changed()
        if snapshot.plan is None and not self.engine.busy:
            hint = "No PLAN.md yet — press g to generate it from the spec."
            if snapshot.plan_error:
                hint = f"PLAN.md cannot be used:\n\n{snapshot.plan_error}\n\nFix it, or press g."
            app.plan_pane.show_empty(hint)
        app.call_after_refresh(app.tabs.retry_focus)
        app.refresh_approval()
        app.refresh_bindings()

    def plan_changed(self) -> None:
        """The session's plan was replaced: rebuild the tree and cost rows, re-estimate."""
        app = self.ui
        plan = self.session.plan
        if plan is not None:
            app.plan_pane.show_plan()
            app.call_after_refresh(lambda: app.task_detail.show(app.plan_tree.selected_task_id))
            definitions = [task.definition() for task in plan.tasks]
            if definitions == self.estimated_defs:
                app.cost_table.show_plan()  # keep the estimate made before the run
                return
            self.estimated_defs = definitions
            project, settings = app.project, app.settings

            def estimate() -> None:
                try:
                    app.post_message(EstimateComputed(compute_estimate(project, settings, plan)))
                except Exception as exc:  # the estimate is advisory: say why it is missing
                    app.post_message(EstimateComputed(None, str(exc)))

            app.run_worker(estimate, thread=True, group="estimate", exclusive=True)
        app.cost_table.show_plan()

    def estimated(self, message: EstimateComputed) -> None:
        """Show the estimate (it may belong to an older plan: rows are matched by id)."""
        self.ui.cost_table.show_estimate(message.estimate, message.error)
        self.ui.cost_table.update_tasks(set(self.session.tasks))
        selected = self.ui.task_detail.task_id
        if selected:
            self.ui.task_detail.show(selected)

    def show_config_warnings(self) -> None:
        """sago.toml's warnings (unknown keys, …) as notifications: printed on stderr
        before the app started, they would be hidden behind its screen."""
        for warning in self.ui.settings.warnings:
            self.ui.notify(warning, title="sago.toml", severity="warning")

    def apply_saved_settings(self) -> None:
        """sago.toml changed: reload the settings (command-line flags still win)."""
        from sago_tui.config import load_settings
        from sago_tui.core.errors import SagoError

        app = self.ui
        try:
            app.settings = load_settings(app.project.root, flags=app.config.flags)
        except SagoError as exc:
            app.say(f"Saved, but the settings do not load: {exc.message}", "error")
            return
        app.cost_table.max_cost = app.settings.run.max_cost
        self.estimated_defs = None
        self.plan_changed()  # re-estimate with the new model
        app.say("Settings saved to sago.toml; they apply to the next job.", "success")
        self.show_config_warnings()
