"""The headless front end: one plain line per event, then a summary table.

It is an event sink like the TUI, fed by the same orchestrator. Lines are built
as plain text and printed as :class:`rich.text.Text`, so nothing in a task name,
an LLM answer or a verify output is ever read as Rich markup or an emoji code.
Text from outside (names, messages, commands, tool output) is cleaned of ANSI
escapes and control characters and folded to the console width (120 columns
when stdout is not a terminal) with indented continuation lines, so CI logs
stay readable. Whether colour is used is the console's decision (see
``run_cmd.headless_console``); with an encoding that cannot show ``✓``/``✗``
the marks fall back to ASCII. Nothing here ever waits for input.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.text import Text

from sago_tui.core.events import (
    BudgetStopped,
    CacheHit,
    CacheMiss,
    Compressed,
    ErrorOccurred,
    Event,
    FileRefused,
    FileWritten,
    FixAttempted,
    GitCommitted,
    LLMCalled,
    PlanApproved,
    PlanGenerated,
    TaskFinished,
    TaskSkipped,
    TaskStarted,
    VerifyRan,
    WarningIssued,
    WorkflowStarted,
)
from sago_tui.core.sandbox import SANDBOX_OFF_LABEL
from sago_tui.core.secrets import Redactor
from sago_tui.reports.console import (
    NORMAL,
    QUIET,
    VERBOSE,
    money,
    print_summary,
    summary_line,
    summary_table,
    tokens,
)
from sago_tui.reports.text import flat, fold, tail

__all__ = [
    "NORMAL",
    "QUIET",
    "VERBOSE",
    "HeadlessPrinter",
    "money",
    "print_summary",
    "summary_line",
    "summary_table",
    "tokens",
]

FAIL_TAIL_LINES = 12
# Cache-miss reasons that say nothing beyond "the task runs" (first run, --no-cache).
_PLAIN_MISSES = ("no cached result", "cache disabled (--no-cache)")
VERBOSE_TAIL_LINES = 40
Line = tuple[str, str]  # (text, style)


@dataclass(frozen=True)
class Marks:
    """The status symbols; ASCII ones when the output encoding lacks the Unicode ones."""

    start: str = "▶"
    passed: str = "✓"
    failed: str = "✗"
    cached: str = "="
    skipped: str = "⊘"
    arrow: str = "→"


ASCII_MARKS = Marks(start=">", passed="+", failed="x", cached="=", skipped="-", arrow="->")


def marks_for(encoding: str | None) -> Marks:
    """Unicode marks for a UTF encoding, ASCII ones otherwise."""
    return Marks() if "utf" in (encoding or "").lower() else ASCII_MARKS


class HeadlessPrinter:
    """An event sink that prints the live log."""

    # Lines that matter even in --quiet mode (failed task ends are added below).
    _ALWAYS = (ErrorOccurred, BudgetStopped, FileRefused)
    # Lines only shown with --verbose.
    _VERBOSE = (CacheMiss, LLMCalled, FileWritten, GitCommitted, PlanApproved, Compressed)

    def __init__(
        self,
        console: Console,
        verbosity: int = NORMAL,
        redactor: Redactor | None = None,
        *,
        name_tasks: bool = False,
    ) -> None:
        self.console = console
        # Parallel tasks interleave their lines: verify and fix lines then say whose they are.
        self.name_tasks = name_tasks
        self.verbosity = verbosity
        # CI logs are kept and shared: a key echoed by a verify command or written in
        # PLAN.md must not reach them (the engine redacts outputs, not commands or names).
        self.redactor = redactor if redactor is not None else Redactor.from_environment()
        self.marks = marks_for(console.encoding)
        self._failed_output: dict[str, VerifyRan] = {}  # for --quiet: shown under ✗

    def __call__(self, event: Event) -> None:
        if isinstance(event, VerifyRan) and event.task_id:
            if event.success:
                self._failed_output.pop(event.task_id, None)
            else:
                self._failed_output[event.task_id] = event
        failed_task = isinstance(event, TaskFinished) and not event.success
        if self.verbosity == QUIET and not isinstance(event, self._ALWAYS) and not failed_task:
            return
        if self.verbosity < VERBOSE and self._verbose_only(event):
            return
        for text, style in self.lines(event):
            self.console.print(Text(self.redactor.redact(text), style=style), soft_wrap=True)

    def _verbose_only(self, event: Event) -> bool:
        if isinstance(event, CacheMiss):
            # Why a task re-runs ("input src/a.py changed") is worth a line in CI logs;
            # that a task without a cached result runs is not.
            return event.reason in _PLAIN_MISSES
        return isinstance(event, self._VERBOSE)

    @property
    def width(self) -> int:
        return max(self.console.width, 60)

    def _fold(
        self, text: str, style: str = "", *, first: str = "", rest: str = "    "
    ) -> list[Line]:
        limit = None if self.verbosity == VERBOSE else 4
        return [(line, style) for line in fold(text, self.width, first, rest, limit)]

    def lines(self, event: Event) -> list[Line]:
        """The styled lines for ``event``."""
        m = self.marks
        match event:
            case WorkflowStarted():
                count = f" · {event.total_tasks} tasks" if event.total_tasks else ""
                head = f"sago-tui {event.command} · {event.project_path} · {event.model}{count}"
                sandbox = str(event.options.get("sandbox", ""))
                # An unavailable sandbox is said once, by the warning that follows.
                if sandbox.startswith("bubblewrap") or sandbox == SANDBOX_OFF_LABEL:
                    head += f" · verify sandbox: {sandbox}"
                return self._fold(flat(head), "bold")
            case PlanGenerated():
                phases = f"{event.phases} phase{'' if event.phases == 1 else 's'}"
                tasks = f"{event.tasks} task{'' if event.tasks == 1 else 's'}"
                notes = [(f"warning: {flat(w)}", "yellow") for w in event.warnings]
                return [(f"plan: {phases}, {tasks} written to PLAN.md", ""), *notes]
            case PlanApproved():
                return [(f"plan approved ({len(event.approved)} tasks)", "")]
            case WarningIssued():
                return self._fold(f"warning: {flat(event.message)}", "yellow")
            case TaskStarted():
                return self._fold(f"{m.start} {event.task_id} {flat(event.task_name)}", "bold")
            case CacheHit():
                return [(f"{m.cached} {event.task_id} cached (unchanged)", "cyan")]
            case CacheMiss():
                return self._fold(
                    f"  {event.task_id} runs: {flat(event.reason)}", "dim", rest="      "
                )
            case LLMCalled():
                sizes = f"{tokens(event.prompt_tokens)}{m.arrow}{tokens(event.completion_tokens)}"
                if event.cached_tokens:
                    sizes += f" ({tokens(event.cached_tokens)} cached)"
                text = (f"  llm {event.purpose} {flat(event.model)} {sizes} tok "
                        f"{money(event.cost_usd)} {event.duration_s:.1f}s")  # fmt: skip
                return [(text, "dim")]
            case Compressed():
                text = (f"  compressed context {tokens(event.original_tokens)}{m.arrow}"
                        f"{tokens(event.compressed_tokens)} tok ({event.strategy})")  # fmt: skip
                return [(text, "dim")]
            case FileWritten():
                verb = "created" if event.created else "wrote"
                text = f"  {verb} {flat(event.path)} ({event.size_bytes:,} bytes)"
                return self._fold(text, "dim", rest="      ")
            case FileRefused():
                text = f"  refused {flat(event.path)}: {flat(event.reason)}"
                return self._fold(text, "yellow", rest="      ")
            case VerifyRan():
                return self._verify_lines(event)
            case FixAttempted():
                outcome = event.outcome.replace("_", " ")
                text = (f"  {self._whose(event)}fix #{event.attempt} ({event.category}): "
                        f"{outcome}: {flat(event.reason)}")  # fmt: skip
                return self._fold(
                    text, "green" if event.outcome == "fixed" else "yellow", rest="      "
                )
            case GitCommitted():
                if not event.success:
                    return self._fold(f"  git commit failed: {flat(event.error)}", "yellow")
                return [(f"  committed {event.sha[:10] or '(no changes)'}", "dim")]
            case TaskFinished():
                return self._task_lines(event)
            case TaskSkipped():
                return self._fold(f"{m.skipped} {event.task_id} {flat(event.reason)}", "yellow")
            case BudgetStopped():
                return []  # the task's "not run: budget reached: …" line says it, once
            case ErrorOccurred():
                # Said once, where it belongs: on the task's ✗ line, or by the command's
                # final result line (and on stderr), never also as a live line.
                return []
        return []

    def _output_lines(self, event: VerifyRan) -> list[Line]:
        count = VERBOSE_TAIL_LINES if self.verbosity == VERBOSE else FAIL_TAIL_LINES
        output = tail(
            "\n".join(p.rstrip() for p in (event.stdout, event.stderr) if p.strip()), count
        )
        lines: list[Line] = []
        for raw in output.splitlines():
            # The "| " prefix also stops a tool's "::" line being run as a GitHub command.
            lines += self._fold(raw.rstrip(), "", first="    | ", rest="    | ")
        return lines

    def _whose(self, event: Event) -> str:
        """``"1.2 "`` before an indented line when tasks run in parallel, else nothing."""
        return f"{event.task_id} " if self.name_tasks and event.task_id else ""

    def _verify_lines(self, event: VerifyRan) -> list[Line]:
        command = flat(event.command)
        who = self._whose(event)
        if event.success:
            return self._fold(f"  {who}verify PASS {command} ({event.duration_s:.1f}s)", "green",
                              rest="      ")  # fmt: skip
        why = "timed out" if event.timed_out else f"exit {event.exit_code}"
        head = f"  {who}verify FAIL {command} ({why}, {event.category or 'unknown'})"
        return self._fold(head, "red", rest="      ") + self._output_lines(event)

    def _task_lines(self, event: TaskFinished) -> list[Line]:
        if event.status == "cached":
            return []  # the cache_hit line already said it
        stats = (
            f"{event.duration_s:.1f}s, {tokens(event.total_tokens)} tok, {money(event.cost_usd)}"
        )
        if event.success:
            return [(f"{self.marks.passed} {event.task_id} passed ({stats})", "bold green")]
        if event.status == "not_run":  # cut short by Ctrl-C or the budget: not a failure
            why = flat(event.error) or "the run stopped"
            return self._fold(f"{self.marks.skipped} {event.task_id} not run: {why}", "yellow")
        reason = flat(event.error) if event.error else event.status
        text = f"{self.marks.failed} {event.task_id} {event.status}: {reason} ({stats})"
        lines = self._fold(text, "bold red")
        seen = self._failed_output.get(event.task_id or "")
        if self.verbosity == QUIET and seen is not None:
            lines += self._output_lines(seen)  # --quiet showed no verify line: show why here
        return lines
