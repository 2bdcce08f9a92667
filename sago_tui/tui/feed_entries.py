"""One Feed entry per event: a short styled line that keeps the event for its detail view."""

from __future__ import annotations

from textual.content import Content

from sago_tui.core.events import (
    BudgetStopped,
    CacheHit,
    CacheMiss,
    Compressed,
    ErrorOccurred,
    Event,
    FileRead,
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
    WorkflowFinished,
    WorkflowStarted,
)
from sago_tui.core.text import one_line, tail_lines
from sago_tui.tui.formatting import (
    cached_note,
    call_label,
    diff_stats,
    money,
    size,
    summary,
    tokens,
)

VERIFY_TAIL_LINES = 4
MORE = ("  ↵", "$text-muted")  # Enter opens the full detail


def _line(mark: str, style: str, text: str, *extra: tuple[str, str] | str) -> Content:
    return Content.assemble((mark, style), " ", text, *extra)


def _verify(event: VerifyRan) -> Content:
    if event.success:
        return _line("✔", "$success", f"verify passed ({event.duration_s:.1f}s): ", event.command)
    why = "timed out" if event.timed_out else f"exit {event.exit_code}"
    head = _line(
        "✘", "$error", f"verify failed ({why}, {event.category or 'unknown'}): ", event.command
    )
    tail = tail_lines((event.stdout + "\n" + event.stderr).strip(), VERIFY_TAIL_LINES)
    body = "\n".join("  │ " + one_line(line, 160) for line in tail.splitlines())
    return Content.assemble(head, ("\n" + body, "$text-muted") if body else "", MORE)


def entry_content(event: Event) -> Content | None:
    """The styled line for ``event``; None for events the Feed does not list."""
    match event:
        case WorkflowStarted() | PlanGenerated() | CacheMiss() | Compressed():
            return _line("·", "$text-muted", summary(event))
        case WorkflowFinished():
            style = "$success" if event.success else "$error"
            return _line("■", style, summary(event))
        case PlanApproved():
            skipped = f", {len(event.skipped)} skipped" if event.skipped else ""
            text = f"plan approved by {event.approved_by} ({len(event.approved)} tasks{skipped})"
            return _line("✔", "$accent", text)
        case TaskStarted():
            return _line("▶", "$warning", f"started (wave {event.wave}): ", ", ".join(event.files))
        case CacheHit():
            return _line("≡", "$secondary", "cached: unchanged since it last passed")
        case FileRead():
            return _line("↳", "$text-muted", f"read {event.path} ({size(event.size_bytes)})")
        case LLMCalled():
            text = (
                f"LLM {call_label(event.purpose, event.attempt)} · {tokens(event.prompt_tokens)}→"
                f"{tokens(event.completion_tokens)} tok{cached_note(event.cached_tokens)} · "
                f"{money(event.cost_usd)} · "
                f"{event.duration_s:.1f}s"
            )
            return _line("◆", "$accent", text, MORE)
        case FileWritten():
            added, removed = diff_stats(event.diff)
            verb = "created" if event.created else "wrote"
            return Content.assemble(
                ("✎", "$primary"), f" {verb} {event.path}  ",
                (f"+{added}", "$text-success"), " ", (f"-{removed}", "$text-error"), MORE,
            )  # fmt: skip
        case FileRefused():
            return _line("✗", "$error", f"refused {event.path}: {event.reason}")
        case VerifyRan():
            return _verify(event)
        case FixAttempted():
            style = "$success" if event.outcome == "fixed" else "$warning"
            reason = f" — {one_line(event.reason, 100)}" if event.reason else ""
            text = f"fix #{event.attempt} ({event.category}): {event.outcome}{reason}"
            return _line("↻", style, text)
        case GitCommitted():
            return _line("⊕", "$success" if event.success else "$warning", summary(event))
        case TaskFinished():
            return _finished(event)
        case TaskSkipped():
            return _line("⊘", "$text-muted", f"skipped: {event.reason}")
        case BudgetStopped():
            return _line("$", "$error", summary(event))
        case ErrorOccurred():
            return _line("✘", "$error", one_line(event.message, 240))
        case WarningIssued():
            return _line("⚠", "$warning", one_line(event.message, 240))
    return None


def _finished(event: TaskFinished) -> Content:
    if event.status == "cached":
        return _line("≡", "$secondary", "cached")
    if event.success:
        return _line("✔", "$success", f"passed in {event.duration_s:.1f}s")
    error = one_line(event.error, 200) if event.error else event.status
    return _line("✘", "$error", f"{event.status}: {error}")


def live_content(purpose: str, chars: int, text: str) -> Content:
    """The in-flight line of an LLM call: characters so far and the last streamed line."""
    if chars == 0:  # sent, no token yet
        return Content.assemble(("◌", "$warning"), f" LLM {purpose} · connecting to the model…")
    last = one_line(text.rstrip().rsplit("\n", 1)[-1], 90) if text else ""
    return Content.assemble(
        ("◌", "$warning"),
        f" LLM {purpose} answering… {chars:,} characters",
        (f"  {last}" if last else "", "$text-muted"),
    )
