"""The orchestrator: one entry point for a run or a plan, shared by every front end.

It loads (or generates) the plan, gets it approved, runs the tasks through
:class:`~sago_tui.core.run_loop.RunLoop`, and writes the trace. The front ends
only subscribe to the bus and read the :class:`RunResult`. ``workflow_end`` is
written on every path, failures and interrupts included.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from sago_tui.core.approval import Approver, check_approval, save_approval
from sago_tui.core.bus import EventBus
from sago_tui.core.cache import TaskCache
from sago_tui.core.cancel import CancelToken
from sago_tui.core.clients import make_client
from sago_tui.core.context import ProjectContext
from sago_tui.core.errors import (
    ConfigError,
    ExitCode,
    NotApproved,
    PlanError,
    SagoError,
)
from sago_tui.core.events import (
    PlanApproved,
    TaskSkipped,
    WarningIssued,
    WorkflowStarted,
)
from sago_tui.core.gateway import CostLedger, LLMGateway
from sago_tui.core.llm_types import LLMClient
from sago_tui.core.outcome import FAILED, NOT_RUN, SKIPPED, RunResult, TaskOutcome
from sago_tui.core.plan import Plan, PlanIssue
from sago_tui.core.plan_parser import load_plan
from sago_tui.core.plan_update import PlanUpdate, Reviewer, update_plan
from sago_tui.core.planner import generate_plan
from sago_tui.core.project import Project
from sago_tui.core.run_loop import RunLoop
from sago_tui.core.sandbox import Sandbox, verify_sandbox
from sago_tui.core.secrets import Redactor
from sago_tui.core.session import SessionContext, options_summary, run_traced
from sago_tui.core.settings import Settings
from sago_tui.core.spec_checks import check_spec, record_requirements
from sago_tui.core.spec_events import RequirementsChecked
from sago_tui.core.state import StateStore, TaskStatus
from sago_tui.core.task_runner import TaskRunner
from sago_tui.core.waves import data_dependencies_of


class Orchestrator:
    """Runs plan generation and task execution for one project."""

    def __init__(
        self,
        project: Project,
        settings: Settings,
        *,
        bus: EventBus | None = None,
        client: LLMClient | None = None,
        cancel: CancelToken | None = None,
        approver: Approver | None = None,
    ) -> None:
        self.project = project
        self.settings = settings
        self.bus = bus or EventBus()
        self.cancel = cancel or CancelToken()
        self.approver = approver
        key = settings.llm.api_key.get() if settings.llm.api_key else ""
        self.redactor = Redactor.from_environment(
            extra=[key] if key else [], project_root=project.root
        )
        self._client = client
        self._gateway: LLMGateway | None = None
        self.state = StateStore(project.state_path, redactor=self.redactor)
        self.sandbox: Sandbox | None = None  # decided when a run starts

    @property
    def gateway(self) -> LLMGateway:
        """The gateway (and client) are created on first use: a cached run needs neither."""
        if self._gateway is None:
            client = self._client or make_client(self.settings.llm, redactor=self.redactor)
            self._gateway = LLMGateway(
                client,
                self.bus,
                max_cost=self.settings.run.max_cost,
                redactor=self.redactor,
                cancel=self.cancel,
                raw_dir=self.project.raw_dir,
            )
        return self._gateway

    @property
    def model(self) -> str:
        """The model name recorded in traces and the cache."""
        if self._client is not None:
            return self._client.model
        if self.settings.llm.replay is not None:
            return self.gateway.model
        return self.settings.llm.litellm_model

    def plan(self, *, feedback: str | None = None) -> RunResult:
        """Generate PLAN.md (``sago-tui plan``), traced like a run."""

        def body(result: RunResult) -> None:
            self.project.require_initialized()
            self.preload_llm()
            result.plan = self._generate(feedback)[0]

        return self._traced("plan", lambda: 0, body)

    def update(
        self, review: Reviewer, *, feedback: str | None = None
    ) -> tuple[RunResult, PlanUpdate | None]:
        """``plan --update``: propose a minimal plan for the changed spec, traced like a run.

        ``review`` sees the proposal and decides whether it replaces PLAN.md;
        ``feedback`` is a reviewer's note for the planner. The update is None when
        the spec has not changed (no LLM call is made then).
        """
        found: list[PlanUpdate | None] = [None]

        def body(result: RunResult) -> None:
            found[0] = update_plan(self.project, self.gateway, self.bus, review, feedback)
            if found[0] is not None:
                result.plan = found[0].plan if found[0].applied else found[0].old_plan

        return self._traced("plan", lambda: 0, body), found[0]

    def generate_spec(self, description: str) -> RunResult:
        """``init --prompt``: draft PROJECT.md and REQUIREMENTS.md, traced like a run."""

        from sago_tui.core.initializer import generate_spec  # `init --prompt` only

        def body(result: RunResult) -> None:
            self.preload_llm()
            generate_spec(self.project, self.gateway, description)

        return self._traced("init", lambda: 0, body)

    def run(
        self,
        *,
        plan_if_missing: bool = True,
        force_plan: bool = False,
        only: Collection[str] | None = None,
        command: str = "run",
    ) -> RunResult:
        """Plan if needed, get approval, execute and verify; never raises ``SagoError``."""
        loaded: tuple[Plan, list[PlanIssue]] | None = None
        load_error: PlanError | None = None
        if not force_plan and self.project.plan_path.exists():
            try:
                loaded = load_plan(self.project.plan_path)
            except PlanError as exc:
                load_error = exc
        if loaded is None or self._will_run_tasks(loaded[0], only):
            self.preload_llm()  # planning or tasks will call the model: import it meanwhile

        sandbox = self.sandbox = verify_sandbox(self.settings.run)

        def body(result: RunResult) -> None:
            if sandbox.error:
                raise ConfigError(sandbox.error)
            if self.settings.run.verify and sandbox.mode == "auto" and not sandbox.active:
                self._warn(f"verify sandbox unavailable: {sandbox.reason}")
            if load_error is not None:
                raise load_error
            if loaded is None:
                if not (force_plan or plan_if_missing):
                    raise PlanError(
                        f"PLAN.md not found in {self.project.root}; run `sago-tui plan` first"
                    )
                self.project.require_initialized()
                plan, issues, _ = self._generate(None)
            else:
                plan, issues = loaded
                drift, traced = check_spec(self.project, plan, self.settings.run)
                issues = [*issues, *traced]
                if drift:
                    self.bus.emit(
                        WarningIssued(message=drift.line() + "; running PLAN.md as it is")
                    )
            for issue in issues:
                self.bus.emit(WarningIssued(task_id=issue.task_id or None, message=str(issue)))
            result.plan = plan
            plan, skipped = self._approve(plan, issues)
            result.plan = plan
            try:
                self._execute(plan, skipped, only, result)
            finally:
                self._record_requirements(plan, result)

        total = len(loaded[0].tasks) if loaded else 0
        return self._traced(command, lambda: total, body)

    def preload_llm(self) -> None:
        """Start importing litellm and warming its client in the background (live runs)."""
        if self._client is None and self.settings.llm.replay is None:
            from sago_tui.core.llm import preload

            preload(self.settings.llm)

    def _will_run_tasks(self, plan: Plan, only: Collection[str] | None) -> bool:
        """True unless every wanted task passed before (a cached re-run needs no model)."""
        if not self.settings.run.use_cache:
            return True
        try:
            records = self.state.snapshot().records
        except OSError:  # an unreadable STATE.md is reported by the run itself
            return True
        return any(
            (only is None or task.id in only)
            and (task.id not in records or records[task.id].status != TaskStatus.PASSED)
            for task in plan.tasks
        )

    def _generate(self, feedback: str | None) -> tuple[Plan, list[PlanIssue], str]:
        return generate_plan(self.project, self.gateway, self.bus, feedback=feedback)

    def _approve(self, plan: Plan, issues: list[PlanIssue]) -> tuple[Plan, frozenset[str]]:
        """Ask the approver (TUI) or check the recorded approval; returns tasks to skip."""
        text = self.project.plan_path.read_text(encoding="utf-8")
        if self.approver is not None:
            while True:
                decision = self.approver(plan, issues)
                if decision.feedback:
                    plan, issues, text = self._generate(decision.feedback)
                    continue
                if not decision.approved:
                    raise NotApproved("the plan was not approved")
                # The reviewer may have edited tasks in place while deciding.
                plan, issues = load_plan(self.project.plan_path)
                text = self.project.plan_path.read_text(encoding="utf-8")
                approval = save_approval(
                    self.project, text, approved_by="tui", skipped=decision.skipped
                )
                self._emit_approval(approval.plan_hash, plan, decision.skipped, "tui")
                return plan, decision.skipped
        status = check_approval(self.project, text)
        if self.settings.run.require_approval and not status.valid:
            raise NotApproved(status.reason)
        if status.valid and status.approval is not None:
            return plan, status.approval.skipped
        return plan, frozenset()

    def _emit_approval(self, digest: str, plan: Plan, skipped: frozenset[str], by: str) -> None:
        approved = [t.id for t in plan.tasks if t.id not in skipped]
        self.bus.emit(
            PlanApproved(
                plan_hash=digest, approved=approved, skipped=sorted(skipped), approved_by=by
            )
        )

    def _execute(
        self,
        plan: Plan,
        skipped: frozenset[str],
        only: Collection[str] | None,
        result: RunResult,
    ) -> None:
        wanted = [t for t in plan.tasks if only is None or t.id in only]
        include: list[str] = []
        for task in wanted:
            if task.id in skipped:
                reason = "skipped at plan approval"
                self.state.record(task.id, task.name, TaskStatus.SKIPPED, error=reason)
                self.bus.emit(
                    TaskSkipped(
                        task_id=task.id, task_name=task.name, phase=task.phase, reason=reason
                    )
                )
                result.outcomes[task.id] = TaskOutcome(task.id, task.name, SKIPPED, reason=reason)
            else:
                include.append(task.id)
        shared = ProjectContext.load(self.project, hide=self.settings.run.sandbox_hide)
        cache = TaskCache(
            self.project, plan, self.model, data_dependencies_of(plan), self._warn,
            verify=self.settings.run.verify,
        )  # fmt: skip
        runner = TaskRunner(
            self.project, plan, self.gateway,
            self.bus, self.settings.run, shared, self.redactor, self.cancel,
            sandbox=self.sandbox,
            edit_format=self.settings.llm.edit_format,
        )  # fmt: skip
        loop = RunLoop(
            plan, self.settings.run, self.bus, runner.gateway, self.state, cache, runner,
            shared, self.cancel,
        )  # fmt: skip
        fatal = loop.execute(include, result)
        ordered = {t.id: result.outcomes[t.id] for t in plan.tasks if t.id in result.outcomes}
        result.outcomes = ordered
        if fatal is not None:
            raise fatal
        if any(o.status in (FAILED, NOT_RUN) for o in ordered.values()):
            failed = [o.task_id for o in ordered.values() if o.status == FAILED]
            result.exit_code = ExitCode.TASK_FAILED
            result.reason = f"failed: {', '.join(failed)}" if failed else "some tasks did not run"

    def _record_requirements(self, plan: Plan, result: RunResult) -> None:
        report = record_requirements(self.project, plan, self.settings.run)
        result.requirements, result.ticked, result.unticked = (
            report.rows, report.ticked, report.unticked,
        )  # fmt: skip
        if report.error:
            self._warn(report.error)
        if report.rows:
            rows = [
                {"id": r.id, "text": r.text, "tasks": [list(t) for t in r.tasks], "done": r.done}
                for r in report.rows
            ]
            self.bus.emit(
                RequirementsChecked(
                    requirements=rows, ticked=report.ticked, unticked=report.unticked
                )
            )

    def _warn(self, message: str) -> None:
        self.bus.emit(WarningIssued(message=message))

    def _traced(
        self, command: str, total: Callable[[], int], body: Callable[[RunResult], None]
    ) -> RunResult:
        options = options_summary(self.settings.run)
        if self.sandbox is not None and command not in ("plan", "init"):  # runs verify
            options["sandbox"] = self.sandbox.label
        started = WorkflowStarted(
            total_tasks=total(),
            command=command,
            model=self._model_for_trace(),
            options=options,
        )
        ctx = SessionContext(self.project, self.bus, self.redactor, self.cancel, self.state)
        return run_traced(ctx, started, body, self._ledger)

    def _ledger(self) -> CostLedger | None:
        return self._gateway.ledger if self._gateway is not None else None

    def _model_for_trace(self) -> str:
        try:
            return self.model
        except SagoError:
            return self.settings.llm.litellm_model
