"""GitHub Actions workflow commands: an ``::error`` annotation per failed task.

Printed to stdout only when ``GITHUB_ACTIONS=true``; the runner turns each line
into an annotation on the run page and, with ``file=``, on the pull request's
diff. Escaping follows the runner's own rules (``@actions/core``): in the
message ``%``, ``\\r`` and ``\\n`` become ``%25``, ``%0D`` and ``%0A``; property
values (``file``, ``title``) additionally escape ``:`` and ``,`` as ``%3A``/``%2C``,
so a task name can neither end the command early nor add properties.
"""

from __future__ import annotations

from pathlib import Path

from sago_tui.core.outcome import FAILED
from sago_tui.reports.junit import run_error
from sago_tui.reports.model import RunReport, TaskReport
from sago_tui.reports.text import clean, flat

MESSAGE_TAIL_LINES = 15


def escape_data(text: str) -> str:
    """A workflow command's message (after ``::``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command property value (``file=…``, ``title=…``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str) -> str:
    """``::name key=value,…::message`` with every part escaped; empty properties dropped."""
    props = ",".join(f"{k}={escape_property(v)}" for k, v in properties.items() if v)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def annotation_path(task: TaskReport, project: Path, workspace: Path | None) -> str:
    """The task's first declared file, relative to the repository checkout.

    Annotations are matched against repository paths, so a project in a
    sub-directory of ``$GITHUB_WORKSPACE`` gets that prefix; outside of it the
    project-relative path is the best guess.
    """
    if not task.files:
        return ""
    declared = task.files[0].strip()
    base = workspace or Path.cwd()
    try:
        return (project / declared).resolve().relative_to(base.resolve()).as_posix()
    except (ValueError, OSError):
        return declared


def annotation_lines(report: RunReport, workspace: Path | None = None) -> list[str]:
    """The ``::error`` lines for this run (empty when it passed)."""
    project = Path(report.project)
    lines = []
    for task in report.tasks:
        if task.status != FAILED:
            continue
        body = [task.reason or "failed"]
        if task.verify:
            body.append(f"verify: {flat(task.verify)}")
        if task.output_tail:
            body += clean(task.output_tail).splitlines()[-MESSAGE_TAIL_LINES:]
        title = flat(f"sago-tui: task {task.id} failed: {task.name}")
        path = annotation_path(task, project, workspace)
        lines.append(command("error", "\n".join(body), file=path, title=title))
    error = run_error(report)
    if error:
        title = f"sago-tui {report.command}: exit {report.exit_code} ({report.exit_status})"
        lines.append(command("error", flat(error), title=title))
    return lines
