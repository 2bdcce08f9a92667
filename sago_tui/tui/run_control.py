"""Starting and stopping engine jobs from the UI, and quitting safely.

Every flow that asks a question runs as an async worker on the UI loop and awaits
``push_screen_wait``; the engine itself always runs in :class:`EngineController`'s
thread worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sago_tui.core.approval import ApprovalDecision
from sago_tui.core.errors import SagoError
from sago_tui.tui.messages import JobFinished
from sago_tui.tui.screens.confirm_screen import ConfirmScreen
from sago_tui.tui.screens.text_prompt_screen import TextPromptScreen

if TYPE_CHECKING:
    from sago_tui.tui.app import SagoApp

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

    def __init__(self, app: SagoApp) -> None:
        self.app = app

    def _busy(self) -> bool:
        if self.app.engine.busy:
            self.app.say("A job is already running (x stops it).", "warning")
            return True
        return False

    def start_run(self, only: list[str] | None = None, *, approve_all: bool = False) -> None:
        """Run the plan (or only ``only``); answers a pending approval with the review."""
        app, session = self.app, self.app.session
        if approve_all:
            app.plan_ctl.approve_all()
        if app.plan_ctl.awaiting:
            app.plan_ctl.decide(ApprovalDecision(True, session.skipped()))
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
        app.run_scope = only
        app.plan_ctl.go_pending = session.plan is not None
        session.begin_job(only)
        if session.plan is None:
            session.phase = "planning"
            app.plan_pane.show_live("No PLAN.md yet: generating it first…")
            app.show_tab("plan")
        else:
            session.phase = "running"
        job = "rerun" if only else "run"
        app.engine.start(job, app.settings, lambda o: o.run(only=only, command="run"))
        app.say("Starting the run — x stops it.")
        app.refresh_state()

    def rerun_failed(self) -> None:
        """Run only the tasks that failed last time."""
        failed = self.app.session.failed_ids()
        if not failed:
            self.app.say("No failed tasks to re-run.", "warning")
            return
        self.start_run(failed)

    def generate_plan(self, feedback: str | None = None) -> None:
        """Regenerate PLAN.md (with ``feedback``), or answer a pending approval with it."""
        app = self.app
        if feedback and app.plan_ctl.awaiting:
            app.plan_ctl.decide(ApprovalDecision(False, feedback=feedback))
            return
        if self._busy():
            return
        app.run_scope = None
        app.session.begin_job(None)
        app.session.phase = "planning"
        title = "Regenerating PLAN.md with your feedback…" if feedback else "Generating PLAN.md…"
        app.plan_pane.show_live(title)
        app.show_tab("plan")
        app.engine.start("plan", app.settings, lambda o: o.plan(feedback=feedback))
        app.say(title)
        app.refresh_state()

    async def confirm_generate(self) -> None:
        """``g``: confirm replacing an existing PLAN.md first."""
        if self.app.project.plan_path.exists() and not self.app.engine.busy:
            answer = await self.app.push_screen_wait(ConfirmScreen(
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
        text = await self.app.push_screen_wait(
            TextPromptScreen("Regenerate the plan with feedback", FEEDBACK_HELP,
                             submit_label="Regenerate", blink=self.app.config.cursor_blink)
        )  # fmt: skip
        if text:
            self.generate_plan(text)

    async def ask_draft(self) -> None:
        """``d``: draft the spec from a one-line description."""
        drafted = [n for n in self.app.spec_editor.unsaved_names() if n != "IMPORTANT.md"]
        if drafted:
            self.app.say(f"Save (ctrl+s) or undo your edits to {', '.join(drafted)} first: "
                         "the draft replaces them.", "warning")  # fmt: skip
            return
        text = await self.app.push_screen_wait(
            TextPromptScreen("Draft the spec with the LLM", DRAFT_HELP, submit_label="Draft",
                             multiline=False, blink=self.app.config.cursor_blink)
        )  # fmt: skip
        if text:
            self.draft_spec(text)

    def draft_spec(self, description: str) -> None:
        """Let the LLM write PROJECT.md and REQUIREMENTS.md."""
        if self._busy():
            return
        self.app.session.begin_job(None)
        self.app.session.phase = "drafting"
        self.app.engine.start("spec", self.app.settings, lambda o: o.generate_spec(description))
        self.app.say("Drafting PROJECT.md and REQUIREMENTS.md…")
        self.app.refresh_state()

    def init_project(self, answer: tuple[str, str] | None) -> None:
        """The init offer was answered: create the project (and draft it) or quit."""
        if answer is None:
            self.app.exit(0)
            return
        from sago_tui.core.initializer import init_project  # LLM stack: load on demand

        name, description = answer
        try:
            init_project(self.app.project.root, name)
        except SagoError as exc:
            self.app.say(exc.message, "error")
            self.app.exit(2)
            return
        self.app.notify(f"Created the spec files for {name}.", title="Project ready")
        self.app.reload_project()
        if description:
            self.draft_spec(description)

    async def confirm_stop(self) -> None:
        """``x``: stop the job after confirming."""
        if not self.app.engine.busy:
            return
        answer = await self.app.push_screen_wait(ConfirmScreen(
            "Stop the run?",
            "Tasks in flight are cut short and recorded as not run; finished work is kept.",
            [("stop", "Stop", "error"), ("cancel", "Keep running", "primary")],
            "cancel",
        ))  # fmt: skip
        if answer == "stop":
            self.stop()

    def stop(self) -> None:
        """Cancel the job and answer any pending approval (never blocks)."""
        self.app.plan_ctl.abandon()
        self.app.engine.stop()
        self.app.session.phase = "stopping"
        self.app.say("Stopping: finishing the current step…", "warning")
        self.app.refresh_state()

    async def quit_flow(self) -> None:
        """Quit: offer to save edits, confirm stopping a job, wait for its thread, exit."""
        app = self.app
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
        if app.engine.busy:
            answer = await app.push_screen_wait(ConfirmScreen(
                "Quit while a job runs?",
                "The job is stopped first; nothing is left half-written.",
                [("stop", "Stop and quit", "error"), ("cancel", "Keep running", "primary")],
                "cancel",
            ))  # fmt: skip
            if answer != "stop":
                return
            self.stop()
            await app.engine.shutdown()
        app.exit(0)

    def finished(self, message: JobFinished) -> None:
        """A job ended: report it and re-read the project's files."""
        app, session, result = self.app, self.app.session, message.result
        app.drain()  # the job's last events first
        app.plan_ctl.abandon()
        ok = result.exit_code == 0
        if message.job in ("run", "rerun"):
            session.phase = "stopped" if message.stopped else ("passed" if ok else "failed")
        else:
            session.phase = "idle" if ok else ("stopped" if message.stopped else "failed")
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
        app.reload_project()


def _title(job: str) -> str:
    return {"plan": "Planning", "spec": "Drafting", "update": "Plan update"}.get(job, "Run")


def _success_text(job: str) -> str:
    return {
        "plan": "PLAN.md generated — review it, then A approves all and runs.",
        "spec": "Spec drafted — review PROJECT.md and REQUIREMENTS.md in the Spec tab.",
        "update": "Plan update finished — the Plan tab shows PLAN.md as it is now; r runs it "
        "(kept tasks stay cached).",
    }.get(job, "Run finished: every task passed.")
