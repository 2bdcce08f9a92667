"""Starting and stopping engine jobs from the UI, and quitting safely.

Every flow that asks a question runs as an async worker on the UI loop and awaits
``push_screen_wait``; the engine itself always runs in :class:`EngineController`'s
thread worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sago_tui.core.approval import ApprovalDecision
from sago_tui.core.errors import SagoError
from sago_tui.tui.messages import JobFinished, PlanDecided, ReloadRequested, RunStarted
from sago_tui.tui.screens.confirm_screen import ConfirmScreen
from sago_tui.tui.screens.text_prompt_screen import TextPromptScreen
from sago_tui.tui.ui_state import Phase

if TYPE_CHECKING:
    from sago_tui.tui.engine import EngineController
    from sago_tui.tui.task_views import Session
    from sago_tui.tui.ui_protocol import AppUI

FEEDBACK_HELP = (
    "What should change? The LLM gets the current PLAN.md and your note, and writes a new "
    "plan for you to review. Ctrl+S sends, Esc cancels."
)
DRAFT_HELP = (
    "One line about the project. The LLM drafts PROJECT.md and REQUIREMENTS.md (replacing "
    "them); IMPORTANT.md is kept. Enter sends, Esc cancels."
)


class RunController:
    """Plan, run, re-run, draft, stop and quit."""

    def __init__(self, session: Session, engine: EngineController, ui: AppUI) -> None:
        self.session, self.engine, self.ui = session, engine, ui

    def _busy(self) -> bool:
        if self.engine.busy:
            self.ui.say("A job is already running (x stops it).", "warning")
            return True
        return False

    def plan_approved(self) -> bool:
        """True when approval.json approves PLAN.md as it is now."""
        status = self.ui.snapshot.approval
        return status is not None and status.valid

    async def confirm_run(self) -> None:
        """``r``: run; a plan not approved yet (or awaiting review) is approved only on a yes."""
        app = self.ui
        if self.session.plan is not None and (app.awaiting or not self.plan_approved()):
            if self.engine.busy and not app.awaiting:
                self._busy()
                return
            kept = len(self.session.tasks) - len(self.session.skipped())
            answer = await app.push_screen_wait(ConfirmScreen(
                "Approve the plan and run?",
                f"PLAN.md is not approved yet. Running approves its {kept} task"
                f"{'s' if kept != 1 else ''} not skipped and records the approval in "
                ".planning/approval.json.",
                [("run", "Approve and run", "primary"), ("cancel", "Cancel", "default")],
                "cancel",
            ))  # fmt: skip
            if answer != "run":
                app.say("Not run: the plan is not approved (A approves all and runs).", "warning")
                return
            await app.run_action("approve_all")
            return
        self.start_run(approved=self.session.plan is not None)

    def start_run(self, only: list[str] | None = None, *, approved: bool = False) -> None:
        """Run the plan (or only ``only``); ``approved`` answers the approval request.

        While a run awaits approval, an approval answers it at once.
        """
        app, session = self.ui, self.session
        if app.awaiting:
            if approved:
                app.post_message(PlanDecided(ApprovalDecision(True, session.skipped())))
            return
        if self._busy():
            return
        if app.snapshot.plan_error:
            app.say("PLAN.md cannot be used (see the Plan tab): fix it, or g regenerates it.",
                    "error")  # fmt: skip
            return
        if unsaved := app.spec_editor.unsaved_names():
            app.notify(f"Unsaved edits in {', '.join(unsaved)} are not used by this run.",
                       severity="warning")  # fmt: skip
        app.run_scope = tuple(only) if only is not None else None
        app.post_message(RunStarted(approved=approved and session.plan is not None))
        session.begin_job(only)
        if session.plan is None:
            app.phase = Phase.PLANNING
            app.plan_pane.show_live("No PLAN.md yet: generating it first…")
            app.show_tab("plan")
        else:
            app.phase = Phase.RUNNING
            app.show_tab("feed")
        job = "rerun" if only else "run"
        self.engine.start(job, app.settings, lambda o: o.run(only=only, command="run"))
        app.say("Starting the run — x stops it.")

    def rerun_failed(self) -> None:
        """Run only the tasks that failed last time."""
        failed = self.session.failed_ids()
        if not failed:
            self.ui.say("No failed tasks to re-run.", "warning")
            return
        self.start_run(failed, approved=True)

    def generate_plan(self, feedback: str | None = None) -> None:
        """Regenerate PLAN.md (with ``feedback``), or answer a pending approval with it."""
        app = self.ui
        if feedback and app.awaiting:
            app.post_message(PlanDecided(ApprovalDecision(False, feedback=feedback)))
            return
        if self._busy():
            return
        app.run_scope = None
        self.session.begin_job(None, run=False)
        app.phase = Phase.PLANNING
        title = "Regenerating PLAN.md with your feedback…" if feedback else "Generating PLAN.md…"
        app.plan_pane.show_live(title)
        app.show_tab("plan")
        self.engine.start("plan", app.settings, lambda o: o.plan(feedback=feedback))
        app.say(title)

    async def confirm_generate(self) -> None:
        """``g``: confirm replacing an existing PLAN.md first."""
        if self.ui.project.plan_path.exists() and not self.engine.busy:
            answer = await self.ui.push_screen_wait(ConfirmScreen(
                "Regenerate the plan?",
                "PLAN.md will be replaced by a new plan from the LLM; its approval is lost.",
                [("generate", "Regenerate", "warning"), ("cancel", "Cancel", "default")],
                "cancel",
            ))  # fmt: skip
            if answer != "generate":
                return
        self.generate_plan()

    async def ask_feedback(self) -> None:
        """``f``: ask for feedback, then regenerate with it."""
        text = await self.ui.push_screen_wait(
            TextPromptScreen("Regenerate the plan with feedback", FEEDBACK_HELP,
                             submit_label="Regenerate")
        )  # fmt: skip
        if text:
            self.generate_plan(text)

    async def ask_draft(self) -> None:
        """``d``: draft the spec from a one-line description."""
        drafted = [n for n in self.ui.spec_editor.unsaved_names() if n != "IMPORTANT.md"]
        if drafted:
            self.ui.say(f"Save (ctrl+s) or undo your edits to {', '.join(drafted)} first: "
                         "the draft replaces them.", "warning")  # fmt: skip
            return
        text = await self.ui.push_screen_wait(
            TextPromptScreen("Draft the spec with the LLM", DRAFT_HELP, submit_label="Draft",
                             multiline=False)
        )  # fmt: skip
        if text:
            self.draft_spec(text)

    def draft_spec(self, description: str) -> None:
        """Let the LLM write PROJECT.md and REQUIREMENTS.md."""
        if self._busy():
            return
        self.session.begin_job(None, run=False)
        self.ui.phase = Phase.DRAFTING
        self.engine.start("spec", self.ui.settings, lambda o: o.generate_spec(description))
        self.ui.say("Drafting PROJECT.md and REQUIREMENTS.md…")

    def init_project(self, answer: tuple[str, str] | None) -> None:
        """The init offer was answered: create the project (and draft it) or quit."""
        if answer is None:
            self.ui.exit(0)
            return
        from sago_tui.core.initializer import init_project  # LLM stack: load on demand

        name, description = answer
        try:
            init_project(self.ui.project.root, name)
        except SagoError as exc:
            self.ui.say(exc.message, "error")
            self.ui.exit(2)
            return
        lock = self.ui.config.lock_project
        refused = lock() if lock is not None else ""
        if refused:  # another sago-tui took the new project first
            self.ui.say(refused, "error")
        self.ui.notify(f"Created the spec files for {name}.", title="Project ready")
        self.ui.post_message(ReloadRequested())
        if description:
            self.draft_spec(description)

    async def confirm_stop(self) -> None:
        """``x``: stop the job after confirming."""
        if not self.engine.busy:
            return
        answer = await self.ui.push_screen_wait(ConfirmScreen(
            "Stop the run?",
            "Tasks in flight are cut short and recorded as not run; finished work is kept.",
            [("stop", "Stop", "error"), ("cancel", "Keep running", "primary")],
            "cancel",
        ))  # fmt: skip
        if answer == "stop":
            self.stop()  # the job may have ended while the dialog was open

    def stop(self) -> None:
        """Cancel the job and answer any pending approval (never blocks); no job, no-op."""
        if not self.engine.busy:
            return
        self.engine.stop()  # also answers a pending approval "not approved"
        self.ui.awaiting = False
        self.ui.phase = Phase.STOPPING
        self.ui.say("Stopping: finishing the current step…", "warning")

    async def quit_flow(self) -> None:
        """Quit: offer to save edits, confirm stopping a job, wait for its thread, exit."""
        app = self.ui
        if unsaved := app.spec_editor.unsaved_names():
            answer = await app.push_screen_wait(ConfirmScreen(
                "Unsaved changes",
                f"{', '.join(unsaved)} {'has' if len(unsaved) == 1 else 'have'} unsaved edits.",
                [("save", "Save and quit", "primary"), ("discard", "Quit without saving", "error"),
                 ("cancel", "Cancel", "default")],
                "save",
            ))  # fmt: skip
            if answer not in ("save", "discard"):
                return
            if answer == "save":
                for name in unsaved:
                    app.spec_editor.save(app.project, name)
        if self.engine.busy:
            answer = await app.push_screen_wait(ConfirmScreen(
                "Quit while a job runs?",
                "The job is stopped first; nothing is left half-written.",
                [("stop", "Stop and quit", "error"), ("cancel", "Keep running", "primary")],
                "cancel",
            ))  # fmt: skip
            if answer != "stop":
                return
            self.stop()
            await self.engine.shutdown()
        app.exit(0)

    def finished(self, message: JobFinished) -> None:
        """A job ended: report it and re-read the project's files."""
        app, session, result = self.ui, self.session, message.result
        app.drain()  # the job's last events first
        ok = result.exit_code == 0
        if message.stopped:
            app.phase = Phase.STOPPED
        elif message.job in ("run", "rerun"):
            app.phase = Phase.PASSED if ok else Phase.FAILED
        else:
            app.phase = Phase.IDLE if ok else Phase.FAILED
        if session.duration is None:
            session.duration = result.duration_s
        if message.stopped:
            app.say("Stopped. Passed work is kept; r resumes, R re-runs failed tasks.", "warning")
        elif ok:
            app.say(_success_text(message.job), "success")
        else:
            reason = result.reason or "the job failed"
            hint = (
                " — R re-runs the failed tasks; the Feed shows why." if session.failed_ids() else ""
            )
            app.say(f"{_title(message.job)} ended: {reason}{hint}", "error")
            app.notify(reason, title=f"{_title(message.job)} failed", severity="error")
        app.post_message(ReloadRequested())


def _title(job: str) -> str:
    return {"plan": "Planning", "spec": "Drafting", "update": "Plan update"}.get(job, "Run")


def _success_text(job: str) -> str:
    return {
        "plan": "PLAN.md generated — review it, then A approves all and runs.",
        "spec": "Spec drafted — review PROJECT.md and REQUIREMENTS.md in the Spec tab.",
        "update": "Plan update finished — the Plan tab shows PLAN.md as it is now; r runs it "
        "(kept tasks stay cached).",
    }.get(job, "Run finished: every task passed.")
